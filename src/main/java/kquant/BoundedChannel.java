package kquant;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only file channel, over a file or over bytes in memory, that refuses every read reaching
 * past the end, where a plain channel reads short and leaves the rest of the buffer zero, and a
 * map of a region past the end is unspecified. jhdf reads through it, so a truncated or damaged
 * HDF5 file whose dataset, attribute or heap points past the end fails at that read instead of
 * yielding zeros.
 */
public final class BoundedChannel extends FileChannel {

    /** A read of {@code length} bytes at {@code offset} in a file of {@code size} bytes. */
    public static final class PastEnd extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public final long offset;
        public final long length;
        public final long size;

        PastEnd(long offset, long length, long size) {
            super("bytes " + offset + " to " + (offset + length) + " lie past the end of the file (" + size + " bytes)");
            this.offset = offset;
            this.length = length;
            this.size = size;
        }
    }

    private final FileChannel file;
    private final byte[] bytes;
    private final long size;
    private long position;

    public BoundedChannel(FileChannel file) throws IOException {
        this.file = file;
        this.bytes = null;
        this.size = file.size();
    }

    /** Over bytes in memory; a map is refused, and jhdf then reads instead. */
    public BoundedChannel(byte[] bytes) {
        this.file = null;
        this.bytes = bytes;
        this.size = bytes.length;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new PastEnd(offset, length, size);
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        check(position, dst.remaining());
        if (bytes != null) {
            int n = dst.remaining();
            dst.put(bytes, (int) position, n);
            return n;
        }
        int total = 0;
        while (dst.hasRemaining()) {
            int n = file.read(dst, position + total);
            if (n < 0) {
                throw new PastEnd(position, total + dst.remaining(), size);
            }
            total += n;
        }
        return total;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long length) throws IOException {
        check(position, length);
        if (bytes != null) {
            throw new UnsupportedOperationException("bytes in memory are read, not mapped");
        }
        return file.map(mode, position, length);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        long at = position();
        int n = read(dst, at);
        position(at + n);
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += read(dsts[i]);
        }
        return total;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long position() throws IOException {
        return bytes != null ? position : file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (bytes != null) {
            position = newPosition;
        } else {
            file.position(newPosition);
        }
        return this;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public FileChannel truncate(long newSize) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public void force(boolean metaData) {
        // nothing is ever written
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        check(position, count);
        if (bytes != null) {
            return target.write(ByteBuffer.wrap(bytes, (int) position, (int) count));
        }
        return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new IOException("read-only");
    }

    @Override
    public FileLock lock(long position, long length, boolean shared) throws IOException {
        throw new IOException("not locked: read-only");
    }

    @Override
    public FileLock tryLock(long position, long length, boolean shared) throws IOException {
        throw new IOException("not locked: read-only");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
