package kquant.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import kquant.KquantException;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.fixtures.KerasFixtures.Layout;
import kquant.fixtures.NaiveKeras;
import kquant.fixtures.NaiveModel;
import kquant.fixtures.RefusedOptions;
import kquant.model.Activation;
import kquant.model.Gru;
import kquant.model.Lstm;
import kquant.model.Model;
import kquant.model.Recurrent;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * LSTM and GRU fixtures written in every on-disk layout Keras has used (including Keras 1's
 * per-gate arrays and Keras 2's CuDNN layers) load with every weight where Keras has it: the loaded
 * tensors equal the logical weights the fixture was built from, and the plain pass over the loaded
 * model ({@link NaiveModel}) equals the plain pass over those logical weights ({@link NaiveKeras}).
 * A gate block read in the wrong order or a kernel left in CuDNN's layout makes both fail.
 */
class RecurrentLoaderTest {

    @TempDir
    Path dir;

    private static final double SAME_SUMS = 1e-12; // the same float64 sums, only the weights' source differs

    private interface LayersOf {
        List<FixtureLayer> make(Random r);
    }

    @TestFactory
    Stream<DynamicTest> lstmAndBothGrusLoadAlikeFromEveryLayout() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String kind : List.of("LSTM", "GRU", "GRU reset_after")) {
            Set<String> hashes = new HashSet<>();
            for (Layout layout : Layout.values()) {
                if (layout == Layout.LEGACY_K1 && kind.equals("GRU reset_after")) {
                    continue; // Keras 1 has only the classic GRU
                }
                tests.add(DynamicTest.dynamicTest(kind + " " + layout, () -> {
                    List<FixtureLayer> layers = List.of(recurrent(kind, "rnn", 3, 4, new Random(5), "return_sequences", true),
                            FixtureLayer.dense("out", 4, 2, "linear", true, new Random(6)));
                    Model m = loadAndCheck(kind.replace(' ', '_') + "_" + layout, layout, null, new int[] {6, 3}, layers);
                    assertWeightsAreTheLogicalOnes((Recurrent) m.layers().get(0), layers.get(0));
                    hashes.add(m.weightsSha256());
                    assertEquals(1, hashes.size(), "every layout gives the same model");
                }));
            }
        }
        return tests.stream();
    }

    /** CuDNN layers, with more features than units so that a kernel left in CuDNN's layout cannot pass. */
    @TestFactory
    Stream<DynamicTest> cuDnnLayersLoadAsTheLstmAndGruTheyEqual() {
        return Stream.of("CuDNNLSTM", "CuDNNGRU").map(cls -> DynamicTest.dynamicTest(cls, () -> {
            List<FixtureLayer> layers = List.of(FixtureLayer.cuDnn(cls, "cu_1", 7, 5, new Random(7), "return_sequences", true),
                    FixtureLayer.cuDnn(cls, "cu_2", 5, 3, new Random(8)));
            Model m = loadAndCheck(cls, Layout.LEGACY_K2_1, "2.2.4", new int[] {4, 7}, layers);
            for (int i = 0; i < 2; i++) {
                Recurrent r = (Recurrent) m.layers().get(i);
                assertWeightsAreTheLogicalOnes(r, layers.get(i));
                Activation[] acts = r instanceof Lstm l ? new Activation[] {l.activation(), l.recurrentActivation()}
                        : new Activation[] {((Gru) r).activation(), ((Gru) r).recurrentActivation()};
                assertArrayEquals(new Activation[] {Activation.TANH, Activation.SIGMOID}, acts, "cuDNN's fixed activations");
                assertTrue(!(r instanceof Gru g) || g.resetAfter(), "a CuDNNGRU is a reset_after GRU");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyAcceptedOptionMatchesTheOracle() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String kind : List.of("LSTM", "GRU", "GRU reset_after")) {
            tests.add(option(kind + " use_bias=False", r -> List.of(recurrent(kind, "rnn", 3, 4, r, "use_bias", false))));
            tests.add(option(kind + " go_backwards", r -> List.of(recurrent(kind, "rnn", 3, 4, r, "go_backwards", true))));
            tests.add(option(kind + " go_backwards with return_sequences", r -> List.of(
                    recurrent(kind, "rnn", 3, 4, r, "go_backwards", true, "return_sequences", true))));
            tests.add(option(kind + " relu and hard_sigmoid (Keras 2)", r -> List.of(
                    recurrent(kind, "rnn", 3, 4, r, "activation", "relu", "recurrent_activation", "hard_sigmoid"))));
            tests.add(option(kind + " inference no-ops", r -> List.of(recurrent(kind, "rnn", 3, 4, r, "dropout", 0.3,
                    "recurrent_dropout", 0.2, "unroll", true, "implementation", 1, "unit_forget_bias", true, "zero_output_for_mask", true))));
        }
        tests.add(option("hard_sigmoid in a Keras 3 file", Layout.KERAS_ZIP, r -> List.of(
                FixtureLayer.lstm("lstm", 3, 4, r, "recurrent_activation", "hard_sigmoid", "return_sequences", true),
                FixtureLayer.gru("gru", 4, 3, true, r, "recurrent_activation", "hard_sigmoid"))));
        tests.add(option("stacked LSTM, GRU, SimpleRNN, Dense", r -> List.of(
                FixtureLayer.lstm("lstm", 3, 5, r, "return_sequences", true),
                FixtureLayer.gru("gru", 5, 4, false, r, "return_sequences", true),
                FixtureLayer.simpleRnn("rnn", 4, 3, "tanh", true, r),
                FixtureLayer.dense("out", 3, 1, "sigmoid", true, r))));
        tests.add(option("GRU, RepeatVector, GRU, TimeDistributed(Dense), as gru5x", Layout.WEIGHTS_K3, r -> List.of(
                FixtureLayer.gru("gru", 3, 4, true, r),
                FixtureLayer.plain("RepeatVector", "repeat_vector", "n", 3),
                FixtureLayer.gru("gru_1", 4, 4, true, r, "return_sequences", true),
                FixtureLayer.timeDistributedDense("time_distributed", 4, 1, "linear", r))));
        tests.add(option("Dropout between LSTMs", r -> List.of(
                FixtureLayer.lstm("lstm", 3, 4, r, "return_sequences", true),
                FixtureLayer.plain("Dropout", "dropout", "rate", 0.2),
                FixtureLayer.lstm("lstm_1", 4, 4, r))));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> refusedOptionsAreNamedInOneLine() {
        return RefusedOptions.all().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> {
            KerasFixtures.Files2 f = KerasFixtures.write(dir, "bad" + Math.abs(c.label().hashCode()), Layout.LEGACY_K2_13,
                    RefusedOptions.INPUT, c.layers());
            KquantException e = assertThrows(KquantException.class, () -> KerasLoader.load(f.model(), f.config()));
            assertTrue(e.getMessage().contains(c.expected()), e.getMessage());
            assertTrue(e.getMessage().startsWith(f.model().toString() + ": "), "names the file: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }));
    }

    static FixtureLayer recurrent(String kind, String name, int features, int units, Random r, Object... options) {
        switch (kind) {
            case "LSTM": return FixtureLayer.lstm(name, features, units, r, options);
            case "GRU": return FixtureLayer.gru(name, features, units, false, r, options);
            default: return FixtureLayer.gru(name, features, units, true, r, options);
        }
    }

    private DynamicTest option(String name, LayersOf layers) {
        return option(name, Layout.LEGACY_K2_13, layers);
    }

    private DynamicTest option(String name, Layout layout, LayersOf layers) {
        return DynamicTest.dynamicTest(name, () -> loadAndCheck("m" + Math.abs(name.hashCode()), layout, null, new int[] {5, 3},
                layers.make(new Random(name.hashCode()))));
    }

    /** Writes the fixture, loads it, and checks the plain pass over the loaded model against the one over the fixture. */
    private Model loadAndCheck(String name, Layout layout, String version, int[] input, List<FixtureLayer> layers) throws IOException {
        KerasFixtures.Files2 f = version == null ? KerasFixtures.write(dir.resolve(name), name, layout, input, layers)
                : KerasFixtures.write(dir.resolve(name), name, layout, version, input, layers);
        Model m = KerasLoader.load(f.model(), f.config());
        for (int s = 0; s < 4; s++) {
            double[][] x = KerasLoaderTest.sample(input[0], input[1], s);
            double[][] expected = NaiveKeras.forward(layers, x, true, m.source().kerasMajor());
            double[][] actual = NaiveModel.run(m, x).output();
            assertEquals(expected.length, actual.length, "output steps");
            for (int t = 0; t < expected.length; t++) {
                assertArrayEquals(expected[t], actual[t], SAME_SUMS, "sample " + s + " step " + t);
            }
        }
        return m;
    }

    /** W, U and b of the loaded layer are the fixture's logical arrays, value for value. */
    static void assertWeightsAreTheLogicalOnes(Recurrent loaded, FixtureLayer logical) {
        assertArrayEquals(flatten(logical.weights().get(0)), loaded.kernel().values(), "kernel");
        assertArrayEquals(flatten(logical.weights().get(1)), loaded.recurrentKernel().values(), "recurrent kernel");
        if (logical.weights().size() > 2) {
            assertArrayEquals(flatten(logical.weights().get(2)), loaded.bias().values(), "bias");
        }
    }

    private static float[] flatten(float[][] m) {
        float[] out = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
        }
        return out;
    }
}
