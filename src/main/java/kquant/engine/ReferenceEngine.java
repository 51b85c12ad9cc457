package kquant.engine;

import java.util.ArrayList;
import java.util.List;
import kquant.model.Activation;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Flatten;
import kquant.model.Gru;
import kquant.model.Lstm;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.PassThrough;
import kquant.model.Recurrent;
import kquant.model.RepeatVector;
import kquant.model.SimpleRnn;

/**
 * The plain one-sample float engine: computes what Keras computes, step by step, one sample at a
 * time, in float32 (every product and sum rounded to float, as a float32 backend does) or in
 * float64. It is kquant's float64 engine, and the simple reference the block
 * {@link FloatEngine} is held to, bit for bit, in float32.
 *
 * <p>SimpleRNN: {@code z_t = (x_t·W + b) + h_{t-1}·U}, {@code h_t = act(z_t)}, {@code h_0 = 0}.
 * The new state goes into a second buffer and the two are swapped after the step, so no unit
 * ever reads a half-updated state (the classic hand-port bug). Dense on a sequence is applied at
 * every timestep; after a SimpleRNN without {@code return_sequences} it sees only the last state.
 */
public final class ReferenceEngine implements Engine {

    private final Model model;
    private final Precision precision;
    /** Each layer's weights widened to double once, in Keras order: [kernel, recurrent kernel, bias]. */
    private final List<double[][]> weights = new ArrayList<>();

    public ReferenceEngine(Model model, Precision precision) {
        this.model = model;
        this.precision = precision;
        for (Layer layer : model.layers()) {
            double[][] w = new double[4][];
            if (layer instanceof Gru gru) {
                w[0] = gru.kernel().toDoubles();
                w[1] = gru.recurrentKernel().toDoubles();
                w[2] = new double[3 * gru.units()];
                w[3] = new double[3 * gru.units()];
                for (int j = 0; j < 3 * gru.units(); j++) {
                    w[2][j] = gru.inputBias(j);
                    w[3][j] = gru.recurrentBias(j);
                }
            } else if (layer instanceof Recurrent rnn) {
                w[0] = rnn.kernel().toDoubles();
                w[1] = rnn.recurrentKernel().toDoubles();
                w[2] = rnn.useBias() ? rnn.bias().toDoubles() : new double[rnn.gates() * rnn.units()];
            } else if (layer instanceof Dense dense) {
                w[0] = dense.kernel().toDoubles();
                w[2] = dense.useBias() ? dense.bias().toDoubles() : new double[dense.units()];
            }
            weights.add(w);
        }
    }

    @Override
    public Model model() {
        return model;
    }

    public Precision precision() {
        return precision;
    }

    /** Runs the block's samples one after another; a sink receives each tensor for the whole block. */
    @Override
    public Runner runner(int lanes) {
        return new Runner() {
            private double[][][] outputs = new double[0][][];

            @Override
            public int lanes() {
                return lanes;
            }

            @Override
            public void run(float[] input, int offset, int count, BlockSink sink) {
                int steps = FloatEngine.stepsOf(model.inputShape());
                int features = model.inputShape().features();
                outputs = new double[count][][];
                List<Trace> traces = new ArrayList<>();
                for (int s = 0; s < count; s++) {
                    double[][] x = new double[steps][features];
                    for (int t = 0; t < steps; t++) {
                        for (int f = 0; f < features; f++) {
                            x[t][f] = input[offset + (s * steps + t) * features + f];
                        }
                    }
                    if (sink == null) {
                        outputs[s] = forward(x, null);
                    } else {
                        // the model's output, not the trace's last tensor: a last recurrent layer
                        // without return_sequences records every step of its state
                        Trace.Builder builder = new Trace.Builder();
                        outputs[s] = forward(x, builder);
                        traces.add(builder.build());
                    }
                }
                if (sink != null) {
                    emit(traces, sink);
                }
            }

            @Override
            public int outputSteps() {
                return outputs[0].length;
            }

            @Override
            public int outputUnits() {
                return outputs[0][0].length;
            }

            @Override
            public double output(int s, int t, int j) {
                return outputs[s][t][j];
            }
        };
    }

