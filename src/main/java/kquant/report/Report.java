package kquant.report;

import java.io.IOException;
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
import java.util.function.IntConsumer;
import kquant.data.SequenceSource;
import kquant.fixed.ActivationKernel;
import kquant.model.Model;
import kquant.model.RawUnits;

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
     * Analyses and writes, streaming the data: memory does not grow with the number of samples.
     *
     * @param calibrations  in the order given, each already checked against {@code model}
     * @param targets       the true outputs, row for row with {@code data}, or null
     * @param progress      told how many samples the comparison has done; may be null
     * @return the summary's sentences, for callers that print them
     */
    public static List<String> write(Path folder, boolean force, Model model, SequenceSource data, SequenceSource targets,
            Map<Path, Calibration> calibrations, Context context, IntConsumer progress) {
        return write(folder, force, model, null, data, targets, calibrations, context, progress);
    }

    /**
     * The same for a model with its normalization folded in: {@code data} in its units
     * (kquant.data.RawData), {@code targets} in physical units, and the outputs shown in physical units
     * when {@code units} denormalizes them.
     */
    public static List<String> write(Path folder, boolean force, Model model, RawUnits units, SequenceSource data, SequenceSource targets,
            Map<Path, Calibration> calibrations, Context context, IntConsumer progress) {
        checkTarget(folder, force);
        List<String> summary = new ArrayList<>();
        AtomicFiles.writeFolder(folder, KIND, replace(force), dir -> {
            Path csv = Files.createDirectories(dir.resolve("data"));
            Analysis a = new Analysis(model, units, data, targets, calibrations, csv, progress);
            summary.addAll(write(dir, a, context));
        });
        return summary;
    }

    /** Draws the charts and writes the page, metrics.json and every chart's CSV into {@code dir}. */
    private static List<String> write(Path dir, Analysis a, Context context) throws IOException {
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
        for (int u = 0; u < a.outputs.size(); u++) {
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
                if (k.getValue().table() != null) {
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
        Files.writeString(dir.resolve("index.html"), html, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("metrics.json"), json, StandardCharsets.UTF_8);
        for (List<Figure> figures : sections.values()) {
            for (Figure f : figures) {
                if (f.csv() != null) {
                    Files.writeString(dir.resolve("data").resolve(f.csvName()), f.csv(), StandardCharsets.UTF_8);
                }
            }
        }
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
