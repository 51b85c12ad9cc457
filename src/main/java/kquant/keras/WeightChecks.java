package kquant.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import kquant.KquantException;

/**
 * What a layer's config allows its stored weights to be, checked before and after they are read:
 * a declared shape the config cannot explain is refused before any value is read (so a damaged
 * header cannot make kquant allocate gigabytes), and a value that is NaN or infinite is refused
 * with the layer, the tensor and the first index at fault.
 */
final class WeightChecks {

    /** HDF5 bookkeeping around the weights of one layer, generously: groups, names, attributes. */
    private static final long BYTES_PER_LAYER = 1L << 20;

    private WeightChecks() {
        throw new AssertionError("No instances of WeightChecks");
    }

    /**
     * Reads a tensor's values once its shape fits the layer's config, and refuses any value that
     * is not finite.
     *
     * @param tensor  the Keras weight name: {@code kernel}, {@code recurrent_kernel} or {@code bias}
     */
    static float[] values(String file, LayerConfig c, String tensor, WeightStore.Array a) {
        checkShape(file, c, tensor, a);
        float[] v = a.values();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw KquantException.of("%s: layer %s weight %s at %s holds %s at index %s; weights must be finite",
                        file, c.name(), tensor, a.path(), v[i], index(a.shape(), i));
            }
        }
        return v;
    }

    /**
     * A Keras kernel is {@code (inputs, gates × units)}, a recurrent kernel {@code (units, gates ×
     * units)}, a bias {@code (gates × units)} (GRU's reset_after: {@code (2, 3 × units)}), with
     * 1 to 4 gates. The number of inputs is not in the layer's config; the file-size check of the
     * reader bounds it.
     */
    private static void checkShape(String file, LayerConfig c, String tensor, WeightStore.Array a) {
        int[] s = a.shape();
        boolean ok = s.length >= 1 && s.length <= 2 && Arrays.stream(s).allMatch(d -> d > 0);
        int units = units(c);
        if (ok && units > 0) {
            int last = s[s.length - 1];
            ok = last % units == 0 && last / units <= 4;
            if (tensor.equals("recurrent_kernel")) {
                ok &= s.length == 2 && s[0] == units;
            } else if (tensor.equals("bias")) {
                ok &= s.length == 1 || s[0] <= 2;
            }
        }
        if (!ok) {
            throw KquantException.of("%s: layer %s weight %s at %s has shape %s, which its config (units %s) cannot have",
                    file, c.name(), tensor, a.path(), Arrays.toString(s), units > 0 ? Integer.toString(units) : "?");
        }
    }

    private static int units(LayerConfig c) {
        for (String key : new String[] {"units", "output_dim"}) {
            JsonNode n = c.config().get(key);
            if (n != null && n.canConvertToInt()) {
                return n.asInt() > 0 ? n.asInt() : -1;
            }
        }
        return -1;
    }

    /** Flat index {@code i} of an array of {@code shape} as {@code (row, column)}. */
    private static String index(int[] shape, int i) {
        return shape.length == 2 ? "(" + i / shape[1] + ", " + i % shape[1] + ")" : "(" + i + ",)";
    }

    /**
     * The largest weights file a model config can explain: every layer with {@code units} holding
     * at most 4 gates of float64 weights over the widest input the model can have, plus HDF5's
     * bookkeeping. A declared size beyond it is damage, whatever the compression.
     */
    static long maxFileBytes(ConfigReader.ModelConfig cfg) {
        long widest = Math.max(1, cfg.inputShape().features());
        long steps = Math.max(1, cfg.inputShape().timesteps());
        for (LayerConfig c : cfg.layers()) {
            widest = Math.max(widest, Math.max(0, units(c)));
            JsonNode n = c.config().get("n");
            if (n != null && n.canConvertToInt()) {
                steps = Math.max(steps, n.asInt());
            }
        }
        long width = saturatingMultiply(widest, steps);
        long total = BYTES_PER_LAYER;
        for (LayerConfig c : cfg.layers()) {
            long u = Math.max(0, units(c));
            long params = saturatingMultiply(4 * u, saturatingAdd(width, u + 2));
            total = saturatingAdd(total, saturatingAdd(BYTES_PER_LAYER, saturatingMultiply(params, 8)));
        }
        return total;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    private static long saturatingMultiply(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }
}
