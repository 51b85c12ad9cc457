package kquant.data;

import java.util.Arrays;

/**
 * A data set held in memory: {@code count × timesteps × features} float32 values, row-major.
 * Immutable; {@link #sample(int)} returns a copy as a {@code [timestep][feature]} array in double,
 * which is what the engines take.
 */
public final class Sequences implements SequenceSource {

    private final String name;
    private final DataShape shape;
    private final float[] values;

    public Sequences(String name, int count, int timesteps, int features, boolean sequence, float[] values) {
        if ((long) count * timesteps * features != values.length) {
            throw new IllegalArgumentException("shape (" + count + ", " + timesteps + ", " + features
                    + ") does not hold " + values.length + " values");
        }
        this.name = name;
        this.shape = new DataShape(count, timesteps, features, sequence);
        this.values = values.clone();
    }

    /** Reads a whole source into memory. */
    public static Sequences load(SequenceSource source) {
        if (source instanceof Sequences s) {
            return s;
        }
        return new Sequences(source.name(), source.count(), source.timesteps(), source.features(),
                source.sequence(), source.read(0, source.count()));
    }

    /** Samples {@code [from, to)} of this data set. */
    public Sequences slice(int from, int to) {
        return new Sequences(name, to - from, shape.timesteps(), shape.features(), shape.sequence(),
                Arrays.copyOfRange(values, from * sampleSize(), to * sampleSize()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DataShape shape() {
        return shape;
    }

    @Override
    public float[] read(int start, int n) {
        return Arrays.copyOfRange(values, start * sampleSize(), (start + n) * sampleSize());
    }

    /** Sample {@code i} as {@code [timestep][feature]}. */
    public double[][] sample(int i) {
        int timesteps = shape.timesteps();
        int features = shape.features();
        double[][] out = new double[timesteps][features];
        int base = i * sampleSize();
        for (int t = 0; t < timesteps; t++) {
            for (int f = 0; f < features; f++) {
                out[t][f] = values[base + t * features + f];
            }
        }
        return out;
    }

    public float value(int sample, int t, int f) {
        return values[sample * sampleSize() + t * shape.features() + f];
    }
}
