package kquant.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import kquant.engine.Precision;
import kquant.engine.ReferenceEngine;
import kquant.engine.Trace;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.fixtures.KerasFixtures.Layout;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay without a fault is the reference engine in float32, bit for bit, on random LSTM and
 * GRU models of every kind the loader knows (both reset_after kinds, both hard_sigmoids, no bias,
 * go_backwards, stacked, RepeatVector); and every fault that applies changes some number, so that
 * none is replayed as a no-op.
 */
class FaultyForwardTest {

    @TempDir
    static Path dir;

    static final int N = 12;
    static final int T = 6;

    record Case(String name, Layout layout, int features, List<FixtureLayer> layers) {
    }

    static List<Case> cases() {
        Random r = new Random(20240611);
        return List.of(
                new Case("lstm_gru_dense", Layout.LEGACY_K2_13, 3, List.of(
                        FixtureLayer.lstm("lstm", 3, 5, r, "return_sequences", true),
                        FixtureLayer.gru("gru", 5, 4, true, r, "go_backwards", true),
                        FixtureLayer.dense("dense", 4, 3, "linear", true, r))),
                new Case("keras2_hard_sigmoid", Layout.LEGACY_K2_1, 4, List.of(
                        FixtureLayer.gru("gru", 4, 6, false, r, "recurrent_activation", "hard_sigmoid", "return_sequences", true),
                        FixtureLayer.lstm("lstm", 6, 3, r, "recurrent_activation", "hard_sigmoid", "use_bias", false, "activation", "relu"),
                        FixtureLayer.dense("dense", 3, 2, "sigmoid", true, r))),
                new Case("keras3_repeat", Layout.KERAS_ZIP, 2, List.of(
                        FixtureLayer.lstm("lstm", 2, 4, r, "recurrent_activation", "hard_sigmoid", "go_backwards", true),
                        FixtureLayer.plain("RepeatVector", "repeat", "n", 3),
                        FixtureLayer.gru("gru", 4, 5, true, r, "recurrent_activation", "hard_sigmoid", "return_sequences", true),
                        FixtureLayer.timeDistributedDense("head", 5, 1, "linear", r))));
    }

    @TestFactory
    Stream<DynamicTest> withoutAFaultTheReplayIsTheReferenceBitForBit() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Model m = load(c);
            double[][][] x = inputs(new Random(c.name().hashCode()), c.features());
            ReferenceEngine reference = new ReferenceEngine(m, Precision.FLOAT32);
            FaultyForward replay = new FaultyForward(m, Variant.NONE);
            for (int i = 0; i < N; i++) {
                Trace t = reference.trace(x[i]);
                FaultyForward.Result r = replay.run(x[i], new HashMap<>());
                assertSame(t.output(), r.output(), c.name() + " sample " + i + " output");
                String where = c.name() + " sample " + i + " ";
                r.states().forEach((layer, h) -> assertSame(t.get(layer + "/state"), h, where + layer + "/state"));
                r.cells().forEach((layer, cell) -> assertSame(t.get(layer + "/cell"), cell, where + layer + "/cell"));
                assertEquals(m.layers().stream().filter(l -> l instanceof kquant.model.Lstm).count(), r.cells().size(), "a cell per LSTM");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyApplicableFaultChangesTheNumbers() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            for (Fault f : Fault.values()) {
                if (f == Fault.FLOAT64 || f == Fault.INPUTS_NOT_NORMALISED || f == Fault.DENSE_AT_EVERY_TIMESTEP) {
                    continue; // not replayed by FaultyForward, or (Dense at every step) a change of shape
                }
                tests.add(DynamicTest.dynamicTest(c.name() + " " + f.name().toLowerCase(), () -> {
                    Model m = load(c);
                    if (Applicability.whyNot(f, m, null) != null) {
                        return;
                    }
                    double[][][] x = inputs(new Random(c.name().hashCode()), c.features());
                    for (Variant v : Applicability.variants(f, m)) {
                        assertTrue(changed(m, v, x), c.name() + ": " + v.label() + " gives the correct port's numbers");
                    }
                }));
            }
        }
        return tests.stream();
    }

    /** True when some state, cell or output of some sample differs from the correct port's. */
    private static boolean changed(Model m, Variant v, double[][][] x) {
        FaultyForward good = new FaultyForward(m, Variant.NONE);
        FaultyForward bad = new FaultyForward(m, v);
        Map<String, float[][]> carriedGood = new HashMap<>();
        Map<String, float[][]> carriedBad = new HashMap<>();
        for (double[][] sample : x) {
            FaultyForward.Result a = good.run(sample, carriedGood);
            FaultyForward.Result b = bad.run(sample, carriedBad);
            if (differ(a.output(), b.output())) {
                return true;
            }
            for (String layer : a.states().keySet()) {
                if (differ(a.states().get(layer), b.states().get(layer))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean differ(double[][] a, double[][] b) {
        for (int t = 0; t < a.length; t++) {
            for (int j = 0; j < a[t].length; j++) {
                if (Math.abs(a[t][j] - b[t][j]) > 1e-6) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Model load(Case c) throws IOException {
        KerasFixtures.Files2 f = KerasFixtures.write(dir.resolve(c.name()), c.name(), c.layout(), new int[] {T, c.features()}, c.layers());
        return KerasLoader.load(f.model(), f.config()).withTimesteps(T);
    }

    /** N(0, 1.5²) inputs: large enough to reach the flat ends of every gate. */
    private static double[][][] inputs(Random r, int features) {
        double[][][] x = new double[N][T][features];
        for (double[][] sample : x) {
            for (double[] step : sample) {
                for (int f = 0; f < features; f++) {
                    step[f] = (float) (1.5 * r.nextGaussian());
                }
            }
        }
        return x;
    }

    private static void assertSame(double[][] want, double[][] got, String what) {
        assertEquals(want.length, got.length, what + ": steps");
        for (int t = 0; t < want.length; t++) {
            for (int j = 0; j < want[t].length; j++) {
                assertEquals(Double.doubleToLongBits(want[t][j]), Double.doubleToLongBits(got[t][j]),
                        what + " step " + t + " unit " + j + ": " + want[t][j] + " vs " + got[t][j]);
            }
        }
    }
}
