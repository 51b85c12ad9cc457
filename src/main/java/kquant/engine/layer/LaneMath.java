package kquant.engine.layer;

import kquant.model.Activation;

/**
 * The float32 loops of the block engine. A tensor of a block is held as rows, one per unit, each
 * holding that unit's value for every sample of the block ("lanes"); every loop runs along a row,
 * so the JIT turns it into vector instructions while each sample keeps exactly the operation order
 * of a one-sample float32 computation (Java float arithmetic rounds every product and sum to
 * float32, as a float32 backend does, and never fuses them).
 *
 * <p>Why rows of their own and not one flat array per tensor: HotSpot 17 vectorizes
 * {@code acc[s] += x[s] * w} only when both arrays are indexed by the same expression; with a flat
 * array per tensor the rows sit at different offsets and the loop stays scalar (measured 0.89 ns
 * against 0.10 ns per multiply-accumulate on a 2-core Xeon).
 */
final class LaneMath {

    private LaneMath() {
        throw new AssertionError("No instances of LaneMath");
    }

    /**
     * {@code acc[acc0 + c] = Σ_i x[x0 + i] · w[i · stride + col0 + c]} for {@code c < cols}, summed from
     * 0 in input order, for lanes {@code [0, n)}. {@code w} is a Keras kernel, input-major.
     */
    static void matvec(float[][] x, int x0, int inputs, float[] w, int stride, int col0, int cols, float[][] acc, int acc0, int n) {
        int c = 0;
        for (; c + 4 <= cols; c += 4) {
            float[] a0 = acc[acc0 + c];
            float[] a1 = acc[acc0 + c + 1];
            float[] a2 = acc[acc0 + c + 2];
            float[] a3 = acc[acc0 + c + 3];
            fill(a0, 0f, n);
            fill(a1, 0f, n);
            fill(a2, 0f, n);
            fill(a3, 0f, n);
            for (int i = 0; i < inputs; i++) {
                int k = i * stride + col0 + c;
                mac4(x[x0 + i], w[k], w[k + 1], w[k + 2], w[k + 3], a0, a1, a2, a3, n);
            }
        }
        for (; c < cols; c++) {
            float[] a = acc[acc0 + c];
            fill(a, 0f, n);
            for (int i = 0; i < inputs; i++) {
                mac(x[x0 + i], w[i * stride + col0 + c], a, n);
            }
        }
    }

    /** One input row times four weights, into four accumulator rows: x is loaded once for four products. */
    private static void mac4(float[] x, float w0, float w1, float w2, float w3, float[] a0, float[] a1, float[] a2, float[] a3, int n) {
        for (int s = 0; s < n; s++) {
            float v = x[s];
            a0[s] += v * w0;
            a1[s] += v * w1;
            a2[s] += v * w2;
            a3[s] += v * w3;
        }
    }

    private static void mac(float[] x, float w, float[] a, int n) {
        for (int s = 0; s < n; s++) {
            a[s] += x[s] * w;
        }
    }

    static void fill(float[] row, float v, int n) {
        for (int s = 0; s < n; s++) {
            row[s] = v;
        }
    }

    /** {@code out = a + b} lane by lane. */
    static void add(float[] a, float[] b, float[] out, int n) {
        for (int s = 0; s < n; s++) {
            out[s] = a[s] + b[s];
        }
    }

    /** {@code out = a + c} lane by lane, for a constant c. */
    static void add(float[] a, float c, float[] out, int n) {
        for (int s = 0; s < n; s++) {
            out[s] = a[s] + c;
        }
    }

    /** {@code out = a · b} lane by lane. */
    static void multiply(float[] a, float[] b, float[] out, int n) {
        for (int s = 0; s < n; s++) {
            out[s] = a[s] * b[s];
        }
    }

    static void copy(float[] from, float[] to, int n) {
        System.arraycopy(from, 0, to, 0, n);
    }

    /** {@code out = act(z)} lane by lane, as float32: the activation of the float32 value, rounded to float32. */
    static void activate(Activation act, float[] z, float[] out, int n) {
        switch (act) {
            case LINEAR:
                copy(z, out, n);
                return;
            case RELU:
                for (int s = 0; s < n; s++) {
                    out[s] = z[s] > 0 ? z[s] : 0f;
                }
                return;
            default:
                Float32Activations.apply(act, z, out, n);
        }
    }
}
