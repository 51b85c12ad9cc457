package kquant.export;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.engine.FixedEngine;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * LSTM and GRU in C, bit for bit with the Java integer engine ({@link ExportCheck}): every option on
 * small fixtures in q15, q7 and a16w8; and the shared Seattle LSTM and GRU and the zoo's LSTM/GRU
 * files on 10,000 sequences each (their test windows, then random codes up to four times the input
 * range, which drive values into saturation: the test checks that some do).
 */
class RecurrentExportTest {

    @TempDir
    Path dir;

    private static Sequences gaussian(int n, int steps, int features, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * steps * features];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return new Sequences("x", n, steps, features, true, v);
    }

    private Model fixture(String name, String kerasVersion, int[] shape, List<FixtureLayer> layers) throws IOException {
        return KerasLoader.load(KerasFixtures.write(dir.resolve("models"), name, KerasFixtures.Layout.LEGACY_K2_13, kerasVersion, shape,
                layers).model());
    }

    @TestFactory
    Stream<DynamicTest> everyOptionOnFixtures() {
        List<DynamicTest> tests = new ArrayList<>();
        record Case(String name, String version, List<FixtureLayer> layers) {
        }
        Random r = new Random(11);
        List<Case> cases = List.of(
                new Case("lstm", "2.13.1", List.of(FixtureLayer.lstm("lstm", 3, 6, r), FixtureLayer.dense("out", 6, 2, "linear", true, r))),
                new Case("lstm_hard_relu_k2", "2.2.4", List.of(FixtureLayer.lstm("lstm", 3, 5, r, "activation", "relu",
                        "recurrent_activation", "hard_sigmoid"), FixtureLayer.dense("out", 5, 2, "linear", true, r))),
                new Case("lstm_hard_k3_back_nobias", "3.10.0", List.of(FixtureLayer.lstm("lstm", 3, 5, r, "recurrent_activation",
                        "hard_sigmoid", "go_backwards", true, "use_bias", false), FixtureLayer.dense("out", 5, 1, "linear", true, r))),
                new Case("lstm_seq_gru", "2.13.1", List.of(FixtureLayer.lstm("lstm", 3, 4, r, "return_sequences", true),
                        FixtureLayer.gru("gru", 4, 5, true, r), FixtureLayer.dense("out", 5, 2, "linear", true, r))),
                new Case("gru_after", "2.13.1", List.of(FixtureLayer.gru("gru", 3, 6, true, r), FixtureLayer.dense("out", 6, 2, "linear", true, r))),
                new Case("gru_before_hard", "2.1.4", List.of(FixtureLayer.gru("gru", 3, 6, false, r, "recurrent_activation", "hard_sigmoid"),
                        FixtureLayer.dense("out", 6, 2, "linear", true, r))),
                new Case("gru_back_nobias_seq", "2.13.1", List.of(FixtureLayer.gru("gru", 3, 5, true, r, "go_backwards", true, "use_bias",
                        false, "return_sequences", true), FixtureLayer.timeDistributedDense("out", 5, 2, "linear", r))));
        for (Case c : cases) {
            for (Scheme s : Scheme.values()) {
                tests.add(DynamicTest.dynamicTest(c.name() + " " + s, () -> {
                    Model m = fixture(c.name(), c.version(), new int[] {6, 3}, c.layers());
                    ExportCheck.exportAndCheck(dir, m, s, c.name(), gaussian(40, 6, 3, 3), 360, s == Scheme.A16W8);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> sharedModelsOnTenThousandSequences() {
        assumeTrue(Paths2.references().isPresent() && Paths2.zoo().isPresent(), "../shared is absent: skipping the shared LSTM/GRU exports");
        Path refs = Paths2.references().get();
        Path zoo = Paths2.zoo().get();
        String[][] models = {
            {"seattle_lstm", refs.resolve("seattle_lstm/model.h5").toString(), refs.resolve("seattle_lstm/test_X.npy").toString()},
            {"seattle_gru", refs.resolve("seattle_gru/model.h5").toString(), refs.resolve("seattle_gru/test_X.npy").toString()},
            {"gru2x_classic", zoo.resolve("gru2x_dropout_k2.1.4_tf.h5").toString(), refs.resolve("zoo/gru2x_dropout_k2.1.4_tf/x.npy").toString()},
            {"lstm_relu_hard", zoo.resolve("dense_lstm_functional_k2.2.4_tf.h5").toString(),
                refs.resolve("zoo/dense_lstm_functional_k2.2.4_tf/x.npy").toString()}};
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] m : models) {
            for (Scheme s : Scheme.values()) {
                tests.add(DynamicTest.dynamicTest(m[0] + " " + s, () -> {
                    Model model = KerasLoader.load(Path.of(m[1]));
                    Sequences x = Sequences.load(Npy.open(Path.of(m[2])));
                    Calibration c = Calibrator.calibrate(model, x, Calibrator.Options.defaults(s), null);
                    QuantizedModel q = new QuantizedModel(model.withTimesteps(x.timesteps()), c.formats());
                    ExportCheck.exportAndCheck(dir, q, m[0], x, 10_000 - x.count());
                    assertTrue(saturates(q, x.timesteps(), x.features()), m[0] + " " + s + ": the random vectors reach saturation");
                }));
            }
        }
        return tests.stream();
    }

    /** True when the Java engine clips something on random codes at four times the input range, as the vectors hold. */
    private static boolean saturates(QuantizedModel q, int steps, int features) {
        FixedEngine e = new FixedEngine(q);
        Random r = new Random(5);
        int max = q.scheme().activations().maxCode();
        for (int i = 0; i < 64; i++) {
            int[][] codes = new int[steps][features];
            for (int[] row : codes) {
                for (int f = 0; f < features; f++) {
                    row[f] = (int) Math.max(-max - 1, Math.min(max, Math.round(r.nextGaussian() * 4 * (max + 1))));
                }
            }
            if (e.runCodes(codes, false).saturations().total() > 0) {
                return true;
            }
        }
        return false;
    }
}
