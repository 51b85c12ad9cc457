package kquant.fixed;

import java.util.ArrayList;
import java.util.List;
import kquant.KquantException;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Flatten;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.PassThrough;
import kquant.model.RepeatVector;
import kquant.model.SimpleRnn;

/**
 * A model in integers: every weight in codes, every format, shift, accumulator width and
 * activation table, built once from a model and its formats. The integer engine runs it and the
 * exporter prints it, so both compute from the same numbers.
 */
public final class QuantizedModel {

    /** Fractional bits outside this range mean a broken calibration, not a model. */
    public static final int MIN_FRAC_BITS = -16;
    public static final int MAX_FRAC_BITS = 48;

    private final Model model;
    private final Formats formats;
    private final List<QLayer> layers;
    private final int inputFrac;

    public QuantizedModel(Model model, Formats formats) {
        this.model = model;
        this.formats = formats;
        Scheme s = formats.scheme();
        for (TensorNames.Entry e : TensorNames.of(model)) {
            Format f = formats.get(e.name());
            if (f.min() < MIN_FRAC_BITS || f.max() > MAX_FRAC_BITS) {
                throw KquantException.of("tensor %s: %s fractional bits are outside [%d, %d]", e.name(), f, MIN_FRAC_BITS, MAX_FRAC_BITS);
            }
            if (f.isPerUnit() && (!e.weight() || f.values().length != e.units())) {
                throw KquantException.of("tensor %s: per-unit format with %d values, expected a weight with %d units",
                        e.name(), f.values().length, e.units());
            }
        }
        this.inputFrac = formats.get("input").bits();
        List<QLayer> q = new ArrayList<>();
        int f = inputFrac;
        for (Layer layer : model.layers()) {
            QLayer ql = quantize(layer, f, s);
            q.add(ql);
            f = ql.fOut();
        }
        this.layers = List.copyOf(q);
    }

    private QLayer quantize(Layer layer, int fIn, Scheme scheme) {
        Storage w = scheme.weights();
        Storage s = scheme.activations();
        String n = layer.name() + "/";
        double bound = formats.tableErrorLsb();
        if (layer instanceof SimpleRnn r) {
            int fZ = formats.get(n + "preact").bits();
            int fH = formats.get(n + "state").bits();
            QBias bias = r.useBias() ? new QBias(r.bias(), r.units(), formats.get(n + "bias"), w)
                    : new QBias(null, r.units(), Format.of(0), w);
            return new QSimpleRnn(layer.name(), new QMatrix(r.kernel(), formats.get(n + "kernel"), w, s),
                    new QMatrix(r.recurrentKernel(), formats.get(n + "recurrent_kernel"), w, s), bias, fIn, fZ, fH,
                    kernel(layer, r.activation(), s, fZ, fH, bound), r.returnSequences(), r.goBackwards());
        }
        if (layer instanceof Dense d) {
            int fZ = formats.get(n + "preact").bits();
            int fY = formats.get(n + "output").bits();
            QBias bias = d.useBias() ? new QBias(d.bias(), d.units(), formats.get(n + "bias"), w)
                    : new QBias(null, d.units(), Format.of(0), w);
            return new QDense(layer.name(), new QMatrix(d.kernel(), formats.get(n + "kernel"), w, s), bias, fIn, fZ, fY,
                    kernel(layer, d.activation(), s, fZ, fY, bound));
        }
        if (layer instanceof ActivationLayer a) {
            return new QActivation(layer.name(), kernel(layer, a.activation(), s, fIn, formats.get(n + "output").bits(), bound));
        }
        if (layer instanceof Flatten) {
            return new QReshape(layer.name(), QReshape.Kind.FLATTEN, 1, fIn);
        }
        if (layer instanceof RepeatVector rv) {
            return new QReshape(layer.name(), QReshape.Kind.REPEAT, rv.times(), fIn);
        }
        if (layer instanceof PassThrough) {
            return new QReshape(layer.name(), QReshape.Kind.PASS, 1, fIn);
        }
        throw KquantException.of("layer %s (%s) has no integer kernel", layer.name(), layer.kerasClass());
    }

    private static ActivationKernel kernel(Layer layer, kquant.model.Activation a, Storage s, int fIn, int fOut, double bound) {
        try {
            return ActivationKernel.build(a, s, fIn, fOut, bound);
        } catch (KquantException e) {
            throw KquantException.of("layer %s: %s", layer.name(), e.getMessage());
        }
    }

    public Model model() {
        return model;
    }

    public Formats formats() {
        return formats;
    }

    public Scheme scheme() {
        return formats.scheme();
    }

    public List<QLayer> layers() {
        return layers;
    }

    public int inputFrac() {
        return inputFrac;
    }

    public int outputFrac() {
        return layers.isEmpty() ? inputFrac : layers.get(layers.size() - 1).fOut();
    }

    /** Every activation kernel, by the tensor it produces. */
    public java.util.Map<String, ActivationKernel> activationKernels() {
        java.util.Map<String, ActivationKernel> m = new java.util.LinkedHashMap<>();
        for (QLayer l : layers) {
            if (l instanceof QSimpleRnn r) {
                m.put(l.name() + "/state", r.activation());
            } else if (l instanceof QDense d) {
                m.put(l.name() + "/output", d.activation());
            } else if (l instanceof QActivation a) {
                m.put(l.name() + "/output", a.kernel());
            }
        }
        return m;
    }
}