    /** Hands every tensor of the block's traces to the sink, step by step, in block layout. */
    private static void emit(List<Trace> traces, BlockSink sink) {
        for (String name : traces.get(0).names()) {
            double[][] first = traces.get(0).get(name);
            int units = first[0].length;
            double[][] rows = new double[units][traces.size()];
            for (int t = 0; t < first.length; t++) {
                for (int s = 0; s < traces.size(); s++) {
                    double[] v = traces.get(s).get(name)[t];
                    for (int j = 0; j < units; j++) {
                        rows[j][s] = v[j];
                    }
                }
                sink.doubles(name, t, rows, 0, units, traces.size());
            }
        }
    }

    @Override
    public String name() {
        return precision.cliName();
    }

    @Override
    public double[][] run(double[][] sample) {
        return forward(sample, null);
    }

    @Override
    public Trace trace(double[][] sample) {
        Trace.Builder builder = new Trace.Builder();
        forward(sample, builder);
        return builder.build();
    }

    private double[][] forward(double[][] sample, TraceSink trace) {
        double[][] v = new double[sample.length][];
        for (int t = 0; t < sample.length; t++) {
            v[t] = new double[sample[t].length];
            for (int f = 0; f < sample[t].length; f++) {
                v[t][f] = precision.round(sample[t][f]);
            }
        }
        if (trace != null) {
            trace.put("input", v);
        }
        for (int i = 0; i < model.layers().size(); i++) {
            v = apply(model.layers().get(i), weights.get(i), v, trace);
        }
        return v;
    }

    private double[][] apply(Layer layer, double[][] w, double[][] in, TraceSink trace) {
        double[][] out;
        if (layer instanceof SimpleRnn rnn) {
            return simpleRnn(rnn, w, in, trace);
        } else if (layer instanceof Lstm lstm) {
            return lstm(lstm, w, in, trace);
        } else if (layer instanceof Gru gru) {
            return gru(gru, w, in, trace);
        } else if (layer instanceof Dense dense) {
            return dense(dense, w, in, trace);
        } else if (layer instanceof ActivationLayer a) {
            out = new double[in.length][];
            for (int t = 0; t < in.length; t++) {
                out[t] = activate(a.activation(), in[t]);
            }
        } else if (layer instanceof Flatten) {
            out = new double[][] {flatten(in)};
        } else if (layer instanceof RepeatVector r) {
            out = new double[r.times()][];
            for (int t = 0; t < r.times(); t++) {
                out[t] = in[0].clone();
            }
        } else if (layer instanceof PassThrough) {
            out = in;
        } else {
            throw new IllegalStateException("no float kernel for " + layer.kerasClass());
        }
        if (trace != null) {
            trace.put(layer.name() + "/output", out);
        }
        return out;
    }

    /** One SimpleRNN over the whole sequence; see the class comment for the update. */
    private double[][] simpleRnn(SimpleRnn rnn, double[][] weights, double[][] x, TraceSink trace) {
        int units = rnn.units();
        int steps = x.length;
        double[] w = weights[0];
        double[] u = weights[1];
        double[] b = weights[2];
        double[] h = new double[units];
        double[] hNext = new double[units];
        double[][] sequence = rnn.returnSequences() ? new double[steps][] : null;
        for (int k = 0; k < steps; k++) {
            double[] xt = x[rnn.goBackwards() ? steps - 1 - k : k];
            double[] inputPart = matVec(xt, w, units);
            double[] recurrentPart = matVec(h, u, units);
            double[] z = new double[units];
            for (int j = 0; j < units; j++) {
                z[j] = precision.round(precision.round(inputPart[j] + b[j]) + recurrentPart[j]);
                hNext[j] = precision.round(rnn.activation().apply(z[j]));
            }
            double[] old = h;
            h = hNext;
            hNext = old;
            if (sequence != null) {
                sequence[k] = h.clone();
            }
            if (trace != null) {
                String n = rnn.name() + "/";
                trace.step(n + "input_part", inputPart);
                trace.step(n + "recurrent_part", recurrentPart);
                trace.step(n + "preact", z);
                trace.step(n + "state", h);
            }
        }
        return sequence != null ? sequence : new double[][] {h.clone()};
    }

