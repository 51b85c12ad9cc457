package kquant.keras;

import java.util.List;

/** Where a file keeps each layer's weight arrays; one implementation per on-disk layout. */
interface WeightStore {

    /** One stored array, with the path it was read from (for error messages). */
    record Array(String path, int[] shape, float[] values) {
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
