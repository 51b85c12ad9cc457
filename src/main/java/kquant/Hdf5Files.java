package kquant;

import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Dataset;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens HDF5 files so that damage is refused rather than read as zeros. The HDF5 library itself
 * refuses a file shorter than the end-of-file address its superblock records; jhdf does not, and
 * reads what is missing as zeros. Every HDF5 file kquant reads (Keras models, weights inside a
 * {@code .keras} zip, data sets) goes through here.
 */
public final class Hdf5Files {

    /**
     * Deflate, the only filter Keras files use, cannot shrink data by more than 1032 to 1; a
     * dataset declaring more bytes than that over what it stores is damaged or hostile.
     */
    static final long MAX_COMPRESSION_RATIO = 1032;

    private Hdf5Files() {
        throw new AssertionError("No instances of Hdf5Files");
    }

    /** Opens {@code path}, refusing a truncated file; reads past the end later fail too. */
    public static HdfFile open(Path path) {
        FileChannel channel = null;
        try {
            channel = new BoundedChannel(FileChannel.open(path, StandardOpenOption.READ));
            HdfFile file = new ChannelHdfFile(channel);
            try {
                checkLength(file, channel.size(), path.toString());
                return file;
            } catch (RuntimeException e) {
                file.close();
                throw e;
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw KquantException.of("%s: cannot read: %s", path, e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw refusal(path.toString(), e);
        }
    }

    /** Opens an HDF5 file held in memory (the weights inside a {@code .keras} zip), refusing a truncated one. */
    public static HdfFile fromBytes(byte[] bytes, String name) {
        try {
            HdfFile file = HdfFile.fromBytes(bytes);
            checkLength(file, bytes.length, name);
            return file;
        } catch (RuntimeException e) {
            throw refusal(name, e);
        }
    }

    private static void checkLength(HdfFile file, long size, String name) {
        Superblock sb = file.getHdfBackingStorage().getSuperblock();
        long end = sb.getEndOfFileAddress();
        long base = sb.getBaseAddressByte();
        if (end < 0 || base < 0 || end > Long.MAX_VALUE - base) {
            throw KquantException.of("%s: damaged: the HDF5 superblock records no valid end-of-file address", name);
        }
        if (size < base + end) {
            throw KquantException.of("%s: truncated: the HDF5 superblock says the file is %d bytes long but it holds %d",
                    name, base + end, size);
        }
    }

    /**
     * Checks, before anything is read, that a dataset declares no more data than it can hold:
     * its stored bytes lie inside the file, and its values are no more than the stored bytes
     * (or, with a compression filter, {@link #MAX_COMPRESSION_RATIO} times them) and fit a Java array.
     *
     * @param fileSize  the size of the file holding the dataset
     */
    public static void checkDeclaredSize(Dataset ds, String name, long fileSize) {
        long bytes;
        long stored;
        try {
            bytes = ds.getSizeInBytes();
            stored = ds.isEmpty() ? 0 : ds.getStorageInBytes();
        } catch (RuntimeException e) {
            throw refusal(name, e);
        }
        boolean filtered = !ds.getFilters().isEmpty();
        long room = filtered ? Math.min(fileSize, stored) * MAX_COMPRESSION_RATIO : stored;
        if (bytes < 0 || stored < 0 || stored > fileSize || (bytes > room && !ds.isEmpty())) {
            throw KquantException.of("%s: damaged: dataset %s declares %d bytes of values but %s %d bytes (the file holds %d)",
                    name, ds.getPath(), bytes, filtered ? "compresses them into" : "stores", stored, fileSize);
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw KquantException.of("%s: dataset %s declares %d bytes, more than one array can hold", name, ds.getPath(), bytes);
        }
    }

    /**
     * The one-line refusal for an exception jhdf threw while reading {@code name}: a read past
     * the end is named with its offsets, anything else as damage with jhdf's first line.
     */
    public static KquantException refusal(String name, RuntimeException e) {
        if (e instanceof KquantException k) {
            return k;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BoundedChannel.PastEnd p) {
                return KquantException.of("%s: truncated or damaged: it refers to bytes %d to %d, past its end (%d bytes)",
                        name, p.offset, p.offset + p.length, p.size);
            }
            if (t instanceof KquantException k) {
                return k;
            }
        }
        return KquantException.of("%s: cannot read the HDF5 file (damaged?): %s", name, firstLine(e));
    }

    private static String firstLine(Throwable e) {
        String s = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * jhdf's file over a channel. Its {@code close()} closes the channel, then fails while
     * logging the path such a file does not have; that failure is dropped.
     */
    private static final class ChannelHdfFile extends HdfFile {

        ChannelHdfFile(FileChannel channel) {
            super(channel);
        }

        @Override
        public void close() {
            try {
                super.close();
            } catch (HdfException e) {
                // "No backing file": raised after the channel is closed
            }
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // read-only
        }
    }
}
