package kquant.diagnose;

/**
 * A user's own numbers {@code [sample][step][unit]}, read a block of samples at a time, so that
 * {@code kquant diff} holds one block of them however many samples the file has.
 */
public interface ActualNumbers extends AutoCloseable {

    int samples();

    int steps();

    int units();

    /** Samples {@code [start, start + n)}. */
    Numbers3d read(int start, int n);

    /** The shape as numpy would print it: {@code (N, units)} for one step, else {@code (N, T, units)}. */
    default String shape() {
        return shape(samples(), steps(), units());
    }

    static String shape(int samples, int steps, int units) {
        return steps == 1 ? "(" + samples + ", " + units + ")" : "(" + samples + ", " + steps + ", " + units + ")";
    }

    @Override
    default void close() {
    }
}
