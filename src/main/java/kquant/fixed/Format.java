package kquant.fixed;

import java.util.Arrays;

/**
 * The fractional bits of one tensor: one value for the whole tensor, or one per output unit
 * (for weights quantized per unit). A real value is {@code code · 2^-f}.
 */
public final class Format {

    private final int[] fracBits;
    private final boolean perUnit;

    private Format(int[] fracBits, boolean perUnit) {
        this.fracBits = fracBits.clone();
        this.perUnit = perUnit;
    }

    public static Format of(int fracBits) {
        return new Format(new int[] {fracBits}, false);
    }

    public static Format perUnit(int[] fracBits) {
        return new Format(fracBits, true);
    }

    public boolean isPerUnit() {
        return perUnit;
    }

    /** The fractional bits of unit {@code j} (the same for every unit of a per-tensor format). */
    public int at(int j) {
        return perUnit ? fracBits[j] : fracBits[0];
    }

    /** The one value of a per-tensor format. */
    public int bits() {
        if (perUnit) {
            throw new IllegalStateException("per-unit format has no single value");
        }
        return fracBits[0];
    }

    public int[] values() {
        return fracBits.clone();
    }

    public int min() {
        return Arrays.stream(fracBits).min().orElseThrow();
    }

    public int max() {
        return Arrays.stream(fracBits).max().orElseThrow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Format f && perUnit == f.perUnit && Arrays.equals(fracBits, f.fracBits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fracBits) * 2 + (perUnit ? 1 : 0);
    }

    @Override
    public String toString() {
        return perUnit ? "Q per unit " + Arrays.toString(fracBits) : "Q" + fracBits[0];
    }
}
