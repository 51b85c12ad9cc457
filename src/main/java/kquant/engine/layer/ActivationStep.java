package kquant.engine.layer;

import kquant.engine.BlockSink;
import kquant.engine.Saturations;
import kquant.fixed.QActivation;
import kquant.model.Activation;
import kquant.model.ActivationLayer;

/** A Keras Activation layer in both block engines: {@code y = act(x)} at every step; records {@code output}. */
public final class ActivationStep {

    private ActivationStep() {
        throw new AssertionError("No instances of ActivationStep");
    }

    static final class Float32 extends FloatStep {
        private final ActivationLayer layer;
        private final int steps;
        private final int units;
        private final String name;
        private final float[][] out;
        private final double[] softmax;

        Float32(ActivationLayer layer, int steps, int units, int lanes) {
            this.layer = layer;
            this.steps = steps;
            this.units = units;
            this.name = layer.name() + "/output";
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
        public float[][] run(float[][] in, int n, BlockSink sink) {
            for (int t = 0; t < steps; t++) {
                int row0 = t * units;
                if (layer.activation() == Activation.SOFTMAX) {
                    for (int s = 0; s < n; s++) {
                        for (int j = 0; j < units; j++) {
                            softmax[j] = in[row0 + j][s];
                        }
                        Activation.applySoftmax(softmax);
                        for (int j = 0; j < units; j++) {
                            out[row0 + j][s] = (float) softmax[j];
                        }
                    }
                } else {
                    for (int j = 0; j < units; j++) {
                        LaneMath.activate(layer.activation(), in[row0 + j], out[row0 + j], n);
                    }
                }
                record(sink, name, t, out, row0, units, n);
            }
            return out;
        }
    }

    static final class Fixed extends FixedStep {
        private final QActivation q;
        private final int steps;
        private final int units;
        private final String name;
        private final int[][] out;

        Fixed(QActivation q, int steps, int units, int lanes) {
            this.q = q;
            this.steps = steps;
            this.units = units;
            this.name = q.name() + "/output";
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
        public int[][] run(int[][] in, int n, BlockSink sink, Saturations sats) {
            for (int t = 0; t < steps; t++) {
                int row0 = t * units;
                int clipped = 0;
                for (int j = 0; j < units; j++) {
                    clipped += LaneInts.activate(q.kernel(), in[row0 + j], out[row0 + j], n);
                }
                sats.add(name, t, clipped);
                record(sink, name, t, out, row0, units, n, q.fOut());
            }
            return out;
        }
    }
}
