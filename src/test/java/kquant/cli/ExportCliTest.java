package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCliTest {

    @TempDir
    Path dir;

    private static final String MODEL = Paths2.demo("model.h5").toString();
    private static final String CAL = Path.of("calibration", "demo-q15.json").toString();

    private Cli.Result export(Path out, String... extra) {
        String[] base = {"export", MODEL, "--calibration", CAL, "--out", out.toString(), "--prefix", "demo",
            "--vectors", Paths2.demo("test_X.npy").toString(), "--random", "100"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void theSameInputGivesTheSameFiles() throws IOException {
        assertEquals(0, export(dir.resolve("a")).code());
        assertEquals(0, export(dir.resolve("b")).code());
        List<String> files;
        try (Stream<Path> s = Files.list(dir.resolve("a"))) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of(".kquant-files", "CMakeLists.txt", "Makefile", "SPEC.md", "demo_model.c", "demo_model.h", "demo_test.c", "demo_vectors.bin",
                "demo_weights.c", "demo_weights.h", "kq_fixed.h", "kq_kernels.h", "kq_matvec_a16w8.h", "kq_matvec_q15.h", "kq_sse2.h"), files);
        for (String f : files) {
            assertEquals(-1, Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("b").resolve(f)), f);
        }
        String header = Files.readString(dir.resolve("a").resolve("demo_weights.h"));
        assertTrue(header.contains("DO NOT EDIT") && header.contains("weights sha256 fd1757af") && header.contains("demo-q15.json"), header);
        assertFalse(header.matches("(?s).*20[0-9][0-9]-[01][0-9]-[0-3][0-9].*"), "no dates");
    }

    @Test
    void aTargetAddsItsStartupLinkerScriptAndMakeRule() throws IOException {
        assertEquals(0, export(dir.resolve("m4"), "--target", "cortex-m4").code());
        for (String f : new String[] {"kq_cortex_m4_startup.c", "kq_cortex_m4.ld"}) {
            assertEquals(-1, Files.mismatch(dir.resolve("m4").resolve(f), Path.of("src/main/resources/kquant/c/cortex-m4").resolve(f)), f);
        }
        String make = Files.readString(dir.resolve("m4").resolve("Makefile"));
        assertTrue(make.contains("m4-test: demo_test_m4.elf") && make.contains("-M mps2-an386"), make);
        assertTrue(Files.readString(dir.resolve("m4").resolve("CMakeLists.txt")).contains("add_library(demo STATIC demo_model.c demo_weights.c)"));
    }

    @Test
    void badExportsAreRefusedAndWriteNothing() throws IOException {
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("mine.c"), "int x;");
        Cli.Result r = export(taken);
        assertTrue(r.code() == 1 && r.err().contains("taken: holds mine.c, which kquant did not write; nothing was replaced"), r.toString());
        r = export(taken, "--force");
        assertTrue(r.code() == 1 && r.err().contains("taken: holds mine.c, which kquant did not write"), "--force does not replace it: " + r);
        assertTrue(Files.exists(taken.resolve("mine.c")));
        Files.delete(taken.resolve("mine.c"));
        assertEquals(0, export(taken).code(), "an empty folder is written");
        r = export(taken);
        assertTrue(r.code() == 1 && r.err().contains("taken: folder exists and holds an earlier kquant export; use --force"), r.toString());
        assertEquals(0, export(taken, "--force").code(), "--force replaces kquant's own export");

        r = Cli.run("export", MODEL, "--calibration", CAL, "--out", dir.resolve("p").toString(), "--prefix", "3d-model");
        assertTrue(r.code() == 1 && r.err().contains("--prefix 3d-model: not a valid C identifier"), r.toString());
        assertFalse(Files.exists(dir.resolve("p")));

        r = Cli.run("export", MODEL, "--calibration", CAL, "--out", dir.resolve("t").toString(), "--target", "cortex-m0");
        assertTrue(r.code() == 1 && r.err().strip().equals("kquant: --target cortex-m0: not a target kquant knows; it knows cortex-m4"), r.toString());
        assertFalse(Files.exists(dir.resolve("t")));

        Path other = dir.resolve("other.json");
        Files.writeString(other, Files.readString(Path.of(CAL)).replaceFirst("\"weights_sha256\" : \"f", "\"weights_sha256\" : \"0"));
        r = Cli.run("export", MODEL, "--calibration", other.toString(), "--out", dir.resolve("o").toString());
        assertTrue(r.code() == 1 && r.err().contains("other.json: calibration is for model.h5"), r.toString());
        assertFalse(Files.exists(dir.resolve("o")));
    }
}
