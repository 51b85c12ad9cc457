package kquant.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kquant.data.DataFiles;
import kquant.data.Sequences;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs {@code kquant diff} through the command line on a hand port's numbers and checks that it
 * names the expected fault and the first sample and timestep where the numbers part from a correct
 * port's (found here, from the two ports' numbers alone).
 */
final class DiffChecks {

    static final double TOL = 1e-5;

    private DiffChecks() {
    }

    /** A model the hand ports run, its inputs written where diff reads them, and the standardization (null for fixtures). */
    record Subject(String name, Model model, Path file, Path data, Path rawData, double[][][] x, Path normalization, double[] mean,
            double[] std) {
    }

    /** True when ../shared/references is there to read the Seattle models from. */
    static boolean haveReferences() {
        return Paths2.references().isPresent();
    }

    /** One test that reports itself skipped, with why, in place of the diffs on a Seattle model. */
    static Stream<DynamicTest> skipped(String folder) {
        return Stream.of(DynamicTest.dynamicTest(folder, () -> assumeTrue(false,
                "../shared/references is absent: skipping the hand-port diffs on " + folder)));
    }

    /** The first {@code n} test windows of a Seattle model in ../shared/references. */
    static Subject seattle(Path dir, String folder, int n) throws IOException {
        Path root = Paths2.references().get().resolve(folder);
        Path file = root.resolve("model.h5");
        Model m = KerasLoader.load(file);
        Sequences all = DataFiles.load(root.resolve("test_X.npy").toString(), m.inputShape()).slice(0, n);
        double[][][] x = new double[n][][];
        for (int i = 0; i < n; i++) {
            x[i] = all.sample(i);
        }
        Path norm = root.resolve("normalization.json");
        JsonNode json = new ObjectMapper().readTree(norm.toFile());
        double[] mean = doubles(json.get("mean"));
        double[] std = doubles(json.get("std"));
        Path data = dir.resolve(folder + "_x.npy");
        DiffTest.write(data, x);
        // diff --normalization reads raw data: the windows in their physical units
        Path rawData = dir.resolve(folder + "_x_raw.npy");
        DiffTest.write(rawData, raw(x, mean, std));
        return new Subject(folder, m, file, data, rawData, x, norm, mean, std);
    }

    /** Standardized windows back in raw units: {@code x · std + mean} for the first {@code mean.length} features. */
    static double[][][] raw(double[][][] x, double[] mean, double[] std) {
        double[][][] r = new double[x.length][][];
        for (int i = 0; i < x.length; i++) {
            r[i] = new double[x[i].length][];
            for (int t = 0; t < x[i].length; t++) {
                r[i][t] = x[i][t].clone();
                for (int f = 0; f < mean.length; f++) {
                    r[i][t][f] = x[i][t][f] * std[f] + mean[f];
                }
            }
        }
        return r;
    }

    /** A small fixture model written by {@link KerasFixtures}, on N(0, 1) inputs rounded to float32. */
    static Subject fixture(Path dir, String name, KerasFixtures.Layout layout, int steps, int features, List<FixtureLayer> layers, int n)
            throws IOException {
        KerasFixtures.Files2 f = KerasFixtures.write(dir.resolve(name), name, layout, new int[] {steps, features}, layers);
        Model m = KerasLoader.load(f.model(), f.config());
        Random r = new Random(name.hashCode());
        double[][][] x = new double[n][steps][features];
        for (double[][] sample : x) {
            for (double[] step : sample) {
                for (int k = 0; k < features; k++) {
                    step[k] = (float) r.nextGaussian();
                }
            }
        }
        Path data = dir.resolve(name + "_x.npy");
        DiffTest.write(data, x);
        return new Subject(name, m, f.model(), data, null, x, null, null, null);
    }

    /** The numbers a port gives for {@code what}: state (h), cell (c) or output (the Dense's). */
    static double[][][] pick(HandPortLstm.Numbers n, String what) {
        switch (what) {
            case "state": return n.h();
            case "cell": return n.c();
            default: return n.y();
        }
    }

