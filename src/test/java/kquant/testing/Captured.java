package kquant.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import kquant.data.SequenceSource;
import kquant.engine.BlockSink;
import kquant.engine.Blocks;
import kquant.engine.Engine;
import kquant.engine.Runner;
import kquant.engine.Samples;

/**
 * Runs an engine over a data set through its block runners (as the commands do) and keeps the
 * outputs and the chosen tensors of every sample, {@code [sample][step][unit]}, in real units.
 */
public final class Captured {

    public final double[][][] outputs;
    public final Map<String, double[][][]> tensors = new LinkedHashMap<>();

    private Captured(int count) {
        outputs = new double[count][][];
    }

    public static Captured run(Engine engine, SequenceSource data, int lanes, Predicate<String> keep) {
        Captured c = new Captured(data.count());
        Runner r = engine.runner(lanes);
        float[] values = data.read(0, data.count());
        for (int k = 0; k < data.count(); k += lanes) {
            int first = k;
            int n = Math.min(lanes, data.count() - k);
            r.run(values, k * data.sampleSize(), n, new BlockSink() {
                @Override
                public void floats(String tensor, int step, float[][] rows, int row0, int units, int count) {
                    for (int s = 0; s < count; s++) {
                        double[] v = c.slot(tensor, keep, first + s, step, units, data.count());
                        for (int j = 0; v != null && j < units; j++) {
                            v[j] = rows[row0 + j][s];
                        }
                    }
                }

                @Override
                public void codes(String tensor, int step, int[][] rows, int row0, int units, int count, int frac) {
                    for (int s = 0; s < count; s++) {
                        double[] v = c.slot(tensor, keep, first + s, step, units, data.count());
                        for (int j = 0; v != null && j < units; j++) {
                            v[j] = Math.scalb((double) rows[row0 + j][s], -frac);
                        }
                    }
                }

                @Override
                public void doubles(String tensor, int step, double[][] rows, int row0, int units, int count) {
                    for (int s = 0; s < count; s++) {
                        double[] v = c.slot(tensor, keep, first + s, step, units, data.count());
                        for (int j = 0; v != null && j < units; j++) {
                            v[j] = rows[row0 + j][s];
                        }
                    }
                }
            });
            for (int s = 0; s < n; s++) {
                c.outputs[first + s] = Samples.outputs(r, s);
            }
        }
        return c;
    }

    /** Runs with the default block size. */
    public static Captured run(Engine engine, SequenceSource data, Predicate<String> keep) {
        return run(engine, data, Blocks.LANES, keep);
    }

    private double[] slot(String tensor, Predicate<String> keep, int sample, int step, int units, int count) {
        if (!keep.test(tensor)) {
            return null;
        }
        double[][][] t = tensors.computeIfAbsent(tensor, k -> new double[count][][]);
        if (t[sample] == null) {
            t[sample] = new double[0][];
        }
        if (t[sample].length <= step) {
            t[sample] = java.util.Arrays.copyOf(t[sample], step + 1);
        }
        t[sample][step] = new double[units];
        return t[sample][step];
    }
}
