package kquant.fixed;

import kquant.KquantException;
import kquant.model.Activation;

/**
 * An activation in integers: maps a code {@code z} of the input format {@code Q(fIn)} to a code
 * of the output format {@code Q(fOut)} (SPEC.md, "Activations").
 *
 * <ul>
 *   <li>{@code linear}: a rounding shift; {@code relu}: the same for {@code z > 0}, else 0.</li>
 *   <li>{@code selu}, {@code elu}: {@code z >= 0} by a fixed-point multiply with
 *       {@code M = round(slope · 2^30)}; {@code z < 0} from a table over the negative codes.</li>
 *   <li>every other activation: a table over all codes.</li>
 * </ul>
 *
 * <p>A table holds the correctly rounded output at every {@code 2^k}-th input code and
 * interpolates linearly between them. An int8 table uses {@code k = 0}: one entry per input code, so every
 * output is correctly rounded. An int16 table uses the largest {@code k} (the smallest table) whose error
 * over every input code stays within the bound. Table entries are computed from {@link StrictMath},
 * so they are the same on every machine.
 */
public final class ActivationKernel {

    /** How the kernel computes. */
    public enum Kind { RESCALE, RELU, MULTIPLY_AND_TABLE, TABLE }

    /** The multiplier of the positive branch has this many fractional bits. */
    public static final int MULTIPLIER_BITS = 30;

    private final Activation activation;
    private final Storage type;
    private final int fIn;
    private final int fOut;
    private final Kind kind;
    private final long multiplier;
    private final int table[];
    private final int step;
    private final int satLow;
    private final int satHigh;
    private final double maxErrorLsb;

    private ActivationKernel(Activation activation, Storage type, int fIn, int fOut, Kind kind, long multiplier,
            int[] table, int step, int satLow, int satHigh, double maxErrorLsb) {
        this.activation = activation;
        this.type = type;
        this.fIn = fIn;
        this.fOut = fOut;
        this.kind = kind;
        this.multiplier = multiplier;
        this.table = table;
        this.step = step;
        this.satLow = satLow;
        this.satHigh = satHigh;
        this.maxErrorLsb = maxErrorLsb;
    }

    /**
     * Builds the kernel of {@code activation} from {@code Q(fIn)} to {@code Q(fOut)}.
     *
     * @param boundLsb  the largest error an int16 table may have, in LSB of the output (at least 0.5)
     */
    public static ActivationKernel build(Activation activation, Storage type, int fIn, int fOut, double boundLsb) {
        double[] exact = exact(activation, type, fIn, fOut);
        Kind kind = kindOf(activation);
        if (kind == Kind.RESCALE || kind == Kind.RELU) {
            return withStep(activation, type, fIn, fOut, 0, exact);
        }
        int largestStep = type == Storage.INT8 ? 0 : type.bits() - 1;
        for (int k = largestStep; k > 0; k--) {
            ActivationKernel candidate = withStep(activation, type, fIn, fOut, k, exact);
            if (candidate.maxErrorLsb <= boundLsb) {
                return candidate;
            }
        }
        return withStep(activation, type, fIn, fOut, 0, exact);
    }

    /** The kernel with table entries every {@code 2^k} codes (for tests of the size search). */
    static ActivationKernel withStep(Activation activation, Storage type, int fIn, int fOut, int k) {
        return withStep(activation, type, fIn, fOut, k, exact(activation, type, fIn, fOut));
    }

    /** The exact activation of every input code, in units of the output LSB. */
    private static double[] exact(Activation activation, Storage type, int fIn, int fOut) {
        if (!activation.elementwise()) {
            throw KquantException.of("activation %s has no integer kernel; kquant runs it in the float engine only", activation.kerasName());
        }
        double[] exact = new double[type.maxCode() - type.minCode() + 1];
        for (int z = type.minCode(); z <= type.maxCode(); z++) {
            exact[z - type.minCode()] = Math.scalb(activation.apply(Fixed.dequantize(z, fIn)), fOut);
        }
        return exact;
    }

    private static ActivationKernel withStep(Activation activation, Storage type, int fIn, int fOut, int k, double[] exact) {
        int lo = type.minCode();
        int hi = type.maxCode();
        int satHigh = hi + 1;
        for (int z = hi; z >= 0 && Fixed.quantizeUnclamped(exact[z - lo], 0) > hi; z--) {
            satHigh = z;
        }
        int satLow = lo - 1;
        for (int z = lo; z < 0 && Fixed.quantizeUnclamped(exact[z - lo], 0) < lo; z++) {
            satLow = z;
        }
        Kind kind = kindOf(activation);
        long multiplier = 0;
        if (kind == Kind.MULTIPLY_AND_TABLE) {
            double slope = activation == Activation.SELU ? Activation.SELU_SCALE : 1.0;
            multiplier = Math.round(Math.scalb(slope, MULTIPLIER_BITS));
        }
        int[] t = null;
        if (kind == Kind.TABLE || kind == Kind.MULTIPLY_AND_TABLE) {
            int span = kind == Kind.TABLE ? hi - lo + 1 : -lo;
            t = table(activation, type, fIn, fOut, lo, span, k);
        }
        return new ActivationKernel(activation, type, fIn, fOut, kind, multiplier, t, t == null ? 0 : k, satLow, satHigh, 0)
                .withError(exact);
    }

