package kquant.fixed;

import kquant.KquantException;

/**
 * A GRU in integers (SPEC.md, "GRU step"). The kernel and recurrent kernel are {@code 3u} rows
 * each (gates z, r, hh, unit-major); each gate has its own pre-activation and output format.
 * With {@code reset_after} the bias has an input and a recurrent row, and the candidate's
 * recurrent part {@code h·U_h + b_rec_h} is requantized to its own format before r multiplies it;
 * without, r multiplies h first (the reset state, in h's format).
 */
public final class QGru implements QRecurrent {

    /** The gates, in row-block order. */
    public static final int Z = 0;
    public static final int R = 1;
    public static final int HH = 2;

    private final String name;
    private final QMatrix kernel;
    private final QMatrix recurrent;
    private final QBias inputBias;
    private final QBias recurrentBias;
    private final int fX;
    private final int fH;
    private final int fR;
    private final int[] fZ;
    private final int[] fG;
    private final ActivationKernel[] gates;
    private final boolean resetAfter;
    private final boolean returnSequences;
    private final boolean goBackwards;
    private final int[] accFrac;

    /**
     * @param recurrentBias  the recurrent row with {@code reset_after}; zeros otherwise
     * @param fR             with {@code reset_after}: the format of {@code h·U_h + b_rec_h}; ignored otherwise
     */
    public QGru(String name, QMatrix kernel, QMatrix recurrent, QBias inputBias, QBias recurrentBias, int fX, int fH, int fR,
            int[] fZ, int[] fG, ActivationKernel[] gates, boolean resetAfter, boolean returnSequences, boolean goBackwards) {
        if (fZ.length != 3 || fG.length != 3 || gates.length != 3) {
            throw KquantException.of("layer %s: a GRU has three gates", name);
        }
        this.name = name;
        this.kernel = kernel;
        this.recurrent = recurrent;
        this.inputBias = inputBias;
        this.recurrentBias = recurrentBias;
        this.fX = fX;
        this.fH = fH;
        this.fR = fR;
        this.fZ = fZ.clone();
        this.fG = fG.clone();
        this.gates = gates.clone();
        this.resetAfter = resetAfter;
        this.returnSequences = returnSequences;
        this.goBackwards = goBackwards;
        int units = units();
        this.accFrac = new int[3 * units];
        for (int j = 0; j < 3 * units; j++) {
            int fx = fX + kernel.format().at(j);
            int fh = fH + recurrent.format().at(j);
            boolean candidate = j >= 2 * units;
            if (candidate && resetAfter) {
                accFrac[j] = Math.max(fx, fG[R] + fR);
                QSimpleRnn.checkHeadroom(name, recurrent.width().bound(), 0, 0, 0, fh - fR);
                QSimpleRnn.checkHeadroom(name, kernel.width().bound(), accFrac[j] - fx, 1L << 30, accFrac[j] - fG[R] - fR,
                        accFrac[j] - fZ[HH]);
            } else {
                accFrac[j] = Math.max(fx, fh);
                QSimpleRnn.checkHeadroom(name, kernel.width().bound(), accFrac[j] - fx, recurrent.width().bound(), accFrac[j] - fh,
                        accFrac[j] - fZ[j / units]);
            }
        }
        QSimpleRnn.checkHeadroom(name, 1L << 30, updateFrac() - fG[Z] - fH, 1L << 31, updateFrac() - fG[Z] - fG[HH],
                updateFrac() - fH);
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

    public QBias inputBias() {
        return inputBias;
    }

    public QBias recurrentBias() {
        return recurrentBias;
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

    @Override
    public int fOut() {
        return fH;
    }

    /** With {@code reset_after}: the format of the candidate's recurrent part. */
    public int fRecurrent() {
        return fR;
    }

    public int fZ(int g) {
        return fZ[g];
    }

    public int fGate(int g) {
        return fG[g];
    }

    public ActivationKernel gate(int g) {
        return gates[g];
    }

    /** Row {@code j}'s accumulator format (of 3u rows); for the candidate with {@code reset_after}, the sum x·W + r·q. */
    public int accFrac(int j) {
        return accFrac[j];
    }

    /** P of the state update: z's format plus the finer of h's and hh's. */
    public int updateFrac() {
        return fG[Z] + Math.max(fH, fG[HH]);
    }

    public boolean resetAfter() {
        return resetAfter;
    }

    public boolean returnSequences() {
        return returnSequences;
    }

    public boolean goBackwards() {
        return goBackwards;
    }
}
