package kquant.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import kquant.data.Sequences;

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

        void add(int step, double[] ref, double[] actual) {
            grow(step + 1);
            for (int i = 0; i < ref.length; i++) {
                double e = actual[i] - ref[i];
                sumSqErr[step] += e * e;
                sumSqRef[step] += ref[i] * ref[i];
                maxAbs[step] = Math.max(maxAbs[step], Math.abs(e));
            }
            count[step] += ref.length;
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

        private void grow(int n) {
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

    /** Both engines' outputs, and the errors and saturations over all samples. */
    public record Result(double[][][] floatOutputs, double[][][] fixedOutputs, Map<String, TensorError> errors,
            Saturations saturations) {

        /** The error of the model's output (the last tensor). */
        public TensorError output() {
            TensorError last = null;
            for (TensorError e : errors.values()) {
                last = e;
            }
            return last;
        }
    }

    private SideBySide() {
        throw new AssertionError("No instances of SideBySide");
    }

    /** Samples per block; blocks run in parallel and merge in order, so sums never depend on the core count. */
    static final int BLOCK = 32;

    /** Runs both engines on every sample, using every core; the result does not depend on how many. */
    public static Result compare(Engine reference, FixedEngine fixed, Sequences data) {
        int n = data.count();
        int parts = (n + BLOCK - 1) / BLOCK;
        double[][][] ref = new double[n][][];
        double[][][] out = new double[n][][];
        List<Map<String, TensorError>> partials = new ArrayList<>();
        List<Saturations> sats = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            partials.add(new LinkedHashMap<>());
            sats.add(new Saturations());
        }
        IntStream.range(0, parts).parallel().forEach(p -> {
            for (int i = p * BLOCK; i < Math.min(n, (p + 1) * BLOCK); i++) {
                double[][] x = data.sample(i);
                Trace r = reference.trace(x);
                FixedEngine.Result q = fixed.run(x, true);
                ref[i] = r.output();
                out[i] = q.output();
                sats.get(p).addAll(q.saturations());
                for (String name : r.names()) {
                    if (q.trace().has(name)) {
                        double[][] a = r.get(name);
                        double[][] b = q.trace().get(name);
                        TensorError e = partials.get(p).computeIfAbsent(name, TensorError::new);
                        for (int t = 0; t < a.length; t++) {
                            e.add(t, a[t], b[t]);
                        }
                    }
                }
            }
        });
        Map<String, TensorError> errors = new LinkedHashMap<>();
        Saturations total = new Saturations();
        for (int p = 0; p < parts; p++) {
            partials.get(p).forEach((name, e) -> errors.computeIfAbsent(name, TensorError::new).merge(e));
            total.addAll(sats.get(p));
        }
        return new Result(ref, out, Collections.unmodifiableMap(errors), total);
    }
}
