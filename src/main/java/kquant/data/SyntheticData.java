package kquant.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes large synthetic {@code .npy} data sets (standard normal float32) for benchmarks and
 * tests of streaming, chunk by chunk, without holding them in memory.
 */
public final class SyntheticData {

    private SyntheticData() {
        throw new AssertionError("No instances of SyntheticData");
    }

    /** Writes {@code samples × timesteps × features} normal values, seeded. */
    public static void writeNpy(Path file, int samples, int timesteps, int features, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (OutputStream out = Files.newOutputStream(file)) {
            // header only: a zero-length array of the right shape, then patch the count
            java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
            Npy.write(header, Npy.Dtype.FLOAT32, new int[] {samples, timesteps, features}, new double[0]);
            out.write(header.toByteArray());
            int perChunk = Math.max(1, (1 << 20) / (timesteps * features));
            ByteBuffer b = ByteBuffer.allocate(perChunk * timesteps * features * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int done = 0; done < samples; done += perChunk) {
                int n = Math.min(perChunk, samples - done);
                b.clear();
                for (int i = 0; i < n * timesteps * features; i++) {
                    b.putFloat((float) gaussian(rnd));
                }
                out.write(b.array(), 0, b.position());
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; one of the pair is enough here
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
