package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;
import kquant.data.SyntheticData;
import kquant.data.Sequences;
import kquant.engine.Blocks;
import kquant.engine.ReferenceEngine;
import kquant.engine.Runner;
import kquant.engine.Engine;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.KquantException;
import kquant.keras.KerasLoader;
import kquant.target.TargetBench;
import kquant.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench",
        mixinStandardHelpOptions = true,
        header = "Measure engine, C and calibration throughput.",
        description = {
            "Measures throughput (sequences per second) of the engines on a model and data set,",
            "on one thread and on all cores: repeated passes over the data after a warm-up, median pass.",
            "",
            "Example (the demo model and its test windows):",
            "  kquant bench"})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "calibration/demo/model.h5", paramLabel = "MODEL", description = "Default: ${DEFAULT-VALUE}.")
    Path model;

    @Option(names = "--data", defaultValue = "calibration/demo/test_X.npy", paramLabel = "X", description = "Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S", description = "Measuring time per figure. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--calibration-gb", paramLabel = "GB", description = {
        "Instead: write GB gigabytes of synthetic data shaped for the model to a temporary file, calibrate on it",
        "(maxabs, streaming), and print the time and the peak heap. Run under a fixed heap, e.g.",
        "java -Xmx256m -jar target/kquant.jar bench --calibration-gb 1"})
    Double calibrationGb;

    @Option(names = "--c", description = {
        "Instead: export each --calibration to C, build it with the host compiler at -O2, and print its",
        "throughput beside the Java integer engine's on the same data (and instructions per inference",
        "with --callgrind)."})
    boolean c;

    @Option(names = "--calibration", paramLabel = "CAL", description = "For --c and --target: calibrations to export. Default: calibration/demo-{q15,q7,a16w8}.json.")
    List<java.nio.file.Path> calibrations;

    @Option(names = "--callgrind", description = "For --c: count instructions per inference with valgrind --tool=callgrind.")
    boolean callgrind;

    @Option(names = "--target", paramLabel = "CPU", description = {
        "Instead: export each --calibration, build it for CPU (cortex-m4), run it on",
        "qemu-system-arm -M mps2-an386 and count the instructions of run(), step() and",
        "output() exactly: per call, per MAC and by function, for both C paths."})
    String target;

    @Option(names = "--sequences", defaultValue = "8", paramLabel = "N", description = "For --target: sequences to count over. Default: ${DEFAULT-VALUE}.")
    int sequences;

    @Option(names = "--fuzz", paramLabel = "N", description = {
        "Instead: run N seeded mutations of each kind of input (the demo's files, keras-zoo's when present)",
        "through the commands that read them, and print how each ended; exit 1 if any was not allowed."})
    Integer fuzz;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "For --fuzz: the seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        if (calibrationGb != null) {
            return benchCalibration();
        }
        if (target != null) {
            if (!target.equals("cortex-m4")) {
                throw KquantException.of("--target %s: kquant counts instructions on cortex-m4 only", target);
            }
            Model m = KerasLoader.load(model);
            Sequences x = DataFiles.load(data, m.inputShape());
            TargetBench.run(m.withTimesteps(x.timesteps()), x, calibrationsOrDemo(), sequences, spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        if (fuzz != null) {
            return FuzzBench.run(spec.commandLine().getOut(), fuzz, seed);
        }
        if (c) {
            Model m = KerasLoader.load(model);
            Sequences x = DataFiles.load(data, m.inputShape());
            CBench.run(m.withTimesteps(x.timesteps()), x, calibrationsOrDemo(), callgrind, seconds, this, spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        Model m = KerasLoader.load(model);
        Sequences x = DataFiles.load(data, m.inputShape());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model %s, data %s: %d sequences, %d MACs each; %d cores; java %s%n", model, data, x.count(),
                m.withTimesteps(x.timesteps()).macs(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        out.printf("%-10s %18s %18s%n", "engine", "1 thread (seq/s)", "all cores (seq/s)");
        List<Engine> engines = new ArrayList<>();
        engines.add(new FloatEngine(m.withTimesteps(x.timesteps())));
        engines.add(new ReferenceEngine(m.withTimesteps(x.timesteps()), Precision.FLOAT64));
        for (Scheme s : Scheme.values()) {
            // formats from max-abs on the bench data itself: the speed does not depend on them
            Calibration c = Calibrator.calibrate(m, x, Calibrator.Options.defaults(s).withHeadroom(1), null);
            engines.add(new FixedEngine(new QuantizedModel(m.withTimesteps(x.timesteps()), c.formats())));
        }
        for (Engine e : engines) {
            out.printf("%-10s %18.0f %18.0f%n", e.name(), throughput(e, x, false), throughput(e, x, true));
            out.flush();
        }
        return ExitCodes.OK;
    }

    private List<java.nio.file.Path> calibrationsOrDemo() {
        return calibrations != null ? calibrations : List.of(java.nio.file.Path.of("calibration/demo-q15.json"),
                java.nio.file.Path.of("calibration/demo-q7.json"), java.nio.file.Path.of("calibration/demo-a16w8.json"));
    }

    private int benchCalibration() throws java.io.IOException {
        Model m = KerasLoader.load(model);
        int t = m.inputShape().knownLength() ? m.inputShape().timesteps() : 32;
        int f = m.inputShape().features();
        int samples = (int) Math.ceil(calibrationGb * (1L << 30) / (4.0 * t * f));
        PrintWriter out = spec.commandLine().getOut();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kquant-bench");
        java.nio.file.Path file = dir.resolve("synthetic.npy");
        try {
            long w0 = System.nanoTime();
            SyntheticData.writeNpy(file, samples, t, f, 1);
            out.printf(java.util.Locale.ROOT, "wrote %s: %d samples of (%d, %d), %.2f GB, in %.1f s%n", file, samples, t, f,
                    java.nio.file.Files.size(file) / 1e9, (System.nanoTime() - w0) / 1e9);
            out.flush();
            HeapSampler sampler = HeapSampler.start();
            long c0 = System.nanoTime();
            try (SequenceSource source = DataFiles.open(file.toString(), m.inputShape())) {
                Calibrator.calibrate(m, source, Calibrator.Options.defaults(Scheme.Q15), null);
            }
            double seconds = (System.nanoTime() - c0) / 1e9;
            long peak = sampler.stop();
            out.printf(java.util.Locale.ROOT, "calibrated (maxabs, q15) in %.1f s: %.0f samples/s, %.1f MB/s; "
                    + "heap in use at most %.0f MB (sampled every 10 ms) of %.0f MB allowed; %d cores%n",
                    seconds, samples / seconds, java.nio.file.Files.size(file) / 1e6 / seconds, peak / 1e6,
                    Runtime.getRuntime().maxMemory() / 1e6, Runtime.getRuntime().availableProcessors());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.deleteIfExists(dir);
        }
        return ExitCodes.OK;
    }

    /** Samples the heap in use from a background thread and keeps the largest value. */
    private static final class HeapSampler implements Runnable {
        private volatile boolean running = true;
        private volatile long peak;
        private Thread thread;

        static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            s.thread = new Thread(s, "heap-sampler");
            s.thread.setDaemon(true);
            s.thread.start();
            return s;
        }

        @Override
        public void run() {
            Runtime r = Runtime.getRuntime();
            while (running) {
                peak = Math.max(peak, r.totalMemory() - r.freeMemory());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stop() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return peak;
        }
    }

    /** One pass of the engine over the data: on one thread through one runner, or through {@link Blocks} on every core. */
    private static void pass(Engine engine, Sequences x, boolean parallel) {
        if (parallel) {
            Blocks.outputs(engine, x);
            return;
        }
        Runner r = engine.runner(Blocks.LANES);
        float[] values = x.read(0, x.count());
        for (int k = 0; k < x.count(); k += r.lanes()) {
            r.run(values, k * x.sampleSize(), Math.min(r.lanes(), x.count() - k), null);
        }
    }

    /** Median throughput over passes of the whole data set, after a warm-up of a third of the time. */
    double throughput(Engine engine, Sequences x, boolean parallel) {
        long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warmUntil) {
            pass(engine, x, parallel);
        }
        double[] rates = new double[1024];
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while ((System.nanoTime() < end || n < 3) && n < rates.length) {
            long t0 = System.nanoTime();
            pass(engine, x, parallel);
            rates[n++] = x.count() / ((System.nanoTime() - t0) / 1e9);
        }
        double[] r = Arrays.copyOf(rates, n);
        Arrays.sort(r);
        return r[n / 2];
    }
}
