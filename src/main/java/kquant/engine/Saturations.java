package kquant.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many values the integer engine clipped, per tensor and per timestep: input codes that did
 * not fit the input format, pre-activations that did not fit theirs, activation outputs whose
 * exact value lay outside the output format. Nothing is ever wrapped; this is the count of what
 * was clipped instead.
 */
public final class Saturations {

    private final Map<String, long[]> counts = new LinkedHashMap<>();

    /** Adds {@code n} saturations of {@code tensor} at {@code step} (growing the step axis as needed). */
    public void add(String tensor, int step, long n) {
        long[] c = counts.get(tensor);
        if (c == null || c.length <= step) {
            long[] grown = new long[step + 1];
            if (c != null) {
                System.arraycopy(c, 0, grown, 0, c.length);
            }
            c = grown;
            counts.put(tensor, c);
        }
        c[step] += n;
    }

    /** Adds every count of {@code other} into this one. */
    public void addAll(Saturations other) {
        for (Map.Entry<String, long[]> e : other.counts.entrySet()) {
            for (int t = 0; t < e.getValue().length; t++) {
                add(e.getKey(), t, e.getValue()[t]);
            }
        }
    }

    /** The counts per step of each tensor the engine checked, in the order it met them. */
    public Map<String, long[]> perStep() {
        Map<String, long[]> copy = new LinkedHashMap<>();
        counts.forEach((k, v) -> copy.put(k, v.clone()));
        return Collections.unmodifiableMap(copy);
    }

    public long total(String tensor) {
        long[] c = counts.get(tensor);
        long n = 0;
        if (c != null) {
            for (long v : c) {
                n += v;
            }
        }
        return n;
    }

    public long total() {
        long n = 0;
        for (String t : counts.keySet()) {
            n += total(t);
        }
        return n;
    }
}
