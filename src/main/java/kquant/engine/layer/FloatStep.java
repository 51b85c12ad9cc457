package kquant.engine.layer;

import kquant.engine.BlockSink;

/**
 * One layer of the float32 block engine, holding one runner's buffers for it. A block tensor is
 * {@code rows[step · units + unit][lane]}: one row per unit and timestep, the block's samples along
 * each row ({@link LaneMath}).
 */
public abstract class FloatStep {

    /** Timesteps and units of the output, per sample. */
    public abstract int stepsOut();

    public abstract int unitsOut();

    /**
     * Runs the layer on lanes {@code [0, n)} of {@code in}.
     *
     * @return the output rows; owned by this step and overwritten by its next run
     */
    public abstract float[][] run(float[][] in, int n, BlockSink sink);

    /** Rows of {@code lanes} floats each. */
    static float[][] rows(int count, int lanes) {
        return new float[count][lanes];
    }

    /** Hands a tensor's values at {@code step} (rows {@code [row0, row0 + units)}) to the sink, if any. */
    static void record(BlockSink sink, String tensor, int step, float[][] rows, int row0, int units, int n) {
        if (sink != null) {
            sink.floats(tensor, step, rows, row0, units, n);
        }
    }
}
