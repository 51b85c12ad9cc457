package kquant.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import kquant.AtomicFiles;
import kquant.Numbers;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.engine.Blocks;
import kquant.engine.Runner;
import kquant.engine.TraceCsv;
import kquant.engine.Engine;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.fixed.QRawIo;
import kquant.fixed.Storage;
import kquant.model.Model;
import kquant.model.RawUnits;
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

    @Mixin
    NormalizationArgs normalization;

    @Option(names = "--data", required = true, paramLabel = "X", description = "Input samples.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "Y.npy", description = "Where to write the outputs.")
    Path out;

    @Option(names = "--engine", defaultValue = "float32", paramLabel = "ENGINE",
            description = "float32 (as Keras computes), float64, or an integer engine: q15, q7, a16w8. Default: ${DEFAULT-VALUE}.")
    String engineName;

    @Option(names = "--calibration", paramLabel = "CAL", description = "The calibration file an integer engine runs with.")
    Path calibration;

    @Option(names = "--raw", description = "Integer engines: write the output codes (int16/int8) instead of real values; with "
        + "--normalization and declared output codes, the declared codes the exported C returns.")
    boolean raw;

    @Option(names = "--trace", paramLabel = "DIR", description = "Also write every intermediate, per timestep, as CSV files in DIR. With an integer engine: both "
        + "engines' values (<tensor>.float32.csv, <tensor>.q15.csv) and the codes "
        + "(<tensor>.q15.codes.csv).")
    Path traceDir;

    @Option(names = "--force", description = "Replace an existing, non-empty trace folder.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Model model = normalization.apply(modelArgs.load());
        try (SequenceSource x = normalization.open(data, model)) {
            Model m = model.withTimesteps(x.timesteps());
            Engine engine = Engines.create(engineName, m, calibration, spec.commandLine().getErr(), normalization);
            FixedEngine fixed = engine instanceof FixedEngine f ? f : null;
            if (raw && fixed == null) {
                throw kquant.KquantException.of("--raw needs an integer engine (q15, q7 or a16w8)");
            }
            OutputValue value = outputValue(fixed);
            if (traceDir != null) {
                writeTraces(engine, fixed, m, x);
            }
            Shape outShape = m.outputShape();
            int steps = outShape.sequence() ? outShape.timesteps() : 1;
            int width = steps * outShape.features();
            int[] shape = outShape.sequence() ? new int[] {x.count(), steps, outShape.features()} : new int[] {x.count(), outShape.features()};
            Storage codes = fixed == null ? null : normalization.units() != null && normalization.units().outputCodes()
                    ? new QRawIo(fixed.quantized(), normalization.units()).outputType() : fixed.scheme().activations();
            Npy.Dtype dtype = raw ? (codes == Storage.INT16 ? Npy.Dtype.INT16 : Npy.Dtype.INT8)
                    : engineName.equals("float64") ? Npy.Dtype.FLOAT64 : Npy.Dtype.FLOAT32;
            try (Progress progress = Progress.start("predict", x.count())) {
                AtomicFiles.write(out, stream -> {
                    Npy.writeHeader(stream, dtype, shape);
                    Blocks.over(x).blockSize(Blocks.LANES * 8, 32).progress(progress.consumer()).run(() -> {
                        Runner r = engine.runner(Blocks.LANES);
                        return (chunk, from, count) -> {
                            double[] y = new double[count * width];
                            Blocks.eachCall(r, chunk, from, count, null, k -> copy(r, value, y, (k - from) * width,
                                    Math.min(r.lanes(), from + count - k)), x.name(), engine.name());
                            return y;
                        };
                    }, y -> {
                        try {
                            Npy.writeValues(stream, dtype, y, 0, y.length);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                });
            }
            normalization.warnNarrowCodes(x, spec.commandLine().getErr());
            spec.commandLine().getOut().printf("wrote %s: %d samples, shape %s, engine %s%s%n", out, x.count(),
                    Arrays.toString(shape), engine.name(), raw ? ", output codes" : "");
            spec.commandLine().getOut().flush();
        }
        return ExitCodes.OK;
    }

    /** What predict writes of one output value of a runner's last run. */
    private interface OutputValue {
        double of(Runner r, int s, int t, int j);
    }

    /**
     * Real values, or the codes with --raw; with --normalization, physical values, or the declared
     * output codes with --raw (the integer engines' through {@link QRawIo}, as the exported C computes them).
     */
    private OutputValue outputValue(FixedEngine fixed) {
        RawUnits units = normalization.units();
        boolean physical = units != null && units.denormalizesOutputs();
        if (fixed == null) {
            return physical ? (r, s, t, j) -> units.physicalOutput(j, r.output(s, t, j)) : Runner::output;
        }
        QRawIo io = physical ? new QRawIo(fixed.quantized(), units) : null;
        if (raw) {
            return io != null && io.outputCodes() ? (r, s, t, j) -> io.outputCode(j, code(r, s, t, j)) : PredictCommand::code;
        }
        return io != null ? (r, s, t, j) -> io.physicalOutput(j, code(r, s, t, j)) : Runner::output;
    }

    private static int code(Runner r, int s, int t, int j) {
        return ((FixedEngine.FixedRunner) r).outputCode(s, t, j);
    }

    /** A runner's outputs for its first {@code n} lanes into {@code y} from {@code at}. */
    private static void copy(Runner r, OutputValue value, double[] y, int at, int n) {
        int steps = r.outputSteps();
        int units = r.outputUnits();
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < steps; t++) {
                for (int j = 0; j < units; j++) {
                    y[at + (s * steps + t) * units + j] = value.of(r, s, t, j);
                }
            }
        }
    }

    /**
     * Every intermediate of every sample, streamed to CSV block by block: the engine's values, and
     * for an integer engine also the float32 engine's and the codes.
     */
    private void writeTraces(Engine engine, FixedEngine fixed, Model m, SequenceSource x) {
        AtomicFiles.writeFolder(traceDir, force, folder -> {
            if (fixed == null) {
                int digits = engineName.equals("float64") ? Numbers.FLOAT64_DIGITS : Numbers.FLOAT32_DIGITS;
                try (TraceCsv.Folder files = new TraceCsv.Folder(folder, "")) {
                    stream(x, List.of(engine), List.of(new boolean[] {false}), List.of(digits), List.of(files));
                }
                return;
            }
            String s = "." + fixed.name();
            try (TraceCsv.Folder floats = new TraceCsv.Folder(folder, ".float32");
                    TraceCsv.Folder values = new TraceCsv.Folder(folder, s);
                    TraceCsv.Folder codes = new TraceCsv.Folder(folder, s + ".codes")) {
                stream(x, List.of(new FloatEngine(m), fixed, fixed), List.of(new boolean[] {false}, new boolean[] {false},
                        new boolean[] {true}), List.of(Numbers.FLOAT32_DIGITS, Numbers.FLOAT64_DIGITS, 0), List.of(floats, values, codes));
            }
        });
    }

    /** Runs each engine over the data and appends its trace rows to its folder (codes where asked), in sample order. */
    private static void stream(SequenceSource x, List<Engine> engines, List<boolean[]> codes, List<Integer> digits, List<TraceCsv.Folder> folders) {
        Blocks.over(x).blockSize(Blocks.LANES, 8).run(() -> {
            List<Runner> runners = engines.stream().map(e -> e.runner(Blocks.LANES)).toList();
            return (chunk, from, count) -> {
                List<TraceCsv.Text> texts = new java.util.ArrayList<>();
                for (int e = 0; e < engines.size(); e++) {
                    TraceCsv.Block block = new TraceCsv.Block(codes.get(e)[0], digits.get(e));
                    Blocks.eachCall(runners.get(e), chunk, from, count, block, k -> { }, x.name(), engines.get(e).name());
                    texts.add(block.render(chunk.first() + from));
                }
                return texts;
            };
        }, texts -> {
            try {
                for (int e = 0; e < texts.size(); e++) {
                    folders.get(e).append(texts.get(e));
                }
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        });
    }
}
