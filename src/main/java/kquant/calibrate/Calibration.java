package kquant.calibrate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import kquant.fixed.Format;
import kquant.fixed.Formats;
import kquant.fixed.Scheme;

/**
 * A calibration: every tensor's format, the range it came from and why, the method and its
 * parameters, and the model and data it belongs to. Immutable; {@link CalibrationFile} reads and
 * writes it as versioned JSON.
 */
public record Calibration(String tool, ModelRef model, Scheme scheme, Method method, DataSummary data,
        boolean perUnitWeights, AccumulatorPolicy accumulatorPolicy, double tableErrorLsb, Map<String, Choice> tensors) {

    /**
     * The model a calibration belongs to.
     *
     * @param weightsSha256  of the model as trained (not folded)
     * @param normalization  the normalization folded into it before calibrating, or null
     */
    public record ModelRef(String file, String weightsSha256, Folded normalization) {

        public ModelRef(String file, String weightsSha256) {
            this(file, weightsSha256, null);
        }
    }

    /**
     * A normalization folded into the model (kquant calibrate --normalization).
     *
     * @param file                 the normalization file as the user named it (file name only)
     * @param sha256               of the normalization file's bytes
     * @param foldedWeightsSha256  of the folded model the formats were chosen for
     * @param details              per input and output: the raw code, the whole-code mean, the power of two and
     *                             the factors left for the weights, as the file records them
     */
    public record Folded(String file, String sha256, String foldedWeightsSha256, Map<String, Object> details) {
        public Folded {
            details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /** A copy that belongs to {@code ref} instead, with everything else the same. */
    public Calibration withModel(ModelRef ref) {
        return new Calibration(tool, ref, scheme, method, data, perUnitWeights, accumulatorPolicy, tableErrorLsb, tensors);
    }

    /** The method and its parameters (kept sorted, for reproducible files). */
    public record Method(String name, Map<String, Object> params) {
        public Method {
            params = Collections.unmodifiableMap(new TreeMap<>(params));
        }
    }

    /**
     * One tensor's format and where it came from.
     *
     * @param observed  the range seen (data for activations, values for weights); null if unknown
     * @param reason    one line on why this format, for people
     * @param details   the statistics behind the choice (mean, std, percentiles, per-step ranges,
     *                  candidates...), as the file records them; values are numbers, strings,
     *                  lists and maps
     */
    public record Choice(String name, boolean weight, Format format, Range observed, String reason, Map<String, Object> details) {
        public Choice {
            details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }

        public Choice(String name, boolean weight, Format format, Range observed, String reason) {
            this(name, weight, format, observed, reason, Map.of());
        }
    }

    public Calibration {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Formats formats() {
        Map<String, Format> m = new LinkedHashMap<>();
        tensors.forEach((name, c) -> m.put(name, c.format()));
        return new Formats(scheme, m, tableErrorLsb);
    }

    /** A copy with different formats (same provenance), for methods that refine a start point. */
    public Calibration withFormats(Formats formats, Method newMethod, Map<String, String> reasons) {
        Map<String, Choice> m = new LinkedHashMap<>();
        tensors.forEach((name, c) -> m.put(name, new Choice(name, c.weight(), formats.get(name), c.observed(),
                reasons.getOrDefault(name, c.reason()), c.details())));
        return new Calibration(tool, model, scheme, newMethod, data, perUnitWeights, accumulatorPolicy, tableErrorLsb, m);
    }
}
