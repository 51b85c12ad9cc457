package kquant.engine;

/**
 * One thread's working memory for an {@link Engine}: every buffer a block of up to {@link #lanes()}
 * samples needs, allocated once and reused for every block. Not thread-safe; make one per thread.
 */
public interface Runner {

    /** The most samples one call of {@link #run} takes. */
    int lanes();

    /**
     * Runs samples {@code [0, count)} of a block.
     *
     * @param input   the samples as data sources give them, sample by sample, each {@code timesteps × features}
     *                values row-major, starting at {@code offset}
     * @param count   samples in the block, 1 to {@link #lanes()}
     * @param sink    receives every intermediate; null for none
     */
    void run(float[] input, int offset, int count, BlockSink sink);

    /** Output rows per sample of the last run: its timesteps, or 1 for a last-step or vector output. */
    int outputSteps();

    int outputUnits();

    /** The last run's output for sample {@code s} of the block, timestep {@code t}, unit {@code j}, in real units. */
    double output(int s, int t, int j);
}
