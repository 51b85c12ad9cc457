package kquant.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.fixed.Fixed;
import kquant.fixed.Format;
import kquant.fixed.Formats;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Storage;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why q7 keeps the LSTM cell in int16, as TFLite's 8x8_16 LSTM does: the same q7 calibration of the
 * Seattle LSTM with its cell held in int8 instead (the finest int8 format that holds the cell's
 * calibrated range) loses output SQNR against the float32 engine. The figures are printed for the
 * README.
 */
class CellWidthTest {

    @TempDir
    Path dir;

    @Test
    void anInt8CellCostsTheQ7LstmAccuracy() {
        assumeTrue(Paths2.references().isPresent(), "../shared/references is absent: skipping the cell-width measurement");
        Path lstm = Paths2.references().get().resolve("seattle_lstm");
        Path cal = dir.resolve("q7.json");
        Cli.Result r = Cli.run("calibrate", lstm.resolve("model.h5").toString(), "--data", lstm.resolve("train_X.npy").toString(),
                "--scheme", "q7", "--method", "search", "--out", cal.toString());
        assertEquals(0, r.code(), r.toString());
        Model model = KerasLoader.load(lstm.resolve("model.h5")).withTimesteps(5);
        Calibration c = CalibrationFile.read(cal, model);
        Sequences x = Sequences.load(Npy.open(lstm.resolve("test_X.npy")));
        double int16 = sqnr(model, new QuantizedModel(model, c.formats()), x);
        // the int8 cell: the finest int8 format holding the cell's calibrated range, saturating at ±127 codes
        double maxAbs = c.tensors().get("lstm/cell").observed().maxAbs();
        Formats int8Formats = c.formats().with("lstm/cell", Format.of(Fixed.fracBitsFor(maxAbs, Storage.INT8)));
        double int8 = sqnr(model, new QuantizedModel(model, int8Formats, Storage.INT8), x);
        System.out.printf(Locale.ROOT, "q7 Seattle LSTM, output SQNR on 2015: int16 cell %.1f dB, int8 cell %.1f dB%n", int16, int8);
        assertTrue(int16 > int8 + 1, "the int16 cell is worth its bytes: " + int16 + " against " + int8);
    }

    private static double sqnr(Model model, QuantizedModel q, Sequences x) {
        List<SideBySide.Result> r = SideBySide.compare(new FloatEngine(model), List.of(new FixedEngine(q)), x, null, null, null);
        return r.get(0).output().sqnrDb();
    }
}
