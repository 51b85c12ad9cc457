package kquant.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import kquant.AtomicFiles;
import kquant.Numbers;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.engine.Blocks;
import kquant.engine.Samples;
import kquant.engine.Engine;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.engine.Trace;
import kquant.engine.TraceCsv;
import kquant.fixed.Storage;
import kquant.model.Model;
import kquant.model.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "predict",
        mixinStandardHelpOptions = true,
        header = "Run an engine (float32, float64, q15, q7, a16w8) on data; write outputs and traces.",
        description = {
            "Runs the model on every sample of X and writes the outputs as .npy:",
            "(N, units) for a last-step output, (N, T, units) for a returned sequence.",
            "X is .npy (N, T, F), CSV (one sample per row, T*F values), or file.h5:/dataset.",
            "",
            "Examples:",
            "  kquant predict calibration/demo/model.h5 --data calibration/demo/test_X.npy --out reports/y.npy",
            "  kquant predict calibration/demo/model.h5 --data calibration/demo/test_X.npy \\",
            "      --engine q15 --calibration calibration/demo-q15.json --out reports/y-q15.npy --trace reports/trace-q15"})
final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Option(names = "--data", required = true, paramLabel = "X", description = "Input samples.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "Y.npy", description = "Where to write the outputs.")
    Path out;

    @Option(names = "--engine", defaultValue = "float32", paramLabel = "ENGINE",
            description = "float32 (as Keras computes), float64, or an integer engine: q15, q7, a16w8. Default: ${DEFAULT-VALUE}.")
    String engineName;

    @Option(names = "--calibration", paramLabel = "CAL", description = "The calibration file an integer engine runs with.")
    Path calibration;

    @Option(names = "--raw", description = "Integer engines: write the output codes (int16/int8) instead of real values.")
    boolean raw;

    @Option(names = "--trace", paramLabel = "DIR", description = {
        "Also write every intermediate, per timestep, as CSV files in DIR.",
        "With an integer engine: both engines' values (<tensor>.float32.csv, <tensor>.q15.csv) and the codes (<tensor>.q15.codes.csv)."})
    Path traceDir;

    @Option(names = "--force", description = "Replace an existing, non-empty trace folder.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Model model = modelArgs.load();
        Sequences x = DataFiles.load(data, model.inputShape());
        Model m = model.withTimesteps(x.timesteps());
        Engine engine = Engines.create(engineName, m, calibration);
        FixedEngine fixed = engine instanceof FixedEngine f ? f : null;
        if (raw && fixed == null) {
            throw kquant.KquantException.of("--raw needs an integer engine (q15, q7 or a16w8)");
        }
        if (traceDir != null) {
            writeTraces(engine, fixed, m, x);
        }
        double[][][] y;
        if (fixed != null) {
            FixedEngine.Result[] results = new FixedEngine.Result[x.count()];
            IntStream.range(0, x.count()).parallel().forEach(i -> results[i] = fixed.run(x.sample(i), false));
            y = new double[x.count()][][];
            for (int i = 0; i < y.length; i++) {
                y[i] = raw ? toDoubles(results[i].outputCodes()) : results[i].output();
            }
        } else {
            y = Blocks.outputs(engine, x);
        }
        Shape outShape = m.outputShape();
        int[] shape = outShape.sequence()
                ? new int[] {x.count(), y[0].length, outShape.features()}
                : new int[] {x.count(), outShape.features()};
        Npy.Dtype dtype = raw ? (fixed.scheme().activations() == Storage.INT16 ? Npy.Dtype.INT16 : Npy.Dtype.INT8)
                : engineName.equals("float64") ? Npy.Dtype.FLOAT64 : Npy.Dtype.FLOAT32;
        AtomicFiles.write(out, stream -> Npy.write(stream, dtype, shape, Samples.flatten(y)));
        spec.commandLine().getOut().printf("wrote %s: %d samples, shape %s, engine %s%s%n", out, x.count(),
                Arrays.toString(shape), engine.name(), raw ? ", output codes" : "");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private void writeTraces(Engine engine, FixedEngine fixed, Model m, Sequences x) {
        if (fixed == null) {
            int digits = engineName.equals("float64") ? Numbers.FLOAT64_DIGITS : Numbers.FLOAT32_DIGITS;
            List<Trace> traces = IntStream.range(0, x.count()).parallel().mapToObj(i -> engine.trace(x.sample(i))).toList();
            AtomicFiles.writeFolder(traceDir, force, folder -> TraceCsv.write(folder, traces, digits, ""));
            return;
        }
        FloatEngine reference = new FloatEngine(m);
        List<Trace> floats = IntStream.range(0, x.count()).parallel().mapToObj(i -> reference.trace(x.sample(i))).toList();
        List<FixedEngine.Result> ints = IntStream.range(0, x.count()).parallel().mapToObj(i -> fixed.run(x.sample(i), true)).toList();
        String s = "." + fixed.name();
        AtomicFiles.writeFolder(traceDir, force, folder -> {
            TraceCsv.write(folder, floats, Numbers.FLOAT32_DIGITS, ".float32");
            TraceCsv.write(folder, ints.stream().map(FixedEngine.Result::trace).toList(), Numbers.FLOAT64_DIGITS, s);
            TraceCsv.writeCodes(folder, ints.stream().map(FixedEngine.Result::codes).toList(), s + ".codes");
        });
    }

    private static double[][] toDoubles(int[][] codes) {
        double[][] d = new double[codes.length][];
        for (int t = 0; t < codes.length; t++) {
            d[t] = Arrays.stream(codes[t]).asDoubleStream().toArray();
        }
        return d;
    }
}
