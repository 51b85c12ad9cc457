package kquant.engine.layer;

import kquant.engine.BlockSink;
import kquant.engine.Saturations;
import kquant.fixed.QSimpleRnn;
import kquant.fixed.Storage;
import kquant.model.SimpleRnn;

/**
 * SimpleRNN in both block engines: {@code h_t = act(x_t·W + b + h_{t-1}·U)}, {@code h_0 = 0}.
 *
 * <p>Each step reads all of {@code h_{t-1}} and writes {@code h_t} into a second buffer; the two
 * swap after the step, so no unit ever reads a half-updated state (the classic hand-port bug).
 * With {@code go_backwards}, step k reads input step {@code T-1-k}, and a returned sequence stays in
 * that processing order, as in Keras. Both forms record {@code input_part} (x·W),
 * {@code recurrent_part} (h·U), {@code preact} and {@code state} at every step.
 */
public final class SimpleRnnStep {

    private SimpleRnnStep() {
        throw new AssertionError("No instances of SimpleRnnStep");
    }

    /** float32: {@code z = (x·W + b) + h·U}, each sum in input order, every operation rounded to float32. */
    static final class Float32 extends FloatStep {
        private final SimpleRnn layer;
        private final int steps;
        private final int inputs;
        private final int units;
        private final float[] w;
        private final float[] u;
        private final float[] b;
        private final String[] names;
        private final float[][] inputPart;
        private final float[][] recurrentPart;
        private final float[][] preact;
        private float[][] h;
        private float[][] next;
        private final float[][] out;

        Float32(SimpleRnn layer, int steps, int lanes) {
            this.layer = layer;
            this.steps = steps;
            this.inputs = layer.inputFeatures();
            this.units = layer.units();
            this.w = layer.kernel().values();
            this.u = layer.recurrentKernel().values();
            this.b = layer.useBias() ? layer.bias().values() : new float[units];
            this.names = names(layer.name());
            this.inputPart = rows(units, lanes);
            this.recurrentPart = rows(units, lanes);
            this.preact = rows(units, lanes);
            this.h = rows(units, lanes);
            this.next = rows(units, lanes);
            this.out = rows(stepsOut() * units, lanes);
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
            for (float[] row : h) {
                LaneMath.fill(row, 0f, n);
            }
            for (int k = 0; k < steps; k++) {
                int t = layer.goBackwards() ? steps - 1 - k : k;
                LaneMath.matvec(x, t * inputs, inputs, w, units, 0, units, inputPart, 0, n);
                LaneMath.matvec(h, 0, units, u, units, 0, units, recurrentPart, 0, n);
                for (int j = 0; j < units; j++) {
                    LaneMath.add(inputPart[j], b[j], preact[j], n);
                    LaneMath.add(preact[j], recurrentPart[j], preact[j], n);
                    LaneMath.activate(layer.activation(), preact[j], next[j], n);
                }
                float[][] old = h;
                h = next;
                next = old;
                if (layer.returnSequences() || k == steps - 1) {
                    int row0 = layer.returnSequences() ? k * units : 0;
                    for (int j = 0; j < units; j++) {
                        LaneMath.copy(h[j], out[row0 + j], n);
                    }
                }
                record(sink, names[0], k, inputPart, 0, units, n);
                record(sink, names[1], k, recurrentPart, 0, units, n);
                record(sink, names[2], k, preact, 0, units, n);
                record(sink, names[3], k, h, 0, units, n);
            }
            return out;
        }
    }

    /** Integers (SPEC.md, "SimpleRNN step"). */
    static final class Fixed extends FixedStep {
        private final QSimpleRnn q;
        private final int steps;
        private final int inputs;
        private final int units;
        private final Storage type;
        private final String[] names;
        private final LaneInts.Plan kernelPlan;
        private final LaneInts.Plan recurrentPlan;
        private final long[] bias;
        private final int[] shiftX;
        private final int[] shiftH;
        private final int[] shiftZ;
        private final int[] kernelCodes;
        private final int[] recurrentCodes;
        private final long[][] inputPart;
        private final long[][] recurrentPart;
        private final int[][] preact;
        private final int[] partial;
        private int[][] h;
        private int[][] next;
        private final int[][] out;

