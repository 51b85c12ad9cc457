package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import kquant.data.Npy;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import kquant.testing.Refusals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input ends with exit code 1, one line on stderr naming the file and the problem, no
 * stack trace, and no output file left behind.
 */
class BadInputCliTest {

    @TempDir
    Path dir;

    private static final String MODEL = Paths2.demo("model.h5").toString();
    private static final String TEST_X = Paths2.demo("test_X.npy").toString();

    private void assertFails(Cli.Result r, String... expected) throws IOException {
        Refusals.assertRefused(r, dir, expected);
    }

    private Cli.Result predict(String model, String data) {
        return Cli.run("predict", model, "--data", data, "--out", dir.resolve("out.npy").toString());
    }

    @Test
    void badModelFiles() throws IOException {
        assertFails(predict(dir.resolve("nope.h5").toString(), TEST_X), "nope.h5", "model file not found");
        Path text = KerasFixtures.bytes(dir, "notes.h5", "just text".getBytes());
        assertFails(predict(text.toString(), TEST_X), "notes.h5", "not a Keras model file");
        byte[] demo = Files.readAllBytes(Path.of(MODEL));
        Path truncated = KerasFixtures.bytes(dir, "cut.h5", java.util.Arrays.copyOf(demo, 4000));
        assertFails(predict(truncated.toString(), TEST_X), "cut.h5", "truncated", "64128", "4000");
        Path plain = dir.resolve("plain.h5");
        try (io.jhdf.WritableHdfFile w = io.jhdf.HdfFile.write(plain)) {
            w.putDataset("x", new float[] {1});
        }
        assertFails(predict(plain.toString(), TEST_X), "plain.h5", "not a Keras model");
        Random r = new Random(1);
        KerasFixtures.Files2 conv = KerasFixtures.write(dir, "conv", KerasFixtures.Layout.LEGACY_K2_13, new int[] {5, 6}, List.of(
                FixtureLayer.custom("Conv1D", "conv_9", List.<float[][]>of(FixtureLayer.random(6, 8, 1, r)), "filters", 8)));
        assertFails(predict(conv.model().toString(), TEST_X), "conv.h5", "layer conv_9 (Conv1D) is not supported");
    }

    @Test
    void dataThatDoesNotFit() throws IOException {
        assertFails(predict(MODEL, dir.resolve("none.npy").toString()), "none.npy", "not found");
        Path steps = npy("steps.npy", new int[] {2, 3, 6}, new float[36]);
        assertFails(predict(MODEL, steps.toString()), "steps.npy", "3 timesteps but the model takes 5");
        Path features = npy("features.npy", new int[] {2, 5, 4}, new float[40]);
        assertFails(predict(MODEL, features.toString()), "features.npy", "4 features per timestep but the model takes 6");
        float[] values = new float[60];
        values[37] = Float.NaN;
        assertFails(predict(MODEL, npy("nan.npy", new int[] {2, 5, 6}, values).toString()),
                "nan.npy: sample 1, timestep 1, feature 1 is NaN");
        values[37] = Float.NEGATIVE_INFINITY;
        assertFails(predict(MODEL, npy("inf.npy", new int[] {2, 5, 6}, values).toString()),
                "inf.npy: sample 1, timestep 1, feature 1 is -Infinity");
    }

    @Test
    void unwritableOutput() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where a folder should be");
        Cli.Result r = Cli.run("predict", MODEL, "--data", TEST_X, "--out", blocker.resolve("out.npy").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("blocker/out.npy: cannot write"), r.err());
        assertFalse(r.err().trim().contains("\n"));
    }

    @Test
    void unknownEngineIsNamed() {
        Cli.Result r = Cli.run("predict", MODEL, "--data", TEST_X, "--out", dir.resolve("out.npy").toString(), "--engine", "float16");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("--engine float16"), r.err());
    }

    private Path npy(String name, int[] shape, float[] values) throws IOException {
        Path p = dir.resolve(name);
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        try (var out = Files.newOutputStream(p)) {
            Npy.write(out, Npy.Dtype.FLOAT32, shape, d);
        }
        return p;
    }
}
