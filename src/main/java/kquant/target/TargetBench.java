package kquant.target;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import kquant.AtomicFiles;
import kquant.KquantException;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.data.Sequences;
import kquant.export.CExporter;
import kquant.fixed.QuantizedModel;
import kquant.model.Model;

/**
 * {@code kquant bench --target cortex-m4}: each calibration exported with the data as test
 * vectors, built for the Cortex-M4 at -O2 and run on the emulated board, with every instruction
 * of {@code run()}, {@code step()} and {@code output()} counted exactly ({@link InstructionCounter}):
 * per call, per multiply-accumulate, and split by function; beside it the portable path's count
 * and the model's code size at -Os.
 */
public final class TargetBench {

    /** The window names the checking main marks, in the order printed. */
    private static final List<String> CALLS = List.of("run", "step", "output");

    private TargetBench() {
        throw new AssertionError("No instances of TargetBench");
    }

    /**
     * @param m          the model, with the data's timesteps
     * @param sequences  how many of the data's sequences to count over
     */
    public static void run(Model m, Sequences x, List<Path> calibrations, int sequences, PrintWriter out) throws IOException {
        Optional<CortexM4> found = CortexM4.find();
        if (found.isEmpty()) {
            throw KquantException.of("bench --target cortex-m4: %s", CortexM4.missing());
        }
        if (sequences < 1) {
            throw KquantException.of("--sequences %d: must be at least 1", sequences);
        }
        CortexM4 m4 = found.get();
        int counted = Math.min(sequences, x.count());
        Path dir = Files.createTempDirectory("kquant-target");
        try {
            for (Path cal : calibrations) {
                Calibration c = CalibrationFile.read(cal, m);
                Path folder = dir.resolve(c.scheme().cliName() + "-" + cal.getFileName().toString().replace(".json", ""));
                CExporter.Result r = CExporter.export(new QuantizedModel(m, c.formats()), List.of("bench"), folder,
                        new CExporter.Options("bench", false, x, 0, 1, x.timesteps(), "cortex-m4"));
                List<String> args = List.of("bench_vectors.bin", "count", Integer.toString(counted));
                List<InstructionCounter.Window> fast = InstructionCounter.count(m4,
                        m4.buildTest(folder, "bench", List.of("-O2"), "bench_m4.elf"), args, 1800);
                List<InstructionCounter.Window> portable = InstructionCounter.count(m4,
                        m4.buildTest(folder, "bench", List.of("-O2", "-DKQ_PORTABLE"), "bench_m4_portable.elf"), args, 1800);
                long text = m4.textBytes(folder, "bench_model.c", List.of("-Os"));
                print(out, cal, c, m.macs(), r, fast, portable, text);
            }
        } finally {
            AtomicFiles.deleteTree(dir);
        }
        out.printf("Exact counts: qemu-system-arm -M mps2-an386 logs every executed instruction; each call is what runs between%n"
                + "the checking main's marker calls around it, by the ELF's symbols, over the first %d sequences of the data.%n"
                + "%s, -O2 -mcpu=cortex-m4 -mthumb (the Arm DSP path); per MAC = instructions / multiply-accumulates of the call.%n",
                counted, m4.compilerVersion());
        out.flush();
    }

    private static void print(PrintWriter out, Path cal, Calibration c, long runMacs, CExporter.Result r, List<InstructionCounter.Window> fast,
            List<InstructionCounter.Window> portable, long text) {
        out.printf("%s (%s): model code %d bytes of .text at -Os%n", cal, c.scheme().cliName(), text);
        out.printf("  %-9s %12s %8s %8s %14s  %s%n", "call", "instructions", "MACs", "per MAC", "portable/MAC", "by function");
        for (String call : CALLS) {
            InstructionCounter.Window w = window(fast, call);
            if (w == null) {
                continue;
            }
            long macs = call.equals("run") ? runMacs : call.equals("step") ? r.stepMacs() : r.outputMacs();
            InstructionCounter.Window p = window(portable, call);
            out.printf(Locale.ROOT, "  %-9s %12.0f %8d %8s %14s  %s%n", call + "()", w.perOpening(), macs, perMac(w.perOpening(), macs),
                    p == null ? "-" : perMac(p.perOpening(), macs), split(w));
        }
        out.flush();
    }

    private static String perMac(double instructions, long macs) {
        return macs == 0 ? "-" : String.format(Locale.ROOT, "%.2f", instructions / macs);
    }

    private static InstructionCounter.Window window(List<InstructionCounter.Window> windows, String name) {
        return windows.stream().filter(w -> w.name().equals(name)).findFirst().orElse(null);
    }

    /** The functions of one call, most instructions first, per call. */
    private static String split(InstructionCounter.Window w) {
        List<String> parts = new ArrayList<>();
        w.byFunction().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> parts.add(String.format(Locale.ROOT, "%s %.0f", e.getKey(), (double) e.getValue() / w.openings())));
        return String.join(", ", parts);
    }
}
