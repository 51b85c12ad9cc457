package kquant.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import kquant.KquantException;
import kquant.model.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy, CSV and HDF5 inputs, built byte by byte where the layout matters. */
class DataFilesTest {

    @TempDir
    Path dir;

    private static final Shape SEQ_2x3 = Shape.sequence(2, 3);

    /** An .npy file with a hand-written header and the given raw data. */
    private Path npy(String name, String descr, boolean fortran, String shape, int version, byte[] data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int pre = version == 1 ? 10 : 12;
        int pad = (64 - (pre + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(pre + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) header.length);
        } else {
            b.putInt(header.length);
        }
        b.put(header).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static final float[] VALUES = {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15}; // (2, 2, 3): v[i][t][f] = 10i + 3t + f

    @Test
    void bigEndianFloat64() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 * 8).order(ByteOrder.BIG_ENDIAN);
        for (float v : VALUES) {
            b.putDouble(v);
        }
        Path p = npy("be.npy", ">f8", false, "(2, 2, 3)", 1, b.array());
        assertArrayEquals(VALUES, Sequences.load(DataFiles.open(p.toString(), SEQ_2x3)).read(0, 2));
    }

    @Test
    void fortranOrderInt16VersionTwoHeader() throws IOException {
        // Fortran order: element (i, t, f) at i + 2 * (t + 2 * f)
        ByteBuffer b = ByteBuffer.allocate(12 * 2).order(ByteOrder.LITTLE_ENDIAN);
        short[] fortran = new short[12];
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 2; t++) {
                for (int f = 0; f < 3; f++) {
                    fortran[i + 2 * (t + 2 * f)] = (short) (10 * i + 3 * t + f);
                }
            }
        }
        for (short s : fortran) {
            b.putShort(s);
        }
        Path p = npy("f.npy", "<i2", true, "(2, 2, 3)", 2, b.array());
        try (SequenceSource s = DataFiles.open(p.toString(), SEQ_2x3)) {
            assertArrayEquals(VALUES, s.read(0, 2));
            assertArrayEquals(new float[] {10, 11, 12, 13, 14, 15}, s.read(1, 1));
        }
    }

    @Test
    void float16AndUint8() throws IOException {
        // 0x3c00 = 1.0, 0xc000 = -2.0, 0x3800 = 0.5, 0x0001 = 2^-24 (subnormal)
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x3800).putShort((short) 0x0001);
        Path p = npy("h.npy", "<f2", false, "(2, 2)", 1, b.array());
        assertArrayEquals(new float[] {1, -2, 0.5f, 0x1p-24f}, Sequences.load(DataFiles.open(p.toString(), Shape.vector(2))).read(0, 2));
        Path u = npy("u.npy", "|u1", false, "(1, 2)", 1, new byte[] {(byte) 200, 7});
        assertArrayEquals(new float[] {200, 7}, Sequences.load(DataFiles.open(u.toString(), Shape.vector(2))).read(0, 1));
    }

    @Test
    void writtenNpyReadsBackAsNumpyWouldLayItOut() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, Npy.Dtype.FLOAT32, new int[] {2, 2, 3}, toDoubles(VALUES));
        byte[] bytes = out.toByteArray();
        // numpy's own rule: magic + header is a multiple of 64 bytes, header ends in \n
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64);
        assertEquals('\n', bytes[10 + headerLen - 1]);
        assertTrue(new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 3), }"));
        Path p = dir.resolve("w.npy");
        Files.write(p, bytes);
        assertArrayEquals(VALUES, Sequences.load(DataFiles.open(p.toString(), SEQ_2x3)).read(0, 2));
    }

    @Test
    void csvWithHeaderAndHdf5Dataset() throws IOException {
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, "t0f0,t0f1,t0f2,t1f0,t1f1,t1f2\n0,1,2,3,4,5\n10,11,12,13,14,15\n");
        assertArrayEquals(VALUES, DataFiles.load(csv.toString(), SEQ_2x3).read(0, 2));
        Path h5 = dir.resolve("d.h5");
        try (WritableHdfFile w = HdfFile.write(h5)) {
            w.putGroup("g").putDataset("x", new float[][][] {{{0, 1, 2}, {3, 4, 5}}, {{10, 11, 12}, {13, 14, 15}}});
        }
        try (SequenceSource s = DataFiles.open(h5 + ":/g/x", SEQ_2x3)) {
            assertArrayEquals(new float[] {10, 11, 12, 13, 14, 15}, s.read(1, 1));
        }
    }

    @Test
    void shapeAndValueErrorsNameTheFileAndThePlace() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "0,1,2,3,4,5\n10,11,nan,13,14,15\n");
        KquantException nan = assertThrows(KquantException.class, () -> DataFiles.load(csv.toString(), SEQ_2x3));
        assertTrue(nan.getMessage().contains("bad.csv: sample 1, timestep 0, feature 2 is NaN"), nan.getMessage());
        Files.writeString(csv, "0,1,2,3,4,5\n10,11,12,13,inf,15\n");
        KquantException inf = assertThrows(KquantException.class, () -> DataFiles.load(csv.toString(), SEQ_2x3));
        assertTrue(inf.getMessage().contains("sample 1, timestep 1, feature 1 is Infinity"), inf.getMessage());
        KquantException features = assertThrows(KquantException.class, () -> DataFiles.load(csv.toString(), Shape.sequence(2, 4)));
        assertTrue(features.getMessage().contains("not a whole number of timesteps of 4 features"), features.getMessage());
        ByteBuffer b = ByteBuffer.allocate(12 * 4).order(ByteOrder.LITTLE_ENDIAN);
        Path p = npy("s.npy", "<f4", false, "(2, 2, 3)", 1, b.array());
        KquantException steps = assertThrows(KquantException.class, () -> DataFiles.open(p.toString(), Shape.sequence(5, 3)));
        assertTrue(steps.getMessage().contains("samples have 2 timesteps but the model takes 5"), steps.getMessage());
        KquantException feats = assertThrows(KquantException.class, () -> DataFiles.open(p.toString(), Shape.sequence(2, 6)));
        assertTrue(feats.getMessage().contains("3 features per timestep but the model takes 6"), feats.getMessage());
        Path truncated = npy("t.npy", "<f4", false, "(2, 2, 3)", 1, new byte[20]);
        assertTrue(assertThrows(KquantException.class, () -> DataFiles.open(truncated.toString(), SEQ_2x3))
                .getMessage().contains("truncated"));
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
