package kquant.engine;

/**
 * Receives the intermediates of one sample as the {@link ReferenceEngine} produces them. The
 * arrays are lent: a sink must not keep or modify them after the call.
 */
interface TraceSink {

    /** A whole tensor, {@code [step][unit]}. */
    void put(String name, double[][] values);

    /** One step of a tensor; steps arrive in order. */
    void step(String name, double[] values);
}
