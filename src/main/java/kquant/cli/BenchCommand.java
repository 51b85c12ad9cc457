package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import kquant.data.DataFiles;
import kquant.data.Sequences;
import kquant.engine.Batch;
import kquant.engine.Engine;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench",
        mixinStandardHelpOptions = true,
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Model m = KerasLoader.load(model);
        Sequences x = DataFiles.load(data, m.inputShape());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model %s, data %s: %d sequences, %d MACs each; %d cores; java %s%n", model, data, x.count(),
                m.withTimesteps(x.timesteps()).macs(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        out.printf("%-10s %18s %18s%n", "engine", "1 thread (seq/s)", "all cores (seq/s)");
        List<Engine> engines = new ArrayList<>();
        for (Precision p : Precision.values()) {
            engines.add(new FloatEngine(m.withTimesteps(x.timesteps()), p));
        }
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

    /** Median throughput over passes of the whole data set, after a warm-up of a third of the time. */
    double throughput(Engine engine, Sequences x, boolean parallel) {
        long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warmUntil) {
            Batch.run(engine, x, parallel);
        }
        double[] rates = new double[1024];
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while ((System.nanoTime() < end || n < 3) && n < rates.length) {
            long t0 = System.nanoTime();
            Batch.run(engine, x, parallel);
            rates[n++] = x.count() / ((System.nanoTime() - t0) / 1e9);
        }
        double[] r = Arrays.copyOf(rates, n);
        Arrays.sort(r);
        return r[n / 2];
    }
}
