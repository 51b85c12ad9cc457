package kquant.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import kquant.KquantException;
import kquant.engine.FloatEngine;
import kquant.engine.ReferenceEngine;
import kquant.engine.Precision;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.fixtures.KerasFixtures.Layout;
import kquant.fixtures.NaiveKeras;
import kquant.model.Model;
import kquant.model.SimpleRnn;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads fixtures written in every Keras layout and checks them against the oracle
 * {@link NaiveKeras}, which reads the weights from the fixture itself: a weight read from the wrong
 * place or transposed makes the outputs differ.
 */
class KerasLoaderTest {

    @TempDir
    Path dir;

    private static final double FLOAT64_TOLERANCE = 1e-12; // the same sums in another order

    /** Random samples {@code [t][f]}, seeded. */
    static double[][] sample(int timesteps, int features, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[timesteps][features];
        for (double[] row : x) {
            for (int f = 0; f < features; f++) {
                row[f] = (float) (r.nextGaussian());
            }
        }
        return x;
    }

    private void assertMatchesOracle(Model model, List<FixtureLayer> layers, int timesteps, int features, boolean sequence) {
        ReferenceEngine engine = new ReferenceEngine(model.withTimesteps(timesteps), Precision.FLOAT64);
        for (int s = 0; s < 5; s++) {
            double[][] x = sample(timesteps, features, s);
            double[][] expected = NaiveKeras.forward(layers, x, sequence, model.source().kerasMajor());
            double[][] actual = engine.run(x);
            assertEquals(expected.length, actual.length, "output steps");
            for (int t = 0; t < expected.length; t++) {
                for (int j = 0; j < expected[t].length; j++) {
                    assertEquals(expected[t][j], actual[t][j], FLOAT64_TOLERANCE, "step " + t + " unit " + j);
                }
            }
        }
    }

    private static List<FixtureLayer> rnnAndDense(Random rnd) {
        return List.of(FixtureLayer.simpleRnn("simple_rnn", 3, 4, "selu", true, rnd),
                FixtureLayer.dense("dense", 4, 2, "linear", true, rnd));
    }

    @TestFactory
    Stream<DynamicTest> theSameModelLoadsAlikeFromEveryLayout() {
        List<FixtureLayer> layers = rnnAndDense(new Random(1));
        Set<String> hashes = new HashSet<>();
        return Stream.of(Layout.values()).map(layout -> DynamicTest.dynamicTest(layout.name(), () -> {
            KerasFixtures.Files2 f = KerasFixtures.write(dir.resolve(layout.name()), "seq", layout, new int[] {5, 3}, layers);
            Model m = KerasLoader.load(f.model(), f.config());
            assertEquals("(5, 3)", m.inputShape().toString());
            assertEquals(2, m.layers().size());
            SimpleRnn rnn = (SimpleRnn) m.layers().get(0);
            assertEquals(layers.get(0).weights().get(0)[2][1], rnn.kernel().get(2, 1), 0, "kernel (2, 1)");
            assertEquals(layers.get(0).weights().get(1)[0][3], rnn.recurrentKernel().get(0, 3), 0, "recurrent kernel (0, 3)");
            assertMatchesOracle(m, layers, 5, 3, true);
            hashes.add(m.weightsSha256());
            assertEquals(1, hashes.size(), "every layout gives the same weights hash");
        }));
    }

