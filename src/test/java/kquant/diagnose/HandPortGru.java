package kquant.diagnose;

import kquant.model.Gru;
import kquant.model.Model;

/**
 * A hand port of a GRU + Dense model (either reset_after kind) written the way users write one:
 * the update and reset gates of every unit first, then unit by unit the candidate and the new
 * state, with one switch per known bug. Written from the equations of
 * ../shared/references/README.md; it shares no code with kquant's engines or its replay of faults.
 * Computes in double, or with {@code float32} every product and sum rounded to float in Keras's
 * order ({@code mx = x·W + b_in}, {@code mh = h·U + b_rec}).
 */
final class HandPortGru {

    enum Bug { NONE, IN_PLACE, DENSE_EVERY_STEP, W_TRANSPOSED, U_TRANSPOSED, NO_BIAS, BIAS_TWICE, CARRIED_STATE, ONES_STATE, RAW_INPUTS,
        REVERSED, ORDER_RZH, OTHER_RESET_KIND, NO_RECURRENT_BIAS, RECURRENT_BIAS_OUTSIDE, Z_SWAPPED, SIGMOID_FOR_HARD, HARD_FOR_SIGMOID,
        K3_HARD_FOR_K2, GATE_W_TRANSPOSED, GATE_U_TRANSPOSED }

    private final float[] kernel;
    private final float[] recurrent;
    private final float[] bias;
    private final PortParts.Head head;
    private final int in;
    private final int units;
    private final boolean resetAfter;
    private final String activation;
    private final String gateActivation;

    HandPortGru(Model m) {
        Gru l = (Gru) m.layers().get(0);
        kernel = l.kernel().values();
        recurrent = l.recurrentKernel().values();
        bias = l.bias().values();
        head = PortParts.Head.of(m);
        in = l.inputFeatures();
        units = l.units();
        resetAfter = l.resetAfter();
        activation = l.activation().name();
        gateActivation = l.recurrentActivation().name();
    }

    /** h after every step, [sample][step][unit], and the Dense outputs, as {@link HandPortLstm.Numbers} without cells. */
    HandPortLstm.Numbers run(double[][][] x, Bug bug, int gate, boolean float32, double[] mean, double[] std) {
        PortParts.Rounding r = new PortParts.Rounding(float32);
        // the order the port slices the blocks in: Keras's z, r, h or cuDNN's r, z, h
        String order = bug == Bug.ORDER_RZH ? "rzh" : "zrh";
        boolean after = bug == Bug.OTHER_RESET_KIND ? !resetAfter : resetAfter;
        int width = 3 * units;
        int steps = x[0].length;
        double[][][] hs = new double[x.length][steps][];
        double[][][] ys = new double[x.length][][];
        double[] h = new double[units];
        for (int s = 0; s < x.length; s++) {
            if (bug != Bug.CARRIED_STATE) {
                h = new double[units];
            }
            if (bug == Bug.ONES_STATE) {
                java.util.Arrays.fill(h, 1.0);
            }
            for (int t = 0; t < steps; t++) {
                double[] xt = x[s][bug == Bug.REVERSED ? steps - 1 - t : t].clone();
                if (bug == Bug.RAW_INPUTS) {
                    for (int f = 0; f < mean.length; f++) {
                        xt[f] = r.r(xt[f] * std[f] + mean[f]);
                    }
                }
                double[] hPrev = bug == Bug.IN_PLACE ? h : h.clone();
                double[] hNext = bug == Bug.IN_PLACE ? h : new double[units];
                double[][] zr = new double[2][units];
                for (int q = 0; q < 2; q++) {
                    int block = order.indexOf("zr".charAt(q));
                    for (int j = 0; j < units; j++) {
                        double mx = r.r(xw(bug, gate, block, xt, j, r) + inputBias(bug, block * units + j));
                        double mh = r.r(hu(bug, gate, block, hPrev, j, r) + recurrentBias(bug, block * units + j));
                        zr[q][j] = r.r(gateFunction(bug, r.r(mx + mh)));
                    }
                }
                int block = 2;
                for (int j = 0; j < units; j++) {
                    int col = block * units + j;
                    double bIn = inputBias(bug, col);
                    double bRec = recurrentBias(bug, col);
                    if (bug == Bug.RECURRENT_BIAS_OUTSIDE) {
                        bIn = r.r(bIn + bRec); // the two rows summed into one bias, outside r·(...)
                        bRec = 0;
                    }
                    double mx = r.r(xw(bug, gate, block, xt, j, r) + bIn);
                    double rec;
                    if (after) {
                        rec = r.r(zr[1][j] * r.r(hu(bug, gate, block, hPrev, j, r) + bRec));
                    } else {
                        double[] resetState = new double[units];
                        for (int k = 0; k < units; k++) {
                            resetState[k] = r.r(zr[1][k] * hPrev[k]);
                        }
                        rec = r.r(hu(bug, gate, block, resetState, j, r) + bRec);
                    }
                    double hh = r.r(PortParts.function(activation, r.r(mx + rec)));
                    double z = zr[0][j];
                    double keep = bug == Bug.Z_SWAPPED ? r.r(1 - z) : z;
                    hNext[j] = r.r(r.r(keep * hPrev[j]) + r.r(r.r(1 - keep) * hh));
                }
                h = hNext;
                hs[s][t] = h.clone();
            }
            ys[s] = head.apply(bug == Bug.DENSE_EVERY_STEP ? hs[s] : new double[][] {hs[s][steps - 1]}, r);
        }
        return new HandPortLstm.Numbers(hs, null, ys);
    }

