package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.engine.Batch;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.engine.SideBySide;
import kquant.fixed.Scheme;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the main job on the bundled demo (SimpleRNN(48, selu) + Dense(4) on Seattle weather):",
            "checks the float engine against the reference outputs, calibrates q15, q7 and a16w8 on the",
            "training windows, and measures each integer engine against the float engine on the test windows.",
            "",
            "Example (from the repository root):",
            "  kquant demo"})
final class DemoCommand implements Callable<Integer> {

    /** The float32 engine must reproduce the bundled reference outputs to this (SOURCES.md). */
    static final double REFERENCE_TOLERANCE = 1e-5;

    @Option(names = "--demo-dir", defaultValue = "calibration/demo", paramLabel = "DIR", description = "The bundled demo. Default: ${DEFAULT-VALUE}.")
    Path demoDir;

    @Option(names = "--calibrations", defaultValue = "calibration", paramLabel = "DIR", description = "Where calibration files go. Default: ${DEFAULT-VALUE}.")
    Path calibrations;

    @Option(names = "--reports", defaultValue = "reports", paramLabel = "DIR", description = "Where outputs go. Default: ${DEFAULT-VALUE}.")
    Path reports;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoPaths demo = new DemoPaths(demoDir, reports);
        PrintWriter out = spec.commandLine().getOut();
        CommandLine root = spec.commandLine().getParent();

        section(out, "inspect", "kquant inspect " + demo.model);
        int code = root.execute("inspect", demo.model.toString());
        if (code != ExitCodes.OK) {
            return code;
        }

        Model model = KerasLoader.load(demo.model);
        Sequences test = DataFiles.load(demo.testX.toString(), model.inputShape());
        section(out, "float32 engine against the reference outputs TensorFlow.js computed", null);
        double maxErr = maxAbsDifference(Batch.run(new FloatEngine(model, Precision.FLOAT32), test, true), demo.referenceY);
        out.printf(Locale.ROOT, "max abs error %.2e over %d test windows (tolerance %.0e): %s%n", maxErr, test.count(),
                REFERENCE_TOLERANCE, maxErr <= REFERENCE_TOLERANCE ? "OK" : "MISMATCH");
        if (maxErr > REFERENCE_TOLERANCE) {
            return ExitCodes.FAILED;
        }

        List<String[]> rows = new ArrayList<>();
        for (Scheme scheme : Scheme.values()) {
            Path cal = calibrations.resolve("demo-" + scheme.cliName() + ".json");
            String[] args = {"calibrate", demo.model.toString(), "--data", demo.trainX.toString(), "--scheme", scheme.cliName(),
                "--headroom", "1", "--out", cal.toString()};
            section(out, "calibrate " + scheme.cliName(), "kquant " + String.join(" ", args));
            code = root.execute(args);
            if (code != ExitCodes.OK) {
                return code;
            }
            FixedEngine fixed = Engines.fixedEngine(model, cal, scheme);
            SideBySide.Result r = SideBySide.compare(new FloatEngine(model, Precision.FLOAT32), fixed, test);
            rows.add(new String[] {scheme.cliName(), String.format(Locale.ROOT, "%.1f dB", r.output().sqnrDb()),
                String.format(Locale.ROOT, "%.2e", r.output().maxAbs()), Long.toString(r.saturations().total())});
        }
        section(out, "integer engines against the float32 engine on " + demo.testX, null);
        out.printf("%-8s %12s %16s %14s%n", "scheme", "output SQNR", "max abs error", "saturations");
        for (String[] r : rows) {
            out.printf("%-8s %12s %16s %14s%n", (Object[]) r);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void section(PrintWriter out, String title, String command) {
        out.println();
        out.println("== " + title);
        if (command != null) {
            out.println("$ " + command);
        }
        out.flush();
    }

    private static double maxAbsDifference(double[][][] y, Path reference) {
        Sequences ref;
        try (SequenceSource s = Npy.open(reference)) {
            ref = Sequences.load(s);
        }
        double max = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y[i][0].length; j++) {
                max = Math.max(max, Math.abs(y[i][0][j] - ref.value(i, 0, j)));
            }
        }
        return max;
    }
}
