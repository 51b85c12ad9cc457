package kquant.fixed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import kquant.KquantException;

/**
 * Everything the integer engine needs to know besides the model: the scheme, each tensor's
 * format by name ({@code input}, {@code simple_rnn/kernel}, {@code simple_rnn/state}, ...), and
 * the error bound that sizes the activation tables.
 */
public final class Formats {

    /** The default bound on an activation table's error, in LSB of its output format. */
    public static final double DEFAULT_TABLE_ERROR_LSB = 1.0;

    private final Scheme scheme;
    private final Map<String, Format> byTensor;
    private final double tableErrorLsb;

    public Formats(Scheme scheme, Map<String, Format> byTensor, double tableErrorLsb) {
        if (!(tableErrorLsb >= 0.5)) {
            throw KquantException.of("activation table error bound %s LSB: must be at least 0.5 (rounding alone gives 0.5)", tableErrorLsb);
        }
        this.scheme = scheme;
        this.byTensor = Collections.unmodifiableMap(new LinkedHashMap<>(byTensor));
        this.tableErrorLsb = tableErrorLsb;
    }

    public Scheme scheme() {
        return scheme;
    }

    public double tableErrorLsb() {
        return tableErrorLsb;
    }

    public Map<String, Format> all() {
        return byTensor;
    }

    public boolean has(String tensor) {
        return byTensor.containsKey(tensor);
    }

    public Format get(String tensor) {
        Format f = byTensor.get(tensor);
        if (f == null) {
            throw KquantException.of("the calibration has no format for tensor %s", tensor);
        }
        return f;
    }

    /** A copy with one tensor's format replaced, for calibration searches. */
    public Formats with(String tensor, Format format) {
        Map<String, Format> m = new LinkedHashMap<>(byTensor);
        m.put(tensor, format);
        return new Formats(scheme, m, tableErrorLsb);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Formats f && scheme == f.scheme && byTensor.equals(f.byTensor) && tableErrorLsb == f.tableErrorLsb;
    }

    @Override
    public int hashCode() {
        return byTensor.hashCode() * 31 + scheme.hashCode();
    }
}
