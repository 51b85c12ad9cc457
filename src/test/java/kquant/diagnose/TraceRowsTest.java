package kquant.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import kquant.engine.Precision;
import kquant.engine.ReferenceEngine;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.fixtures.KerasFixtures.Layout;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace of an LSTM and a reset_after GRU puts each bias row just before the pre-activation
 * that adds it, and the rows add up as the equations say (so a port author can check a gate by
 * hand from the rows above it): LSTM {@code i_preact = input_part + recurrent_part + bias} in the
 * i block, GRU {@code z_preact = (input_part + bias) + (recurrent_part + recurrent_bias)} in the z
 * block.
 */
class TraceRowsTest {

    @TempDir
    Path dir;

    @Test
    void biasRowsComeBeforeThePreactivationsThatAddThem() throws IOException {
        Random r = new Random(5);
        int u = 4;
        KerasFixtures.Files2 f = KerasFixtures.write(dir, "m", Layout.LEGACY_K2_13, new int[] {3, 2}, List.of(
                FixtureLayer.lstm("lstm", 2, u, r, "return_sequences", true),
                FixtureLayer.gru("gru", u, 3, true, r),
                FixtureLayer.dense("dense", 3, 1, "linear", true, r)));
        Model m = KerasLoader.load(f.model(), f.config()).withTimesteps(3);
        double[][] x = {{0.5, -1.0}, {1.5, 0.25}, {-0.75, 2.0}};
        List<TraceFormat.Row> rows = TraceFormat.rows(m, new ReferenceEngine(m, Precision.FLOAT32).trace(x));
        Map<String, double[]> step1 = new LinkedHashMap<>();
        for (TraceFormat.Row row : rows) {
            if (row.step() == 1) {
                step1.put(row.tensor(), row.values());
            }
        }
        List<String> names = List.copyOf(step1.keySet());
        assertEquals(names.indexOf("lstm/i_preact") - 1, names.indexOf("lstm/bias"), names.toString());
        assertEquals(names.indexOf("gru/z_preact") - 1, names.indexOf("gru/recurrent_bias"), names.toString());
        assertEquals(names.indexOf("gru/z_preact") - 2, names.indexOf("gru/bias"), names.toString());
        for (int j = 0; j < u; j++) {
            double sum = step1.get("lstm/input_part")[j] + step1.get("lstm/recurrent_part")[j] + step1.get("lstm/bias")[j];
            assertEquals(sum, step1.get("lstm/i_preact")[j], 1e-6, "lstm i_preact unit " + j);
        }
        for (int j = 0; j < 3; j++) {
            double sum = step1.get("gru/input_part")[j] + step1.get("gru/bias")[j] + step1.get("gru/recurrent_part")[j]
                    + step1.get("gru/recurrent_bias")[j];
            assertEquals(sum, step1.get("gru/z_preact")[j], 1e-6, "gru z_preact unit " + j);
        }
        assertTrue(step1.get("gru/recurrent_part")[0] != 0, "step 1 has a recurrent part to add");
    }
}
