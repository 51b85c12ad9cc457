package kquant.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import kquant.KquantException;

/**
 * An {@code .npy} data set read through memory maps: a C-order file maps only the chunk being
 * read, so files larger than memory (and than 2 GB) stream in bounded memory.
 */
final class NpySource implements SequenceSource {

    private final String name;
    private final FileChannel channel;
    private final Npy.Header header;
    private final DataShape shape;
    private final ByteBuffer fortranData;

    private NpySource(String name, FileChannel channel, Npy.Header header) throws IOException {
        this.name = name;
        this.channel = channel;
        this.header = header;
        this.shape = DataShape.ofArray(name, header.shape());
        if (header.fortranOrder()) {
            long bytes = header.elements() * header.itemSize();
            if (bytes > Integer.MAX_VALUE) {
                throw KquantException.of("%s: a Fortran-order array over 2 GB cannot be streamed; save it with numpy.ascontiguousarray", name);
            }
            this.fortranData = channel.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), bytes).order(header.order());
        } else {
            this.fortranData = null;
        }
    }

    static NpySource open(Path path) {
        String name = path.toString();
        FileChannel ch = null;
        try {
            ch = Npy.channel(path);
            return new NpySource(name, ch, Npy.header(ch, name));
        } catch (IOException e) {
            closeQuietly(ch);
            throw KquantException.of("%s: cannot read: %s", name, e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    @Override
    public float[] read(int start, int n) {
        int size = shape.sampleSize();
        float[] out = new float[n * size];
        if (fortranData != null) {
            int count = shape.count();
            int timesteps = shape.timesteps();
            int features = shape.features();
            // element (i, t, f) of a Fortran-order array sits at i + N * (t + T * f)
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < timesteps; t++) {
                    for (int f = 0; f < features; f++) {
                        long index = (start + i) + (long) count * (t + (long) timesteps * f);
                        out[i * size + t * features + f] = (float) Npy.element(fortranData, header, index);
                    }
                }
            }
            return out;
        }
        long offset = header.dataOffset() + (long) start * size * header.itemSize();
        long length = (long) n * size * header.itemSize();
        try {
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
            ByteBuffer data = map.order(header.order());
            if (header.kind() == 'f' && header.itemSize() == 4) {
                data.asFloatBuffer().get(out);
            } else {
                for (int k = 0; k < out.length; k++) {
                    out[k] = (float) Npy.element(data, header, k);
                }
            }
            return out;
        } catch (IOException e) {
            throw KquantException.of("%s: cannot read samples %d to %d: %s", name, start, start + n - 1, e.getMessage());
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
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // nothing useful to do when closing a read-only file fails
        }
    }
}
