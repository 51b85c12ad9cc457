package kquant.diagnose;

import kquant.model.Dense;
import kquant.model.Model;
import kquant.model.SimpleRnn;

/**
 * A hand port of the demo model (SimpleRNN(48, selu) + Dense(4)) written the way users write
 * them, in double, with one switch per known bug. It shares no code with kquant's engines or its
 * diagnosis: the test oracle for {@code kquant diff}.
 */
final class HandPort {

    enum Bug { NONE, IN_PLACE, DENSE_EVERY_STEP, W_TRANSPOSED, U_TRANSPOSED, NO_BIAS, BIAS_TWICE, CARRIED_STATE, ONES_STATE, ELU, SELU_SWAPPED,
        RAW_INPUTS, REVERSED }

    static final double SCALE = 1.0507009873554805;
    static final double ALPHA = 1.6732632423543772;

    final float[] w;
    final float[] u;
    final float[] b;
    final float[] v;
    final float[] c;
    final int in;
    final int units;
    final int out;

    HandPort(Model m) {
        SimpleRnn r = (SimpleRnn) m.layers().get(0);
        Dense d = (Dense) m.layers().get(1);
        w = r.kernel().values();
        u = r.recurrentKernel().values();
        b = r.bias().values();
        v = d.kernel().values();
        c = d.bias().values();
        in = r.inputFeatures();
        units = r.units();
        out = d.units();
    }

    /** The states [sample][step][unit] and outputs [sample][step][unit] of a port with {@code bug}. */
    double[][][][] run(double[][][] x, Bug bug, double[] mean, double[] std) {
        int n = x.length;
        int steps = x[0].length;
        double[][][] states = new double[n][steps][];
        double[][][] outputs = new double[n][][];
        double[] carried = new double[units];
        for (int s = 0; s < n; s++) {
            double[] values = new double[units];
            if (bug == Bug.ONES_STATE) {
                java.util.Arrays.fill(values, 1.0);
            }
            if (bug == Bug.CARRIED_STATE) {
                values = carried.clone();
            }
            for (int t = 0; t < steps; t++) {
                double[] xt = x[s][bug == Bug.REVERSED ? steps - 1 - t : t].clone();
                if (bug == Bug.RAW_INPUTS) {
                    for (int f = 0; f < mean.length; f++) {
                        xt[f] = xt[f] * std[f] + mean[f];
                    }
                }
                // the classic: values_prev = values aliases the array when IN_PLACE
                double[] valuesPrev = bug == Bug.IN_PLACE ? values : values.clone();
                double[] next = bug == Bug.IN_PLACE ? values : new double[units];
                for (int j = 0; j < units; j++) {
                    double z = bug == Bug.NO_BIAS ? 0 : bug == Bug.BIAS_TWICE ? 2 * b[j] : b[j];
                    for (int i = 0; i < in; i++) {
                        z += xt[i] * (bug == Bug.W_TRANSPOSED ? w[j * in + i] : w[i * units + j]);
                    }
                    for (int k = 0; k < units; k++) {
                        z += valuesPrev[k] * (bug == Bug.U_TRANSPOSED ? u[j * units + k] : u[k * units + j]);
                    }
                    next[j] = bug == Bug.ELU ? (z > 0 ? z : Math.exp(z) - 1)
                            : bug == Bug.SELU_SWAPPED ? (z > 0 ? ALPHA * z : ALPHA * SCALE * (Math.exp(z) - 1))
                            : (z > 0 ? SCALE * z : SCALE * ALPHA * (Math.exp(z) - 1));
                }
                values = next;
                states[s][t] = values.clone();
            }
            carried = values.clone();
            int rows = bug == Bug.DENSE_EVERY_STEP ? steps : 1;
            outputs[s] = new double[rows][];
            for (int r = 0; r < rows; r++) {
                double[] h = bug == Bug.DENSE_EVERY_STEP ? states[s][r] : values;
                double[] y = new double[out];
                for (int o = 0; o < out; o++) {
                    y[o] = c[o];
                    for (int k = 0; k < units; k++) {
                        y[o] += h[k] * v[k * out + o];
                    }
                }
                outputs[s][r] = y;
            }
        }
        return new double[][][][] {states, outputs};
    }
}
