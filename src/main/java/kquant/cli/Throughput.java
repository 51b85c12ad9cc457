package kquant.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kquant.data.Sequences;
import kquant.engine.Blocks;
import kquant.engine.Engine;
import kquant.engine.Runner;
import kquant.export.Toolchain;

/**
 * Sequences per second, measured the same way for the Java engines and for a compiled checking main:
 * whole passes over the data after a warm-up, the median pass. Timing belongs here and in the bench
 * command, never in the tests.
 */
final class Throughput {

    private final double seconds;

    /** @param seconds  measuring time per figure; a third of it again warms up */
    Throughput(double seconds) {
        this.seconds = seconds;
    }

    /** The engine's median rate over passes of the whole data set, on one thread or through {@link Blocks} on every core. */
    double of(Engine engine, Sequences x, boolean allCores) {
        long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warmUntil) {
            pass(engine, x, allCores);
        }
        double[] rates = new double[1024];
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while ((System.nanoTime() < end || n < 3) && n < rates.length) {
            long t0 = System.nanoTime();
            pass(engine, x, allCores);
            rates[n++] = x.count() / ((System.nanoTime() - t0) / 1e9);
        }
        double[] r = Arrays.copyOf(rates, n);
        Arrays.sort(r);
        return r[n / 2];
    }

    private static void pass(Engine engine, Sequences x, boolean allCores) {
        if (allCores) {
            Blocks.outputs(engine, x);
            return;
        }
        Runner r = engine.runner(Blocks.LANES);
        float[] values = x.read(0, x.count());
        for (int k = 0; k < x.count(); k += r.lanes()) {
            r.run(values, k * x.sampleSize(), Math.min(r.lanes(), x.count() - k), null);
        }
    }

    /**
     * The rate of a checking main's run() over its {@code sequences} vectors, as the program times
     * itself (reading the vector file excluded): passes are raised until one measurement takes about
     * {@code seconds}. With {@code processes} above 1, that many copies run at once and their rates add up.
     */
    double ofC(Path exe, String vectors, int sequences, int processes) {
        double elapsed;
        long passes = 1;
        while (true) {
            elapsed = max(runC(exe, vectors, passes, 1));
            if (elapsed >= seconds / 4) {
                break;
            }
            passes *= 4;
        }
        long target = Math.max(1, (long) (passes * seconds / Math.max(elapsed, 1e-3)));
        double rate = 0;
        for (double e : runC(exe, vectors, target, processes)) {
            rate += target * (double) sequences / e;
        }
        return rate;
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElseThrow();
    }

    /** Each copy's own time for {@code passes} passes, the copies started together. */
    private static double[] runC(Path exe, String vectors, long passes, int processes) {
        List<Thread> threads = new ArrayList<>();
        double[] elapsed = new double[processes];
        RuntimeException[] failed = new RuntimeException[1];
        for (int p = 0; p < processes; p++) {
            int slot = p;
            Thread t = new Thread(() -> {
                Toolchain.Run r = Toolchain.run(exe.getParent(), List.of(exe.toString(), vectors, Long.toString(passes)), 1800);
                Matcher m = Pattern.compile("in ([0-9.]+) s").matcher(r.output());
                if (r.exitCode() != 0 || !m.find()) {
                    failed[0] = new IllegalStateException("bench run of " + exe + " failed: " + r.output());
                    return;
                }
                elapsed[slot] = Double.parseDouble(m.group(1));
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        return elapsed;
    }
}
