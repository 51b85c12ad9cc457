package kquant.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import kquant.KquantException;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;

/**
 * Streams a data set through work done block by block on every core, with memory bounded by one
 * chunk whatever the data's size.
 *
 * <p>Chunks are read one after another (with the same rows of a companion data set, such as the
 * true outputs or a port's numbers) and checked for NaN and infinity; the blocks of a chunk run in
 * parallel, each on its thread's worker; the blocks' results are handed on in sample order. A
 * block's size depends only on the caller, never on the number of cores, and results merge in
 * order, so no figure depends on the machine.
 *
 * <pre>
 *   Blocks.over(data).blockSize(128).run(() -&gt; worker, result -&gt; merge(result));
 * </pre>
 */
public final class Blocks {

    /** The samples one runner call takes: enough for the JIT's vector loops to run long. */
    public static final int LANES = 128;

    /**
     * One chunk as read: samples {@code [first, first + count)}, {@code sampleSize} values each, and
     * the companion's rows for the same samples ({@code companionSize} values each), or null.
     */
    public record Chunk(float[] values, int first, int count, int sampleSize, float[] companion, int companionSize) {
    }

    /** The work of one thread: it keeps its runners and scratch from block to block. */
    public interface Worker<P> {
        /**
         * Works on samples {@code [from, from + count)} of the chunk (global index {@code chunk.first() + from}).
         *
         * @return this block's result, handed on in sample order
         */
        P apply(Chunk chunk, int from, int count);
    }

    /**
     * The blocks' threads, one per core. Not the common pool: that one has a thread fewer than
     * the cores, counting on the caller to help, and here the caller is busy handing results on.
     */
    private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

    private final SequenceSource source;
    private SequenceSource companion;
    private int from;
    private int to;
    private int blockSize = LANES;
    private int blocksPerChunk = 64;
    private Consumer<Chunk> onChunk;
    private IntConsumer progress;

    private Blocks(SequenceSource source) {
        this.source = source;
        this.to = source.count();
    }

    /** A pass over every sample of {@code source}. */
    public static Blocks over(SequenceSource source) {
        return new Blocks(source);
    }

    /** Only samples {@code [from, to)}. */
    public Blocks range(int from, int to) {
        this.from = from;
        this.to = to;
        return this;
    }

    /** Samples per block, the unit of work and of results (default {@value #LANES}); and blocks per chunk read. */
    public Blocks blockSize(int samples, int perChunk) {
        this.blockSize = samples;
        this.blocksPerChunk = perChunk;
        return this;
    }

    /** A data set read alongside, row for row (same sample count); its rows come in {@link Chunk#companion()}. */
    public Blocks companion(SequenceSource other) {
        if (other != null && other.count() != source.count()) {
            throw KquantException.of("%s holds %d samples but %s holds %d", other.name(), other.count(), source.name(), source.count());
        }
        this.companion = other;
        return this;
    }

    /** Told each chunk as it is read, in order, before any work on it (for hashing the data); on the reader thread. */
    public Blocks onChunk(Consumer<Chunk> listener) {
        this.onChunk = listener;
        return this;
    }

    /** Told how many samples are done after each chunk. */
    public Blocks progress(IntConsumer p) {
        this.progress = p;
        return this;
    }

    /**
     * Runs the work; {@code results} receives each block's result in sample order, on the calling thread.
     *
     * <p>The next chunk is read on a reader thread while the current chunk's blocks run on one
     * thread per core, so reading and computing share the wall time. At most two chunks and one
     * chunk's block results are held (results can be large: calibration's are histograms).
     */
    public <P> void run(Supplier<Worker<P>> workers, Consumer<P> results) {
        int chunkSize = blockSize * blocksPerChunk;
        ThreadLocal<Worker<P>> local = ThreadLocal.withInitial(workers);
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kquant-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Chunk> next = from < to ? reader.submit(() -> read(from, Math.min(chunkSize, to - from))) : null;
            for (int start = from; start < to; start += chunkSize) {
                Chunk chunk = await(next);
                int after = start + chunkSize;
                next = after < to ? reader.submit(() -> read(after, Math.min(chunkSize, to - after))) : null;
                for (P p : await(POOL.submit(() -> compute(chunk, local)))) {
                    results.accept(p);
                }
                if (progress != null) {
                    progress.accept(start + chunk.count() - from);
                }
            }
        } finally {
            reader.shutdownNow();
        }
    }

    private Chunk read(int start, int n) {
        float[] values = source.read(start, n);
        DataFiles.checkFinite(values, start, source);
        float[] other = null;
        if (companion != null) {
            other = companion.read(start, n);
            DataFiles.checkFinite(other, start, companion);
        }
        Chunk chunk = new Chunk(values, start, n, source.sampleSize(), other, companion == null ? 0 : companion.sampleSize());
        if (onChunk != null) {
            // on the reader thread, chunk after chunk in order, while the previous chunk computes
            onChunk.accept(chunk);
        }
        return chunk;
    }

    private <P> P[] compute(Chunk chunk, ThreadLocal<Worker<P>> local) {
        int n = chunk.count();
        int blocks = (n + blockSize - 1) / blockSize;
        @SuppressWarnings("unchecked")
        P[] partial = (P[]) new Object[blocks];
        IntStream.range(0, blocks).parallel().forEach(b -> partial[b] = local.get().apply(chunk, b * blockSize,
                Math.min(blockSize, n - b * blockSize)));
        return partial;
    }

    /** The future's value; what went wrong in it is rethrown as thrown there (a KquantException names the file and sample). */
    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Runs {@code runner} over samples {@code [from, from + count)} of a chunk in calls of at most
     * its lanes, telling {@code after} each call's first sample (index within the chunk) once it ran.
     *
     * @throws KquantException naming the sample, when a float engine overflows on it
     */
    public static void eachCall(Runner runner, Chunk chunk, int from, int count, BlockSink sink, IntConsumer after, String data,
            String engine) {
        for (int k = from; k < from + count; k += runner.lanes()) {
            try {
                runner.run(chunk.values(), k * chunk.sampleSize(), Math.min(runner.lanes(), from + count - k), sink);
            } catch (NonFiniteValue e) {
                throw e.at(data, chunk.first() + k + e.lane(), engine);
            }
            after.accept(k);
        }
    }

    /** Every sample's output, {@code [sample][step][unit]}, on every core: for data that fits in memory. */
    public static double[][][] outputs(Engine engine, SequenceSource data) {
        double[][][] out = new double[data.count()][][];
        over(data).run(() -> {
            Runner r = engine.runner(LANES);
            return (chunk, from, count) -> {
                eachCall(r, chunk, from, count, null, k -> {
                    for (int s = 0; s < Math.min(r.lanes(), from + count - k); s++) {
                        out[chunk.first() + k + s] = Samples.outputs(r, s);
                    }
                }, data.name(), engine.name());
                return null;
            };
        }, p -> { });
        return out;
    }
}
