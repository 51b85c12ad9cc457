package kquant.engine.layer;

import kquant.engine.BlockSink;
import kquant.engine.Saturations;
import kquant.fixed.QGru;
import kquant.fixed.Storage;
import kquant.model.Gru;

/**
 * GRU in both block engines, gate blocks z, r, hh:
 * {@code z, r = σ(x·W + b + h·U)}; the candidate {@code hh = act(x·W_h + b_h + (r·h)·U_h)}, or with
 * {@code reset_after} {@code act(x·W_h + b_in_h + r·(h·U_h + b_rec_h))};
 * {@code h_t = z·h_{t-1} + (1 - z)·hh}. All of {@code h_{t-1}} is read before {@code h_t} is written.
 *
 * <p>Both forms record, per step: {@code input_part} (x·W, 3u), {@code z_preact}, {@code z},
 * {@code r_preact}, {@code r}, then {@code reset_state} (r·h, without reset_after) or
 * {@code hh_recurrent} (h·U_h + b_rec_h, with it), {@code recurrent_part} (3u: h·U for z and r;
 * (r·h)·U_h or h·U_h for the candidate), {@code hh_preact}, {@code hh} and {@code state}.
 */
public final class GruStep {

    private static final int Z = QGru.Z;
    private static final int R = QGru.R;
    private static final int HH = QGru.HH;

    private GruStep() {
        throw new AssertionError("No instances of GruStep");
    }

    private static final class Names {
        final String inputPart;
        final String recurrentPart;
        final String[] preact = new String[3];
        final String[] gate = new String[3];
        final String between;
        final String state;

        Names(String layer, boolean resetAfter) {
            String n = layer + "/";
            inputPart = n + "input_part";
            recurrentPart = n + "recurrent_part";
            for (int g = 0; g < 3; g++) {
                preact[g] = n + Gru.GATES.get(g) + "_preact";
                gate[g] = n + Gru.GATES.get(g);
            }
            between = n + (resetAfter ? "hh_recurrent" : "reset_state");
            state = n + "state";
        }
    }

    /** float32, in Keras 3's order (gru.py): biases are added to x·W and to h·U before the gates combine them. */
    static final class Float32 extends FloatStep {
        private final Gru layer;
        private final int steps;
        private final int inputs;
        private final int units;
        private final float[] w;
        private final float[] u;
        private final float[] bIn;
        private final float[] bRec;
        private final Names names;
        private final float[][] inputPart;
        private final float[][] recurrentPart;
        private final float[][] mx;
        private final float[][] mh;
        private final float[][] preact;
        private final float[][] gates;
        private final float[][] between;
        private final float[][] h;
        private final float[][] out;
        private final float[] scratch;

        Float32(Gru layer, int steps, int lanes) {
            this.layer = layer;
            this.steps = steps;
            this.inputs = layer.inputFeatures();
            this.units = layer.units();
            this.w = layer.kernel().values();
            this.u = layer.recurrentKernel().values();
            this.bIn = new float[3 * units];
            this.bRec = new float[3 * units];
            for (int j = 0; j < 3 * units; j++) {
                bIn[j] = layer.inputBias(j);
                bRec[j] = layer.recurrentBias(j);
            }
            this.names = new Names(layer.name(), layer.resetAfter());
            this.inputPart = rows(3 * units, lanes);
            this.recurrentPart = rows(3 * units, lanes);
            this.mx = rows(3 * units, lanes);
            this.mh = rows(3 * units, lanes);
            this.preact = rows(3 * units, lanes);
            this.gates = rows(3 * units, lanes);
            this.between = rows(units, lanes);
            this.h = rows(units, lanes);
            this.out = rows(stepsOut() * units, lanes);
            this.scratch = new float[lanes];
        }

        @Override
        public int stepsOut() {
            return layer.returnSequences() ? steps : 1;
        }

        @Override
        public int unitsOut() {
            return units;
        }

