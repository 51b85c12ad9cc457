package kquant.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import kquant.KquantException;
import kquant.data.SequenceSource;
import kquant.diagnose.ActualNumbers;
import kquant.diagnose.Loading;
import kquant.diagnose.Diff;
import kquant.diagnose.DiffText;
import kquant.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "diff",
        mixinStandardHelpOptions = true,
        header = "Find where your port's numbers part from the reference, and which known bug explains them.",
        description = {
            "Compares your own port's numbers with kquant's float32 reference: where they first part",
            "(sample, timestep, unit, both values) and the error from there on; then replays the known",
            "hand-port faults (state updated in place, Dense at every step, transposed kernels, bias missing",
            "or doubled, wrong initial state, wrong SELU, float64, raw inputs, reversed time; for LSTM and GRU",
            "also gates in another order, h and c swapped, c not carried, o·c without act(c), sigmoid against",
            "hard_sigmoid of either Keras, the other reset_after kind, the recurrent bias missing or outside",
            "r·(...), z and 1 - z swapped, one gate's kernel block transposed) and names the one that",
            "reproduces your numbers. Exit code 0 whether or not they match; 1 on bad input.",
            "",
            "Example:",
            "  kquant diff calibration/demo/model.h5 --data calibration/demo/test_X.npy --actual my_outputs.npy",
            "  kquant diff calibration/demo/model.h5 --data calibration/demo/raw/test_X.npy --actual my_states.csv \\",
            "      --what state --normalization calibration/demo/normalization.json",
            "  kquant diff lstm.h5 --data test_X.npy --actual my_cells.npy --what cell"})
final class DiffCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Option(names = "--data", required = true, paramLabel = "X", description = "The inputs your numbers came from.")
    String data;

    @Option(names = "--actual", required = true, paramLabel = "FILE",
            description = "Your outputs (N, units) or (N, T, units), or states or cells (N, T, units): .npy, or CSV as kquant trace writes it.")
    Path actual;

    @Option(names = "--what", paramLabel = "WHAT",
            description = "output, state (h of a recurrent layer) or cell (c of an LSTM). Default: output or state, whichever the file's shape fits.")
    String what;

    @Option(names = "--layer", paramLabel = "NAME",
            description = "For --what state: the recurrent layer; for --what cell: the LSTM. Default: the first.")
    String layer;

    @Option(names = "--tolerance", defaultValue = "1e-5", paramLabel = "T",
            description = "Differences up to T count as equal (float32 sums in another order differ by about 1e-6). Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Mixin
    NormalizationArgs normalization;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Model model = modelArgs.load();
        kquant.model.Normalization n = normalization.readFor(model);
        Diff.Result r;
        try (SequenceSource x = normalization.standardized(data, model);
                ActualNumbers numbers = Loading.actual(actual);
                Progress progress = Progress.start("diff", x.count())) {
            Model m = model.withTimesteps(x.timesteps());
            Diff.What w = what != null ? parse(what) : Loading.infer(m, x, numbers, actual, layer);
            Loading.checkShape(m, x, numbers, w, layer, actual);
            r = Diff.compare(m, x, numbers, w, layer, tolerance, n, progress.consumer());
            normalization.warnNarrowCodes(x, spec.commandLine().getErr());
        }
        spec.commandLine().getOut().print(DiffText.of(r, actual.getFileName().toString(), Path.of(data).getFileName().toString()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private static Diff.What parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "output": return Diff.What.OUTPUT;
            case "state": return Diff.What.STATE;
            case "cell": return Diff.What.CELL;
            default: throw KquantException.of("--what %s: unknown; use output, state or cell", s);
        }
    }
}
