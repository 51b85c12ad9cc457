package kquant.engine;

import kquant.KquantException;

/**
 * A float engine produced NaN or infinity: the model overflows on this data. Thrown by a runner
 * with the block lane at fault; {@link Blocks} names the sample.
 */
public final class NonFiniteValue extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int lane;
    private final String tensor;
    private final int step;
    private final double value;

    NonFiniteValue(int lane, String tensor, int step, double value) {
        super(null, null, false, false);
        this.lane = lane;
        this.tensor = tensor;
        this.step = step;
        this.value = value;
    }

    /** The one-line error for sample {@code sample} of {@code data}. */
    public KquantException at(String data, int sample, String engine) {
        return KquantException.of("%s: sample %d, timestep %d: tensor %s is %s: the %s model overflows on this data",
                data, sample, step, tensor, value, engine);
    }

    public int lane() {
        return lane;
    }

    /** The first lane in {@code [0, n)} where some row holds NaN or infinity, or -1. */
    static int firstLane(float[][] rows, int n) {
        int worst = -1;
        for (float[] row : rows) {
            for (int s = 0; s < n; s++) {
                if (!Float.isFinite(row[s]) && (worst < 0 || s < worst)) {
                    worst = s;
                }
            }
        }
        return worst;
    }

    /**
     * Finds where one sample first goes non-finite, replaying it in the one-sample float32
     * engine (which computes the same values): the first tensor and step in production order.
     */
    static NonFiniteValue locate(ReferenceEngine float32, double[][] sample, int lane) {
        Trace trace = float32.trace(sample);
        java.util.Map<String, java.util.List<String>> byLayer = new java.util.LinkedHashMap<>();
        for (String name : trace.names()) {
            byLayer.computeIfAbsent(name.substring(0, Math.max(0, name.lastIndexOf('/'))), k -> new java.util.ArrayList<>()).add(name);
        }
        // layer after layer; within a layer, step after step, in the order the step produces its tensors
        for (java.util.List<String> names : byLayer.values()) {
            int steps = 0;
            for (String name : names) {
                steps = Math.max(steps, trace.get(name).length);
            }
            for (int t = 0; t < steps; t++) {
                for (String name : names) {
                    double[][] v = trace.get(name);
                    for (int j = 0; t < v.length && j < v[t].length; j++) {
                        if (!Double.isFinite(v[t][j])) {
                            return new NonFiniteValue(lane, name, t, v[t][j]);
                        }
                    }
                }
            }
        }
        return new NonFiniteValue(lane, "output", 0, Double.NaN);
    }
}
