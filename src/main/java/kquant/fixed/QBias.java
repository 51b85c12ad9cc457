package kquant.fixed;

import kquant.model.Tensor;

/** A bias vector in codes, one per unit; a layer without bias has all-zero codes. */
public final class QBias {

    private final int[] codes;
    private final Format format;
    private final boolean present;

    public QBias(Tensor bias, int units, Format format, Storage type) {
        this.codes = new int[units];
        this.format = format;
        this.present = bias != null;
        if (bias != null) {
            for (int j = 0; j < units; j++) {
                codes[j] = Fixed.quantize(bias.get(j), format.at(j), type);
            }
        }
    }

    /**
     * Row {@code row} of a {@code (rows, units)} bias, such as a GRU's {@code (2, 3u)} input and
     * recurrent rows, quantized with that row's part of {@code format} (a per-unit format covers
     * every element of the tensor).
     */
    public static QBias row(Tensor bias, int row, int units, Format format, Storage type) {
        Format f = format.isPerUnit()
                ? Format.perUnit(java.util.Arrays.copyOfRange(format.values(), row * units, (row + 1) * units)) : format;
        if (bias == null) {
            return new QBias(null, units, Format.of(0), type);
        }
        float[] v = java.util.Arrays.copyOfRange(bias.values(), row * units, (row + 1) * units);
        return new QBias(new Tensor(bias.name(), bias.role(), new int[] {units}, v), units, f, type);
    }

    public boolean present() {
        return present;
    }

    public Format format() {
        return format;
    }

    public int[] codes() {
        return codes.clone();
    }

    int code(int j) {
        return codes[j];
    }
}
