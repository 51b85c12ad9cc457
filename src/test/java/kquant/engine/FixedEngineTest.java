package kquant.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import kquant.fixed.Format;
import kquant.fixed.Formats;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.model.Activation;
import kquant.model.Dense;
import kquant.model.Model;
import kquant.model.ModelSource;
import kquant.model.Shape;
import kquant.model.SimpleRnn;
import kquant.model.Tensor;
import org.junit.jupiter.api.Test;

/** The integer engine against steps worked out by hand, and against the float engine where no rounding can happen. */
class FixedEngineTest {

    private static final ModelSource SRC = new ModelSource("hand", "test", "2.13.1", "tensorflow");

    private static Tensor t(String name, int[] shape, float... v) {
        return new Tensor(name, name, shape, v);
    }

    @Test
    void oneSeluStepByHand() {
        // x = [1.5, -0.25] (Q8), W = [0.5, 0.25] (Q14), U = 0.5 (Q14), b = -1 (Q14), z and h in Q12.
        // x·W = 0.75 - 0.0625 = 0.6875: codes 384·8192 - 64·4096 = 2883584 in Q22.
        // F = max(8 + 14, 12 + 14) = 26: acc = 2883584 << 4 + 0 + (-16384 << 12) = -20971520 (= -0.3125 in Q26).
        // z = round_shift(-20971520, 26 - 12) = -1280 (= -0.3125 in Q12), no rounding needed.
        SimpleRnn rnn = new SimpleRnn("rnn", 1, Activation.SELU, false, false,
                t("kernel", new int[] {2, 1}, 0.5f, 0.25f), t("recurrent_kernel", new int[] {1, 1}, 0.5f), t("bias", new int[] {1}, -1f));
        Model m = new Model("m", SRC, Shape.sequence(1, 2), List.of(rnn));
        Map<String, Format> f = new LinkedHashMap<>();
        f.put("input", Format.of(8));
        f.put("rnn/kernel", Format.of(14));
        f.put("rnn/recurrent_kernel", Format.of(14));
        f.put("rnn/bias", Format.of(14));
        f.put("rnn/preact", Format.of(12));
        f.put("rnn/state", Format.of(12));
        FixedEngine e = new FixedEngine(new QuantizedModel(m, new Formats(Scheme.Q15, f, 1.0)));
        FixedEngine.Result r = e.run(new double[][] {{1.5, -0.25}}, true);
        assertArrayEquals(new int[] {384, -64}, r.codes().get("input")[0]);
        assertArrayEquals(new int[] {-1280}, r.codes().get("rnn/preact")[0]);
        assertEquals(0.6875, r.trace().get("rnn/input_part")[0][0], 0);
        // selu(-0.3125) = λα(e^-0.3125 - 1) = -0.47186...; in Q12 within the table's 1 LSB
        double exact = 1.0507009873554805 * 1.6732632423543772 * (Math.exp(-0.3125) - 1) * 4096;
        assertEquals(exact, r.outputCodes()[0][0], 1.0);
        assertEquals(0, r.saturations().total());
    }

    @Test
    void dataOutsideTheFormatSaturatesAndIsCountedNeverWrapped() {
        SimpleRnn rnn = new SimpleRnn("rnn", 1, Activation.LINEAR, true, false,
                t("kernel", new int[] {1, 1}, 1f), t("recurrent_kernel", new int[] {1, 1}, 0f), null);
        Model m = new Model("m", SRC, Shape.sequence(3, 1), List.of(rnn));
        Map<String, Format> f = new LinkedHashMap<>();
        f.put("input", Format.of(8));      // ±128
        f.put("rnn/kernel", Format.of(14));
        f.put("rnn/recurrent_kernel", Format.of(14));
        f.put("rnn/preact", Format.of(10)); // ±32
        f.put("rnn/state", Format.of(10));
        FixedEngine e = new FixedEngine(new QuantizedModel(m, new Formats(Scheme.Q15, f, 1.0)));
        FixedEngine.Result r = e.run(new double[][] {{1000}, {-50}, {3}}, true);
        // step 0: 1000 clips to 32767/256 = 127.996 (input), and then to the ±32 range of z (preact)
        // step 1: -50 fits the input but not z; step 2: 3 fits everything
        assertArrayEquals(new long[] {1, 0, 0}, r.saturations().perStep().get("input"));
        assertArrayEquals(new long[] {1, 1, 0}, r.saturations().perStep().get("rnn/preact"));
        assertArrayEquals(new int[] {32767}, r.outputCodes()[0]);
        assertArrayEquals(new int[] {-32768}, r.outputCodes()[1], "clipped to the most negative code, not wrapped");
        assertArrayEquals(new int[] {3072}, r.outputCodes()[2]);
    }

