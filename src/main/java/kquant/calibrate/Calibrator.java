package kquant.calibrate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import kquant.KquantException;
import kquant.Version;
import kquant.data.SequenceSource;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.fixed.Fixed;
import kquant.fixed.Format;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.fixed.Storage;
import kquant.fixed.TensorNames;
import kquant.model.Activation;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.SimpleRnn;

/**
 * Picks every tensor's format: weights from their values, activations from the statistics the
 * float engine gathers on the user's data.
 *
 * <p>{@code maxabs}: the finest format that holds the largest magnitude seen, made coarser by
 * {@code headroom} bits for data that goes beyond the calibration set.
 */
public final class Calibrator {

    /** The calibrator's settings; {@link #defaults(Scheme)} gives the command line's defaults. */
    public record Options(Scheme scheme, String method, int headroomBits, boolean perUnitWeights,
            AccumulatorPolicy accumulators, double tableErrorLsb) {

        public static Options defaults(Scheme scheme) {
            return new Options(scheme, "maxabs", 0, false, AccumulatorPolicy.AUTO, 1.0);
        }

        public Options withHeadroom(int bits) {
            return new Options(scheme, method, bits, perUnitWeights, accumulators, tableErrorLsb);
        }

        public Options withAccumulators(AccumulatorPolicy p) {
            return new Options(scheme, method, headroomBits, perUnitWeights, p, tableErrorLsb);
        }

        public Options withPerUnitWeights(boolean perUnit) {
            return new Options(scheme, method, headroomBits, perUnit, accumulators, tableErrorLsb);
        }
    }

    private Calibrator() {
        throw new AssertionError("No instances of Calibrator");
    }

    /**
     * Calibrates {@code model} on every sample of {@code data}.
     *
     * @param progress  told the number of samples done; may be null
     */
    public static Calibration calibrate(Model model, SequenceSource data, Options o, IntConsumer progress) {
        if (!o.method().equals("maxabs")) {
            throw KquantException.of("method %s: unknown; use maxabs", o.method());
        }
        if (o.headroomBits() < 0 || o.headroomBits() > 8) {
            throw KquantException.of("--headroom %d: must be between 0 and 8 bits", o.headroomBits());
        }
        Model m = model.withTimesteps(data.timesteps());
        Statistics stats = Statistics.gather(new FloatEngine(m, Precision.FLOAT32), data, 0, data.count(), progress);
        Map<String, Calibration.Choice> choices = new LinkedHashMap<>();
        Map<String, Format> weights = WeightFormats.choose(m, o.scheme(), o.perUnitWeights(), o.accumulators());
        Map<String, String> tied = tiedOutputs(m);
        for (TensorNames.Entry e : TensorNames.of(m)) {
            if (e.weight()) {
                Format f = weights.get(e.name());
                Range r = Range.of(weightValues(m, e.name()));
                choices.put(e.name(), new Calibration.Choice(e.name(), true, f, r, weightReason(r, f, o)));
            } else if (tied.containsKey(e.name())) {
                Calibration.Choice z = choices.get(tied.get(e.name()));
                Range r = stats.get(e.name()).overall();
                choices.put(e.name(), new Calibration.Choice(e.name(), false, z.format(), r,
                        "same format as " + tied.get(e.name()) + " (the activation keeps the range)"));
            } else {
                Range r = stats.get(e.name()).overall();
                Storage type = o.scheme().activations();
                int f = Math.min(QuantizedModel.MAX_FRAC_BITS, Fixed.fracBitsFor(r.maxAbs(), type)) - o.headroomBits();
                choices.put(e.name(), new Calibration.Choice(e.name(), false, Format.of(f), r, String.format(Locale.ROOT,
                        "max |x| = %.4g seen; Q%d holds ±%.4g%s", r.maxAbs(), f, Math.scalb(1.0, type.bits() - 1 - f),
                        o.headroomBits() > 0 ? " (" + o.headroomBits() + " bit headroom)" : "")));
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("headroom_bits", o.headroomBits());
        return new Calibration("kquant " + Version.get(), new Calibration.ModelRef(model.source().file(), model.weightsSha256()),
                o.scheme(), new Calibration.Method(o.method(), params), stats.data(), o.perUnitWeights(), o.accumulators(),
                o.tableErrorLsb(), choices);
    }

    /**
     * Output tensors that take their pre-activation's format: linear and relu only move the range
     * or cut it, so the same format holds them and the activation needs no rounding at all.
     */
    static Map<String, String> tiedOutputs(Model m) {
        Map<String, String> tied = new LinkedHashMap<>();
        for (Layer l : m.layers()) {
            Activation a = l instanceof SimpleRnn r ? r.activation() : l instanceof Dense d ? d.activation() : null;
            if (a == Activation.LINEAR || a == Activation.RELU) {
                tied.put(l.name() + (l instanceof SimpleRnn ? "/state" : "/output"), l.name() + "/preact");
            }
        }
        return tied;
    }

    static float[] weightValues(Model m, String tensor) {
        String layer = tensor.substring(0, tensor.lastIndexOf('/'));
        String name = tensor.substring(tensor.lastIndexOf('/') + 1);
        for (kquant.model.Tensor t : m.layer(layer).weights()) {
            if (t.name().equals(name)) {
                return t.values();
            }
        }
        throw new IllegalArgumentException(tensor);
    }

    private static String weightReason(Range r, Format f, Options o) {
        String base = String.format(Locale.ROOT, "max |w| = %.4g", r.maxAbs());
        if (f.isPerUnit()) {
            return base + "; per-unit formats Q" + f.min() + "..Q" + f.max();
        }
        return base + "; Q" + f.bits() + (o.accumulators() == AccumulatorPolicy.INT32 ? " (coarsened until int32 accumulation is proved safe if needed)" : "");
    }

    /** The activation layers, for callers that need the tensor names in order. */
    static boolean isActivationLayer(Layer l) {
        return l instanceof ActivationLayer;
    }
}
