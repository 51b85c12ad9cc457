package kquant.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * For each known hand-port bug, a hand port with that bug (HandPort, independent of kquant's
 * code) writes its numbers, and {@code kquant diff} must name the bug and the first sample and
 * timestep where the numbers part from a correct port's.
 */
class DiffTest {

    @TempDir
    static Path dir;

    static final String MODEL = Paths2.demo("model.h5").toString();
    static final String DATA = Paths2.demo("test_X.npy").toString();
    static final int N = 40; // the first 40 test windows: enough, and quick
    static final double TOL = 1e-5;
    static Path data;
    /** The same windows in raw units (x · std + mean), for diff --normalization, which reads raw data. */
    static Path raw;
    static HandPort port;
    static double[][][] x;
    static double[] mean = {2.998905109489052, 16.109762773722625, 8.034671532846732, 3.268248175182475};
    static double[] std = {6.310360982980442, 7.329577462796859, 5.0728598811578856, 1.4709582247613344};

    @BeforeAll
    static void setUp() throws IOException {
        Model m = KerasLoader.load(Path.of(MODEL));
        Sequences all = DataFiles.load(DATA, m.inputShape()).slice(0, N);
        x = new double[N][][];
        for (int i = 0; i < N; i++) {
            x[i] = all.sample(i);
        }
        data = dir.resolve("x.npy");
        write(data, x);
        raw = dir.resolve("x_raw.npy");
        write(raw, DiffChecks.raw(x, mean, std));
        port = new HandPort(m);
    }

