package kquant.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import kquant.Hdf5Files;
import kquant.KquantException;

/** A dataset inside an HDF5 file, named {@code file.h5:/path/to/dataset}, read slice by slice. */
final class Hdf5Source implements SequenceSource {

    private final String name;
    private final HdfFile file;
    private final Dataset dataset;
    private final int[] dims;
    private final DataShape shape;

    Hdf5Source(Path path, String datasetPath) {
        this.name = path + ":" + datasetPath;
        if (!Files.isRegularFile(path)) {
            throw KquantException.of("%s: data file not found", path);
        }
        this.file = Hdf5Files.open(path);
        try {
            this.dataset = dataset(file, path, datasetPath);
            this.dims = dataset.getDimensions();
            this.shape = DataShape.ofArray(name, Arrays.stream(dims).asLongStream().toArray());
        } catch (RuntimeException e) {
            file.close();
            throw Hdf5Files.refusal(name, e);
        }
    }

    /** The dataset at {@code datasetPath}, if it holds numbers and declares no more than the file stores. */
    private static Dataset dataset(HdfFile file, Path path, String datasetPath) {
        Node node;
        try {
            node = file.getByPath(datasetPath);
        } catch (RuntimeException e) {
            throw KquantException.of("%s: no dataset at %s", path, datasetPath);
        }
        if (!(node instanceof Dataset ds)) {
            throw KquantException.of("%s: %s is a group, not a dataset", path, datasetPath);
        }
        Class<?> type = ds.getJavaType();
        if (!type.isPrimitive() || type == char.class) {
            throw KquantException.of("%s:%s holds %s, not numbers", path, datasetPath, type.getSimpleName());
        }
        Hdf5Files.checkDeclaredSize(ds, path + ":" + datasetPath, file.size());
        return ds;
    }

    @Override
    public float[] read(int start, int n) {
        long[] offset = new long[dims.length];
        offset[0] = start;
        int[] shape = dims.clone();
        shape[0] = n;
        float[] out = new float[n * sampleSize()];
        try {
            Object data = n == 0 ? new float[0] : dataset.getData(offset, shape);
            flatten(data, out, new int[] {0});
        } catch (RuntimeException e) {
            throw Hdf5Files.refusal(name, e);
        }
        return out;
    }

    private static void flatten(Object data, float[] out, int[] pos) {
        if (data instanceof float[] f) {
            for (float v : f) {
                out[pos[0]++] = v;
            }
        } else if (data instanceof double[] d) {
            for (double v : d) {
                out[pos[0]++] = (float) v;
            }
        } else if (data.getClass().isArray() && data.getClass().getComponentType().isPrimitive()) {
            for (int i = 0; i < Array.getLength(data); i++) {
                Object v = Array.get(data, i);
                out[pos[0]++] = v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).floatValue();
            }
        } else {
            for (int i = 0; i < Array.getLength(data); i++) {
                flatten(Array.get(data, i), out, pos);
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DataShape shape() {
        return shape;
    }

    @Override
    public void close() {
        file.close();
    }
}
