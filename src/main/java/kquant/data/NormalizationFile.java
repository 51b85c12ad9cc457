package kquant.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import kquant.JsonText;
import kquant.KquantException;
import kquant.model.Normalization;

/**
 * Reads a normalization description (JSON) in either of two forms.
 *
 * <p>kquant's form: {@code "kquant_normalization": 1}, an array {@code inputs} (one object per
 * feature, in order) and optionally {@code outputs} (one per output unit). Each object has
 * {@code name}, {@code offset} and {@code scale} (model value = (physical − offset) / scale),
 * optionally {@code unit} and {@code code}: {@code {"type": "int16", "lsb": 0.1}} (the raw value
 * arrives as an int16 and one code is 0.1 of the unit).
 *
 * <p>The plain form written next to many training scripts (the demo's {@code normalization.json}):
 * arrays {@code mean} and {@code std} standardize the first {@code mean.length} input features, the
 * names coming from {@code input_features} and {@code standardized_variables} when present; later
 * features are taken as they are (offset 0, scale 1); and when {@code targets} names as many outputs
 * as there are means, the outputs are standardized the same way, output j with mean j.
 *
 * @param file    the file as the user named it
 * @param sha256  of the file's bytes: a calibration made with it records this
 */
public record NormalizationFile(Path file, String sha256, Normalization normalization) {

    /** The marker and version of kquant's form. */
    public static final String MARKER = "kquant_normalization";
    public static final int VERSION = 1;

    /**
     * @throws KquantException naming the file and the field or feature at fault
     */
    public static NormalizationFile read(Path file) {
        byte[] bytes;
        JsonNode root;
        try {
            bytes = JsonText.read(file, "normalization description").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            root = new ObjectMapper().readTree(bytes);
        } catch (java.nio.file.NoSuchFileException e) {
            throw KquantException.of("%s: normalization file not found", file);
        } catch (IOException e) {
            throw KquantException.of("%s: not a normalization description (not valid JSON: %s)", file, e.getMessage().split("\n")[0]);
        }
        if (root == null || !root.isObject()) {
            throw KquantException.of("%s: not a normalization description (expected a JSON object)", file);
        }
        try {
            Normalization n = root.has(MARKER) ? kquantForm(root) : plainForm(root);
            return new NormalizationFile(file, sha256(bytes), n);
        } catch (KquantException e) {
            throw KquantException.of("%s: %s", file, e.getMessage());
        }
    }

    private static Normalization kquantForm(JsonNode root) {
        if (root.get(MARKER).asInt(-1) != VERSION) {
            throw KquantException.of("%s %s; this kquant reads version %d", MARKER, root.get(MARKER), VERSION);
        }
        JsonNode in = root.get("inputs");
        if (in == null || !in.isArray() || in.isEmpty()) {
            throw KquantException.of("needs an array inputs with one object per input feature");
        }
        JsonNode out = root.path("outputs");
        if (!out.isMissingNode() && !out.isArray()) {
            throw KquantException.of("outputs must be an array with one object per output");
        }
        return new Normalization(features(in, "input"), out.isArray() ? features(out, "output") : List.of());
    }

    private static List<Normalization.Feature> features(JsonNode array, String side) {
        List<Normalization.Feature> list = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode f = array.get(i);
            String name = f.path("name").asText(side + " " + i);
            String where = where(side, i, name);
            list.add(feature(where, name, f.path("unit").asText(""), number(f, "offset", where), number(f, "scale", where),
                    code(f.get("code"), where)));
        }
        return list;
    }

    private static String where(String side, int i, String name) {
        return side + " " + i + " (" + name + ")";
    }

    /** A feature, its faults named by {@code where} ("input 1 (temp_max)"). */
    private static Normalization.Feature feature(String where, String name, String unit, double offset, double scale, Normalization.Code code) {
        try {
            return new Normalization.Feature(name, unit, offset, scale, code);
        } catch (KquantException e) {
            String m = e.getMessage();
            throw KquantException.of("%s: %s", where, m.startsWith(name + ": ") ? m.substring(name.length() + 2) : m);
        }
    }

    private static Normalization.Code code(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return null;
        }
        String type = c.path("type").asText("");
        if (!type.equals("int8") && !type.equals("int16")) {
            throw KquantException.of("%s: code type %s: use int8 or int16", where, type.isEmpty() ? "(missing)" : type);
        }
        double lsb = number(c, "lsb", where + ": code");
        try {
            return new Normalization.Code(type.equals("int8") ? 8 : 16, lsb);
        } catch (KquantException e) {
            throw KquantException.of("%s: %s", where, e.getMessage());
        }
    }

    private static double number(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber()) {
            throw KquantException.of("%s: %s must be a number", where, key);
        }
        return v.asDouble();
    }

    private static Normalization plainForm(JsonNode root) {
        JsonNode m = root.get("mean");
        JsonNode s = root.get("std");
        if (m == null || s == null || !m.isArray() || !s.isArray() || m.size() != s.size() || m.isEmpty()) {
            throw KquantException.of("needs arrays mean and std of the same length (or kquant's form, with %s)", MARKER);
        }
        List<String> variables = texts(root.get("standardized_variables"));
        List<String> names = texts(root.get("input_features"));
        int standardized = m.size();
        int count = Math.max(standardized, names.size());
        List<Normalization.Feature> in = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = i < variables.size() ? variables.get(i) : i < names.size() ? names.get(i) : "feature " + i;
            in.add(i < standardized ? feature(where("input", i, name), name, "", number(m, i, "mean"), number(s, i, "std"), null)
                    : feature(where("input", i, name), name, "", 0, 1, null));
        }
        List<String> targets = texts(root.get("targets"));
        List<Normalization.Feature> out = new ArrayList<>();
        if (targets.size() == standardized) {
            for (int j = 0; j < standardized; j++) {
                String name = j < variables.size() ? variables.get(j) : targets.get(j);
                out.add(feature(where("output", j, name), name, "", number(m, j, "mean"), number(s, j, "std"), null));
            }
        }
        return new Normalization(in, out);
    }

    private static double number(JsonNode array, int i, String key) {
        JsonNode v = array.get(i);
        if (!v.isNumber()) {
            throw KquantException.of("%s[%d] must be a number, not %s", key, i, v);
        }
        return v.asDouble();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
