package kquant.diagnose;

import static kquant.diagnose.DiffChecks.TOL;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.diagnose.DiffChecks.Subject;
import kquant.diagnose.HandPortLstm.Bug;
import kquant.diagnose.HandPortLstm.Numbers;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures.Layout;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * For every LSTM fault, an independent hand port ({@link HandPortLstm}) with that bug writes its
 * numbers, and {@code kquant diff} must name the fault and the first sample and timestep where they
 * part from a correct port's: on the shared Seattle LSTM (tanh, sigmoid), and on small fixtures
 * for the hard_sigmoid faults, with a Keras 2 and a Keras 3 file.
 */
class LstmDiffTest {

    @TempDir
    static Path dir;

    static final int N = 40;

    @TestFactory
    Stream<DynamicTest> seattleLstm() throws IOException {
        if (!DiffChecks.haveReferences()) {
            return DiffChecks.skipped("seattle_lstm");
        }
        Subject s = DiffChecks.seattle(dir, "seattle_lstm", N);
        HandPortLstm port = new HandPortLstm(s.model());
        Numbers correct = port.run(s.x(), Bug.NONE, -1, false, s.mean(), s.std());
        List<DynamicTest> tests = new ArrayList<>();
        Object[][] cases = {
            {Bug.IN_PLACE, "state_updated_in_place", "state"},
            {Bug.W_TRANSPOSED, "input_kernel_transposed", "state"},
            {Bug.U_TRANSPOSED, "recurrent_kernel_transposed", "state"},
            {Bug.NO_BIAS, "bias_missing", "state"},
            {Bug.NO_BIAS, "bias_missing", "output"},
            {Bug.BIAS_TWICE, "bias_added_twice", "state"},
            {Bug.CARRIED_STATE, "initial_state_carried_over", "state"},
            {Bug.ONES_STATE, "initial_state_ones", "state"},
            {Bug.RAW_INPUTS, "inputs_not_normalised", "state"},
            {Bug.REVERSED, "timesteps_reversed", "state"},
            {Bug.ORDER_ICFO, "lstm_gate_order_icfo", "state"},
            {Bug.ORDER_IOFC, "lstm_gate_order_iofc", "state"},
            {Bug.ORDER_IOFC, "lstm_gate_order_iofc", "cell"},
            {Bug.ORDER_CFOI, "lstm_gate_order_cfoi", "state"},
            {Bug.H_C_SWAPPED, "lstm_h_and_c_swapped", "state"},
            {Bug.H_C_SWAPPED, "lstm_h_and_c_swapped", "cell"},
            {Bug.C_NOT_CARRIED, "lstm_cell_not_carried", "state"},
            {Bug.C_NOT_CARRIED, "lstm_cell_not_carried", "cell"},
            {Bug.O_TIMES_C, "lstm_output_without_activation", "state"},
            {Bug.O_TIMES_C, "lstm_output_without_activation", "output"},
            {Bug.HARD_FOR_SIGMOID, "hard_sigmoid_for_sigmoid", "state"}};
        for (Object[] c : cases) {
            tests.add(check(s, port, (Bug) c[0], -1, (String) c[1], (String) c[2], correct));
        }
        for (int g = 0; g < 4; g++) {
            String gate = " (gate " + "ifco".charAt(g) + ")";
            tests.add(check(s, port, Bug.GATE_W_TRANSPOSED, g, "gate_input_kernel_transposed" + gate, "state", correct));
            tests.add(check(s, port, Bug.GATE_U_TRANSPOSED, g, "gate_recurrent_kernel_transposed" + gate, "state", correct));
        }
        tests.addAll(DiffChecks.float64AndDenseEveryStep(s, dir, correct, () -> port.run(s.x(), Bug.NONE, -1, true, s.mean(), s.std()),
                () -> port.run(s.x(), Bug.DENSE_EVERY_STEP, -1, false, s.mean(), s.std())));
        tests.add(DynamicTest.dynamicTest("a correct port matches", () -> assertCorrectPortMatches(s, port, correct)));
        return tests.stream();
    }

