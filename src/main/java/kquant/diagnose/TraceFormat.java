package kquant.diagnose;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kquant.GeneratedText;
import kquant.Numbers;
import kquant.engine.Trace;
import kquant.model.Dense;
import kquant.model.Gru;
import kquant.model.Layer;
import kquant.model.Lstm;
import kquant.model.Model;
import kquant.model.Recurrent;

/**
 * Every intermediate of one sequence, step by step and layer by layer, in a form to compare by
 * eye or with diff (CSV), to read from a script (JSON), or to paste into a device-side check
 * (C array literals).
 */
public final class TraceFormat {

    private TraceFormat() {
        throw new AssertionError("No instances of TraceFormat");
    }

    /** One row: a tensor at a timestep. */
    record Row(int step, String tensor, double[] values) {
    }

    /**
     * The rows in the order the computation runs: for each timestep, the input, then each
     * recurrent layer's input part x·W, recurrent part h·U, bias, pre-activations, gates and new
     * state; layers that run after the last timestep follow it. A layer's bias comes just before
     * the first pre-activation that adds it: all gate blocks of an LSTM or GRU in one row, in
     * Keras's order, and a reset_after GRU's recurrent row after its input row.
     */
    static List<Row> rows(Model model, Trace trace) {
        Map<String, Map<String, double[]>> biasesBefore = new LinkedHashMap<>();
        for (Layer l : model.layers()) {
            String n = l.name() + "/";
            if (l instanceof Gru g) {
                Map<String, double[]> rows = new LinkedHashMap<>();
                double[] in = new double[3 * g.units()];
                double[] rec = new double[3 * g.units()];
                for (int j = 0; j < in.length; j++) {
                    in[j] = g.inputBias(j);
                    rec[j] = g.recurrentBias(j);
                }
                rows.put(n + "bias", in);
                if (g.resetAfter()) {
                    rows.put(n + "recurrent_bias", rec);
                }
                biasesBefore.put(n + "z_preact", rows);
            } else if (l instanceof Recurrent r) {
                double[] b = r.useBias() ? toDouble(r.bias().values()) : new double[r.gates() * r.units()];
                biasesBefore.put(n + (r instanceof Lstm ? "i_preact" : "preact"), Map.of(n + "bias", b));
            } else if (l instanceof Dense d) {
                biasesBefore.put(n + "preact", Map.of(n + "bias", d.useBias() ? toDouble(d.bias().values()) : new double[d.units()]));
            }
        }
        int steps = trace.get("input").length;
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (String name : trace.names()) {
                double[][] v = trace.get(name);
                int last = v.length == steps ? t : steps - 1;
                if (v.length == steps || (v.length == 1 && t == steps - 1)) {
                    biasesBefore.getOrDefault(name, Map.of()).forEach((bias, values) -> rows.add(new Row(last, bias, values)));
                    rows.add(new Row(last, name, v[v.length == steps ? t : 0]));
                }
            }
        }
        return rows;
    }

    public static String csv(Model model, Trace trace, int digits) {
        StringBuilder sb = new StringBuilder("step,tensor,values...\n");
        for (Row r : rows(model, trace)) {
            sb.append(r.step()).append(',').append(GeneratedText.csvCell(r.tensor()));
            for (double v : r.values()) {
                sb.append(',').append(Numbers.format(v, digits));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public static String json(Model model, Trace trace, int sample, String engine, int digits) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("sample", sample);
        root.put("engine", engine);
        ArrayNode rows = root.putArray("rows");
        for (Row r : rows(model, trace)) {
            ObjectNode n = rows.addObject();
            n.put("step", r.step());
            n.put("tensor", r.tensor());
            ArrayNode v = n.putArray("values");
            for (double x : r.values()) {
                v.add(Numbers.decimal(x, digits));
            }
        }
        return kquant.JsonText.prettyInlineArrays(root);
    }

    /** Each tensor as a C array {@code [steps][units]} of float literals (or of codes, for an integer engine). */
    public static String c(Model model, Trace trace, Map<String, int[][]> codes, int sample, String engine, int digits) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "/* kquant trace of sample %d, %s engine: every intermediate, [step][unit] */%n", sample, engine));
        for (String name : trace.names()) {
            String id = "kq_trace_" + GeneratedText.cIdentifier(name);
            int[][] c = codes == null ? null : codes.get(name);
            double[][] v = trace.get(name);
            String type = c != null ? "int32_t" : "float";
            sb.append(String.format(Locale.ROOT, "static const %s %s[%d][%d] = {%n", type, id, v.length, v[0].length));
            for (int t = 0; t < v.length; t++) {
                sb.append("    {");
                for (int u = 0; u < v[t].length; u++) {
                    sb.append(u == 0 ? "" : ", ").append(c != null ? Integer.toString(c[t][u]) : floatLiteral(v[t][u], digits));
                }
                sb.append(t + 1 < v.length ? "},\n" : "}\n");
            }
            sb.append("};\n");
        }
        return sb.toString();
    }

    private static String floatLiteral(double v, int digits) {
        String s = Numbers.decimal(v, digits).toString();
        return (s.contains(".") || s.contains("E") ? s : s + ".0") + "f";
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
