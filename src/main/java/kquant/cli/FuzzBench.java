package kquant.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kquant.AtomicFiles;
import kquant.fuzz.FuzzRun;
import kquant.fuzz.Fuzzer;

/**
 * {@code kquant bench --fuzz N}: the fuzz suite's long mode, on the demo's files and, when it is
 * beside the checkout ({@code ../shared/keras-zoo} or {@code $KQUANT_ZOO}), keras-zoo's.
 */
final class FuzzBench {

    private FuzzBench() {
        throw new AssertionError("No instances of FuzzBench");
    }

    /** Runs every command in this process through the same factory {@code main} uses. */
    static Fuzzer.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Fuzzer.Result(code, out.toString(), err.toString());
    }

    static int run(PrintWriter out, int cases, long seed) throws IOException {
        String env = System.getenv("KQUANT_ZOO");
        Path zoo = env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent().resolve("shared").resolve("keras-zoo");
        Path work = Files.createTempDirectory("kquant-fuzz");
        try {
            Fuzzer.Report r = FuzzRun.run(out, FuzzBench::run, Path.of("calibration", "demo"), Path.of("calibration", "demo-q15.json"),
                    Files.isDirectory(zoo) ? zoo : null, List.of(), cases, seed, work);
            return r.passed() ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }
}
