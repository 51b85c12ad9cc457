package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.fixtures.RefusedOptions;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * LSTM and GRU from the command line: {@code inspect} shows their equations, weights with gate
 * roles, and parameter and MAC counts (checked against Keras's closed forms); every refused option
 * ends with exit 1 and one line on stderr naming the file, the layer and the option.
 */
class RecurrentCliTest {

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everyRefusedOptionIsOneLineWithExitCode1() {
        return RefusedOptions.all().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> {
            String name = "refused" + Math.abs(c.label().hashCode());
            KerasFixtures.Files2 f = KerasFixtures.write(dir, name, KerasFixtures.Layout.LEGACY_K2_13, RefusedOptions.INPUT, c.layers());
            Cli.Result r = Cli.run("inspect", f.model().toString());
            assertEquals(1, r.code(), r.toString());
            assertEquals("", r.out(), "nothing on stdout");
            String err = r.err().trim();
            assertFalse(err.contains("\n"), "one line: " + err);
            assertTrue(err.startsWith("kquant: ") && err.contains(name + ".h5") && err.contains(c.expected()), err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        }));
    }

    /**
     * Keras's parameter counts: LSTM 4u(F + u + 1), GRU 3u(F + u + 1), reset_after GRU 3u(F + u + 2);
     * MACs per sequence T·(F + u)·g·u (every gate's x·W and h·U).
     */
    @Test
    void inspectShowsGatesRolesAndCounts() throws IOException {
        Random r = new Random(2);
        int f = 3;
        int u = 4;
        int t = 5;
        KerasFixtures.Files2 file = KerasFixtures.write(dir, "three", KerasFixtures.Layout.LEGACY_K2_13, new int[] {t, f}, List.of(
                FixtureLayer.lstm("lstm", f, u, r, "return_sequences", true),
                FixtureLayer.gru("gru", u, u, false, r, "return_sequences", true, "recurrent_activation", "hard_sigmoid"),
                FixtureLayer.gru("gru_1", u, u, true, r, "go_backwards", true)));
        Cli.Result result = Cli.run("inspect", file.model().toString());
        assertEquals(0, result.code(), result.toString());
        String out = result.out().replaceAll(" +", " ");
        long lstmParams = 4L * u * (f + u + 1);
        long gruParams = 3L * u * (u + u + 1);
        long resetAfterParams = 3L * u * (u + u + 2);
        for (String expected : List.of(
                "0 lstm LSTM (5, 4) " + lstmParams + " " + t * (f + u) * 4 * u,
                "1 gru GRU (5, 4) " + gruParams + " " + t * (u + u) * 3 * u,
                "2 gru_1 GRU (4,) " + resetAfterParams + " " + t * (u + u) * 3 * u,
                "[i f g o] = [sigmoid sigmoid tanh sigmoid](x_t·W + h_{t-1}·U + b), c_t = f·c_{t-1} + i·g, h_t = o·tanh(c_t)",
                "hh = tanh(x·W_h + b_h + (r·h)·U_h)", "[z r] = hard_sigmoid(",
                "hh = tanh(x·W_h + b_in_h + r·(h·U_h + b_rec_h)), h_t = z·h_{t-1} + (1 - z)·hh, h_0 = 0 (reset_after), t from last to first",
                "kernel input kernel W, gates i f c o (3, 16)", "recurrent_kernel recurrent kernel U, gates i f c o (4, 16)",
                "bias bias b, gates i f c o (16,)", "bias bias b, gates z r h (12,)",
                "bias bias b, gates z r h, rows input and recurrent (2, 12)",
                "total: " + (lstmParams + gruParams + resetAfterParams) + " parameters")) {
            assertTrue(out.contains(expected), "missing '" + expected + "' in\n" + result.out());
        }
    }

    /** The Seattle models of ../shared/references: LSTM(32) and GRU(32, reset_after) on 6 features, then Dense(4). */
    @Test
    void inspectTheSharedSeattleModels() {
        assumeTrue(Paths2.references().isPresent(), "../shared/references is absent");
        Path refs = Paths2.references().get();
        long dense = 32 * 4 + 4;
        String[][] cases = {
            {"seattle_lstm/model.h5", Long.toString(4 * 32 * (6 + 32 + 1) + dense)},
            {"seattle_lstm_keras3/seattle_lstm.keras", Long.toString(4 * 32 * (6 + 32 + 1) + dense)},
            {"seattle_gru/model.h5", Long.toString(3 * 32 * (6 + 32 + 2) + dense)}};
        for (String[] c : cases) {
            Cli.Result r = Cli.run("inspect", refs.resolve(c[0]).toString());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("total: " + c[1] + " parameters"), c[0] + "\n" + r.out());
        }
    }

    /**
     * gru5x (weights-only, with its config): GRU(70) over T open steps of 1 feature, RepeatVector(30), four GRU(70)
     * over 30 steps, TimeDistributed(Dense(1)). MACs: (1 + 70)·3·70 per input step, then 4·30·(70 + 70)·3·70 + 30·70.
     */
    @Test
    void inspectCountsMacsPerStepWhileTheLengthIsOpen() {
        assumeTrue(Paths2.references().isPresent() && Paths2.zoo().isPresent(), "../shared is absent");
        Cli.Result r = Cli.run("inspect", Paths2.zoo().get().resolve("gru5x_repeat_timedist_k3.weights.h5").toString(),
                "--config", Paths2.references().get().resolve("zoo/gru5x_repeat_timedist_k3/config.json").toString());
        assertEquals(0, r.code(), r.toString());
        String out = r.out().replaceAll(" +", " ");
        long first = 3 * 70 * (1 + 70 + 2);
        long next = 3 * 70 * (70 + 70 + 2);
        long perStep = (1 + 70) * 3 * 70;
        long fixed = 4L * 30 * (70 + 70) * 3 * 70 + 30 * 70;
        for (String expected : List.of("0 gru GRU (70,) " + first + " " + perStep + "/step", "2 gru_1 GRU (30, 70) " + next,
                "total: " + (first + 4 * next + 71) + " parameters, " + perStep + "·T + " + fixed + " (T, the sequence length, is open)",
                "keras_version 3 (inferred from the Keras 3 weights layout)")) {
            assertTrue(out.contains(expected), "missing '" + expected + "' in\n" + r.out());
        }
    }

    @Test
    void anLstmCalibrationIsRefusedOnTheGru() {
        Path out = dir.resolve("gru-with-lstm-calibration");
        Cli.Result r = Cli.run("export", "calibration/demo/gru/model.h5", "--calibration", "calibration/demo-lstm-q15.json", "--out",
                out.toString());
        assertEquals(1, r.code(), r.toString());
        String err = r.err().trim();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("kquant: calibration/demo-lstm-q15.json: calibration is for model.h5 (weights sha256 c089e5da82d3"), err);
        assertFalse(java.nio.file.Files.exists(out), "nothing written");
    }
}
