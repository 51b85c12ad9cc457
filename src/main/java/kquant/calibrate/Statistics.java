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
import kquant.engine.Trace;

/**
 * Runs the float engine over a data set in chunks and gathers every activation tensor's
 * statistics. Chunks are read one after another (memory stays bounded by one chunk), the samples
 * of a chunk are spread over every core, and the partial results are merged in chunk order, so
 * the result does not depend on the number of cores.
 */
public final class Statistics {

    /** Samples per chunk: large enough to keep every core busy, small enough to bound memory. */
    public static final int CHUNK = 2048;
    /** Samples per block within a chunk; blocks merge in order, so no sum depends on the core count. */
    static final int BLOCK = 64;

    private final Map<String, TensorStatistics> byTensor;
    private final DataSummary data;

    private Statistics(Map<String, TensorStatistics> byTensor, DataSummary data) {
        this.byTensor = byTensor;
        this.data = data;
    }

    public Map<String, TensorStatistics> byTensor() {
        return java.util.Collections.unmodifiableMap(byTensor);
    }

    public TensorStatistics get(String tensor) {
        return byTensor.get(tensor);
    }

    public DataSummary data() {
        return data;
    }

    /**
     * Gathers statistics of samples {@code [from, to)} of {@code source}.
     *
     * @param progress  told how many samples are done after each chunk; may be null
     */
    public static Statistics gather(FloatEngine engine, SequenceSource source, int from, int to, IntConsumer progress) {
        MessageDigest sha = sha256();
        Map<String, TensorStatistics> total = new LinkedHashMap<>();
        for (int start = from; start < to; start += CHUNK) {
            int n = Math.min(CHUNK, to - start);
            float[] values = source.read(start, n);
            DataFiles.checkFinite(values, start, source);
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            sha.update(b);
            Sequences chunk = new Sequences(source.name(), n, source.timesteps(), source.features(), source.sequence(), values);
            int parts = (n + BLOCK - 1) / BLOCK;
            List<Map<String, TensorStatistics>> partials = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                partials.add(new LinkedHashMap<>());
            }
            IntStream.range(0, parts).parallel().forEach(p -> {
                Map<String, TensorStatistics> mine = partials.get(p);
                for (int i = p * BLOCK; i < Math.min(n, (p + 1) * BLOCK); i++) {
                    Trace t = engine.trace(chunk.sample(i));
                    for (String name : t.names()) {
                        if (isActivation(name)) {
                            double[][] v = t.get(name);
                            TensorStatistics s = mine.computeIfAbsent(name, k -> new TensorStatistics());
                            for (int step = 0; step < v.length; step++) {
                                s.add(step, v[step]);
                            }
                        }
                    }
                }
            });
            for (Map<String, TensorStatistics> partial : partials) {
                partial.forEach((name, s) -> total.computeIfAbsent(name, k -> new TensorStatistics()).merge(s));
            }
            if (progress != null) {
                progress.accept(start + n - from);
            }
        }
        String file = Path.of(source.name().replaceFirst(":/.*$", "")).getFileName().toString()
                + (source.name().contains(":/") ? source.name().substring(source.name().indexOf(":/")) : "");
        DataSummary summary = new DataSummary(file, to - from, source.timesteps(), source.features(),
                HexFormat.of().formatHex(sha.digest()));
        return new Statistics(total, summary);
    }

    /** Tensors whose format the data decides; the trace's x·W and h·U parts are not stored. */
    static boolean isActivation(String name) {
        return !name.endsWith("/input_part") && !name.endsWith("/recurrent_part");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
