package kquant.model;

import java.util.ArrayList;
import java.util.List;
import kquant.KquantException;

/**
 * Keras {@code Dense}: {@code y = act(x · V + c)} on the last axis. Given a sequence it is
 * applied at every timestep, as Keras does for a 3-D input and as {@code TimeDistributed(Dense)}
 * does; the two compute the same thing.
 */
public record Dense(String name, int units, Activation activation, Tensor kernel, Tensor bias,
        boolean timeDistributed) implements Layer {

    public Dense {
        if (kernel.shape().length != 2 || kernel.dim(1) != units) {
            throw KquantException.of("layer %s: kernel has shape %s, expected (inputs, %d)", name, kernel.shapeString(), units);
        }
        if (bias != null && (bias.shape().length != 1 || bias.dim(0) != units)) {
            throw KquantException.of("layer %s: bias has shape %s, expected (%d,)", name, bias.shapeString(), units);
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
        return timeDistributed ? "TimeDistributed(Dense)" : "Dense";
    }

    @Override
    public List<Tensor> weights() {
        List<Tensor> w = new ArrayList<>(List.of(kernel));
        if (bias != null) {
            w.add(bias);
        }
        return List.copyOf(w);
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.features() != inputFeatures()) {
            throw KquantException.of("layer %s (%s) has a kernel for %d inputs but gets %d",
                    name, kerasClass(), inputFeatures(), input.features());
        }
        if (timeDistributed && !input.sequence()) {
            throw KquantException.of("layer %s (TimeDistributed) needs a sequence but gets %s", name, input);
        }
        return input.sequence() ? Shape.sequence(input.timesteps(), units) : Shape.vector(units);
    }

    @Override
    public long macs(Shape input) {
        long steps = input.sequence() ? Math.max(1, input.timesteps()) : 1;
        return steps * (long) inputFeatures() * units;
    }

    @Override
    public String equation() {
        return "y = " + activation.kerasName() + "(x·V" + (bias != null ? " + c" : "") + ")"
                + (timeDistributed ? " at every timestep" : "");
    }
}
