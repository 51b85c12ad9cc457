package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --force} replaces only what kquant wrote (issue 13): a folder is replaced only while
 * every file in it is one its manifest lists, unchanged; any other folder is refused with one of
 * its files named, and nothing in it is deleted.
 */
class OutputFolderCliTest {

    @TempDir
    Path dir;

    private static final String MODEL = Paths2.demo("model.h5").toAbsolutePath().toString();
    private static final String CAL = Path.of("calibration", "demo-q15.json").toAbsolutePath().toString();
    private static final String TEST_X = Paths2.demo("test_X.npy").toAbsolutePath().toString();

    private Path home;

    /** A home folder as a user has it: dot files and work kquant never wrote. */
    @BeforeEach
    void makeHome() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".bashrc"), "export PATH");
        Files.createDirectories(home.resolve("projects/thesis"));
        Files.writeString(home.resolve("projects/thesis/ch1.tex"), "\\chapter{One}");
    }

    private void assertHomeIntact() {
        assertTrue(Files.isRegularFile(home.resolve(".bashrc")) && Files.isRegularFile(home.resolve("projects/thesis/ch1.tex")),
                "nothing deleted");
    }

    private static Cli.Result export(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("export", MODEL, "--calibration", CAL, "--out", out.toString(), "--prefix", "demo"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(new String[0]));
    }

    private static void assertRefused(Cli.Result r, String... expected) {
        assertEquals(1, r.code(), r.toString());
        assertTrue(!r.err().strip().contains("\n"), "one line: " + r.err());
        for (String e : expected) {
            assertTrue(r.err().contains(e), "'" + e + "' missing from: " + r.err());
        }
    }

    @Test
    void aHomeFolderIsRefusedWithOrWithoutForce() {
        assertRefused(export(home, "--force"), "home: holds .bashrc, which kquant did not write; nothing was replaced");
        assertRefused(export(home), "home: holds .bashrc");
        assertRefused(Cli.run("report", MODEL, "--calibration", CAL, "--data", TEST_X, "--out", home.toString(), "--force"),
                "home: holds .bashrc, which kquant did not write");
        assertRefused(Cli.run("predict", MODEL, "--data", TEST_X, "--out", dir.resolve("y.npy").toString(), "--trace", home.toString(),
                "--force"), "home: holds .bashrc");
        assertHomeIntact();
    }

    @Test
    void dotAndDotDotAreRefused() throws Exception {
        Path projects = home.resolve("projects");
        Files.writeString(projects.resolve("notes.md"), "mine");
        assertRefused(child(home, "--out", "."), ".: holds .bashrc, which kquant did not write");
        assertRefused(child(projects, "--out", ".."), "..: holds .bashrc, which kquant did not write");
        assertRefused(child(projects, "--out", "."), ".: holds notes.md");
        assertHomeIntact();
        assertTrue(Files.exists(projects.resolve("notes.md")));
    }

    @Test
    void aSymbolicLinkToAFolderIsRefused() throws IOException {
        Path real = dir.resolve("real");
        assertEquals(0, export(real).code());
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertRefused(export(link, "--force"), "link: is a symbolic link; give the folder itself (nothing was replaced)");
        assertTrue(Files.isSymbolicLink(link) && Files.isRegularFile(real.resolve("demo_model.c")));
        Path toHome = Files.createSymbolicLink(dir.resolve("to-home"), home);
        assertRefused(export(toHome, "--force"), "to-home: is a symbolic link");
        assertHomeIntact();
    }

    @Test
    void oneFileKquantDidNotWriteKeepsTheWholeFolder() throws IOException {
        Path out = dir.resolve("c");
        assertEquals(0, export(out).code());
        assertTrue(Files.isRegularFile(out.resolve(".kquant-files")));
        Files.writeString(out.resolve("notes.txt"), "my notes");
        assertRefused(export(out, "--force"), "c: holds notes.txt, which kquant did not write; nothing was replaced");
        assertTrue(Files.exists(out.resolve("notes.txt")) && Files.exists(out.resolve("demo_model.c")), "nothing deleted");
        Files.delete(out.resolve("notes.txt"));
        Files.writeString(out.resolve("demo_model.c"), "/* my fix */\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        assertRefused(export(out, "--force"), "c: holds demo_model.c, changed since kquant wrote it");
        assertTrue(Files.readString(out.resolve("demo_model.c")).endsWith("/* my fix */\n"), "the edit is kept");
        Files.createDirectories(out.resolve("build"));
        Files.delete(out.resolve("demo_model.c"));
        assertRefused(export(out, "--force"), "c: holds build/, which kquant did not write");
    }

    @Test
    void kquantsOwnOutputIsReplacedWithForceTogetherWithWhatItsBuildMade() throws IOException {
        Path out = dir.resolve("c");
        assertEquals(0, export(out, "--vectors", TEST_X, "--random", "0").code());
        // what `make test` and the demo's compile check link in the folder
        Files.writeString(out.resolve("demo_test"), "binary");
        Files.writeString(out.resolve("demo_test_gcc"), "binary");
        assertRefused(export(out, "--vectors", TEST_X, "--random", "0"), "c: folder exists and holds an earlier kquant export; use --force");
        assertEquals(0, export(out, "--vectors", TEST_X, "--random", "0", "--force").code());
        assertTrue(Files.notExists(out.resolve("demo_test")) && Files.isRegularFile(out.resolve("demo_model.c")));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("c", "home"), s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary left beside it");
        }
    }

    @Test
    void aReportReplacesAnEarlierReportButAnExportOnlyWithForce() throws IOException {
        Path out = dir.resolve("r");
        assertEquals(0, export(out).code());
        String[] report = {"report", MODEL, "--calibration", CAL, "--data", TEST_X, "--out", out.toString()};
        assertRefused(Cli.run(report), "r: folder exists and holds an earlier kquant export; use --force");
        List<String> forced = new ArrayList<>(List.of(report));
        forced.add("--force");
        assertEquals(0, Cli.run(forced.toArray(new String[0])).code());
        assertTrue(Files.isRegularFile(out.resolve("index.html")) && Files.notExists(out.resolve("demo_model.c")));
        assertEquals(0, Cli.run(report).code(), "a report replaces an earlier report");
    }

    /** Runs {@code kquant export} in a child JVM whose working folder is {@code cwd}. */
    private static Cli.Result child(Path cwd, String... out) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "kquant.cli.Main", "export", MODEL, "--calibration", CAL, "--force"));
        cmd.addAll(List.of(out));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Cli.Result(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
    }
}
