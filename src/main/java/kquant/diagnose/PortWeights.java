package kquant.diagnose;

import kquant.model.Gru;
import kquant.model.Lstm;
import kquant.model.Recurrent;

/**
 * A recurrent layer's weights as a port reads them, in Keras's layout: W {@code (features, G·u)}
 * and U {@code (u, G·u)} row-major with the gate blocks side by side, the bias added to x·W
 * ({@code inputBias}, all of it except a reset_after GRU's second row) and the bias added to h·U
 * ({@code recurrentBias}, that second row, else zeros). The faults that misread weights (a
 * transposed kernel or gate block, gates in another order, a bias left out, doubled or moved) are
 * applied here, once, so that each layer's replay runs the plain equations on what it is given.
 */
record PortWeights(float[] w, float[] u, float[] inputBias, float[] recurrentBias) {

    static PortWeights of(Recurrent layer, Variant v) {
        int units = layer.units();
        int width = layer.gates() * units;
        int features = layer.inputFeatures();
        float[] w = layer.kernel().values().clone();
        float[] u = layer.recurrentKernel().values().clone();
        float[] inputBias = new float[width];
        float[] recurrentBias = new float[width];
        for (int j = 0; j < width; j++) {
            inputBias[j] = layer instanceof Gru g ? g.inputBias(j) : layer.useBias() ? layer.bias().get(j) : 0f;
            recurrentBias[j] = layer instanceof Gru g ? g.recurrentBias(j) : 0f;
        }
        Fault f = v.fault();
        if (f == null) {
            return new PortWeights(w, u, inputBias, recurrentBias);
        }
        switch (f) {
            case INPUT_KERNEL_TRANSPOSED -> w = transposed(w, features, width);
            case RECURRENT_KERNEL_TRANSPOSED -> u = transposed(u, units, width);
            case GATE_INPUT_KERNEL_TRANSPOSED -> w = hasGate(layer, v) ? blockTransposed(w, features, units, width, v.gate()) : w;
            case GATE_RECURRENT_KERNEL_TRANSPOSED -> u = hasGate(layer, v) ? blockTransposed(u, units, units, width, v.gate()) : u;
            case BIAS_MISSING -> {
                inputBias = new float[width];
                recurrentBias = new float[width];
            }
            case BIAS_ADDED_TWICE -> {
                inputBias = doubled(inputBias);
                recurrentBias = doubled(recurrentBias);
            }
            case GRU_RECURRENT_BIAS_MISSING -> recurrentBias = new float[width];
            case GRU_RECURRENT_BIAS_OUTSIDE_RESET -> {
                for (int j = 2 * units; j < width; j++) {
                    inputBias[j] += recurrentBias[j];
                    recurrentBias[j] = 0f;
                }
            }
            default -> {
                String order = portOrder(layer, f);
                if (order != null) {
                    String keras = layer instanceof Lstm ? "ifco" : "zrh";
                    int[] from = new int[order.length()];
                    for (int p = 0; p < from.length; p++) {
                        from[p] = order.indexOf(keras.charAt(p));
                    }
                    w = gatesFrom(w, features, units, from);
                    u = gatesFrom(u, units, units, from);
                    inputBias = gatesFrom(inputBias, 1, units, from);
                    recurrentBias = gatesFrom(recurrentBias, 1, units, from);
                }
            }
        }
        return new PortWeights(w, u, inputBias, recurrentBias);
    }

    /** Column {@code col} of x·W, summed in input order as the reference engine does. */
    float inputDot(float[] x, int col) {
        return dot(x, w, col);
    }

    /** Column {@code col} of h·U, summed in unit order. */
    float recurrentDot(float[] h, int col) {
        return dot(h, u, col);
    }

    private float dot(float[] x, float[] m, int col) {
        int width = inputBias.length;
        float acc = 0f;
        for (int i = 0; i < x.length; i++) {
            acc += x[i] * m[i * width + col];
        }
        return acc;
    }

    /** The gate order a port with fault {@code f} assumes, in Keras letters (c for the LSTM's cell candidate); null if f keeps Keras's. */
    private static String portOrder(Recurrent layer, Fault f) {
        if (layer instanceof Lstm) {
            switch (f) {
                case LSTM_GATE_ORDER_ICFO: return "icfo";
                case LSTM_GATE_ORDER_IOFC: return "iofc";
                case LSTM_GATE_ORDER_CFOI: return "cfoi";
                default: return null;
            }
        }
        return layer instanceof Gru && f == Fault.GRU_GATE_ORDER_RZH ? "rzh" : null;
    }

    /** True when the layer is an LSTM or GRU with the variant's gate block (a model may mix them). */
    private static boolean hasGate(Recurrent layer, Variant v) {
        return layer.gates() > 1 && v.gate() < layer.gates();
    }

    /** A {@code (rows, cols)} matrix read as if stored {@code (cols, rows)}: element (i, j) comes from m[j·rows + i]. */
    private static float[] transposed(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[i * cols + j] = m[j * rows + i];
            }
        }
        return t;
    }

    /**
     * Gate block {@code g} (columns g·u to g·u + u - 1 of a {@code (rows, width)} matrix) copied out
     * as a {@code (rows, u)} matrix and read as if stored {@code (u, rows)}; the other blocks as they are.
     */
    private static float[] blockTransposed(float[] m, int rows, int units, int width, int g) {
        float[] block = new float[rows * units];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(m, i * width + g * units, block, i * units, units);
        }
        float[] read = transposed(block, rows, units);
        float[] t = m.clone();
        for (int i = 0; i < rows; i++) {
            System.arraycopy(read, i * units, t, i * width + g * units, units);
        }
        return t;
    }

    /** Block p of each row of the result is block {@code from[p]} of m's row. */
    private static float[] gatesFrom(float[] m, int rows, int units, int[] from) {
        int width = from.length * units;
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int p = 0; p < from.length; p++) {
                System.arraycopy(m, i * width + from[p] * units, t, i * width + p * units, units);
            }
        }
        return t;
    }

    private static float[] doubled(float[] b) {
        float[] d = new float[b.length];
        for (int j = 0; j < b.length; j++) {
            d[j] = b[j] + b[j];
        }
        return d;
    }
}
