package kquant.model;

import kquant.KquantException;

/**
 * Keras {@code SimpleRNN}: {@code h_t = act(x_t · W + b + h_{t-1} · U)}, with {@code h_0 = 0}.
 *
 * <p>{@code kernel} W is {@code (features, units)}, {@code recurrentKernel} U is
 * {@code (units, units)}, {@code bias} b is {@code (units,)} or null without {@code use_bias}.
 * With {@code goBackwards} the sequence is read last step first and, as in Keras, a returned
 * sequence stays in that reversed order.
 */
public record SimpleRnn(String name, int units, Activation activation, boolean returnSequences,
        boolean goBackwards, Tensor kernel, Tensor recurrentKernel, Tensor bias) implements Recurrent {

    public SimpleRnn {
        Recurrent.checkShapes(name, units, 1, kernel, recurrentKernel, bias, new int[] {units});
        if (!activation.elementwise()) {
            throw KquantException.of("layer %s: activation %s is not allowed in a SimpleRNN", name, activation.kerasName());
        }
    }

    @Override
    public int gates() {
        return 1;
    }

    @Override
    public String kerasClass() {
        return "SimpleRNN";
    }

    @Override
    public String equation() {
        return "h_t = " + activation.kerasName() + "(x_t·W" + (bias != null ? " + b" : "") + " + h_{t-1}·U), h_0 = 0"
                + sequenceNote();
    }
}
