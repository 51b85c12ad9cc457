package kquant.data;

/**
 * A data set of {@code count()} samples, each {@code timesteps() × features()} values, read in
 * chunks. A 2-D data set {@code (N, F)} has one timestep and {@code sequence() == false}.
 *
 * <p>Reads return float32 values in row-major sample, timestep, feature order. They do not check
 * for NaN or infinity; {@link DataFiles} does that as it hands samples to the engines.
 */
public interface SequenceSource extends AutoCloseable {

    /** The file (and dataset path) as the user named it, for messages. */
    String name();

    DataShape shape();

    default int count() {
        return shape().count();
    }

    default int timesteps() {
        return shape().timesteps();
    }

    default int features() {
        return shape().features();
    }

    default boolean sequence() {
        return shape().sequence();
    }

    /**
     * Reads samples {@code [start, start + n)}.
     *
     * @return {@code n * timesteps() * features()} values
     */
    float[] read(int start, int n);

    default int sampleSize() {
        return shape().sampleSize();
    }

    @Override
    default void close() {
    }
}
