package kquant.diagnose;

import java.util.Arrays;

/** Values {@code [sample][step][unit]} held in memory: a block of a user's numbers, or an engine's. */
public record Numbers3d(double[][][] v) implements ActualNumbers {

    @Override
    public int samples() {
        return v.length;
    }

    @Override
    public int steps() {
        return v[0].length;
    }

    @Override
    public int units() {
        return v[0][0].length;
    }

    @Override
    public Numbers3d read(int start, int n) {
        return new Numbers3d(Arrays.copyOfRange(v, start, start + n));
    }

    boolean sameShape(Numbers3d o) {
        return samples() == o.samples() && steps() == o.steps() && units() == o.units();
    }
}
