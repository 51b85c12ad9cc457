package kquant.fuzz;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ContiguousDataset;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import kquant.Hdf5Files;

/**
 * The regions of an intact HDF5 file: each contiguous float dataset's values are float data, and
 * every string an attribute holds (a model config, a version, layer and weight names) is a value.
 * The rest (superblock, object headers, B-trees, heaps) is structure.
 */
final class Hdf5Regions {

    private Hdf5Regions() {
        throw new AssertionError("No instances of Hdf5Regions");
    }

    static Regions of(Path file, byte[] bytes) {
        Regions r = new Regions();
        try (HdfFile h5 = Hdf5Files.open(file)) {
            walk(h5, r, bytes, h5.getHdfBackingStorage().getSuperblock().getBaseAddressByte());
        }
        return r;
    }

    /** The model config a full Keras .h5 stores in its root attribute {@code model_config}. */
    static String modelConfig(Path file) {
        try (HdfFile h5 = Hdf5Files.open(file)) {
            Object v = h5.getAttribute("model_config").getData();
            return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
        }
    }

    private static void walk(Node node, Regions r, byte[] bytes, long base) {
        for (Attribute a : node.getAttributes().values()) {
            strings(a.isEmpty() ? null : a.getData(), r, bytes);
        }
        if (node instanceof ContiguousDataset ds && !ds.isEmpty() && isFloat(ds)) {
            long at = base + ds.getDataAddress();
            r.mark(at, at + ds.getSizeInBytes(), Regions.Type.FLOAT_DATA);
        }
        if (node instanceof Group g) {
            for (Node child : g.getChildren().values()) {
                walk(child, r, bytes, base);
            }
        }
    }

    private static boolean isFloat(Dataset ds) {
        return ds.getJavaType() == float.class || ds.getJavaType() == double.class;
    }

    private static void strings(Object data, Regions r, byte[] bytes) {
        if (data instanceof String s) {
            r.markAll(bytes, s.getBytes(StandardCharsets.UTF_8), Regions.Type.VALUE);
        } else if (data instanceof byte[] b) {
            r.markAll(bytes, b, Regions.Type.VALUE);
        } else if (data != null && data.getClass().isArray() && !data.getClass().getComponentType().isPrimitive()) {
            for (int i = 0; i < Array.getLength(data); i++) {
                strings(Array.get(data, i), r, bytes);
            }
        }
    }
}
