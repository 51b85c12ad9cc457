package kquant.export;

import java.math.BigInteger;

/**
 * Which C kernel may compute a layer's pre-activations (SPEC.md, section 5, steps 2 to 4), proved
 * from the largest magnitudes the dot products can have (their accumulator proofs), the bias codes
 * and the shifts. Every shortcut below gives the same bits as SPEC.md's 64-bit arithmetic
 * whenever its condition holds for every unit; the check is done in exact integers.
 */
enum PreactWidth {
    /** Every term and partial sum, with the rounding constant, fits an int32. */
    ACC32("acc32"),
    /**
     * The sum needs 64 bits, but the aligned bias plus the rounding constant fits an int32, the
     * final shift rounds ({@code sz >= 1}), and the shifted sum fits an int32.
     */
    ACC64("acc64"),
    /** SPEC.md as written. */
    WIDE("wide");

    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    private final String cSuffix;

    PreactWidth(String cSuffix) {
        this.cSuffix = cSuffix;
    }

    /** The suffix of the C kernel: {@code kq_preact_s16_<suffix>}. */
    String cSuffix() {
        return cSuffix;
    }

    /**
     * @param boundX  proved largest |x · W| (0 if absent); likewise {@code boundH} for the recurrent part
     * @param bias    bias codes, one per unit (zeros without a bias)
     * @param sx      per unit: the left shift of x · W into the accumulator format; likewise sh
     * @param sb      per unit: fB - F, the bias shift (rounds when positive)
     * @param sz      per unit: F - fZ, the final shift (rounds when positive)
     */
    static PreactWidth prove(long boundX, long boundH, int[] bias, int[] sx, int[] sh, int[] sb, int[] sz) {
        PreactWidth widest = ACC32;
        for (int j = 0; j < bias.length; j++) {
            PreactWidth unit = unit(boundX, boundH, bias[j], sx[j], sh[j], sb[j], sz[j]);
            widest = unit.ordinal() > widest.ordinal() ? unit : widest;
        }
        return widest;
    }

    private static PreactWidth unit(long boundX, long boundH, int bias, int sx, int sh, int sb, int sz) {
        if (sx > 30 || sh > 30 || Math.abs(sb) > 30 || Math.abs(sz) > 30) {
            return WIDE;
        }
        BigInteger b = BigInteger.valueOf(Math.abs((long) bias));
        // the bias term, and the intermediate value its own rounding shift needs
        BigInteger alignedBias = sb <= 0 ? b.shiftLeft(-sb) : b.add(BigInteger.ONE.shiftLeft(sb - 1));
        BigInteger sum = BigInteger.valueOf(boundX).shiftLeft(sx).add(BigInteger.valueOf(boundH).shiftLeft(sh)).add(alignedBias);
        BigInteger rounded = sz > 0 ? sum.add(BigInteger.ONE.shiftLeft(sz - 1)) : sum.shiftLeft(-sz);
        if (rounded.compareTo(INT32_MAX) <= 0) {
            return ACC32;
        }
        BigInteger constant = alignedBias.add(sz > 0 ? BigInteger.ONE.shiftLeft(sz - 1) : BigInteger.ZERO);
        if (sz >= 1 && constant.compareTo(INT32_MAX) <= 0 && rounded.shiftRight(sz).compareTo(INT32_MAX) < 0) {
            return ACC64;
        }
        return WIDE;
    }
}
