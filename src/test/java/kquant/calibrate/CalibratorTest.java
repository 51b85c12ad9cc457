package kquant.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import kquant.KquantException;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.engine.SideBySide;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibratorTest {

    @TempDir
    Path dir;

    private static final Model MODEL = KerasLoader.load(Paths2.demo("model.h5"));

    private static Calibration calibrate(Calibrator.Options o) {
        try (SequenceSource train = DataFiles.open(Paths2.demo("train_X.npy").toString(), MODEL.inputShape())) {
            return Calibrator.calibrate(MODEL, train, o, null);
        }
    }

    /** The output SQNR of a calibration on samples [from, to) of the training windows, measured with SideBySide. */
    private static double sqnrOn(Calibration c, int from, int to) {
        Sequences train = DataFiles.load(Paths2.demo("train_X.npy").toString(), MODEL.inputShape()).slice(from, to);
        return SideBySide.compare(new FloatEngine(MODEL), new FixedEngine(new QuantizedModel(MODEL, c.formats())), train)
                .output().sqnrDb();
    }

    @Test
    void searchNeverDoesWorseOnItsHeldOutDataThanItsStart() {
        for (Scheme s : new Scheme[] {Scheme.Q15, Scheme.Q7}) {
            Calibration search = calibrate(Calibrator.Options.defaults(s).withMethod(Method.SEARCH));
            int n = 1091;
            int held = (int) Math.round(n * 0.2);
            // the start rule with the same hold-out sees the same statistics, so it gives the start formats
            Method start = Method.parse((String) search.method().params().get("start"));
            Calibration begin = calibrate(Calibrator.Options.defaults(s).withMethod(start).withHoldout(0.2));
            double before = sqnrOn(begin, n - held, n);
            double after = sqnrOn(search, n - held, n);
            assertTrue(after >= before, s + ": search " + after + " dB vs its start (" + start + ") " + before + " dB");
            // the file's own figures are the same measurement
            assertEquals(after, ((Number) search.method().params().get("holdout_output_sqnr_db")).doubleValue(), 0.01);
        }
    }

    @Test
    void theSameDataAsNpyOrCsvGivesTheSameCalibration() throws IOException {
        Sequences x = DataFiles.load(Paths2.demo("test_X.npy").toString(), MODEL.inputShape());
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < x.count(); i++) {
            float[] v = x.read(i, 1);
            for (int k = 0; k < v.length; k++) {
                // 9 significant digits give back the same float32
                csv.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.9g", v[k]));
            }
            csv.append('\n');
        }
        Path file = dir.resolve("test_X.csv");
        Files.writeString(file, csv);
        Calibration fromNpy;
        Calibration fromCsv;
        try (SequenceSource a = DataFiles.open(Paths2.demo("test_X.npy").toString(), MODEL.inputShape());
                SequenceSource b = DataFiles.open(file.toString(), MODEL.inputShape())) {
            fromNpy = Calibrator.calibrate(MODEL, a, Calibrator.Options.defaults(Scheme.Q15).withMethod(Method.MSE), null);
            fromCsv = Calibrator.calibrate(MODEL, b, Calibrator.Options.defaults(Scheme.Q15).withMethod(Method.MSE), null);
        }
        assertEquals(fromNpy.data().valuesSha256(), fromCsv.data().valuesSha256());
        assertEquals(fromNpy.formats(), fromCsv.formats());
    }

    @Test
    void badDataIsRefusedByName() throws IOException {
        Path empty = dir.resolve("empty.npy");
        try (var out = Files.newOutputStream(empty)) {
            Npy.write(out, Npy.Dtype.FLOAT32, new int[] {0, 5, 6}, new double[0]);
        }
        assertRefused(empty, Calibrator.Options.defaults(Scheme.Q15), "empty.npy: holds no samples");
        double[] values = new double[20 * 30];
        values[7 * 30 + 13] = Double.NaN;
        Path nan = npy("nan.npy", new int[] {20, 5, 6}, values);
        assertRefused(nan, Calibrator.Options.defaults(Scheme.Q15), "nan.npy: sample 7, timestep 2, feature 1 is NaN");
        values[7 * 30 + 13] = Double.POSITIVE_INFINITY;
        assertRefused(npy("inf.npy", new int[] {20, 5, 6}, values), Calibrator.Options.defaults(Scheme.Q15).withMethod(Method.SEARCH),
                "inf.npy: sample 7, timestep 2, feature 1 is Infinity");
        assertRefused(npy("shape.npy", new int[] {4, 5, 3}, new double[60]), Calibrator.Options.defaults(Scheme.Q15),
                "3 features per timestep but the model takes 6");
        assertRefused(npy("two.npy", new int[] {2, 5, 6}, new double[60]), Calibrator.Options.defaults(Scheme.Q15).withMethod(Method.SEARCH),
                "2 samples are too few to hold out 20%");
        assertRefused(npy("ok.npy", new int[] {10, 5, 6}, new double[300]),
                Calibrator.Options.defaults(Scheme.Q15).withMethod(Method.SEARCH).withHoldout(0), "search needs held-out data");
    }

    @Test
    void aModelThatOverflowsFloat32IsNamedNotHung() throws IOException {
        java.util.Random r = new java.util.Random(1);
        kquant.fixtures.KerasFixtures.Files2 f = kquant.fixtures.KerasFixtures.write(dir, "exp", kquant.fixtures.KerasFixtures.Layout.LEGACY_K2_13,
                new int[] {5, 3}, java.util.List.of(kquant.fixtures.FixtureLayer.simpleRnn("rnn", 3, 8, "exponential", true, r)));
        Model m = KerasLoader.load(f.model());
        double[] big = new double[4 * 15];
        java.util.Arrays.fill(big, 30);
        try (SequenceSource s = Npy.open(npy("big.npy", new int[] {4, 5, 3}, big))) {
            KquantException e = assertThrows(KquantException.class, () -> Calibrator.calibrate(m, s, Calibrator.Options.defaults(Scheme.Q15), null));
            assertTrue(e.getMessage().contains("tensor rnn/") && e.getMessage().contains("the float32 model overflows"), e.getMessage());
        }
    }

    private Path npy(String name, int[] shape, double[] values) throws IOException {
        Path p = dir.resolve(name);
        try (var out = Files.newOutputStream(p)) {
            Npy.write(out, Npy.Dtype.FLOAT32, shape, values);
        }
        return p;
    }

    private void assertRefused(Path data, Calibrator.Options o, String expected) {
        KquantException e = assertThrows(KquantException.class, () -> {
            try (SequenceSource s = Npy.open(data)) {
                Calibrator.calibrate(MODEL, s, o, null);
            }
        });
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
