package kquant.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import kquant.calibrate.Calibration;
import kquant.calibrate.Calibrator;
import kquant.data.DataFiles;
import kquant.data.NormalizationFile;
import kquant.data.RawData;
import kquant.data.Sequences;
import kquant.engine.FixedEngine;
import kquant.fixed.QRawIo;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.keras.KerasLoader;
import kquant.model.Folding;
import kquant.model.Model;
import kquant.model.Normalization;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models exported with their normalization folded in: the C reads raw codes and returns the declared
 * output codes, bit for bit with the Java integer engine on 10,000 sequences (the data and random raw
 * codes that reach every rounding and saturation path of the conversions), through the host's fast
 * path and the portable one. Skips where no C compiler is installed.
 */
class RawExportTest {

    @TempDir
    Path dir;

    /** Calibrates the folded model on {@code raw}, exports it with 10,000 vectors, compiles and checks; returns the folder. */
    private Path exportAndCheck(Folding f, Scheme s, String prefix, Sequences raw) throws IOException {
        assumeTrue(ExportCheck.GCC.isPresent(), "no C compiler on the PATH: skipping the compile-and-run checks");
        Sequences x = Sequences.load(RawData.of(raw, f.units()));
        Model m = f.folded().withTimesteps(x.timesteps());
        Calibration c = Calibrator.calibrate(m, x, Calibrator.Options.defaults(s), null);
        QuantizedModel q = new QuantizedModel(m, c.formats());
        Path folder = dir.resolve(prefix + "_" + s.cliName());
        CExporter.Result r = CExporter.export(q, List.of("model: test"), folder,
                new CExporter.Options(prefix, false, x, 10_000 - x.count(), 3, x.timesteps(), null, f.units()));
        assertEquals(10_000, r.vectorCount());
        for (Optional<Path> cc : List.of(ExportCheck.GCC, ExportCheck.CLANG)) {
            if (cc.isPresent()) {
                Toolchain.Run run = Toolchain.runTest(Toolchain.buildTest(cc.get(), folder, prefix, List.of("-O2")), prefix);
                assertEquals(0, run.exitCode(), run.output());
                assertTrue(run.output().contains(prefix + ": 10000 sequences, ") && run.output().contains(" 0 mismatches, "), run.output());
            }
        }
        Path portable = Toolchain.buildTest(ExportCheck.GCC.get(), folder, prefix, List.of("-O2", "-DKQ_PORTABLE"));
        Files.move(portable, folder.resolve(prefix + "_test_portable"));
        Toolchain.Run run = Toolchain.runTest(folder.toAbsolutePath().resolve(prefix + "_test_portable"), prefix);
        assertTrue(run.output().contains(" 0 mismatches, portable path"), run.output());
        return folder;
    }

    @TestFactory
    Stream<DynamicTest> theDemoReadsSeattleWeatherCodesInEveryScheme() {
        return Stream.of(Scheme.values()).map(s -> DynamicTest.dynamicTest(s.cliName(), () -> {
            Model model = KerasLoader.load(Paths2.demo("model.h5"));
            Folding f = Folding.of(model, NormalizationFile.read(Paths2.demo("normalization-codes.json")).normalization());
            Sequences raw = DataFiles.load(Paths2.demo("raw/test_X.npy").toString(), model.inputShape());
            Path folder = exportAndCheck(f, s, "demo_raw", raw);
            String header = Files.readString(folder.resolve("demo_raw_model.h"));
            assertTrue(header.contains("int demo_raw_run(const int16_t *input, size_t steps, int16_t *output, demo_raw_workspace_t *workspace);"),
                    header);
            assertTrue(header.contains(" *   [1] temp_max: int16, 1 code = 0.1 °C; the model was trained on (value - 16.1098 °C) / 7.32958 °C"), header);
            assertTrue(header.contains(" *   [4] sin_day: int16, 1 code = 2^-14;"), header);
            assertTrue(header.contains(" *   [3] next_wind: int16, 1 code = 0.01 m/s;"), header);
            String code = Files.readString(folder.resolve("demo_raw_model.c"));
            assertTrue(!code.contains("float") && !code.contains("double"), "no floating point in the model code");
        }));
    }

