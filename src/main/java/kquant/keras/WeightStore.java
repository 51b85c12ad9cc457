package kquant.keras;

import java.util.List;
import java.util.function.Supplier;

/** Where a file keeps each layer's weight arrays; one implementation per on-disk layout. */
interface WeightStore {

    /**
     * One stored array, with the path it is read from (for error messages). Its shape comes from
     * the file's header; its values are read only when asked for, so that the shape can be
     * checked against the layer's config first.
     */
    record Array(String path, int[] shape, Supplier<float[]> reader) {

        /** Reads the values (each call reads them again). */
        float[] values() {
            return reader.get();
        }
    }

    /**
     * The arrays of one layer in Keras's order (kernel, recurrent kernel, bias).
     *
     * @param layer     the layer's config
     * @param position  its index among the model's layers, InputLayer excluded
     * @return the arrays; empty when the file holds none for this layer
     */
    List<Array> arrays(LayerConfig layer, int position);
}
