package kquant.calibrate;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import kquant.data.SequenceSource;
import kquant.engine.BlockSink;
import kquant.engine.Blocks;
import kquant.engine.FloatEngine;
import kquant.engine.Runner;

/**
 * Runs the float engine over a data set in chunks and gathers every activation tensor's
 * statistics. Chunks are read one after another (memory stays bounded by one chunk), the samples
 * of a chunk are spread over every core, and the partial results are merged in chunk order, so
 * the result does not depend on the number of cores.
 */
public final class Statistics {

    /** Bytes of samples per block; each block gathers its own statistics, on one core. */
    static final int BLOCK_BYTES = 1 << 20;
    /** Blocks per chunk: a chunk (16 MB) is read at once and its blocks run in parallel. */
    static final int BLOCKS_PER_CHUNK = 16;

    /**
     * Samples per block: about 1 MB of input, at least one sample. It depends only on the sample
     * size, never on the core count, and blocks merge in order, so no sum depends on the machine.
     */
    static int block(SequenceSource s) {
        return Math.max(1, BLOCK_BYTES / (4 * s.sampleSize()));
    }

    /** Samples per chunk, the most that is held in memory at once. */
    public static int chunk(SequenceSource s) {
        return block(s) * BLOCKS_PER_CHUNK;
    }

    private final Map<String, TensorStatistics> byTensor;

    private Statistics(Map<String, TensorStatistics> byTensor) {
        this.byTensor = byTensor;
    }

    public Map<String, TensorStatistics> byTensor() {
        return java.util.Collections.unmodifiableMap(byTensor);
    }

    public TensorStatistics get(String tensor) {
        return byTensor.get(tensor);
    }

    /**
     * Gathers statistics of samples {@code [from, to)} of {@code source}.
     *
     * @param sha       receives the float32 values read (little-endian), for the data hash; may be null
     * @param progress  told how many samples are done after each chunk; may be null
     */
    public static Statistics gather(FloatEngine engine, SequenceSource source, int from, int to, MessageDigest sha,
            IntConsumer progress) {
        Map<String, TensorStatistics> total = new LinkedHashMap<>();
        Blocks.over(source).range(from, to).blockSize(block(source), BLOCKS_PER_CHUNK).progress(progress)
                .onChunk(chunk -> hash(sha, chunk.values())).run(() -> {
                    Runner runner = engine.runner(Blocks.LANES);
                    return (chunk, start, count) -> {
                        Sink sink = new Sink();
                        Blocks.eachCall(runner, chunk, start, count, sink, k -> { }, source.name(), engine.name());
                        return sink.stats;
                    };
                }, partial -> partial.forEach((name, st) -> total.computeIfAbsent(name, k -> new TensorStatistics()).merge(st)));
        return new Statistics(total);
    }

    /**
     * Feeds each activation of one block to its statistics, sample by sample (the order a
     * one-sample engine would feed them, so the sums do not depend on the block layout).
     */
    private static final class Sink implements BlockSink {
        final Map<String, TensorStatistics> stats = new LinkedHashMap<>();

        @Override
        public void floats(String name, int step, float[][] rows, int row0, int units, int count) {
            if (isActivation(name)) {
                stats.computeIfAbsent(name, k -> new TensorStatistics()).add(step, rows, row0, units, count);
            }
        }
    }

    /** Feeds float32 values to a digest, little-endian. */
    static void hash(MessageDigest sha, float[] values) {
        if (sha != null) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            sha.update(b);
        }
    }

    /** The data set's file name as calibration files record it: no folders, and the dataset path for HDF5. */
    static String fileName(SequenceSource source) {
        String name = source.name();
        int ds = name.indexOf(":/");
        String file = ds >= 0 ? name.substring(0, ds) : name;
        return Path.of(file).getFileName().toString() + (ds >= 0 ? name.substring(ds) : "");
    }

    static String hex(MessageDigest sha) {
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Tensors whose format the data decides; the trace's x·W and h·U parts are not stored. */
    static boolean isActivation(String name) {
        return !kquant.engine.Trace.isPartialSum(name);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
