package kquant.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import kquant.AtomicFiles;
import kquant.JsonText;
import kquant.KquantException;
import kquant.Numbers;
import kquant.fixed.ActivationKernel;
import kquant.fixed.Format;
import kquant.fixed.QDense;
import kquant.fixed.QLayer;
import kquant.fixed.QSimpleRnn;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.model.Model;

/**
 * The calibration file: versioned, human-readable JSON under {@code calibration/}. It records the
 * model (file name and weights hash), the scheme, the method and its parameters, the data, and per
 * tensor the format with the range it came from; and, for the reader, the accumulator widths and
 * activation tables that follow from them. Same calibration, same bytes: keys in a fixed order,
 * numbers through {@link Numbers}, LF line ends, no timestamps.
 */
public final class CalibrationFile {

    /** The format version this kquant writes and reads. */
    public static final int VERSION = 1;
    private static final String MARKER = "kquant_calibration";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads numbers as BigDecimal, so that details read back are written back unchanged. */
    private static final ObjectMapper DECIMALS = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private CalibrationFile() {
        throw new AssertionError("No instances of CalibrationFile");
    }

    /** The JSON text of a calibration, with the derived accumulators and tables of {@code q}. */
    public static String toJson(Calibration c, QuantizedModel q) {
        ObjectNode root = JSON.createObjectNode();
        root.put(MARKER, VERSION);
        root.put("tool", c.tool());
        ObjectNode model = root.putObject("model");
        model.put("file", c.model().file());
        model.put("weights_sha256", c.model().weightsSha256());
        Calibration.Folded folded = c.model().normalization();
        if (folded != null) {
            ObjectNode n = model.putObject("normalization");
            n.put("file", folded.file());
            n.put("sha256", folded.sha256());
            n.put("folded_weights_sha256", folded.foldedWeightsSha256());
            n.setAll((ObjectNode) JSON.valueToTree(folded.details()));
        }
        root.put("scheme", c.scheme().cliName());
        ObjectNode method = root.putObject("method");
        method.put("name", c.method().name());
        ObjectNode params = method.putObject("params");
        c.method().params().forEach((k, v) -> putValue(params, k, v));
        if (c.data() != null) {
            ObjectNode data = root.putObject("data");
            data.put("file", c.data().file());
            data.put("samples", c.data().samples());
            data.put("timesteps", c.data().timesteps());
            data.put("features", c.data().features());
            data.put("values_sha256", c.data().valuesSha256());
        }
        root.put("per_unit_weights", c.perUnitWeights());
        root.put("accumulator_policy", c.accumulatorPolicy().cliName());
        root.put("table_error_lsb", Numbers.decimal(c.tableErrorLsb(), 6));
        ArrayNode tensors = root.putArray("tensors");
        for (Calibration.Choice t : c.tensors().values()) {
            ObjectNode n = tensors.addObject();
            n.put("name", t.name());
            n.put("kind", t.weight() ? "weight" : "activation");
            if (t.format().isPerUnit()) {
                ArrayNode a = n.putArray("frac_bits_per_unit");
                for (int f : t.format().values()) {
                    a.add(f);
                }
            } else {
                n.put("frac_bits", t.format().bits());
                int bits = t.weight() ? c.scheme().weights().bits()
                        : t.name().endsWith("/cell") ? c.scheme().cells().bits() : c.scheme().activations().bits();
                ArrayNode range = n.putArray("format_range");
                range.add(Numbers.decimal(Math.scalb(-Math.pow(2, bits - 1), -t.format().bits()), Numbers.FLOAT64_DIGITS));
                range.add(Numbers.decimal(Math.scalb(Math.pow(2, bits - 1) - 1, -t.format().bits()), Numbers.FLOAT64_DIGITS));
            }
            if (t.observed() != null && t.observed().count() > 0) {
                ObjectNode o = n.putObject("observed");
                o.put("min", Numbers.decimal(t.observed().min(), Numbers.FLOAT32_DIGITS));
                o.put("max", Numbers.decimal(t.observed().max(), Numbers.FLOAT32_DIGITS));
                o.put("max_abs", Numbers.decimal(t.observed().maxAbs(), Numbers.FLOAT32_DIGITS));
                o.put("count", t.observed().count());
            }
            n.put("reason", t.reason());
            if (!t.details().isEmpty()) {
                n.set("statistics", JSON.valueToTree(t.details()));
            }
        }
        ArrayNode acc = root.putArray("accumulators");
        ArrayNode tables = root.putArray("activation_tables");
        for (QLayer l : q.layers()) {
            if (l instanceof QSimpleRnn r) {
                accumulator(acc, l.name(), "input x·W", r.kernel().width());
                accumulator(acc, l.name(), "recurrent h·U", r.recurrent().width());
            } else if (l instanceof QDense d) {
                accumulator(acc, l.name(), "input x·V", d.kernel().width());
            }
        }
        for (Map.Entry<String, ActivationKernel> e : q.activationKernels().entrySet()) {
            ActivationKernel k = e.getValue();
            ObjectNode n = tables.addObject();
            n.put("tensor", e.getKey());
            n.put("activation", k.activation().kerasName());
            n.put("kind", k.kind().name().toLowerCase(java.util.Locale.ROOT));
            n.put("entries", k.table() == null ? 0 : k.table().size());
            n.put("bytes", k.tableBytes());
            n.put("codes_per_entry", k.table() == null ? 0 : 1 << k.table().step());
            n.put("max_error_lsb", Numbers.decimal(k.maxErrorLsb(), 4));
        }
        return kquant.JsonText.pretty(root);
    }

