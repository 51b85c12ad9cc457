package kquant.model;

import java.util.Locale;
import org.apache.commons.math3.special.Erf;

/**
 * The built-in Keras activations, each evaluated in double with {@link StrictMath} so that every
 * table built from them is the same on every machine.
 *
 * <p>{@code hard_sigmoid} changed in Keras 3: Keras 1 and 2 (and tf.keras) compute
 * {@code clip(0.2 x + 0.5, 0, 1)}, Keras 3 computes {@code relu6(x + 3) / 6}. The loader picks
 * {@link #HARD_SIGMOID} or {@link #HARD_SIGMOID_KERAS3} from the file's {@code keras_version}.
 */
public enum Activation {
    LINEAR("linear"),
    RELU("relu"),
    TANH("tanh"),
    SIGMOID("sigmoid"),
    HARD_SIGMOID("hard_sigmoid"),
    HARD_SIGMOID_KERAS3("hard_sigmoid"),
    ELU("elu"),
    SELU("selu"),
    SOFTSIGN("softsign"),
    SOFTPLUS("softplus"),
    SWISH("swish"),
    EXPONENTIAL("exponential"),
    GELU("gelu"),
    SOFTMAX("softmax");

    /** SELU's scale λ, as Keras and TensorFlow define it (Klambauer et al. 2017). */
    public static final double SELU_SCALE = 1.0507009873554804934193349852946;
    /** SELU's α, as Keras and TensorFlow define it. */
    public static final double SELU_ALPHA = 1.6732632423543772848170429916717;

    private final String kerasName;

    Activation(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    /** False only for softmax, which mixes the units of a vector. */
    public boolean elementwise() {
        return this != SOFTMAX;
    }

    /**
     * Looks up a Keras activation name.
     *
     * @param name          as written in the model config, e.g. "selu", "silu", "hard_sigmoid"
     * @param kerasMajor    the major Keras version that saved the file (decides hard_sigmoid)
     * @return the activation, or null when Keras has it but kquant does not (the caller names it)
     */
    public static Activation fromKeras(String name, int kerasMajor) {
        String n = name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "linear":
            case "none":
                return LINEAR;
            case "silu":
            case "swish":
                return SWISH;
            case "hard_sigmoid":
                return kerasMajor >= 3 ? HARD_SIGMOID_KERAS3 : HARD_SIGMOID;
            default:
                for (Activation a : values()) {
                    if (a.kerasName.equals(n)) {
                        return a;
                    }
                }
                return null;
        }
    }

    /** The activation of one value; softmax must use {@link #applySoftmax(double[])}. */
    public double apply(double x) {
        switch (this) {
            case LINEAR:
                return x;
            case RELU:
                return x > 0 ? x : 0.0;
            case TANH:
                return StrictMath.tanh(x);
            case SIGMOID:
                return sigmoid(x);
            case HARD_SIGMOID:
                return Math.min(1.0, Math.max(0.0, 0.2 * x + 0.5));
            case HARD_SIGMOID_KERAS3:
                return Math.min(6.0, Math.max(0.0, x + 3.0)) / 6.0;
            case ELU:
                return x > 0 ? x : StrictMath.expm1(x);
            case SELU:
                return x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * StrictMath.expm1(x);
            case SOFTSIGN:
                return x / (1.0 + Math.abs(x));
            case SOFTPLUS:
                // log(1 + e^x) without overflow for large x
                return x > 0 ? x + StrictMath.log1p(StrictMath.exp(-x)) : StrictMath.log1p(StrictMath.exp(x));
            case SWISH:
                return x * sigmoid(x);
            case EXPONENTIAL:
                return StrictMath.exp(x);
            case GELU:
                // Keras's default gelu is the exact one (approximate=False)
                return 0.5 * x * (1.0 + Erf.erf(x / StrictMath.sqrt(2.0)));
            default:
                throw new IllegalStateException("softmax is not an element-wise activation");
        }
    }

    /** Softmax over one vector, shifted by its maximum as Keras does. Modifies {@code v}. */
    public static void applySoftmax(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = StrictMath.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1.0 + StrictMath.exp(x));
    }

    /** The formula, for {@code inspect} and the report. */
    public String formula() {
        switch (this) {
            case LINEAR: return "x";
            case RELU: return "max(x, 0)";
            case TANH: return "tanh(x)";
            case SIGMOID: return "1 / (1 + exp(-x))";
            case HARD_SIGMOID: return "clip(0.2 x + 0.5, 0, 1)";
            case HARD_SIGMOID_KERAS3: return "clip(x / 6 + 0.5, 0, 1)";
            case ELU: return "x > 0 ? x : exp(x) - 1";
            case SELU: return "x > 0 ? 1.0507 x : 1.0507 * 1.6733 (exp(x) - 1)";
            case SOFTSIGN: return "x / (1 + |x|)";
            case SOFTPLUS: return "log(1 + exp(x))";
            case SWISH: return "x * sigmoid(x)";
            case EXPONENTIAL: return "exp(x)";
            case GELU: return "0.5 x (1 + erf(x / sqrt(2)))";
            default: return "exp(x_i) / sum_j exp(x_j)";
        }
    }
}
