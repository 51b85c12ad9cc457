package kquant.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import kquant.AtomicFiles;
import kquant.KquantException;
import kquant.Numbers;
import kquant.data.Sequences;
import kquant.diagnose.TraceFormat;
import kquant.engine.Engine;
import kquant.engine.FixedEngine;
import kquant.engine.Trace;
import kquant.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "trace",
        mixinStandardHelpOptions = true,
        header = "Print every intermediate of one sequence, to compare with your own port.",
        description = {
            "Prints every intermediate of one sequence, timestep by timestep and layer by layer: the input,",
            "each recurrent layer's input part x·W, recurrent part h·U, bias, pre-activation and new state (for",
            "an LSTM every gate's pre-activation and value, i f g o, then the cell c, act(c) and h; for a GRU",
            "z, r, the reset product, hh and h), and every later layer's output. Compare it line by line with",
            "your own port's printout.",
            "",
            "Examples:",
            "  kquant trace calibration/demo/model.h5 --data calibration/demo/test_X.npy --sample 0",
            "  kquant trace calibration/demo/model.h5 --data calibration/demo/test_X.npy --sample 0 --format c > expected.h"})
final class TraceCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Mixin
    NormalizationArgs normalization;

    @Option(names = "--data", required = true, paramLabel = "X", description = "The samples.")
    String data;

    @Option(names = "--sample", defaultValue = "0", paramLabel = "I", description = "Which sample, from 0. Default: ${DEFAULT-VALUE}.")
    int sample;

    @Option(names = "--engine", defaultValue = "float32", paramLabel = "ENGINE", description = "float32, float64, q15, q7 or a16w8. Default: ${DEFAULT-VALUE}.")
    String engineName;

    @Option(names = "--calibration", paramLabel = "CAL", description = "For an integer engine.")
    Path calibration;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "FORMAT", description = "csv, json, or c (C array literals). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of the terminal.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Model model = normalization.apply(modelArgs.load());
        Sequences x = normalization.load(data, model, spec.commandLine().getErr());
        if (sample < 0 || sample >= x.count()) {
            throw KquantException.of("--sample %d: %s has samples 0 to %d", sample, data, x.count() - 1);
        }
        Model m = model.withTimesteps(x.timesteps());
        Engine engine = Engines.create(engineName, m, calibration, spec.commandLine().getErr(), normalization);
        Trace trace;
        Map<String, int[][]> codes = null;
        if (engine instanceof FixedEngine f) {
            FixedEngine.Result r = f.run(x.sample(sample), true);
            trace = r.trace();
            codes = r.codes();
        } else {
            trace = engine.trace(x.sample(sample));
        }
        int digits = engineName.equals("float32") ? Numbers.FLOAT32_DIGITS : Numbers.FLOAT64_DIGITS;
        String text;
        switch (format) {
            case "csv": text = TraceFormat.csv(m, trace, digits); break;
            case "json": text = TraceFormat.json(m, trace, sample, engine.name(), digits); break;
            case "c": text = TraceFormat.c(m, trace, codes, sample, engine.name(), digits); break;
            default: throw KquantException.of("--format %s: unknown; use csv, json or c", format);
        }
        if (out != null) {
            AtomicFiles.writeString(out, text);
        } else {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        }
        return ExitCodes.OK;
    }
}
