package kquant.model;

import java.util.ArrayList;
import java.util.List;
import kquant.KquantException;

/**
 * A model with its training normalization folded into its weights: it reads raw values and gives
 * raw values out, in the units {@link RawUnits} describes, and computes what the original model
 * computes on standardized values.
 *
 * <p>The input side is affine per feature, {@code standardized_k = v_k · m_k + d_k}, and the first
 * weighted layer (SimpleRNN, LSTM, GRU or Dense) sees its input only through {@code x·W + b}, so
 * {@code W'_k = m_k · W_k} and {@code b' = b + Σ_k d_k · W_k} give the same sums for every gate. A
 * GRU's recurrent bias row (reset_after) is not touched: it is added to {@code h·U}, not to
 * {@code x·W}. The output side inverts {@code standardized_j = y_j · m_j + d_j} in the last Dense:
 * {@code V'_j = V_j / m_j}, {@code c'_j = (c_j − d_j) / m_j}. Both are computed in float64 and
 * exact in real arithmetic; the folded weights are then stored as float32, as every weight is.
 *
 * @param original  the model as trained
 * @param folded    the same computation on raw values
 */
public record Folding(Model original, Model folded, Normalization normalization, RawUnits units) {

    /**
     * Folds {@code n} into {@code model}.
     *
     * @throws KquantException naming the feature count or the layer that does not allow it
     */
    public static Folding of(Model model, Normalization n) {
        return of(model, n, units(model, n));
    }

    /**
     * The units of {@code n} for {@code model}: each exponent is the power of two nearest to its raw unit
     * ({@link RawUnits#of}), made one step smaller where that would make a folded kernel row (input
     * feature) or column (output) larger than the trained kernel's largest weight: a larger largest
     * weight would cost the whole kernel a bit of its format, a smaller row costs only itself.
     */
    public static RawUnits units(Model model, Normalization n) {
        RawUnits nearest = RawUnits.of(n);
        int[] in = new int[nearest.inputs().size()];
        int[] out = new int[nearest.outputs().size()];
        Tensor w = kernel(model.layers().get(firstWeighted(model)));
        double[] rows = new double[in.length];
        for (int r = 0; r < w.dim(0); r++) {
            for (int c = 0; c < w.dim(1); c++) {
                rows[r % in.length] = Math.max(rows[r % in.length], Math.abs(w.get(r, c)));
            }
        }
        double largest = w.maxAbs();
        for (int k = 0; k < in.length; k++) {
            RawUnits.Channel ch = nearest.inputs().get(k);
            in[k] = ch.multiplier() * rows[k] > largest ? ch.exponent() + 1 : ch.exponent();
        }
        if (out.length > 0) {
            Tensor v = kernel(model.layers().get(lastDense(model)));
            double[] columns = new double[out.length];
            for (int r = 0; r < v.dim(0); r++) {
                for (int c = 0; c < v.dim(1); c++) {
                    columns[c] = Math.max(columns[c], Math.abs(v.get(r, c)));
                }
            }
            for (int j = 0; j < out.length; j++) {
                RawUnits.Channel ch = nearest.outputs().get(j);
                out[j] = columns[j] / ch.multiplier() > v.maxAbs() ? ch.exponent() - 1 : ch.exponent();
            }
        }
        return nearest.withExponents(in, out);
    }

    private static Tensor kernel(Layer l) {
        return l instanceof Recurrent r ? r.kernel() : ((Dense) l).kernel();
    }

    /** Folds {@code n} into {@code model} in the given units (of {@code n}, with their own exponents). */
    public static Folding of(Model model, Normalization n, RawUnits units) {
        checkFits(model, n);
        List<Layer> layers = new ArrayList<>(model.layers());
        int first = firstWeighted(model);
        layers.set(first, foldInput(layers.get(first), units.inputs()));
        if (n.denormalizesOutputs()) {
            int last = lastDense(model);
            layers.set(last, foldOutput((Dense) layers.get(last), units.outputs()));
        }
        return new Folding(model, new Model(model.name(), model.source(), model.inputShape(), layers), n, units);
    }

    /**
     * Checks that {@code n} describes as many inputs as the model takes features, and as many outputs
     * (when it describes any) as it gives.
     */
    public static void checkFits(Model model, Normalization n) {
        int features = model.inputShape().features();
        if (n.inputs().size() != features) {
            throw KquantException.of("the normalization describes %d inputs, but model %s takes %d features per timestep",
                    n.inputs().size(), model.source().file(), features);
        }
        if (n.denormalizesOutputs() && n.outputs().size() != model.outputShape().features()) {
            throw KquantException.of("the normalization describes %d outputs, but model %s gives %d",
                    n.outputs().size(), model.source().file(), model.outputShape().features());
        }
    }

    /** The first layer with weights; every layer before it must pass its input on unchanged (up to a reshape). */
    private static int firstWeighted(Model m) {
        for (int i = 0; i < m.layers().size(); i++) {
            Layer l = m.layers().get(i);
            if (l instanceof Recurrent || l instanceof Dense) {
                return i;
            }
            boolean linear = l instanceof PassThrough || l instanceof Flatten || l instanceof RepeatVector
                    || l instanceof ActivationLayer a && a.activation() == Activation.LINEAR;
            if (!linear) {
                throw KquantException.of("layer %s (%s) lies between the input and the first weighted layer: the input "
                        + "normalization folds only through layers that pass values on unchanged", l.name(), describe(l));
            }
        }
        throw KquantException.of("model %s has no weighted layer to fold the input normalization into", m.source().file());
    }

