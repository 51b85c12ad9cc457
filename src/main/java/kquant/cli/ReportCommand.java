package kquant.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import kquant.KquantException;
import kquant.Version;
import kquant.calibrate.Calibration;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;
import kquant.model.Model;
import kquant.model.Shape;
import kquant.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "report",
        mixinStandardHelpOptions = true,
        header = "Write the HTML error report: float against integer engines, per timestep and tensor.",
        description = {
            "Writes an HTML report of float against integer engines: error per timestep for every recurrent state",
            "and the output, outputs over the samples, tensor histograms with the formats' ranges, activation",
            "kernel errors, saturation counts, and a plain-language summary; plus metrics.json and CSV files.",
            "",
            "Example:",
            "  kquant report calibration/demo/model.h5 --calibration calibration/demo-q15.json \\",
            "      --calibration calibration/demo-q7.json --data calibration/demo/test_X.npy \\",
            "      --targets calibration/demo/test_Y.npy --out reports/demo",
            "  kquant report calibration/demo/model.h5 --normalization calibration/demo/normalization-codes.json \\",
            "      --calibration calibration/demo-raw-q15.json --data calibration/demo/raw/test_X.npy \\",
            "      --targets calibration/demo/raw/test_Y.npy --out reports/demo-raw"})
final class ReportCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Mixin
    NormalizationArgs normalization;

    @Option(names = "--calibration", required = true, paramLabel = "CAL", description = "A calibration file; repeat to show several side by side.")
    List<Path> calibrations;

    @Option(names = "--data", required = true, paramLabel = "X", description = "Samples to run (the test data).")
    String data;

    @Option(names = "--targets", paramLabel = "Y", description = "The true outputs for X, to show the task error too (with --normalization: in physical units, "
        + "and the report shows every output in them).")
    String targets;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The report folder, e.g. reports/NAME.")
    Path out;

    @Option(names = "--force", description = "Replace DIR even if it holds something other than a kquant report.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Model model = normalization.apply(modelArgs.load());
        List<String> summary;
        try (SequenceSource x = normalization.open(data, model); SequenceSource y = targets == null ? null : targets(model, x)) {
            Model m = model.withTimesteps(x.timesteps());
            Map<Path, Calibration> cals = new LinkedHashMap<>();
            for (Path c : calibrations) {
                cals.put(c, normalization.calibration(c, m));
                Engines.warnIfLonger(cals.get(c), m, spec.commandLine().getErr());
            }
            try (Progress progress = Progress.start("report", x.count())) {
                summary = Report.write(out, force, m, normalization.units(), x, y, cals,
                        new Report.Context(m.source().file(), Path.of(data).getFileName().toString(), "kquant " + Version.get()),
                        progress.consumer());
            }
            normalization.warnNarrowCodes(x, spec.commandLine().getErr());
        }
        for (String s : summary) {
            spec.commandLine().getOut().println(s);
        }
        spec.commandLine().getOut().printf("wrote %s/index.html, metrics.json and data/*.csv%n", out);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The true outputs, opened for streaming beside the data. */
    private SequenceSource targets(Model model, SequenceSource x) {
        Shape outputShape = model.withTimesteps(x.timesteps()).outputShape();
        SequenceSource t;
        try {
            t = DataFiles.open(targets, outputShape);
        } catch (KquantException e) {
            throw KquantException.of("%s: the targets do not fit the model's outputs %s per sample (%s)", targets, outputShape,
                    e.getMessage().replaceFirst("^.*?: ", ""));
        }
        if (t.count() != x.count()) {
            t.close();
            throw KquantException.of("%s: %d targets for %d samples", targets, t.count(), x.count());
        }
        return t;
    }
}
