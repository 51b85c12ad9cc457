package kquant.target;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kquant.KquantException;
import kquant.export.Toolchain;

/**
 * An emulated Cortex-M4: Arm's bare-metal gcc builds an export's checking main with kquant's own
 * startup code and linker script (resources {@code kquant/c/cortex-m4/}), and
 * {@code qemu-system-arm -M mps2-an386} runs it, with newlib's semihosting giving it the host's
 * files and console. Optionally qemu traces every executed instruction ({@link InstructionCounter}).
 */
public final class CortexM4 {

    /** The files an export needs to run here, shipped by {@code kquant export --target cortex-m4}. */
    public static final List<String> SUPPORT_FILES = List.of("kq_cortex_m4_startup.c", "kq_cortex_m4.ld");

    /** The compiler flags that make code for the Cortex-M4. */
    public static final List<String> CPU = List.of("-mcpu=cortex-m4", "-mthumb");

    private static final String[] TOOLS = {"arm-none-eabi-gcc", "arm-none-eabi-nm", "arm-none-eabi-size", "qemu-system-arm"};

    private final Path gcc;
    private final Path nm;
    private final Path size;
    private final Path qemu;

    private CortexM4(Path gcc, Path nm, Path size, Path qemu) {
        this.gcc = gcc;
        this.nm = nm;
        this.size = size;
        this.qemu = qemu;
    }

    /** The toolchain and emulator, when every tool is on the PATH. */
    public static Optional<CortexM4> find() {
        List<Path> found = new ArrayList<>();
        for (String tool : TOOLS) {
            Optional<Path> p = Toolchain.find(tool);
            if (p.isEmpty()) {
                return Optional.empty();
            }
            found.add(p.get());
        }
        return Optional.of(new CortexM4(found.get(0), found.get(1), found.get(2), found.get(3)));
    }

    /** Which tools are missing, for a skip or error message; empty when none is. */
    public static String missing() {
        List<String> absent = new ArrayList<>();
        for (String tool : TOOLS) {
            if (Toolchain.find(tool).isEmpty()) {
                absent.add(tool);
            }
        }
        return absent.isEmpty() ? "" : String.join(", ", absent) + " not on the PATH (Debian: gcc-arm-none-eabi, "
                + "libnewlib-arm-none-eabi, qemu-system-arm)";
    }

    Path nm() {
        return nm;
    }

    Path size() {
        return size;
    }

    /** The compiler's version line, for the figures' provenance. */
    public String compilerVersion() {
        return Toolchain.run(Path.of("."), List.of(gcc.toString(), "--version"), 60).output().lines().findFirst().orElse("?");
    }

    /**
     * Builds {@code sources} in {@code folder} (an export, plus the support files, written there if
     * absent) into the ELF {@code elf}, with the strict warnings as errors, the CPU flags and
     * {@code flags}.
     *
     * @throws KquantException with the compiler's first lines when it fails
     */
    public Path build(Path folder, List<String> sources, List<String> flags, String elf) {
        writeSupportFiles(folder);
        List<String> cmd = new ArrayList<>(List.of(gcc.toString()));
        cmd.addAll(Toolchain.STRICT);
        cmd.addAll(CPU);
        cmd.addAll(flags);
        cmd.addAll(List.of("--specs=rdimon.specs", "-nostartfiles", "-T", "kq_cortex_m4.ld", "-o", elf, "kq_cortex_m4_startup.c"));
        cmd.addAll(sources);
        Toolchain.Run r = Toolchain.run(folder, cmd, 300);
        if (r.exitCode() != 0) {
            throw KquantException.of("%s: arm-none-eabi-gcc failed: %s", folder, Toolchain.firstLines(r.output(), 3));
        }
        return folder.toAbsolutePath().resolve(elf);
    }

    /** Builds an export's checking main ({@code <prefix>_test.c} and the model). */
    public Path buildTest(Path folder, String prefix, List<String> flags, String elf) {
        return build(folder, List.of(prefix + "_test.c", prefix + "_model.c", prefix + "_weights.c"), flags, elf);
    }

