package kquant.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Closed-form values of every activation; the expected numbers are typed in from their definitions. */
class ActivationTest {

    // 1 ulp of slack for libm differences; the values are exact to the last printed digit
    private static final double EXACT = 1e-15;

    @Test
    void seluConstantsAreKerasOnes() {
        // Klambauer et al. 2017, eq. 14: λ01 ≈ 1.0507009873554804934193349852946, α01 ≈ 1.6732632423543772848170429916717
        assertEquals(1.0507009873554805, Activation.SELU_SCALE, 0);
        assertEquals(1.6732632423543772, Activation.SELU_ALPHA, 0);
        assertEquals(1.0507009873554805, Activation.SELU.apply(1.0), EXACT);
        // λα(e^-1 - 1) = 1.7580993408473766 * (-0.6321205588285577)
        assertEquals(-1.1113307378125628, Activation.SELU.apply(-1.0), 4 * EXACT);
        assertEquals(0.0, Activation.SELU.apply(0.0), 0);
        // far left tends to -λα
        assertEquals(-1.7580993408473766, Activation.SELU.apply(-40), EXACT);
    }

    @Test
    void sigmoidFamily() {
        assertEquals(0.5, Activation.SIGMOID.apply(0), 0);
        assertEquals(0.7310585786300049, Activation.SIGMOID.apply(1), EXACT); // 1/(1+e^-1)
        assertEquals(0.2689414213699951, Activation.SIGMOID.apply(-1), EXACT);
        // Keras 2: clip(0.2x + 0.5); Keras 3: clip(x/6 + 0.5)
        assertEquals(0.7, Activation.HARD_SIGMOID.apply(1), EXACT);
        assertEquals(1.0, Activation.HARD_SIGMOID.apply(2.5), 0);
        assertEquals(2.0 / 3.0, Activation.HARD_SIGMOID_KERAS3.apply(1), EXACT);
        assertEquals(1.0, Activation.HARD_SIGMOID_KERAS3.apply(3), 0);
        assertEquals(0.0, Activation.HARD_SIGMOID_KERAS3.apply(-3), 0);
        assertEquals(0.7310585786300049, Activation.SWISH.apply(1), EXACT); // 1 * sigmoid(1)
    }

    @Test
    void otherActivations() {
        assertEquals(0.46211715726000974, Activation.TANH.apply(0.5), EXACT); // (e - 1)/(e + 1)
        assertEquals(-0.6321205588285577, Activation.ELU.apply(-1), EXACT);   // e^-1 - 1
        assertEquals(0.5, Activation.SOFTSIGN.apply(1), 0);
        assertEquals(Math.log(2), Activation.SOFTPLUS.apply(0), EXACT);
        assertEquals(100.0, Activation.SOFTPLUS.apply(100), EXACT);
        assertEquals(Math.E, Activation.EXPONENTIAL.apply(1), 2 * EXACT);
        assertEquals(0.8413447460685429, Activation.GELU.apply(1), 1e-15);    // Φ(1)
        assertEquals(0.0, Activation.RELU.apply(-3), 0);
        assertEquals(3.0, Activation.LINEAR.apply(3), 0);
    }

    @Test
    void softmaxSumsToOne() {
        double[] v = {1, 2, 3};
        Activation.applySoftmax(v);
        double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(Math.exp(3) / e, v[2], EXACT);
        assertEquals(1.0, v[0] + v[1] + v[2], EXACT);
    }

    @Test
    void namesAcrossVersions() {
        assertSame(Activation.SWISH, Activation.fromKeras("silu", 3));
        assertSame(Activation.HARD_SIGMOID, Activation.fromKeras("hard_sigmoid", 2));
        assertSame(Activation.HARD_SIGMOID_KERAS3, Activation.fromKeras("hard_sigmoid", 3));
        assertNull(Activation.fromKeras("mish", 3));
    }
}
