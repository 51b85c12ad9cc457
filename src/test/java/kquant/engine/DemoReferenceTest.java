package kquant.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;

/**
 * The demo model against the outputs and states TensorFlow.js computed from the same file
 * (calibration/demo/SOURCES.md). 1e-5 absolute: float32 sums in another order differ by a few
 * ulps of values up to 4, about 1e-6.
 */
class DemoReferenceTest {

    private static final double TOLERANCE = 1e-5;

    private static Sequences npy(Path p) {
        try (SequenceSource s = Npy.open(p)) {
            return Sequences.load(s);
        }
    }

    @Test
    void float32OutputsAndStatesMatchTheReference() {
        Model model = KerasLoader.load(Paths2.demo("model.h5"));
        Sequences x = DataFiles.load(Paths2.demo("test_X.npy").toString(), model.inputShape());
        Sequences y = npy(Paths2.demo("reference_test_Y.npy"));
        Sequences h = npy(Paths2.demo("reference_test_state_simple_rnn.npy"));
        FloatEngine engine = new FloatEngine(model);
        double worst = 0;
        for (int i = 0; i < x.count(); i++) {
            Trace trace = engine.trace(x.sample(i));
            double[][] out = trace.output();
            for (int j = 0; j < 4; j++) {
                assertEquals(y.value(i, 0, j), out[0][j], TOLERANCE, "sample " + i + " output " + j);
                worst = Math.max(worst, Math.abs(y.value(i, 0, j) - out[0][j]));
            }
            double[][] state = trace.get("simple_rnn/state");
            for (int t = 0; t < 5; t++) {
                for (int u = 0; u < 48; u++) {
                    assertEquals(h.value(i, t, u), state[t][u], TOLERANCE, "sample " + i + " step " + t + " unit " + u);
                }
            }
        }
        assertEquals(365, x.count());
    }

    @Test
    void float64IsCloserToTheFloat64Reference() {
        // SOURCES.md: an independent float64 implementation agrees with the reference to 3.5e-7
        Model model = KerasLoader.load(Paths2.demo("model.h5"));
        Sequences x = DataFiles.load(Paths2.demo("test_X.npy").toString(), model.inputShape());
        Sequences y = npy(Paths2.demo("reference_test_Y.npy"));
        double[][][] out = Blocks.outputs(new ReferenceEngine(model, Precision.FLOAT64), x);
        for (int i = 0; i < x.count(); i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(y.value(i, 0, j), out[i][0][j], 1e-6);
            }
        }
    }
}
