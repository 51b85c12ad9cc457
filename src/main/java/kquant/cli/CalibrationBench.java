package kquant.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import kquant.calibrate.Calibrator;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;
import kquant.data.SyntheticData;
import kquant.engine.Blocks;
import kquant.engine.FloatEngine;
import kquant.engine.Runner;
import kquant.fixed.Scheme;
import kquant.model.Model;

/**
 * {@code kquant bench --calibration-gb GB}: calibration on more data than the heap holds. Writes GB
 * gigabytes of synthetic sequences shaped for the model to a temporary {@code .npy}, times one float32
 * pass over it (every core, outputs dropped: the floor any streaming command pays) and then a max-abs
 * calibration over it, and prints both with the largest heap in use, sampled every 10 ms.
 */
final class CalibrationBench {

    private CalibrationBench() {
        throw new AssertionError("No instances of CalibrationBench");
    }

    static void run(Model m, double gigabytes, PrintWriter out) throws IOException {
        int t = m.inputShape().knownLength() ? m.inputShape().timesteps() : 32;
        int f = m.inputShape().features();
        int samples = (int) Math.ceil(gigabytes * (1L << 30) / (4.0 * t * f));
        Path dir = Files.createTempDirectory("kquant-bench");
        Path file = dir.resolve("synthetic.npy");
        try {
            long w0 = System.nanoTime();
            SyntheticData.writeNpy(file, samples, t, f, 1);
            out.printf(Locale.ROOT, "wrote %s: %d samples of (%d, %d), %.2f GB, in %.1f s%n", file, samples, t, f, Files.size(file) / 1e9,
                    (System.nanoTime() - w0) / 1e9);
            out.flush();
            HeapSampler sampler = HeapSampler.start();
            double pass = seconds(() -> floatPass(m.withTimesteps(t), file));
            out.printf(Locale.ROOT, "one float32 pass (all cores, outputs dropped): %.1f s%n", pass);
            out.flush();
            double calibration = seconds(() -> {
                try (SequenceSource source = DataFiles.open(file.toString(), m.inputShape())) {
                    Calibrator.calibrate(m, source, Calibrator.Options.defaults(Scheme.Q15), null);
                }
            });
            long peak = sampler.stop();
            out.printf(Locale.ROOT, "calibrated (maxabs, q15) in %.1f s: %.2f times one float32 pass, %.0f samples/s, %.1f MB/s%n",
                    calibration, calibration / pass, samples / calibration, Files.size(file) / 1e6 / calibration);
            out.printf(Locale.ROOT, "heap in use at most %.0f MB (sampled every 10 ms) of %.0f MB allowed; %d cores%n", peak / 1e6,
                    Runtime.getRuntime().maxMemory() / 1e6, Runtime.getRuntime().availableProcessors());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static double seconds(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void floatPass(Model m, Path file) {
        FloatEngine engine = new FloatEngine(m);
        try (SequenceSource source = DataFiles.open(file.toString(), m.inputShape())) {
            Blocks.over(source).run(() -> {
                Runner r = engine.runner(Blocks.LANES);
                return (chunk, from, count) -> {
                    Blocks.eachCall(r, chunk, from, count, null, k -> { }, source.name(), engine.name());
                    return null;
                };
            }, p -> { });
        }
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
}
