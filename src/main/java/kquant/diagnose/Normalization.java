package kquant.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import kquant.JsonText;
import kquant.KquantException;
import kquant.data.Sequences;

/**
 * The standardization a model was trained with: {@code x = (raw - mean) / std} for the first
 * {@code mean.length} features (later features, such as sin/cos of the day, are left as they
 * are). Read from a JSON file with arrays {@code mean} and {@code std}, as the demo's
 * {@code normalization.json}.
 */
public record Normalization(double[] mean, double[] std) {

    public static Normalization read(Path file) {
        try {
            JsonNode n = new ObjectMapper().readTree(JsonText.read(file, "normalization"));
            JsonNode m = n.get("mean");
            JsonNode s = n.get("std");
            if (m == null || s == null || !m.isArray() || m.size() != s.size()) {
                throw KquantException.of("%s: needs arrays mean and std of the same length", file);
            }
            double[] mean = new double[m.size()];
            double[] std = new double[s.size()];
            for (int i = 0; i < mean.length; i++) {
                if (!m.get(i).isNumber() || !s.get(i).isNumber() || !Double.isFinite(m.get(i).asDouble())
                        || !Double.isFinite(s.get(i).asDouble())) {
                    throw KquantException.of("%s: mean and std must hold finite numbers; element %d does not", file, i);
                }
                mean[i] = m.get(i).asDouble();
                std[i] = s.get(i).asDouble();
            }
            return new Normalization(mean, std);
        } catch (IOException e) {
            throw KquantException.of("%s: cannot read the normalization: %s", file, e.getMessage().split("\n")[0]);
        }
    }

    /** The raw values the standardized samples came from. */
    Sequences denormalize(Sequences x) {
        float[] v = x.read(0, x.count());
        int f = x.features();
        for (int k = 0; k < v.length; k++) {
            int feature = k % f;
            if (feature < mean.length) {
                v[k] = (float) (v[k] * std[feature] + mean[feature]);
            }
        }
        return new Sequences(x.name(), x.count(), x.timesteps(), f, x.sequence(), v);
    }
}
