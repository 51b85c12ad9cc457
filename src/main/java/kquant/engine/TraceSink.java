package kquant.engine;

/**
 * Receives the intermediates of one run as an engine produces them, without the copies a
 * {@link Trace} makes: the calibrator's statistics listen this way. The arrays are lent: a sink
 * must not keep or modify them after the call.
 */
public interface TraceSink {

    /** A whole tensor, {@code [step][unit]}. */
    void put(String name, double[][] values);

    /** One step of a tensor; steps arrive in order. */
    void step(String name, double[] values);
}
