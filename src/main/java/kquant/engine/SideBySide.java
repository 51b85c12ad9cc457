package kquant.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import kquant.data.SequenceSource;

/**
 * Runs the float and the integer engine on the same samples and measures, for every tensor they
 * both record and every timestep, how far the integer values are from the float ones. The report
 * and the tests use it.
 */
public final class SideBySide {

    /** Error of one tensor at each step: sums that merge exactly, and what follows from them. */
    public static final class TensorError {
        private final String tensor;
        private double[] sumSqErr = new double[0];
        private double[] sumSqRef = new double[0];
        private double[] maxAbs = new double[0];
        private long[] count = new long[0];

        TensorError(String tensor) {
            this.tensor = tensor;
        }

        void add(int step, double ref, double actual) {
            double e = actual - ref;
            sumSqErr[step] += e * e;
            sumSqRef[step] += ref * ref;
            maxAbs[step] = Math.max(maxAbs[step], Math.abs(e));
            count[step]++;
        }

        void merge(TensorError o) {
            grow(o.count.length);
            for (int t = 0; t < o.count.length; t++) {
                sumSqErr[t] += o.sumSqErr[t];
                sumSqRef[t] += o.sumSqRef[t];
                maxAbs[t] = Math.max(maxAbs[t], o.maxAbs[t]);
                count[t] += o.count[t];
            }
        }

        void grow(int n) {
            if (count.length < n) {
                sumSqErr = java.util.Arrays.copyOf(sumSqErr, n);
                sumSqRef = java.util.Arrays.copyOf(sumSqRef, n);
                maxAbs = java.util.Arrays.copyOf(maxAbs, n);
                count = java.util.Arrays.copyOf(count, n);
            }
        }

        public String tensor() {
            return tensor;
        }

        public int steps() {
            return count.length;
        }

        /** Root-mean-square error at step t. */
        public double rms(int t) {
            return Math.sqrt(sumSqErr[t] / count[t]);
        }

        public double maxAbs(int t) {
            return maxAbs[t];
        }

        public double rms() {
            double e = 0;
            long n = 0;
            for (int t = 0; t < count.length; t++) {
                e += sumSqErr[t];
                n += count[t];
            }
            return Math.sqrt(e / n);
        }

        public double maxAbs() {
            double m = 0;
            for (double v : maxAbs) {
                m = Math.max(m, v);
            }
            return m;
        }

        /** Signal-to-quantization-noise ratio over all steps, in dB: 10 log10(Σ ref² / Σ err²). */
        public double sqnrDb() {
            double e = 0;
            double r = 0;
            for (int t = 0; t < count.length; t++) {
                e += sumSqErr[t];
                r += sumSqRef[t];
            }
            return 10 * Math.log10(r / e);
        }

        public double sqnrDb(int t) {
            return 10 * Math.log10(sumSqRef[t] / sumSqErr[t]);
        }
    }

    /** One integer engine's errors per tensor and timestep, and its saturations, over all samples. */
    public record Result(Map<String, TensorError> errors, Saturations saturations) {

        /** The error of the model's output (the last tensor). */
        public TensorError output() {
            TensorError last = null;
            for (TensorError e : errors.values()) {
                last = e;
            }
            return last;
        }
    }

    /**
     * Receives every block's outputs in sample order: the float32 engine's, each integer engine's,
     * and the companion's rows (the true values), all {@code [sample in block][value]}, the values of
     * one sample being its output steps × units, row-major.
     */
    public interface Outputs {
        void block(int first, double[][] reference, List<double[][]> fixed, float[] truth, int truthOffset);
    }

    private SideBySide() {
        throw new AssertionError("No instances of SideBySide");
    }

    /** Runs one integer engine beside the float32 engine on every sample of {@code data}. */
    public static Result compare(FloatEngine reference, FixedEngine fixed, SequenceSource data) {
        return compare(reference, List.of(fixed), data, null, null, null).get(0);
    }

    /**
     * Runs the float32 engine and every integer engine on each block of {@code data}, streaming:
     * memory does not grow with the number of samples. Errors sum per block and blocks merge in
     * order, so the figures do not depend on the number of cores.
     *
     * @param truth     the true outputs, read row for row with the data; may be null
     * @param outputs   receives each block's outputs in order; may be null
     * @param progress  told how many samples are done; may be null
     */
    public static List<Result> compare(FloatEngine reference, List<FixedEngine> engines, SequenceSource data, SequenceSource truth,
            Outputs outputs, IntConsumer progress) {
        List<Map<String, TensorError>> errors = new ArrayList<>();
        List<Saturations> sats = new ArrayList<>();
        for (int e = 0; e < engines.size(); e++) {
            errors.add(new LinkedHashMap<>());
            sats.add(new Saturations());
        }
        Blocks.over(data).companion(truth).progress(progress).run(() -> new Worker(reference, engines, data, outputs != null), part -> {
            for (int e = 0; e < engines.size(); e++) {
                Map<String, TensorError> total = errors.get(e);
                part.errors.get(e).forEach((name, te) -> total.computeIfAbsent(name, TensorError::new).merge(te));
                sats.get(e).addAll(part.sats.get(e));
            }
            if (outputs != null) {
                outputs.block(part.first, part.reference, part.fixed, part.truth, part.truthOffset);
            }
        });
        List<Result> out = new ArrayList<>();
        for (int e = 0; e < engines.size(); e++) {
            out.add(new Result(Collections.unmodifiableMap(errors.get(e)), sats.get(e)));
        }
        return out;
    }

