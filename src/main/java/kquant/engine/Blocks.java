package kquant.engine;

import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;

/**
 * Streams a data set through work done block by block on every core, with memory bounded by one
 * chunk whatever the data's size.
 *
 * <p>Chunks of {@code blocksPerChunk} blocks are read one after another and checked for NaN and
 * infinity; the blocks of a chunk run in parallel, each on a worker of its thread; the blocks'
 * results are handed on in sample order. A block's size depends only on the caller, never on the
 * number of cores, and results merge in order, so no figure depends on the machine.
 */
public final class Blocks {

    /** The samples one runner call takes: enough for the JIT's vector loops to run long. */
    public static final int LANES = 128;

    /** The work of one thread: it keeps its runners and scratch from block to block. */
    public interface Worker<P> {
        /**
         * Works on samples {@code [first, first + count)}: {@code values} holds them from {@code offset},
         * sample by sample, {@code timesteps × features} each.
         *
         * @return this block's result, handed on in sample order
         */
        P apply(float[] values, int offset, int count, int first);
    }

    /** Told each chunk as it is read, before any work on it (for hashing the data). */
    public interface ChunkListener {
        void chunk(float[] values, int first, int count);
    }

    private Blocks() {
        throw new AssertionError("No instances of Blocks");
    }

    /**
     * Runs work over samples {@code [from, to)} of {@code source}.
     *
     * @param blockSize  samples per block (the unit of work and of results)
     * @param workers    makes one worker per thread
     * @param results    receives each block's result, in sample order
     * @param listener   told each chunk as it is read; may be null
     * @param progress   told how many samples are done after each chunk; may be null
     */
    public static <P> void run(SequenceSource source, int from, int to, int blockSize, int blocksPerChunk,
            Supplier<Worker<P>> workers, Consumer<P> results, ChunkListener listener, java.util.function.IntConsumer progress) {
        int sampleSize = source.sampleSize();
        int chunk = blockSize * blocksPerChunk;
        ThreadLocal<Worker<P>> local = ThreadLocal.withInitial(workers);
        for (int start = from; start < to; start += chunk) {
            int n = Math.min(chunk, to - start);
            float[] values = source.read(start, n);
            DataFiles.checkFinite(values, start, source);
            if (listener != null) {
                listener.chunk(values, start, n);
            }
            int blocks = (n + blockSize - 1) / blockSize;
            @SuppressWarnings("unchecked")
            P[] partial = (P[]) new Object[blocks];
            int first = start;
            IntStream.range(0, blocks).parallel().forEach(b -> {
                int count = Math.min(blockSize, n - b * blockSize);
                partial[b] = local.get().apply(values, b * blockSize * sampleSize, count, first + b * blockSize);
            });
            for (P p : partial) {
                results.accept(p);
            }
            if (progress != null) {
                progress.accept(start + n - from);
            }
        }
    }

    /**
     * Runs {@code runner} over {@code count} samples of a block in calls of at most its lanes, handing
     * each call's first sample index (within the block) to {@code after}.
     *
     * @param first  the block's first sample in {@code data}, for naming a sample the model overflows on
     */
    public static void eachCall(Runner runner, float[] values, int offset, int count, int sampleSize, BlockSink sink,
            java.util.function.IntConsumer after, String data, int first, String engine) {
        for (int k = 0; k < count; k += runner.lanes()) {
            try {
                runner.run(values, offset + k * sampleSize, Math.min(runner.lanes(), count - k), sink);
            } catch (NonFiniteValue e) {
                throw e.at(data, first + k + e.lane(), engine);
            }
            after.accept(k);
        }
    }

    /** Every sample's output, {@code [sample][step][unit]}, on every core: for data that fits in memory. */
    public static double[][][] outputs(Engine engine, SequenceSource data) {
        double[][][] out = new double[data.count()][][];
        int size = data.sampleSize();
        run(data, 0, data.count(), LANES, 64, () -> {
            Runner r = engine.runner(LANES);
            return (values, offset, count, first) -> {
                eachCall(r, values, offset, count, size, null, k -> {
                    for (int s = 0; s < Math.min(r.lanes(), count - k); s++) {
                        out[first + k + s] = Samples.outputs(r, s);
                    }
                }, data.name(), first, engine.name());
                return null;
            };
        }, p -> { }, null, null);
        return out;
    }
}