    /**
     * Codes of either width, physical values, outputs left alone, int8 activations with int16 codes, one Dense doing
     * both folds, and the gated layers reading codes.
     */
    @TestFactory
    Stream<DynamicTest> randomModelsWithEveryKindOfBoundary() {
        List<DynamicTest> tests = new ArrayList<>();
        Object[][] cases = {
            {"codes_q15", Scheme.Q15, true, true, false},
            {"codes_q7", Scheme.Q7, true, true, false},
            {"codes_a16w8", Scheme.A16W8, true, true, false},
            {"physical_in_codes_out", Scheme.Q15, false, true, false},
            {"codes_in_model_out", Scheme.Q7, true, false, false},
            {"dense_only", Scheme.A16W8, true, true, true},
            {"lstm_codes_q15", Scheme.Q15, true, true, false},
            {"gru_codes_q7", Scheme.Q7, true, true, false},
            {"gru_classic_codes_a16w8", Scheme.A16W8, true, true, false}};
        for (Object[] c : cases) {
            tests.add(DynamicTest.dynamicTest(c[0].toString(), () -> {
                Random r = new Random(c[0].hashCode());
                boolean denseOnly = (boolean) c[4];
                String name = c[0].toString();
                FixtureLayer first = name.startsWith("lstm") ? FixtureLayer.lstm("rnn", 3, 6, r)
                        : name.startsWith("gru_classic") ? FixtureLayer.gru("rnn", 3, 6, false, r)
                        : name.startsWith("gru") ? FixtureLayer.gru("rnn", 3, 6, true, r)
                        : FixtureLayer.simpleRnn("rnn", 3, 6, "tanh", true, r);
                List<FixtureLayer> layers = denseOnly ? List.of(FixtureLayer.dense("d", 3, 2, "linear", true, r))
                        : List.of(first, FixtureLayer.dense("out", 6, 2, "linear", true, r));
                Model m = KerasLoader.load(KerasFixtures.write(dir, c[0].toString(), KerasFixtures.Layout.LEGACY_K2_13,
                        denseOnly ? new int[] {4, 3} : new int[] {5, 3}, layers).model());
                Normalization n = mixed((boolean) c[2], (boolean) c[3]);
                Folding f = Folding.of(m, n);
                exportAndCheck(f, (Scheme) c[1], c[0].toString(), raw(n, 200, denseOnly ? 4 : 5, r));
            }));
        }
        return tests.stream();
    }

    /** The Java engine fed folded floats computes exactly what the C's integer conversion of the raw codes gives it. */
    @Test
    void theEnginesInputQuantizationIsTheCsConversionOfTheCodes() {
        Model model = KerasLoader.load(Paths2.demo("model.h5"));
        Folding f = Folding.of(model, NormalizationFile.read(Paths2.demo("normalization-codes.json")).normalization());
        Sequences raw = DataFiles.load(Paths2.demo("raw/test_X.npy").toString(), model.inputShape());
        Sequences x = Sequences.load(RawData.of(raw, f.units()));
        for (Scheme s : Scheme.values()) {
            Model m = f.folded().withTimesteps(5);
            QuantizedModel q = new QuantizedModel(m, Calibrator.calibrate(m, x, Calibrator.Options.defaults(s), null).formats());
            FixedEngine engine = new FixedEngine(q);
            QRawIo io = new QRawIo(q, f.units());
            for (int i = 0; i < x.count(); i++) {
                int[][] codes = new int[5][6];
                for (int t = 0; t < 5; t++) {
                    for (int k = 0; k < 6; k++) {
                        // the raw code, as the oracle rounds the CSV's value: whole tenths, or sin/cos in Q14
                        long code = Math.round(raw.value(i, t, k) / n(f).inputs().get(k).code().lsb());
                        codes[t][k] = io.inputCode(k, code);
                    }
                }
                FixedEngine.Result fromFloats = engine.run(x.sample(i), false);
                FixedEngine.Result fromCodes = engine.runCodes(codes, false);
                for (int t = 0; t < fromFloats.outputCodes().length; t++) {
                    assertArrayEquals(fromCodes.outputCodes()[t], fromFloats.outputCodes()[t], s + " sample " + i);
                }
            }
        }
    }

    private static Normalization n(Folding f) {
        return f.normalization();
    }

    /** Int16 and int8 input codes in turn (or physical values), with means far from zero; int16 output codes of 1/1000 of the scale. */
    private static Normalization mixed(boolean inputCodes, boolean outputs) {
        List<Normalization.Feature> in = List.of(
                new Normalization.Feature("pressure", "hPa", 1013.25, 8.2, inputCodes ? new Normalization.Code(16, 0.1) : null),
                new Normalization.Feature("humidity", "%", 61.5, 17.3, inputCodes ? new Normalization.Code(8, 1) : null),
                new Normalization.Feature("light", "lx", 0.0, 0.35, inputCodes ? new Normalization.Code(16, 0x1p-12) : null));
        List<Normalization.Feature> out = !outputs ? List.of() : List.of(
                new Normalization.Feature("flow", "l/s", 120.0, 30.0, new Normalization.Code(16, 0.03)),
                new Normalization.Feature("level", "m", -2.5, 0.4, new Normalization.Code(16, 0.0004)));
        return new Normalization(in, out);
    }

    /** Physical values N(offset, scale), rounded to whole codes within the width where the input has a code. */
    private static Sequences raw(Normalization n, int count, int steps, Random r) {
        float[] v = new float[count * steps * 3];
        for (int i = 0; i < v.length; i++) {
            Normalization.Feature f = n.inputs().get(i % 3);
            double p = r.nextGaussian() * f.scale() + f.offset();
            if (f.code() != null) {
                p = Math.max(f.code().minCode(), Math.min(f.code().maxCode(), Math.rint(p / f.code().lsb()))) * f.code().lsb();
            }
            v[i] = (float) p;
        }
        return new Sequences("raw", count, steps, 3, true, v);
    }
}
