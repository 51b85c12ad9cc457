package kquant.model;

import java.util.ArrayList;
import java.util.List;
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
        boolean goBackwards, Tensor kernel, Tensor recurrentKernel, Tensor bias) implements Layer {

    public SimpleRnn {
        if (kernel.shape().length != 2 || kernel.dim(1) != units) {
            throw KquantException.of("layer %s: kernel has shape %s, expected (features, %d)", name, kernel.shapeString(), units);
        }
        if (recurrentKernel.shape().length != 2 || recurrentKernel.dim(0) != units || recurrentKernel.dim(1) != units) {
            throw KquantException.of("layer %s: recurrent_kernel has shape %s, expected (%d, %d)",
                    name, recurrentKernel.shapeString(), units, units);
        }
        if (bias != null && (bias.shape().length != 1 || bias.dim(0) != units)) {
            throw KquantException.of("layer %s: bias has shape %s, expected (%d,)", name, bias.shapeString(), units);
        }
        if (!activation.elementwise()) {
            throw KquantException.of("layer %s: activation %s is not allowed in a SimpleRNN", name, activation.kerasName());
        }
    }

    public boolean useBias() {
        return bias != null;
    }

    public int inputFeatures() {
        return kernel.dim(0);
    }

    @Override
    public String kerasClass() {
        return "SimpleRNN";
    }

    @Override
    public List<Tensor> weights() {
        List<Tensor> w = new ArrayList<>(List.of(kernel, recurrentKernel));
        if (bias != null) {
            w.add(bias);
        }
        return List.copyOf(w);
    }

    @Override
    public Shape outputShape(Shape input) {
        if (!input.sequence()) {
            throw KquantException.of("layer %s (SimpleRNN) needs a sequence (timesteps, features) but gets %s", name, input);
        }
        if (input.features() != inputFeatures()) {
            throw KquantException.of("layer %s (SimpleRNN) has a kernel for %d features but gets %d",
                    name, inputFeatures(), input.features());
        }
        return returnSequences ? Shape.sequence(input.timesteps(), units) : Shape.vector(units);
    }

    @Override
    public long macs(Shape input) {
        long steps = Math.max(1, input.timesteps());
        return steps * (long) (inputFeatures() + units) * units;
    }

    @Override
    public String equation() {
        return "h_t = " + activation.kerasName() + "(x_t·W" + (bias != null ? " + b" : "") + " + h_{t-1}·U), h_0 = 0"
                + (goBackwards ? ", t from last to first" : "")
                + (returnSequences ? "; returns h_1..h_T" : "; returns h_T");
    }
}
