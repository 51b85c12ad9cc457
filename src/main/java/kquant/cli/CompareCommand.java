package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import kquant.data.SequenceSource;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.engine.SideBySide;
import kquant.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "compare",
        mixinStandardHelpOptions = true,
        header = "Print float32 against integer error, SQNR and saturations per tensor and timestep.",
        description = {
            "Runs the float32 engine and an integer engine side by side on X and prints, per tensor and",
            "per timestep, the RMS and largest error, the SQNR, and the saturation counts.",
            "(`kquant report` draws the same in an HTML page.)",
            "",
            "Example:",
            "  kquant compare calibration/demo/model.h5 --data calibration/demo/test_X.npy \\",
            "      --calibration calibration/demo-q15.json"})
final class CompareCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Mixin
    NormalizationArgs normalization;

    @Option(names = "--data", required = true, paramLabel = "X", description = "Samples to compare on (the test data).")
    String data;

    @Option(names = "--calibration", required = true, paramLabel = "CAL", description = "A calibration file; repeat to compare several.")
    List<Path> calibrations;

    @Spec
    CommandSpec spec;

    /** SQNR for people: "exact" without error, "-" without signal either. */
    static String decibels(double db) {
        if (Double.isNaN(db)) {
            return "-";
        }
        return Double.isInfinite(db) ? "exact" : String.format(Locale.ROOT, "%.1f", db);
    }

    @Override
    public Integer call() {
        Model model = normalization.apply(modelArgs.load());
        PrintWriter out = spec.commandLine().getOut();
        try (SequenceSource x = normalization.open(data, model)) {
            Model m = model.withTimesteps(x.timesteps());
            List<FixedEngine> engines = new ArrayList<>();
            for (Path cal : calibrations) {
                engines.add(Engines.fixedEngine(m, cal, null, spec.commandLine().getErr(), normalization));
            }
            List<SideBySide.Result> results;
            try (Progress progress = Progress.start("compare", x.count())) {
                results = SideBySide.compare(new FloatEngine(m), engines, x, null, null, progress.consumer());
            }
            for (int i = 0; i < engines.size(); i++) {
                print(out, calibrations.get(i), engines.get(i), results.get(i), x.count());
            }
            normalization.warnNarrowCodes(x, spec.commandLine().getErr());
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void print(PrintWriter out, Path cal, FixedEngine fixed, SideBySide.Result r, int samples) {
        out.printf(Locale.ROOT, "%s (%s) against float32 on %s, %d samples: output SQNR %.1f dB, max abs error %.3g, %d saturations%n",
                cal, fixed.name(), data, samples, r.output().sqnrDb(), r.output().maxAbs(), r.saturations().total());
        out.printf("%-28s %6s %12s %12s %10s %12s%n", "tensor", "step", "rms error", "max error", "SQNR dB", "saturations");
        for (SideBySide.TensorError e : r.errors().values()) {
            long[] sats = r.saturations().perStep().getOrDefault(e.tensor(), new long[0]);
            for (int t = 0; t < e.steps(); t++) {
                out.printf(Locale.ROOT, "%-28s %6d %12.4g %12.4g %10s %12s%n", t == 0 ? e.tensor() : "", t, e.rms(t), e.maxAbs(t),
                        decibels(e.sqnrDb(t)), t < sats.length ? Long.toString(sats[t]) : "-");
            }
        }
        out.println();
    }
}
