package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.engine.Batch;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
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
            "inspects the model and checks the float engine against the reference outputs.",
            "",
            "Example (from the repository root):",
            "  kquant demo"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--demo-dir", defaultValue = "calibration/demo", paramLabel = "DIR", description = "The bundled demo. Default: ${DEFAULT-VALUE}.")
    Path demoDir;

    @Option(names = "--reports", defaultValue = "reports", paramLabel = "DIR", description = "Where outputs go. Default: ${DEFAULT-VALUE}.")
    Path reports;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoPaths demo = new DemoPaths(demoDir, reports);
        PrintWriter out = spec.commandLine().getOut();
        CommandLine root = spec.commandLine().getParent();

        out.println("== inspect");
        out.flush();
        int code = root.execute("inspect", demo.model.toString());
        if (code != ExitCodes.OK) {
            return code;
        }

        out.println();
        out.println("== predict (float32) and compare with the bundled reference outputs");
        out.flush();
        Path predictions = reports.resolve("demo").resolve("predictions_float32.npy");
        code = root.execute("predict", demo.model.toString(), "--data", demo.testX.toString(), "--out", predictions.toString());
        if (code != ExitCodes.OK) {
            return code;
        }
        Model model = new ModelArgsOf(demo.model).load();
        Sequences x = DataFiles.load(demo.testX.toString(), model.inputShape());
        double[][][] y = Batch.run(new FloatEngine(model, Precision.FLOAT32), x, true);
        Sequences reference;
        try (SequenceSource s = Npy.open(demo.referenceY)) {
            reference = Sequences.load(s);
        }
        double maxErr = 0;
        for (int i = 0; i < x.count(); i++) {
            for (int j = 0; j < y[i][0].length; j++) {
                maxErr = Math.max(maxErr, Math.abs(y[i][0][j] - reference.value(i, 0, j)));
            }
        }
        out.printf("float32 engine vs reference_test_Y.npy: max abs error %.2e over %d samples (tolerance 1e-5): %s%n",
                maxErr, x.count(), maxErr <= 1e-5 ? "OK" : "MISMATCH");
        out.flush();
        return maxErr <= 1e-5 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** A model argument built in code. */
    private static final class ModelArgsOf {
        private final Path model;

        ModelArgsOf(Path model) {
            this.model = model;
        }

        Model load() {
            return kquant.keras.KerasLoader.load(model);
        }
    }
}
