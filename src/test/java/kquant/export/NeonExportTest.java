package kquant.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.data.DataFiles;
import kquant.data.Sequences;
import kquant.fixed.QuantizedModel;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo model in every scheme, exported with the test windows and random sequences, built by
 * Debian's AArch64 and Armv7-A cross compilers and run under qemu-user: the NEON path must match
 * the Java integer engine on every output, state and saturation count. Skips where a cross
 * compiler or qemu-user is missing.
 */
class NeonExportTest {

    @TempDir
    Path dir;

    private static final Model MODEL = KerasLoader.load(Paths2.demo("model.h5")).withTimesteps(5);

    @TestFactory
    Stream<DynamicTest> theNeonPathIsBitExactOnArmv8AndArmv7() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] target : new String[][] {{"aarch64-linux-gnu-gcc", "qemu-aarch64"}, {"arm-linux-gnueabihf-gcc", "qemu-arm", "-mfpu=neon"}}) {
            for (String scheme : new String[] {"q15", "q7", "a16w8"}) {
                tests.add(DynamicTest.dynamicTest(target[0] + " " + scheme, () -> {
                    Optional<Path> cc = Toolchain.find(target[0]);
                    Optional<Path> qemu = Toolchain.find(target[1]);
                    assumeTrue(cc.isPresent() && qemu.isPresent(), target[0] + " or " + target[1] + " is not installed: skipping");
                    Sequences test = DataFiles.load(Paths2.demo("test_X.npy").toString(), MODEL.inputShape());
                    Calibration c = CalibrationFile.read(Path.of("calibration", "demo-" + scheme + ".json"), MODEL);
                    Path folder = dir.resolve(target[1] + "-" + scheme);
                    CExporter.export(new QuantizedModel(MODEL, c.formats()), List.of("test"), folder,
                            new CExporter.Options("demo", false, test, 1000 - test.count(), 1, 5));
                    List<String> flags = new ArrayList<>(List.of("-O2", "-static"));
                    flags.addAll(List.of(target).subList(2, target.length));
                    Path exe = Toolchain.buildTest(cc.get(), folder, "demo", flags);
                    Toolchain.Run run = Toolchain.run(folder, List.of(qemu.get().toString(), exe.toString(), "demo_vectors.bin"), 600);
                    assertEquals(0, run.exitCode(), run.output());
                    assertTrue(run.output().contains("demo: 1000 sequences, 490000 values checked, 0 mismatches, neon path"), run.output());
                }));
            }
        }
        return tests.stream();
    }
}
