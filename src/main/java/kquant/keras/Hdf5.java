package kquant.keras;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfInvalidPathException;
import io.jhdf.object.datatype.FloatingPoint;
import java.lang.reflect.Array;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kquant.Hdf5Files;
import kquant.KquantException;

/** Small helpers over jhdf for the shapes Keras files take. */
final class Hdf5 {

    private Hdf5() {
        throw new AssertionError("No instances of Hdf5");
    }

    /** A string attribute, whether stored as a variable-length string, fixed-length bytes or a 1-element array; null if absent. */
    static String stringAttribute(Node node, String name) {
        List<String> values = stringsAttribute(node, name);
        if (values == null) {
            return null;
        }
        return values.isEmpty() ? "" : values.get(0);
    }

    /**
     * A string-array attribute such as {@code layer_names} or {@code weight_names}. Keras 1 and 2.1
     * store them as fixed-length NUL-padded strings, later versions as variable-length strings;
     * an empty list is stored as an empty float array. Returns null if absent.
     */
    static List<String> stringsAttribute(Node node, String name) {
        Attribute a = node.getAttributes().get(name);
        if (a == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (a.isEmpty()) {
            return out;
        }
        Object data = a.getData();
        if (data instanceof String s) {
            out.add(clean(s));
        } else if (data instanceof byte[] bytes) {
            out.add(clean(new String(bytes, StandardCharsets.UTF_8)));
        } else if (data != null && data.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(data); i++) {
                Object e = Array.get(data, i);
                if (e instanceof String s) {
                    out.add(clean(s));
                } else if (e instanceof byte[] bytes) {
                    out.add(clean(new String(bytes, StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    private static String clean(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }

    /** The node at {@code path}, or null if there is none; damage on the way is thrown, not taken for absence. */
    static Node child(Group group, String path) {
        try {
            return group.getByPath(path);
        } catch (HdfInvalidPathException e) {
            return null;
        }
    }

    /**
     * A float dataset as a lazily read array: its shape now, its float32 values in row-major order
     * when asked for, after checking that it declares no more than the file stores.
     *
     * @param fileSize  the size of the HDF5 file holding {@code ds}
     */
    static WeightStore.Array array(Dataset ds, String file, long fileSize) {
        int[] shape;
        try {
            shape = ds.getDimensions();
        } catch (RuntimeException e) {
            throw Hdf5Files.refusal(file, e);
        }
        return new WeightStore.Array(ds.getPath(), shape, () -> floats(ds, file, fileSize));
    }

    private static float[] floats(Dataset ds, String file, long fileSize) {
        Class<?> type = ds.getJavaType();
        if (type != float.class && type != double.class) {
            throw KquantException.of("%s: dataset %s holds %s, expected float32 weights", file, ds.getPath(), type.getSimpleName());
        }
        if (!(ds.getDataType() instanceof FloatingPoint layout) || !littleEndianIeee(layout)) {
            throw KquantException.of("%s: damaged: dataset %s describes its floats in a layout no Keras writes "
                    + "(little-endian IEEE 754 float32 or float64)", file, ds.getPath());
        }
        Hdf5Files.checkDeclaredSize(ds, file, fileSize);
        if (ds.getSize() > Integer.MAX_VALUE - 8) {
            throw KquantException.of("%s: dataset %s declares %d values, more than one weight array can hold", file, ds.getPath(), ds.getSize());
        }
        Object flat = ds.getDataFlat();
        if (flat instanceof float[] f) {
            return f;
        }
        double[] d = (double[]) flat;
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * Whether {@code f} is the IEEE 754 binary32 or binary64 of a little-endian machine, field for
     * field, as numpy writes through h5py on x86 and ARM. h5py files carry no checksum; a flipped
     * bit in a datatype's byte order would read every weight byte-swapped and still finite.
     */
    private static boolean littleEndianIeee(FloatingPoint f) {
        boolean single = f.getSize() == 4 && f.getBitPrecision() == 32 && f.getExponentLocation() == 23 && f.getExponentSize() == 8
                && f.getMantissaSize() == 23 && f.getExponentBias() == 127 && f.getSignLocation() == 31;
        boolean dbl = f.getSize() == 8 && f.getBitPrecision() == 64 && f.getExponentLocation() == 52 && f.getExponentSize() == 11
                && f.getMantissaSize() == 52 && f.getExponentBias() == 1023 && f.getSignLocation() == 63;
        return (single || dbl) && f.getByteOrder() == ByteOrder.LITTLE_ENDIAN && f.getBitOffset() == 0 && f.getMantissaLocation() == 0
                && !f.isLowPadding() && !f.isHighPadding() && !f.isInternalPadding();
    }
}
