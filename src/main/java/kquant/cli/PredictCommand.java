package kquant.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import kquant.AtomicFiles;
import kquant.KquantException;
import kquant.Numbers;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.engine.Batch;
import kquant.engine.Engine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.engine.Trace;
import kquant.engine.TraceCsv;
import kquant.model.Model;
import kquant.model.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "predict",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the model on every sample of X and writes the outputs as .npy:",
            "(N, units) for a last-step output, (N, T, units) for a returned sequence.",
            "X is .npy (N, T, F), CSV (one sample per row, T*F values), or file.h5:/dataset.",
            "",
            "Example:",
            "  kquant predict calibration/demo/model.h5 --data calibration/demo/test_X.npy \\",
            "      --out reports/demo-y.npy --trace reports/demo-trace"})
final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Option(names = "--data", required = true, paramLabel = "X", description = "Input samples.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "Y.npy", description = "Where to write the outputs.")
    Path out;

    @Option(names = "--engine", defaultValue = "float32", paramLabel = "ENGINE",
            description = "float32 (as Keras computes) or float64. Default: ${DEFAULT-VALUE}.")
    String engineName;

    @Option(names = "--trace", paramLabel = "DIR", description = "Also write every intermediate, per timestep, as CSV files in DIR.")
    Path traceDir;

    @Option(names = "--force", description = "Replace an existing, non-empty trace folder.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Model model = modelArgs.load();
        Sequences x = DataFiles.load(data, model.inputShape());
        Precision precision = precision(engineName);
        Engine engine = new FloatEngine(model.withTimesteps(x.timesteps()), precision);
        double[][][] y = Batch.run(engine, x, true);
        int digits = precision == Precision.FLOAT32 ? Numbers.FLOAT32_DIGITS : Numbers.FLOAT64_DIGITS;
        if (traceDir != null) {
            List<Trace> traces = new ArrayList<>(IntStream.range(0, x.count()).parallel()
                    .mapToObj(i -> engine.trace(x.sample(i))).toList());
            AtomicFiles.writeFolder(traceDir, force, folder -> TraceCsv.write(folder, traces, digits, ""));
        }
        Shape outShape = model.withTimesteps(x.timesteps()).outputShape();
        int[] shape = outShape.sequence()
                ? new int[] {x.count(), y[0].length, outShape.features()}
                : new int[] {x.count(), outShape.features()};
        Npy.Dtype dtype = precision == Precision.FLOAT32 ? Npy.Dtype.FLOAT32 : Npy.Dtype.FLOAT64;
        AtomicFiles.write(out, stream -> Npy.write(stream, dtype, shape, Batch.flatten(y)));
        spec.commandLine().getOut().printf("wrote %s: %d samples, shape %s, engine %s%n", out, x.count(),
                java.util.Arrays.toString(shape), engine.name());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    static Precision precision(String name) {
        switch (name) {
            case "float32": return Precision.FLOAT32;
            case "float64": return Precision.FLOAT64;
            default: throw KquantException.of("--engine %s: unknown engine; use float32 or float64", name);
        }
    }
}
