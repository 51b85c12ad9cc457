package kquant.engine;

import kquant.model.Model;

/**
 * Runs a model. Implementations are immutable and shared between threads; every buffer lives in a
 * {@link Runner}, one per thread.
 *
 * <p>A sample is {@code [timestep][feature]}; a vector input is a single row. The output has one
 * row per returned timestep (one row for a last-step or vector output).
 */
public interface Engine {

    /** The engine's name as the CLI spells it: float32, float64, q15, q7, a16w8. */
    String name();

    /** The model it runs (with its sequence length fixed when the data fixed it). */
    Model model();

    /** Working memory for blocks of up to {@code lanes} samples; one per thread. */
    Runner runner(int lanes);

    /** The model's output for one sample, in real units (a convenience over a one-sample runner). */
    default double[][] run(double[][] sample) {
        Runner r = runner(1);
        r.run(Samples.flatten(sample), 0, 1, null);
        return Samples.outputs(r, 0);
    }

    /** The output and every intermediate of one sample, per timestep. */
    default Trace trace(double[][] sample) {
        Runner r = runner(1);
        Trace.Recorder recorder = new Trace.Recorder(0);
        r.run(Samples.flatten(sample), 0, 1, recorder);
        return recorder.build();
    }
}
