package kquant.calibrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kquant.KquantException;
import kquant.Numbers;
import kquant.data.NormalizationFile;
import kquant.data.RawData;
import kquant.model.Folding;
import kquant.model.Layer;
import kquant.model.Normalization;
import kquant.model.RawUnits;

/**
 * What a calibration made with a folded normalization adds: the check that every raw code is wide
 * enough for the data, and the record of the folding (the normalization's hash, the folded weights'
 * hash and the folded units) that ties the calibration to it.
 */
public final class FoldedCalibration {

    private FoldedCalibration() {
        throw new AssertionError("No instances of FoldedCalibration");
    }

    /**
     * The calibration {@code c} of {@code folding.folded()}, made on {@code data}, tied to the model as
     * trained and to the normalization.
     *
     * @param warnings  receives one line per output whose code may be too narrow
     * @throws KquantException when an input's code is too narrow for the calibration data, naming the
     *                         feature and the range it needs
     */
    public static Calibration finish(Calibration c, RawData data, NormalizationFile file, Folding folding, java.io.PrintWriter warnings) {
        List<String> narrow = data.narrowCodes();
        if (!narrow.isEmpty()) {
            throw KquantException.of("%s: %s", file.file(), String.join("; ", narrow));
        }
        for (String w : narrowOutputs(c, folding)) {
            warnings.println("warning: " + file.file() + ": " + w);
        }
        warnings.flush();
        Calibration.ModelRef ref = new Calibration.ModelRef(folding.original().source().file(), folding.original().weightsSha256(),
                describe(file, folding));
        return c.withModel(ref);
    }

    /**
     * Refuses a calibration made with a normalization when none is given, or another one; and one made
     * without a normalization when one is given: each by name.
     */
    static void checkNormalization(java.nio.file.Path path, Calibration c, Folding folding, NormalizationFile normalization) {
        Calibration.Folded made = c.model().normalization();
        if (made != null && normalization == null) {
            throw KquantException.of("%s: calibration was made with --normalization %s (sha256 %s...); give the same --normalization",
                    path, made.file(), made.sha256().substring(0, 12));
        }
        if (made == null && normalization != null) {
            throw KquantException.of("%s: calibration was made without --normalization, but %s is given; calibrate with it, or leave it out",
                    path, normalization.file());
        }
        if (made != null && !made.sha256().equals(normalization.sha256())) {
            throw KquantException.of("%s: calibration was made with normalization %s (sha256 %s...), not with %s (sha256 %s...)",
                    path, made.file(), made.sha256().substring(0, 12), normalization.file(), normalization.sha256().substring(0, 12));
        }
    }

    /** The model the formats are for: {@code model}, or its folded form, whose hash the calibration must record. */
    static kquant.model.Model checkFolding(java.nio.file.Path path, Calibration c, kquant.model.Model model, Folding folding) {
        Calibration.Folded made = c.model().normalization();
        if (made == null) {
            return model;
        }
        kquant.model.Model calibrated = folding.folded();
        if (!made.foldedWeightsSha256().equals(calibrated.weightsSha256())) {
            throw KquantException.of("%s: its folded weights (sha256 %s...) are not what this kquant folds (sha256 %s...); calibrate again",
                    path, made.foldedWeightsSha256().substring(0, 12), calibrated.weightsSha256().substring(0, 12));
        }
        return calibrated;
    }

    /**
     * What a calibration records of a folded normalization: the file and its hash, the folded
     * model's hash, and per input and output the raw code and the split of the affine map into
     * whole codes, a power of two, and the factors folded into the weights ({@link kquant.model.RawUnits}).
     */
    static Calibration.Folded describe(NormalizationFile file, Folding folding) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("formula", "folded value = (raw - code_mean) * 2^exponent; standardized = folded value * multiplier + shift");
        details.put("inputs", channels(folding.units().inputs()));
        if (folding.units().denormalizesOutputs()) {
            details.put("outputs", channels(folding.units().outputs()));
        }
        return new Calibration.Folded(file.file().getFileName().toString(), file.sha256(), folding.folded().weightsSha256(), details);
    }

    private static List<Object> channels(List<RawUnits.Channel> side) {
        List<Object> out = new ArrayList<>();
        for (RawUnits.Channel c : side) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.feature().name());
            m.put("unit", c.feature().unit());
            m.put("offset", Numbers.shortest(c.feature().offset()));
            m.put("scale", Numbers.shortest(c.feature().scale()));
            if (c.feature().code() != null) {
                m.put("code", c.feature().code().typeName());
                m.put("lsb", Numbers.shortest(c.feature().code().lsb()));
            }
            m.put("code_mean", c.codeOffset());
            m.put("exponent", c.exponent());
            m.put("multiplier", Numbers.shortest(c.multiplier()));
            m.put("shift", Numbers.shortest(c.shift()));
            out.add(m);
        }
        return out;
    }

    /**
     * Outputs whose declared code may not hold what the model gave on the calibration data. The output
     * tensor's range is one for every unit, so the bound is conservative: the line says "may".
     */
    static List<String> narrowOutputs(Calibration c, Folding folding) {
        List<String> out = new ArrayList<>();
        RawUnits u = folding.units();
        if (!u.outputCodes()) {
            return out;
        }
        List<Layer> layers = folding.folded().layers();
        String tensor = null;
        for (int i = layers.size() - 1; i >= 0 && tensor == null; i--) {
            if (layers.get(i) instanceof kquant.model.Dense d) {
                tensor = d.name() + "/output";
            }
        }
        Calibration.Choice choice = tensor == null ? null : c.tensors().get(tensor);
        if (choice == null || choice.observed() == null) {
            return out;
        }
        for (RawUnits.Channel ch : u.outputs()) {
            Normalization.Code code = ch.feature().code();
            double lo = ch.unfolded(choice.observed().min());
            double hi = ch.unfolded(choice.observed().max());
            if (lo < code.minCode() || hi > code.maxCode()) {
                String unit = ch.feature().unit().isEmpty() ? "" : " " + ch.feature().unit();
                out.add(String.format(Locale.ROOT, "output %s: on the calibration data the model's outputs may reach codes %.0f to %.0f "
                        + "(%s to %s%s), beyond %s's %d to %d; declare a wider code or a larger lsb", ch.feature().name(), Math.floor(lo),
                        Math.ceil(hi), Numbers.format(lo * ch.lsb(), 6), Numbers.format(hi * ch.lsb(), 6), unit, code.typeName(),
                        code.minCode(), code.maxCode()));
            }
        }
        return out;
    }
}
