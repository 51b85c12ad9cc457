package kquant.fixed;

/** A stored integer type: int16 or int8 codes. */
public enum Storage {
    INT16(16), INT8(8);

    private final int bits;

    Storage(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    /** The largest code: 32767 or 127. */
    public int maxCode() {
        return (1 << (bits - 1)) - 1;
    }

    /** The smallest code: -32768 or -128. */
    public int minCode() {
        return -(1 << (bits - 1));
    }

    /** The largest magnitude a code can have: 32768 or 128. */
    public long maxMagnitude() {
        return 1L << (bits - 1);
    }

    /** The C type: int16_t or int8_t. */
    public String cType() {
        return bits == 16 ? "int16_t" : "int8_t";
    }

    public int bytes() {
        return bits / 8;
    }
}