        Fixed(QSimpleRnn q, int steps, int lanes) {
            this.q = q;
            this.steps = steps;
            this.inputs = q.inputs();
            this.units = q.units();
            this.type = q.activation().type();
            this.names = names(q.name());
            this.kernelCodes = q.kernel().codes();
            this.recurrentCodes = q.recurrent().codes();
            this.kernelPlan = LaneInts.Plan.of(kernelCodes, units, inputs, type);
            this.recurrentPlan = LaneInts.Plan.of(recurrentCodes, units, units, type);
            this.bias = new long[units];
            this.shiftX = new int[units];
            this.shiftH = new int[units];
            this.shiftZ = new int[units];
            int[] b = q.bias().codes();
            for (int j = 0; j < units; j++) {
                int f = q.accFrac(j);
                shiftX[j] = f - q.fIn() - q.kernel().format().at(j);
                shiftH[j] = f - q.fOut() - q.recurrent().format().at(j);
                shiftZ[j] = f - q.fZ();
                bias[j] = kquant.fixed.Fixed.roundShift(b[j], q.bias().format().at(j) - f);
            }
            this.inputPart = new long[units][lanes];
            this.recurrentPart = new long[units][lanes];
            this.preact = rows(units, lanes);
            this.partial = new int[lanes];
            this.h = rows(units, lanes);
            this.next = rows(units, lanes);
            this.out = rows(stepsOut() * units, lanes);
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
            for (int[] row : h) {
                java.util.Arrays.fill(row, 0, n, 0);
            }
            for (int k = 0; k < steps; k++) {
                int t = q.goBackwards() ? steps - 1 - k : k;
                LaneInts.matvec(x, t * inputs, kernelPlan, 0, units, inputPart, 0, partial, n);
                LaneInts.matvec(h, 0, recurrentPlan, 0, units, recurrentPart, 0, partial, n);
                if (sink != null) {
                    recordParts(sink, k, n);
                }
                int clippedZ = 0;
                int clippedH = 0;
                for (int j = 0; j < units; j++) {
                    clippedZ += LaneInts.preact(inputPart[j], shiftX[j], recurrentPart[j], shiftH[j], bias[j], shiftZ[j], type, preact[j], n);
                    clippedH += LaneInts.activate(q.activation(), preact[j], next[j], n);
                }
                int[][] old = h;
                h = next;
                next = old;
                if (q.returnSequences() || k == steps - 1) {
                    int row0 = q.returnSequences() ? k * units : 0;
                    for (int j = 0; j < units; j++) {
                        System.arraycopy(h[j], 0, out[row0 + j], 0, n);
                    }
                }
                sats.add(names[2], k, clippedZ);
                sats.add(names[3], k, clippedH);
                record(sink, names[2], k, preact, 0, units, n, q.fZ());
                record(sink, names[3], k, h, 0, units, n, q.fOut());
            }
            return out;
        }

        /** x·W and h·U are exact sums with no format of their own; they are handed over in real units. */
        private void recordParts(BlockSink sink, int k, int n) {
            double[][] in = new double[units][n];
            double[][] re = new double[units][n];
            for (int j = 0; j < units; j++) {
                int fx = q.fIn() + q.kernel().format().at(j);
                int fh = q.fOut() + q.recurrent().format().at(j);
                for (int s = 0; s < n; s++) {
                    in[j][s] = kquant.fixed.Fixed.dequantize(inputPart[j][s], fx);
                    re[j][s] = kquant.fixed.Fixed.dequantize(recurrentPart[j][s], fh);
                }
            }
            sink.doubles(names[0], k, in, 0, units, n);
            sink.doubles(names[1], k, re, 0, units, n);
        }
    }

    private static String[] names(String layer) {
        return new String[] {layer + "/input_part", layer + "/recurrent_part", layer + "/preact", layer + "/state"};
    }
}
