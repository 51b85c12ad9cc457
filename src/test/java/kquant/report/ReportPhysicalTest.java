package kquant.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
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

    static Sequences load(Path p) {
        try (SequenceSource s = Npy.open(p)) {
            return Sequences.load(s);
        }
    }
}
