package kquant.model;

import java.util.List;

/**
 * A layer that only acts during training (Dropout, GaussianNoise, ...): at inference it passes
 * its input through unchanged. It is kept in the model so that {@code inspect} shows it.
 */
public record PassThrough(String name, String kerasClass) implements Layer {

    @Override
    public List<Tensor> weights() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public long macs(Shape input) {
        return 0;
    }

    @Override
    public String equation() {
        return "y = x (training only)";
    }
}
