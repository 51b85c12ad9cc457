package kquant.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kquant.AtomicFiles;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.data.Sequences;
import kquant.engine.FixedEngine;
import kquant.export.CExporter;
import kquant.export.Toolchain;
import kquant.fixed.QuantizedModel;
import kquant.model.Model;

/**
 * The compiled C beside the Java integer engine, from one run: each calibration is exported with
 * the data as test vectors, built with the host compiler at -O2, and timed over the same
 * sequences as the Java engine; with valgrind, callgrind counts the instructions per inference.
 */
final class CBench {

    private CBench() {
        throw new AssertionError("No instances of CBench");
    }

    static void run(Model m, Sequences x, List<Path> calibrations, boolean callgrind, Throughput timer, PrintWriter out)
            throws IOException {
        Optional<Path> cc = Toolchain.hostCompiler();
        if (cc.isEmpty()) {
            out.println("no C compiler (gcc, cc or clang) on the PATH: nothing to measure");
            return;
        }
        Optional<Path> valgrind = callgrind ? Toolchain.find("valgrind") : Optional.empty();
        if (callgrind && valgrind.isEmpty()) {
            out.println("valgrind is not installed: no instruction counts");
        }
        long macs = m.macs();
        out.printf("%-34s %-6s %14s %16s %14s %10s%n", "calibration", "scheme", "C -O2 (seq/s)", "Java 1 thread", "instr/seq", "instr/MAC");
        Path dir = Files.createTempDirectory("kquant-cbench");
        try {
            for (Path cal : calibrations) {
                Calibration c = CalibrationFile.read(cal, m);
                QuantizedModel q = new QuantizedModel(m, c.formats());
                Path exe = build(q, x, dir.resolve(c.scheme().cliName() + "-" + cal.getFileName().toString().replace(".json", "")), cc.get());
                double cRate = timer.ofC(exe, VECTORS, x.count(), 1);
                double javaRate = timer.of(new FixedEngine(q), x, false);
                String instr = "-";
                String perMac = "-";
                if (valgrind.isPresent()) {
                    long perSeq = instructions(valgrind.get(), exe, x.count());
                    instr = Long.toString(perSeq);
                    perMac = String.format(Locale.ROOT, "%.2f", (double) perSeq / macs);
                }
                out.printf(Locale.ROOT, "%-34s %-6s %14.0f %16.0f %14s %10s%n", cal, c.scheme().cliName(), cRate, javaRate, instr, perMac);
                out.flush();
            }
        } finally {
            AtomicFiles.deleteTree(dir);
        }
        out.printf("%d MACs per sequence; C built with %s %s -O2 (x86-64 baseline, SSE2)%n", macs, cc.get().getFileName(),
                String.join(" ", Toolchain.STRICT));
    }

    /** The vector file of a bench export, in the export folder. */
    static final String VECTORS = "bench_vectors.bin";

    /** Exports {@code q} into {@code folder} with the sequences of {@code x} as vectors, and builds its checking main at -O2. */
    static Path build(QuantizedModel q, Sequences x, Path folder, Path cc) {
        CExporter.export(q, List.of("bench"), folder, new CExporter.Options("bench", false, x, 0, 1, x.timesteps()));
        return Toolchain.buildTest(cc, folder, "bench", List.of("-O2"));
    }

    /**
     * Instructions of run() per sequence: callgrind counts only inside bench_run (the checking
     * main's reading and comparing stay out), for one pass minus none.
     */
    private static long instructions(Path valgrind, Path exe, int sequences) {
        long none = callgrind(valgrind, exe, 0);
        long one = callgrind(valgrind, exe, 1);
        return Math.round((one - none) / (double) sequences);
    }

    private static long callgrind(Path valgrind, Path exe, int passes) {
        Toolchain.Run r = Toolchain.run(exe.getParent(), List.of(valgrind.toString(), "--tool=callgrind", "--callgrind-out-file=/dev/null",
                "--toggle-collect=bench_run", exe.toString(), VECTORS, Integer.toString(passes)), 600);
        Matcher m = Pattern.compile("Collected : (\\d+)").matcher(r.output());
        if (!m.find()) {
            throw new IllegalStateException("callgrind printed no count: " + r.output());
        }
        return Long.parseLong(m.group(1));
    }
}