    private static Kind kindOf(Activation a) {
        switch (a) {
            case LINEAR: return Kind.RESCALE;
            case RELU: return Kind.RELU;
            case SELU:
            case ELU: return Kind.MULTIPLY_AND_TABLE;
            default: return Kind.TABLE;
        }
    }

    /** Entry i holds the correctly rounded f at input code {@code lo + i · 2^k}. */
    private static int[] table(Activation a, Storage s, int fIn, int fOut, int lo, int span, int k) {
        int entries = k == 0 ? span : (span >> k) + 1;
        int[] t = new int[entries];
        for (int i = 0; i < entries; i++) {
            long code = lo + ((long) i << k);
            t[i] = Fixed.quantize(a.apply(Fixed.dequantize(code, fIn)), fOut, s);
        }
        return t;
    }

    private ActivationKernel withError(double[] exact) {
        int lo = type.minCode();
        double worst = 0;
        for (int z = lo; z <= type.maxCode(); z++) {
            double ideal = Math.max(lo, Math.min(type.maxCode(), exact[z - lo]));
            worst = Math.max(worst, Math.abs(apply(z) - ideal));
        }
        return new ActivationKernel(activation, type, fIn, fOut, kind, multiplier, table, step, satLow, satHigh, worst);
    }

    /** The output code for input code {@code z} (SPEC.md, "Activations"). */
    public int apply(int z) {
        switch (kind) {
            case RESCALE:
                return Fixed.saturate(Fixed.roundShift(z, fIn - fOut), type);
            case RELU:
                return z <= 0 ? 0 : Fixed.saturate(Fixed.roundShift(z, fIn - fOut), type);
            case MULTIPLY_AND_TABLE:
                return z >= 0 ? Fixed.saturate(Fixed.multiplyRound(z, multiplier, MULTIPLIER_BITS + fIn - fOut), type) : lookup(z);
            default:
                return lookup(z);
        }
    }

    private int lookup(int z) {
        int d = z - type.minCode();
        if (step == 0) {
            return table[d];
        }
        int i = d >> step;
        int r = d & ((1 << step) - 1);
        return table[i] + (int) Fixed.roundShift((long) (table[i + 1] - table[i]) * r, step);
    }

    /** True when the exact activation of {@code z} lies outside the output format (counted as a saturation). */
    public boolean saturates(int z) {
        return z >= satHigh || z <= satLow;
    }

    public Activation activation() {
        return activation;
    }

    /** The storage type of input and output codes (and table entries). */
    public Storage type() {
        return type;
    }

    public Kind kind() {
        return kind;
    }

    public int fIn() {
        return fIn;
    }

    public int fOut() {
        return fOut;
    }

    /** The positive-branch multiplier, {@code round(slope · 2^30)}; 0 when unused. */
    public long multiplier() {
        return multiplier;
    }

    /** The table in output codes; empty for rescale and relu. */
    public int[] table() {
        return table == null ? new int[0] : table.clone();
    }

    /** {@code k}: table entries sit every {@code 2^k} input codes. */
    public int step() {
        return step;
    }

    public int satLow() {
        return satLow;
    }

    public int satHigh() {
        return satHigh;
    }

    /** The largest error over every input code, in LSB of the output, against the exact activation. */
    public double maxErrorLsb() {
        return maxErrorLsb;
    }

    public int tableBytes() {
        return table == null ? 0 : table.length * type.bytes();
    }

    /** One line for people: what the kernel is and what it costs. */
    public String describe() {
        String io = String.format(java.util.Locale.ROOT, "%s Q%d -> Q%d", activation.kerasName(), fIn, fOut);
        switch (kind) {
            case RESCALE:
            case RELU:
                return io + ": rounding shift, no table, max error " + String.format(java.util.Locale.ROOT, "%.2f LSB", maxErrorLsb);
            default:
                return String.format(java.util.Locale.ROOT, "%s: %s table of %d %s (%d bytes), one entry every %d codes, max error %.3f LSB",
                        io, kind == Kind.TABLE ? "full-range" : "negative-half", table.length, type.cType(), tableBytes(),
                        1 << step, maxErrorLsb);
        }
    }
}
