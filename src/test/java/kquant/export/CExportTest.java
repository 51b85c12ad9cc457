package kquant.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import kquant.KquantException;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.data.Sequences;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports models of every supported shape, compiles each with gcc (and clang and
 * arm-none-eabi-gcc where they are installed) under -Wall -Wextra -Wpedantic -Wconversion -Werror,
 * and runs the generated check against the Java integer engine's codes: every output, every
 * state at every step, and the saturation count must match. Skips with a message where no C
 * compiler exists.
 */
class CExportTest {

    @TempDir
    Path dir;

    static final Optional<Path> GCC = ExportCheck.GCC;

    private static Sequences gaussian(int n, int steps, int features, long seed) {
        return gaussian(n, steps, features, seed, 1.0);
    }

    private static Sequences gaussian(int n, int steps, int features, long seed, double scale) {
        Random r = new Random(seed);
        float[] v = new float[n * steps * features];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return new Sequences("x", n, steps, features, true, v);
    }

    /** Exports, compiles with every compiler there is and through the portable path, and checks; returns the folder. */
    private Path exportAndCheck(Model m, Scheme s, String prefix, Sequences data, int random, boolean perUnit) throws IOException {
        return ExportCheck.exportAndCheck(dir, m, s, prefix, data, random, perUnit);
    }

