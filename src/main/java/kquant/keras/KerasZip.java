package kquant.keras;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import kquant.KquantException;

/**
 * The entries of a Keras 3 {@code .keras} zip, read only after their declared sizes are checked.
 * A zip's central directory says how large each entry is once inflated; kquant holds the entries
 * it needs in memory, so a size no model can need, or a compression ratio no real weights reach
 * (Keras stores them uncompressed; floats deflate by a few percent), is refused as damage before
 * a byte is inflated. What is read must then match the declared size and CRC-32.
 */
final class KerasZip implements AutoCloseable {

    /** The JSON entries are a few kilobytes; this is far beyond any real one. */
    static final long MAX_JSON_BYTES = 64L << 20;
    /** Beyond this an entry must deflate no better than this ratio. */
    static final long RATIO_FREE_BYTES = 1L << 20;
    static final long MAX_RATIO = 100;

    private final Path file;
    private final ZipFile zip;

    KerasZip(Path file) {
        this.file = file;
        try {
            this.zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw KquantException.of("%s: not a readable .keras zip (truncated or damaged): %s", file, e.getMessage());
        }
    }

    boolean has(String name) {
        return zip.getEntry(name) != null;
    }

    /** A JSON entry as text. */
    String text(String name) {
        return new String(bytes(name, MAX_JSON_BYTES), StandardCharsets.UTF_8);
    }

    /**
     * An entry's bytes.
     *
     * @param limit  the most this entry can need; a larger declared size is refused unread
     */
    byte[] bytes(String name, long limit) {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw KquantException.of("%s: the .keras zip has no %s", file, name);
        }
        long size = e.getSize();
        long packed = e.getCompressedSize();
        if (size < 0 || packed < 0) {
            throw KquantException.of("%s: damaged: %s has no recorded size", file, name);
        }
        if (size > Math.min(limit, Integer.MAX_VALUE - 8)) {
            throw KquantException.of("%s: damaged: %s declares %d bytes, more than this model can need (%d)", file, name, size,
                    Math.min(limit, Integer.MAX_VALUE - 8));
        }
        if (size > RATIO_FREE_BYTES && size > MAX_RATIO * Math.max(packed, 1)) {
            throw KquantException.of("%s: damaged or hostile: %s inflates %d bytes into %d (%d to 1; real weights barely compress)",
                    file, name, packed, size, size / Math.max(packed, 1));
        }
        byte[] data;
        try (InputStream in = zip.getInputStream(e)) {
            data = in.readNBytes((int) size);
            if (in.read() >= 0) {
                throw KquantException.of("%s: damaged: %s inflates past its declared %d bytes", file, name, size);
            }
        } catch (IOException | RuntimeException ex) {
            if (ex instanceof KquantException k) {
                throw k;
            }
            throw KquantException.of("%s: damaged: cannot inflate %s: %s", file, name, ex.getMessage());
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        if (data.length != size || crc.getValue() != e.getCrc()) {
            throw KquantException.of("%s: damaged: %s does not match its CRC-32 or size (%d of %d bytes read)", file, name,
                    data.length, size);
        }
        return data;
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}
