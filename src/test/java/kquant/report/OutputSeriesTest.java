package kquant.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart's envelope keeps every spike and stays small; small series are drawn whole. */
class OutputSeriesTest {

    @TempDir
    Path dir;

    @Test
    void aSingleSpikeInAHundredThousandSamplesIsDrawn() throws IOException {
        int n = 100_000;
        OutputSeries s = new OutputSeries(n, List.of("a", "b"), dir.resolve("a.csv"));
        for (int i = 0; i < n; i++) {
            s.add(i, new double[] {Math.sin(i / 1000.0), i == 54_321 ? -9 : 0});
        }
        s.close();
        assertTrue(s.decimated());
        double[][] p = s.points(1);
        assertTrue(p.length <= 2 * OutputSeries.COLUMNS, "at most two points per column: " + p.length);
        double lowest = 0;
        double at = -1;
        for (double[] q : p) {
            if (q[1] < lowest) {
                lowest = q[1];
                at = q[0];
            }
        }
        assertEquals(-9, lowest, 0, "the spike survives");
        assertTrue(Math.abs(at - 54_321) <= n / OutputSeries.COLUMNS, "where it happened: " + at);
        // the sine's envelope spans its range
        double max = -2;
        for (double[] q : s.points(0)) {
            max = Math.max(max, q[1]);
        }
        assertEquals(1, max, 1e-4);
        assertEquals(n + 1, Files.readAllLines(dir.resolve("a.csv")).size(), "the CSV holds every sample");
    }

    @Test
    void aShortSeriesIsDrawnSampleBySample() throws IOException {
        OutputSeries s = new OutputSeries(10, List.of("a"), dir.resolve("b.csv"));
        for (int i = 0; i < 10; i++) {
            s.add(i, new double[] {i * i});
        }
        s.close();
        assertFalse(s.decimated());
        double[][] p = s.points(0);
        assertEquals(10, p.length);
        assertEquals(81, p[9][1], 0);
        assertEquals(9, p[9][0], 0);
    }
}
