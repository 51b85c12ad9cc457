package kquant.model;

import java.util.List;

/** Keras {@code Activation}: applies one activation element by element (softmax on the last axis). */
public record ActivationLayer(String name, Activation activation) implements Layer {

    @Override
    public String kerasClass() {
        return "Activation";
    }

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
        return "y = " + activation.kerasName() + "(x)";
    }
}
