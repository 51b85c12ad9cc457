package kquant.calibrate;

import java.util.Locale;
import kquant.KquantException;

/**
 * What the calibrator may do to the weights for the sake of the accumulators.
 *
 * <ul>
 *   <li>{@code AUTO}: weights get the finest format that holds them; each dot product uses int32
 *       where that is proved safe and int64 elsewhere. Most accurate.</li>
 *   <li>{@code INT32}: weight formats give up fractional bits until every dot product is proved
 *       to fit an int32, which the exported C computes several times faster on targets without
 *       a 64-bit multiply-accumulate. Costs precision in Q15 (Q7 and A16W8 are always int32).</li>
 * </ul>
 */
public enum AccumulatorPolicy {
    AUTO, INT32;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AccumulatorPolicy parse(String s) {
        for (AccumulatorPolicy p : values()) {
            if (p.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw KquantException.of("accumulator policy %s: unknown; use auto or int32", s);
    }
}