    /** Runs diff on the numbers, on the standardized data; returns what it printed. */
    static String diff(Subject s, Path dir, String fileName, double[][][] numbers, String what, double tolerance) throws IOException {
        return diff(s, dir, fileName, numbers, what, tolerance, false);
    }

    /**
     * Runs diff on the numbers; with {@code normalized}, on the raw data with the subject's --normalization,
     * the numbers being outputs in physical units then (as such a port writes them).
     */
    static String diff(Subject s, Path dir, String fileName, double[][][] numbers, String what, double tolerance, boolean normalized)
            throws IOException {
        Path actual = dir.resolve(s.name() + "_" + fileName + ".npy");
        boolean physical = normalized && what.equals("output");
        DiffTest.write(actual, physical ? raw(numbers, s.mean(), s.std()) : numbers);
        List<String> args = new ArrayList<>(List.of("diff", s.file().toString(), "--data", (normalized ? s.rawData() : s.data()).toString(),
                "--actual", actual.toString(), "--what", what, "--tolerance", Double.toString(tolerance)));
        if (normalized) {
            args.addAll(List.of("--normalization", s.normalization().toString()));
        }
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.toString());
        return r.out();
    }

    /** diff names {@code expected} and the first divergence of {@code faulty} from {@code correct}. */
    static void assertDiagnosed(Subject s, Path dir, String expected, String what, double[][][] faulty, double[][][] correct,
            double tolerance) throws IOException {
        String out = diff(s, dir, expected.replaceAll("[^a-z0-9]+", "_"), faulty, what, tolerance,
                s.normalization() != null && expected.equals("inputs_not_normalised"));
        assertTrue(out.contains("DIAGNOSIS: " + expected + ":"), out);
        int[] first = firstDivergence(faulty, correct, tolerance);
        assertNotNull(first, "the faulty port gives the correct port's numbers:\n" + out);
        Matcher m = Pattern.compile("first part at sample (\\d+), timestep (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(first[0], Integer.parseInt(m.group(1)), "sample\n" + out);
        assertEquals(first[1], Integer.parseInt(m.group(2)), "timestep\n" + out);
    }

    /**
     * The two checks every hand port gets: float64 arithmetic named at a tolerance of 1e-9 (where
     * the float32 port, in Keras's order, is the correct one), and the Dense applied at every step.
     */
    static List<DynamicTest> float64AndDenseEveryStep(Subject s, Path dir, HandPortLstm.Numbers correct,
            Supplier<HandPortLstm.Numbers> float32, Supplier<HandPortLstm.Numbers> denseEveryStep) {
        return List.of(
                DynamicTest.dynamicTest(s.name() + " float64, within 1e-9",
                        () -> assertDiagnosed(s, dir, "float64", "state", correct.h(), float32.get().h(), 1e-9)),
                DynamicTest.dynamicTest(s.name() + " dense_at_every_timestep", () -> {
                    String out = diff(s, dir, "dense_every_step", denseEveryStep.get().y(), "output", TOL);
                    assertTrue(out.contains("the shapes differ: yours is (" + s.x().length + ", " + s.x()[0].length + ", "), out);
                    assertTrue(out.contains("DIAGNOSIS: dense_at_every_timestep:"), out);
                }));
    }

    /** Where {@code faulty} first parts from {@code correct} by more than the tolerance: {sample, step}, or null. */
    static int[] firstDivergence(double[][][] faulty, double[][][] correct, double tolerance) {
        for (int i = 0; i < faulty.length; i++) {
            for (int t = 0; t < faulty[i].length; t++) {
                for (int u = 0; u < faulty[i][t].length; u++) {
                    if (Math.abs(faulty[i][t][u] - correct[i][t][u]) > tolerance) {
                        return new int[] {i, t};
                    }
                }
            }
        }
        return null;
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }
}
