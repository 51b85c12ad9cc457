package kquant.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.data.Sequences;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.model.Model;

/**
 * The export tests' one check: calibrate on the data, export with the data and random sequences as
 * test vectors, compile with gcc (and clang where installed) under the strict flags, run the
 * generated check against the Java integer engine's codes (every output, every state at every
 * step, every saturation count), again through -DKQ_PORTABLE, and compile for the Cortex-M4 where
 * arm-none-eabi-gcc is installed. Skips with a message where no C compiler exists.
 */
final class ExportCheck {

    static final Optional<Path> GCC = Toolchain.find("gcc").or(Toolchain::hostCompiler);
    static final Optional<Path> CLANG = Toolchain.find("clang");
    static final Optional<Path> ARM = Toolchain.find("arm-none-eabi-gcc");

    private ExportCheck() {
    }

    static Path exportAndCheck(Path dir, Model m, Scheme s, String prefix, Sequences data, int random, boolean perUnit) throws IOException {
        assumeTrue(GCC.isPresent(), "no C compiler on the PATH: skipping the compile-and-run checks");
        Calibration c = Calibrator.calibrate(m, data, Calibrator.Options.defaults(s).withPerUnitWeights(perUnit), null);
        return exportAndCheck(dir, new QuantizedModel(m.withTimesteps(data.timesteps()), c.formats()), prefix, data, random);
    }

    static Path exportAndCheck(Path dir, QuantizedModel q, String prefix, Sequences data, int random) throws IOException {
        assumeTrue(GCC.isPresent(), "no C compiler on the PATH: skipping the compile-and-run checks");
        Path folder = dir.resolve(prefix + "_" + q.scheme().cliName() + (q.formats().all().values().stream().anyMatch(f -> f.isPerUnit())
                ? "_per_unit" : ""));
        CExporter.Result r = CExporter.export(q, List.of("model: test"), folder,
                new CExporter.Options(prefix, false, data, random, 7, data.timesteps()));
        assertEquals(data.count() + random, r.vectorCount());
        for (Optional<Path> cc : List.of(GCC, CLANG)) {
            if (cc.isPresent()) {
                Path exe = Toolchain.buildTest(cc.get(), folder, prefix, List.of("-O2"));
                Toolchain.Run run = Toolchain.runTest(exe, prefix);
                assertEquals(0, run.exitCode(), run.output());
                assertTrue(run.output().contains(" 0 mismatches, "), run.output());
            }
        }
        // the portable path on the same vectors (the build above took the host's fast path, SSE2 on x86-64)
        Path portable = Toolchain.buildTest(GCC.get(), folder, prefix, List.of("-O2", "-DKQ_PORTABLE"));
        Files.move(portable, folder.resolve(prefix + "_test_portable"));
        Toolchain.Run run = Toolchain.runTest(folder.toAbsolutePath().resolve(prefix + "_test_portable"), prefix);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains(" 0 mismatches, portable path"), run.output());
        if (ARM.isPresent()) {
            for (String f : new String[] {prefix + "_model.c", prefix + "_weights.c"}) {
                List<String> cmd = new ArrayList<>(List.of(ARM.get().toString()));
                cmd.addAll(Toolchain.STRICT);
                cmd.addAll(List.of("-mcpu=cortex-m4", "-mthumb", "-Os", "-c", f, "-o", f + ".o"));
                Toolchain.Run arm = Toolchain.run(folder, cmd, 120);
                assertEquals(0, arm.exitCode(), arm.output());
            }
        }
        return folder;
    }
}
