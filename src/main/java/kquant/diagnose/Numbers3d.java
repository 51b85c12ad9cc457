package kquant.diagnose;

/** Values {@code [sample][step][unit]}: a user's numbers, or an engine's. */
public record Numbers3d(double[][][] v) {

    int samples() {
        return v.length;
    }

    int steps() {
        return v[0].length;
    }

    int units() {
        return v[0][0].length;
    }

    boolean sameShape(Numbers3d o) {
        return samples() == o.samples() && steps() == o.steps() && units() == o.units();
    }

    String shape() {
        return steps() == 1 ? "(" + samples() + ", " + units() + ")" : "(" + samples() + ", " + steps() + ", " + units() + ")";
    }

    /** The largest absolute difference from {@code o} (same shape). */
    double maxDiff(Numbers3d o) {
        double m = 0;
        for (int i = 0; i < samples(); i++) {
            for (int t = 0; t < steps(); t++) {
                for (int u = 0; u < units(); u++) {
                    double d = Math.abs(v[i][t][u] - o.v[i][t][u]);
                    m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(m, d);
                }
            }
        }
        return m;
    }

    /** Root-mean-square difference from {@code o} (same shape). */
    double rmsDiff(Numbers3d o) {
        double s = 0;
        for (int i = 0; i < samples(); i++) {
            for (int t = 0; t < steps(); t++) {
                for (int u = 0; u < units(); u++) {
                    double d = v[i][t][u] - o.v[i][t][u];
                    s += d * d;
                }
            }
        }
        return Math.sqrt(s / ((double) samples() * steps() * units()));
    }
}
