package kquant.fixed;

import kquant.KquantException;

/**
 * A SimpleRNN in integers (SPEC.md, "SimpleRNN step"). For unit {@code j} the input part
 * {@code Σ x_i W_ji} (format {@code fX + fW_j}) and the recurrent part {@code Σ h_k U_jk}
 * (format {@code fH + fU_j}) are aligned, by exact left shifts, to the accumulator format
 * {@code F_j = max(fX + fW_j, fH + fU_j)}; the bias is aligned to it too; the sum is rounded
 * to the pre-activation format {@code fZ} and saturated; the activation kernel maps it to the
 * state format {@code fH}.
 */
public final class QSimpleRnn implements QRecurrent {

    private final String name;
    private final QMatrix kernel;
    private final QMatrix recurrent;
    private final QBias bias;
    private final int fX;
    private final int fZ;
    private final int fH;
    private final int[] accFrac;
    private final ActivationKernel activation;
    private final boolean returnSequences;
    private final boolean goBackwards;

    public QSimpleRnn(String name, QMatrix kernel, QMatrix recurrent, QBias bias, int fX, int fZ, int fH,
            ActivationKernel activation, boolean returnSequences, boolean goBackwards) {
        this.name = name;
        this.kernel = kernel;
        this.recurrent = recurrent;
        this.bias = bias;
        this.fX = fX;
        this.fZ = fZ;
        this.fH = fH;
        this.activation = activation;
        this.returnSequences = returnSequences;
        this.goBackwards = goBackwards;
        int units = recurrent.units();
        this.accFrac = new int[units];
        for (int j = 0; j < units; j++) {
            accFrac[j] = Math.max(fX + kernel.format().at(j), fH + recurrent.format().at(j));
            checkHeadroom(name, kernel.width().bound(), accFrac[j] - fX - kernel.format().at(j),
                    recurrent.width().bound(), accFrac[j] - fH - recurrent.format().at(j), accFrac[j] - fZ);
        }
    }

    /**
     * The aligned sum and the rounding to {@code fZ} happen in int64; refuse formats that could
     * overflow it (only absurd formats do: a typical Q15 sum needs about 36 bits).
     */
    static void checkHeadroom(String layer, long boundA, int shiftA, long boundB, int shiftB, int shiftZ) {
        double sum = Math.scalb((double) boundA, shiftA) + Math.scalb((double) boundB, shiftB) + Math.scalb(1.0, 31);
        double worst = shiftZ < 0 ? Math.scalb(sum, -shiftZ) : sum;
        if (worst >= 0x1p62) {
            throw KquantException.of("layer %s: these formats need an accumulator of %.0f bits, more than the 62 kquant allows; "
                    + "use fewer fractional bits for the weights", layer, Math.ceil(Math.log(worst) / Math.log(2)));
        }
    }

    @Override
    public String name() {
        return name;
    }

    public QMatrix kernel() {
        return kernel;
    }

    public QMatrix recurrent() {
        return recurrent;
    }

    public QBias bias() {
        return bias;
    }

    public int units() {
        return recurrent.inputs();
    }

    public int inputs() {
        return kernel.inputs();
    }

    @Override
    public int fIn() {
        return fX;
    }

    public int fZ() {
        return fZ;
    }

    @Override
    public int fOut() {
        return fH;
    }

    /** {@code F_j}: the fractional bits of unit j's accumulator. */
    public int accFrac(int j) {
        return accFrac[j];
    }

    public ActivationKernel activation() {
        return activation;
    }

    public boolean returnSequences() {
        return returnSequences;
    }

    public boolean goBackwards() {
        return goBackwards;
    }
}
