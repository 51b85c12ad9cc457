package kquant.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
        try {
            this.file = new HdfFile(path);
        } catch (RuntimeException e) {
            throw KquantException.of("%s: cannot read the HDF5 file: %s", path, e.getMessage());
        }
        Node node;
        try {
            node = file.getByPath(datasetPath);
        } catch (RuntimeException e) {
            file.close();
            throw KquantException.of("%s: no dataset at %s", path, datasetPath);
        }
        if (!(node instanceof Dataset ds)) {
            file.close();
            throw KquantException.of("%s: %s is a group, not a dataset", path, datasetPath);
        }
        this.dataset = ds;
        this.dims = ds.getDimensions();
        try {
            this.shape = DataShape.ofArray(name, Arrays.stream(dims).asLongStream().toArray());
        } catch (KquantException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public float[] read(int start, int n) {
        long[] offset = new long[dims.length];
        offset[0] = start;
        int[] shape = dims.clone();
        shape[0] = n;
        Object data = n == 0 ? new float[0] : dataset.getData(offset, shape);
        float[] out = new float[n * sampleSize()];
        flatten(data, out, new int[] {0});
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
                out[pos[0]++] = ((Number) Array.get(data, i)).floatValue();
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
