package kquant.model;

/**
 * A recurrent layer: reads a sequence {@code (T, features)} one timestep at a time, carrying a
 * state that starts at zero. SimpleRNN has one gate block, GRU three (z, r, h), LSTM four
 * (i, f, c, o); each block is {@code units} columns of the kernel and recurrent kernel, in Keras's
 * order.
 *
 * <p>With {@code goBackwards} the sequence is read last step first and, as in Keras, a returned
 * sequence stays in that reversed order.
 */
public sealed interface Recurrent extends Layer permits SimpleRnn, Lstm, Gru {

    int units();

    /** Gate blocks in the kernels: 1 (SimpleRNN), 3 (GRU) or 4 (LSTM). */
    int gates();

    /** W, {@code (features, gates · units)}. */
    Tensor kernel();

    /** U, {@code (units, gates · units)}. */
    Tensor recurrentKernel();

    /** The bias, or null without {@code use_bias}. */
    Tensor bias();

    boolean returnSequences();

    boolean goBackwards();

    /** W, U and b (when present), in Keras's order. */
    @Override
    default java.util.List<Tensor> weights() {
        return bias() == null ? java.util.List.of(kernel(), recurrentKernel()) : java.util.List.of(kernel(), recurrentKernel(), bias());
    }

    default boolean useBias() {
        return bias() != null;
    }

    default int inputFeatures() {
        return kernel().dim(0);
    }

    @Override
    default Shape outputShape(Shape input) {
        if (!input.sequence()) {
            throw kquant.KquantException.of("layer %s (%s) needs a sequence (timesteps, features) but gets %s", name(), kerasClass(), input);
        }
        if (input.features() != inputFeatures()) {
            throw kquant.KquantException.of("layer %s (%s) has a kernel for %d features but gets %d",
                    name(), kerasClass(), inputFeatures(), input.features());
        }
        return returnSequences() ? Shape.sequence(input.timesteps(), units()) : Shape.vector(units());
    }

    @Override
    default long macs(Shape input) {
        long steps = Math.max(1, input.timesteps());
        return steps * (long) (inputFeatures() + units()) * gates() * units();
    }

    /** The suffix of {@link #equation()} that says the direction and what is returned. */
    default String sequenceNote() {
        return (goBackwards() ? ", t from last to first" : "") + (returnSequences() ? "; returns h_1..h_T" : "; returns h_T");
    }

    /**
     * Checks the weight shapes against {@code units} and the gate count, naming the layer.
     *
     * @param biasShapes  the bias shapes the layer accepts, e.g. {@code (4u,)}
     */
    static void checkShapes(String name, int units, int gates, Tensor kernel, Tensor recurrentKernel, Tensor bias,
            int[]... biasShapes) {
        int width = gates * units;
        if (kernel.shape().length != 2 || kernel.dim(1) != width) {
            throw kquant.KquantException.of("layer %s: kernel has shape %s, expected (features, %d)", name, kernel.shapeString(), width);
        }
        if (recurrentKernel.shape().length != 2 || recurrentKernel.dim(0) != units || recurrentKernel.dim(1) != width) {
            throw kquant.KquantException.of("layer %s: recurrent_kernel has shape %s, expected (%d, %d)",
                    name, recurrentKernel.shapeString(), units, width);
        }
        if (bias != null) {
            for (int[] s : biasShapes) {
                if (java.util.Arrays.equals(bias.shape(), s)) {
                    return;
                }
            }
            StringBuilder expected = new StringBuilder();
            for (int[] s : biasShapes) {
                expected.append(expected.length() == 0 ? "" : " or ").append(new Tensor("b", "", s, new float[size(s)]).shapeString());
            }
            throw kquant.KquantException.of("layer %s: bias has shape %s, expected %s", name, bias.shapeString(), expected);
        }
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
