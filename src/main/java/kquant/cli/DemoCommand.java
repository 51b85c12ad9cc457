package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kquant.KquantException;
import java.util.concurrent.Callable;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.calibrate.Method;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.engine.Blocks;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.engine.SideBySide;
import kquant.export.Toolchain;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.target.TargetCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo",
        mixinStandardHelpOptions = true,
        header = "Calibrate, export, compile-check and report the bundled demo models.",
        description = {
            "Runs the main job on each bundled demo model: SimpleRNN(48, selu) + Dense(4), LSTM(32) + Dense(4) and",
            "GRU(32, reset_after) + Dense(4), all trained on the same Seattle weather windows. For each it",
            "checks the float engine against the reference outputs, compares the calibration methods,",
            "calibrates q15, q7 and a16w8 with the search method, exports each to C (reports/demo-c-<scheme>/,",
            "reports/demo-lstm-c-<scheme>/, ...),",
            "compiles it with the host compiler under -Wall -Wextra -Wpedantic -Wconversion -Werror, checks it",
            "bit for bit against the Java integer engine on 10000 sequences (and on an emulated Cortex-M4 through",
            "the DSP and the portable path, where arm-none-eabi-gcc and qemu-system-arm are installed), and",
            "writes the error report (reports/demo/, reports/demo-lstm/, reports/demo-gru/).",
            "",
            "Examples (from the repository root):",
            "  kquant demo",
            "  kquant demo --model gru"})
final class DemoCommand implements Callable<Integer> {

    /** The float32 engine must reproduce the bundled reference outputs to this (SOURCES.md). */
    static final double REFERENCE_TOLERANCE = 1e-5;

    /**
     * Activation headroom per scheme. 2015's states go 14% past 2012-2014's largest, so Q15 and
     * A16W8, which have bits to spare, keep one bit of headroom; Q7 has none to spare, and clipping
     * the rare large values costs it less than a bit of precision everywhere.
     */
    static int headroom(Scheme s) {
        return s == Scheme.Q7 ? 0 : 1;
    }

    @Option(names = "--demo-dir", defaultValue = "calibration/demo", paramLabel = "DIR", description = "The bundled demo. Default: ${DEFAULT-VALUE}.")
    Path demoDir;

    @Option(names = "--model", defaultValue = "all", paramLabel = "MODEL",
            description = "simplernn, lstm, gru, or all of them in that order. Default: ${DEFAULT-VALUE}.")
    String modelName;

    @Option(names = "--calibrations", defaultValue = "calibration", paramLabel = "DIR", description = "Where calibration files go. Default: ${DEFAULT-VALUE}.")
    Path calibrations;

