package kquant.report;

/**
 * How far {@code actual} is from {@code reference}, by the usual measures.
 *
 * @param sqnrDb      10 log10(Σ ref² / Σ (act − ref)²); +∞ when they are equal
 * @param rmse        √(mean (act − ref)²)
 * @param mae         mean |act − ref|
 * @param maxAbs      max |act − ref|
 * @param relativeL2  ‖act − ref‖ / ‖ref‖
 * @param cosine      (act · ref) / (‖act‖ ‖ref‖)
 */
public record Metrics(double sqnrDb, double rmse, double mae, double maxAbs, double relativeL2, double cosine) {

    /** The measures over equal-length arrays. */
    public static Metrics of(double[] reference, double[] actual) {
        if (reference.length != actual.length || reference.length == 0) {
            throw new IllegalArgumentException("lengths " + reference.length + " and " + actual.length);
        }
        double se = 0;
        double sa = 0;
        double max = 0;
        double rr = 0;
        double aa = 0;
        double ar = 0;
        for (int i = 0; i < reference.length; i++) {
            double e = actual[i] - reference[i];
            se += e * e;
            sa += Math.abs(e);
            max = Math.max(max, Math.abs(e));
            rr += reference[i] * reference[i];
            aa += actual[i] * actual[i];
            ar += actual[i] * reference[i];
        }
        int n = reference.length;
        return new Metrics(10 * Math.log10(rr / se), Math.sqrt(se / n), sa / n, max, Math.sqrt(se / rr), ar / Math.sqrt(aa * rr));
    }

    /** Column {@code unit} of {@code [sample][step][unit]}, over every sample and step. */
    static double[] column(double[][][] values, int unit) {
        int steps = values[0].length;
        double[] out = new double[values.length * steps];
        for (int i = 0; i < values.length; i++) {
            for (int t = 0; t < steps; t++) {
                out[i * steps + t] = values[i][t][unit];
            }
        }
        return out;
    }

    /** Every value of {@code [sample][step][unit]}, flattened. */
    static double[] all(double[][][] values) {
        int steps = values[0].length;
        int units = values[0][0].length;
        double[] out = new double[values.length * steps * units];
        for (int i = 0; i < values.length; i++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(values[i][t], 0, out, (i * steps + t) * units, units);
            }
        }
        return out;
    }
}
