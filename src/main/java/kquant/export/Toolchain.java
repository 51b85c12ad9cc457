package kquant.export;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import kquant.KquantException;

/** Finds C compilers on the PATH and runs them, and the programs they build, on exported code. */
public final class Toolchain {

    /** The flags every export must compile under without a warning. */
    public static final List<String> STRICT = List.of("-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror");

    /** What a process printed and returned. */
    public record Run(int exitCode, String output) {
    }

    private Toolchain() {
        throw new AssertionError("No instances of Toolchain");
    }

    /** The path of {@code name} on the PATH, if it is there. */
    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The host C compiler: cc, gcc or clang, the first found. */
    public static Optional<Path> hostCompiler() {
        for (String cc : new String[] {"gcc", "cc", "clang"}) {
            Optional<Path> p = find(cc);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    /** Runs a command in {@code dir}, capturing stdout and stderr together. */
    public static Run run(Path dir, List<String> command, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw KquantException.of("%s: did not finish in %d s", command.get(0), timeoutSeconds);
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw KquantException.of("%s: cannot run: %s", command.get(0), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KquantException.of("%s: interrupted", command.get(0));
        }
    }

    /**
     * Builds the exported test program with {@code compiler} under the strict flags plus
     * {@code extra}, and returns its path.
     *
     * @throws KquantException with the compiler's first lines when it fails
     */
    public static Path buildTest(Path compiler, Path folder, String prefix, List<String> extra) {
        List<String> cmd = new ArrayList<>();
        cmd.add(compiler.toString());
        cmd.addAll(STRICT);
        cmd.addAll(extra);
        String exe = prefix + "_test_" + compiler.getFileName();
        cmd.addAll(List.of("-o", exe, prefix + "_test.c", prefix + "_model.c", prefix + "_weights.c"));
        Run r = run(folder, cmd, 300);
        if (r.exitCode() != 0) {
            throw KquantException.of("%s: %s failed to compile the export: %s", folder, compiler.getFileName(), firstLines(r.output(), 3));
        }
        return folder.toAbsolutePath().resolve(exe);
    }

    /** Runs a built test program on its vectors. */
    public static Run runTest(Path exe, String prefix) {
        return run(exe.getParent(), List.of(exe.toString(), prefix + "_vectors.bin"), 600);
    }

    /** The first {@code n} lines of a tool's output, joined, for a one-line error. */
    public static String firstLines(String s, int n) {
        String[] lines = s.strip().split("\n");
        return String.join(" | ", java.util.Arrays.copyOf(lines, Math.min(n, lines.length)));
    }
}