    /** Compiles one source to an object in {@code folder} for the {@code .text} size (arm-none-eabi-size). */
    public long textBytes(Path folder, String source, List<String> flags) {
        List<String> cmd = new ArrayList<>(List.of(gcc.toString()));
        cmd.addAll(Toolchain.STRICT);
        cmd.addAll(CPU);
        cmd.addAll(flags);
        cmd.addAll(List.of("-ffunction-sections", "-fdata-sections", "-c", source, "-o", source + ".o"));
        Toolchain.Run r = Toolchain.run(folder, cmd, 120);
        if (r.exitCode() != 0) {
            throw KquantException.of("%s: arm-none-eabi-gcc failed: %s", folder.resolve(source), Toolchain.firstLines(r.output(), 3));
        }
        String sections = Toolchain.run(folder, List.of(size.toString(), "-A", source + ".o"), 60).output();
        Matcher m = Pattern.compile("(?m)^\\.text\\S*\\s+(\\d+)").matcher(sections);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    /** Runs {@code elf} on the emulated board, in the ELF's folder, with {@code args} as its command line. */
    public Toolchain.Run run(Path elf, List<String> args, long timeoutSeconds) {
        return Toolchain.run(elf.getParent(), command(elf, args, false), timeoutSeconds);
    }

    /**
     * Runs {@code elf} with qemu logging every executed instruction (one translation block per
     * instruction, no chaining between blocks, so each execution is logged), and hands each log
     * line to {@code perLine} as it comes: the log can be far larger than memory.
     *
     * @return the program's exit code
     */
    int trace(Path elf, List<String> args, Consumer<String> perLine, long timeoutSeconds) {
        List<String> cmd = command(elf, args, true);
        try {
            Path out = Files.createTempFile("kquant-m4", ".out");
            try {
                Process p = new ProcessBuilder(cmd).directory(elf.getParent().toFile()).redirectOutput(out.toFile()).start();
                try (InputStream log = p.getErrorStream();
                        BufferedReader r = new BufferedReader(new InputStreamReader(log, StandardCharsets.ISO_8859_1), 1 << 16)) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        perLine.accept(line);
                    }
                }
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw KquantException.of("%s: qemu did not finish in %d s", elf, timeoutSeconds);
                }
                return p.exitValue();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw KquantException.of("%s: cannot run qemu: %s", elf, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KquantException.of("%s: interrupted", elf);
        }
    }

    private List<String> command(Path elf, List<String> args, boolean traced) {
        List<String> cmd = new ArrayList<>(List.of(qemu.toString(), "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
                "-semihosting-config", "enable=on,target=native"));
        if (traced) {
            // the log goes to stderr, which trace() reads as it is written
            cmd.addAll(oneInstructionPerBlock());
            cmd.addAll(List.of("-d", "exec,nochain"));
        }
        cmd.addAll(List.of("-kernel", elf.getFileName().toString()));
        if (!args.isEmpty()) {
            cmd.addAll(List.of("-append", String.join(" ", args)));
        }
        return cmd;
    }

    /** qemu 8.1 renamed -singlestep to an accelerator property. */
    private List<String> oneInstructionPerBlock() {
        String version = Toolchain.run(Path.of("."), List.of(qemu.toString(), "--version"), 60).output();
        Matcher m = Pattern.compile("version (\\d+)\\.(\\d+)").matcher(version);
        boolean renamed = m.find() && (Integer.parseInt(m.group(1)) > 8 || Integer.parseInt(m.group(1)) == 8 && Integer.parseInt(m.group(2)) >= 1);
        return renamed ? List.of("-accel", "tcg,one-insn-per-tb=on") : List.of("-singlestep");
    }

    /** Copies the startup code and linker script into {@code folder} unless it has them. */
    public static void writeSupportFiles(Path folder) {
        for (String f : SUPPORT_FILES) {
            Path target = folder.resolve(f);
            if (!Files.exists(target)) {
                try (InputStream in = CortexM4.class.getResourceAsStream("/kquant/c/cortex-m4/" + f)) {
                    if (in == null) {
                        throw new IllegalStateException("missing resource " + f);
                    }
                    Files.write(target, in.readAllBytes());
                } catch (IOException e) {
                    throw KquantException.of("%s: cannot write: %s", target, e.getMessage());
                }
            }
        }
    }
}
