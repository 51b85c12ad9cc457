package kquant.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import kquant.AtomicFiles;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.data.Sequences;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.engine.ReferenceEngine;
import kquant.export.Toolchain;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.model.Model;

/**
 * {@code kquant bench} without options: every engine on the same data in one run, on one thread and on
 * every core. The float32 engine stands beside the float64 one, and each integer engine beside its
 * exported C at -O2 (the checking main timing run() over the same sequences, one copy per core for
 * "all cores").
 */
final class EngineBench {

    private EngineBench() {
        throw new AssertionError("No instances of EngineBench");
    }

    /** Every pass covers at least this many sequences, so that each core has blocks to run. */
    static final int MIN_SEQUENCES = 8192;

    static void run(Model model, Path modelFile, String data, Sequences given, Throughput timer, PrintWriter out) throws IOException {
        Sequences x = tiled(given, MIN_SEQUENCES);
        Model m = model.withTimesteps(x.timesteps());
        int cores = Runtime.getRuntime().availableProcessors();
        Optional<Path> cc = Toolchain.hostCompiler();
        out.printf(Locale.ROOT, "model %s, data %s: %d sequences (%d given), %d MACs each; %d cores; java %s; C: %s%n", modelFile, data, x.count(), given.count(),
                m.macs(), cores, System.getProperty("java.version"),
                cc.map(c -> c.getFileName() + " -O2, its fast path for this CPU").orElse("no C compiler on the PATH"));
        out.printf("%-8s %16s %16s %16s %16s %10s%n", "engine", "Java 1 thread", "Java all cores", "C 1 thread", "C all cores", "Java / C");
        row(out, "float32", timer.of(new FloatEngine(m), x, false), timer.of(new FloatEngine(m), x, true), Double.NaN, Double.NaN);
        ReferenceEngine float64 = new ReferenceEngine(m, Precision.FLOAT64);
        row(out, "float64", timer.of(float64, x, false), timer.of(float64, x, true), Double.NaN, Double.NaN);
        Path dir = Files.createTempDirectory("kquant-bench");
        try {
            for (Scheme s : Scheme.values()) {
                // formats from max-abs on the bench data itself: the speed does not depend on them
                Calibration c = Calibrator.calibrate(model, x, Calibrator.Options.defaults(s).withHeadroom(1), null);
                QuantizedModel q = new QuantizedModel(m, c.formats());
                FixedEngine e = new FixedEngine(q);
                double one = timer.of(e, x, false);
                double all = timer.of(e, x, true);
                double cOne = Double.NaN;
                double cAll = Double.NaN;
                if (cc.isPresent()) {
                    Path exe = CBench.build(q, x, dir.resolve(s.cliName()), cc.get());
                    cOne = timer.ofC(exe, CBench.VECTORS, x.count(), 1);
                    cAll = timer.ofC(exe, CBench.VECTORS, x.count(), cores);
                }
                row(out, s.cliName(), one, all, cOne, cAll);
            }
        } finally {
            AtomicFiles.deleteTree(dir);
        }
        out.println("sequences per second, median pass; Java / C compares one thread each");
        out.flush();
    }

    /** The data repeated until it holds at least {@code min} sequences (a short test set would leave cores idle). */
    static Sequences tiled(Sequences x, int min) {
        if (x.count() >= min) {
            return x;
        }
        int copies = (min + x.count() - 1) / x.count();
        float[] one = x.read(0, x.count());
        float[] all = new float[one.length * copies];
        for (int k = 0; k < copies; k++) {
            System.arraycopy(one, 0, all, k * one.length, one.length);
        }
        return new Sequences(x.name(), x.count() * copies, x.timesteps(), x.shape().features(), x.shape().sequence(), all);
    }

    private static void row(PrintWriter out, String engine, double one, double all, double cOne, double cAll) {
        out.printf(Locale.ROOT, "%-8s %16.0f %16.0f %16s %16s %10s%n", engine, one, all, rate(cOne), rate(cAll),
                Double.isNaN(cOne) ? "-" : String.format(Locale.ROOT, "%.2f", one / cOne));
        out.flush();
    }

    private static String rate(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.0f", r);
    }
}
