package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import kquant.calibrate.AccumulatorPolicy;
import kquant.calibrate.Calibration;
import kquant.calibrate.CellGrowth;
import kquant.calibrate.CalibrationFile;
import kquant.calibrate.Calibrator;
import kquant.calibrate.FoldedCalibration;
import kquant.calibrate.Method;
import kquant.data.DataFiles;
import kquant.data.RawData;
import kquant.data.SequenceSource;
import kquant.fixed.AccumulatorWidth;
import kquant.fixed.ActivationKernel;
import kquant.fixed.QDense;
import kquant.fixed.QLayer;
import kquant.fixed.QGru;
import kquant.fixed.QLstm;
import kquant.fixed.QSimpleRnn;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "calibrate",
        mixinStandardHelpOptions = true,
        header = "Pick every tensor's number format from data; write a calibration file.",
        description = {
            "Picks every tensor's number format from the data and writes a calibration file.",
            "",
            "Example:",
            "  kquant calibrate calibration/demo/model.h5 --data calibration/demo/train_X.npy \\",
            "      --scheme q15 --method search --out calibration/demo-q15.json",
            "  kquant calibrate calibration/demo/model.h5 --data calibration/demo/raw/train_X.npy \\",
            "      --normalization calibration/demo/normalization-codes.json --scheme q15 --method search --headroom 1 \\",
            "      --out calibration/demo-raw-q15.json"})
final class CalibrateCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Mixin
    NormalizationArgs normalization;

    @Option(names = "--data", required = true, paramLabel = "X", description = "Calibration samples (the training data).")
    String data;

    @Option(names = "--scheme", defaultValue = "q15", paramLabel = "SCHEME",
            description = "q15 (int16), q7 (int8), or a16w8 (int8 weights, int16 activations). Default: ${DEFAULT-VALUE}.")
    String scheme;

    @Option(names = "--method", defaultValue = "maxabs", paramLabel = "METHOD", description = "maxabs: hold the largest magnitude seen; percentile: hold the --percentile of magnitudes; mse: "
        + "smallest expected rounding + clipping error; search: start from the best of those on held-out "
        + "data and move single tensors' formats while the output error falls. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--percentile", defaultValue = "99.99", paramLabel = "P", description = "For percentile: the share of magnitudes to hold, in percent. Default: ${DEFAULT-VALUE}.")
    double percentile;

    @Option(names = "--holdout", defaultValue = "-1", paramLabel = "FRACTION",
            description = "Hold out the last FRACTION of the samples to measure the output error (search: default 0.2; others: 0).")
    double holdout;

    @Option(names = "--headroom", defaultValue = "0", paramLabel = "BITS",
            description = "Give activations this many bits more range than the data needs. Default: ${DEFAULT-VALUE}.")
    int headroom;

    @Option(names = "--per-unit", description = "One format per output unit for each weight matrix and bias, instead of one per tensor.")
    boolean perUnit;

    @Option(names = "--accumulator", defaultValue = "auto", paramLabel = "POLICY",
            description = "auto: int32 where proved safe, int64 elsewhere; int32: coarsen weights until int32 is proved everywhere. Default: ${DEFAULT-VALUE}.")
    String accumulator;

    @Option(names = "--table-error", defaultValue = "1.0", paramLabel = "LSB",
            description = "Largest error an int16 activation table may have, in LSB of its output. Default: ${DEFAULT-VALUE}.")
    double tableError;

    @Option(names = "--out", required = true, paramLabel = "CAL.json", description = "Where to write the calibration.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Model model = normalization.apply(modelArgs.load());
        Calibrator.Options options = new Calibrator.Options(Scheme.parse(scheme), Method.parse(method), percentile, holdout,
                headroom, perUnit, AccumulatorPolicy.parse(accumulator), tableError);
        Calibration c;
        try (SequenceSource source = normalization.input(DataFiles.open(data, model.inputShape()));
                Progress progress = Progress.start("calibrating", source.count())) {
            c = Calibrator.calibrate(model, source, options, progress.consumer());
            if (normalization.given()) {
                c = FoldedCalibration.finish(c, (RawData) source, normalization.normalizationFile(), normalization.folding(),
                        spec.commandLine().getErr());
            }
        }
        QuantizedModel q = new QuantizedModel(model.withTimesteps(c.data().timesteps()), c.formats());
        CalibrationFile.write(out, c, q);
        print(spec.commandLine().getOut(), c, q);
        spec.commandLine().getOut().printf("wrote %s%n", out);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    static void print(PrintWriter out, Calibration c, QuantizedModel q) {
        out.printf("%s calibrated for %s with %s on %s (%d samples)%n", c.model().file(), c.scheme().cliName(),
                c.method().name() + c.method().params(), c.data().file(), c.data().samples());
        out.printf("%-28s %-14s %s%n", "tensor", "format", "why");
        for (Calibration.Choice t : c.tensors().values()) {
            String f = t.format().isPerUnit() ? "Q" + t.format().min() + "..Q" + t.format().max() : "Q" + t.format().bits();
            out.printf("%-28s %-14s %s%n", t.name(), f, t.reason());
        }
        for (QLayer l : q.layers()) {
            if (l instanceof QSimpleRnn r) {
                out.printf("accumulator %s x·W: %s; h·U: %s%n", l.name(), width(r.kernel().width()), width(r.recurrent().width()));
            } else if (l instanceof QLstm r) {
                out.printf("accumulator %s x·W: %s; h·U: %s%n", l.name(), width(r.kernel().width()), width(r.recurrent().width()));
            } else if (l instanceof QGru r) {
                out.printf("accumulator %s x·W: %s; h·U: %s%n", l.name(), width(r.kernel().width()), width(r.recurrent().width()));
            } else if (l instanceof QDense d) {
                out.printf("accumulator %s x·V: %s%n", l.name(), width(d.kernel().width()));
            }
        }
        for (var e : q.activationKernels().entrySet()) {
            ActivationKernel k = e.getValue();
            out.printf("activation %s: %s%n", e.getKey(), k.describe());
        }
        for (CellGrowth g : CellGrowth.of(c)) {
            out.printf("cell %s%n", g.describe());
        }
    }

    private static String width(AccumulatorWidth w) {
        return String.format(Locale.ROOT, "%s (largest possible sum 2^%.1f)", w.cName(), Math.log(Math.max(1, w.bound())) / Math.log(2));
    }
}