    static void write(Path p, double[][][] v) throws IOException {
        int steps = v[0].length;
        int units = v[0][0].length;
        double[] flat = new double[v.length * steps * units];
        for (int i = 0; i < v.length; i++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(v[i][t], 0, flat, (i * steps + t) * units, units);
            }
        }
        try (var out = Files.newOutputStream(p)) {
            Npy.write(out, Npy.Dtype.FLOAT64, steps == 1 ? new int[] {v.length, units} : new int[] {v.length, steps, units}, flat);
        }
    }

    /** Where a faulty port's numbers first part from a correct port's, by more than the tolerance. */
    static int[] firstDivergence(double[][][] faulty, double[][][] correct) {
        for (int i = 0; i < faulty.length; i++) {
            for (int t = 0; t < faulty[i].length; t++) {
                for (int u = 0; u < faulty[i][t].length; u++) {
                    if (Math.abs(faulty[i][t][u] - correct[i][t][u]) > TOL) {
                        return new int[] {i, t};
                    }
                }
            }
        }
        return null;
    }

    @TestFactory
    Stream<DynamicTest> diffNamesEveryFaultAndWhereItStarts() {
        Object[][] cases = {
            {HandPort.Bug.IN_PLACE, "state_updated_in_place"},
            {HandPort.Bug.W_TRANSPOSED, "input_kernel_transposed"},
            {HandPort.Bug.U_TRANSPOSED, "recurrent_kernel_transposed"},
            {HandPort.Bug.NO_BIAS, "bias_missing"},
            {HandPort.Bug.BIAS_TWICE, "bias_added_twice"},
            {HandPort.Bug.CARRIED_STATE, "initial_state_carried_over"},
            {HandPort.Bug.ONES_STATE, "initial_state_ones"},
            {HandPort.Bug.ELU, "elu_instead_of_selu"},
            {HandPort.Bug.SELU_SWAPPED, "selu_constants_swapped"},
            {HandPort.Bug.RAW_INPUTS, "inputs_not_normalised"},
            {HandPort.Bug.REVERSED, "timesteps_reversed"}};
        List<DynamicTest> tests = new ArrayList<>();
        double[][][] correct = port.run(x, HandPort.Bug.NONE, mean, std)[0];
        for (Object[] c : cases) {
            tests.add(DynamicTest.dynamicTest(c[1].toString(), () -> {
                double[][][] states = port.run(x, (HandPort.Bug) c[0], mean, std)[0];
                Path actual = dir.resolve(c[1] + ".npy");
                write(actual, states);
                Cli.Result r = Cli.run("diff", MODEL, "--data", raw.toString(), "--actual", actual.toString(), "--what", "state",
                        "--normalization", Paths2.demo("normalization.json").toString());
                assertEquals(0, r.code(), r.toString());
                assertTrue(r.out().contains("DIAGNOSIS: " + c[1] + ":"), r.out());
                int[] first = firstDivergence(states, correct);
                Matcher m = Pattern.compile("first part at sample (\\d+), timestep (\\d+)").matcher(r.out());
                assertTrue(m.find(), r.out());
                assertEquals(first[0], Integer.parseInt(m.group(1)), "sample\n" + r.out());
                assertEquals(first[1], Integer.parseInt(m.group(2)), "timestep\n" + r.out());
            }));
        }
        return tests.stream();
    }

    @Test
    void denseAtEveryTimestepIsNamedFromTheOutputs() throws IOException {
        double[][][] outputs = port.run(x, HandPort.Bug.DENSE_EVERY_STEP, mean, std)[1];
        Path actual = dir.resolve("dense.npy");
        write(actual, outputs);
        Cli.Result r = Cli.run("diff", MODEL, "--data", data.toString(), "--actual", actual.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("the shapes differ: yours is (40, 5, 4)"), r.out());
        assertTrue(r.out().contains("DIAGNOSIS: dense_at_every_timestep:"), r.out());
    }

    @Test
    void aCorrectPortMatchesWithTheToleranceSaid() throws IOException {
        double[][][] outputs = port.run(x, HandPort.Bug.NONE, mean, std)[1];
        Path actual = dir.resolve("good.npy");
        write(actual, outputs);
        Cli.Result r = Cli.run("diff", MODEL, "--data", data.toString(), "--actual", actual.toString());
        assertTrue(r.out().contains("MATCH: every value is within 0.00001 of the reference"), r.out());
        // the port computes in double: closer to the float64 engine than float32's rounding
        assertTrue(r.out().contains("closest to the float64 engine"), r.out());
    }

    @Test
    void theTraceCsvThatPredictWritesIsReadBack() throws IOException {
        Path trace = dir.resolve("trace");
        assertEquals(0, Cli.run("predict", MODEL, "--data", data.toString(), "--out", dir.resolve("y.npy").toString(), "--trace",
                trace.toString()).code());
        Cli.Result r = Cli.run("diff", MODEL, "--data", data.toString(), "--actual", trace.resolve("simple_rnn.state.csv").toString());
        assertTrue(r.out().contains("MATCH"), r.out());
        assertTrue(r.out().contains("simple_rnn/state"), "the shape (N, 5, 48) says states: " + r.out());
    }

    @Test
    void badInputIsRefusedByName() throws IOException {
        Path odd = dir.resolve("odd.npy");
        write(odd, new double[N][5][7]);
        Cli.Result r = Cli.run("diff", MODEL, "--data", data.toString(), "--actual", odd.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("odd.npy: shape (40, 5, 7) fits neither the model's outputs (40, 4) nor a recurrent layer's states simple_rnn (40, 5, 48)"), r.err());
        Path fewer = dir.resolve("fewer.npy");
        write(fewer, new double[3][1][4]);
        r = Cli.run("diff", MODEL, "--data", data.toString(), "--actual", fewer.toString());
        assertTrue(r.code() == 1 && r.err().contains("fewer.npy: 3 samples, but the data has 40"), r.toString());
        r = Cli.run("trace", MODEL, "--data", data.toString(), "--sample", "40");
        assertTrue(r.code() == 1 && r.err().contains("--sample 40: " ) && r.err().contains("samples 0 to 39"), r.toString());
    }

    @Test
    void traceFormats() {
        Cli.Result csv = Cli.run("trace", MODEL, "--data", data.toString(), "--sample", "3");
        assertEquals(0, csv.code());
        String[] lines = csv.out().split("\n");
        // header, then per step: input, x·W, h·U, bias, preact, state (6 rows x 5 steps), then the Dense's bias, preact, output
        assertEquals(1 + 6 * 5 + 3, lines.length, csv.out());
        assertTrue(lines[2].startsWith("0,simple_rnn/input_part,"));
        Cli.Result c = Cli.run("trace", MODEL, "--data", data.toString(), "--sample", "3", "--format", "c");
        assertTrue(c.out().contains("static const float kq_trace_simple_rnn_state[5][48] = {"), c.out());
        Cli.Result json = Cli.run("trace", MODEL, "--data", data.toString(), "--sample", "3", "--format", "json");
        assertTrue(json.out().contains("\"tensor\" : \"dense/output\""), json.out());
    }

    /**
     * diff reads the numbers a block at a time: a state carried from one sequence to the next is replayed across
     * the blocks' seams, and a divergence past the first block is placed at its own sample.
     */
    @Test
    void numbersLongerThanABlockAreDiagnosedAcrossTheSeams() throws IOException {
        Model m = KerasLoader.load(Path.of(MODEL));
        Sequences train = DataFiles.load(Paths2.demo("train_X.npy").toString(), m.inputShape());
        Sequences test = DataFiles.load(DATA, m.inputShape());
        double[][][] xs = new double[train.count() + test.count()][][];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i < train.count() ? train.sample(i) : test.sample(i - train.count());
        }
        assertTrue(xs.length > Diff.BLOCK + 300, "the data must span blocks");
        Path allX = dir.resolve("all_x.npy");
        write(allX, xs);
        Path carried = dir.resolve("carried_all.npy");
        write(carried, port.run(xs, HandPort.Bug.CARRIED_STATE, mean, std)[0]);
        Cli.Result r = Cli.run("diff", MODEL, "--data", allX.toString(), "--actual", carried.toString(), "--what", "state");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("DIAGNOSIS: initial_state_carried_over:"), r.out());
        Matcher within = Pattern.compile("gives your numbers to within ([0-9.eE+-]+)").matcher(r.out());
        // the hand port runs in float64, so over 1,456 chained sequences it drifts from the float32 replay by a few 1e-3;
        // a replay restarted at the seam would part from it there by as much as the reference does at sample 1 (0.75)
        assertTrue(within.find() && Double.parseDouble(within.group(1)) < 0.02, "replayed across the seams, not restarted\n" + r.out());

        double[][][] late = port.run(xs, HandPort.Bug.NONE, mean, std)[0];
        int sample = Diff.BLOCK + 300;
        late[sample][3][7] += 0.01;
        Path one = dir.resolve("one_late_value.npy");
        write(one, late);
        r = Cli.run("diff", MODEL, "--data", allX.toString(), "--actual", one.toString(), "--what", "state");
        assertEquals(0, r.code(), r.toString());
        Matcher m2 = Pattern.compile("first part at sample (\\d+), timestep (\\d+)").matcher(r.out());
        assertTrue(m2.find(), r.out());
        assertEquals(sample, Integer.parseInt(m2.group(1)), r.out());
        assertEquals(3, Integer.parseInt(m2.group(2)), r.out());
    }
}
