package kquant.engine.layer;

import kquant.engine.BlockSink;
import kquant.engine.Saturations;
import kquant.fixed.QDense;
import kquant.fixed.Storage;
import kquant.model.Activation;
import kquant.model.Dense;

/**
 * Dense in both block engines: {@code y = act(x·V + c)}, applied to every timestep it is given (a
 * sequence, or the single last state of a recurrent layer without {@code return_sequences}). Both
 * forms record {@code preact} and {@code output} at every step.
 */
public final class DenseStep {

    private DenseStep() {
        throw new AssertionError("No instances of DenseStep");
    }

    /** float32: {@code z = x·V} in input order, then {@code z + c}, then the activation. */
    static final class Float32 extends FloatStep {
        private final Dense layer;
        private final int steps;
        private final int inputs;
        private final int units;
        private final float[] v;
        private final float[] c;
        private final String preactName;
        private final String outputName;
        private final float[][] preact;
        private final float[][] out;
        private final double[] softmax;

        Float32(Dense layer, int steps, int lanes) {
            this.layer = layer;
            this.steps = steps;
            this.inputs = layer.inputFeatures();
            this.units = layer.units();
            this.v = layer.kernel().values();
            this.c = layer.useBias() ? layer.bias().values() : new float[units];
            this.preactName = layer.name() + "/preact";
            this.outputName = layer.name() + "/output";
            this.preact = rows(units, lanes);
            this.out = rows(steps * units, lanes);
            this.softmax = new double[units];
        }

        @Override
        public int stepsOut() {
            return steps;
        }

        @Override
        public int unitsOut() {
            return units;
        }

        @Override
        public float[][] run(float[][] x, int n, BlockSink sink) {
            for (int t = 0; t < steps; t++) {
                LaneMath.matvec(x, t * inputs, inputs, v, units, 0, units, preact, 0, n);
                for (int j = 0; j < units; j++) {
                    LaneMath.add(preact[j], c[j], preact[j], n);
                }
                if (layer.activation() == Activation.SOFTMAX) {
                    softmax(t, n);
                } else {
                    for (int j = 0; j < units; j++) {
                        LaneMath.activate(layer.activation(), preact[j], out[t * units + j], n);
                    }
                }
                record(sink, preactName, t, preact, 0, units, n);
                record(sink, outputName, t, out, t * units, units, n);
            }
            return out;
        }

        /** Softmax mixes the units of one sample: computed lane by lane in double, as Keras's reference does, then rounded. */
        private void softmax(int t, int n) {
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < units; j++) {
                    softmax[j] = preact[j][s];
                }
                Activation.applySoftmax(softmax);
                for (int j = 0; j < units; j++) {
                    out[t * units + j][s] = (float) softmax[j];
                }
            }
        }
    }

    /** Integers (SPEC.md, "Dense"). */
    static final class Fixed extends FixedStep {
        private final QDense q;
        private final int steps;
        private final int inputs;
        private final int units;
        private final Storage type;
        private final String preactName;
        private final String outputName;
        private final int[] codes;
        private final LaneInts.Plan plan;
        private final long[] bias;
        private final int[] shiftZ;
        private final long[][] acc;
        private final int[][] preact;
        private final int[] partial;
        private final int[][] out;

        Fixed(QDense q, int steps, int lanes) {
            this.q = q;
            this.steps = steps;
            this.inputs = q.inputs();
            this.units = q.units();
            this.type = q.activation().type();
            this.preactName = q.name() + "/preact";
            this.outputName = q.name() + "/output";
            this.codes = q.kernel().codes();
            this.plan = LaneInts.Plan.of(codes, units, inputs, type);
            this.bias = new long[units];
            this.shiftZ = new int[units];
            int[] c = q.bias().codes();
            for (int j = 0; j < units; j++) {
                bias[j] = kquant.fixed.Fixed.roundShift(c[j], q.bias().format().at(j) - q.accFrac(j));
                shiftZ[j] = q.accFrac(j) - q.fZ();
            }
            this.acc = new long[units][lanes];
            this.preact = rows(units, lanes);
            this.partial = new int[lanes];
            this.out = rows(steps * units, lanes);
        }

        @Override
        public int stepsOut() {
            return steps;
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
            for (int t = 0; t < steps; t++) {
                LaneInts.matvec(x, t * inputs, plan, 0, units, acc, 0, partial, n);
                int clippedZ = 0;
                int clippedY = 0;
                for (int j = 0; j < units; j++) {
                    clippedZ += LaneInts.preact(acc[j], 0, null, 0, bias[j], shiftZ[j], type, preact[j], n);
                    clippedY += LaneInts.activate(q.activation(), preact[j], out[t * units + j], n);
                }
                sats.add(preactName, t, clippedZ);
                sats.add(outputName, t, clippedY);
                record(sink, preactName, t, preact, 0, units, n, q.fZ());
                record(sink, outputName, t, out, t * units, units, n, q.fOut());
            }
            return out;
        }
    }
}
