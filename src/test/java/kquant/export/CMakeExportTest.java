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
import kquant.calibrate.CalibrationFile;
import kquant.data.DataFiles;
import kquant.data.Sequences;
import kquant.fixed.QuantizedModel;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.target.CortexM4;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export is a drop-in CMake library: a firmware project adds two exported models with
 * add_subdirectory, links both (targets named after their prefixes) into one program built from
 * one model's checking main, under every warning as an error, for the host and, with a toolchain
 * file for arm-none-eabi-gcc, for the Cortex-M4; both programs must match the Java integer engine.
 * Skips where cmake (or the Arm toolchain and qemu) is missing.
 */
class CMakeExportTest {

    @TempDir
    Path dir;

    private static final Model MODEL = KerasLoader.load(Paths2.demo("model.h5")).withTimesteps(5);

    private void firmware() throws IOException {
        Sequences test = DataFiles.load(Paths2.demo("test_X.npy").toString(), MODEL.inputShape());
        for (String scheme : new String[] {"q15", "q7"}) {
            Calibration c = CalibrationFile.read(Path.of("calibration", "demo-" + scheme + ".json"), MODEL);
            CExporter.export(new QuantizedModel(MODEL, c.formats()), List.of("test"), dir.resolve("firmware").resolve("model_" + scheme),
                    new CExporter.Options("demo_" + scheme, false, test, 0, 1, 5, "cortex-m4"));
        }
        Files.writeString(dir.resolve("firmware").resolve("CMakeLists.txt"), String.join("\n",
                "cmake_minimum_required(VERSION 3.13)",
                "project(firmware C)",
                "add_subdirectory(model_q15)",
                "add_subdirectory(model_q7)",
                "add_executable(check model_q15/demo_q15_test.c)",
                "target_link_libraries(check PRIVATE demo_q15 demo_q7)",
                "if(KQ_M4)",
                "  target_sources(check PRIVATE model_q15/kq_cortex_m4_startup.c)",
                "  target_link_options(check PRIVATE --specs=rdimon.specs -nostartfiles -T ${CMAKE_SOURCE_DIR}/model_q15/kq_cortex_m4.ld)",
                "endif()", ""));
    }

    /** Configures and builds with every warning as an error (the C standard comes from the export's CMakeLists.txt). */
    private Toolchain.Run cmake(Path cmake, String build, String cpu, List<String> extra) {
        List<String> configure = new ArrayList<>(List.of(cmake.toString(), "-S", "firmware", "-B", build,
                "-DCMAKE_C_FLAGS=" + cpu + String.join(" ", Toolchain.STRICT.subList(1, Toolchain.STRICT.size())) + " -O2"));
        configure.addAll(extra);
        Toolchain.Run r = Toolchain.run(dir, configure, 300);
        assertEquals(0, r.exitCode(), r.output());
        r = Toolchain.run(dir, List.of(cmake.toString(), "--build", build), 300);
        assertEquals(0, r.exitCode(), r.output());
        return r;
    }

    @Test
    void twoExportsBuildAsLibrariesOfOneFirmwareForTheHost() throws IOException {
        Optional<Path> cmake = Toolchain.find("cmake");
        assumeTrue(cmake.isPresent() && Toolchain.hostCompiler().isPresent(), "cmake or a C compiler is not installed: skipping");
        firmware();
        cmake(cmake.get(), "host", "", List.of());
        Toolchain.Run run = Toolchain.run(dir.resolve("firmware").resolve("model_q15"),
                List.of(dir.resolve("host").resolve("check").toString(), "demo_q15_vectors.bin"), 300);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("demo_q15: 365 sequences, 178850 values checked, 0 mismatches"), run.output());
    }

    @Test
    void twoExportsBuildAsLibrariesOfOneFirmwareForTheCortexM4() throws IOException {
        Optional<Path> cmake = Toolchain.find("cmake");
        Optional<CortexM4> m4 = CortexM4.find();
        assumeTrue(cmake.isPresent() && m4.isPresent(), () -> "cmake or the Cortex-M4 tools are missing: skipping. " + CortexM4.missing());
        firmware();
        Files.writeString(dir.resolve("cortex-m4.cmake"), String.join("\n",
                "set(CMAKE_SYSTEM_NAME Generic)",
                "set(CMAKE_SYSTEM_PROCESSOR arm)",
                "set(CMAKE_C_COMPILER arm-none-eabi-gcc)",
                "set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)", ""));
        cmake(cmake.get(), "m4", String.join(" ", CortexM4.CPU) + " ", List.of("-DCMAKE_TOOLCHAIN_FILE=" + dir.resolve("cortex-m4.cmake"), "-DKQ_M4=ON"));
        Path elf = dir.resolve("firmware").resolve("model_q15").resolve("check.elf");
        Files.copy(dir.resolve("m4").resolve("check"), elf);
        Toolchain.Run run = m4.get().run(elf, List.of("demo_q15_vectors.bin"), 300);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("demo_q15: 365 sequences, 178850 values checked, 0 mismatches, dsp path"), run.output());
    }
}
