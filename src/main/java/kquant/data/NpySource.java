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
    private final int count;
    private final int timesteps;
    private final int features;
    private final ByteBuffer fortranData;

    private NpySource(String name, FileChannel channel, Npy.Header header) throws IOException {
        this.name = name;
        this.channel = channel;
        this.header = header;
        long[] s = header.shape();
        if (s.length != 2 && s.length != 3) {
            throw KquantException.of("%s: array of shape %s; expected (samples, timesteps, features) or (samples, features)",
                    name, java.util.Arrays.toString(s));
        }
        if (s[0] > Integer.MAX_VALUE || s[s.length - 1] * (s.length == 3 ? s[1] : 1) > Integer.MAX_VALUE) {
            throw KquantException.of("%s: array of shape %s is too large", name, java.util.Arrays.toString(s));
        }
        this.count = (int) s[0];
        this.timesteps = s.length == 3 ? (int) s[1] : 1;
        this.features = (int) s[s.length - 1];
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
        int size = sampleSize();
        float[] out = new float[n * size];
        if (fortranData != null) {
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
    public int count() {
        return count;
    }

    @Override
    public int timesteps() {
        return timesteps;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public boolean sequence() {
        return header.shape().length == 3;
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
