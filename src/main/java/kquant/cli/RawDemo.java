package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kquant.calibrate.CalibrationFile;
import kquant.data.DataFiles;
import kquant.data.NormalizationFile;
import kquant.data.RawData;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.fixed.Scheme;
import kquant.keras.KerasLoader;
import kquant.model.Folding;
import kquant.model.Model;
import kquant.model.Shape;
import kquant.report.FoldingComparison;
import picocli.CommandLine;

/**
 * The demo's raw-I/O step: the seed model with its normalization folded in, reading Seattle weather in
 * the CSV's units (as int16 codes) and giving the next day's weather in the same units. Calibrates
 * each scheme on the raw 2012-2014 windows, exports it, compiles it and checks it bit for bit on 10,000
 * sequences, writes the report in physical units, and prints each scheme with and without folding.
 */
final class RawDemo {

    private final CommandLine root;
    private final PrintWriter out;
    private final Path demo;
    private final Path calibrations;
    private final Path reports;

    RawDemo(CommandLine root, PrintWriter out, Path demo, Path calibrations, Path reports) {
        this.root = root;
        this.out = out;
        this.demo = demo;
        this.calibrations = calibrations;
        this.reports = reports;
    }

    private String path(String file) {
        return demo.resolve(file).toString();
    }

    private Path calibration(Scheme s) {
        return calibrations.resolve("demo-raw-" + s.cliName() + ".json");
    }

    /** Runs the step; the exit code of the first command that fails, else 0. */
    int run() {
        int code = ExitCodes.OK;
        for (Scheme s : Scheme.values()) {
            String[] args = {"calibrate", path("model.h5"), "--normalization", path("normalization-codes.json"), "--data",
                path("raw/train_X.npy"), "--scheme", s.cliName(), "--method", "search", "--headroom", Integer.toString(DemoCommand.headroom(s)),
                "--out", calibration(s).toString()};
            code = code == ExitCodes.OK ? command("raw codes: calibrate " + s.cliName() + " with the normalization folded in", args) : code;
        }
        for (Scheme s : Scheme.values()) {
            code = code == ExitCodes.OK ? exportAndCheck(s) : code;
        }
        if (code == ExitCodes.OK) {
            List<String> args = new ArrayList<>(List.of("report", path("model.h5"), "--normalization", path("normalization-codes.json")));
            for (Scheme s : Scheme.values()) {
                args.addAll(List.of("--calibration", calibration(s).toString()));
            }
            args.addAll(List.of("--data", path("raw/test_X.npy"), "--targets", path("raw/test_Y.npy"), "--out",
                    reports.resolve("demo-raw").toString()));
            code = command("raw codes: report in physical units on 2015", args.toArray(new String[0]));
        }
        if (code == ExitCodes.OK) {
            compare();
        }
        return code;
    }

    private int exportAndCheck(Scheme s) {
        Path folder = reports.resolve("demo-c-raw-" + s.cliName());
        String prefix = "demo_raw_" + s.cliName();
        int code = command("raw codes: export " + s.cliName() + " to C, compile, and check against the Java integer engine",
                "export", path("model.h5"), "--normalization", path("normalization-codes.json"), "--calibration", calibration(s).toString(),
                "--out", folder.toString(), "--prefix", prefix, "--vectors", path("raw/test_X.npy"), "--force", "--target", "cortex-m4");
        return code != ExitCodes.OK ? code : DemoCommand.compileAndCheck(folder, prefix, out);
    }

    /** Each scheme with and without folding, on the 2015 windows: SQNR against float32 and the task error per output. */
    private void compare() {
        section("raw codes: with and without folding, on the 2015 windows (SQNR in standardized units; errors against the true "
                + "next-day values)", null);
        Model model = KerasLoader.load(demo.resolve("model.h5"));
        NormalizationFile n = NormalizationFile.read(demo.resolve("normalization-codes.json"));
        Folding f = Folding.of(model, n.normalization());
        Sequences test = DataFiles.load(path("test_X.npy"), model.inputShape());
        Sequences raw;
        try (SequenceSource s = RawData.of(DataFiles.open(path("raw/test_X.npy"), model.inputShape()), f.units())) {
            raw = Sequences.load(s);
        }
        Sequences y = DataFiles.load(path("raw/test_Y.npy"), Shape.vector(n.normalization().outputs().size()));
        double[][][] truth = new double[y.count()][][];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = y.sample(i);
        }
        List<FoldingComparison.Row> rows = new ArrayList<>(List.of(FoldingComparison.float32(model, test, truth, n.normalization())));
        for (Scheme s : Scheme.values()) {
            rows.add(FoldingComparison.unfolded(s.cliName(), model, CalibrationFile.read(calibrations.resolve("demo-" + s.cliName() + ".json"),
                    model).formats(), test, truth, n.normalization()));
            rows.add(FoldingComparison.folded(s.cliName() + " folded", f, CalibrationFile.read(calibration(s), model, f, n).formats(), raw, truth));
        }
        FoldingComparison.print(out, rows, n.normalization());
    }

    private int command(String title, String... args) {
        section(title, "kquant " + String.join(" ", args));
        return root.execute(args);
    }

    private void section(String title, String command) {
        DemoCommand.section(out, title, command);
    }
}