        @Override
        public float[][] run(float[][] x, int n, BlockSink sink) {
            boolean after = layer.resetAfter();
            for (float[] row : h) {
                LaneMath.fill(row, 0f, n);
            }
            for (int k = 0; k < steps; k++) {
                int t = layer.goBackwards() ? steps - 1 - k : k;
                LaneMath.matvec(x, t * inputs, inputs, w, 3 * units, 0, 3 * units, inputPart, 0, n);
                // z and r read h·U; so does the candidate with reset_after (without, it reads (r·h)·U_h below)
                LaneMath.matvec(h, 0, units, u, 3 * units, 0, after ? 3 * units : 2 * units, recurrentPart, 0, n);
                for (int j = 0; j < 3 * units; j++) {
                    LaneMath.add(inputPart[j], bIn[j], mx[j], n);
                }
                for (int j = 0; j < (after ? 3 : 2) * units; j++) {
                    LaneMath.add(recurrentPart[j], bRec[j], mh[j], n);
                }
                for (int j = 0; j < 2 * units; j++) {
                    LaneMath.add(mx[j], mh[j], preact[j], n);
                    LaneMath.activate(layer.recurrentActivation(), preact[j], gates[j], n);
                }
                for (int j = 0; j < units; j++) {
                    if (after) {
                        LaneMath.copy(mh[HH * units + j], between[j], n);
                    } else {
                        LaneMath.multiply(gates[R * units + j], h[j], between[j], n);
                    }
                }
                if (!after) {
                    LaneMath.matvec(between, 0, units, u, 3 * units, 2 * units, units, recurrentPart, 2 * units, n);
                }
                for (int j = 0; j < units; j++) {
                    int row = HH * units + j;
                    if (after) {
                        LaneMath.multiply(gates[R * units + j], between[j], scratch, n);
                    } else {
                        LaneMath.copy(recurrentPart[row], scratch, n);
                    }
                    LaneMath.add(mx[row], scratch, preact[row], n);
                    LaneMath.activate(layer.activation(), preact[row], gates[row], n);
                }
                for (int j = 0; j < units; j++) {
                    update(gates[Z * units + j], h[j], gates[HH * units + j], n);
                }
                if (layer.returnSequences() || k == steps - 1) {
                    int row0 = layer.returnSequences() ? k * units : 0;
                    for (int j = 0; j < units; j++) {
                        LaneMath.copy(h[j], out[row0 + j], n);
                    }
                }
                if (sink != null) {
                    record(sink, names.inputPart, k, inputPart, 0, 3 * units, n);
                    for (int g = Z; g <= R; g++) {
                        record(sink, names.preact[g], k, preact, g * units, units, n);
                        record(sink, names.gate[g], k, gates, g * units, units, n);
                    }
                    record(sink, names.between, k, between, 0, units, n);
                    record(sink, names.recurrentPart, k, recurrentPart, 0, 3 * units, n);
                    record(sink, names.preact[HH], k, preact, HH * units, units, n);
                    record(sink, names.gate[HH], k, gates, HH * units, units, n);
                    record(sink, names.state, k, h, 0, units, n);
                }
            }
            return out;
        }

        /** {@code h = z·h + (1 - z)·hh}, in place: each lane reads its own old h before writing it. */
        private static void update(float[] z, float[] h, float[] hh, int n) {
            for (int s = 0; s < n; s++) {
                h[s] = z[s] * h[s] + (1f - z[s]) * hh[s];
            }
        }
    }

    /** Integers (SPEC.md, "GRU step"). */
    static final class Fixed extends FixedStep {
        private final QGru q;
        private final int steps;
        private final int inputs;
        private final int units;
        private final Storage type;
        private final Names names;
        private final int[] kernelCodes;
        private final int[] recurrentCodes;
        private final LaneInts.Plan kernelPlan;
        private final LaneInts.Plan recurrentPlan;
        private final long[] bias;
        private final long[] recurrentBias;
        private final int[] shiftX;
        private final int[] shiftH;
        private final int[] shiftZ;
        private final long[][] inputPart;
        private final long[][] recurrentPart;
        private final int[][] preact;
        private final int[][] gates;
        private final int[][] between;
        private final int[][] h;
        private final int[][] oneMinusZ;
        private final int[][] out;
        private final int[] partial;
        private final long[] wide;

