package kquant;

import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ContiguousDataset;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
            HdfFile file = new ChannelHdfFile(channel, path);
            try {
                checkLength(file, channel.size(), path.toString());
                checkLayout(file, path.toString());
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
            HdfFile file = new ChannelHdfFile(new BoundedChannel(bytes), Path.of(name));
            checkLength(file, bytes.length, name);
            checkLayout(file, name);
            return file;
        } catch (RuntimeException e) {
            throw refusal(name, e);
        }
    }

    /**
     * Checks that no two datasets' values share bytes, and that none lies over an object header.
     * HDF5 files as h5py writes them carry no checksums; a damaged address can make a dataset
     * read the bytes of its neighbour, which this catches.
     */
    private static void checkLayout(HdfFile file, String name) {
        TreeMap<Long, long[]> ranges = new TreeMap<>();
        Set<Long> headers = new HashSet<>();
        collect(file, ranges, headers, name, file.size());
        long end = -1;
        for (long[] r : ranges.values()) {
            if (r[0] < end) {
                throw KquantException.of("%s: damaged: the values of two datasets share bytes %d to %d", name, r[0], end);
            }
            end = r[1];
        }
        for (long h : headers) {
            Map.Entry<Long, long[]> r = ranges.floorEntry(h);
            if (r != null && h < r.getValue()[1]) {
                throw KquantException.of("%s: damaged: dataset values at bytes %d to %d cover an object header at %d", name,
                        r.getValue()[0], r.getValue()[1], h);
            }
        }
    }

    /** Each object once (an HDF5 object may have several names): its header address and, for a dataset, its values' bytes. */
    private static void collect(Node node, TreeMap<Long, long[]> ranges, Set<Long> headers, String name, long fileSize) {
        if (node.isLink() || !headers.add(node.getAddress())) {
            return;
        }
        if (node instanceof ContiguousDataset ds && !ds.isEmpty()) {
            long from = ds.getDataAddress();
            if (from < 0 || ds.getSizeInBytes() < 0 || ds.getSizeInBytes() > fileSize - from) {
                throw KquantException.of("%s: damaged: dataset %s declares %d bytes of values at byte %d, past the end of the file (%d bytes)",
                        name, ds.getPath(), ds.getSizeInBytes(), from, fileSize);
            }
            if (ranges.put(from, new long[] {from, from + ds.getSizeInBytes()}) != null) {
                throw KquantException.of("%s: damaged: the values of two datasets start at the same byte %d", name, from);
            }
        }
        if (node instanceof Group g) {
            for (Node child : g.getChildren().values()) {
                collect(child, ranges, headers, name, fileSize);
            }
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
     * no more bytes of values than the whole file (or, with a compression filter, than
     * {@link #MAX_COMPRESSION_RATIO} times what it stores, itself inside the file). Where the
     * bytes really lie is checked as they are read.
     *
     * @param fileSize  the size of the file holding the dataset
     */
    public static void checkDeclaredSize(Dataset ds, String name, long fileSize) {
        if (ds.isEmpty()) {
            return;
        }
        try {
            long bytes = ds.getSizeInBytes();
            if (ds.getFilters().isEmpty()) {
                if (bytes < 0 || bytes > fileSize) {
                    throw KquantException.of("%s: damaged: dataset %s declares %d bytes of values, more than the whole file (%d bytes)",
                            name, ds.getPath(), bytes, fileSize);
                }
            } else {
                long stored = ds.getStorageInBytes();
                if (bytes < 0 || stored < 0 || stored > fileSize || bytes / MAX_COMPRESSION_RATIO > stored) {
                    throw KquantException.of("%s: damaged: dataset %s declares %d bytes of values from %d compressed bytes (the file holds %d)",
                            name, ds.getPath(), bytes, stored, fileSize);
                }
            }
        } catch (RuntimeException e) {
            throw refusal(name, e);
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
        return KquantException.of("%s: cannot read the HDF5 file (damaged?): %s", name, firstLine(rootCause(e)));
    }

    /** The innermost cause: jhdf wraps the fault ("checksum mismatch") in what it was doing ("failed to load children"). */
    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(Throwable e) {
        String s = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * jhdf's file over a channel. jhdf keeps no path for such a file, yet asks for it to close and
     * to word its messages; this one answers with the path it was opened from.
     */
    private static final class ChannelHdfFile extends HdfFile {

        private final Path path;

        ChannelHdfFile(FileChannel channel, Path path) {
            super(channel);
            this.path = path;
        }

        @Override
        public Path getFileAsPath() {
            return path;
        }

        @Override
        public java.io.File getFile() {
            return path.toFile();
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
