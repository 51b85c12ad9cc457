package kquant.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import kquant.data.DataFiles;
import kquant.data.Sequences;
import kquant.KquantException;
import kquant.keras.KerasLoader;
import kquant.target.TargetBench;
import kquant.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench",
        mixinStandardHelpOptions = true,
        header = "Measure engine, C and calibration throughput.",
        description = {
            "Measures throughput (sequences per second) on a model and data set, in one run: the float32",
            "engine beside the float64 one, and each integer engine beside its exported C at -O2, on one",
            "thread and on all cores; repeated passes over the data after a warm-up, median pass.",
            "",
            "Example (the demo model and its test windows):",
            "  kquant bench"})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "calibration/demo/model.h5", paramLabel = "MODEL", description = "Default: ${DEFAULT-VALUE}.")
    Path model;

    @Option(names = "--data", defaultValue = "calibration/demo/test_X.npy", paramLabel = "X", description = "Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S", description = "Measuring time per figure. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--calibration-gb", paramLabel = "GB", description = "Instead: write GB gigabytes of synthetic data shaped for the model to a temporary file, "
        + "calibrate on it (maxabs, streaming), and print the time and the peak heap. Run under a fixed "
        + "heap, e.g. java -Xmx256m -jar target/kquant.jar bench --calibration-gb 1")
    Double calibrationGb;

    @Option(names = "--c", description = "Instead: export each --calibration to C, build it with the host compiler at -O2, and print its "
        + "throughput beside the Java integer engine's on the same data (and instructions per inference "
        + "with --callgrind).")
    boolean c;

    @Option(names = "--calibration", paramLabel = "CAL", description = "For --c and --target: calibrations to export. Default: calibration/demo-{q15,q7,a16w8}.json.")
    List<java.nio.file.Path> calibrations;

    @Option(names = "--callgrind", description = "For --c: count instructions per inference with valgrind --tool=callgrind.")
    boolean callgrind;

    @Option(names = "--target", paramLabel = "CPU", description = "Instead: export each --calibration, build it for CPU (cortex-m4), run it on qemu-system-arm -M "
        + "mps2-an386 and count the instructions of run(), step() and output() exactly: per call, per MAC "
        + "and by function, for both C paths.")
    String target;

    @Option(names = "--sequences", defaultValue = "8", paramLabel = "N", description = "For --target: sequences to count over. Default: ${DEFAULT-VALUE}.")
    int sequences;

    @Option(names = "--fuzz", paramLabel = "N", description = "Instead: run N seeded mutations of each kind of input (the demo's files, keras-zoo's when "
        + "present) through the commands that read them, and print how each ended; exit 1 if any was not "
        + "allowed.")
    Integer fuzz;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "For --fuzz: the seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        if (calibrationGb != null) {
            CalibrationBench.run(KerasLoader.load(model), calibrationGb, spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        if (target != null) {
            if (!target.equals("cortex-m4")) {
                throw KquantException.of("--target %s: kquant counts instructions on cortex-m4 only", target);
            }
            Model m = KerasLoader.load(model);
            Sequences x = DataFiles.load(data, m.inputShape());
            TargetBench.run(m.withTimesteps(x.timesteps()), x, calibrationsOrDemo(), sequences, spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        if (fuzz != null) {
            return FuzzBench.run(spec.commandLine().getOut(), fuzz, seed);
        }
        if (c) {
            Model m = KerasLoader.load(model);
            Sequences x = DataFiles.load(data, m.inputShape());
            CBench.run(m.withTimesteps(x.timesteps()), x, calibrationsOrDemo(), callgrind, new Throughput(seconds), spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        Model m = KerasLoader.load(model);
        Sequences x = DataFiles.load(data, m.inputShape());
        EngineBench.run(m, model, data, x, new Throughput(seconds), spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    private List<java.nio.file.Path> calibrationsOrDemo() {
        return calibrations != null ? calibrations : List.of(java.nio.file.Path.of("calibration/demo-q15.json"),
                java.nio.file.Path.of("calibration/demo-q7.json"), java.nio.file.Path.of("calibration/demo-a16w8.json"));
    }
}
