package kquant.engine.layer;

import kquant.engine.BlockSink;
import kquant.engine.Saturations;

/**
 * One layer of the integer block engine, holding one runner's buffers for it. Codes are laid out as
 * in {@link FloatStep}: {@code rows[step · units + unit][lane]}.
 */
public abstract class FixedStep {

    public abstract int stepsOut();

    public abstract int unitsOut();

    /** The fractional bits of the output codes. */
    public abstract int fracOut();

    /**
     * Runs the layer on lanes {@code [0, n)} of {@code in}, adding every clipped value to {@code sats}.
     *
     * @return the output codes; owned by this step and overwritten by its next run
     */
    public abstract int[][] run(int[][] in, int n, BlockSink sink, Saturations sats);

    static int[][] rows(int count, int lanes) {
        return new int[count][lanes];
    }

    /** Hands a tensor's codes at {@code step} (rows {@code [row0, row0 + units)}, format {@code frac}) to the sink, if any. */
    static void record(BlockSink sink, String tensor, int step, int[][] rows, int row0, int units, int n, int frac) {
        if (sink != null) {
            sink.codes(tensor, step, rows, row0, units, n, frac);
        }
    }
}
