package kquant.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.data.DataFiles;
import kquant.data.Sequences;
import kquant.export.CExporter;
import kquant.fixed.QuantizedModel;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo model in every scheme, q15 also with int32 accumulators, exported with the 365 test
 * windows plus random sequences (10000 in all) and run on the emulated Cortex-M4: 0 mismatches
 * through the DSP path and the portable one, at -O2 and -Os; the code within 3 KB at -Os; and the
 * instructions of run() within the targets. Skips where the Arm toolchain or qemu is missing.
 */
class TargetCheckTest {

    @TempDir
    Path dir;

    private static final Model MODEL = KerasLoader.load(Paths2.demo("model.h5")).withTimesteps(5);

    /** The calibration kept in calibration/, and the largest instructions per MAC of run() it may take. */
    private static final Object[][] CALIBRATIONS = {{"demo-q15.json", 2.5}, {"demo-q15-int32.json", 2.0}, {"demo-q7.json", 2.0},
        {"demo-a16w8.json", 2.0}};

    @Test
    void everySchemeIsBitExactOnTheCortexM4ThroughBothPathsAndWithinItsTargets() {
        Optional<CortexM4> found = CortexM4.find();
        assumeTrue(found.isPresent(), () -> "skipping the Cortex-M4 checks: " + CortexM4.missing());
        CortexM4 m4 = found.get();
        Sequences test = DataFiles.load(Paths2.demo("test_X.npy").toString(), MODEL.inputShape());
        for (Object[] cal : CALIBRATIONS) {
            Calibration c = CalibrationFile.read(Path.of("calibration", (String) cal[0]), MODEL);
            Path folder = dir.resolve((String) cal[0]);
            CExporter.export(new QuantizedModel(MODEL, c.formats()), List.of("test"), folder,
                    new CExporter.Options("demo", false, test, 10_000 - test.count(), 1, 5, "cortex-m4"));
            for (TargetCheck.Outcome o : TargetCheck.run(m4, folder, "demo", TargetCheck.O2_AND_OS)) {
                String path = o.build().name().contains("PORTABLE") ? "portable" : "dsp";
                assertEquals("demo: 10000 sequences, 4900000 values checked, 0 mismatches, " + path + " path", o.summary(),
                        cal[0] + " " + o.build().name());
                assertTrue(o.passed());
            }
            long text = m4.textBytes(folder, "demo_model.c", List.of("-Os"));
            assertTrue(text <= 3072, cal[0] + ": " + text + " bytes of code at -Os");
            // exact counts over the first two test windows
            List<InstructionCounter.Window> w = InstructionCounter.count(m4, m4.buildTest(folder, "demo", List.of("-O2"), "count.elf"),
                    List.of("demo_vectors.bin", "count", "2"), 600);
            double perMac = w.stream().filter(x -> x.name().equals("run")).findFirst().orElseThrow().perOpening() / MODEL.macs();
            assertTrue(perMac <= (double) cal[1], cal[0] + ": run() takes " + perMac + " instructions per MAC");
        }
    }
}
