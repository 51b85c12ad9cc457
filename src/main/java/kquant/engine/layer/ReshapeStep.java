package kquant.engine.layer;

import kquant.engine.BlockSink;
import kquant.engine.Saturations;

/**
 * Flatten, RepeatVector and training-only layers in both block engines: they move values without
 * computing. In the block layout a sequence {@code (T, F)} is rows {@code t · F + f}, which is
 * already the flattened vector, so Flatten and pass-through layers hand their input on unchanged;
 * RepeatVector copies its vector to every step. Each records {@code output}.
 */
public final class ReshapeStep {

    /** What the layer does to the shape. */
    enum Kind { FLATTEN, REPEAT, PASS }

    private ReshapeStep() {
        throw new AssertionError("No instances of ReshapeStep");
    }

    /** Steps out, units out and the source row of every output row: the one mapping both engines share. */
    record Mapping(Kind kind, String name, int stepsOut, int unitsOut, int times) {

        static Mapping of(Kind kind, String layer, int stepsIn, int unitsIn, int times) {
            switch (kind) {
                case FLATTEN:
                    return new Mapping(kind, layer + "/output", 1, stepsIn * unitsIn, 1);
                case REPEAT:
                    return new Mapping(kind, layer + "/output", times, unitsIn, times);
                default:
                    return new Mapping(kind, layer + "/output", stepsIn, unitsIn, 1);
            }
        }
    }

    static final class Float32 extends FloatStep {
        private final Mapping m;
        private final float[][] repeated;

        Float32(Mapping m, int lanes) {
            this.m = m;
            this.repeated = m.kind() == Kind.REPEAT ? rows(m.stepsOut() * m.unitsOut(), lanes) : null;
        }

        @Override
        public int stepsOut() {
            return m.stepsOut();
        }

        @Override
        public int unitsOut() {
            return m.unitsOut();
        }

        @Override
        public float[][] run(float[][] in, int n, BlockSink sink) {
            float[][] out = in;
            if (repeated != null) {
                for (int t = 0; t < m.times(); t++) {
                    for (int j = 0; j < m.unitsOut(); j++) {
                        System.arraycopy(in[j], 0, repeated[t * m.unitsOut() + j], 0, n);
                    }
                }
                out = repeated;
            }
            for (int t = 0; t < m.stepsOut(); t++) {
                record(sink, m.name(), t, out, t * m.unitsOut(), m.unitsOut(), n);
            }
            return out;
        }
    }

    static final class Fixed extends FixedStep {
        private final Mapping m;
        private final int frac;
        private final int[][] repeated;

        Fixed(Mapping m, int frac, int lanes) {
            this.m = m;
            this.frac = frac;
            this.repeated = m.kind() == Kind.REPEAT ? rows(m.stepsOut() * m.unitsOut(), lanes) : null;
        }

        @Override
        public int stepsOut() {
            return m.stepsOut();
        }

        @Override
        public int unitsOut() {
            return m.unitsOut();
        }

        @Override
        public int fracOut() {
            return frac;
        }

        @Override
        public int[][] run(int[][] in, int n, BlockSink sink, Saturations sats) {
            int[][] out = in;
            if (repeated != null) {
                for (int t = 0; t < m.times(); t++) {
                    for (int j = 0; j < m.unitsOut(); j++) {
                        System.arraycopy(in[j], 0, repeated[t * m.unitsOut() + j], 0, n);
                    }
                }
                out = repeated;
            }
            for (int t = 0; t < m.stepsOut(); t++) {
                record(sink, m.name(), t, out, t * m.unitsOut(), m.unitsOut(), n, frac);
            }
            return out;
        }
    }
}