        Fixed(QGru q, int steps, int lanes) {
            this.q = q;
            this.steps = steps;
            this.inputs = q.inputs();
            this.units = q.units();
            this.type = q.gate(Z).type();
            this.names = new Names(q.name(), q.resetAfter());
            this.kernelCodes = q.kernel().codes();
            this.recurrentCodes = q.recurrent().codes();
            this.kernelPlan = LaneInts.Plan.of(kernelCodes, 3 * units, inputs, type);
            this.recurrentPlan = LaneInts.Plan.of(recurrentCodes, 3 * units, units, type);
            this.bias = new long[3 * units];
            this.recurrentBias = new long[units];
            this.shiftX = new int[3 * units];
            this.shiftH = new int[3 * units];
            this.shiftZ = new int[3 * units];
            int[] bIn = q.inputBias().codes();
            int[] bRec = q.recurrentBias().codes();
            for (int j = 0; j < 3 * units; j++) {
                int f = q.accFrac(j);
                int fw = q.kernel().format().at(j);
                int fu = q.recurrent().format().at(j);
                shiftX[j] = f - q.fIn() - fw;
                shiftZ[j] = f - q.fZ(j / units);
                bias[j] = kquant.fixed.Fixed.roundShift(bIn[j], q.inputBias().format().at(j) - f);
                if (j < 2 * units) {
                    shiftH[j] = f - q.fOut() - fu;
                    bias[j] += kquant.fixed.Fixed.roundShift(bRec[j], q.recurrentBias().format().at(j) - f);
                } else if (q.resetAfter()) {
                    // the recurrent part q = h·U_h + b_rec_h, in its own accumulator F' = fH + fU_j, then r·q in the sum
                    shiftH[j] = f - q.fGate(R) - q.fRecurrent();
                    recurrentBias[j - 2 * units] = kquant.fixed.Fixed.roundShift(bRec[j], q.recurrentBias().format().at(j) - q.fOut() - fu);
                } else {
                    shiftH[j] = f - q.fOut() - fu;
                }
            }
            this.inputPart = new long[3 * units][lanes];
            this.recurrentPart = new long[3 * units][lanes];
            this.preact = rows(3 * units, lanes);
            this.gates = rows(3 * units, lanes);
            this.between = rows(units, lanes);
            this.h = rows(units, lanes);
            this.oneMinusZ = rows(units, lanes);
            this.out = rows(stepsOut() * units, lanes);
            this.partial = new int[lanes];
            this.wide = new long[lanes];
        }

        @Override
        public int stepsOut() {
            return q.returnSequences() ? steps : 1;
        }

        @Override
        public int unitsOut() {
            return units;
        }

        @Override
        public int fracOut() {
            return q.fOut();
        }

