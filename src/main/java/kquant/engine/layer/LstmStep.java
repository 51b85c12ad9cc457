package kquant.engine.layer;

import kquant.engine.BlockSink;
import kquant.engine.Saturations;
import kquant.fixed.QLstm;
import kquant.fixed.Storage;
import kquant.model.Lstm;

/**
 * LSTM in both block engines. With {@code a = x_t·W + h_{t-1}·U + b} over the four gate blocks:
 * {@code i, f, o = σ(a)}, {@code g = act(a_c)}, {@code c_t = f·c_{t-1} + i·g},
 * {@code h_t = o·act(c_t)}; h and c start at zero. The dot products finish reading
 * {@code h_{t-1}} before anything is written, and c is updated unit by unit from its own old value
 * only, so neither needs a second buffer.
 *
 * <p>Both forms record, per step: {@code input_part} (x·W, 4u), {@code recurrent_part} (h·U, 4u),
 * {@code <gate>_preact} and {@code <gate>} for i, f, g, o, then {@code cell}, {@code cell_act} and
 * {@code state}.
 */
public final class LstmStep {

    private LstmStep() {
        throw new AssertionError("No instances of LstmStep");
    }

    /** Tensor names: per gate its pre-activation and output, then cell, cell_act, state. */
    private static final class Names {
        final String inputPart;
        final String recurrentPart;
        final String[] preact = new String[4];
        final String[] gate = new String[4];
        final String cell;
        final String cellAct;
        final String state;

        Names(String layer) {
            String n = layer + "/";
            inputPart = n + "input_part";
            recurrentPart = n + "recurrent_part";
            for (int g = 0; g < 4; g++) {
                preact[g] = n + Lstm.GATES.get(g) + "_preact";
                gate[g] = n + Lstm.GATES.get(g);
            }
            cell = n + "cell";
            cellAct = n + "cell_act";
            state = n + "state";
        }
    }

    /** float32, in Keras's order: {@code a = (x·W + h·U) + b}, {@code c = f·c + i·g}, {@code h = o·act(c)}. */
    static final class Float32 extends FloatStep {
        private final Lstm layer;
        private final int steps;
        private final int inputs;
        private final int units;
        private final float[] w;
        private final float[] u;
        private final float[] b;
        private final Names names;
        private final float[][] inputPart;
        private final float[][] recurrentPart;
        private final float[][] preact;
        private final float[][] gates;
        private final float[][] c;
        private final float[][] cellAct;
        private final float[][] h;
        private final float[][] out;
        private final float[] product;

