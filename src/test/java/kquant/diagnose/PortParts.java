package kquant.diagnose;

import kquant.model.Dense;
import kquant.model.Model;

/**
 * What the LSTM and GRU hand ports share, written from the textbook formulas and nothing of
 * kquant's: the rounding switch, the activations, and the Dense head.
 */
final class PortParts {

    private PortParts() {
    }

    /** Every product and sum rounded to float32, or left in double. */
    record Rounding(boolean float32) {
        double r(double v) {
            return float32 ? (float) v : v;
        }
    }

    /** The activations these models use, by kquant's enum name (which says which hard_sigmoid the file means). */
    static double function(String name, double z) {
        switch (name) {
            case "TANH": return Math.tanh(z);
            case "SIGMOID": return 1 / (1 + Math.exp(-z));
            case "HARD_SIGMOID": return Math.max(0, Math.min(1, 0.2 * z + 0.5));
            case "HARD_SIGMOID_KERAS3": return Math.max(0, Math.min(6, z + 3)) / 6;
            case "RELU": return Math.max(0, z);
            case "LINEAR": return z;
            default: throw new IllegalArgumentException("the hand port has no " + name);
        }
    }

    /** The model's last layer, a linear Dense: {@code y = h·V + b}, V (units, out), summed in unit order. */
    record Head(float[] v, float[] b, int out) {

        static Head of(Model m) {
            Dense d = (Dense) m.layers().get(m.layers().size() - 1);
            return new Head(d.kernel().values(), d.bias().values(), d.units());
        }

        double[][] apply(double[][] rows, Rounding r) {
            double[][] y = new double[rows.length][out];
            for (int t = 0; t < rows.length; t++) {
                for (int o = 0; o < out; o++) {
                    double acc = 0;
                    for (int k = 0; k < rows[t].length; k++) {
                        acc = r.r(acc + r.r(rows[t][k] * v[k * out + o]));
                    }
                    y[t][o] = r.r(acc + b[o]);
                }
            }
            return y;
        }
    }
}
