package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.fixed.Fixed;
import kquant.keras.KerasLoader;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegerCliTest {

    @TempDir
    Path dir;

    private static final String MODEL = Paths2.demo("model.h5").toString();

    private Path calibrate(String scheme) {
        Path cal = dir.resolve("demo-" + scheme + ".json");
        Cli.Result r = Cli.run("calibrate", MODEL, "--data", Paths2.demo("train_X.npy").toString(), "--scheme", scheme,
                "--headroom", "1", "--out", cal.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("simple_rnn/recurrent_kernel") && r.out().contains("activation simple_rnn/state: selu"), r.out());
        return cal;
    }

    @Test
    void predictWithQ15WritesRealValuesCodesAndBothTraces() throws IOException {
        Path cal = calibrate("q15");
        Path y = dir.resolve("y.npy");
        Path codes = dir.resolve("codes.npy");
        Path trace = dir.resolve("trace");
        String x = Paths2.demo("test_X.npy").toString();
        assertEquals(0, Cli.run("predict", MODEL, "--data", x, "--engine", "q15", "--calibration", cal.toString(),
                "--out", y.toString(), "--trace", trace.toString()).code());
        assertEquals(0, Cli.run("predict", MODEL, "--data", x, "--engine", "q15", "--calibration", cal.toString(),
                "--out", codes.toString(), "--raw").code());
        Sequences real = load(y);
        Sequences raw = load(codes);
        int f = CalibrationFile.read(cal).formats().get("dense/output").bits();
        for (int i = 0; i < real.count(); i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(Fixed.dequantize((long) raw.value(i, 0, j), f), real.value(i, 0, j), 0,
                        "the real output is the code times 2^-f");
            }
        }
        Sequences ref = load(Paths2.demo("reference_test_Y.npy"));
        for (int i = 0; i < real.count(); i++) {
            assertEquals(ref.value(i, 0, 0), real.value(i, 0, 0), 0.02, "q15 is close to Keras");
        }
        for (String file : new String[] {"simple_rnn.state.float32.csv", "simple_rnn.state.q15.csv", "simple_rnn.state.q15.codes.csv",
            "input.q15.codes.csv", "dense.output.q15.csv"}) {
            assertTrue(Files.exists(trace.resolve(file)), file);
        }
    }

    @Test
    void engineAndCalibrationMustAgree() {
        Path cal = calibrate("q7");
        Cli.Result r = Cli.run("predict", MODEL, "--data", Paths2.demo("test_X.npy").toString(), "--engine", "q15",
                "--calibration", cal.toString(), "--out", dir.resolve("out.npy").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("calibration is for q7, but the engine asked for is q15"), r.err());
        Cli.Result none = Cli.run("predict", MODEL, "--data", Paths2.demo("test_X.npy").toString(), "--engine", "q15",
                "--out", dir.resolve("out.npy").toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("--engine q15 needs --calibration"), none.err());
        assertTrue(!Files.exists(dir.resolve("out.npy")));
    }

    @Test
    void aCalibrationOfAnotherModelIsRefusedOnTheCommandLine() throws IOException {
        Path cal = calibrate("q15");
        // the same file with one weight changed is another model
        String json = Files.readString(cal).replaceFirst("\"weights_sha256\" : \"f", "\"weights_sha256\" : \"0");
        Path other = dir.resolve("other.json");
        Files.writeString(other, json);
        Cli.Result r = Cli.run("predict", MODEL, "--data", Paths2.demo("test_X.npy").toString(), "--engine", "q15",
                "--calibration", other.toString(), "--out", dir.resolve("out.npy").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("other.json: calibration is for model.h5"), r.err());
        Calibration c = CalibrationFile.read(cal, KerasLoader.load(Path.of(MODEL)));
        assertEquals("maxabs", c.method().name());
    }

    private static Sequences load(Path p) {
        try (SequenceSource s = Npy.open(p)) {
            return Sequences.load(s);
        }
    }
}