    /** x·W for unit j of gate block {@code block}, as the port reads W. */
    private double xw(Bug bug, int gate, int block, double[] xt, int j, PortParts.Rounding r) {
        int width = 3 * units;
        double acc = 0;
        for (int k = 0; k < in; k++) {
            double w;
            if (bug == Bug.W_TRANSPOSED) {
                w = kernel[(block * units + j) * in + k];
            } else if (bug == Bug.GATE_W_TRANSPOSED && block == gate) {
                int flat = j * in + k;
                w = kernel[(flat / units) * width + block * units + flat % units];
            } else {
                w = kernel[k * width + block * units + j];
            }
            acc = r.r(acc + r.r(xt[k] * w));
        }
        return acc;
    }

    /** v·U for unit j of gate block {@code block}, as the port reads U. */
    private double hu(Bug bug, int gate, int block, double[] v, int j, PortParts.Rounding r) {
        int width = 3 * units;
        double acc = 0;
        for (int k = 0; k < units; k++) {
            double u;
            if (bug == Bug.U_TRANSPOSED) {
                u = recurrent[(block * units + j) * units + k];
            } else if (bug == Bug.GATE_U_TRANSPOSED && block == gate) {
                u = recurrent[j * width + block * units + k];
            } else {
                u = recurrent[k * width + block * units + j];
            }
            acc = r.r(acc + r.r(v[k] * u));
        }
        return acc;
    }

    /** The bias added to x·W: all of a (3u,) bias, the first row of a (2, 3u) one. */
    private double inputBias(Bug bug, int col) {
        double b = bug == Bug.NO_BIAS ? 0 : bias[col];
        return bug == Bug.BIAS_TWICE ? 2 * b : b;
    }

    /** The bias added to h·U: the second row of a (2, 3u) bias, or none. */
    private double recurrentBias(Bug bug, int col) {
        if (!resetAfter || bug == Bug.NO_BIAS || bug == Bug.NO_RECURRENT_BIAS) {
            return 0;
        }
        double b = bias[3 * units + col];
        return bug == Bug.BIAS_TWICE ? 2 * b : b;
    }

    private double gateFunction(Bug bug, double z) {
        String name = gateActivation;
        if (bug == Bug.SIGMOID_FOR_HARD && name.startsWith("HARD_SIGMOID")) {
            name = "SIGMOID";
        } else if (bug == Bug.HARD_FOR_SIGMOID && name.equals("SIGMOID")) {
            name = "HARD_SIGMOID";
        } else if (bug == Bug.K3_HARD_FOR_K2 && name.equals("HARD_SIGMOID")) {
            name = "HARD_SIGMOID_KERAS3";
        }
        return PortParts.function(name, z);
    }
}