    private static void accumulator(ArrayNode acc, String layer, String part, kquant.fixed.AccumulatorWidth w) {
        ObjectNode n = acc.addObject();
        n.put("layer", layer);
        n.put("part", part);
        n.put("width", w.cName());
        n.put("proved_bound", w.bound());
    }

    private static void putValue(ObjectNode node, String key, Object v) {
        if (v instanceof Integer i) {
            node.put(key, i);
        } else if (v instanceof Number num) {
            node.put(key, Numbers.decimal(num.doubleValue(), 12));
        } else if (v instanceof Boolean b) {
            node.put(key, b);
        } else {
            node.put(key, String.valueOf(v));
        }
    }

    public static void write(Path path, Calibration c, QuantizedModel q) {
        AtomicFiles.writeString(path, toJson(c, q));
    }

    /**
     * Reads a calibration and checks that it belongs to {@code model}, made without a normalization.
     *
     * @throws KquantException naming the file: not JSON, not a calibration, another version,
     *                         another model, made with --normalization, or a missing or impossible format
     */
    public static Calibration read(Path path, Model model) {
        return read(path, model, null, null);
    }

    /**
     * Reads a calibration and checks that it belongs to {@code model} with {@code folding} folded in
     * (null: none), the normalization read from {@code normalization} (null: none): a calibration
     * made with a normalization is refused without it or with another one, and one made without a
     * normalization is refused with one.
     *
     * @param model  the model as trained (not folded)
     */
    public static Calibration read(Path path, Model model, kquant.model.Folding folding, kquant.data.NormalizationFile normalization) {
        Calibration c = read(path);
        FoldedCalibration.checkNormalization(path, c, folding, normalization);
        checkModel(path, c, model);
        Model calibrated = FoldedCalibration.checkFolding(path, c, model, folding);
        for (kquant.fixed.TensorNames.Entry e : kquant.fixed.TensorNames.of(calibrated)) {
            if (!c.tensors().containsKey(e.name())) {
                throw KquantException.of("%s: no format for tensor %s", path, e.name());
            }
        }
        return c;
    }

    private static void checkModel(Path path, Calibration c, Model model) {
        if (!c.model().weightsSha256().equals(model.weightsSha256())) {
            throw KquantException.of("%s: calibration is for %s (weights sha256 %s...), not for %s (weights sha256 %s...)",
                    path, c.model().file(), c.model().weightsSha256().substring(0, 12), model.source().file(),
                    model.weightsSha256().substring(0, 12));
        }
    }

