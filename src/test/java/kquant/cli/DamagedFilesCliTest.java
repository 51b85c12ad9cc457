package kquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import kquant.testing.Refusals;
import kquant.testing.Zips;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile files (issue 13): each is refused with exit 1 and one line naming the file
 * and the fault, never loaded into a wrong answer, never answered with advice about the heap,
 * and nothing is written.
 */
class DamagedFilesCliTest {

    @TempDir
    Path dir;

    private static final Path MODEL = Paths2.demo("model.h5");
    private static final String TEST_X = Paths2.demo("test_X.npy").toString();
    /** The demo model's length, which its HDF5 superblock records as the end-of-file address. */
    private static final int MODEL_BYTES = 64_128;

    private void assertRefused(Cli.Result r, String... expected) throws IOException {
        Refusals.assertRefused(r, dir, expected);
        assertFalse(r.err().contains("heap"), "damage is not a matter of heap size: " + r.err());
    }

    private Cli.Result predict(Path model, String data) {
        return Cli.run("predict", model.toString(), "--data", data, "--out", dir.resolve("out.npy").toString());
    }

    @Test
    void theDemoModelCutWhereItUsedToLoadIsRefusedAsTruncated() throws IOException {
        byte[] demo = Files.readAllBytes(MODEL);
        assertEquals(MODEL_BYTES, demo.length);
        for (int length : new int[] {26_800, 26_900}) {
            Path cut = KerasFixtures.bytes(dir, "cut" + length + ".h5", Arrays.copyOf(demo, length));
            assertRefused(predict(cut, TEST_X), "cut" + length + ".h5", "truncated", Integer.toString(MODEL_BYTES), Integer.toString(length));
            Files.delete(cut);
        }
    }