    @Option(names = "--reports", defaultValue = "reports", paramLabel = "DIR", description = "Where outputs go. Default: ${DEFAULT-VALUE}.")
    Path reports;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private CommandLine root;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        root = spec.commandLine().getParent();
        List<String> names = modelName.equals("all") ? DemoPaths.MODELS : List.of(modelName);
        if (!DemoPaths.MODELS.containsAll(names)) {
            throw KquantException.of("--model %s: unknown; use simplernn, lstm, gru or all", modelName);
        }
        int code = ExitCodes.OK;
        for (String name : names) {
            if (code == ExitCodes.OK) {
                code = run(DemoPaths.of(demoDir, name));
            }
            // the seed model once more, reading raw weather codes: folding needs its float calibrations
            if (code == ExitCodes.OK && name.equals("simplernn")) {
                code = new RawDemo(root, out, demoDir, calibrations, reports).run();
            }
        }
        out.flush();
        return code;
    }

    /** The whole job on one demo model. */
    private int run(DemoPaths demo) throws Exception {
        out.println();
        out.println("######## demo model: " + demo.name() + " (" + demo.model() + ")");
        Model model = KerasLoader.load(demo.model());
        Sequences test = DataFiles.load(demo.testX().toString(), model.inputShape());
        section("inspect", "kquant inspect " + demo.model());
        int code = root.execute("inspect", demo.model().toString());
        if (code == ExitCodes.OK) {
            code = checkFloatEngine(model, test, demo);
        }
        if (code == ExitCodes.OK) {
            compareMethods(model, test, demo);
        }
        for (Scheme scheme : Scheme.values()) {
            if (code == ExitCodes.OK) {
                code = calibrate(scheme, demo);
            }
        }
        for (Scheme scheme : Scheme.values()) {
            if (code == ExitCodes.OK) {
                code = exportAndCheck(scheme, demo);
            }
        }
        if (code == ExitCodes.OK) {
            code = report(demo);
        }
        return code;
    }

    private Path calibrationFile(DemoPaths demo, Scheme scheme) {
        return calibrations.resolve(demo.stem() + "-" + scheme.cliName() + ".json");
    }

    /** Exports one scheme's C with test vectors, compiles it with the host compiler and runs the check. */
    private int exportAndCheck(Scheme scheme, DemoPaths demo) {
        Path folder = reports.resolve(demo.stem() + "-c-" + scheme.cliName());
        String prefix = demo.prefix(scheme.cliName());
        String[] args = {"export", demo.model().toString(), "--calibration", calibrationFile(demo, scheme).toString(),
            "--out", folder.toString(), "--prefix", prefix, "--vectors", demo.testX().toString(), "--force", "--target", "cortex-m4"};
        section("export " + scheme.cliName() + " to C, compile, and check against the Java integer engine", "kquant " + String.join(" ", args));
        int code = root.execute(args);
        if (code != ExitCodes.OK) {
            return code;
        }
        return compileAndCheck(folder, prefix, out);
    }

    /**
     * Builds an export's checking main with the host compiler and runs it, then on the emulated
     * Cortex-M4 through both C paths (TargetCheck, skipped with a message where its tools are missing).
     */
    static int compileAndCheck(Path folder, String prefix, PrintWriter out) {
        java.util.Optional<Path> cc = Toolchain.hostCompiler();
        if (cc.isEmpty()) {
            out.println("no C compiler (gcc, cc or clang) on the PATH: the compile check is skipped");
            return ExitCodes.OK;
        }
        Path exe = Toolchain.buildTest(cc.get(), folder, prefix, java.util.List.of("-O2"));
        out.printf("$ %s %s -O2 (compiled without a warning)%n", cc.get().getFileName(), String.join(" ", Toolchain.STRICT));
        Toolchain.Run run = Toolchain.runTest(exe, prefix);
        out.print(run.output());
        out.flush();
        return run.exitCode() == 0 && TargetCheck.demo(folder, prefix, out) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private int checkFloatEngine(Model model, Sequences test, DemoPaths demo) {
        section("float32 engine against the reference outputs computed outside Java (" + demo.referenceY().getFileName() + ")", null);
        double[][][] y = Blocks.outputs(new FloatEngine(model.withTimesteps(test.timesteps())), test);
        Sequences ref;
        try (SequenceSource s = Npy.open(demo.referenceY())) {
            ref = Sequences.load(s);
        }
        double maxErr = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y[i][0].length; j++) {
                maxErr = Math.max(maxErr, Math.abs(y[i][0][j] - ref.value(i, 0, j)));
            }
        }
        out.printf(Locale.ROOT, "max abs error %.2e over %d test windows (tolerance %.0e): %s%n", maxErr, test.count(),
                REFERENCE_TOLERANCE, maxErr <= REFERENCE_TOLERANCE ? "OK" : "MISMATCH");
        return maxErr <= REFERENCE_TOLERANCE ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Every method for every scheme, calibrated on 2012-2014 and measured on 2015 against the float engine. */
    private void compareMethods(Model model, Sequences test, DemoPaths demo) {
        section("calibration methods: output SQNR on the 2015 test windows (calibrated on 2012-2014)", null);
        out.printf("%-8s %-9s", "scheme", "headroom");
        for (Method m : Method.values()) {
            out.printf(" %12s", m.cliName());
        }
        out.println();
        FloatEngine reference = new FloatEngine(model.withTimesteps(test.timesteps()));
        for (Scheme s : Scheme.values()) {
            out.printf("%-8s %-9s", s.cliName(), headroom(s) + " bit");
            for (Method m : Method.values()) {
                Calibration c;
                try (SequenceSource train = DataFiles.open(demo.trainX().toString(), model.inputShape())) {
                    c = Calibrator.calibrate(model, train, Calibrator.Options.defaults(s).withMethod(m).withHeadroom(headroom(s)), null);
                }
                SideBySide.Result r = SideBySide.compare(reference,
                        new FixedEngine(new QuantizedModel(model.withTimesteps(test.timesteps()), c.formats())), test);
                out.printf(Locale.ROOT, " %9.1f dB", r.output().sqnrDb());
            }
            out.println();
            out.flush();
        }
    }

    private int calibrate(Scheme scheme, DemoPaths demo) {
        Path cal = calibrationFile(demo, scheme);
        String[] args = {"calibrate", demo.model().toString(), "--data", demo.trainX().toString(), "--scheme", scheme.cliName(),
            "--method", "search", "--headroom", Integer.toString(headroom(scheme)), "--out", cal.toString()};
        section("calibrate " + scheme.cliName() + " with the search method", "kquant " + String.join(" ", args));
        return root.execute(args);
    }

    private int report(DemoPaths demo) {
        List<String> args = new ArrayList<>(List.of("report", demo.model().toString()));
        for (Scheme scheme : Scheme.values()) {
            args.add("--calibration");
            args.add(calibrationFile(demo, scheme).toString());
        }
        args.addAll(List.of("--data", demo.testX().toString(), "--targets", demo.testY().toString(), "--out",
                reports.resolve(demo.stem()).toString()));
        section("report: float against q15, q7 and a16w8 on 2015", "kquant " + String.join(" ", args));
        int code = root.execute(args.toArray(new String[0]));
        if (code == ExitCodes.OK) {
            out.printf("open %s in a browser%n", reports.resolve(demo.stem()).resolve("index.html"));
        }
        return code;
    }

    private void section(String title, String command) {
        section(out, title, command);
    }

    /** A titled step of the demo's output, with the command it runs when there is one (RawDemo too). */
    static void section(PrintWriter out, String title, String command) {
        out.println();
        out.println("== " + title);
        if (command != null) {
            out.println("$ " + command);
        }
        out.flush();
    }
}
