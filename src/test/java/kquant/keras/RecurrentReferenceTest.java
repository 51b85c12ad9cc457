package kquant.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.fixtures.NaiveModel;
import kquant.model.Activation;
import kquant.model.Gru;
import kquant.model.Layer;
import kquant.model.Lstm;
import kquant.model.Model;
import kquant.model.Tensor;
import kquant.testing.RecurrentReferences;
import kquant.testing.RecurrentReferences.Case;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every LSTM and GRU model in ../shared loads (the five keras-zoo files, gru5x with its
 * config.json, and the three Seattle models), and its weights are where Keras has them: the plain
 * float64 pass {@link NaiveModel} over the loaded tensors reproduces the outputs computed outside
 * Java (../shared/references/README.md): y, h after every step of every recurrent layer, and c of
 * every LSTM. No kquant engine takes part.
 *
 * <p>Tolerance 1e-5 (the README's safe float32 bound; a float64 pass is well inside it), and 5e-5
 * for the one array the README names (states_gru_1 of the reset_after zoo GRU, where float32
 * engines drift). A wrong gate order, hard_sigmoid variant or reset_after kind moves these arrays by
 * 1e-4 or more: {@link #theComparisonCatchesTheFaultsItIsFor()} shows it on the same data.
 */
class RecurrentReferenceTest {

    private static final double TOLERANCE = 1e-5;
    private static final double DRIFTING_ARRAY_TOLERANCE = 5e-5;
    private static final String DRIFTING_ARRAY = "zoo/gru2x_dropout_resetafter_k2.13.1_tf states_gru_1";
    private static final double FAULT = 1e-4;

    static List<Case> cases() throws IOException {
        return RecurrentReferences.cases();
    }

    @Test
    void theSharedFolderHasEveryModelTheIssueNames() throws IOException {
        List<Case> cases = cases();
        assertEquals(8, cases.size(), "5 zoo models and 3 Seattle models: " + cases);
        for (Case c : cases) {
            assertTrue(c.expected().containsKey("y") && c.expected().size() >= 2, c.name() + " has y and states: " + c.expected());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyModelMatchesItsReferences() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Model model = KerasLoader.load(c.model(), c.config());
            Map<String, Double> errors = maxErrors(model, c);
            for (Layer l : model.layers()) {
                if (l instanceof Lstm || l instanceof Gru) {
                    assertTrue(errors.containsKey("states_" + l.name()), c.name() + ": a reference for every recurrent layer, " + l.name());
                }
                if (l instanceof Lstm) {
                    assertTrue(errors.containsKey("cells_" + l.name()), c.name() + ": cells of " + l.name());
                }
            }
            StringBuilder report = new StringBuilder(c.name() + ":");
            errors.forEach((array, err) -> report.append(String.format(Locale.ROOT, " %s %.1e", array, err)));
            System.out.println(report);
            errors.forEach((array, err) -> {
                double tolerance = (c.name() + " " + array).equals(DRIFTING_ARRAY) ? DRIFTING_ARRAY_TOLERANCE : TOLERANCE;
                assertTrue(err <= tolerance, c.name() + " " + array + ": max |error| " + err + " > " + tolerance);
            });
        }));
    }

    /**
     * The same comparison on models with one deliberate fault each: every fault moves some array by
     * 1e-4 or more, so the test above cannot pass with a loader that makes it.
     */
    @Test
    void theComparisonCatchesTheFaultsItIsFor() throws IOException {
        Map<String, Case> byName = new LinkedHashMap<>();
        for (Case c : cases()) {
            byName.put(c.name(), c);
        }
        // LSTM gates read in Keras 1's stored order i, c, f, o
        assertFaultShows(byName.get("seattle_lstm"), l -> l instanceof Lstm m ? new Lstm(m.name(), m.units(), m.activation(),
                m.recurrentActivation(), m.returnSequences(), m.goBackwards(), swapBlocks(m.kernel(), m.units(), 1, 2),
                swapBlocks(m.recurrentKernel(), m.units(), 1, 2), swapBlocks(m.bias(), m.units(), 1, 2)) : l);
        // Keras 3's hard_sigmoid for a Keras 2.2.4 file
        assertFaultShows(byName.get("zoo/dense_lstm_functional_k2.2.4_tf"), l -> l instanceof Lstm m ? new Lstm(m.name(), m.units(),
                m.activation(), Activation.HARD_SIGMOID_KERAS3, m.returnSequences(), m.goBackwards(), m.kernel(),
                m.recurrentKernel(), m.bias()) : l);
        // a reset_after GRU run as a classic one, its two bias rows summed
        assertFaultShows(byName.get("seattle_gru"), l -> l instanceof Gru g ? new Gru(g.name(), g.units(), g.activation(),
                g.recurrentActivation(), false, g.returnSequences(), g.goBackwards(), g.kernel(), g.recurrentKernel(),
                summedRows(g.bias())) : l);
        // a classic GRU run as a reset_after one, with a zero recurrent bias row
        assertFaultShows(byName.get("zoo/gru2x_dropout_k2.1.4_tf"), l -> l instanceof Gru g ? new Gru(g.name(), g.units(),
                g.activation(), g.recurrentActivation(), true, g.returnSequences(), g.goBackwards(), g.kernel(),
                g.recurrentKernel(), withZeroRow(g.bias())) : l);
    }

    private static void assertFaultShows(Case c, UnaryOperator<Layer> fault) throws IOException {
        Model right = KerasLoader.load(c.model(), c.config());
        List<Layer> layers = right.layers().stream().map(fault).toList();
        Model wrong = new Model(right.name(), right.source(), right.inputShape(), layers);
        double worst = maxErrors(wrong, c).values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        assertTrue(worst >= FAULT, c.name() + ": the fault moves the outputs by only " + worst);
    }

    /** The largest |naive pass − reference| of each reference array over every sample. */
    static Map<String, Double> maxErrors(Model model, Case c) throws IOException {
        Sequences x = Sequences.load(Npy.open(c.x()));
        Map<String, Sequences> expected = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : c.expected().entrySet()) {
            expected.put(e.getKey(), Sequences.load(Npy.open(e.getValue())));
        }
        Map<String, Double> errors = new LinkedHashMap<>();
        for (int i = 0; i < x.shape().count(); i++) {
            NaiveModel.Result r = NaiveModel.run(model, x.sample(i));
            for (Map.Entry<String, Sequences> e : expected.entrySet()) {
                String key = e.getKey();
                double[][] actual = key.equals("y") ? r.output()
                        : key.startsWith("states_") ? r.states().get(key.substring(7)) : r.cells().get(key.substring(6));
                assertTrue(actual != null, c.name() + ": the model has no layer for " + key);
                errors.merge(key, maxAbsDiff(actual, e.getValue().sample(i), c.name() + " " + key), Math::max);
            }
        }
        return errors;
    }

    private static double maxAbsDiff(double[][] actual, double[][] expected, String what) {
        assertEquals(expected.length, actual.length, what + ": timesteps");
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t].length, actual[t].length, what + ": units");
            for (int j = 0; j < expected[t].length; j++) {
                worst = Math.max(worst, Math.abs(actual[t][j] - expected[t][j]));
            }
        }
        return worst;
    }

    /** The tensor with gate blocks {@code a} and {@code b} of its last axis swapped. */
    private static Tensor swapBlocks(Tensor t, int units, int a, int b) {
        float[] v = t.values();
        int width = t.shape()[t.shape().length - 1];
        for (int row = 0; row < v.length / width; row++) {
            for (int j = 0; j < units; j++) {
                int p = row * width + a * units + j;
                int q = row * width + b * units + j;
                float keep = v[p];
                v[p] = v[q];
                v[q] = keep;
            }
        }
        return new Tensor(t.name(), t.role(), t.shape(), v);
    }

    /** A (2, n) bias as its rows' sum, (n,). */
    private static Tensor summedRows(Tensor bias) {
        int n = bias.dim(1);
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = bias.get(j) + bias.get(n + j);
        }
        return new Tensor(bias.name(), bias.role(), new int[] {n}, v);
    }

    /** An (n,) bias as the input row of a (2, n) one whose recurrent row is zero. */
    private static Tensor withZeroRow(Tensor bias) {
        int n = bias.dim(0);
        float[] v = new float[2 * n];
        System.arraycopy(bias.values(), 0, v, 0, n);
        return new Tensor(bias.name(), bias.role(), new int[] {2, n}, v);
    }
}
