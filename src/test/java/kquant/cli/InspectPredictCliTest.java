package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectPredictCliTest {

    @TempDir
    Path dir;

    private static final String MODEL = Paths2.demo("model.h5").toString();
    private static final String TEST_X = Paths2.demo("test_X.npy").toString();

    @Test
    void versionHelpAndUsage() {
        Cli.Result v = Cli.run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("kquant "), v.out());
        Cli.Result h = Cli.run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("inspect") && h.out().contains("Exit codes:"), h.out());
        Cli.Result bad = Cli.run("inspect", "--no-such-option", MODEL);
        assertEquals(2, bad.code(), bad.toString());
        assertEquals(2, Cli.run().code(), "no subcommand is a usage error");
    }

    @Test
    void inspectShowsRolesShapesCountsAndVersions() {
        Cli.Result r = Cli.run("inspect", MODEL);
        assertEquals(0, r.code(), r.toString());
        String out = r.out().replaceAll(" +", " ");
        // 6*48 + 48*48 + 48 = 2640 and 48*4 + 4 = 196 parameters; 5*(6+48)*48 = 12960 and 48*4 = 192 MACs
        for (String expected : List.of("input kernel W (6, 48)", "recurrent kernel U (48, 48)", "bias b (48,)",
                "kernel V (48, 4)", "2640 12960", "196 192", "total: 2836 parameters, 13152",
                "keras_version 2.13.1", "backend tensorflow", "h_t = selu(x_t·W + b + h_{t-1}·U)")) {
            assertTrue(out.contains(expected), "missing '" + expected + "' in\n" + r.out());
        }
    }

    @Test
    void inspectJson() throws IOException {
        Cli.Result r = Cli.run("inspect", MODEL, "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2836, j.get("parameters").asInt());
        assertEquals(13152, j.get("macs_per_sequence").asInt());
        assertEquals("recurrent_kernel", j.get("layers").get(0).get("weights").get(1).get("name").asText());
        assertEquals(48, j.get("layers").get(0).get("weights").get(1).get("shape").get(1).asInt());
    }

    @Test
    void predictWritesOutputsAndTraces() throws IOException {
        Path out = dir.resolve("y.npy");
        Path trace = dir.resolve("trace");
        Cli.Result r = Cli.run("predict", MODEL, "--data", TEST_X, "--out", out.toString(), "--trace", trace.toString());
        assertEquals(0, r.code(), r.toString());
        Sequences y = load(out);
        Sequences ref = load(Paths2.demo("reference_test_Y.npy"));
        assertEquals(365, y.count());
        assertEquals(4, y.features());
        assertFalse(y.sequence(), "(N, units) for a last-step output");
        for (int i = 0; i < 365; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(ref.value(i, 0, j), y.value(i, 0, j), 1e-5);
            }
        }
        List<String> files;
        try (Stream<Path> s = Files.list(trace)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of(".kquant-files", "dense.output.csv", "dense.preact.csv", "input.csv", "simple_rnn.input_part.csv",
                "simple_rnn.preact.csv", "simple_rnn.recurrent_part.csv", "simple_rnn.state.csv"), files);
        List<String> state = Files.readAllLines(trace.resolve("simple_rnn.state.csv"));
        assertEquals(1 + 365 * 5, state.size(), "a header and one row per sample and step");
        assertTrue(state.get(0).startsWith("sample,step,u0,u1,"));
    }

    @Test
    void sequenceOutputsAreThreeDimensional() throws IOException {
        Random r = new Random(5);
        KerasFixtures.Files2 f = KerasFixtures.write(dir, "seq", KerasFixtures.Layout.LEGACY_K2_13, new int[] {4, 2}, List.of(
                FixtureLayer.simpleRnn("rnn", 2, 3, "tanh", true, r, "return_sequences", true)));
        Path x = dir.resolve("x.csv");
        Files.writeString(x, "1,2,3,4,5,6,7,8\n0,0,0,0,0,0,0,1\n");
        Path out = dir.resolve("ys.npy");
        Cli.Result res = Cli.run("predict", f.model().toString(), "--data", x.toString(), "--out", out.toString(), "--engine", "float64");
        assertEquals(0, res.code(), res.toString());
        Sequences y = load(out);
        assertTrue(y.sequence());
        assertEquals(2, y.count());
        assertEquals(4, y.timesteps());
        assertEquals(3, y.features());
    }

    private static Sequences load(Path p) {
        try (SequenceSource s = Npy.open(p)) {
            return Sequences.load(s);
        }
    }
}
