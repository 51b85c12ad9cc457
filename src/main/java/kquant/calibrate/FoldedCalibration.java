package kquant.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
                CalibrationFile.describe(file, folding));
        return c.withModel(ref);
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
