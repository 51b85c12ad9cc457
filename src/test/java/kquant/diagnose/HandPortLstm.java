package kquant.diagnose;

import kquant.model.Lstm;
import kquant.model.Model;

/**
 * A hand port of an LSTM + Dense model written the way users write one: one unit at a time, each
 * gate's weights sliced out of Keras's (features, 4u) kernel, with one switch per known bug. It
 * follows the equations of ../shared/references/README.md and shares no code with kquant's engines
 * or its replay of faults: the test oracle for {@code kquant diff} on LSTMs. It computes in double,
 * or with {@code float32} every product and sum rounded to float, in Keras's order
 * ({@code a = (x·W + h·U) + b}).
 */
final class HandPortLstm {

    enum Bug { NONE, IN_PLACE, DENSE_EVERY_STEP, W_TRANSPOSED, U_TRANSPOSED, NO_BIAS, BIAS_TWICE, CARRIED_STATE, ONES_STATE, RAW_INPUTS,
        REVERSED, ORDER_ICFO, ORDER_IOFC, ORDER_CFOI, H_C_SWAPPED, C_NOT_CARRIED, O_TIMES_C, SIGMOID_FOR_HARD, HARD_FOR_SIGMOID,
        K2_HARD_FOR_K3, K3_HARD_FOR_K2, GATE_W_TRANSPOSED, GATE_U_TRANSPOSED }

    /** What a run gives: h and c after every step, and the Dense outputs ([sample][row][unit]). */
    record Numbers(double[][][] h, double[][][] c, double[][][] y) {
    }

    private final float[] kernel;
    private final float[] recurrent;
    private final float[] bias;
    private final PortParts.Head head;
    private final int in;
    private final int units;
    private final String activation;
    private final String gateActivation;

    HandPortLstm(Model m) {
        Lstm l = (Lstm) m.layers().get(0);
        kernel = l.kernel().values();
        recurrent = l.recurrentKernel().values();
        bias = l.bias().values();
        head = PortParts.Head.of(m);
        in = l.inputFeatures();
        units = l.units();
        activation = l.activation().name();
        gateActivation = l.recurrentActivation().name();
    }