    /** Reads a calibration without checking which model it belongs to. */
    public static Calibration read(Path path) {
        JsonNode root;
        try {
            root = DECIMALS.readTree(JsonText.read(path, "calibration"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw KquantException.of("%s: calibration file not found", path);
        } catch (IOException e) {
            throw KquantException.of("%s: not a kquant calibration file (not valid JSON: %s)", path,
                    e.getMessage().split("\n")[0]);
        } catch (NumberFormatException e) {
            // Jackson reads decimals as BigDecimal here, which refuses exponents such as 7e999755859375
            throw KquantException.of("%s: corrupt calibration file (a number out of range: %s)", path,
                    e.getMessage().split("\n")[0]);
        }
        if (root == null || !root.isObject() || !root.has(MARKER)) {
            throw KquantException.of("%s: not a kquant calibration file (no %s field)", path, MARKER);
        }
        int version = root.get(MARKER).asInt(-1);
        if (version != VERSION) {
            throw KquantException.of("%s: calibration file version %s; this kquant reads version %d (recalibrate with kquant calibrate)",
                    path, root.get(MARKER).asText(), VERSION);
        }
        try {
            Scheme scheme = Scheme.parse(text(root, "scheme"));
            JsonNode m = root.get("model");
            Calibration.ModelRef model = new Calibration.ModelRef(text(m, "file"), text(m, "weights_sha256"), folded(m.get("normalization")));
            if (!model.weightsSha256().matches("[0-9a-f]{64}")) {
                throw KquantException.of("model.weights_sha256 is not a SHA-256 (64 hex digits)");
            }
            JsonNode meth = root.get("method");
            Map<String, Object> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = meth.path("params").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                params.put(e.getKey(), v.isInt() ? (Object) v.asInt() : v.isNumber() ? (Object) v.asDouble()
                        : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
            }
            DataSummary data = null;
            if (root.has("data")) {
                JsonNode d = root.get("data");
                data = new DataSummary(text(d, "file"), d.get("samples").asInt(), d.get("timesteps").asInt(),
                        d.get("features").asInt(), text(d, "values_sha256"));
            }
            Map<String, Calibration.Choice> tensors = new LinkedHashMap<>();
            for (JsonNode t : root.get("tensors")) {
                String name = text(t, "name");
                Format f;
                if (t.has("frac_bits_per_unit")) {
                    int[] v = new int[t.get("frac_bits_per_unit").size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = integer(t.get("frac_bits_per_unit").get(i), name);
                    }
                    f = Format.perUnit(v);
                } else {
                    f = Format.of(integer(t.get("frac_bits"), name));
                }
                Range observed = null;
                if (t.has("observed")) {
                    JsonNode o = t.get("observed");
                    observed = new Range(o.get("min").asDouble(), o.get("max").asDouble(), o.path("count").asLong(1));
                }
                Map<String, Object> details = t.has("statistics")
                        ? DECIMALS.convertValue(t.get("statistics"), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { })
                        : Map.of();
                tensors.put(name, new Calibration.Choice(name, "weight".equals(t.path("kind").asText()), f, observed,
                        t.path("reason").asText(""), details));
            }
            return new Calibration(text(root, "tool"), model, scheme, new Calibration.Method(text(meth, "name"), params),
                    data, root.path("per_unit_weights").asBoolean(false),
                    AccumulatorPolicy.parse(root.path("accumulator_policy").asText("auto")),
                    root.path("table_error_lsb").asDouble(1.0), tensors);
        } catch (KquantException e) {
            throw KquantException.of("%s: %s", path, e.getMessage());
        } catch (RuntimeException e) {
            throw KquantException.of("%s: corrupt calibration file (%s)", path, e.getClass().getSimpleName());
        }
    }

    /** The normalization block of the model, or null. */
    private static Calibration.Folded folded(JsonNode n) {
        if (n == null) {
            return null;
        }
        Map<String, Object> details = DECIMALS.convertValue(n, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        details.remove("file");
        details.remove("sha256");
        details.remove("folded_weights_sha256");
        return new Calibration.Folded(text(n, "file"), text(n, "sha256"), text(n, "folded_weights_sha256"), details);
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || !v.isTextual()) {
            throw KquantException.of("missing field %s", key);
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String tensor) {
        if (n == null || !n.isIntegralNumber()) {
            throw KquantException.of("tensor %s: frac_bits must be an integer, not %s", tensor, n);
        }
        return n.asInt();
    }
}