    /** One block's errors and saturations per engine, and its outputs when asked for. */
    private record Part(int first, List<Map<String, TensorError>> errors, List<Saturations> sats, double[][] reference,
            List<double[][]> fixed, float[] truth, int truthOffset) {
    }

    /** One thread's runners, and the float32 values of the current call kept for comparing. */
    private static final class Worker implements Blocks.Worker<Part> {
        private final Runner reference;
        private final List<FixedEngine.FixedRunner> fixed = new ArrayList<>();
        private final String data;
        private final boolean keepOutputs;
        private final Captured captured = new Captured();

        Worker(FloatEngine reference, List<FixedEngine> engines, SequenceSource data, boolean keepOutputs) {
            this.reference = reference.runner(Blocks.LANES);
            for (FixedEngine e : engines) {
                fixed.add(e.runner(Blocks.LANES));
            }
            this.data = data.name();
            this.keepOutputs = keepOutputs;
        }

        @Override
        public Part apply(Blocks.Chunk chunk, int from, int count) {
            List<Map<String, TensorError>> errors = new ArrayList<>();
            List<Saturations> sats = new ArrayList<>();
            double[][] ref = keepOutputs ? new double[count][] : null;
            List<double[][]> fix = new ArrayList<>();
            for (int e = 0; e < fixed.size(); e++) {
                errors.add(new LinkedHashMap<>());
                sats.add(new Saturations());
                fix.add(keepOutputs ? new double[count][] : null);
            }
            Blocks.eachCall(reference, chunk, from, count, captured, k -> {
                int n = Math.min(reference.lanes(), from + count - k);
                if (ref != null) {
                    copyOutputs(reference, ref, k - from, n);
                }
                for (int e = 0; e < fixed.size(); e++) {
                    FixedEngine.FixedRunner f = fixed.get(e);
                    f.run(chunk.values(), k * chunk.sampleSize(), n, captured.comparer(errors.get(e)));
                    sats.get(e).addAll(f.saturations());
                    if (keepOutputs) {
                        copyOutputs(f, fix.get(e), k - from, n);
                    }
                }
            }, data, "float32");
            return new Part(chunk.first() + from, errors, sats, ref, fix, chunk.companion(), from * chunk.companionSize());
        }

        private static void copyOutputs(Runner r, double[][] into, int at, int n) {
            int units = r.outputUnits();
            int steps = r.outputSteps();
            for (int s = 0; s < n; s++) {
                double[] v = new double[steps * units];
                for (int t = 0; t < steps; t++) {
                    for (int j = 0; j < units; j++) {
                        v[t * units + j] = r.output(s, t, j);
                    }
                }
                into[at + s] = v;
            }
        }
    }

    /**
     * Keeps the float32 engine's tensors of one call, to compare the integer engines' with: a copy
     * per tensor and step, reused from call to call.
     */
    private static final class Captured implements BlockSink {
        private final Map<String, List<double[][]>> values = new LinkedHashMap<>();

        @Override
        public void floats(String tensor, int step, float[][] rows, int row0, int units, int count) {
            double[][] v = slot(tensor, step, units, count);
            for (int j = 0; j < units; j++) {
                for (int s = 0; s < count; s++) {
                    v[j][s] = rows[row0 + j][s];
                }
            }
        }

        @Override
        public void doubles(String tensor, int step, double[][] rows, int row0, int units, int count) {
            double[][] v = slot(tensor, step, units, count);
            for (int j = 0; j < units; j++) {
                System.arraycopy(rows[row0 + j], 0, v[j], 0, count);
            }
        }

        private double[][] slot(String tensor, int step, int units, int count) {
            List<double[][]> steps = values.computeIfAbsent(tensor, k -> new ArrayList<>());
            while (steps.size() <= step) {
                steps.add(null);
            }
            double[][] v = steps.get(step);
            if (v == null || v.length < units || v[0].length < count) {
                v = new double[units][Blocks.LANES];
                steps.set(step, v);
            }
            return v;
        }

        /** A sink that adds each integer tensor's difference from the float32 one into {@code errors}. */
        BlockSink comparer(Map<String, TensorError> errors) {
            return new BlockSink() {
                @Override
                public void codes(String tensor, int step, int[][] rows, int row0, int units, int count, int frac) {
                    compare(errors, tensor, step, units, count, (j, s) -> Math.scalb((double) rows[row0 + j][s], -frac));
                }

                @Override
                public void doubles(String tensor, int step, double[][] rows, int row0, int units, int count) {
                    compare(errors, tensor, step, units, count, (j, s) -> rows[row0 + j][s]);
                }
            };
        }

        /** Unit j of lane s of one integer tensor's step, in real units. */
        private interface Value {
            double at(int j, int s);
        }

        /** Adds each value's difference from the float32 engine's into {@code errors}, where the float32 side has the tensor. */
        private void compare(Map<String, TensorError> errors, String tensor, int step, int units, int count, Value value) {
            double[][] ref = reference(tensor, step);
            if (ref == null) {
                return;
            }
            TensorError e = errors.computeIfAbsent(tensor, TensorError::new);
            e.grow(step + 1);
            for (int s = 0; s < count; s++) {
                for (int j = 0; j < units; j++) {
                    e.add(step, ref[j][s], value.at(j, s));
                }
            }
        }

        private double[][] reference(String tensor, int step) {
            List<double[][]> steps = values.get(tensor);
            return steps == null || steps.size() <= step ? null : steps.get(step);
        }
    }
}
