package kquant.engine.layer;

import kquant.model.Activation;

/**
 * Activations of float32 values, rounded to float32: {@code (float) act((double) z)} with the
 * activation in double from {@link Activation#apply}.
 */
final class Float32Activations {

    private Float32Activations() {
        throw new AssertionError("No instances of Float32Activations");
    }

    static void apply(Activation act, float[] z, float[] out, int n) {
        for (int s = 0; s < n; s++) {
            out[s] = (float) act.apply(z[s]);
        }
    }
}
