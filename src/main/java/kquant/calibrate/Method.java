package kquant.calibrate;

import java.util.Locale;
import kquant.KquantException;

/**
 * How activation formats are chosen from the statistics.
 *
 * <ul>
 *   <li>{@code MAXABS}: the finest format that holds the largest magnitude seen.</li>
 *   <li>{@code PERCENTILE}: the finest format that holds the given percentile of the magnitudes
 *       (two-sided), so rare outliers are clipped instead of costing everyone precision.</li>
 *   <li>{@code MSE}: the format whose expected rounding plus clipping error over the histogram
 *       is smallest.</li>
 *   <li>{@code SEARCH}: starts from the best of the three on the held-out data and moves single
 *       tensors' fractional bits while the model's output error on the held-out data falls.</li>
 * </ul>
 */
public enum Method {
    MAXABS, PERCENTILE, MSE, SEARCH;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String s) {
        for (Method m : values()) {
            if (m.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw KquantException.of("method %s: unknown; use maxabs, percentile, mse or search", s);
    }
}
