package kquant.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import kquant.calibrate.CalibrationFile;
import kquant.data.DataFiles;
import kquant.data.NormalizationFile;
import kquant.data.Npy;
import kquant.data.RawData;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.keras.KerasLoader;
import kquant.model.Folding;
import kquant.model.Model;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a folded model speaks physical units: per output, the error against float32 and the
 * task error against the true values, in mm, °C and m/s. The figures are recomputed here from other
 * commands' outputs: the trained model on the standardized windows (for float32), and the declared
 * codes predict writes (for q15), against the raw next-day values.
 */
class ReportPhysicalTest {

    @TempDir
    Path dir;

    static final double[] MEAN = {2.998905109489052, 16.109762773722625, 8.034671532846732, 3.268248175182475};
    static final double[] SCALE = {6.310360982980442, 7.329577462796859, 5.0728598811578856, 1.4709582247613344};

    @Test
    void metricsPerOutputAreInPhysicalUnits() throws Exception {
        String model = Paths2.demo("model.h5").toString();
        String codes = Paths2.demo("normalization-codes.json").toString();
        String cal = Path.of("calibration", "demo-raw-q15.json").toString();
        Path out = dir.resolve("report");
        Cli.Result r = Cli.run("report", model, "--normalization", codes, "--calibration", cal, "--data", Paths2.demo("raw/test_X.npy").toString(),
                "--targets", Paths2.demo("raw/test_Y.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("in physical units: largest error against float32 next_precipitation "), r.out());
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());

        // float32 against the truth: the trained model on the standardized windows, made physical here
        Path std = dir.resolve("std.npy");
        assertEquals(0, Cli.run("predict", model, "--data", Paths2.demo("test_X.npy").toString(), "--out", std.toString()).code());
        Sequences y = load(std);
        Sequences truth = load(Paths2.demo("raw/test_Y.npy"));
        // q15's declared codes (0.01 of the unit), as the exported C returns them
        Path q = dir.resolve("q15.npy");
        assertEquals(0, Cli.run("predict", model, "--normalization", codes, "--data", Paths2.demo("raw/test_X.npy").toString(), "--engine",
                "q15", "--calibration", cal, "--raw", "--out", q.toString()).code());
        Sequences q15 = load(q);
        for (int j = 0; j < 4; j++) {
            double floatMae = 0;
            double q15Mae = 0;
            for (int i = 0; i < y.count(); i++) {
                floatMae += Math.abs(y.value(i, 0, j) * SCALE[j] + MEAN[j] - truth.value(i, 0, j));
                q15Mae += Math.abs(q15.value(i, 0, j) * 0.01 - truth.value(i, 0, j));
            }
            JsonNode f = m.get("float32_task_per_output").get(j);
            assertEquals(new String[] {"mm", "°C", "°C", "m/s"}[j], f.get("physical_unit").asText());
            // the raw windows equal test_X.npy but for sin and cos of the day in Q14: the outputs move by under 1e-4 (FoldingTest)
            assertEquals(floatMae / y.count(), f.get("mae").asDouble(), 1e-4 * SCALE[j], "float32, output " + j);
            JsonNode t = m.get("calibrations").get(0).get("task").get("per_output").get(j);
            // the same codes, the same sums: equal to the 9 digits metrics.json keeps
            assertEquals(q15Mae / y.count(), t.get("mae").asDouble(), 1e-7, "q15, output " + j);
        }
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("<td class=\"l\">next_temp_max (°C)</td>") && html.contains(" °C</td>"), "the task table says its units");
    }

    /**
     * The demo's table with and without folding, recomputed from predict's outputs: the SQNR of q15's
     * declared codes against the folded float32 engine in standardized units, and q15's task error
     * without folding from the trained model's standardized outputs.
     */
    @Test
    void theFoldingTableIsWhatPredictGives() {
        String model = Paths2.demo("model.h5").toString();
        String codes = Paths2.demo("normalization-codes.json").toString();
        String raw = Paths2.demo("raw/test_X.npy").toString();
        Path fl = dir.resolve("float.npy");
        Path q = dir.resolve("q15.npy");
        Path plain = dir.resolve("q15-plain.npy");
        assertEquals(0, Cli.run("predict", model, "--normalization", codes, "--data", raw, "--out", fl.toString()).code());
        assertEquals(0, Cli.run("predict", model, "--normalization", codes, "--data", raw, "--engine", "q15", "--calibration",
                "calibration/demo-raw-q15.json", "--out", q.toString()).code());
        assertEquals(0, Cli.run("predict", model, "--data", Paths2.demo("test_X.npy").toString(), "--engine", "q15", "--calibration",
                "calibration/demo-q15.json", "--out", plain.toString()).code());
        Sequences f = load(fl);
        Sequences folded = load(q);
        Sequences unfolded = load(plain);
        Sequences truth = load(Paths2.demo("raw/test_Y.npy"));
        double signal = 0;
        double noise = 0;
        double[] mae = new double[4];
        for (int i = 0; i < f.count(); i++) {
            for (int j = 0; j < 4; j++) {
                double ref = (f.value(i, 0, j) - MEAN[j]) / SCALE[j];
                double act = (folded.value(i, 0, j) - MEAN[j]) / SCALE[j];
                signal += ref * ref;
                noise += (act - ref) * (act - ref);
                mae[j] += Math.abs(unfolded.value(i, 0, j) * SCALE[j] + MEAN[j] - truth.value(i, 0, j)) / f.count();
            }
        }
        Model m = KerasLoader.load(Path.of(model));
        NormalizationFile n = NormalizationFile.read(Path.of(codes));
        Folding folding = Folding.of(m, n.normalization());
        double[][][] t = new double[truth.count()][][];
        for (int i = 0; i < t.length; i++) {
            t[i] = truth.sample(i);
        }
        Sequences rawX = Sequences.load(RawData.of(DataFiles.open(raw, m.inputShape()), folding.units()));
        FoldingComparison.Row row = FoldingComparison.folded("q15 folded", folding,
                CalibrationFile.read(Path.of("calibration", "demo-raw-q15.json")).formats(), rawX, t);
        // predict writes float32: the physical values carry float32 rounding, about 1e-6 of 33 °C
        assertEquals(10 * Math.log10(signal / noise), row.sqnrDb(), 0.05);
        FoldingComparison.Row before = FoldingComparison.unfolded("q15", m,
                CalibrationFile.read(Path.of("calibration", "demo-q15.json")).formats(),
                DataFiles.load(Paths2.demo("test_X.npy").toString(), m.inputShape()), t, n.normalization());
        for (int j = 0; j < 4; j++) {
            assertEquals(mae[j], before.mae()[j], 1e-5 * SCALE[j], "output " + j);
        }
    }

    static Sequences load(Path p) {
        try (SequenceSource s = Npy.open(p)) {
            return Sequences.load(s);
        }
    }
}
