package kquant.engine;

import java.util.stream.IntStream;
import kquant.data.Sequences;

/** Runs an engine over every sample of a data set, on all cores or on one. */
public final class Batch {

    private Batch() {
        throw new AssertionError("No instances of Batch");
    }

    /**
     * The engine's output for every sample, {@code [sample][step][unit]}.
     *
     * @param parallel  true to use every core; the result is the same either way
     */
    public static double[][][] run(Engine engine, Sequences data, boolean parallel) {
        double[][][] out = new double[data.count()][][];
        IntStream range = IntStream.range(0, data.count());
        (parallel ? range.parallel() : range).forEach(i -> out[i] = engine.run(data.sample(i)));
        return out;
    }

    /** Flattens {@code [sample][step][unit]} row-major, for writing as an array. */
    public static double[] flatten(double[][][] values) {
        int n = values.length;
        int steps = values[0].length;
        int units = values[0][0].length;
        double[] flat = new double[n * steps * units];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(values[i][t], 0, flat, (i * steps + t) * units, units);
            }
        }
        return flat;
    }
}
