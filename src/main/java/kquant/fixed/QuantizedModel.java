package kquant.fixed;

import java.util.ArrayList;
import java.util.List;
import kquant.KquantException;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Flatten;
import kquant.model.Gru;
import kquant.model.Lstm;
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
    private final Storage cellType;
    private final List<QLayer> layers;
    private final int inputFrac;

    public QuantizedModel(Model model, Formats formats) {
        this(model, formats, formats.scheme().cells());
    }

    /**
     * The same with LSTM cells stored as {@code cellType} instead of the scheme's int16: kquant's
     * schemes always keep int16 cells; an int8 cell is here only to measure what it would cost.
     */
    public QuantizedModel(Model model, Formats formats, Storage cellType) {
        this.model = model;
        this.formats = formats;
        this.cellType = cellType;
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
        if (layer instanceof Lstm r) {
            return lstm(r, fIn, scheme, bound);
        }
        if (layer instanceof Gru r) {
            return gru(r, fIn, scheme, bound);
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

    private QLstm lstm(Lstm r, int fIn, Scheme scheme, double bound) {
        String n = r.name() + "/";
        Storage w = scheme.weights();
        Storage s = scheme.activations();
        int[] fZ = new int[4];
        int[] fG = new int[4];
        ActivationKernel[] gates = new ActivationKernel[4];
        for (int g = 0; g < 4; g++) {
            String gate = Lstm.GATES.get(g);
            fZ[g] = formats.get(n + gate + "_preact").bits();
            fG[g] = formats.get(n + gate).bits();
            gates[g] = kernel(r, gate.equals("g") ? r.activation() : r.recurrentActivation(), s, s, fZ[g], fG[g], bound);
        }
        int fH = formats.get(n + "state").bits();
        int fC = formats.get(n + "cell").bits();
        int fA = formats.get(n + "cell_act").bits();
        QBias bias = r.useBias() ? new QBias(r.bias(), 4 * r.units(), formats.get(n + "bias"), w)
                : new QBias(null, 4 * r.units(), Format.of(0), w);
        return new QLstm(r.name(), new QMatrix(r.kernel(), formats.get(n + "kernel"), w, s),
                new QMatrix(r.recurrentKernel(), formats.get(n + "recurrent_kernel"), w, s), bias, fIn, fH, fC, fA, fZ, fG, gates,
                kernel(r, r.activation(), cellType, s, fC, fA, bound), cellType, r.returnSequences(), r.goBackwards());
    }

    private QGru gru(Gru r, int fIn, Scheme scheme, double bound) {
        String n = r.name() + "/";
        Storage w = scheme.weights();
        Storage s = scheme.activations();
        int[] fZ = new int[3];
        int[] fG = new int[3];
        ActivationKernel[] gates = new ActivationKernel[3];
        for (int g = 0; g < 3; g++) {
            String gate = Gru.GATES.get(g);
            fZ[g] = formats.get(n + gate + "_preact").bits();
            fG[g] = formats.get(n + gate).bits();
            gates[g] = kernel(r, gate.equals("hh") ? r.activation() : r.recurrentActivation(), s, s, fZ[g], fG[g], bound);
        }
        int units = 3 * r.units();
        Format biasFormat = r.useBias() ? formats.get(n + "bias") : Format.of(0);
        QBias input = QBias.row(r.bias(), 0, units, biasFormat, w);
        QBias recurrentBias = r.resetAfter() ? QBias.row(r.bias(), 1, units, biasFormat, w) : QBias.row(null, 0, units, biasFormat, w);
        int fR = r.resetAfter() ? formats.get(n + "hh_recurrent").bits() : 0;
        return new QGru(r.name(), new QMatrix(r.kernel(), formats.get(n + "kernel"), w, s),
                new QMatrix(r.recurrentKernel(), formats.get(n + "recurrent_kernel"), w, s), input, recurrentBias, fIn,
                formats.get(n + "state").bits(), fR, fZ, fG, gates, r.resetAfter(), r.returnSequences(), r.goBackwards());
    }

    private static ActivationKernel kernel(Layer layer, kquant.model.Activation a, Storage in, Storage out, int fIn, int fOut,
            double bound) {
        try {
            return ActivationKernel.build(a, in, out, fIn, fOut, bound);
        } catch (KquantException e) {
            throw KquantException.of("layer %s: %s", layer.name(), e.getMessage());
        }
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
            } else if (l instanceof QLstm r) {
                for (int g = 0; g < 4; g++) {
                    m.put(l.name() + "/" + Lstm.GATES.get(g), r.gate(g));
                }
                m.put(l.name() + "/cell_act", r.cellAct());
            } else if (l instanceof QGru r) {
                for (int g = 0; g < 3; g++) {
                    m.put(l.name() + "/" + Gru.GATES.get(g), r.gate(g));
                }
            } else if (l instanceof QDense d) {
                m.put(l.name() + "/output", d.activation());
            } else if (l instanceof QActivation a) {
                m.put(l.name() + "/output", a.kernel());
            }
        }
        return m;
    }
}
