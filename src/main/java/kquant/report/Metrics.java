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
        Sums sums = new Sums();
        for (int i = 0; i < reference.length; i++) {
            sums.add(reference[i], actual[i]);
        }
        return sums.metrics();
    }

    /** The sums behind the measures, added one pair at a time, so that any amount of data streams through. */
    static final class Sums {
        private double se;
        private double sa;
        private double max;
        private double rr;
        private double aa;
        private double ar;
        private long n;

        void add(double reference, double actual) {
            double e = actual - reference;
            se += e * e;
            sa += Math.abs(e);
            max = Math.max(max, Math.abs(e));
            rr += reference * reference;
            aa += actual * actual;
            ar += actual * reference;
            n++;
        }

        Metrics metrics() {
            return new Metrics(10 * Math.log10(rr / se), Math.sqrt(se / n), sa / n, max, Math.sqrt(se / rr), ar / Math.sqrt(aa * rr));
        }
    }
}