    /**
     * Runs every sample.
     *
     * @param gate  for the GATE_ bugs: which gate's block (0 to 3 for i, f, c, o)
     */
    Numbers run(double[][][] x, Bug bug, int gate, boolean float32, double[] mean, double[] std) {
        PortParts.Rounding r = new PortParts.Rounding(float32);
        String order = bug == Bug.ORDER_ICFO ? "icfo" : bug == Bug.ORDER_IOFC ? "iofc" : bug == Bug.ORDER_CFOI ? "cfoi" : "ifco";
        int steps = x[0].length;
        double[][][] hs = new double[x.length][steps][];
        double[][][] cs = new double[x.length][steps][];
        double[][][] ys = new double[x.length][][];
        double[] h = new double[units];
        double[] c = new double[units];
        for (int s = 0; s < x.length; s++) {
            if (bug != Bug.CARRIED_STATE) {
                h = new double[units];
                c = new double[units];
            }
            if (bug == Bug.ONES_STATE) {
                java.util.Arrays.fill(h, 1.0);
                java.util.Arrays.fill(c, 1.0);
            }
            for (int t = 0; t < steps; t++) {
                double[] xt = x[s][bug == Bug.REVERSED ? steps - 1 - t : t].clone();
                if (bug == Bug.RAW_INPUTS) {
                    for (int f = 0; f < mean.length; f++) {
                        xt[f] = r.r(xt[f] * std[f] + mean[f]);
                    }
                }
                // the classic: h_prev = h aliases the array when IN_PLACE
                double[] hPrev = bug == Bug.IN_PLACE ? h : h.clone();
                double[] hNext = bug == Bug.IN_PLACE ? h : new double[units];
                double[] cNext = new double[units];
                for (int j = 0; j < units; j++) {
                    double[] a = new double[4];
                    for (int q = 0; q < 4; q++) {
                        // the port's gate q (i, f, c, o) is the block where its order puts that letter
                        int block = order.indexOf("ifco".charAt(q));
                        double xw = 0;
                        for (int k = 0; k < in; k++) {
                            xw = r.r(xw + r.r(xt[k] * w(bug, gate, block, k, j)));
                        }
                        double hu = 0;
                        for (int k = 0; k < units; k++) {
                            hu = r.r(hu + r.r(hPrev[k] * u(bug, gate, block, k, j)));
                        }
                        double b = bug == Bug.NO_BIAS ? 0 : bias[block * units + j];
                        a[q] = r.r(r.r(xw + hu) + b);
                        if (bug == Bug.BIAS_TWICE) {
                            a[q] = r.r(a[q] + b);
                        }
                    }
                    double i = r.r(gateFunction(bug, a[0]));
                    double f = r.r(gateFunction(bug, a[1]));
                    double g = r.r(PortParts.function(activation, a[2]));
                    double o = r.r(gateFunction(bug, a[3]));
                    double cPrev = bug == Bug.C_NOT_CARRIED ? 0 : c[j];
                    cNext[j] = r.r(r.r(f * cPrev) + r.r(i * g));
                    hNext[j] = bug == Bug.O_TIMES_C ? r.r(o * cNext[j]) : r.r(o * r.r(PortParts.function(activation, cNext[j])));
                }
                hs[s][t] = hNext.clone();
                cs[s][t] = cNext.clone();
                // TF1's LSTMStateTuple is (c, h); Keras's state list is [h, c]
                h = bug == Bug.H_C_SWAPPED ? cNext : hNext;
                c = bug == Bug.H_C_SWAPPED ? hNext : cNext;
            }
            ys[s] = head.apply(bug == Bug.DENSE_EVERY_STEP ? hs[s] : new double[][] {hs[s][steps - 1]}, r);
        }
        return new Numbers(hs, cs, ys);
    }

    /** W of gate block {@code block}, input k, unit j, as the port reads it. */
    private double w(Bug bug, int gate, int block, int k, int j) {
        int width = 4 * units;
        if (bug == Bug.W_TRANSPOSED) {
            return kernel[(block * units + j) * in + k]; // the whole (in, 4u) kernel taken as (4u, in)
        }
        if (bug == Bug.GATE_W_TRANSPOSED && block == gate) {
            int flat = j * in + k; // this gate's (in, u) block copied out, then indexed as (u, in)
            return kernel[(flat / units) * width + block * units + flat % units];
        }
        return kernel[k * width + block * units + j];
    }

    /** U of gate block {@code block}, unit k of the state, unit j of the gate, as the port reads it. */
    private double u(Bug bug, int gate, int block, int k, int j) {
        int width = 4 * units;
        if (bug == Bug.U_TRANSPOSED) {
            return recurrent[(block * units + j) * units + k];
        }
        if (bug == Bug.GATE_U_TRANSPOSED && block == gate) {
            return recurrent[j * width + block * units + k];
        }
        return recurrent[k * width + block * units + j];
    }

    private double gateFunction(Bug bug, double z) {
        String name = gateActivation;
        if (bug == Bug.SIGMOID_FOR_HARD && name.startsWith("HARD_SIGMOID")) {
            name = "SIGMOID";
        } else if (bug == Bug.HARD_FOR_SIGMOID && name.equals("SIGMOID")) {
            name = "HARD_SIGMOID";
        } else if (bug == Bug.K2_HARD_FOR_K3 && name.equals("HARD_SIGMOID_KERAS3")) {
            name = "HARD_SIGMOID";
        } else if (bug == Bug.K3_HARD_FOR_K2 && name.equals("HARD_SIGMOID")) {
            name = "HARD_SIGMOID_KERAS3";
        }
        return PortParts.function(name, z);
    }
}
