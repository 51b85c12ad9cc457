package kquant.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kquant.AtomicFiles;
import kquant.OutputFolder;
import kquant.calibrate.Calibration;
import kquant.data.Sequences;
import kquant.fixed.ActivationKernel;
import kquant.model.Model;

/**
 * Writes a report folder: {@code index.html} (one self-contained page: inline CSS and SVG, no
 * script, nothing fetched), {@code metrics.json}, and {@code data/<figure>.csv} for every
 * charted series. The folder is replaced whole, and only while it holds nothing but an earlier
 * kquant report (with {@code --force}, any kquant output).
 */
public final class Report {

    private static final OutputFolder.Kind KIND = OutputFolder.Kind.of("report");

    /** What the report is about, for its title and footer. */
    public record Context(String modelFile, String dataFile, String tool) {
    }

    private Report() {
        throw new AssertionError("No instances of Report");
    }

    /**
     * Analyses and writes.
     *
     * @param calibrations  in the order given, each already checked against {@code model}
     * @param targets       the true outputs {@code [sample][step][unit]}, or null
     * @return the figures written, for callers that print a summary
     */
    public static List<String> write(Path folder, boolean force, Model model, Sequences data, double[][][] targets,
            Map<Path, Calibration> calibrations, Context context) {
        checkTarget(folder, force);
        Analysis a = new Analysis(model, data, targets, calibrations);
        Charts charts = new Charts(a);
        Map<String, List<Figure>> sections = new LinkedHashMap<>();
        List<Figure> error = new ArrayList<>();
        for (String t : a.errorTensors()) {
            // a last-step output has one step: its error is in the metrics table, a chart would be a dot
            if (a.runs.get(0).result().errors().get(t).steps() > 1) {
                error.add(charts.errorPerStep(t, false));
                error.add(charts.errorPerStep(t, true));
            }
        }
        sections.put("Error per timestep", error);
        List<Figure> outputs = new ArrayList<>();
        for (int u = 0; u < a.floatOutputs[0][0].length && u < 16; u++) {
            outputs.add(charts.outputOverSamples(u));
        }
        sections.put("Outputs over the samples", outputs);
        List<Figure> histograms = new ArrayList<>();
        for (String t : charts.activationTensors()) {
            histograms.add(charts.histogram(t));
        }
        sections.put("Tensor values and the formats' ranges", histograms);
        List<Figure> tables = new ArrayList<>();
        for (Analysis.Run r : a.runs) {
            for (Map.Entry<String, ActivationKernel> k : r.quantized().activationKernels().entrySet()) {
                // linear and relu are exact shifts; only table kernels have an error worth drawing
                if (k.getValue().table().length > 0) {
                    tables.add(charts.tableError(r, k.getKey(), k.getValue()));
                }
            }
        }
        sections.put("Activation kernels", tables);
        List<Figure> sats = new ArrayList<>();
        for (Analysis.Run r : a.runs) {
            sats.add(charts.saturations(r));
        }
        sections.put("Saturations", sats);

        List<String> summary = Summary.of(a);
        String html = Html.page(a, context, summary, sections);
        String json = MetricsJson.of(a, context);
        List<String> written = new ArrayList<>();
        AtomicFiles.writeFolder(folder, KIND, replace(force), dir -> {
            Files.writeString(dir.resolve("index.html"), html, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("metrics.json"), json, StandardCharsets.UTF_8);
            Path csv = Files.createDirectories(dir.resolve("data"));
            for (List<Figure> figures : sections.values()) {
                for (Figure f : figures) {
                    Files.writeString(csv.resolve(f.id() + ".csv"), f.csv(), StandardCharsets.UTF_8);
                    written.add(f.id() + ": " + f.title());
                }
            }
        });
        return summary;
    }

    /** A folder we may replace: missing, empty, or a previous kquant report (with --force, any kquant output). */
    private static void checkTarget(Path folder, boolean force) {
        OutputFolder.check(folder, KIND, replace(force));
    }

    private static OutputFolder.Replace replace(boolean force) {
        return force ? OutputFolder.Replace.ANY_OUTPUT : OutputFolder.Replace.SAME_KIND;
    }
}