        Float32(Lstm layer, int steps, int lanes) {
            this.layer = layer;
            this.steps = steps;
            this.inputs = layer.inputFeatures();
            this.units = layer.units();
            this.w = layer.kernel().values();
            this.u = layer.recurrentKernel().values();
            this.b = layer.useBias() ? layer.bias().values() : new float[4 * units];
            this.names = new Names(layer.name());
            this.inputPart = rows(4 * units, lanes);
            this.recurrentPart = rows(4 * units, lanes);
            this.preact = rows(4 * units, lanes);
            this.gates = rows(4 * units, lanes);
            this.c = rows(units, lanes);
            this.cellAct = rows(units, lanes);
            this.h = rows(units, lanes);
            this.out = rows(stepsOut() * units, lanes);
            this.product = new float[lanes];
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
            for (int j = 0; j < units; j++) {
                LaneMath.fill(h[j], 0f, n);
                LaneMath.fill(c[j], 0f, n);
            }
            for (int k = 0; k < steps; k++) {
                int t = layer.goBackwards() ? steps - 1 - k : k;
                LaneMath.matvec(x, t * inputs, inputs, w, 4 * units, 0, 4 * units, inputPart, 0, n);
                LaneMath.matvec(h, 0, units, u, 4 * units, 0, 4 * units, recurrentPart, 0, n);
                for (int j = 0; j < 4 * units; j++) {
                    LaneMath.add(inputPart[j], recurrentPart[j], preact[j], n);
                    LaneMath.add(preact[j], b[j], preact[j], n);
                    LaneMath.activate(j / units == QLstm.G ? layer.activation() : layer.recurrentActivation(), preact[j], gates[j], n);
                }
                for (int j = 0; j < units; j++) {
                    // c = f·c + i·g, each product rounded, then the sum
                    LaneMath.multiply(gates[QLstm.F * units + j], c[j], c[j], n);
                    LaneMath.multiply(gates[QLstm.I * units + j], gates[QLstm.G * units + j], product, n);
                    LaneMath.add(c[j], product, c[j], n);
                    LaneMath.activate(layer.activation(), c[j], cellAct[j], n);
                    LaneMath.multiply(gates[QLstm.O * units + j], cellAct[j], h[j], n);
                }
                if (layer.returnSequences() || k == steps - 1) {
                    int row0 = layer.returnSequences() ? k * units : 0;
                    for (int j = 0; j < units; j++) {
                        LaneMath.copy(h[j], out[row0 + j], n);
                    }
                }
                if (sink != null) {
                    record(sink, names.inputPart, k, inputPart, 0, 4 * units, n);
                    record(sink, names.recurrentPart, k, recurrentPart, 0, 4 * units, n);
                    for (int g = 0; g < 4; g++) {
                        record(sink, names.preact[g], k, preact, g * units, units, n);
                        record(sink, names.gate[g], k, gates, g * units, units, n);
                    }
                    record(sink, names.cell, k, c, 0, units, n);
                    record(sink, names.cellAct, k, cellAct, 0, units, n);
                    record(sink, names.state, k, h, 0, units, n);
                }
            }
            return out;
        }
    }

    /** Integers (SPEC.md, "LSTM step"). */
    static final class Fixed extends FixedStep {
        private final QLstm q;
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
        private final int[] shiftX;
        private final int[] shiftH;
        private final int[] shiftZ;
        private final long[][] inputPart;
        private final long[][] recurrentPart;
        private final int[][] preact;
        private final int[][] gates;
        private final int[][] c;
        private final int[][] cellAct;
        private final int[][] h;
        private final int[][] out;
        private final int[] partial;
        private final long[] wide;