    @Test
    void aCutFileWhoseSuperblockWasMadeToAgreeFailsAtTheFirstReadPastItsEnd() throws IOException {
        byte[] cut = Arrays.copyOf(Files.readAllBytes(MODEL), 26_900);
        // superblock version 0: the end-of-file address is the 8 bytes at offset 40
        assertEquals(MODEL_BYTES, ByteBuffer.wrap(cut, 40, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
        ByteBuffer.wrap(cut, 40, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(cut.length);
        Path p = KerasFixtures.bytes(dir, "agreeing.h5", cut);
        assertRefused(predict(p, TEST_X), "agreeing.h5", "past the end of the file (26900 bytes)");
    }

    @Test
    void npyHeadersOutsideNumpysGrammarAreRefusedWithTheirByteOffset() throws IOException {
        byte[] x = Files.readAllBytes(Path.of(TEST_X));
        String header = new String(x, 10, 118, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (365, 5, 6), }", header.strip());
        String dict = header.stripTrailing();
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("v", new String[] {fit(dict.replace("(365, 5, 6)", "(365, 5, v)")), "byte 69 ('v')"});
        cases.put("stray", new String[] {fit(dict + "x"), "byte 74 ('x')"});
        cases.put("paren", new String[] {fit(dict).substring(0, 117) + ")", "byte 127 (')')", "newline"});
        cases.put("extra", new String[] {fit(dict.replace(", }", ", 'x': 1}")), "unexpected key 'x'"});
        cases.put("twice", new String[] {fit(dict.replace("'fortran_order': False", "'shape': (1,)")), "'shape' appears twice"});
        cases.put("negative", new String[] {fit(dict.replace("(365, 5, 6)", "(365, 5, -6)")), "byte 69 ('-')"});
        cases.put("bool", new String[] {fit(dict.replace("False", "0")), "fortran_order must be True or False"});
        cases.put("larger", new String[] {fit(dict.replace("(365, 5, 6)", "(366, 5, 6)")), "promises 43920 bytes", "holds 43800"});
        cases.put("smaller", new String[] {fit(dict.replace("(365, 5, 6)", "(364, 5, 6)")), "promises 43680 bytes", "holds 43800"});
        cases.put("huge", new String[] {fit(dict.replace("(365, 5, 6)", "(365, 5, 60000000000000000)")), "more than 2^63"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            byte[] h = c.getValue()[0].getBytes(StandardCharsets.ISO_8859_1);
            byte[] mutated = x.clone();
            System.arraycopy(h, 0, mutated, 10, Math.min(h.length, 118));
            assertEquals(118, h.length, c.getKey());
            Path p = KerasFixtures.bytes(dir, c.getKey() + ".npy", mutated);
            String[] expected = Arrays.copyOfRange(c.getValue(), 1, c.getValue().length);
            Cli.Result r = predict(MODEL, p.toString());
            assertRefused(r, expected);
            assertTrue(r.err().contains(c.getKey() + ".npy"), r.err());
            Files.delete(p);
        }
    }

    @Test
    void dataTooLargeForMemoryIsRefusedBeforeAnythingIsAllocated() throws IOException {
        // a sparse file: the header is real and the file holds every byte it promises (24 GB, none on disk)
        Path big = dir.resolve("big.npy");
        long n = 200_000_000L;
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", 5, 6), }";
        String header = dict + " ".repeat(118 - dict.length() - 1) + "\n";
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0});
            f.write(header.getBytes(StandardCharsets.ISO_8859_1));
            f.setLength(128 + n * 5 * 6 * 4);
        }
        // predict streams any amount of data; export's test vectors are held in memory, so it must refuse them
        Cli.Result r = Cli.run("export", MODEL.toString(), "--calibration", Path.of("calibration", "demo-q15.json").toString(), "--vectors",
                big.toString(), "--out", dir.resolve("c").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("big.npy: 6000000000 values") && r.err().contains("more than this command holds"), r.err());
        Path states = dir.resolve("states.npy");
        String d2 = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + n + ", 5, 48), }";
        try (RandomAccessFile f = new RandomAccessFile(states.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0});
            f.write((d2 + " ".repeat(118 - d2.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
            f.setLength(128 + n * 5 * 48 * 8);
        }
        // diff reads a row-major file a block at a time: its sample count is checked before anything is read
        r = Cli.run("diff", MODEL.toString(), "--data", TEST_X, "--actual", states.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("states.npy: 200000000 samples, but the data has 365"), r.err());
        // a column-major one is read whole, so it must be refused for its size
        try (RandomAccessFile f = new RandomAccessFile(states.toFile(), "rw")) {
            f.seek(10);
            f.write(d2.replace("False", "True ").getBytes(StandardCharsets.ISO_8859_1));
        }
        r = Cli.run("diff", MODEL.toString(), "--data", TEST_X, "--actual", states.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("states.npy: 48000000000 values"), r.err());
        Files.delete(big);
        Files.delete(states);
    }

    @Test
    void aKerasZipWhoseWeightsInflateToGigabytesIsRefusedAsDamageUnread() throws IOException {
        KerasFixtures.Files2 real = zipFixture();
        Map<String, byte[]> small = new LinkedHashMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(real.model().toFile())) {
            for (String e : List.of("metadata.json", "config.json")) {
                small.put(e, z.getInputStream(z.getEntry(e)).readAllBytes());
            }
        }
        Path bomb = dir.resolve("bomb.keras");
        Zips.bomb(bomb, small, "model.weights.h5", 3000);
        assertTrue(Files.size(bomb) < 4 << 20, "a few megabytes: " + Files.size(bomb));
        Cli.Result r = Cli.run("inspect", bomb.toString());
        assertRefused(r, "bomb.keras: damaged", "model.weights.h5 declares 3145728000 bytes");
        Path smaller = dir.resolve("smaller.keras");
        Zips.bomb(smaller, small, "model.weights.h5", 2);
        assertRefused(Cli.run("inspect", smaller.toString()), "smaller.keras: damaged or hostile", "(1", "to 1");
    }

    @Test
    void aKerasZipWhoseEntryLiesAboutItsSizeOrCrcIsRefused() throws IOException {
        Path zip = zipFixture().model();
        byte[] b = Files.readAllBytes(zip);
        assertEquals(0, Cli.run("inspect", zip.toString()).code());
        // the central directory's record of model.weights.h5: its uncompressed size is at +24
        int at = lastIndexOf(b, "model.weights.h5".getBytes(StandardCharsets.US_ASCII)) - 46;
        assertEquals(0x02014b50, ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        byte[] lie = b.clone();
        ByteBuffer.wrap(lie, at + 24, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(100);
        assertRefused(Cli.run("inspect", KerasFixtures.bytes(dir, "lie.keras", lie).toString()), "lie.keras: damaged",
                "model.weights.h5 inflates past its declared 100 bytes");
        byte[] crc = b.clone();
        crc[at + 16] ^= 1;
        assertRefused(Cli.run("inspect", KerasFixtures.bytes(dir, "crc.keras", crc).toString()), "crc.keras: damaged",
                "model.weights.h5 does not match its CRC-32");
        assertRefused(Cli.run("inspect", KerasFixtures.bytes(dir, "short.keras", Arrays.copyOf(b, b.length - 30)).toString()),
                "short.keras: not a readable .keras zip");
    }

    @Test
    void weightsThatAreNotFiniteAreRefusedByLayerTensorAndIndex() throws IOException {
        Random r = new Random(3);
        FixtureLayer rnn = FixtureLayer.simpleRnn("rnn", 3, 4, "tanh", true, r);
        rnn.weights().get(0)[1][2] = Float.NaN;
        Path nan = KerasFixtures.write(dir.resolve("m"), "nan", KerasFixtures.Layout.LEGACY_K2_13, new int[] {5, 3},
                List.of(rnn, FixtureLayer.dense("d", 4, 2, "linear", true, r))).model();
        assertRefused(Cli.run("inspect", nan.toString()), "nan.h5", "layer rnn weight kernel", "holds NaN at index (1, 2)");
        FixtureLayer rnn2 = FixtureLayer.simpleRnn("rnn", 3, 4, "tanh", true, r);
        rnn2.weights().get(2)[0][3] = Float.NEGATIVE_INFINITY;
        Path inf = KerasFixtures.write(dir.resolve("m"), "inf", KerasFixtures.Layout.KERAS_ZIP, new int[] {5, 3}, List.of(rnn2)).model();
        assertRefused(Cli.run("inspect", inf.toString()), "inf.keras", "layer rnn weight bias", "holds -Infinity at index (3,)");
    }

    @Test
    void anHdf5DatasetDeclaringMoreThanTheFileHoldsIsRefusedBeforeItIsRead() throws IOException {
        byte[] b = Files.readAllBytes(MODEL);
        // the dataspace of dense/kernel:0, (48, 4), in the object header (version 1: no checksum)
        byte[] dims = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(48).putLong(4).array();
        int at = indexOf(b, dims);
        assertEquals(8808, at);
        ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 30);
        assertRefused(Cli.run("inspect", KerasFixtures.bytes(dir, "huge.h5", b).toString()), "huge.h5: damaged",
                "dataset /model_weights/dense/dense/kernel:0 declares 17179869184 bytes of values at byte", "past the end of the file (64128 bytes)");
        // as many values, in a shape the layer's 4 units cannot have
        ByteBuffer.wrap(b, at, 16).order(ByteOrder.LITTLE_ENDIAN).putLong(64).putLong(3);
        assertRefused(Cli.run("inspect", KerasFixtures.bytes(dir, "wide.h5", b).toString()), "wide.h5",
                "layer dense weight kernel", "has shape [64, 3], which its config (units 4) cannot have");
        // more values than it has room for: they would run into the next dataset's
        ByteBuffer.wrap(b, at, 16).order(ByteOrder.LITTLE_ENDIAN).putLong(48).putLong(5);
        assertRefused(Cli.run("inspect", KerasFixtures.bytes(dir, "over.h5", b).toString()), "over.h5",
                "damaged: the values of two datasets share bytes");
        // one bit of a datatype message: big-endian, so every weight would read byte-swapped, and finite
        byte[] order = Files.readAllBytes(MODEL);
        int type = indexOf(order, new byte[] {0x11, 0x20, 0x1f, 0x00, 0x04, 0x00, 0x00, 0x00});
        assertTrue(type > 0, "a float32 datatype message: class 1, version 1, little-endian, 4 bytes");
        order[type + 1] ^= 1;
        assertRefused(Cli.run("inspect", KerasFixtures.bytes(dir, "order.h5", order).toString()), "order.h5: damaged",
                "describes its floats in a layout no Keras writes");
        // jhdf's own files carry checksums, which catch the same edit
        Path fixture = KerasFixtures.write(dir.resolve("m"), "sums", KerasFixtures.Layout.LEGACY_K2_13, new int[] {7},
                List.of(FixtureLayer.dense("d", 7, 13, "linear", true, new Random(4)))).model();
        byte[] f = Files.readAllBytes(fixture);
        int k = indexOf(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(13).array());
        ByteBuffer.wrap(f, k, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 30);
        assertRefused(Cli.run("inspect", KerasFixtures.bytes(dir, "sums.h5", f).toString()), "sums.h5", "Checksum mismatch");
    }

    /** A header dict padded with spaces to the demo's 118 bytes, ending in a newline. */
    private static String fit(String dict) {
        return dict + " ".repeat(117 - dict.length()) + "\n";
    }

    private KerasFixtures.Files2 zipFixture() throws IOException {
        Random r = new Random(5);
        return KerasFixtures.write(dir.resolve("m"), "zip", KerasFixtures.Layout.KERAS_ZIP, new int[] {5, 3},
                List.of(FixtureLayer.simpleRnn("rnn", 3, 4, "tanh", true, r), FixtureLayer.dense("d", 4, 2, "linear", true, r)));
    }

    private static int indexOf(byte[] b, byte[] needle) {
        for (int i = 0; i + needle.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, byte[] needle) {
        for (int i = b.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