    /**
     * The double port is within 1e-5 of the states and cells TensorFlow.js computed (so the oracle
     * itself is right) and diff calls it a match; the float32 port, written in Keras's order, matches
     * the reference engine exactly.
     */
    private static void assertCorrectPortMatches(Subject s, HandPortLstm port, Numbers correct) throws IOException {
        Path refs = Paths2.references().get().resolve("seattle_lstm");
        assertWithin(correct.h(), Sequences.load(Npy.open(refs.resolve("reference_test_states_lstm.npy"))), 1e-5, "h");
        assertWithin(correct.c(), Sequences.load(Npy.open(refs.resolve("reference_test_cells_lstm.npy"))), 1e-5, "c");
        String out = DiffChecks.diff(s, dir, "correct", correct.h(), "state", TOL);
        assertTrue(out.contains("MATCH: every value is within 0.00001 of the reference"), out);
        assertTrue(out.contains("closest to the float64 engine"), out);
        Numbers float32 = port.run(s.x(), Bug.NONE, -1, true, s.mean(), s.std());
        out = DiffChecks.diff(s, dir, "correct_float32", float32.c(), "cell", TOL);
        assertTrue(out.contains("MATCH") && out.contains("(largest difference 0)"), out);
    }

    static void assertWithin(double[][][] port, Sequences reference, double tolerance, String what) {
        double worst = 0;
        for (int i = 0; i < port.length; i++) {
            double[][] want = reference.sample(i);
            for (int t = 0; t < want.length; t++) {
                for (int j = 0; j < want[t].length; j++) {
                    worst = Math.max(worst, Math.abs(port[i][t][j] - want[t][j]));
                }
            }
        }
        assertTrue(worst <= tolerance, "the hand port's " + what + " is " + worst + " from the reference");
    }

    @TestFactory
    Stream<DynamicTest> hardSigmoidFixtures() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        Object[][] files = {
            {"lstm_k2_hard", Layout.LEGACY_K2_1, Bug.K3_HARD_FOR_K2, "keras3_hard_sigmoid_for_keras2"},
            {"lstm_k3_hard", Layout.KERAS_ZIP, Bug.K2_HARD_FOR_K3, "keras2_hard_sigmoid_for_keras3"}};
        for (Object[] f : files) {
            Random r = new Random(17);
            Subject s = DiffChecks.fixture(dir, (String) f[0], (Layout) f[1], 8, 3, List.of(
                    FixtureLayer.lstm("lstm", 3, 5, r, "recurrent_activation", "hard_sigmoid"),
                    FixtureLayer.dense("dense", 5, 2, "linear", true, r)), N);
            HandPortLstm port = new HandPortLstm(s.model());
            Numbers correct = port.run(s.x(), Bug.NONE, -1, false, null, null);
            tests.add(check(s, port, Bug.SIGMOID_FOR_HARD, -1, "sigmoid_for_hard_sigmoid", "state", correct));
            tests.add(check(s, port, (Bug) f[2], -1, (String) f[3], "state", correct));
            tests.add(check(s, port, (Bug) f[2], -1, (String) f[3], "cell", correct));
            tests.add(DynamicTest.dynamicTest(f[0] + " correct", () -> {
                String out = DiffChecks.diff(s, dir, "correct", correct.h(), "state", TOL);
                assertTrue(out.contains("MATCH"), out);
            }));
        }
        return tests.stream();
    }

    private static DynamicTest check(Subject s, HandPortLstm port, Bug bug, int gate, String expected, String what, Numbers correct) {
        return DynamicTest.dynamicTest(s.name() + " " + expected + " (" + what + ")", () -> {
            Numbers faulty = port.run(s.x(), bug, gate, false, s.mean(), s.std());
            DiffChecks.assertDiagnosed(s, dir, expected, what, DiffChecks.pick(faulty, what), DiffChecks.pick(correct, what), TOL);
        });
    }
}
