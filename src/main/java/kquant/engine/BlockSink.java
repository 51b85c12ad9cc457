package kquant.engine;

/**
 * Receives the intermediates of a run as an engine produces them, one tensor and one timestep at a
 * time, for a whole block of samples at once. The arrays are lent: a sink must not keep or change them.
 *
 * <p>Block layout: {@code rows[row0 + j][s]} is unit {@code j} of sample {@code s} of the block, for
 * {@code j < units} and {@code s < count} (one row per unit, the block's samples along it).
 */
public interface BlockSink {

    /** A tensor of the float32 block engine. */
    default void floats(String tensor, int step, float[][] rows, int row0, int units, int count) {
    }

    /** A tensor of the integer block engine: codes whose real value is {@code code · 2^-frac}. */
    default void codes(String tensor, int step, int[][] rows, int row0, int units, int count, int frac) {
    }

    /**
     * A tensor in double: from the reference engine (float32 or float64 values), or an integer
     * engine's exact sums that have no format of their own (x·W, h·U).
     */
    default void doubles(String tensor, int step, double[][] rows, int row0, int units, int count) {
    }
}