        Fixed(QLstm q, int steps, int lanes) {
            this.q = q;
            this.steps = steps;
            this.inputs = q.inputs();
            this.units = q.units();
            this.type = q.gate(0).type();
            this.names = new Names(q.name());
            this.kernelCodes = q.kernel().codes();
            this.recurrentCodes = q.recurrent().codes();
            this.kernelPlan = LaneInts.Plan.of(kernelCodes, 4 * units, inputs, type);
            this.recurrentPlan = LaneInts.Plan.of(recurrentCodes, 4 * units, units, type);
            this.bias = new long[4 * units];
            this.shiftX = new int[4 * units];
            this.shiftH = new int[4 * units];
            this.shiftZ = new int[4 * units];
            int[] b = q.bias().codes();
            for (int j = 0; j < 4 * units; j++) {
                int f = q.accFrac(j);
                shiftX[j] = f - q.fIn() - q.kernel().format().at(j);
                shiftH[j] = f - q.fOut() - q.recurrent().format().at(j);
                shiftZ[j] = f - q.fZ(j / units);
                bias[j] = kquant.fixed.Fixed.roundShift(b[j], q.bias().format().at(j) - f);
            }
            this.inputPart = new long[4 * units][lanes];
            this.recurrentPart = new long[4 * units][lanes];
            this.preact = rows(4 * units, lanes);
            this.gates = rows(4 * units, lanes);
            this.c = rows(units, lanes);
            this.cellAct = rows(units, lanes);
            this.h = rows(units, lanes);
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
            for (int j = 0; j < units; j++) {
                java.util.Arrays.fill(h[j], 0, n, 0);
                java.util.Arrays.fill(c[j], 0, n, 0);
            }
            int p = q.cellProductFrac();
            for (int k = 0; k < steps; k++) {
                int t = q.goBackwards() ? steps - 1 - k : k;
                LaneInts.matvec(x, t * inputs, kernelPlan, 0, 4 * units, inputPart, 0, partial, n);
                LaneInts.matvec(h, 0, recurrentPlan, 0, 4 * units, recurrentPart, 0, partial, n);
                if (sink != null) {
                    recordParts(sink, k, n);
                }
                int[] clippedZ = new int[4];
                int[] clippedG = new int[4];
                for (int j = 0; j < 4 * units; j++) {
                    int g = j / units;
                    clippedZ[g] += LaneInts.preact(inputPart[j], shiftX[j], recurrentPart[j], shiftH[j], bias[j], shiftZ[j], type, preact[j], n);
                    clippedG[g] += LaneInts.activate(q.gate(g), preact[j], gates[j], n);
                }
                int clippedC = 0;
                int clippedA = 0;
                int clippedH = 0;
                for (int j = 0; j < units; j++) {
                    clippedC += LaneInts.twoProducts(gates[QLstm.F * units + j], c[j], p - q.fGate(QLstm.F) - q.fCell(),
                            gates[QLstm.I * units + j], gates[QLstm.G * units + j], p - q.fGate(QLstm.I) - q.fGate(QLstm.G),
                            p - q.fCell(), q.cellType(), c[j], wide, n);
                    clippedA += LaneInts.activate(q.cellAct(), c[j], cellAct[j], n);
                    clippedH += LaneInts.product(gates[QLstm.O * units + j], cellAct[j], q.fGate(QLstm.O) + q.fCellAct() - q.fOut(),
                            type, h[j], wide, n);
                }
                if (q.returnSequences() || k == steps - 1) {
                    int row0 = q.returnSequences() ? k * units : 0;
                    for (int j = 0; j < units; j++) {
                        System.arraycopy(h[j], 0, out[row0 + j], 0, n);
                    }
                }
                for (int g = 0; g < 4; g++) {
                    sats.add(names.preact[g], k, clippedZ[g]);
                    sats.add(names.gate[g], k, clippedG[g]);
                }
                sats.add(names.cell, k, clippedC);
                sats.add(names.cellAct, k, clippedA);
                sats.add(names.state, k, clippedH);
                if (sink != null) {
                    for (int g = 0; g < 4; g++) {
                        record(sink, names.preact[g], k, preact, g * units, units, n, q.fZ(g));
                        record(sink, names.gate[g], k, gates, g * units, units, n, q.fGate(g));
                    }
                    record(sink, names.cell, k, c, 0, units, n, q.fCell());
                    record(sink, names.cellAct, k, cellAct, 0, units, n, q.fCellAct());
                    record(sink, names.state, k, h, 0, units, n, q.fOut());
                }
            }
            return out;
        }

        /** x·W and h·U are exact sums with no format of their own; they are handed over in real units. */
        private void recordParts(BlockSink sink, int k, int n) {
            double[][] in = new double[4 * units][n];
            double[][] re = new double[4 * units][n];
            for (int j = 0; j < 4 * units; j++) {
                int fx = q.fIn() + q.kernel().format().at(j);
                int fh = q.fOut() + q.recurrent().format().at(j);
                for (int s = 0; s < n; s++) {
                    in[j][s] = kquant.fixed.Fixed.dequantize(inputPart[j][s], fx);
                    re[j][s] = kquant.fixed.Fixed.dequantize(recurrentPart[j][s], fh);
                }
            }
            sink.doubles(names.inputPart, k, in, 0, 4 * units, n);
            sink.doubles(names.recurrentPart, k, re, 0, 4 * units, n);
        }
    }
}
