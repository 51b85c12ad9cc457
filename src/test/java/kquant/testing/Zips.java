package kquant.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip files byte by byte, so that tests can build what no zip library writes: an entry
 * that inflates to gigabytes from a few megabytes (a zip bomb), with honest sizes and CRC.
 */
public final class Zips {

    private record Entry(String name, int method, long crc, long packed, long size, byte[] data) {
    }

    private Zips() {
    }

    /**
     * Writes {@code stored} as uncompressed entries and one entry {@code bombName} of
     * {@code megabytes} MB of zeros, deflated (about 1,000 to 1) and declared with its true size.
     */
    public static void bomb(Path file, Map<String, byte[]> stored, String bombName, int megabytes) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : stored.entrySet()) {
            CRC32 crc = new CRC32();
            crc.update(e.getValue());
            entries.add(new Entry(e.getKey(), 0, crc.getValue(), e.getValue().length, e.getValue().length, e.getValue()));
        }
        byte[] zeros = new byte[1 << 20];
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] buf = new byte[1 << 16];
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream next = new ByteArrayOutputStream();
        for (ByteArrayOutputStream block : List.of(first, next)) {
            d.setInput(zeros);
            int n;
            while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
                block.write(buf, 0, n);
            }
        }
        d.finish();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(first.toByteArray());
        for (int i = 1; i < megabytes; i++) {
            // every later megabyte refers only to zeros before it, so the same block serves again
            stream.write(next.toByteArray());
        }
        int n;
        while ((n = d.deflate(buf)) > 0) {
            stream.write(buf, 0, n);
        }
        d.end();
        CRC32 crc = new CRC32();
        for (int i = 0; i < megabytes; i++) {
            crc.update(zeros);
        }
        byte[] data = stream.toByteArray();
        entries.add(new Entry(bombName, 8, crc.getValue(), data.length, (long) megabytes << 20, data));
        write(file, entries);
    }

    private static void write(Path file, List<Entry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Long> offsets = new ArrayList<>();
        for (Entry e : entries) {
            offsets.add((long) out.size());
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            out.write(le().putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) e.method())
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc()).putInt((int) e.packed()).putInt((int) e.size())
                    .putShort((short) name.length).putShort((short) 0).array(), 0, 30);
            out.write(name);
            out.write(e.data());
        }
        long directory = out.size();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            out.write(le().putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) e.method())
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc()).putInt((int) e.packed()).putInt((int) e.size())
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putInt(0).putInt((int) (long) offsets.get(i)).array(), 0, 46);
            out.write(name);
        }
        long size = out.size() - directory;
        out.write(le().putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt((int) size).putInt((int) directory).putShort((short) 0).array(), 0, 22);
        Files.write(file, out.toByteArray());
    }

    private static ByteBuffer le() {
        return ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    }
}