    /** One LSTM over the sequence, in Keras's order: {@code a = (x·W + h·U) + b}, {@code c = f·c + i·g}, {@code h = o·act(c)}. */
    private double[][] lstm(Lstm lstm, double[][] weights, double[][] x, TraceSink trace) {
        int u = lstm.units();
        int steps = x.length;
        double[] h = new double[u];
        double[] c = new double[u];
        double[][] sequence = lstm.returnSequences() ? new double[steps][] : null;
        String n = lstm.name() + "/";
        for (int k = 0; k < steps; k++) {
            double[] inputPart = matVec(x[lstm.goBackwards() ? steps - 1 - k : k], weights[0], 4 * u);
            double[] recurrentPart = matVec(h, weights[1], 4 * u);
            double[] z = new double[4 * u];
            double[] gate = new double[4 * u];
            for (int j = 0; j < 4 * u; j++) {
                z[j] = precision.round(precision.round(inputPart[j] + recurrentPart[j]) + weights[2][j]);
                gate[j] = precision.round((j / u == 2 ? lstm.activation() : lstm.recurrentActivation()).apply(z[j]));
            }
            double[] act = new double[u];
            for (int j = 0; j < u; j++) {
                double fc = precision.round(gate[u + j] * c[j]);
                double ig = precision.round(gate[j] * gate[2 * u + j]);
                c[j] = precision.round(fc + ig);
                act[j] = precision.round(lstm.activation().apply(c[j]));
                h[j] = precision.round(gate[3 * u + j] * act[j]);
            }
            if (sequence != null) {
                sequence[k] = h.clone();
            }
            if (trace != null) {
                trace.step(n + "input_part", inputPart);
                trace.step(n + "recurrent_part", recurrentPart);
                for (int g = 0; g < 4; g++) {
                    trace.step(n + Lstm.GATES.get(g) + "_preact", java.util.Arrays.copyOfRange(z, g * u, (g + 1) * u));
                    trace.step(n + Lstm.GATES.get(g), java.util.Arrays.copyOfRange(gate, g * u, (g + 1) * u));
                }
                trace.step(n + "cell", c);
                trace.step(n + "cell_act", act);
                trace.step(n + "state", h);
            }
        }
        return sequence != null ? sequence : new double[][] {h.clone()};
    }

