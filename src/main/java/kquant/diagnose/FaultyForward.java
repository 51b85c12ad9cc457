package kquant.diagnose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kquant.model.Activation;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.PassThrough;
import kquant.model.SimpleRnn;

/**
 * A deliberately plain float32 forward pass over SimpleRNN, Dense, Activation and training-only
 * layers, with switches for the {@link Fault}s that replay bugs of hand ports. Without a fault it
 * computes what the reference engine computes (the tests hold it to that); with one, what a port
 * with that bug computes. Java {@code float} arithmetic is IEEE float32, as in Keras.
 */
final class FaultyForward {

    /** A run's output {@code [step][unit]} and each recurrent layer's state at each step. */
    record Result(double[][] output, Map<String, double[][]> states) {
    }

    private final Model model;
    private final Fault fault;

    FaultyForward(Model model, Fault fault) {
        this.model = model;
        this.fault = fault;
    }

    /** True when the model has only layers this pass knows. */
    static boolean supports(Model model) {
        for (Layer l : model.layers()) {
            if (!(l instanceof SimpleRnn || l instanceof Dense || l instanceof ActivationLayer || l instanceof PassThrough)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs one sample.
     *
     * @param carried  for {@link Fault#INITIAL_STATE_CARRIED_OVER}: each recurrent layer's last
     *                 state from the previous sample, updated in place; otherwise ignored
     */
    Result run(double[][] sample, Map<String, float[]> carried) {
        List<float[]> v = new ArrayList<>();
        for (double[] row : sample) {
            float[] f = new float[row.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) row[i];
            }
            v.add(f);
        }
        if (fault == Fault.TIMESTEPS_REVERSED) {
            java.util.Collections.reverse(v);
        }
        Map<String, double[][]> states = new LinkedHashMap<>();
        int lastRnn = -1;
        for (int i = 0; i < model.layers().size(); i++) {
            if (model.layers().get(i) instanceof SimpleRnn) {
                lastRnn = i;
            }
        }
        List<float[]> lastSequence = null;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            if (l instanceof SimpleRnn r) {
                List<float[]> seq = simpleRnn(r, v, carried);
                double[][] s = new double[seq.size()][];
                for (int t = 0; t < s.length; t++) {
                    s[t] = toDouble(seq.get(t));
                }
                states.put(r.name(), s);
                lastSequence = seq;
                v = r.returnSequences() ? seq : List.of(seq.get(seq.size() - 1));
                if (i == lastRnn && fault == Fault.DENSE_AT_EVERY_TIMESTEP && !r.returnSequences()) {
                    v = seq; // the head now runs on every state
                }
            } else if (l instanceof Dense d) {
                List<float[]> out = new ArrayList<>();
                for (float[] x : v) {
                    out.add(dense(d, x));
                }
                v = out;
            } else if (l instanceof ActivationLayer a) {
                List<float[]> out = new ArrayList<>();
                for (float[] x : v) {
                    float[] y = new float[x.length];
                    for (int j = 0; j < x.length; j++) {
                        y[j] = act(a.activation(), x[j]);
                    }
                    out.add(y);
                }
                v = out;
            }
        }
        double[][] output = new double[v.size()][];
        for (int t = 0; t < output.length; t++) {
            output[t] = toDouble(v.get(t));
        }
        return new Result(output, states);
    }

    private List<float[]> simpleRnn(SimpleRnn r, List<float[]> x, Map<String, float[]> carried) {
        int units = r.units();
        int inputs = r.inputFeatures();
        float[] w = r.kernel().values();
        float[] u = r.recurrentKernel().values();
        float[] b = r.useBias() ? r.bias().values() : new float[units];
        float[] h = new float[units];
        if (fault == Fault.INITIAL_STATE_ONES) {
            java.util.Arrays.fill(h, 1f);
        } else if (fault == Fault.INITIAL_STATE_CARRIED_OVER && carried.containsKey(r.name())) {
            h = carried.get(r.name()).clone();
        }
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < x.size(); k++) {
            float[] xt = x.get(r.goBackwards() ? x.size() - 1 - k : k);
            float[] next = fault == Fault.STATE_UPDATED_IN_PLACE ? h : new float[units];
            for (int j = 0; j < units; j++) {
                float in = 0;
                for (int i = 0; i < inputs; i++) {
                    float wij = fault == Fault.INPUT_KERNEL_TRANSPOSED ? w[j * inputs + i] : w[i * units + j];
                    in += xt[i] * wij;
                }
                float bias = fault == Fault.BIAS_MISSING ? 0f : fault == Fault.BIAS_ADDED_TWICE ? b[j] + b[j] : b[j];
                float rec = 0;
                for (int i = 0; i < units; i++) {
                    float ukj = fault == Fault.RECURRENT_KERNEL_TRANSPOSED ? u[j * units + i] : u[i * units + j];
                    rec += h[i] * ukj;
                }
                next[j] = act(r.activation(), (in + bias) + rec);
            }
            h = next;
            out.add(h.clone());
        }
        carried.put(r.name(), h.clone());
        return out;
    }

    private float[] dense(Dense d, float[] x) {
        float[] v = d.kernel().values();
        int units = d.units();
        float[] y = new float[units];
        for (int j = 0; j < units; j++) {
            float acc = 0;
            for (int i = 0; i < x.length; i++) {
                acc += x[i] * v[i * units + j];
            }
            y[j] = acc + (d.useBias() ? d.bias().get(j) : 0f);
        }
        if (d.activation() == Activation.SOFTMAX) {
            double[] s = toDouble(y);
            Activation.applySoftmax(s);
            for (int j = 0; j < units; j++) {
                y[j] = (float) s[j];
            }
            return y;
        }
        for (int j = 0; j < units; j++) {
            y[j] = act(d.activation(), y[j]);
        }
        return y;
    }

    private float act(Activation a, float z) {
        if (a == Activation.SELU && fault == Fault.ELU_INSTEAD_OF_SELU) {
            return (float) Activation.ELU.apply(z);
        }
        if (a == Activation.SELU && fault == Fault.SELU_CONSTANTS_SWAPPED) {
            return (float) (z > 0 ? Activation.SELU_ALPHA * z : Activation.SELU_ALPHA * Activation.SELU_SCALE * StrictMath.expm1(z));
        }
        return (float) a.apply(z);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
