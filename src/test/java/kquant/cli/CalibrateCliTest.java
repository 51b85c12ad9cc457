package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrateCliTest {

    @TempDir
    Path dir;

    private static final String MODEL = Paths2.demo("model.h5").toString();
    private static final String TRAIN = Paths2.demo("train_X.npy").toString();

    @Test
    void searchRecordsMethodDataAndStatisticsAndStaysQuietWhenPiped() throws IOException {
        Path cal = dir.resolve("q15.json");
        Cli.Result r = Cli.run("calibrate", MODEL, "--data", TRAIN, "--method", "search", "--holdout", "0.25", "--out", cal.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err(), "no progress bar when the output is not a terminal");
        Calibration c = CalibrationFile.read(cal);
        assertEquals("search", c.method().name());
        assertEquals(0.25, ((Number) c.method().params().get("holdout")).doubleValue(), 0);
        assertEquals(1091, c.data().samples());
        assertEquals("train_X.npy", c.data().file());
        Calibration.Choice state = c.tensors().get("simple_rnn/state");
        assertTrue(state.details().containsKey("per_step") && state.details().containsKey("percentiles"), state.details().toString());
        String json = Files.readString(cal);
        for (String key : new String[] {"\"values_sha256\"", "\"mean\"", "\"std\"", "\"clipped_share\"", "\"accumulators\"", "\"activation_tables\""}) {
            assertTrue(json.contains(key), key);
        }
    }

    @Test
    void sameCommandSameBytes() throws IOException {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        for (Path p : new Path[] {a, b}) {
            assertEquals(0, Cli.run("calibrate", MODEL, "--data", TRAIN, "--scheme", "q7", "--method", "mse", "--out", p.toString()).code());
        }
        assertEquals(Files.readString(a), Files.readString(b));
    }

    @Test
    void badOptionsAreNamed() {
        assertFails("--holdout 1.5: must be at least 0 and below 1", "--method", "search", "--holdout", "1.5");
        assertFails("--percentile 20.0: must be above 50", "--method", "percentile", "--percentile", "20");
        assertFails("method median: unknown", "--method", "median");
        assertFails("scheme q31: unknown", "--scheme", "q31");
        assertFails("accumulator policy fast: unknown", "--accumulator", "fast");
    }

    private void assertFails(String expected, String... options) {
        String[] args = new String[5 + options.length];
        args[0] = "calibrate";
        args[1] = MODEL;
        args[2] = "--data";
        args[3] = TRAIN;
        args[4] = "--out=" + dir.resolve("bad.json");
        System.arraycopy(options, 0, args, 5, options.length);
        Cli.Result r = Cli.run(args);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(Files.exists(dir.resolve("bad.json")));
    }
}
