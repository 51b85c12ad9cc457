package kquant.model;

import java.util.List;
import kquant.KquantException;

/**
 * Keras {@code LSTM}. Kernel columns come in four blocks of {@code units}, in Keras's gate order
 * i, f, c, o. With {@code a = x_t·W + h_{t-1}·U + b}:
 * <pre>
 *   i = σ(a_i)   f = σ(a_f)   g = act(a_c)   o = σ(a_o)      (σ = recurrent_activation)
 *   c_t = f·c_{t-1} + i·g
 *   h_t = o·act(c_t)
 * </pre>
 * The state is (h, c), both zero at the start; the layer returns h.
 */
public record Lstm(String name, int units, Activation activation, Activation recurrentActivation, boolean returnSequences,
        boolean goBackwards, Tensor kernel, Tensor recurrentKernel, Tensor bias) implements Recurrent {

    /**
     * The gate blocks, in the kernel's column order, as kquant names their tensors: Keras's i, f, c,
     * o, with the cell candidate called g so that "cell" means c_t alone.
     */
    public static final List<String> GATES = List.of("i", "f", "g", "o");

    public Lstm {
        Recurrent.checkShapes(name, units, 4, kernel, recurrentKernel, bias, new int[] {4 * units});
        for (Activation a : new Activation[] {activation, recurrentActivation}) {
            if (!a.elementwise()) {
                throw KquantException.of("layer %s: activation %s is not allowed in an LSTM", name, a.kerasName());
            }
        }
    }

    @Override
    public int gates() {
        return 4;
    }

    @Override
    public String kerasClass() {
        return "LSTM";
    }

    @Override
    public String equation() {
        String s = recurrentActivation.kerasName();
        String b = bias != null ? " + b" : "";
        return "[i f g o] = [" + s + " " + s + " " + activation.kerasName() + " " + s + "](x_t·W + h_{t-1}·U" + b + "), "
                + "c_t = f·c_{t-1} + i·g, h_t = o·" + activation.kerasName() + "(c_t), h_0 = c_0 = 0" + sequenceNote();
    }
}
