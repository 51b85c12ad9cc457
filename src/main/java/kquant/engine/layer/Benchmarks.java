package kquant.engine.layer;

import kquant.model.Activation;

/** The engine's inner loops, opened for the JMH microbenchmarks (src/jmh); nothing else calls this. */
public final class Benchmarks {

    private Benchmarks() {
        throw new AssertionError("No instances of Benchmarks");
    }

    /** {@code out = act(z)} as the float32 engine computes it. */
    public static void activate(Activation act, float[] z, float[] out, int n) {
        LaneMath.activate(act, z, out, n);
    }

    /** The same exponential without the StrictMath check (not bit-identical; for comparison only). */
    public static void activateUnchecked(Activation act, float[] z, float[] out, int n) {
        Float32Activations.applyUnchecked(act, z, out, n);
    }
}
