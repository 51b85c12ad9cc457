package kquant.model;

import java.util.List;
import kquant.KquantException;

/** Keras {@code Flatten}: a sequence {@code (T, F)} becomes the vector {@code (T·F)}, timestep-major. */
public record Flatten(String name) implements Layer {

    @Override
    public String kerasClass() {
        return "Flatten";
    }

    @Override
    public List<Tensor> weights() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        if (!input.sequence()) {
            return input;
        }
        if (input.timesteps() == Shape.UNKNOWN) {
            throw KquantException.of("layer %s (Flatten) needs a fixed number of timesteps but the input is %s", name, input);
        }
        return Shape.vector(input.timesteps() * input.features());
    }

    @Override
    public long macs(Shape input) {
        return 0;
    }

    @Override
    public String equation() {
        return "y = reshape(x, T·F)";
    }
}
