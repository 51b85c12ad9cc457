package kquant.target;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import kquant.KquantException;
import kquant.export.Toolchain;

/**
 * Runs an export's checking main on the emulated Cortex-M4, once per build: the fast path the
 * compiler selects (the Arm DSP one) and the portable one ({@code -DKQ_PORTABLE}), at the given
 * optimization levels. The main compares every output, state and saturation count with the Java
 * integer engine's and exits 0 only when all match.
 */
public final class TargetCheck {

    /** One way to compile the checking main. */
    public record Build(String name, List<String> flags) {

        /** A file name for the ELF of this build. */
        String elf(String prefix) {
            return prefix + "_m4" + name.replace(" -DKQ_PORTABLE", "_portable").replace(" ", "").replace("-", "_") + ".elf";
        }
    }

    /** The fast path and the portable path at -O2: what the demo runs. */
    public static final List<Build> O2 = List.of(new Build("-O2", List.of("-O2")), new Build("-O2 -DKQ_PORTABLE", List.of("-O2", "-DKQ_PORTABLE")));

    /** Both paths at -O2 and -Os: what the tests run. */
    public static final List<Build> O2_AND_OS = List.of(O2.get(0), O2.get(1), new Build("-Os", List.of("-Os")),
            new Build("-Os -DKQ_PORTABLE", List.of("-Os", "-DKQ_PORTABLE")));

    /** What one build printed and returned. */
    public record Outcome(Build build, int exitCode, String output) {

        /** The checking main's last line: its count of sequences, values and mismatches. */
        public String summary() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1];
        }

        public boolean passed() {
            return exitCode == 0 && summary().contains(" 0 mismatches, ");
        }
    }

    private TargetCheck() {
        throw new AssertionError("No instances of TargetCheck");
    }

    /** Builds and runs every build, two at a time; the outcomes in the order of {@code builds}. */
    public static List<Outcome> run(CortexM4 m4, Path folder, String prefix, List<Build> builds) {
        CortexM4.writeSupportFiles(folder); // once, before two builds read them
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Outcome>> pending = new ArrayList<>();
            for (Build b : builds) {
                pending.add(pool.submit(() -> {
                    Path elf = m4.buildTest(folder, prefix, b.flags(), b.elf(prefix));
                    Toolchain.Run r = m4.run(elf, List.of(prefix + "_vectors.bin"), 1800);
                    return new Outcome(b, r.exitCode(), r.output());
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : pending) {
                outcomes.add(f.get());
            }
            return outcomes;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KquantException.of("%s: interrupted", folder);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The demo's step: runs the export's vectors on the emulated Cortex-M4 through both paths at
     * -O2 and prints one line for each, or why it cannot.
     *
     * @return true when every build reported 0 mismatches, or the tools are missing
     */
    public static boolean demo(Path folder, String prefix, PrintWriter out) {
        Optional<CortexM4> m4 = CortexM4.find();
        if (m4.isEmpty()) {
            out.println("the emulated Cortex-M4 check is skipped: " + CortexM4.missing());
            return true;
        }
        boolean passed = true;
        for (Outcome o : run(m4.get(), folder, prefix, O2)) {
            out.printf("$ arm-none-eabi-gcc %s -mcpu=cortex-m4 -mthumb; qemu-system-arm -M mps2-an386: %s%n", o.build().name(), o.summary());
            passed &= o.passed();
        }
        out.flush();
        return passed;
    }
}
