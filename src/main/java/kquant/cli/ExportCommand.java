package kquant.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import kquant.KquantException;
import kquant.calibrate.Calibration;
import kquant.data.Sequences;
import kquant.export.CExporter;
import kquant.fixed.QuantizedModel;
import kquant.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export",
        mixinStandardHelpOptions = true,
        header = "Write bit-exact C99: weights, model code, test vectors and a checking main.",
        description = {
            "Writes C99 for the calibrated model into DIR: int16/int8 weight arrays with their formats,",
            "activation tables, per-layer code calling kquant's kernels, a CMakeLists.txt for add_subdirectory,",
            "and with --vectors, test vectors from the Java integer engine and a main that checks the compiled",
            "code against them.",
            "",
            "Example:",
            "  kquant export calibration/demo/model.h5 --calibration calibration/demo-q15.json \\",
            "      --out reports/demo/c-q15 --prefix demo --vectors calibration/demo/test_X.npy --target cortex-m4",
            "  make -C reports/demo/c-q15 test m4-test",
            "  kquant export calibration/demo/model.h5 --normalization calibration/demo/normalization-codes.json \\",
            "      --calibration calibration/demo-raw-q15.json --vectors calibration/demo/raw/test_X.npy --out reports/demo-c-raw-q15"})
final class ExportCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Mixin
    NormalizationArgs normalization;

    @Option(names = "--calibration", required = true, paramLabel = "CAL", description = "The calibration file (kquant calibrate).")
    Path calibration;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write.")
    Path out;

    @Option(names = "--prefix", paramLabel = "NAME", description = "Prefix of every generated name (a C identifier). Default: the model file's name.")
    String prefix;

    @Option(names = "--vectors", paramLabel = "X", description = "Samples to turn into test vectors (their codes and the expected outputs and states).")
    String vectors;

    @Option(names = "--random", paramLabel = "N", description = "Random test sequences to add, reaching past the calibrated ranges. Default: enough for 10000 in"
        + " all with --vectors.")
    Integer random;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the random test sequences. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--force", description = "Replace DIR if it exists and holds other files.")
    boolean force;

    @Option(names = "--target", paramLabel = "CPU", description = "Also write what running the checking main on CPU takes: cortex-m4 (startup code and linker "
        + "script for qemu-system-arm -M mps2-an386; make m4-test).")
    String target;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CExporter.checkTarget(out, force);
        Model model = normalization.apply(modelArgs.load());
        Calibration c = normalization.calibration(calibration, model);
        int steps = model.inputShape().knownLength() ? model.inputShape().timesteps() : c.data().timesteps();
        Model m = model.withTimesteps(steps);
        QuantizedModel q = new QuantizedModel(m, c.formats());
        Sequences x = vectors == null ? null : normalization.load(vectors, m, spec.commandLine().getErr());
        if (x != null && x.timesteps() != steps) {
            throw KquantException.of("%s: vectors have %d timesteps, the export runs %d", vectors, x.timesteps(), steps);
        }
        int randomCount = random != null ? random : x == null ? 0 : Math.max(0, 10_000 - x.count());
        if (randomCount < 0) {
            throw KquantException.of("--random %d: must not be negative", randomCount);
        }
        List<String> provenance = new java.util.ArrayList<>(List.of(
                "model: " + m.source().file() + " (weights sha256 " + c.model().weightsSha256() + ")",
                "calibration: " + calibration.getFileName() + " (" + c.scheme().cliName() + ", method " + c.method().name()
                        + ", file sha256 " + sha256(calibration) + ")"));
        if (normalization.given()) {
            provenance.add("normalization: " + normalization.normalizationFile().file().getFileName() + " (sha256 "
                    + normalization.normalizationFile().sha256() + "), folded into the weights (folded weights sha256 " + m.weightsSha256() + ")");
        }
        CExporter.Result r = CExporter.export(q, provenance, out, new CExporter.Options(prefix, force, x, randomCount, seed, steps, target,
                normalization.units()));
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %s: %s_weights.h/.c, %s_model.h/.c, kq_fixed.h, kq_matvec_*.h, kq_kernels.h, SPEC.md, CMakeLists.txt%s%n", out, r.prefix(), r.prefix(),
                (r.vectorCount() > 0 ? ", " + r.prefix() + "_vectors.bin (" + r.vectorCount() + " sequences), " + r.prefix() + "_test.c, Makefile" : "")
                        + (target != null ? ", kq_cortex_m4_startup.c, kq_cortex_m4.ld" : ""));
        o.printf("weights and biases: %d bytes (%d parameters x %d bytes); activation tables: %d bytes%n", r.weightBytes(),
                m.parameterCount(), c.scheme().weights().bytes(), r.tableBytes());
        o.printf("API: %s_run()%s%n", r.prefix(), r.streaming() ? ", and streaming " + r.prefix() + "_reset/_step/_output()" : "");
        if (r.vectorCount() > 0) {
            o.printf("check: make -C %s test%s%n", out, target != null ? " m4-test" : "");
        }
        o.flush();
        return ExitCodes.OK;
    }

    private static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
