package kquant.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import kquant.model.Activation;
import kquant.model.Dense;
import kquant.model.Model;
import kquant.model.ModelSource;
import kquant.model.Shape;
import kquant.model.SimpleRnn;
import kquant.model.Tensor;
import org.junit.jupiter.api.Test;

/** The float engine against SimpleRNN steps worked out by hand. */
class FloatEngineTest {

    private static final ModelSource SRC = new ModelSource("hand", "test", "2.13.1", "tensorflow");

    /** W = [[0.5, -1]], U = [[0, 1], [1, 0]] (a swap), b = [0.25, 0], linear activation. */
    private static Model swapRnn(boolean returnSequences, boolean goBackwards) {
        SimpleRnn rnn = new SimpleRnn("rnn", 2, Activation.LINEAR, returnSequences, goBackwards,
                new Tensor("kernel", "input kernel W", new int[] {1, 2}, new float[] {0.5f, -1f}),
                new Tensor("recurrent_kernel", "recurrent kernel U", new int[] {2, 2}, new float[] {0, 1, 1, 0}),
                new Tensor("bias", "bias b", new int[] {2}, new float[] {0.25f, 0}));
        return new Model("m", SRC, Shape.sequence(3, 1), List.of(rnn));
    }

    @Test
    void stateIsReadBeforeItIsOverwritten() {
        // h1 = [0.5*1 + 0.25, -1*1]                       = [0.75, -1]
        // h2 = [0.5*2 + 0.25 + h1[1], -2 + h1[0]]           = [0.25, -1.25]
        // h3 = [0.5*4 + 0.25 + h2[1], -4 + h2[0]]           = [1.0, -3.75]
        // An in-place update would compute h2[1] from the new h2[0] = 0.25: -1.75, not -1.25.
        double[][] x = {{1}, {2}, {4}};
        double[][] y = new ReferenceEngine(swapRnn(true, false), Precision.FLOAT64).run(x);
        assertArrayEquals(new double[] {0.75, -1}, y[0], 0);
        assertArrayEquals(new double[] {0.25, -1.25}, y[1], 0);
        assertArrayEquals(new double[] {1.0, -3.75}, y[2], 0);
        double[][] last = new ReferenceEngine(swapRnn(false, false), Precision.FLOAT64).run(x);
        assertArrayEquals(new double[] {1.0, -3.75}, last[0], 0);
    }

    @Test
    void goBackwardsReadsTheLastStepFirstAndReturnsInThatOrder() {
        // inputs read as 4, 2, 1:
        // h1 = [2.25, -4]; h2 = [1 + 0.25 - 4, -2 + 2.25] = [-2.75, 0.25]; h3 = [0.5 + 0.25 + 0.25, -1 - 2.75] = [1.0, -3.75]
        double[][] y = new ReferenceEngine(swapRnn(true, true), Precision.FLOAT64).run(new double[][] {{1}, {2}, {4}});
        assertArrayEquals(new double[] {2.25, -4}, y[0], 0);
        assertArrayEquals(new double[] {-2.75, 0.25}, y[1], 0);
        assertArrayEquals(new double[] {1.0, -3.75}, y[2], 0);
    }

    @Test
    void oneSeluStepByHand() {
        // x = [1, -2], W = [[0.5], [0.25]] → x·W = 0; + b = -0.5 → z = -0.5 → selu(z) = λα(e^-0.5 - 1)
        SimpleRnn rnn = new SimpleRnn("rnn", 1, Activation.SELU, false, false,
                new Tensor("kernel", "W", new int[] {2, 1}, new float[] {0.5f, 0.25f}),
                new Tensor("recurrent_kernel", "U", new int[] {1, 1}, new float[] {2f}),
                new Tensor("bias", "b", new int[] {1}, new float[] {-0.5f}));
        Model m = new Model("m", SRC, Shape.sequence(2, 2), List.of(rnn));
        double h1 = 1.0507009873554805 * 1.6732632423543772 * (Math.exp(-0.5) - 1);   // -0.6917581878028543
        // second step: x = [2, 0] → x·W = 1, + b = 0.5, + 2*h1
        double z2 = 0.5 + 2 * h1;
        double h2 = z2 > 0 ? 1.0507009873554805 * z2 : 1.0507009873554805 * 1.6732632423543772 * (Math.exp(z2) - 1);
        Trace t = new ReferenceEngine(m, Precision.FLOAT64).trace(new double[][] {{1, -2}, {2, 0}});
        assertEquals(h1, t.get("rnn/state")[0][0], 1e-15);
        assertEquals(-0.5, t.get("rnn/preact")[0][0], 0);
        assertEquals(1.0, t.get("rnn/input_part")[1][0], 0);
        assertEquals(2 * h1, t.get("rnn/recurrent_part")[1][0], 1e-15);
        assertEquals(h2, t.get("rnn/state")[1][0], 1e-15);
        // float32: the same to float32 precision
        double h2f = new FloatEngine(m).run(new double[][] {{1, -2}, {2, 0}})[0][0];
        assertEquals(h2, h2f, 1e-6);
        assertEquals((float) h2f, h2f, 0, "float32 results are float32 values");
    }

    @Test
    void denseSeesOnlyTheLastStateUnlessSequencesAreReturned() {
        Dense dense = new Dense("out", 1, Activation.LINEAR,
                new Tensor("kernel", "V", new int[] {2, 1}, new float[] {1, 1}), null, false);
        Model last = new Model("m", SRC, Shape.sequence(3, 1), List.of(swapRnn(false, false).layers().get(0), dense));
        assertArrayEquals(new double[] {1.0 - 3.75}, new ReferenceEngine(last, Precision.FLOAT64).run(new double[][] {{1}, {2}, {4}})[0], 0);
        Model every = new Model("m", SRC, Shape.sequence(3, 1), List.of(swapRnn(true, false).layers().get(0), dense));
        double[][] y = new ReferenceEngine(every, Precision.FLOAT64).run(new double[][] {{1}, {2}, {4}});
        assertEquals(3, y.length);
        assertArrayEquals(new double[] {-0.25}, y[0], 0);
        assertArrayEquals(new double[] {-1.0}, y[1], 0);
    }
}
