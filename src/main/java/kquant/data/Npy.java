package kquant.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kquant.KquantException;

/**
 * The NumPy {@code .npy} format, versions 1 to 3: a magic string, a Python-literal header
 * ({@code descr}, {@code fortran_order}, {@code shape}) and the raw array.
 *
 * <p>Reads float16/32/64, signed and unsigned integers of 1 to 8 bytes and booleans, in either
 * byte order and in C or Fortran order. Writes little-endian C-order arrays.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("([<>|=])([fiub])(\\d{1,2})");

    private Npy() {
        throw new AssertionError("No instances of Npy");
    }

    /** What an {@code .npy} header says. */
    public record Header(char kind, int itemSize, ByteOrder order, boolean fortranOrder, long[] shape, long dataOffset) {

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public String dtype() {
            return (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + kind + itemSize;
        }
    }

    /** Reads the header of an {@code .npy} file. */
    public static Header header(FileChannel ch, String name) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(pre, 0);
        pre.flip();
        if (pre.remaining() < 10) {
            throw KquantException.of("%s: not an .npy file (too short)", name);
        }
        for (byte b : MAGIC) {
            if (pre.get() != b) {
                throw KquantException.of("%s: not an .npy file (no \\x93NUMPY magic)", name);
            }
        }
        int major = pre.get() & 0xff;
        pre.get();
        long headerLength;
        long start;
        if (major == 1) {
            headerLength = pre.getShort() & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (pre.remaining() < 4) {
                throw KquantException.of("%s: truncated .npy header", name);
            }
            headerLength = pre.getInt() & 0xffffffffL;
            start = 12;
        } else {
            throw KquantException.of("%s: .npy format version %d is not supported", name, major);
        }
        if (headerLength > 1 << 20) {
            throw KquantException.of("%s: .npy header of %d bytes is not plausible", name, headerLength);
        }
        if (start + headerLength > ch.size()) {
            throw KquantException.of("%s: truncated: the .npy header says it is %d bytes long but the file ends at byte %d",
                    name, headerLength, ch.size());
        }
        ByteBuffer h = ByteBuffer.allocate((int) headerLength);
        ch.read(h, start);
        // ISO-8859-1 keeps one character per byte, so positions are byte offsets; a valid header is ASCII
        NpyHeader.Dict dict = NpyHeader.parse(new String(h.array(), 0, h.position(), StandardCharsets.ISO_8859_1), start, name);
        Matcher d = DESCR.matcher(dict.descr());
        if (!d.matches()) {
            throw KquantException.of("%s: dtype '%s' is not supported (float, int, uint or bool)", name, dict.descr());
        }
        char kind = d.group(2).charAt(0);
        int size = Integer.parseInt(d.group(3));
        boolean ok = (kind == 'f' && (size == 2 || size == 4 || size == 8))
                || ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8))
                || (kind == 'b' && size == 1);
        if (!ok) {
            throw KquantException.of("%s: dtype %s is not supported (float, int, uint or bool)", name, dict.descr());
        }
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Header header = new Header(kind, size, order, dict.fortranOrder(), dict.shape(), start + headerLength);
        long available = ch.size() - header.dataOffset();
        long needed = dataBytes(dict.shape(), size);
        if (needed != available) {
            throw KquantException.of("%s: truncated or damaged: the header's shape %s promises %s bytes of data but the file holds %d",
                    name, java.util.Arrays.toString(dict.shape()), needed < 0 ? "more than 2^63" : Long.toString(needed), available);
        }
        return header;
    }

    /** Bytes of an array of {@code shape}, or -1 past {@code Long.MAX_VALUE}. */
    private static long dataBytes(long[] shape, int itemSize) {
        long n = itemSize;
        for (long d : shape) {
            if (d != 0 && n > Long.MAX_VALUE / d) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    /** Reads element {@code index} of a buffer holding the array's data, as a double. */
    public static double elementAt(ByteBuffer data, Header h, long index) {
        return element(data, h, index);
    }

    /** Reads element {@code index} of a buffer holding the array's data, as a float. */
    static double element(ByteBuffer data, Header h, long index) {
        int at = (int) (index * h.itemSize());
        switch (h.kind()) {
            case 'f':
                if (h.itemSize() == 2) {
                    return halfToFloat(data.getShort(at));
                }
                return h.itemSize() == 4 ? data.getFloat(at) : data.getDouble(at);
            case 'b':
                return data.get(at) != 0 ? 1 : 0;
            case 'u':
                switch (h.itemSize()) {
                    case 1: return data.get(at) & 0xff;
                    case 2: return data.getShort(at) & 0xffff;
                    case 4: return data.getInt(at) & 0xffffffffL;
                    default: return Double.parseDouble(Long.toUnsignedString(data.getLong(at)));
                }
            default:
                switch (h.itemSize()) {
                    case 1: return data.get(at);
                    case 2: return data.getShort(at);
                    case 4: return data.getInt(at);
                    default: return data.getLong(at);
                }
        }
    }

    /** IEEE 754 half precision to float (Java 17 has no {@code Float.float16ToFloat}). */
    static float halfToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            return (sign != 0 ? -1 : 1) * mant * 0x1p-24f;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Element types {@link #write} can produce. */
    public enum Dtype {
        FLOAT32("<f4", 4), FLOAT64("<f8", 8), INT16("<i2", 2), INT8("|i1", 1), INT32("<i4", 4);

        final String descr;
        final int size;

        Dtype(String descr, int size) {
            this.descr = descr;
            this.size = size;
        }
    }

    /**
     * Writes a C-order little-endian array. Values are converted to {@code dtype}; integer
     * dtypes take values that are already integers (codes), so the conversion is exact.
     */
    public static void write(OutputStream out, Dtype dtype, int[] shape, double[] values) throws IOException {
        writeHeader(out, dtype, shape);
        writeValues(out, dtype, values, 0, values.length);
    }

    /** Writes the magic string and the header of a C-order little-endian array; its values follow with {@link #writeValues}. */
    public static void writeHeader(OutputStream out, Dtype dtype, int[] shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", dtype.descr, shapeText);
        int total = MAGIC.length + 4 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(pre.array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code values[from, from + n)} as {@code dtype}, little-endian: the next part of an array's data. */
    public static void writeValues(OutputStream out, Dtype dtype, double[] values, int from, int n) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(n * dtype.size).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < from + n; i++) {
            double v = values[i];
            switch (dtype) {
                case FLOAT32: data.putFloat((float) v); break;
                case FLOAT64: data.putDouble(v); break;
                case INT32: data.putInt((int) v); break;
                case INT16: data.putShort((short) v); break;
                default: data.put((byte) v); break;
            }
        }
        out.write(data.array());
    }

    /** Opens an {@code .npy} file of shape {@code (N, T, F)} or {@code (N, F)} for chunked reading. */
    public static SequenceSource open(Path path) {
        return NpySource.open(path);
    }

    static FileChannel channel(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }
}
