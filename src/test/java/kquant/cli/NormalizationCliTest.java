package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.keras.KerasLoader;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --normalization on the command line: the calibration file records the normalization and refuses to
 * be used without it (and the reverse), codes too narrow for the data are named with the range they
 * need, and predict writes physical values.
 */
class NormalizationCliTest {

    @TempDir
    static Path dir;

    static final String MODEL = Paths2.demo("model.h5").toString();
    static final String CODES = Paths2.demo("normalization-codes.json").toString();
    static final String RAW_TRAIN = Paths2.demo("raw/train_X.npy").toString();
    static final String RAW_TEST = Paths2.demo("raw/test_X.npy").toString();
    static Path folded;

    @BeforeAll
    static void calibrate() {
        folded = dir.resolve("raw-q15.json");
        Cli.Result r = Cli.run("calibrate", MODEL, "--normalization", CODES, "--data", RAW_TRAIN, "--scheme", "q15", "--out", folded.toString());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void theCalibrationRecordsTheModelTheNormalizationAndTheFolding() throws Exception {
        JsonNode m = new ObjectMapper().readTree(folded.toFile()).get("model");
        assertEquals(KerasLoader.load(Path.of(MODEL)).weightsSha256(), m.get("weights_sha256").asText(), "the model as trained");
        JsonNode n = m.get("normalization");
        assertEquals("normalization-codes.json", n.get("file").asText());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(Path.of(CODES)))),
                n.get("sha256").asText());
        JsonNode precipitation = n.get("inputs").get(0);
        assertEquals("int16", precipitation.get("code").asText());
        // the training mean of 2.9989 mm in whole codes of 0.1 mm
        assertEquals(30, precipitation.get("code_mean").asInt());
        assertEquals(4, n.get("outputs").size());
    }

    @Test
    void aFoldedCalibrationIsRefusedWithoutItsNormalizationAndTheReverse() {
        Path y = dir.resolve("y.npy");
        Cli.Result without = Cli.run("predict", MODEL, "--data", Paths2.demo("test_X.npy").toString(), "--engine", "q15",
                "--calibration", folded.toString(), "--out", y.toString());
        assertEquals(1, without.code(), without.toString());
        assertTrue(without.err().startsWith("kquant: " + folded + ": calibration was made with --normalization normalization-codes.json (sha256 "),
                without.err());
        assertEquals(1, without.err().lines().count(), "one line, no stack trace");
        Cli.Result export = Cli.run("export", MODEL, "--calibration", folded.toString(), "--out", dir.resolve("c").toString());
        assertEquals(1, export.code(), export.toString());
        assertTrue(export.err().contains("calibration was made with --normalization"), export.err());

        Path plain = dir.resolve("plain-q15.json");
        assertEquals(0, Cli.run("calibrate", MODEL, "--data", Paths2.demo("train_X.npy").toString(), "--out", plain.toString()).code());
        Cli.Result reverse = Cli.run("compare", MODEL, "--normalization", CODES, "--data", RAW_TEST, "--calibration", plain.toString());
        assertEquals(1, reverse.code(), reverse.toString());
        assertEquals("kquant: " + plain + ": calibration was made without --normalization, but " + CODES
                + " is given; calibrate with it, or leave it out", reverse.err().strip());

        Cli.Result other = Cli.run("report", MODEL, "--normalization", Paths2.demo("normalization.json").toString(), "--data", RAW_TEST,
                "--calibration", folded.toString(), "--out", dir.resolve("report").toString());
        assertEquals(1, other.code(), other.toString());
        assertTrue(other.err().contains("calibration was made with normalization normalization-codes.json (sha256 ")
                && other.err().contains("not with " + Paths2.demo("normalization.json")), other.err());
        assertFalse(Files.exists(dir.resolve("report")), "no half-written output");
    }

    @Test
    void anInputCodeTooNarrowForTheDataIsRefusedWithTheRangeItNeeds() throws IOException {
        Path narrow = dir.resolve("narrow.json");
        Files.writeString(narrow, Files.readString(Path.of(CODES)).replaceFirst("\"type\": \"int16\"", "\"type\": \"int8\""));
        Path out = dir.resolve("narrow-q15.json");
        Cli.Result r = Cli.run("calibrate", MODEL, "--normalization", narrow.toString(), "--data", RAW_TRAIN, "--out", out.toString());
        assertEquals(1, r.code(), r.toString());
        // precipitation reaches 54.1 mm in 2012-2014 (calibration/demo/raw/train_X.npy), 541 codes of 0.1 mm
        assertTrue(r.err().contains("input precipitation: ") && r.err().contains("do not fit int8 codes of 0.1 mm (-12.8 mm to 12.7 mm); "
                + "the data needs codes 0 to 541 (0 mm to 54.1 mm)"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anOutputCodeThatMayBeTooNarrowIsWarnedWithTheRange() throws IOException {
        Path narrow = dir.resolve("narrow-out.json");
        String text = Files.readString(Path.of(CODES));
        int outputs = text.indexOf("\"outputs\"");
        Files.writeString(narrow, text.substring(0, outputs) + text.substring(outputs).replace("\"type\": \"int16\"", "\"type\": \"int8\""));
        Cli.Result r = Cli.run("calibrate", MODEL, "--normalization", narrow.toString(), "--data", RAW_TRAIN, "--out",
                dir.resolve("narrow-out-q15.json").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("warning: " + narrow + ": output next_temp_max: on the calibration data the model's outputs may reach codes "),
                r.err());
        assertTrue(r.err().contains("beyond int8's -128 to 127; declare a wider code or a larger lsb"), r.err());
    }

    @Test
    void featureCountsAndScalesThatDoNotFitAreNamed() throws IOException {
        Path five = dir.resolve("five.json");
        Files.writeString(five, "{\"mean\": [1, 2, 3, 4, 5], \"std\": [1, 1, 1, 1, 1]}");
        Cli.Result r = Cli.run("predict", MODEL, "--normalization", five.toString(), "--data", RAW_TEST, "--out", dir.resolve("y5.npy").toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals("kquant: " + five + ": the normalization describes 5 inputs, but model model.h5 takes 6 features per timestep", r.err().strip());
        Path zero = dir.resolve("zero.json");
        Files.writeString(zero, "{\"mean\": [1, 2, 3, 4], \"std\": [1, 0, 1, 1]}");
        Cli.Result z = Cli.run("trace", MODEL, "--normalization", zero.toString(), "--data", RAW_TEST);
        assertEquals(1, z.code(), z.toString());
        assertEquals("kquant: " + zero + ": input 1 (feature 1): scale 0.0 must be positive (it divides the value)", z.err().strip());
    }

    @Test
    void predictOnRawDataWritesThePhysicalValuesOfTheTrainedModel() throws IOException {
        Path raw = dir.resolve("y-raw.npy");
        // the plain normalization.json: physical values in, no codes to round sin and cos of the day
        assertEquals(0, Cli.run("predict", MODEL, "--normalization", Paths2.demo("normalization.json").toString(), "--data", RAW_TEST,
                "--out", raw.toString()).code());
        Path std = dir.resolve("y-std.npy");
        assertEquals(0, Cli.run("predict", MODEL, "--data", Paths2.demo("test_X.npy").toString(), "--out", std.toString()).code());
        double[] mean = {2.998905109489052, 16.109762773722625, 8.034671532846732, 3.268248175182475};
        double[] scale = {6.310360982980442, 7.329577462796859, 5.0728598811578856, 1.4709582247613344};
        Sequences physical = load(raw);
        Sequences standardized = load(std);
        for (int i = 0; i < physical.count(); i++) {
            for (int j = 0; j < 4; j++) {
                // float32 on either side, the raw windows equal to test_X.npy to float32 rounding (FoldingTest)
                assertEquals(standardized.value(i, 0, j) * scale[j] + mean[j], physical.value(i, 0, j), 1e-5 * scale[j], "sample " + i);
            }
        }
    }

    static Sequences load(Path p) {
        try (SequenceSource s = Npy.open(p)) {
            return Sequences.load(s);
        }
    }
}
