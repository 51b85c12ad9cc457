package kquant.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import kquant.engine.SideBySide;

/**
 * The page: well-formed (it parses as XML too), self-contained, readable without JavaScript.
 * Pictures first, numbers second.
 */
final class Html {

    private static final String STYLE = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1560px;margin:2em auto;"
            + "padding:0 1em;color:#222}h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
            + ".meta{color:#666}ul.summary li{margin:.3em 0}table{border-collapse:collapse;margin:1em 0}"
            + "td,th{border:1px solid #ddd;padding:.3em .6em;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
            + "figure{display:inline-block;margin:.5em 0 .5em 0;padding-right:20px;vertical-align:top;width:720px}figcaption{font-size:.85em;color:#444}"
            + "footer{margin-top:3em;color:#888;font-size:.85em}";

    private Html() {
        throw new AssertionError("No instances of Html");
    }

    static String page(Analysis a, Report.Context ctx, List<String> summary, Map<String, List<Figure>> sections) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        sb.append("<title>kquant report: ").append(esc(ctx.modelFile())).append("</title>\n");
        sb.append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
        sb.append("<h1>kquant error report: ").append(esc(ctx.modelFile())).append("</h1>\n");
        sb.append("<p class=\"meta\">").append(esc(ctx.dataFile())).append(", ").append(a.samples)
                .append(" samples; each integer engine against the float32 engine").append(a.hasTargets ? ", and against the true values" : "")
                .append(".</p>\n");
        sb.append("<h2 id=\"summary\">Summary</h2>\n<ul class=\"summary\">\n");
        for (String s : summary) {
            sb.append("<li>").append(esc(s)).append("</li>\n");
        }
        sb.append("</ul>\n");
        for (Map.Entry<String, List<Figure>> e : sections.entrySet()) {
            sb.append("<h2>").append(esc(e.getKey())).append("</h2>\n");
            for (Figure f : e.getValue()) {
                sb.append("<figure id=\"").append(f.id()).append("-figure\">\n").append(f.svg()).append("\n<figcaption>")
                        .append(esc(f.caption())).append(" <a href=\"data/").append(f.csvName()).append("\">Data (CSV)</a></figcaption>\n</figure>\n");
            }
            if (e.getKey().equals("Error per timestep")) {
                metricsTables(sb, a);
            }
        }
        sb.append("<footer>Made by ").append(esc(ctx.tool())).append(" from ").append(esc(ctx.modelFile())).append(" and ");
        for (int i = 0; i < a.runs.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(esc(a.runs.get(i).file().getFileName().toString()));
        }
        sb.append(". metrics.json holds every figure of this page; data/ holds every charted series.</footer>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static void metricsTables(StringBuilder sb, Analysis a) {
        sb.append("<h2>Metrics against the float32 engine</h2>\n<table>\n<tr><th class=\"l\">calibration</th><th class=\"l\">output</th>")
                .append("<th>SQNR</th><th>RMSE</th><th>MAE</th><th>max abs</th><th>relative L2</th><th>cosine</th></tr>\n");
        for (Analysis.Run r : a.runs) {
            row(sb, r.label(), !a.units.physical() ? "all" : "all (standardized)", r.output());
            for (int u = 0; u < r.perUnit().size() && u < Analysis.CHARTED_UNITS; u++) {
                row(sb, r.label(), !a.units.physical() ? Integer.toString(u) : esc(a.outputLabel(u)), r.perUnit().get(u));
            }
        }
        sb.append("</table>\n");
        if (a.units.physical()) {
            sb.append("<p class=\"meta\">Per output in its physical unit (SQNR, relative L2 and cosine about the training mean); "
                    + "\"all\" in standardized units, each output divided by its training scale.</p>\n");
        }
        if (a.hasTargets && a.units.physical()) {
            physicalTask(sb, a);
        } else if (a.hasTargets) {
            sb.append("<h2>Task error against the true values</h2>\n<table>\n<tr><th class=\"l\">engine</th><th>RMSE</th><th>MAE</th>")
                    .append("<th>RMSE minus float32's</th></tr>\n");
            Metrics f = a.floatTask;
            sb.append(String.format(Locale.ROOT, "<tr><td class=\"l\">float32</td><td>%.5g</td><td>%.5g</td><td></td></tr>%n", f.rmse(), f.mae()));
            for (Analysis.Run r : a.runs) {
                Metrics m = r.task();
                sb.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%.5g</td><td>%.5g</td><td>%+.3g</td></tr>%n", esc(r.label()),
                        m.rmse(), m.mae(), m.rmse() - f.rmse()));
            }
            sb.append("</table>\n");
        }
        sb.append("<h2>Error per tensor</h2>\n<table>\n<tr><th class=\"l\">calibration</th><th class=\"l\">tensor</th><th>SQNR</th>")
                .append("<th>RMS error</th><th>max abs</th><th>saturations</th></tr>\n");
        for (Analysis.Run r : a.runs) {
            for (SideBySide.TensorError e : r.result().errors().values()) {
                sb.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td>%s</td><td>%.4g</td><td>%.4g</td><td>%d</td></tr>%n",
                        esc(r.label()), esc(e.tensor()), Summary.db(e.sqnrDb()), e.rms(), e.maxAbs(), r.result().saturations().total(e.tensor())));
            }
        }
        sb.append("</table>\n");
    }

    /** The task error per output, in its physical unit: the figures a user quotes ("largest error 0.8 °C"). */
    private static void physicalTask(StringBuilder sb, Analysis a) {
        sb.append("<h2>Task error against the true values</h2>\n<table>\n<tr><th class=\"l\">engine</th><th class=\"l\">output</th>")
                .append("<th>RMSE</th><th>MAE</th><th>max abs</th><th>RMSE minus float32's</th></tr>\n");
        for (int u = 0; u < a.floatTaskPerUnit.size(); u++) {
            Metrics f = a.floatTaskPerUnit.get(u);
            String unit = a.outputUnit(u).isEmpty() ? "" : " " + esc(a.outputUnit(u));
            sb.append(String.format(Locale.ROOT, "<tr><td class=\"l\">float32</td><td class=\"l\">%s</td><td>%.4g%s</td><td>%.4g%s</td>"
                    + "<td>%.4g%s</td><td></td></tr>%n", esc(a.outputLabel(u)), f.rmse(), unit, f.mae(), unit, f.maxAbs(), unit));
            for (Analysis.Run r : a.runs) {
                Metrics m = r.taskPerUnit().get(u);
                sb.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td>%.4g%s</td><td>%.4g%s</td>"
                        + "<td>%.4g%s</td><td>%+.3g%s</td></tr>%n", esc(r.label()), esc(a.outputLabel(u)), m.rmse(), unit, m.mae(), unit,
                        m.maxAbs(), unit, m.rmse() - f.rmse(), unit));
            }
        }
        sb.append("</table>\n");
    }

    private static void row(StringBuilder sb, String run, String output, Metrics m) {
        sb.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td>%s</td><td>%.4g</td><td>%.4g</td>"
                + "<td>%.4g</td><td>%.4g</td><td>%.6f</td></tr>%n", esc(run), output, Summary.db(m.sqnrDb()), m.rmse(), m.mae(), m.maxAbs(),
                m.relativeL2(), m.cosine()));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