    /** One fixture per supported layer option, each checked against the oracle. */
    @TestFactory
    Stream<DynamicTest> everyLayerOptionMatchesTheOracle() {
        List<DynamicTest> tests = new ArrayList<>();
        String[] activations = {"selu", "tanh", "relu", "elu", "sigmoid", "hard_sigmoid", "linear", "softsign",
            "softplus", "swish", "silu", "exponential", "gelu"};
        for (String act : activations) {
            tests.add(option("SimpleRNN activation " + act, new int[] {4, 3}, true, r -> List.of(
                    FixtureLayer.simpleRnn("rnn", 3, 5, act, true, r))));
        }
        tests.add(option("hard_sigmoid in a Keras 3 file", new int[] {4, 3}, true, Layout.LEGACY_K3, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "hard_sigmoid", true, r))));
        tests.add(option("SimpleRNN use_bias=False", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", false, r))));
        tests.add(option("SimpleRNN return_sequences", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r, "return_sequences", true))));
        tests.add(option("SimpleRNN go_backwards", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r, "go_backwards", true))));
        tests.add(option("SimpleRNN go_backwards with return_sequences", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r, "go_backwards", true, "return_sequences", true))));
        tests.add(option("stacked SimpleRNNs", new int[] {6, 2}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn_1", 2, 4, "tanh", true, r, "return_sequences", true),
                FixtureLayer.simpleRnn("rnn_2", 4, 3, "selu", true, r),
                FixtureLayer.dense("out", 3, 1, "sigmoid", true, r))));
        tests.add(option("sequence length None", new int[] {-1, 2}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 2, 4, "tanh", true, r))));
        tests.add(option("Dense on a 3-D input", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r, "return_sequences", true),
                FixtureLayer.dense("out", 5, 2, "relu", true, r))));
        tests.add(option("Dense use_bias=False and softmax", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r),
                FixtureLayer.dense("out", 5, 3, "softmax", false, r))));
        tests.add(option("TimeDistributed(Dense)", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r, "return_sequences", true),
                FixtureLayer.timeDistributedDense("td", 5, 2, "tanh", r))));
        tests.add(option("Activation layer", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "linear", true, r),
                FixtureLayer.plain("Activation", "act", "activation", "tanh"))));
        tests.add(option("Flatten", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r, "return_sequences", true),
                FixtureLayer.plain("Flatten", "flatten"),
                FixtureLayer.dense("out", 20, 1, "linear", true, r))));
        tests.add(option("RepeatVector", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r),
                FixtureLayer.plain("RepeatVector", "repeat", "n", 3),
                FixtureLayer.simpleRnn("rnn_2", 5, 2, "tanh", true, r, "return_sequences", true))));
        tests.add(option("Dropout and GaussianNoise are no-ops", new int[] {4, 3}, true, r -> List.of(
                FixtureLayer.plain("GaussianNoise", "noise", "stddev", 0.1),
                FixtureLayer.simpleRnn("rnn", 3, 5, "tanh", true, r),
                FixtureLayer.plain("Dropout", "dropout", "rate", 0.5),
                FixtureLayer.dense("out", 5, 1, "linear", true, r))));
        tests.add(option("Dense-only model on vectors", new int[] {3}, false, r -> List.of(
                FixtureLayer.dense("d1", 3, 4, "relu", true, r),
                FixtureLayer.dense("d2", 4, 2, "linear", true, r))));
        return tests.stream();
    }

    private interface LayersOf {
        List<FixtureLayer> make(Random r);
    }

    private DynamicTest option(String name, int[] shape, boolean sequence, LayersOf layers) {
        return option(name, shape, sequence, Layout.LEGACY_K2_13, layers);
    }

    private DynamicTest option(String name, int[] shape, boolean sequence, Layout layout, LayersOf layers) {
        return DynamicTest.dynamicTest(name, () -> {
            List<FixtureLayer> l = layers.make(new Random(name.hashCode()));
            KerasFixtures.Files2 f = KerasFixtures.write(dir, "m" + Math.abs(name.hashCode()), layout, shape, l);
            Model m = KerasLoader.load(f.model(), f.config());
            int t = shape.length == 2 ? (shape[0] < 0 ? 7 : shape[0]) : 1;
            assertMatchesOracle(m, l, t, shape[shape.length - 1], sequence);
        });
    }

    /** Layers and options kquant does not compute are refused, by name. */
    @TestFactory
    Stream<DynamicTest> unsupportedLayersAndOptionsAreNamed() {
        Random r = new Random(3);
        List<Object[]> cases = List.of(
                new Object[] {"Masking", FixtureLayer.plain("Masking", "mask", "mask_value", 0.0), "mask (Masking)"},
                new Object[] {"Bidirectional", FixtureLayer.plain("Bidirectional", "bidi"), "bidi (Bidirectional)"},
                new Object[] {"Conv1D", FixtureLayer.custom("Conv1D", "conv", List.<float[][]>of(FixtureLayer.random(3, 3, 1, r))), "conv (Conv1D)"},
                new Object[] {"stateful", FixtureLayer.simpleRnn("rnn_s", 3, 4, "tanh", true, r, "stateful", true), "stateful=True"},
                new Object[] {"return_state", FixtureLayer.simpleRnn("rnn_r", 3, 4, "tanh", true, r, "return_state", true), "return_state=True"},
                new Object[] {"activation", FixtureLayer.simpleRnn("rnn_a", 3, 4, "mish", true, r), "activation 'mish'"},
                new Object[] {"TimeDistributed(LSTM)", FixtureLayer.plain("TimeDistributed", "td",
                        "layer", java.util.Map.of("class_name", "LSTM", "config", java.util.Map.of())), "TimeDistributed(LSTM)"});
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c[0], () -> {
            KerasFixtures.Files2 f = KerasFixtures.write(dir, "bad" + c[0].hashCode(), Layout.LEGACY_K2_13, new int[] {5, 3},
                    // a trailing Dense gives the file weights (jhdf cannot write an empty model_weights group)
                    List.of((FixtureLayer) c[1], FixtureLayer.dense("tail", 3, 1, "linear", true, r)));
            KquantException e = assertThrows(KquantException.class, () -> KerasLoader.load(f.model(), f.config()));
            assertTrue(e.getMessage().contains((String) c[2]), e.getMessage());
            assertTrue(e.getMessage().contains(f.model().getFileName().toString()), "names the file: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }));
    }

    @Test
    void weightsOnlyFileWithoutConfigAsksForIt() throws IOException {
        KerasFixtures.Files2 f = KerasFixtures.write(dir, "w", Layout.WEIGHTS_K2, new int[] {5, 3}, rnnAndDense(new Random(2)));
        KquantException e = assertThrows(KquantException.class, () -> KerasLoader.load(f.model()));
        assertTrue(e.getMessage().contains("--config"), e.getMessage());
    }

    @Test
    void badFilesGetOneLineErrorsNamingThem() throws IOException {
        Path missing = dir.resolve("missing.h5");
        assertMessage(missing, "model file not found");
        assertMessage(KerasFixtures.bytes(dir, "text.h5", "hello, not a model".getBytes()), "not a Keras model file");
        KerasFixtures.Files2 good = KerasFixtures.write(dir, "good", Layout.LEGACY_K2_13, new int[] {5, 3}, rnnAndDense(new Random(4)));
        byte[] all = Files.readAllBytes(good.model());
        assertMessage(KerasFixtures.bytes(dir, "truncated.h5", java.util.Arrays.copyOf(all, all.length / 3)), "truncated.h5");
        Path notKeras = dir.resolve("data.h5");
        try (io.jhdf.WritableHdfFile w = io.jhdf.HdfFile.write(notKeras)) {
            w.putDataset("x", new float[] {1, 2, 3});
        }
        assertMessage(notKeras, "not a Keras model");
        Path zip = dir.resolve("empty.keras");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new java.util.zip.ZipEntry("metadata.json"));
            z.write("{}".getBytes());
            z.closeEntry();
        }
        assertMessage(zip, "has no config.json");
    }

    private static void assertMessage(Path file, String expected) {
        KquantException e = assertThrows(KquantException.class, () -> KerasLoader.load(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void keras3PathsComeFromTheClassName() {
        assertEquals("simple_rnn", Keras3Weights.snakeCase("SimpleRNN"));
        assertEquals("time_distributed", Keras3Weights.snakeCase("TimeDistributed"));
        assertEquals("gru", Keras3Weights.snakeCase("GRU"));
        assertEquals("repeat_vector", Keras3Weights.snakeCase("RepeatVector"));
    }
}
