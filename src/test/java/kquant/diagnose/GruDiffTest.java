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
import kquant.diagnose.HandPortGru.Bug;
import kquant.diagnose.HandPortLstm.Numbers;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures.Layout;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * For every GRU fault, an independent hand port ({@link HandPortGru}) with that bug writes its
 * numbers, and {@code kquant diff} must name the fault and the first sample and timestep where they
 * part from a correct port's: on the shared Seattle GRU (reset_after=True, sigmoid), and on a
 * Keras 2 fixture with reset_after=False and hard_sigmoid for what that one lacks.
 */
class GruDiffTest {

    @TempDir
    static Path dir;

    static final int N = 40;

    @TestFactory
    Stream<DynamicTest> seattleGru() throws IOException {
        if (!DiffChecks.haveReferences()) {
            return DiffChecks.skipped("seattle_gru");
        }
        Subject s = DiffChecks.seattle(dir, "seattle_gru", N);
        HandPortGru port = new HandPortGru(s.model());
        Numbers correct = port.run(s.x(), Bug.NONE, -1, false, s.mean(), s.std());
        List<DynamicTest> tests = new ArrayList<>();
        Object[][] cases = {
            {Bug.IN_PLACE, "state_updated_in_place", "state"},
            {Bug.W_TRANSPOSED, "input_kernel_transposed", "state"},
            {Bug.U_TRANSPOSED, "recurrent_kernel_transposed", "state"},
            {Bug.NO_BIAS, "bias_missing", "state"},
            {Bug.BIAS_TWICE, "bias_added_twice", "state"},
            {Bug.CARRIED_STATE, "initial_state_carried_over", "state"},
            {Bug.ONES_STATE, "initial_state_ones", "state"},
            {Bug.RAW_INPUTS, "inputs_not_normalised", "state"},
            {Bug.REVERSED, "timesteps_reversed", "state"},
            {Bug.ORDER_RZH, "gru_gate_order_rzh", "state"},
            {Bug.OTHER_RESET_KIND, "gru_reset_before", "state"},
            {Bug.OTHER_RESET_KIND, "gru_reset_before", "output"},
            {Bug.NO_RECURRENT_BIAS, "gru_recurrent_bias_missing", "state"},
            {Bug.RECURRENT_BIAS_OUTSIDE, "gru_recurrent_bias_outside_reset", "state"},
            {Bug.RECURRENT_BIAS_OUTSIDE, "gru_recurrent_bias_outside_reset", "output"},
            {Bug.Z_SWAPPED, "gru_z_swapped", "state"},
            {Bug.HARD_FOR_SIGMOID, "hard_sigmoid_for_sigmoid", "state"}};
        for (Object[] c : cases) {
            tests.add(check(s, port, (Bug) c[0], -1, (String) c[1], (String) c[2], correct));
        }
        for (int g = 0; g < 3; g++) {
            String gate = " (gate " + "zrh".charAt(g) + ")";
            tests.add(check(s, port, Bug.GATE_W_TRANSPOSED, g, "gate_input_kernel_transposed" + gate, "state", correct));
            tests.add(check(s, port, Bug.GATE_U_TRANSPOSED, g, "gate_recurrent_kernel_transposed" + gate, "state", correct));
        }
        tests.addAll(DiffChecks.float64AndDenseEveryStep(s, dir, correct, () -> port.run(s.x(), Bug.NONE, -1, true, s.mean(), s.std()),
                () -> port.run(s.x(), Bug.DENSE_EVERY_STEP, -1, false, s.mean(), s.std())));
        tests.add(DynamicTest.dynamicTest("a correct port matches", () -> {
            Path refs = Paths2.references().get().resolve("seattle_gru");
            LstmDiffTest.assertWithin(correct.h(), Sequences.load(Npy.open(refs.resolve("reference_test_states_gru.npy"))), 1e-5, "h");
            String out = DiffChecks.diff(s, dir, "correct", correct.h(), "state", TOL);
            assertTrue(out.contains("MATCH: every value is within 0.00001 of the reference"), out);
            Numbers float32 = port.run(s.x(), Bug.NONE, -1, true, s.mean(), s.std());
            out = DiffChecks.diff(s, dir, "correct_float32", float32.y(), "output", TOL);
            assertTrue(out.contains("MATCH") && out.contains("(largest difference 0)"), out);
        }));
        return tests.stream();
    }

    /** reset_after=False with Keras 2's hard_sigmoid: the faults of the classic GRU, which the Seattle GRU cannot show. */
    @TestFactory
    Stream<DynamicTest> classicGruFixture() throws IOException {
        Random r = new Random(23);
        Subject s = DiffChecks.fixture(dir, "gru_classic", Layout.LEGACY_K2_1, 8, 3, List.of(
                FixtureLayer.gru("gru", 3, 5, false, r, "recurrent_activation", "hard_sigmoid"),
                FixtureLayer.dense("dense", 5, 2, "linear", true, r)), N);
        HandPortGru port = new HandPortGru(s.model());
        Numbers correct = port.run(s.x(), Bug.NONE, -1, false, null, null);
        List<DynamicTest> tests = new ArrayList<>();
        Object[][] cases = {
            {Bug.OTHER_RESET_KIND, "gru_reset_after"},
            {Bug.IN_PLACE, "state_updated_in_place"},
            {Bug.Z_SWAPPED, "gru_z_swapped"},
            {Bug.ORDER_RZH, "gru_gate_order_rzh"},
            {Bug.SIGMOID_FOR_HARD, "sigmoid_for_hard_sigmoid"},
            {Bug.K3_HARD_FOR_K2, "keras3_hard_sigmoid_for_keras2"},
            {Bug.NO_BIAS, "bias_missing"}};
        for (Object[] c : cases) {
            tests.add(check(s, port, (Bug) c[0], -1, (String) c[1], "state", correct));
        }
        tests.add(check(s, port, Bug.GATE_U_TRANSPOSED, 2, "gate_recurrent_kernel_transposed (gate h)", "state", correct));
        tests.add(DynamicTest.dynamicTest("gru_classic correct", () -> {
            String out = DiffChecks.diff(s, dir, "correct", correct.h(), "state", TOL);
            assertTrue(out.contains("MATCH"), out);
            assertTrue(out.contains("not applicable (the model has no GRU with a recurrent bias (reset_after=True and use_bias)): "
                    + "gru_recurrent_bias_missing, gru_recurrent_bias_outside_reset\n"), out);
            assertTrue(out.contains("not applicable (the model has no LSTM): lstm_gate_order_icfo, "), out);
        }));
        return tests.stream();
    }

    private static DynamicTest check(Subject s, HandPortGru port, Bug bug, int gate, String expected, String what, Numbers correct) {
        return DynamicTest.dynamicTest(s.name() + " " + expected + " (" + what + ")", () -> {
            Numbers faulty = port.run(s.x(), bug, gate, false, s.mean(), s.std());
            DiffChecks.assertDiagnosed(s, dir, expected, what, DiffChecks.pick(faulty, what), DiffChecks.pick(correct, what), TOL);
        });
    }
}
