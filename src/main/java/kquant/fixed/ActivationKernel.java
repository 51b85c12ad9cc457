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
 *   <li>{@code hard_sigmoid}: exact integer arithmetic, no table.</li>
 *   <li>every other activation: a table over all codes.</li>
 * </ul>
 *
 * <p>Input and output codes have the same type, except for an LSTM's {@code act(c)}: its input is
 * the int16 cell state, its output an activation of the scheme (int8 in q7).
 *
 * <p>A table holds the correctly rounded output at every {@code 2^k}-th input code and
 * interpolates linearly between them. An int8 table uses {@code k = 0}: one entry per input code, so every
 * output is correctly rounded. An int16 table uses the largest {@code k} (the smallest table) whose error
 * over every input code stays within the bound. Table entries are computed from {@link StrictMath},
 * so they are the same on every machine.
 */
public final class ActivationKernel {

    /** How the kernel computes. */
    public enum Kind { RESCALE, RELU, MULTIPLY_AND_TABLE, TABLE, HARD_SIGMOID }

    /** The multiplier of the positive branch has this many fractional bits. */
    public static final int MULTIPLIER_BITS = 30;

    private final Activation activation;
    private final Storage inType;
    private final Storage type;
    private final int fIn;
    private final int fOut;
    private final Kind kind;
    private final long multiplier;
    private final ActivationTable table;
    private final int satLow;
    private final int satHigh;
    private final double maxErrorLsb;
    /** {@link #apply} of every input code, built on first use; volatile publishes the filled array. */
    private volatile short[] everyCode;

    private ActivationKernel(Activation activation, Storage inType, Storage type, int fIn, int fOut, Kind kind, long multiplier,
            ActivationTable table, int satLow, int satHigh, double maxErrorLsb) {
        this.activation = activation;
        this.inType = inType;
        this.type = type;
        this.fIn = fIn;
        this.fOut = fOut;
        this.kind = kind;
        this.multiplier = multiplier;
        this.table = table;
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
        return build(activation, type, type, fIn, fOut, boundLsb);
    }

    /** The same, from codes of {@code inType} to codes of {@code outType}. */
    public static ActivationKernel build(Activation activation, Storage inType, Storage outType, int fIn, int fOut, double boundLsb) {
        double[] exact = exact(activation, inType, fIn, fOut);
        Kind kind = kindOf(activation);
        if (kind == Kind.RESCALE || kind == Kind.RELU || kind == Kind.HARD_SIGMOID) {
            return withStep(activation, inType, outType, fIn, fOut, 0, exact);
        }
        int largestStep = inType == Storage.INT8 ? 0 : inType.bits() - 1;
        for (int k = largestStep; k > 0; k--) {
            ActivationKernel candidate = withStep(activation, inType, outType, fIn, fOut, k, exact);
            if (candidate != null && candidate.maxErrorLsb <= boundLsb) {
                return candidate;
            }
        }
        return withStep(activation, inType, outType, fIn, fOut, 0, exact);
    }

    /** The kernel with table entries every {@code 2^k} codes (for tests of the size search). */
    static ActivationKernel withStep(Activation activation, Storage type, int fIn, int fOut, int k) {
        return withStep(activation, type, type, fIn, fOut, k, exact(activation, type, fIn, fOut));
    }

    /** The exact activation of every input code, in units of the output LSB. */
    private static double[] exact(Activation activation, Storage inType, int fIn, int fOut) {
        if (!activation.elementwise()) {
            throw KquantException.of("activation %s has no integer kernel; kquant runs it in the float engine only", activation.kerasName());
        }
        double[] exact = new double[inType.maxCode() - inType.minCode() + 1];
        for (int z = inType.minCode(); z <= inType.maxCode(); z++) {
            exact[z - inType.minCode()] = Math.scalb(activation.apply(Fixed.dequantize(z, fIn)), fOut);
        }
        return exact;
    }

