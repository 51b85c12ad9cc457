package kquant.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import kquant.KquantException;
import kquant.data.Sequences;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationFileTest {

    @TempDir
    Path dir;

    private Model model(long seed) throws IOException {
        Random r = new Random(seed);
        KerasFixtures.Files2 f = KerasFixtures.write(dir, "m" + seed, KerasFixtures.Layout.LEGACY_K2_13, new int[] {4, 2}, List.of(
                FixtureLayer.simpleRnn("rnn", 2, 3, "tanh", true, r), FixtureLayer.dense("out", 3, 1, "linear", true, r)));
        return KerasLoader.load(f.model());
    }

    private Path calibrated(Model m, Scheme s, boolean perUnit) {
        Random r = new Random(3);
        float[] v = new float[40 * 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        Sequences data = new Sequences("x.npy", 40, 4, 2, true, v);
        Calibration c = Calibrator.calibrate(m, data, Calibrator.Options.defaults(s).withPerUnitWeights(perUnit), null);
        Path p = dir.resolve("cal-" + s + perUnit + ".json");
        CalibrationFile.write(p, c, new QuantizedModel(m, c.formats()));
        return p;
    }

    @Test
    void roundTripKeepsEveryFormat() throws IOException {
        Model m = model(1);
        for (Scheme s : Scheme.values()) {
            for (boolean perUnit : new boolean[] {false, true}) {
                Path p = calibrated(m, s, perUnit);
                Calibration back = CalibrationFile.read(p, m);
                assertEquals(s, back.scheme());
                assertEquals(CalibrationFile.toJson(back, new QuantizedModel(m, back.formats())), Files.readString(p),
                        "reading and writing again gives the same bytes");
                assertEquals(40, back.data().samples());
            }
        }
    }

    @Test
    void aCalibrationForAnotherModelIsRefused() throws IOException {
        Path p = calibrated(model(1), Scheme.Q15, false);
        KquantException e = assertThrows(KquantException.class, () -> CalibrationFile.read(p, model(2)));
        assertTrue(e.getMessage().contains("calibration is for m1.h5") && e.getMessage().contains("not for m2.h5"), e.getMessage());
    }

    @Test
    void corruptOldAndIncompleteFilesAreRefusedByName() throws IOException {
        Model m = model(1);
        Path good = calibrated(m, Scheme.Q15, false);
        String json = Files.readString(good);
        assertRefused(m, "truncated.json", json.substring(0, json.length() / 2), "not valid JSON");
        assertRefused(m, "other.json", "{\"hello\": 1}", "not a kquant calibration file");
        assertRefused(m, "old.json", json.replace("\"kquant_calibration\" : 1", "\"kquant_calibration\" : 0"), "version 0; this kquant reads version 1");
        assertRefused(m, "nobias.json", json.replace("\"name\" : \"rnn/bias\"", "\"name\" : \"rnn/bias2\""), "no format for tensor rnn/bias");
        assertRefused(m, "float.json", json.replaceFirst("\"frac_bits\" : (\\d+)", "\"frac_bits\" : 1.5"), "frac_bits must be an integer");
        assertRefused(m, "missing.json", null, "calibration file not found");
        // the fuzz suite's case (seed 1, index 5821 of bench --fuzz 10000): an exponent BigDecimal refuses
        assertRefused(m, "exponent.json", json.replaceFirst("\"max_abs\" : [0-9.eE-]+", "\"max_abs\" : 7e999755859375"),
                "a number out of range");
    }

    private void assertRefused(Model m, String name, String content, String expected) throws IOException {
        Path p = dir.resolve(name);
        if (content != null) {
            Files.writeString(p, content);
        }
        KquantException e = assertThrows(KquantException.class, () -> CalibrationFile.read(p, m));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}
