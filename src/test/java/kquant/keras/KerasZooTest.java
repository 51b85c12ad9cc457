package kquant.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import kquant.KquantException;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.model.Gru;
import kquant.model.Lstm;
import kquant.model.Model;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every real Keras file in ../shared/keras-zoo either loads and runs, or is refused with a clear
 * error; none crashes. Skips when the folder is absent. The LSTM and GRU files are checked against
 * their reference outputs in {@link RecurrentReferenceTest}.
 */
class KerasZooTest {

    @TempDir
    Path tmp;

    private static Path zoo() {
        assumeTrue(Paths2.zoo().isPresent(), "../shared/keras-zoo is absent: skipping the real-file tests");
        return Paths2.zoo().get();
    }

    @TestFactory
    Stream<DynamicTest> everyFileLoadsAndRunsOrIsRefusedByName() throws IOException {
        Path zoo = zoo();
        List<Path> files;
        try (Stream<Path> s = Files.list(zoo)) {
            files = s.filter(p -> p.toString().endsWith(".h5") || p.toString().endsWith(".keras")).sorted().toList();
        }
        assertTrue(files.size() >= 20, "the zoo has its 20 files");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String name = f.getFileName().toString();
            try {
                Model m = KerasLoader.load(f);
                if (m.layers().stream().anyMatch(l -> l instanceof Lstm || l instanceof Gru)) {
                    assertTrue(name.contains("lstm") || name.contains("gru"), name);
                    return; // RecurrentReferenceTest runs these against Keras's outputs
                }
                FloatEngine e = new FloatEngine(m.withTimesteps(3));
                double[][] x = new double[m.inputShape().knownLength() ? m.inputShape().timesteps() : 3][m.inputShape().features()];
                Random r = new Random(1);
                for (double[] row : x) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = r.nextGaussian();
                    }
                }
                double[][] y = e.run(x);
                for (double[] row : y) {
                    for (double v : row) {
                        assertTrue(Double.isFinite(v), name + " gives a finite output");
                    }
                }
            } catch (KquantException ex) {
                String msg = ex.getMessage();
                assertFalse(msg.contains("\n"), "one line: " + msg);
                assertTrue(msg.contains(name), "names the file: " + msg);
                boolean refused = msg.contains("is not supported") || msg.contains("holds weights only")
                        || msg.contains("not a Keras model");
                assertTrue(refused, "a clear refusal: " + msg);
                if (name.contains("gru") || name.contains("lstm")) {
                    assertTrue(msg.contains("--config"), "an LSTM/GRU file is refused only for a missing config: " + msg);
                }
            }
        }));
    }

    /** Keras 2.1.3 saved inputs and its own predictions next to the model (SOURCES.md #2 and #5). */
    @TestFactory
    Stream<DynamicTest> kerasSavedPredictionsAreReproduced() {
        Path zoo = zoo();
        return Stream.of("simplernn_k2.1.3_tf_trained", "simplernn_seq_flatten_k2.1.3_tf_trained").map(base ->
                DynamicTest.dynamicTest(base, () -> {
                    Model m = KerasLoader.load(zoo.resolve(base + ".h5"));
                    float[][][] inputs;
                    float[][] predictions;
                    try (HdfFile io = new HdfFile(zoo.resolve(base + ".io.h5"))) {
                        inputs = (float[][][]) io.getDatasetByPath("/inputs/simple_rnn_1_input").getData();
                        predictions = (float[][]) io.getDatasetByPath("/predictions/dense_1").getData();
                    }
                    FloatEngine e = new FloatEngine(m);
                    assertEquals(25, inputs.length);
                    for (int i = 0; i < inputs.length; i++) {
                        double[][] x = new double[inputs[i].length][];
                        for (int t = 0; t < x.length; t++) {
                            x[t] = new double[inputs[i][t].length];
                            for (int f = 0; f < x[t].length; f++) {
                                x[t][f] = inputs[i][t][f];
                            }
                        }
                        assertEquals(predictions[i][0], e.run(x)[0][0], 1e-5, "sample " + i);
                    }
                }));
    }

    /** The Keras 2 weights-only file holds the same weights as the full model beside it. */
    @Test
    void weightsOnlyFileWithTheFullModelsConfig() throws IOException {
        Path zoo = zoo();
        Model full = KerasLoader.load(zoo.resolve("simplernn_k2.1.3_tf_trained.h5"));
        String config;
        try (HdfFile h = new HdfFile(zoo.resolve("simplernn_k2.1.3_tf_trained.h5"))) {
            config = (String) h.getAttribute("model_config").getData();
        }
        Path json = tmp.resolve("model.json");
        Files.writeString(json, config);
        Model weightsOnly = KerasLoader.load(zoo.resolve("simplernn_k2.1.3_tf_trained.weights.h5"), json);
        assertEquals(full.weightsSha256(), weightsOnly.weightsSha256());
    }

    /** The Keras 3 weights-only GRU file needs its config; with the one in ../shared/references it loads all 17 arrays. */
    @Test
    void keras3WeightsOnlyGruLoadsWithItsConfig() {
        Path zoo = zoo();
        assumeTrue(Paths2.references().isPresent(), "../shared/references is absent");
        Path config = Paths2.references().get().resolve("zoo/gru5x_repeat_timedist_k3/config.json");
        Model m = KerasLoader.load(zoo.resolve("gru5x_repeat_timedist_k3.weights.h5"), config);
        assertEquals(17, m.layers().stream().mapToLong(l -> l.weights().size()).sum(), "5 GRUs x 3 arrays + the Dense's 2");
        assertEquals(KerasLoader.KERAS3_INFERRED, m.source().kerasVersion());
        Gru first = (Gru) m.layers().get(0);
        assertTrue(first.resetAfter(), "reset_after=True, as the config says and the (2, 210) bias agrees");
        assertEquals("[2, 210]", java.util.Arrays.toString(first.bias().shape()));
    }
}