    /**
     * Weights that are multiples of 1/16 and 1/2, inputs that are multiples of 1/4, linear or relu
     * activations, and formats with enough fractional bits: every product and sum is exact in both
     * engines, so the integer engine must reproduce the float64 engine exactly.
     */
    @Test
    void formatsWithoutRoundingReproduceTheFloatEngineExactly() {
        Random r = new Random(7);
        for (Activation act : new Activation[] {Activation.LINEAR, Activation.RELU}) {
            SimpleRnn rnn = new SimpleRnn("rnn", 3, act, true, false,
                    t("kernel", new int[] {2, 3}, dyadic(r, 6, 16, 8)), t("recurrent_kernel", new int[] {3, 3}, dyadic(r, 9, 2, 1)),
                    t("bias", new int[] {3}, dyadic(r, 3, 16, 8)));
            Dense dense = new Dense("out", 2, Activation.LINEAR, t("kernel", new int[] {3, 2}, dyadic(r, 6, 2, 2)),
                    t("bias", new int[] {2}, dyadic(r, 2, 16, 8)), false);
            Model m = new Model("m", SRC, Shape.sequence(4, 2), List.of(rnn, dense));
            Map<String, Format> f = new LinkedHashMap<>();
            f.put("input", Format.of(8));
            f.put("rnn/kernel", Format.of(8));
            f.put("rnn/recurrent_kernel", Format.of(8));
            f.put("rnn/bias", Format.of(8));
            f.put("rnn/preact", Format.of(10)); // x·W has 6 fractional bits, and each step through U adds 1
            f.put("rnn/state", Format.of(10));
            f.put("out/kernel", Format.of(8));
            f.put("out/bias", Format.of(8));
            f.put("out/preact", Format.of(11));
            f.put("out/output", Format.of(11));
            FixedEngine fixed = new FixedEngine(new QuantizedModel(m, new Formats(Scheme.Q15, f, 1.0)));
            ReferenceEngine reference = new ReferenceEngine(m, Precision.FLOAT64);
            for (int s = 0; s < 50; s++) {
                double[][] x = new double[4][2];
                for (double[] row : x) {
                    for (int i = 0; i < 2; i++) {
                        row[i] = (r.nextInt(17) - 8) / 4.0;
                    }
                }
                Trace a = reference.trace(x);
                FixedEngine.Result b = fixed.run(x, true);
                assertEquals(0, b.saturations().total());
                for (String name : a.names()) {
                    double[][] va = a.get(name);
                    double[][] vb = b.trace().get(name);
                    for (int t = 0; t < va.length; t++) {
                        assertArrayEquals(va[t], vb[t], 0, act + " " + name + " step " + t);
                    }
                }
            }
        }
    }

    /** n values k / denominator with |k| <= limit. */
    private static float[] dyadic(Random r, int n, int denominator, int limit) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextInt(2 * limit + 1) - limit) / (float) denominator;
        }
        return v;
    }

    @Test
    void inPlaceStateUpdateIsImpossible() {
        // the kernel reads all of h before writing hNext; with U a swap matrix an in-place update would differ
        SimpleRnn rnn = new SimpleRnn("rnn", 2, Activation.LINEAR, true, false,
                t("kernel", new int[] {1, 2}, 0.5f, -1f), t("recurrent_kernel", new int[] {2, 2}, 0, 1, 1, 0), t("bias", new int[] {2}, 0.25f, 0));
        Model m = new Model("m", SRC, Shape.sequence(3, 1), List.of(rnn));
        Map<String, Format> f = new LinkedHashMap<>();
        f.put("input", Format.of(10));
        f.put("rnn/kernel", Format.of(14));
        f.put("rnn/recurrent_kernel", Format.of(14));
        f.put("rnn/bias", Format.of(14));
        f.put("rnn/preact", Format.of(10));
        f.put("rnn/state", Format.of(10));
        double[][] y = new FixedEngine(new QuantizedModel(m, new Formats(Scheme.Q15, f, 1.0))).run(new double[][] {{1}, {2}, {4}});
        // worked out in FloatEngineTest: h2 = [0.25, -1.25] (in place would give -1.75), h3 = [1.0, -3.75]
        assertArrayEquals(new double[] {0.25, -1.25}, y[1], 0);
        assertArrayEquals(new double[] {1.0, -3.75}, y[2], 0);
        assertTrue(y.length == 3);
    }
}
