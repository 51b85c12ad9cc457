package kquant.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every intermediate of one sample, per timestep, in the order the engine produced them.
 *
 * <p>Names are {@code input}, then {@code <layer>/<tensor>}: a SimpleRNN records
 * {@code input_part} (x_t·W), {@code recurrent_part} (h_{t-1}·U), {@code preact}
 * (x_t·W + b + h_{t-1}·U) and {@code state} (h_t) at each step it processes (for
 * {@code go_backwards}, step 0 reads the last input); every other layer records its
 * {@code output}, and Dense also its {@code preact}. Both engines use the same names, so their
 * traces can be compared tensor by tensor. Values are in real units (the integer engine
 * dequantizes them).
 */
public final class Trace {

    private final Map<String, double[][]> tensors;

    private Trace(Map<String, double[][]> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * True for the partial sums {@code <layer>/input_part} and {@code <layer>/recurrent_part}:
     * stages of a pre-activation, which have no format of their own.
     */
    public static boolean isPartialSum(String name) {
        return name.endsWith("/input_part") || name.endsWith("/recurrent_part");
    }

    /** Tensor names in the order they were produced. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    /** The values of one tensor as {@code [step][unit]}; a copy. */
    public double[][] get(String name) {
        double[][] v = tensors.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no tensor " + name + " in the trace; have " + tensors.keySet());
        }
        double[][] copy = new double[v.length][];
        for (int i = 0; i < v.length; i++) {
            copy[i] = v[i].clone();
        }
        return copy;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The last tensor recorded, every step of it. That is the model's output when the last layer
     * is a Dense or returns sequences; a last recurrent layer without return_sequences records its
     * state at every step, and the model's output is only the last of them.
     */
    public double[][] output() {
        String last = null;
        for (String n : tensors.keySet()) {
            last = n;
        }
        return get(last);
    }

    /** Collects the tensors of one sample as the reference engine produces them, whole or step by step. */
    static final class Builder implements TraceSink {
        private final Map<String, double[][]> tensors = new LinkedHashMap<>();
        private final Map<String, List<double[]>> steps = new LinkedHashMap<>();

        @Override
        public void put(String name, double[][] values) {
            double[][] copy = new double[values.length][];
            for (int i = 0; i < values.length; i++) {
                copy[i] = values[i].clone();
            }
            tensors.put(name, copy);
        }

        @Override
        public void step(String name, double[] values) {
            steps.computeIfAbsent(name, k -> {
                tensors.put(k, null);
                return new ArrayList<>();
            }).add(values.clone());
        }

        Trace build() {
            Map<String, double[][]> out = new LinkedHashMap<>();
            for (Map.Entry<String, double[][]> e : tensors.entrySet()) {
                List<double[]> s = steps.get(e.getKey());
                out.put(e.getKey(), s != null ? s.toArray(new double[0][]) : e.getValue());
            }
            return new Trace(out);
        }
    }

    /**
     * Collects the tensors of one sample of a block (lane {@code lane}) as an engine runs; an integer
     * engine's codes are kept beside their real values.
     */
    public static final class Recorder implements BlockSink {
        private final int lane;
        private final Map<String, List<double[]>> steps = new LinkedHashMap<>();
        private final Map<String, List<int[]>> codes = new LinkedHashMap<>();

        public Recorder(int lane) {
            this.lane = lane;
        }

        @Override
        public void floats(String tensor, int step, float[][] rows, int row0, int units, int count) {
            double[] v = new double[units];
            for (int j = 0; j < units; j++) {
                v[j] = rows[row0 + j][lane];
            }
            add(tensor, step, v);
        }

        @Override
        public void codes(String tensor, int step, int[][] rows, int row0, int units, int count, int frac) {
            double[] v = new double[units];
            int[] c = new int[units];
            for (int j = 0; j < units; j++) {
                c[j] = rows[row0 + j][lane];
                v[j] = Math.scalb((double) c[j], -frac);
            }
            add(tensor, step, v);
            codes.computeIfAbsent(tensor, k -> new ArrayList<>()).add(c);
        }

        @Override
        public void doubles(String tensor, int step, double[][] rows, int row0, int units, int count) {
            double[] v = new double[units];
            for (int j = 0; j < units; j++) {
                v[j] = rows[row0 + j][lane];
            }
            add(tensor, step, v);
        }

        private void add(String tensor, int step, double[] v) {
            List<double[]> l = steps.computeIfAbsent(tensor, k -> new ArrayList<>());
            if (l.size() != step) {
                throw new IllegalStateException("tensor " + tensor + ": step " + step + " after " + l.size() + " steps");
            }
            l.add(v);
        }

        public Trace build() {
            Map<String, double[][]> out = new LinkedHashMap<>();
            steps.forEach((k, v) -> out.put(k, v.toArray(new double[0][])));
            return new Trace(out);
        }

        /** The integer codes behind each tensor, {@code [step][unit]}; empty for a float engine. */
        public Map<String, int[][]> codes() {
            Map<String, int[][]> out = new LinkedHashMap<>();
            codes.forEach((k, v) -> out.put(k, v.toArray(new int[0][])));
            return out;
        }
    }
}
