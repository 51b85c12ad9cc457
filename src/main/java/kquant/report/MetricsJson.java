package kquant.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import kquant.Numbers;
import kquant.engine.SideBySide;

/** {@code metrics.json}: every number of the report, for scripts and for comparing reports. */
final class MetricsJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsJson() {
        throw new AssertionError("No instances of MetricsJson");
    }

    static String of(Analysis a, Report.Context ctx) {
        ObjectNode root = JSON.createObjectNode();
        root.put("kquant_report", 1);
        root.put("tool", ctx.tool());
        root.put("model", ctx.modelFile());
        root.put("data", ctx.dataFile());
        root.put("samples", a.samples);
        if (a.units.physical()) {
            root.put("units", "physical: per_output figures are in each output's unit (sqnr_db, relative_l2 and cosine about its offset); "
                    + "output and task overall in standardized units ((value - offset) / scale)");
        }
        if (a.hasTargets) {
            metrics(root.putObject("float32_task"), a.floatTask);
            if (a.units.physical()) {
                perOutput(root.putArray("float32_task_per_output"), a, a.floatTaskPerUnit);
            }
        }
        ArrayNode runs = root.putArray("calibrations");
        for (Analysis.Run r : a.runs) {
            ObjectNode n = runs.addObject();
            n.put("file", r.file().getFileName().toString());
            n.put("scheme", r.calibration().scheme().cliName());
            n.put("method", r.calibration().method().name());
            metrics(n.putObject("output"), r.output());
            perOutput(n.putArray("per_output"), a, r.perUnit());
            if (a.hasTargets) {
                Metrics task = r.task();
                Metrics base = a.floatTask;
                ObjectNode t = n.putObject("task");
                metrics(t, task);
                t.put("rmse_minus_float32", dec(task.rmse() - base.rmse()));
                if (a.units.physical()) {
                    perOutput(t.putArray("per_output"), a, r.taskPerUnit());
                }
            }
            n.put("saturations", r.result().saturations().total());
            ArrayNode tensors = n.putArray("tensors");
            for (SideBySide.TensorError e : r.result().errors().values()) {
                ObjectNode te = tensors.addObject();
                te.put("name", e.tensor());
                te.set("sqnr_db", db(e.sqnrDb()));
                te.put("rms_error", dec(e.rms()));
                te.put("max_abs_error", dec(e.maxAbs()));
                te.put("saturations", r.result().saturations().total(e.tensor()));
                ArrayNode steps = te.putArray("per_step");
                long[] sats = r.result().saturations().perStep().getOrDefault(e.tensor(), new long[0]);
                for (int s = 0; s < e.steps(); s++) {
                    ObjectNode st = steps.addObject();
                    st.put("step", s);
                    st.put("rms_error", dec(e.rms(s)));
                    st.put("max_abs_error", dec(e.maxAbs(s)));
                    double lsb = r.lsb(e.tensor());
                    if (!Double.isNaN(lsb)) {
                        st.put("rms_error_lsb", dec(e.rms(s) / lsb));
                    }
                    st.put("saturations", s < sats.length ? sats[s] : 0);
                }
            }
        }
        return kquant.JsonText.pretty(root);
    }

    /** One entry per output unit; with physical units, also its name and unit. */
    private static void perOutput(ArrayNode per, Analysis a, java.util.List<Metrics> metrics) {
        for (int u = 0; u < metrics.size(); u++) {
            ObjectNode o = per.addObject().put("unit", u);
            if (a.units.physical()) {
                o.put("name", a.units.name(u));
                o.put("physical_unit", a.outputUnit(u));
            }
            metrics(o, metrics.get(u));
        }
    }

    private static void metrics(ObjectNode n, Metrics m) {
        n.set("sqnr_db", db(m.sqnrDb()));
        n.put("rmse", dec(m.rmse()));
        n.put("mae", dec(m.mae()));
        n.put("max_abs_error", dec(m.maxAbs()));
        n.put("relative_l2", dec(m.relativeL2()));
        n.put("cosine", dec(m.cosine()));
    }

    /** A decibel figure: null when infinite (no error at all) or undefined. */
    private static com.fasterxml.jackson.databind.JsonNode db(double v) {
        return Double.isFinite(v) ? JSON.getNodeFactory().numberNode(Numbers.decimal(v, 6)) : JSON.getNodeFactory().nullNode();
    }

    private static java.math.BigDecimal dec(double v) {
        return Numbers.decimal(Double.isFinite(v) ? v : 0, 9);
    }
}
