package kquant.diagnose;

/**
 * The largest and the root-mean-square difference between two sets of numbers of the same shape,
 * summed a block at a time. A NaN difference counts as infinite.
 */
final class DiffSums {

    private double max;
    private double sumOfSquares;
    private long count;

    /** Adds the differences of {@code a} from {@code b} (same shape). */
    void add(Numbers3d a, Numbers3d b) {
        for (int i = 0; i < a.samples(); i++) {
            for (int t = 0; t < a.steps(); t++) {
                for (int u = 0; u < a.units(); u++) {
                    double d = a.v()[i][t][u] - b.v()[i][t][u];
                    max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, Math.abs(d));
                    sumOfSquares += d * d;
                }
            }
        }
        count += (long) a.samples() * a.steps() * a.units();
    }

    double max() {
        return max;
    }

    double rms() {
        return Math.sqrt(sumOfSquares / count);
    }
}
