package kquant.diagnose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kquant.model.Activation;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Flatten;
import kquant.model.Gru;
import kquant.model.Layer;
import kquant.model.Lstm;
import kquant.model.Model;
import kquant.model.PassThrough;
import kquant.model.Recurrent;
import kquant.model.RepeatVector;
import kquant.model.SimpleRnn;

/**
 * A deliberately plain float32 forward pass over SimpleRNN, LSTM, GRU, Dense, Activation,
 * RepeatVector, Flatten and training-only layers, with switches for the {@link Fault}s that replay
 * bugs of hand ports. Without a fault it computes what the reference engine computes, in the same
 * order, bit for bit (the tests hold it to that); with one, what a port with that bug computes.
 * Java {@code float} arithmetic is IEEE float32, as in Keras. The LSTM and GRU steps are in
 * {@link FaultyLstm} and {@link FaultyGru}; misread weights in {@link PortWeights}.
 */
final class FaultyForward {

    /** A run's output {@code [step][unit]}, each recurrent layer's state h and each LSTM's cell c at each step. */
    record Result(double[][] output, Map<String, double[][]> states, Map<String, double[][]> cells) {
    }

    /** One recurrent layer's h (and an LSTM's c, else null) after every step, in processing order. */
    record Run(List<float[]> h, List<float[]> c) {
    }

    private final Model model;
    private final Variant variant;

    FaultyForward(Model model, Variant variant) {
        this.model = model;
        this.variant = variant;
    }

    /** True when the model has only layers this pass knows. */
    static boolean supports(Model model) {
        for (Layer l : model.layers()) {
            if (!(l instanceof Recurrent || l instanceof Dense || l instanceof ActivationLayer || l instanceof PassThrough
                    || l instanceof RepeatVector || l instanceof Flatten)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs one sample.
     *
     * @param carried  for {@link Fault#INITIAL_STATE_CARRIED_OVER}: each recurrent layer's last
     *                 state (h, c) from the previous sample, updated in place; otherwise ignored
     */
    Result run(double[][] sample, Map<String, float[][]> carried) {
        List<float[]> v = new ArrayList<>();
        for (double[] row : sample) {
            float[] f = new float[row.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) row[i];
            }
            v.add(f);
        }
        if (variant.is(Fault.TIMESTEPS_REVERSED)) {
            Collections.reverse(v);
        }
        Map<String, double[][]> states = new LinkedHashMap<>();
        Map<String, double[][]> cells = new LinkedHashMap<>();
        int lastRecurrent = -1;
        for (int i = 0; i < model.layers().size(); i++) {
            if (model.layers().get(i) instanceof Recurrent) {
                lastRecurrent = i;
            }
        }
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            if (l instanceof Recurrent r) {
                Run run = recurrent(r, v, start(r, carried));
                carried.put(r.name(), new float[][] {last(run.h()), run.c() == null ? null : last(run.c())});
                states.put(r.name(), toDouble(run.h()));
                if (run.c() != null) {
                    cells.put(r.name(), toDouble(run.c()));
                }
                List<float[]> seq = run.h();
                v = r.returnSequences() ? seq : List.of(seq.get(seq.size() - 1));
                if (i == lastRecurrent && variant.is(Fault.DENSE_AT_EVERY_TIMESTEP) && !r.returnSequences()) {
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
                        y[j] = variant.act(a.activation(), x[j]);
                    }
                    out.add(y);
                }
                v = out;
            } else if (l instanceof RepeatVector rv) {
                v = Collections.nCopies(rv.times(), v.get(0));
            } else if (l instanceof Flatten) {
                float[] flat = new float[v.size() * v.get(0).length];
                for (int t = 0; t < v.size(); t++) {
                    System.arraycopy(v.get(t), 0, flat, t * v.get(t).length, v.get(t).length);
                }
                v = List.of(flat);
            }
        }
        return new Result(toDouble(v), states, cells);
    }

    private Run recurrent(Recurrent r, List<float[]> x, float[][] start) {
        List<float[]> inOrder = new ArrayList<>(x);
        if (r.goBackwards()) {
            Collections.reverse(inOrder);
        }
        Run run;
        if (r instanceof Lstm lstm) {
            run = new FaultyLstm(lstm, variant).run(inOrder, start[0], start[1]);
        } else if (r instanceof Gru gru) {
            run = new FaultyGru(gru, variant).run(inOrder, start[0]);
        } else {
            run = simpleRnn((SimpleRnn) r, inOrder, start[0]);
        }
        return run;
    }

    private static float[] last(List<float[]> steps) {
        return steps.get(steps.size() - 1).clone();
    }

    /** The state (h, c) a layer starts from: zeros, ones, or the previous sample's last. */
    private float[][] start(Recurrent r, Map<String, float[][]> carried) {
        float[] h = new float[r.units()];
        float[] c = new float[r.units()];
        if (variant.is(Fault.INITIAL_STATE_ONES)) {
            Arrays.fill(h, 1f);
            Arrays.fill(c, 1f);
        } else if (variant.is(Fault.INITIAL_STATE_CARRIED_OVER) && carried.containsKey(r.name())) {
            float[][] last = carried.get(r.name());
            h = last[0].clone();
            c = last[1] == null ? c : last[1].clone();
        }
        return new float[][] {h, c};
    }

    /** SimpleRNN: {@code h = act((x·W + b) + h·U)}; with the state updated in place, h·U reads the units already written. */
    private Run simpleRnn(SimpleRnn r, List<float[]> x, float[] h) {
        int units = r.units();
        PortWeights p = PortWeights.of(r, variant);
        List<float[]> out = new ArrayList<>();
        for (float[] xt : x) {
            float[] next = variant.is(Fault.STATE_UPDATED_IN_PLACE) ? h : new float[units];
            for (int j = 0; j < units; j++) {
                next[j] = variant.act(r.activation(), (p.inputDot(xt, j) + p.inputBias()[j]) + p.recurrentDot(h, j));
            }
            h = next;
            out.add(h.clone());
        }
        return new Run(out, null);
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
            double[] s = new double[units];
            for (int j = 0; j < units; j++) {
                s[j] = y[j];
            }
            Activation.applySoftmax(s);
            for (int j = 0; j < units; j++) {
                y[j] = (float) s[j];
            }
            return y;
        }
        for (int j = 0; j < units; j++) {
            y[j] = variant.act(d.activation(), y[j]);
        }
        return y;
    }

    private static double[][] toDouble(List<float[]> rows) {
        double[][] d = new double[rows.size()][];
        for (int t = 0; t < d.length; t++) {
            float[] f = rows.get(t);
            d[t] = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[t][i] = f[i];
            }
        }
        return d;
    }
}
