package kquant.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import kquant.data.SyntheticData;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data set of more than 1 GB calibrates in a separate JVM limited to a 256 MB heap: the data
 * streams through in chunks and is never held whole. (Time and memory figures come from
 * {@code kquant bench --calibration-gb 1}, not from this test.)
 */
class LargeDataCalibrationTest {

    @TempDir
    Path dir;

    @Test
    void moreThanAGigabyteCalibratesUnderA256MegabyteHeap() throws IOException, InterruptedException {
        long gib = 1L << 30;
        assumeTrue(Files.getFileStore(dir).getUsableSpace() > 3 * gib, "less than 3 GB free in the temporary folder: skipping the 1 GB test");
        Random r = new Random(1);
        KerasFixtures.Files2 model = KerasFixtures.write(dir, "small", KerasFixtures.Layout.LEGACY_K2_13, new int[] {64, 16}, List.of(
                FixtureLayer.simpleRnn("rnn", 16, 8, "tanh", true, r), FixtureLayer.dense("out", 8, 2, "linear", true, r)));
        Path data = dir.resolve("big.npy");
        int samples = (int) (gib / (64 * 16 * 4)) + 1;
        SyntheticData.writeNpy(data, samples, 64, 16, 2);
        assertTrue(Files.size(data) > gib, "more than 1 GiB: " + Files.size(data));

        Path out = dir.resolve("big.json");
        Path log = dir.resolve("log.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "kquant.cli.Main",
                "calibrate", model.model().toString(), "--data", data.toString(), "--scheme", "q15", "--method", "mse", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(20, TimeUnit.MINUTES), "finishes");
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), printed);
        Calibration c = CalibrationFile.read(out);
        assertEquals(samples, c.data().samples());
        // N(0, 1) inputs: the 1.1 billion values (4 in 1e9 beyond ±6) need a range of about ±6
        assertTrue(c.tensors().get("input").observed().maxAbs() > 5, printed);
        Files.delete(data);
    }
}