    private Model fixture(String name, int[] shape, List<FixtureLayer> layers) {
        try {
            KerasFixtures.Files2 f = KerasFixtures.write(dir.resolve("models"), name, KerasFixtures.Layout.LEGACY_K2_13, shape, layers);
            return KerasLoader.load(f.model());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everySimpleRnnActivationIsBitExactInQ15AndQ7() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String act : new String[] {"selu", "tanh", "relu", "elu", "sigmoid", "hard_sigmoid", "linear", "softsign",
            "softplus", "swish", "gelu", "exponential"}) {
            for (Scheme s : new Scheme[] {Scheme.Q15, Scheme.Q7}) {
                tests.add(DynamicTest.dynamicTest(act + " " + s, () -> {
                    Random r = new Random(act.hashCode());
                    // an exponential recurrence with these weights overflows float32 (exp of exp): give it small weights
                    FixtureLayer rnn = FixtureLayer.simpleRnn("rnn", 3, 8, act, true, r).scaled(act.equals("exponential") ? 0.25 : 1.0);
                    Model m = fixture("act_" + act, new int[] {5, 3}, List.of(rnn, FixtureLayer.dense("out", 8, 2, "linear", true, r)));
                    exportAndCheck(m, s, "m_" + act, gaussian(60, 5, 3, 1), 240, false);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyModelShapeIsBitExactInEveryScheme() {
        List<DynamicTest> tests = new ArrayList<>();
        Object[][] shapes = {
            {"stacked", new int[] {6, 2}, (Layers) r -> List.of(FixtureLayer.simpleRnn("rnn_1", 2, 8, "tanh", true, r, "return_sequences", true),
                    FixtureLayer.simpleRnn("rnn_2", 8, 6, "selu", true, r), FixtureLayer.dense("out", 6, 1, "sigmoid", true, r))},
            {"sequences", new int[] {5, 3}, (Layers) r -> List.of(FixtureLayer.simpleRnn("rnn", 3, 9, "tanh", true, r, "return_sequences", true),
                    FixtureLayer.timeDistributedDense("td", 9, 2, "linear", r))},
            {"backwards", new int[] {5, 3}, (Layers) r -> List.of(FixtureLayer.simpleRnn("rnn", 3, 8, "tanh", true, r, "go_backwards", true),
                    FixtureLayer.dense("out", 8, 2, "linear", true, r))},
            {"backwards_seq", new int[] {5, 3}, (Layers) r -> List.of(
                    FixtureLayer.simpleRnn("rnn", 3, 8, "relu", true, r, "go_backwards", true, "return_sequences", true),
                    FixtureLayer.simpleRnn("rnn_2", 8, 4, "tanh", true, r, "go_backwards", true))},
            {"flatten", new int[] {4, 3}, (Layers) r -> List.of(FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r, "return_sequences", true),
                    FixtureLayer.plain("Flatten", "flat"), FixtureLayer.dense("out", 20, 3, "relu", true, r))},
            {"repeat", new int[] {4, 3}, (Layers) r -> List.of(FixtureLayer.simpleRnn("enc", 3, 6, "tanh", true, r),
                    FixtureLayer.plain("RepeatVector", "rep", "n", 3),
                    FixtureLayer.simpleRnn("dec", 6, 5, "tanh", true, r, "return_sequences", true),
                    FixtureLayer.timeDistributedDense("td", 5, 1, "linear", r))},
            {"activation_nobias", new int[] {5, 3}, (Layers) r -> List.of(FixtureLayer.simpleRnn("rnn", 3, 7, "linear", false, r),
                    FixtureLayer.plain("Activation", "act", "activation", "tanh"), FixtureLayer.plain("Dropout", "drop", "rate", 0.5),
                    FixtureLayer.dense("out", 7, 3, "softsign", false, r))},
            {"wide", new int[] {3, 20}, (Layers) r -> List.of(FixtureLayer.simpleRnn("rnn", 20, 35, "selu", true, r),
                    FixtureLayer.dense("out", 35, 9, "linear", true, r))}};
        for (Object[] shape : shapes) {
            for (Scheme s : Scheme.values()) {
                for (boolean perUnit : new boolean[] {false, true}) {
                    tests.add(DynamicTest.dynamicTest(shape[0] + " " + s + (perUnit ? " per-unit" : ""), () -> {
                        int[] in = (int[]) shape[1];
                        Model m = fixture((String) shape[0], in, ((Layers) shape[2]).make(new Random(shape[0].hashCode())));
                        exportAndCheck(m, s, (String) shape[0], gaussian(50, in[0], in[1], 3), 150, perUnit);
                    }));
                }
            }
        }
        return tests.stream();
    }

    private interface Layers {
        List<FixtureLayer> make(Random r);
    }

    @Test
    void denseOnlyModelOnVectors() throws IOException {
        Random r = new Random(5);
        Model m = fixture("mlp", new int[] {4}, List.of(FixtureLayer.dense("d1", 4, 16, "relu", true, r), FixtureLayer.dense("d2", 16, 2, "tanh", true, r)));
        Random g = new Random(1);
        float[] v = new float[80 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) g.nextGaussian();
        }
        exportAndCheck(m, Scheme.Q15, "mlp", new Sequences("x", 80, 1, 4, false, v), 200, false);
    }

    @Test
    void twoModelsLinkIntoOneFirmware() throws IOException {
        Random r = new Random(9);
        Model a = fixture("first", new int[] {5, 3}, List.of(FixtureLayer.simpleRnn("rnn", 3, 8, "selu", true, r), FixtureLayer.dense("dense", 8, 2, "linear", true, r)));
        Model b = fixture("second", new int[] {5, 3}, List.of(FixtureLayer.simpleRnn("rnn", 3, 6, "tanh", true, r), FixtureLayer.dense("dense", 6, 1, "linear", true, r)));
        Path fa = exportAndCheck(a, Scheme.Q15, "alpha", gaussian(10, 5, 3, 1), 10, false);
        Path fb = exportAndCheck(b, Scheme.Q15, "beta", gaussian(10, 5, 3, 2), 10, false);
        // one program holding both models: the same layer names, kernels and tables must not clash
        Toolchain.Run link = Toolchain.run(fa, List.of(GCC.get().toString(), "-std=c99", "-Wall", "-Werror", "-O2", "-I" + fb,
                "-o", "both", "alpha_test.c", "alpha_model.c", "alpha_weights.c", fb.resolve("beta_model.c").toString(),
                fb.resolve("beta_weights.c").toString()), 120);
        assertEquals(0, link.exitCode(), link.output());
    }

    @Test
    void badTargetsPrefixesAndCalibrationsAreRefused() throws IOException {
        Path taken = dir.resolve("taken");
        Files.createDirectories(taken);
        Files.writeString(taken.resolve("notes.txt"), "mine");
        for (boolean force : new boolean[] {false, true}) {
            KquantException e = assertThrows(KquantException.class, () -> CExporter.checkTarget(taken, force));
            assertTrue(e.getMessage().contains("holds notes.txt, which kquant did not write"), e.getMessage());
        }
        assertTrue(Files.exists(taken.resolve("notes.txt")), "checking does not delete anything");
        for (String bad : new String[] {"9lives", "my-model", "int", "kq_mine", ""}) {
            KquantException p = assertThrows(KquantException.class, () -> new CNames(bad));
            assertTrue(p.getMessage().contains("--prefix"), p.getMessage());
        }
        assertEquals("model_v2", CNames.defaultPrefix("model-v2.h5"));
    }
}
