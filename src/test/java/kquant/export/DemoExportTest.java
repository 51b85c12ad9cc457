package kquant.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.calibrate.Method;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo model exported in q15 and q7 with all 365 test windows plus random sequences, 10000
 * in all, checked bit for bit; and, where arm-none-eabi-gcc is installed, its Cortex-M4 sizes.
 */
class DemoExportTest {

    @TempDir
    Path dir;

    private static final Model MODEL = KerasLoader.load(Paths2.demo("model.h5"));

    private Path export(Scheme s) {
        Calibration c;
        try (SequenceSource train = DataFiles.open(Paths2.demo("train_X.npy").toString(), MODEL.inputShape())) {
            c = Calibrator.calibrate(MODEL, train, Calibrator.Options.defaults(s).withMethod(Method.SEARCH).withHeadroom(s == Scheme.Q7 ? 0 : 1), null);
        }
        Sequences test = DataFiles.load(Paths2.demo("test_X.npy").toString(), MODEL.inputShape());
        Path folder = dir.resolve("c-" + s.cliName());
        CExporter.Result r = CExporter.export(new QuantizedModel(MODEL, c.formats()), List.of("model: model.h5"), folder,
                new CExporter.Options("demo", false, test, 10_000 - 365, 1, 5));
        assertEquals(10_000, r.vectorCount());
        assertEquals(2836 * s.weights().bytes(), r.weightBytes(), "weights are exactly parameters x element size");
        return folder;
    }

    @Test
    void tenThousandSequencesBitExactInQ15AndQ7() {
        Optional<Path> cc = Toolchain.hostCompiler();
        assumeTrue(cc.isPresent(), "no C compiler on the PATH: skipping");
        for (Scheme s : new Scheme[] {Scheme.Q15, Scheme.Q7}) {
            Path folder = export(s);
            for (String portable : new String[] {"", "-DKQ_PORTABLE"}) {
                List<String> flags = portable.isEmpty() ? List.of("-O2") : List.of("-O2", portable);
                Toolchain.Run run = Toolchain.runTest(Toolchain.buildTest(cc.get(), folder, "demo", flags), "demo");
                assertEquals(0, run.exitCode(), run.output());
                // 10000 sequences: outputs, the 48 states at each of 5 steps, by run() and by step(), and the counts
                assertTrue(run.output().contains("demo: 10000 sequences, 4900000 values checked, 0 mismatches, "
                        + (portable.isEmpty() ? "" : "portable path")), run.output());
            }
        }
    }

    @Test
    void cortexM4SizesMeetTheTargets() {
        Optional<Path> gcc = Toolchain.find("arm-none-eabi-gcc");
        Optional<Path> size = Toolchain.find("arm-none-eabi-size");
        assumeTrue(gcc.isPresent() && size.isPresent(), "arm-none-eabi-gcc is not installed: skipping the Cortex-M4 sizes");
        for (Scheme s : new Scheme[] {Scheme.Q15, Scheme.Q7}) {
            Path folder = export(s);
            for (String f : new String[] {"demo_model.c", "demo_weights.c"}) {
                List<String> cmd = new ArrayList<>(List.of(gcc.get().toString()));
                cmd.addAll(Toolchain.STRICT);
                cmd.addAll(List.of("-mcpu=cortex-m4", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections", "-c", f, "-o", f + ".o"));
                assertEquals(0, Toolchain.run(folder, cmd, 120).exitCode());
            }
            String sections = Toolchain.run(folder, List.of(size.get().toString(), "-A", "demo_model.c.o", "demo_weights.c.o"), 60).output();
            long text = sum(sections, "\\.text\\S*");
            long weights = sum(sections, "\\.rodata\\.demo_\\w+_(?:kernel|recurrent_kernel|bias)");
            assertEquals(2836L * s.weights().bytes(), weights, s + " weights in flash:\n" + sections);
            assertTrue(text < 2048, s + " code " + text + " bytes:\n" + sections);
        }
    }

    private static long sum(String sizeOutput, String section) {
        Matcher m = Pattern.compile("(?m)^(?:" + section + ")\\s+(\\d+)").matcher(sizeOutput);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }
}