    /** The last Dense, which must be linear and followed only by layers that pass values on unchanged. */
    private static int lastDense(Model m) {
        for (int i = m.layers().size() - 1; i >= 0; i--) {
            Layer l = m.layers().get(i);
            if (l instanceof Dense d) {
                if (d.activation() != Activation.LINEAR) {
                    throw KquantException.of("layer %s (Dense, activation %s): the output denormalization folds only into a "
                            + "last Dense with a linear activation", d.name(), d.activation().kerasName());
                }
                return i;
            }
            if (!(l instanceof PassThrough)) {
                throw KquantException.of("layer %s (%s) comes after the last Dense: the output denormalization folds only "
                        + "into a Dense at the end of the model", l.name(), describe(l));
            }
        }
        throw KquantException.of("model %s has no Dense at the end to fold the output denormalization into", m.source().file());
    }

    private static String describe(Layer l) {
        return l instanceof ActivationLayer a ? "Activation " + a.activation().kerasName() : l.kerasClass();
    }

    /**
     * {@code W'[r][c] = m_k · W[r][c]} for kernel row r of feature {@code k = r mod F} (a Flatten before
     * the layer makes rows timestep-major), and {@code b'[c] = b[c] + Σ_r d_k · W[r][c]}.
     */
    private static Layer foldInput(Layer layer, List<RawUnits.Channel> in) {
        Tensor w = layer instanceof Recurrent r ? r.kernel() : ((Dense) layer).kernel();
        Tensor b = layer instanceof Recurrent r ? r.bias() : ((Dense) layer).bias();
        int rows = w.dim(0);
        int cols = w.dim(1);
        if (rows % in.size() != 0) {
            throw KquantException.of("layer %s: its kernel has %d rows, not a multiple of the %d input features",
                    layer.name(), rows, in.size());
        }
        double[] kernel = new double[rows * cols];
        double[] bias = new double[cols];
        for (int c = 0; c < cols; c++) {
            bias[c] = b == null ? 0 : b.get(c);
        }
        for (int r = 0; r < rows; r++) {
            RawUnits.Channel ch = in.get(r % in.size());
            for (int c = 0; c < cols; c++) {
                kernel[r * cols + c] = ch.multiplier() * w.get(r, c);
                bias[c] += ch.shift() * w.get(r, c);
            }
        }
        Tensor w2 = tensor(w.name(), w.role(), w.shape(), kernel);
        Tensor b2 = foldedBias(layer, b, bias);
        if (layer instanceof SimpleRnn s) {
            return new SimpleRnn(s.name(), s.units(), s.activation(), s.returnSequences(), s.goBackwards(), w2, s.recurrentKernel(), b2);
        }
        if (layer instanceof Lstm s) {
            return new Lstm(s.name(), s.units(), s.activation(), s.recurrentActivation(), s.returnSequences(), s.goBackwards(), w2,
                    s.recurrentKernel(), b2);
        }
        if (layer instanceof Gru s) {
            return new Gru(s.name(), s.units(), s.activation(), s.recurrentActivation(), s.resetAfter(), s.returnSequences(),
                    s.goBackwards(), w2, s.recurrentKernel(), b2);
        }
        Dense d = (Dense) layer;
        return new Dense(d.name(), d.units(), d.activation(), w2, b2, d.timeDistributed());
    }

    /**
     * The folded input bias in the layer's bias shape: a GRU with reset_after keeps its recurrent row
     * (or gets a zero one); a layer without a bias gets one, unless the fold added nothing.
     */
    private static Tensor foldedBias(Layer layer, Tensor b, double[] inputRow) {
        if (b == null && allZero(inputRow)) {
            return null;
        }
        String name = b == null ? "bias" : b.name();
        String role = b == null ? "bias (added by the normalization folding)" : b.role();
        if (layer instanceof Gru g && g.resetAfter()) {
            double[] both = new double[2 * inputRow.length];
            System.arraycopy(inputRow, 0, both, 0, inputRow.length);
            for (int c = 0; b != null && c < inputRow.length; c++) {
                both[inputRow.length + c] = b.get(inputRow.length + c);
            }
            return tensor(name, role, new int[] {2, inputRow.length}, both);
        }
        return tensor(name, role, new int[] {inputRow.length}, inputRow);
    }

    /** {@code V'[r][j] = V[r][j] / m_j}, {@code c'_j = (c_j − d_j) / m_j}. */
    private static Dense foldOutput(Dense d, List<RawUnits.Channel> out) {
        Tensor v = d.kernel();
        double[] kernel = new double[v.size()];
        double[] bias = new double[d.units()];
        for (int j = 0; j < d.units(); j++) {
            RawUnits.Channel ch = out.get(j);
            for (int r = 0; r < v.dim(0); r++) {
                kernel[r * d.units() + j] = v.get(r, j) / ch.multiplier();
            }
            bias[j] = ((d.useBias() ? d.bias().get(j) : 0) - ch.shift()) / ch.multiplier();
        }
        Tensor c = d.useBias() ? tensor(d.bias().name(), d.bias().role(), d.bias().shape(), bias)
                : allZero(bias) ? null : tensor("bias", "bias c (added by the normalization folding)", new int[] {d.units()}, bias);
        return new Dense(d.name(), d.units(), d.activation(), tensor(v.name(), v.role(), v.shape(), kernel), c, d.timeDistributed());
    }

    private static Tensor tensor(String name, String role, int[] shape, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new Tensor(name, role, shape, f);
    }

    private static boolean allZero(double[] v) {
        for (double x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
