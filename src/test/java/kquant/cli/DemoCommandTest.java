package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kquant.export.Toolchain;
import kquant.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, end to end, writing into a temporary folder. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void theDemoRunsTheWholeJob() throws IOException {
        assumeTrue(Toolchain.hostCompiler().isPresent(), "no C compiler on the PATH: skipping the demo");
        Cli.Result r = Cli.run("demo", "--calibrations", dir.toString(), "--reports", dir.resolve("reports").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("tolerance 1e-05): OK"), r.out());
        for (String s : new String[] {"q15", "q7", "a16w8"}) {
            assertTrue(r.out().contains("demo_" + s + ": 10000 sequences, 4900000 values checked, 0 mismatches"), r.out());
            assertTrue(Files.isRegularFile(dir.resolve("demo-" + s + ".json")));
        }
        assertTrue(Files.isRegularFile(dir.resolve("reports").resolve("demo").resolve("index.html")));
        // the raw-I/O step: the seed model reading Seattle weather codes, checked bit for bit
        for (String s : new String[] {"q15", "q7", "a16w8"}) {
            assertTrue(r.out().contains("demo_raw_" + s + ": 10000 sequences, 4900000 values checked, 0 mismatches"), r.out());
            assertTrue(r.out().contains(s + " folded "), "the table with and without folding\n" + r.out());
        }
        assertTrue(Files.isRegularFile(dir.resolve("reports").resolve("demo-raw").resolve("index.html")));
        // the LSTM and GRU trained on the same data go through the same job
        for (String m : new String[] {"lstm", "gru"}) {
            for (String s : new String[] {"q15", "q7", "a16w8"}) {
                assertTrue(java.util.regex.Pattern.compile("demo_" + m + "_" + s + ": 10000 sequences, \\d+ values checked, 0 mismatches")
                        .matcher(r.out()).find(), m + " " + s + "\n" + r.out());
            }
            assertTrue(Files.isRegularFile(dir.resolve("reports").resolve("demo-" + m).resolve("index.html")));
        }
        // the demo's calibrations are the ones kept in calibration/, byte for byte
        assertEquals(Files.readString(Path.of("calibration", "demo-q15.json")), Files.readString(dir.resolve("demo-q15.json")));
        assertEquals(Files.readString(Path.of("calibration", "demo-raw-q7.json")), Files.readString(dir.resolve("demo-raw-q7.json")));
        assertEquals(Files.readString(Path.of("calibration", "demo-lstm-q15.json")), Files.readString(dir.resolve("demo-lstm-q15.json")));
        assertEquals(Files.readString(Path.of("calibration", "demo-gru-a16w8.json")), Files.readString(dir.resolve("demo-gru-a16w8.json")));

        // run again: its own outputs, compiled programs included, are replaced; a file of the user's is not
        Path q7 = dir.resolve("reports").resolve("demo-c-q7");
        Files.writeString(q7.resolve("notes.txt"), "my measurements");
        r = Cli.run("demo", "--calibrations", dir.toString(), "--reports", dir.resolve("reports").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("demo-c-q7: holds notes.txt, which kquant did not write; nothing was replaced"), r.err());
        assertTrue(r.out().contains("demo_q15: 10000 sequences, 4900000 values checked, 0 mismatches"), "q15 was exported again");
        assertTrue(Files.exists(q7.resolve("notes.txt")) && Files.exists(q7.resolve("demo_q7_model.c")), "nothing deleted");
    }
}
