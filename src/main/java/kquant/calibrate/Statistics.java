package kquant.calibrate;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.engine.FloatEngine;
import kquant.engine.TraceSink;

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
        int block = block(source);
        int chunkSize = chunk(source);
        for (int start = from; start < to; start += chunkSize) {
            int n = Math.min(chunkSize, to - start);
            float[] values = source.read(start, n);
            DataFiles.checkFinite(values, start, source);
            hash(sha, values);
            Sequences samples = new Sequences(source.name(), n, source.timesteps(), source.features(), source.sequence(), values);
            int first = start;
            int parts = (n + block - 1) / block;
            List<Map<String, TensorStatistics>> partials = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                partials.add(new LinkedHashMap<>());
            }
            IntStream.range(0, parts).parallel().forEach(p -> {
                Map<String, TensorStatistics> mine = partials.get(p);
                Sink sink = new Sink(mine);
                for (int i = p * block; i < Math.min(n, (p + 1) * block); i++) {
                    sink.steps.clear();
                    sink.sample = first + i;
                    engine.run(samples.sample(i), sink);
                }
            });
            for (Map<String, TensorStatistics> partial : partials) {
                partial.forEach((name, s) -> total.computeIfAbsent(name, k -> new TensorStatistics()).merge(s));
            }
            if (progress != null) {
                progress.accept(start + n - from);
            }
        }
        return new Statistics(total);
    }

    /**
     * Feeds each activation of one run to its statistics, counting steps per tensor, and refuses
     * values that are not finite: no format holds them, and they mean the float model itself
     * overflows on this data.
     */
    private static final class Sink implements TraceSink {
        final Map<String, TensorStatistics> stats;
        final Map<String, Integer> steps = new java.util.HashMap<>();
        int sample;

        Sink(Map<String, TensorStatistics> stats) {
            this.stats = stats;
        }

        @Override
        public void put(String name, double[][] values) {
            if (isActivation(name)) {
                TensorStatistics s = stats.computeIfAbsent(name, k -> new TensorStatistics());
                for (int t = 0; t < values.length; t++) {
                    checkFinite(name, t, values[t]);
                    s.add(t, values[t]);
                }
            }
        }

        @Override
        public void step(String name, double[] values) {
            if (isActivation(name)) {
                int t = steps.merge(name, 1, Integer::sum) - 1;
                checkFinite(name, t, values);
                stats.computeIfAbsent(name, k -> new TensorStatistics()).add(t, values);
            }
        }

        private void checkFinite(String name, int t, double[] values) {
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    throw kquant.KquantException.of("tensor %s is %s at sample %d, step %d: the float32 model overflows on this data",
                            name, v, sample, t);
                }
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
