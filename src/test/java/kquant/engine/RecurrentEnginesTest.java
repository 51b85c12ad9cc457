package kquant.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Captured;
import kquant.testing.RecurrentReferences;
import kquant.testing.RecurrentReferences.Case;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The float engines on every LSTM and GRU reference of ../shared/references, whose outputs, states
 * and cells were computed outside Java (tfjs, numpy float64; README there):
 * <ul>
 *   <li>the float32 block engine within 1e-5 of every array (5e-5 for the one the README names);</li>
 *   <li>the float64 engine within 1e-6 of every float64 reference, and 5e-6 of the tfjs ones, whose
 *       own float32 error reaches 1.2e-6;</li>
 *   <li>the float32 block engine equal, bit for bit, to the one-sample float32 engine.</li>
 * </ul>
 */
class RecurrentEnginesTest {

    @TestFactory
    Stream<DynamicTest> floatEnginesMatchTheReferences() throws IOException {
        return RecurrentReferences.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Model model = KerasLoader.load(c.model(), c.config());
            Sequences x = Sequences.load(Npy.open(c.x()));
            Model m = model.withTimesteps(x.timesteps());
            Captured f32 = Captured.run(new FloatEngine(m), x, RecurrentEnginesTest::referenced);
            Captured f64 = Captured.run(new ReferenceEngine(m, Precision.FLOAT64), x, 32, RecurrentEnginesTest::referenced);
            Map<String, Double> e32 = errors(c, f32);
            Map<String, Double> e64 = errors(c, f64);
            StringBuilder report = new StringBuilder(c.name() + ":");
            e32.forEach((k, v) -> report.append(String.format(Locale.ROOT, " %s %.1e (f64 %.1e)", k, v, e64.get(k))));
            System.out.println(report);
            for (String k : e32.keySet()) {
                double t32 = (c.name() + " " + k).equals(RecurrentReferences.DRIFTING_ARRAY) ? 5e-5 : 1e-5;
                double t64 = RecurrentReferences.fromFloat64(c) ? 1e-6 : 5e-6;
                assertTrue(e32.get(k) <= t32, c.name() + " " + k + " float32: " + e32.get(k) + " > " + t32);
                assertTrue(e64.get(k) <= t64, c.name() + " " + k + " float64: " + e64.get(k) + " > " + t64);
            }
            Captured one = Captured.run(new ReferenceEngine(m, Precision.FLOAT32), x, 1, t -> true);
            Captured block = Captured.run(new FloatEngine(m), x, 100, t -> true);
            assertBitIdentical(one, block, c.name());
        }));
    }

    private static boolean referenced(String tensor) {
        return tensor.endsWith("/state") || tensor.endsWith("/cell");
    }

    /** The largest |engine − reference| of each reference array. */
    private static Map<String, Double> errors(Case c, Captured run) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : c.expected().entrySet()) {
            String key = e.getKey();
            double[][][] actual = key.equals("y") ? run.outputs
                    : run.tensors.get(key.substring(key.indexOf('_') + 1) + (key.startsWith("states_") ? "/state" : "/cell"));
            assertTrue(actual != null, c.name() + ": no tensor for " + key + " in " + run.tensors.keySet());
            Sequences expected = Sequences.load(Npy.open(e.getValue()));
            double worst = 0;
            for (int i = 0; i < expected.count(); i++) {
                double[][] want = expected.sample(i);
                double[][] got = actual[i];
                if (!key.equals("y") && want.length != got.length) {
                    // a last-step output: the reference holds h at every step, the engine's trace too
                    throw new AssertionError(c.name() + " " + key + ": steps " + got.length + " vs " + want.length);
                }
                for (int t = 0; t < want.length; t++) {
                    for (int j = 0; j < want[t].length; j++) {
                        worst = Math.max(worst, Math.abs(got[t][j] - want[t][j]));
                    }
                }
            }
            out.put(key, worst);
        }
        return out;
    }

    static void assertBitIdentical(Captured a, Captured b, String what) {
        for (int i = 0; i < a.outputs.length; i++) {
            for (int t = 0; t < a.outputs[i].length; t++) {
                for (int j = 0; j < a.outputs[i][t].length; j++) {
                    assertEquals(Double.doubleToLongBits(a.outputs[i][t][j]), Double.doubleToLongBits(b.outputs[i][t][j]),
                            what + ": output of sample " + i + " step " + t + " unit " + j);
                }
            }
        }
        assertEquals(a.tensors.keySet(), b.tensors.keySet(), what + ": tensors");
        a.tensors.forEach((name, v) -> {
            double[][][] w = b.tensors.get(name);
            for (int i = 0; i < v.length; i++) {
                for (int t = 0; t < v[i].length; t++) {
                    for (int j = 0; j < v[i][t].length; j++) {
                        assertEquals(Double.doubleToLongBits(v[i][t][j]), Double.doubleToLongBits(w[i][t][j]),
                                what + ": " + name + " of sample " + i + " step " + t + " unit " + j);
                    }
                }
            }
        });
    }
}
