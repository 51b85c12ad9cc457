package kquant.engine;

/**
 * Runs a model on one sample. Implementations are immutable and safe to share between threads:
 * every buffer lives in the call, never in a field.
 *
 * <p>A sample is {@code [timestep][feature]}; a vector input is a single row. The output has one
 * row per returned timestep (one row for a last-step or vector output).
 */
public interface Engine {

    /** The engine's name as the CLI spells it: float32, float64, q15, q7. */
    String name();

    /** The model's output for one sample, in real units. */
    double[][] run(double[][] sample);

    /** The output and every intermediate, per timestep. */
    Trace trace(double[][] sample);
}
