package kquant.fixed;

import kquant.KquantException;

/**
 * An LSTM in integers (SPEC.md, "LSTM step"). The kernel and recurrent kernel are {@code 4u} rows
 * each (gates i, f, g, o, unit-major); every gate has its own pre-activation and output format;
 * the cell state c has its own, stored as int16 ({@link Scheme#cells()}), and so does act(c).
 */
public final class QLstm implements QRecurrent {

    /** The gates, in row-block order. */
    public static final int I = 0;
    public static final int F = 1;
    public static final int G = 2;
    public static final int O = 3;

    private final String name;
    private final QMatrix kernel;
    private final QMatrix recurrent;
    private final QBias bias;
    private final int fX;
    private final int fH;
    private final int fC;
    private final int fA;
    private final int[] fZ;
    private final int[] fG;
    private final ActivationKernel[] gates;
    private final ActivationKernel cellAct;
    private final int[] accFrac;
    private final Storage cellType;
    private final boolean returnSequences;
    private final boolean goBackwards;

    /**
     * @param fZ     pre-activation format of each gate (i, f, g, o)
     * @param fG     output format of each gate
     * @param gates  each gate's activation kernel, from {@code Q(fZ[g])} to {@code Q(fG[g])}
     * @param cellAct act(c), from the int16 cell {@code Q(fC)} to {@code Q(fA)}
     */
    public QLstm(String name, QMatrix kernel, QMatrix recurrent, QBias bias, int fX, int fH, int fC, int fA, int[] fZ, int[] fG,
            ActivationKernel[] gates, ActivationKernel cellAct, Storage cellType, boolean returnSequences, boolean goBackwards) {
        if (fZ.length != 4 || fG.length != 4 || gates.length != 4) {
            throw KquantException.of("layer %s: an LSTM has four gates", name);
        }
        this.name = name;
        this.kernel = kernel;
        this.recurrent = recurrent;
        this.bias = bias;
        this.fX = fX;
        this.fH = fH;
        this.fC = fC;
        this.fA = fA;
        this.fZ = fZ.clone();
        this.fG = fG.clone();
        this.gates = gates.clone();
        this.cellAct = cellAct;
        this.cellType = cellType;
        this.returnSequences = returnSequences;
        this.goBackwards = goBackwards;
        int rows = kernel.units();
        this.accFrac = new int[rows];
        for (int j = 0; j < rows; j++) {
            accFrac[j] = Math.max(fX + kernel.format().at(j), fH + recurrent.format().at(j));
            QSimpleRnn.checkHeadroom(name, kernel.width().bound(), accFrac[j] - fX - kernel.format().at(j),
                    recurrent.width().bound(), accFrac[j] - fH - recurrent.format().at(j), accFrac[j] - fZ[j / units()]);
        }
        QSimpleRnn.checkHeadroom(name, 1L << 30, cellProductFrac() - fG[F] - fC, 1L << 30, cellProductFrac() - fG[I] - fG[G],
                cellProductFrac() - fC);
        QSimpleRnn.checkHeadroom(name, 1L << 30, 0, 0, 0, fG[O] + fA - fH);
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

    /** The state h's format, which is also the layer's output format. */
    @Override
    public int fOut() {
        return fH;
    }

    public int fCell() {
        return fC;
    }

    /** act(c)'s format. */
    public int fCellAct() {
        return fA;
    }

    /** Gate {@code g}'s pre-activation format. */
    public int fZ(int g) {
        return fZ[g];
    }

    /** Gate {@code g}'s output format. */
    public int fGate(int g) {
        return fG[g];
    }

    public ActivationKernel gate(int g) {
        return gates[g];
    }

    public ActivationKernel cellAct() {
        return cellAct;
    }

    public Storage cellType() {
        return cellType;
    }

    /** {@code F_j} of row {@code j} (of 4u): its accumulator's fractional bits. */
    public int accFrac(int j) {
        return accFrac[j];
    }

    /** P of the cell update: the finer of the formats of f·c and i·g. */
    public int cellProductFrac() {
        return Math.max(fG[F] + fC, fG[I] + fG[G]);
    }

    @Override
    public boolean hasCell() {
        return true;
    }

    public boolean returnSequences() {
        return returnSequences;
    }

    public boolean goBackwards() {
        return goBackwards;
    }
}
