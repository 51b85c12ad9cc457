package kquant.fixed;

/** A Keras Activation layer: one activation kernel applied to every code. */
public record QActivation(String name, ActivationKernel kernel) implements QLayer {

    @Override
    public int fIn() {
        return kernel.fIn();
    }

    @Override
    public int fOut() {
        return kernel.fOut();
    }
}
