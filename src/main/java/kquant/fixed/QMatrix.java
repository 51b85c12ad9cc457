package kquant.fixed;

import kquant.model.Tensor;

/**
 * A weight matrix in codes, stored unit-major: row {@code j} holds output unit {@code j}'s
 * weights over all inputs, contiguous, so each dot product reads consecutive memory. (Keras
 * stores kernels input-major, {@code (inputs, units)}; this is its transpose.)
 */
public final class QMatrix {

    private final int units;
    private final int inputs;
    private final int[] codes;
    private final Format format;
    private final AccumulatorWidth width;
    private final int saturated;
    private final Storage type;

    /**
     * Quantizes a Keras kernel {@code (inputs, units)} with {@code format} (per tensor or per unit)
     * into {@code type}; {@code inputType} is the type of the vectors it multiplies, for the
     * accumulator proof.
     */
    public QMatrix(Tensor kernel, Format format, Storage type, Storage inputType) {
        this.inputs = kernel.dim(0);
        this.units = kernel.dim(1);
        this.format = format;
        this.type = type;
        this.codes = new int[units * inputs];
        int clipped = 0;
        for (int j = 0; j < units; j++) {
            for (int i = 0; i < inputs; i++) {
                long c = Fixed.quantizeUnclamped(kernel.get(i, j), format.at(j));
                clipped += Fixed.saturates(c, type) ? 1 : 0;
                codes[j * inputs + i] = Fixed.saturate(c, type);
            }
        }
        this.saturated = clipped;
        this.width = AccumulatorWidth.prove(codes, units, inputs, inputType);
    }

    public int units() {
        return units;
    }

    public int inputs() {
        return inputs;
    }

    /** The storage type of the weights. */
    public Storage type() {
        return type;
    }

    public Format format() {
        return format;
    }

    public AccumulatorWidth width() {
        return width;
    }

    /** Weights whose value did not fit the format and were clipped; 0 for a calibrated model. */
    public int saturatedWeights() {
        return saturated;
    }

    /** The codes, unit-major; a copy. */
    public int[] codes() {
        return codes.clone();
    }

    /** For the kernels in this package: the codes themselves, never modified. */
    int[] codesShared() {
        return codes;
    }
}
