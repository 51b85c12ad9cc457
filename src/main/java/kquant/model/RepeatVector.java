package kquant.model;

import java.util.List;
import kquant.KquantException;

/** Keras {@code RepeatVector(n)}: a vector {@code (F)} becomes the sequence {@code (n, F)}. */
public record RepeatVector(String name, int times) implements Layer {

    @Override
    public String kerasClass() {
        return "RepeatVector";
    }

    @Override
    public List<Tensor> weights() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.sequence()) {
            throw KquantException.of("layer %s (RepeatVector) needs a vector but gets the sequence %s", name, input);
        }
        return Shape.sequence(times, input.features());
    }

    @Override
    public long macs(Shape input) {
        return 0;
    }

    @Override
    public String equation() {
        return "y_t = x for t = 1.." + times;
    }
}