        @Override
        public int[][] run(int[][] x, int n, BlockSink sink, Saturations sats) {
            boolean after = q.resetAfter();
            for (int[] row : h) {
                java.util.Arrays.fill(row, 0, n, 0);
            }
            int one = 1 << q.fGate(Z);
            int p = q.updateFrac();
            for (int k = 0; k < steps; k++) {
                int t = q.goBackwards() ? steps - 1 - k : k;
                LaneInts.matvec(x, t * inputs, kernelPlan, 0, 3 * units, inputPart, 0, partial, n);
                LaneInts.matvec(h, 0, recurrentPlan, 0, after ? 3 * units : 2 * units, recurrentPart, 0, partial, n);
                if (sink != null) {
                    recordPart(sink, names.inputPart, k, inputPart, q.fIn(), q.kernel().format(), 0, 3 * units, n);
                }
                int[] clippedZ = new int[3];
                int[] clippedG = new int[3];
                for (int j = 0; j < 2 * units; j++) {
                    int g = j / units;
                    clippedZ[g] += LaneInts.preact(inputPart[j], shiftX[j], recurrentPart[j], shiftH[j], bias[j], shiftZ[j], type, preact[j], n);
                    clippedG[g] += LaneInts.activate(q.gate(g), preact[j], gates[j], n);
                }
                int clippedBetween = 0;
                for (int j = 0; j < units; j++) {
                    int row = HH * units + j;
                    if (after) {
                        for (int s = 0; s < n; s++) {
                            wide[s] = recurrentPart[row][s] + recurrentBias[j];
                        }
                        clippedBetween += LaneInts.narrow(wide, q.fOut() + q.recurrent().format().at(row) - q.fRecurrent(), type, between[j], n);
                    } else {
                        clippedBetween += LaneInts.product(gates[R * units + j], h[j], q.fGate(R), type, between[j], wide, n);
                    }
                }
                if (!after) {
                    LaneInts.matvec(between, 0, recurrentPlan, 2 * units, units, recurrentPart, 2 * units, partial, n);
                }
                if (sink != null) {
                    recordRecurrentPart(sink, k, n);
                }
                for (int j = 0; j < units; j++) {
                    int row = HH * units + j;
                    clippedZ[HH] += after
                            ? LaneInts.preactWithProduct(inputPart[row], shiftX[row], bias[row], gates[R * units + j], between[j], shiftH[row],
                                    shiftZ[row], type, preact[row], n)
                            : LaneInts.preact(inputPart[row], shiftX[row], recurrentPart[row], shiftH[row], bias[row], shiftZ[row], type,
                                    preact[row], n);
                    clippedG[HH] += LaneInts.activate(q.gate(HH), preact[row], gates[row], n);
                }
                int clippedH = 0;
                for (int j = 0; j < units; j++) {
                    int[] z = gates[Z * units + j];
                    for (int s = 0; s < n; s++) {
                        oneMinusZ[j][s] = one - z[s];
                    }
                    clippedH += LaneInts.twoProducts(z, h[j], p - q.fGate(Z) - q.fOut(), oneMinusZ[j], gates[HH * units + j],
                            p - q.fGate(Z) - q.fGate(HH), p - q.fOut(), type, h[j], wide, n);
                }
                if (q.returnSequences() || k == steps - 1) {
                    int row0 = q.returnSequences() ? k * units : 0;
                    for (int j = 0; j < units; j++) {
                        System.arraycopy(h[j], 0, out[row0 + j], 0, n);
                    }
                }
                for (int g = 0; g < 3; g++) {
                    sats.add(names.preact[g], k, clippedZ[g]);
                    sats.add(names.gate[g], k, clippedG[g]);
                }
                sats.add(names.between, k, clippedBetween);
                sats.add(names.state, k, clippedH);
                if (sink != null) {
                    for (int g = Z; g <= R; g++) {
                        record(sink, names.preact[g], k, preact, g * units, units, n, q.fZ(g));
                        record(sink, names.gate[g], k, gates, g * units, units, n, q.fGate(g));
                    }
                    record(sink, names.between, k, between, 0, units, n, after ? q.fRecurrent() : q.fOut());
                    record(sink, names.preact[HH], k, preact, HH * units, units, n, q.fZ(HH));
                    record(sink, names.gate[HH], k, gates, HH * units, units, n, q.fGate(HH));
                    record(sink, names.state, k, h, 0, units, n, q.fOut());
                }
            }
            return out;
        }

        /** The recurrent part in real units: h·U, and for the candidate without reset_after (r·h)·U_h, both in fH + fU. */
        private void recordRecurrentPart(BlockSink sink, int k, int n) {
            recordPart(sink, names.recurrentPart, k, recurrentPart, q.fOut(), q.recurrent().format(), 0, 3 * units, n);
        }

        private static void recordPart(BlockSink sink, String name, int k, long[][] part, int fIn, kquant.fixed.Format w, int row0,
                int rows, int n) {
            double[][] v = new double[rows][n];
            for (int j = 0; j < rows; j++) {
                for (int s = 0; s < n; s++) {
                    v[j][s] = kquant.fixed.Fixed.dequantize(part[row0 + j][s], fIn + w.at(row0 + j));
                }
            }
            sink.doubles(name, k, v, 0, rows, n);
        }
    }
}