    private static ActivationKernel withStep(Activation activation, Storage inType, Storage type, int fIn, int fOut, int k,
            double[] exact) {
        int lo = inType.minCode();
        int hi = inType.maxCode();
        int satHigh = hi + 1;
        for (int z = hi; z >= 0 && Fixed.quantizeUnclamped(exact[z - lo], 0) > type.maxCode(); z--) {
            satHigh = z;
        }
        int satLow = lo - 1;
        for (int z = lo; z < 0 && Fixed.quantizeUnclamped(exact[z - lo], 0) < type.minCode(); z++) {
            satLow = z;
        }
        Kind kind = kindOf(activation);
        long multiplier = 0;
        if (kind == Kind.MULTIPLY_AND_TABLE) {
            double slope = activation == Activation.SELU ? Activation.SELU_SCALE : 1.0;
            multiplier = Math.round(Math.scalb(slope, MULTIPLIER_BITS));
        }
        if (kind == Kind.HARD_SIGMOID) {
            HardSigmoid.check(activation, inType, fIn, fOut);
        }
        ActivationTable t = null;
        if (kind == Kind.TABLE || kind == Kind.MULTIPLY_AND_TABLE) {
            ActivationTable.Mirror mirror = kind == Kind.TABLE ? ActivationTable.mirrorOf(activation) : ActivationTable.Mirror.NONE;
            int upTo = kind == Kind.TABLE && mirror == ActivationTable.Mirror.NONE ? hi : 0;
            t = ActivationTable.build(activation, inType, type, fIn, fOut, k, mirror, upTo, exact);
            if (t == null) {
                return null;
            }
        }
        return new ActivationKernel(activation, inType, type, fIn, fOut, kind, multiplier, t, satLow, satHigh, 0).withError(exact);
    }

    private static Kind kindOf(Activation a) {
        switch (a) {
            case LINEAR: return Kind.RESCALE;
            case RELU: return Kind.RELU;
            case SELU:
            case ELU: return Kind.MULTIPLY_AND_TABLE;
            case HARD_SIGMOID:
            case HARD_SIGMOID_KERAS3: return Kind.HARD_SIGMOID;
            default: return Kind.TABLE;
        }
    }

    private ActivationKernel withError(double[] exact) {
        int lo = inType.minCode();
        double worst = 0;
        for (int z = lo; z <= inType.maxCode(); z++) {
            double ideal = Math.max(type.minCode(), Math.min(type.maxCode(), exact[z - lo]));
            worst = Math.max(worst, Math.abs(apply(z) - ideal));
        }
        return new ActivationKernel(activation, inType, type, fIn, fOut, kind, multiplier, table, satLow, satHigh, worst);
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
            case HARD_SIGMOID:
                return Fixed.saturate(HardSigmoid.apply(activation, z, fIn, fOut), type);
            default:
                return lookup(z);
        }
    }

    /**
     * {@link #apply} of every input code, from {@code inType().minCode()} up: the block engine looks
     * codes up here (one load per lane) instead of branching per lane. It is built from apply itself,
     * so it cannot differ from the specification. At most 64 Ki entries (128 KB, int16 input);
     * shared, so callers only read it.
     */
    public short[] everyCode() {
        short[] e = everyCode;
        if (e == null) {
            int lo = inType.minCode();
            e = new short[inType.maxCode() - lo + 1];
            for (int z = lo; z <= inType.maxCode(); z++) {
                e[z - lo] = (short) apply(z);
            }
            everyCode = e;
        }
        return e;
    }

    private int lookup(int z) {
        return Fixed.saturate(table.lookup(z), type);
    }

    /** True when the exact activation of {@code z} lies outside the output format (counted as a saturation). */
    public boolean saturates(int z) {
        return z >= satHigh || z <= satLow;
    }

    public Activation activation() {
        return activation;
    }

    /** The storage type of the output codes (and table entries). */
    public Storage type() {
        return type;
    }

    /** The storage type of the input codes: {@link #type()}, or int16 for an LSTM's act(c). */
    public Storage inType() {
        return inType;
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

    /** hard_sigmoid's constants {mul, add, den}: {@code code = clamp(floor((z · mul + add) / den), 0, 2^fOut)}. */
    public long[] hardSigmoidConstants() {
        return HardSigmoid.constants(activation, fIn, fOut);
    }

    /** The lookup table, or null for rescale, relu and hard_sigmoid. */
    public ActivationTable table() {
        return table;
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
        return table == null ? 0 : table.size() * type.bytes();
    }

    /** One line for people: what the kernel is and what it costs. */
    public String describe() {
        String io = String.format(java.util.Locale.ROOT, "%s Q%d -> Q%d", activation.kerasName(), fIn, fOut);
        switch (kind) {
            case RESCALE:
            case RELU:
                return io + ": rounding shift, no table, max error " + String.format(java.util.Locale.ROOT, "%.2f LSB", maxErrorLsb);
            case HARD_SIGMOID:
                return io + ": exact integer arithmetic, no table, max error " + String.format(java.util.Locale.ROOT, "%.2f LSB", maxErrorLsb);
            default:
                String what = kind == Kind.MULTIPLY_AND_TABLE ? "negative-half"
                        : table.mirror() == ActivationTable.Mirror.NONE ? "full-range" : "half-range (mirrored)";
                return String.format(java.util.Locale.ROOT, "%s: %s table of %d %s (%d bytes), one entry every %d codes, max error %.3f LSB",
                        io, what, table.size(), type.cType(), tableBytes(), 1 << table.step(), maxErrorLsb);
        }
    }
}
