package kquant.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import kquant.target.CortexM4;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * src/test/c/kernel_check.c holds every dot-product kernel to a naive 64-bit sum on every shape
 * up to 19 x 70 and on extreme codes; this runs it through every code path a tool here can reach:
 * SSE2 and portable on the host (gcc and clang), the Arm DSP path and portable on the emulated
 * Cortex-M4 at -O2 and -Os, NEON and portable on AArch64 and NEON on Armv7-A under qemu-user.
 * Each build must report the path it was meant to take. A missing tool skips its builds.
 */
class KernelCheckTest {

    @TempDir
    Path dir;

    private static final Path KERNELS = Path.of("src", "main", "resources", "kquant", "c");

    private Path sources() throws IOException {
        Path d = Files.createTempDirectory(dir, "build"); // one folder per build: dynamic tests share @TempDir
        Files.copy(Path.of("src", "test", "c", "kernel_check.c"), d.resolve("kernel_check.c"));
        for (String f : CExporter.KERNEL_FILES) {
            Files.copy(KERNELS.resolve(f), d.resolve(f));
        }
        return d;
    }

    @TestFactory
    Stream<DynamicTest> everyKernelMatchesANaiveSumOnEveryPath() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String cc : new String[] {"gcc", "clang"}) {
            tests.add(host(cc, List.of("-O2"), "sse2"));
            tests.add(host(cc, List.of("-O2", "-DKQ_PORTABLE"), "portable"));
        }
        for (String level : new String[] {"-O2", "-Os"}) {
            tests.add(cortexM4(List.of(level), "dsp"));
            tests.add(cortexM4(List.of(level, "-DKQ_PORTABLE"), "portable"));
        }
        tests.add(qemuUser("aarch64-linux-gnu-gcc", "qemu-aarch64", List.of("-O2"), "neon"));
        tests.add(qemuUser("aarch64-linux-gnu-gcc", "qemu-aarch64", List.of("-O2", "-DKQ_PORTABLE"), "portable"));
        tests.add(qemuUser("arm-linux-gnueabihf-gcc", "qemu-arm", List.of("-O2", "-mfpu=neon"), "neon"));
        tests.add(qemuUser("arm-linux-gnueabihf-gcc", "qemu-arm", List.of("-O2", "-mfpu=vfpv3-d16"), "dsp"));
        return tests.stream();
    }

    private DynamicTest host(String cc, List<String> flags, String path) {
        return DynamicTest.dynamicTest(cc + " " + flags, () -> {
            Optional<Path> compiler = Toolchain.find(cc);
            assumeTrue(compiler.isPresent(), cc + " is not installed: skipping");
            Path src = sources();
            Toolchain.Run r = compileAndRun(src, compiler.get(), flags, List.of());
            String layers = path.equals("sse2") ? "; layer kernels: 2660472 values" : ""; // kq_sse2.h, checked on its path only
            assertEquals("kernel check, path " + path + ": 53200 sums, 0 wrong" + layers, r.output().strip(), r.output());
            assertEquals(0, r.exitCode());
        });
    }

    private DynamicTest cortexM4(List<String> flags, String path) {
        return DynamicTest.dynamicTest("cortex-m4 " + flags, () -> {
            Optional<CortexM4> m4 = CortexM4.find();
            assumeTrue(m4.isPresent(), () -> "skipping the Cortex-M4: " + CortexM4.missing());
            Path src = sources();
            Path elf = m4.get().build(src, List.of("kernel_check.c"), flags, "kernel_check.elf");
            Toolchain.Run r = m4.get().run(elf, List.of(), 600);
            assertEquals("kernel check, path " + path + ": 53200 sums, 0 wrong", r.output().strip(), r.output());
            assertEquals(0, r.exitCode());
        });
    }

    private DynamicTest qemuUser(String cc, String qemu, List<String> flags, String path) {
        return DynamicTest.dynamicTest(cc + " " + flags, () -> {
            Optional<Path> compiler = Toolchain.find(cc);
            Optional<Path> emulator = Toolchain.find(qemu);
            assumeTrue(compiler.isPresent() && emulator.isPresent(), cc + " or " + qemu + " is not installed: skipping");
            Path src = sources();
            List<String> all = new ArrayList<>(flags);
            all.add("-static");
            Toolchain.Run r = compileAndRun(src, compiler.get(), all, List.of(emulator.get().toString()));
            assertEquals("kernel check, path " + path + ": 53200 sums, 0 wrong", r.output().strip(), r.output());
            assertEquals(0, r.exitCode());
        });
    }

    private static Toolchain.Run compileAndRun(Path src, Path compiler, List<String> flags, List<String> runner) {
        List<String> cmd = new ArrayList<>(List.of(compiler.toString()));
        cmd.addAll(Toolchain.STRICT);
        cmd.addAll(flags);
        cmd.addAll(List.of("-o", "kernel_check", "kernel_check.c"));
        Toolchain.Run built = Toolchain.run(src, cmd, 300);
        assertEquals(0, built.exitCode(), built.output());
        List<String> run = new ArrayList<>(runner);
        run.add(src.resolve("kernel_check").toString());
        return Toolchain.run(src, run, 600);
    }
}
