package kquant.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import kquant.data.Npy;
import kquant.export.Toolchain;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report at a million samples, on a small synthetic model so that the test stays quick: the
 * page stays under 5 MB (the output charts are drawn decimated), every figure still uses every
 * sample (the output CSV holds a million rows, with the one spike planted in the data), and
 * headless Chromium renders the page in seconds.
 */
class ReportScaleTest {

    static final int SAMPLES = 1_000_000;
    static final int SPIKE = 777_777;

    @TempDir
    Path dir;

    @Test
    void aMillionSamplesGiveASmallPageThatRendersAndFullCsvs() throws IOException {
        Random r = new Random(3);
        KerasFixtures.Files2 m = KerasFixtures.write(dir, "tiny", KerasFixtures.Layout.LEGACY_K2_13, new int[] {2, 1},
                List.of(FixtureLayer.simpleRnn("rnn", 1, 3, "linear", true, r), FixtureLayer.dense("dense", 3, 4, "linear", true, r)));
        Path x = dir.resolve("x.npy");
        double[] values = new double[SAMPLES * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextGaussian() * 0.5;
        }
        values[2 * SPIKE] = 40;
        values[2 * SPIKE + 1] = 40;
        try (OutputStream out = Files.newOutputStream(x)) {
            Npy.write(out, Npy.Dtype.FLOAT32, new int[] {SAMPLES, 2, 1}, values);
        }
        // three calibrations and four outputs, as the demo's report has: five series on each output chart
        List<String> args = new java.util.ArrayList<>(List.of("report", m.model().toString(), "--data", x.toString()));
        for (String scheme : new String[] {"q15", "q7", "a16w8"}) {
            Path cal = dir.resolve(scheme + ".json");
            Cli.Result c = Cli.run("calibrate", m.model().toString(), "--data", x.toString(), "--scheme", scheme, "--out", cal.toString());
            assertEquals(0, c.code(), c.toString());
            args.addAll(List.of("--calibration", cal.toString()));
        }
        Path report = dir.resolve("report");
        args.addAll(List.of("--out", report.toString()));
        Cli.Result rep = Cli.run(args.toArray(new String[0]));
        assertEquals(0, rep.code(), rep.toString());

        long page = Files.size(report.resolve("index.html"));
        System.out.printf("report on %d samples: index.html %d bytes%n", SAMPLES, page);
        assertTrue(page < 5_000_000, "the page is under 5 MB: " + page);
        assertTrue(Files.readString(report.resolve("index.html")).contains("smallest and largest value in each of"),
                "the output chart says it is drawn decimated");

        // the CSV keeps every sample, the spike included; the float32 and q15 columns both show it
        try (BufferedReader in = Files.newBufferedReader(report.resolve("data").resolve("output-0.csv"))) {
            assertEquals("sample,float32,q15 (q15.json),q7 (q7.json),a16w8 (a16w8.json)", in.readLine());
            long rows = 0;
            double spike = 0;
            double others = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] cells = line.split(",");
                double v = Math.abs(Double.parseDouble(cells[1]));
                if (Integer.parseInt(cells[0]) == SPIKE) {
                    spike = v;
                } else {
                    others = Math.max(others, v);
                }
                rows++;
            }
            assertEquals(SAMPLES, rows);
            assertTrue(spike > others, "the planted sample stands out: " + spike + " against at most " + others);
        }

        Optional<Path> chromium = Toolchain.find("chromium").or(() -> Toolchain.find("chromium-browser"));
        assumeTrue(chromium.isPresent(), "chromium is not installed: skipping the rendering check");
        Path shot = dir.resolve("page.png");
        long t0 = System.nanoTime();
        Toolchain.Run run = Toolchain.run(dir, List.of(chromium.get().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1560,3000", "--screenshot=" + shot,
                report.resolve("index.html").toUri().toString()), 120);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("headless Chromium rendered it in %.1f s%n", seconds);
        assertTrue(Files.isRegularFile(shot) && Files.size(shot) > 20_000, "rendered: " + run.output());
        assertFalse(seconds > 60, "renders in seconds, not minutes: " + seconds);
    }
}
