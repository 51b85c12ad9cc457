package kquant.model;

import java.util.List;
import kquant.KquantException;

/**
 * Keras {@code GRU}. Kernel columns come in three blocks of {@code units}, in Keras's gate order
 * z, r, h. With σ the recurrent activation:
 * <pre>
 *   z = σ(x·W_z + b_z + h·U_z)     r = σ(x·W_r + b_r + h·U_r)
 *   reset_after=False, bias (3u,):        hh = act(x·W_h + b_h + (r·h)·U_h)
 *   reset_after=True,  bias (2, 3u):      hh = act(x·W_h + b_in_h + r·(h·U_h + b_rec_h))
 *   h_t = z·h_{t-1} + (1 - z)·hh
 * </pre>
 * With {@code reset_after=True} the bias has an input row and a recurrent row; for z and r both
 * are added. The state is h, zero at the start.
 */
public record Gru(String name, int units, Activation activation, Activation recurrentActivation, boolean resetAfter,
        boolean returnSequences, boolean goBackwards, Tensor kernel, Tensor recurrentKernel, Tensor bias) implements Recurrent {

    /**
     * The gate blocks, in the kernel's column order, as kquant names their tensors: Keras's z, r, h,
     * with the candidate called hh so that "h" means the state alone.
     */
    public static final List<String> GATES = List.of("z", "r", "hh");

    public Gru {
        int[] shape = resetAfter ? new int[] {2, 3 * units} : new int[] {3 * units};
        Recurrent.checkShapes(name, units, 3, kernel, recurrentKernel, bias, shape);
        for (Activation a : new Activation[] {activation, recurrentActivation}) {
            if (!a.elementwise()) {
                throw KquantException.of("layer %s: activation %s is not allowed in a GRU", name, a.kerasName());
            }
        }
    }

    @Override
    public int gates() {
        return 3;
    }

    @Override
    public String kerasClass() {
        return "GRU";
    }

    /** Element {@code j} of the input bias row (all of the bias when {@code reset_after=False}); 0 without a bias. */
    public float inputBias(int j) {
        return bias == null ? 0f : bias.get(j);
    }

    /** Element {@code j} of the recurrent bias row; 0 when {@code reset_after=False} or without a bias. */
    public float recurrentBias(int j) {
        return bias == null || !resetAfter ? 0f : bias.get(3 * units + j);
    }

    @Override
    public String equation() {
        String s = recurrentActivation.kerasName();
        String a = activation.kerasName();
        String hh = resetAfter ? "hh = " + a + "(x·W_h + b_in_h + r·(h·U_h + b_rec_h))"
                : "hh = " + a + "(x·W_h + b_h + (r·h)·U_h)";
        return "[z r] = " + s + "(x_t·W + h_{t-1}·U + b), " + hh + ", h_t = z·h_{t-1} + (1 - z)·hh, h_0 = 0"
                + (resetAfter ? " (reset_after)" : "") + sequenceNote();
    }
}
