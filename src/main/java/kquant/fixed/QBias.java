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