    /**
     * One GRU over the sequence, in Keras 3's order: {@code x·W + b_in} and {@code h·U + b_rec}
     * first, then the gates; {@code h = z·h + (1 - z)·hh}.
     */
    private double[][] gru(Gru gru, double[][] weights, double[][] x, TraceSink trace) {
        int u = gru.units();
        int steps = x.length;
        boolean after = gru.resetAfter();
        double[] h = new double[u];
        double[][] sequence = gru.returnSequences() ? new double[steps][] : null;
        String n = gru.name() + "/";
        for (int k = 0; k < steps; k++) {
            double[] inputPart = matVec(x[gru.goBackwards() ? steps - 1 - k : k], weights[0], 3 * u);
            double[] recurrentPart = matVec(h, weights[1], 3 * u);
            double[] z = new double[3 * u];
            double[] gate = new double[3 * u];
            double[] mx = new double[3 * u];
            double[] mh = new double[3 * u];
            for (int j = 0; j < 3 * u; j++) {
                mx[j] = precision.round(inputPart[j] + weights[2][j]);
                mh[j] = precision.round(recurrentPart[j] + weights[3][j]);
            }
            for (int j = 0; j < 2 * u; j++) {
                z[j] = precision.round(mx[j] + mh[j]);
                gate[j] = precision.round(gru.recurrentActivation().apply(z[j]));
            }
            double[] between = new double[u];
            for (int j = 0; j < u; j++) {
                between[j] = after ? mh[2 * u + j] : precision.round(gate[u + j] * h[j]);
            }
            if (!after) {
                System.arraycopy(matVec(between, weights[1], 3 * u), 2 * u, recurrentPart, 2 * u, u);
            }
            for (int j = 0; j < u; j++) {
                double rec = after ? precision.round(gate[u + j] * between[j]) : recurrentPart[2 * u + j];
                z[2 * u + j] = precision.round(mx[2 * u + j] + rec);
                gate[2 * u + j] = precision.round(gru.activation().apply(z[2 * u + j]));
            }
            for (int j = 0; j < u; j++) {
                double zj = gate[j];
                h[j] = precision.round(precision.round(zj * h[j]) + precision.round(precision.round(1 - zj) * gate[2 * u + j]));
            }
            if (sequence != null) {
                sequence[k] = h.clone();
            }
            if (trace != null) {
                trace.step(n + "input_part", inputPart);
                for (int g = 0; g < 2; g++) {
                    trace.step(n + Gru.GATES.get(g) + "_preact", java.util.Arrays.copyOfRange(z, g * u, (g + 1) * u));
                    trace.step(n + Gru.GATES.get(g), java.util.Arrays.copyOfRange(gate, g * u, (g + 1) * u));
                }
                trace.step(n + (after ? "hh_recurrent" : "reset_state"), between);
                trace.step(n + "recurrent_part", recurrentPart);
                trace.step(n + "hh_preact", java.util.Arrays.copyOfRange(z, 2 * u, 3 * u));
                trace.step(n + "hh", java.util.Arrays.copyOfRange(gate, 2 * u, 3 * u));
                trace.step(n + "state", h);
            }
        }
        return sequence != null ? sequence : new double[][] {h.clone()};
    }

    private double[][] dense(Dense dense, double[][] weights, double[][] in, TraceSink trace) {
        int units = dense.units();
        double[] v = weights[0];
        double[] c = weights[2];
        double[][] out = new double[in.length][];
        for (int t = 0; t < in.length; t++) {
            double[] z = matVec(in[t], v, units);
            for (int j = 0; j < units; j++) {
                z[j] = precision.round(z[j] + c[j]);
            }
            out[t] = activate(dense.activation(), z);
            if (trace != null) {
                trace.step(dense.name() + "/preact", z);
                trace.step(dense.name() + "/output", out[t]);
            }
        }
        return out;
    }

    /** {@code x · m} for a row-major {@code (x.length, cols)} matrix, summed in index order. */
    private double[] matVec(double[] x, double[] m, int cols) {
        double[] acc = new double[cols];
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
                acc[j] = precision.round(acc[j] + precision.round(xi * m[row + j]));
            }
        }
        return acc;
    }

    private double[] activate(Activation a, double[] z) {
        double[] y = new double[z.length];
        if (a == Activation.SOFTMAX) {
            System.arraycopy(z, 0, y, 0, z.length);
            Activation.applySoftmax(y);
        } else {
            for (int j = 0; j < z.length; j++) {
                y[j] = a.apply(z[j]);
            }
        }
        for (int j = 0; j < y.length; j++) {
            y[j] = precision.round(y[j]);
        }
        return y;
    }

    private static double[] flatten(double[][] in) {
        int f = in[0].length;
        double[] out = new double[in.length * f];
        for (int t = 0; t < in.length; t++) {
            System.arraycopy(in[t], 0, out, t * f, f);
        }
        return out;
    }

}
