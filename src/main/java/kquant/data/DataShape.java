package kquant.data;

import java.util.Arrays;
import kquant.KquantException;

/**
 * The shape of a data set: {@code count} samples of {@code timesteps × features} values. A 2-D
 * data set {@code (N, F)} has one timestep and {@code sequence == false}.
 */
public record DataShape(int count, int timesteps, int features, boolean sequence) {

    /**
     * The shape of an array stored as {@code (samples, timesteps, features)} or
     * {@code (samples, features)}; anything else is refused with a message naming {@code source}.
     */
    static DataShape ofArray(String source, long[] dims) {
        if (dims.length != 2 && dims.length != 3) {
            throw KquantException.of("%s: array of shape %s; expected (samples, timesteps, features) or (samples, features)",
                    source, Arrays.toString(dims));
        }
        boolean sequence = dims.length == 3;
        long timesteps = sequence ? dims[1] : 1;
        long features = dims[dims.length - 1];
        if (dims[0] > Integer.MAX_VALUE || timesteps * features > Integer.MAX_VALUE) {
            throw KquantException.of("%s: array of shape %s is too large", source, Arrays.toString(dims));
        }
        return new DataShape((int) dims[0], (int) timesteps, (int) features, sequence);
    }

    /** Values in one sample. */
    public int sampleSize() {
        return timesteps * features;
    }
}
