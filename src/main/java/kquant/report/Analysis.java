package kquant.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import kquant.KquantException;
import kquant.calibrate.Calibration;
import kquant.data.SequenceSource;
import kquant.engine.BlockSink;
import kquant.engine.Blocks;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Runner;
import kquant.engine.SideBySide;
import kquant.fixed.QuantizedModel;
import kquant.fixed.TensorNames;
import kquant.model.Model;
import kquant.model.RawUnits;
import kquant.model.Shape;

/**
 * Everything the report shows, computed in passes over the data that stream it block by block, so
 * that memory does not grow with the number of samples: the float32 engine beside every
 * calibration's integer engine (errors per tensor and timestep, saturations, output metrics), each
 * output unit over the samples (the full series to CSV, an envelope for the chart), and the
 * distribution of every activation tensor.
 */
final class Analysis {

    /** Number of bars in a tensor's histogram. */
    static final int BINS = 60;
    /** Output units that get a chart of their own. */
    static final int CHARTED_UNITS = 16;

    /**
     * One calibration's results. In physical units ({@link OutputUnits}), {@code output} and {@code task} are
     * in standardized units and {@code perUnit} and {@code taskPerUnit} in physical units, centred on each
     * output's training mean.
     */
    record Run(String label, Path file, Calibration calibration, QuantizedModel quantized, SideBySide.Result result, Metrics output,
            List<Metrics> perUnit, Metrics task, List<Metrics> taskPerUnit) {

        /** The size of one step of {@code tensor}'s format, or NaN when it has none (x·W parts). */
        double lsb(String tensor) {
            Calibration.Choice c = calibration.tensors().get(tensor);
            return c == null || c.format().isPerUnit() ? Double.NaN : Math.scalb(1.0, -c.format().bits());
        }
    }

    /** The float values of one tensor over the data, in {@link #BINS} bars from min to max. */
    record Distribution(double min, double max, long[] counts, long total) {
        double binWidth() {
            return (max - min) / BINS;
        }
    }

    final Model model;
    /** The units outputs are shown in. */
    final OutputUnits units;
    final int samples;
    final boolean hasTargets;
    final int outputUnits;
    /** The float32 engine against the true values; null without targets. */
    final Metrics floatTask;
    /** The same per output (physical units, centred); null without targets. */
    final List<Metrics> floatTaskPerUnit;
    final List<Run> runs = new ArrayList<>();
    final List<OutputSeries> outputs = new ArrayList<>();
    final Map<String, Distribution> distributions = new LinkedHashMap<>();

    /**
     * @param targets   the true outputs, row for row with {@code data}; may be null
     * @param csv       the folder the full output series are written to ({@code output-<unit>.csv})
     */
    Analysis(Model model, RawUnits units, SequenceSource data, SequenceSource targets, Map<Path, Calibration> calibrations, Path csv,
            IntConsumer progress) throws IOException {
        this.model = model;
        this.samples = data.count();
        this.hasTargets = targets != null;
        Shape out = model.outputShape();
        this.outputUnits = out.features();
        int steps = out.sequence() ? out.timesteps() : 1;
        if (targets != null && (targets.timesteps() != steps || targets.features() != outputUnits)) {
            throw KquantException.of("%s: targets of %d steps x %d values per sample do not fit the model's outputs %s", targets.name(),
                    targets.timesteps(), targets.features(), out);
        }
        FloatEngine reference = new FloatEngine(model);
        List<FixedEngine> engines = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("float32"));
        List<Map.Entry<Path, Calibration>> cals = new ArrayList<>(calibrations.entrySet());
        for (Map.Entry<Path, Calibration> e : cals) {
            engines.add(new FixedEngine(new QuantizedModel(model, e.getValue().formats())));
            names.add(label(e.getKey(), e.getValue()));
        }
        if (targets != null) {
            names.add("true value");
        }
        for (int u = 0; u < Math.min(outputUnits, CHARTED_UNITS); u++) {
            outputs.add(new OutputSeries(samples, names, csv.resolve("output-" + u + ".csv")));
        }
        this.units = new OutputUnits(units, engines);
        OutputSums sums = new OutputSums(engines.size(), outputUnits, targets != null);
        List<SideBySide.Result> results;
        try {
            results = SideBySide.compare(reference, engines, data, targets, sums, progress);
        } finally {
            for (OutputSeries s : outputs) {
                s.close();
            }
        }
        for (int i = 0; i < cals.size(); i++) {
            Map.Entry<Path, Calibration> e = cals.get(i);
            List<Metrics> perUnit = new ArrayList<>();
            for (Metrics.Sums s : sums.perUnit[i]) {
                perUnit.add(s.metrics());
            }
            runs.add(new Run(names.get(i + 1), e.getKey(), e.getValue(), engines.get(i).quantized(), results.get(i), sums.all[i].metrics(),
                    perUnit, targets == null ? null : sums.task[i + 1].metrics(), targets == null ? null : metrics(sums.taskPerUnit[i + 1])));
        }
        this.floatTask = targets == null ? null : sums.task[0].metrics();
        this.floatTaskPerUnit = targets == null ? null : metrics(sums.taskPerUnit[0]);
        distributions(reference, data);
    }

    private static List<Metrics> metrics(Metrics.Sums[] sums) {
        List<Metrics> out = new ArrayList<>();
        for (Metrics.Sums s : sums) {
            out.add(s.metrics());
        }
        return out;
    }

    /** Output u's name for charts and tables: {@code output 0}, or in physical units {@code next_temp_max (°C)}. */
    String outputLabel(int u) {
        return units.label(u);
    }

    /** Output u's unit, empty in the model's units. */
    String outputUnit(int u) {
        return units.unit(u);
    }

    private static String label(Path file, Calibration c) {
        return c.scheme().cliName() + " (" + file.getFileName() + ")";
    }

    /** Adds every block's outputs into the metrics and the output series, in sample order. */
    private final class OutputSums implements SideBySide.Outputs {
        final Metrics.Sums[] all;
        final Metrics.Sums[][] perUnit;
        /** [0] float32 against the truth, [1 + i] calibration i against the truth. */
        final Metrics.Sums[] task;
        final Metrics.Sums[][] taskPerUnit;

        OutputSums(int engines, int units, boolean truth) {
            all = new Metrics.Sums[engines];
            perUnit = new Metrics.Sums[engines][units];
            task = truth ? new Metrics.Sums[engines + 1] : null;
            taskPerUnit = truth ? new Metrics.Sums[engines + 1][units] : null;
            for (int e = 0; truth && e <= engines; e++) {
                for (int u = 0; u < units; u++) {
                    taskPerUnit[e][u] = new Metrics.Sums();
                }
            }
            for (int e = 0; e < engines; e++) {
                all[e] = new Metrics.Sums();
                for (int u = 0; u < units; u++) {
                    perUnit[e][u] = new Metrics.Sums();
                }
            }
            for (int e = 0; task != null && e < task.length; e++) {
                task[e] = new Metrics.Sums();
            }
        }

        @Override
        public void block(int first, double[][] reference, List<double[][]> fixed, float[] truth, int truthOffset) {
            int width = reference.length == 0 ? 0 : reference[0].length;
            double[] row = new double[1 + fixed.size() + (truth != null ? 1 : 0)];
            for (int s = 0; s < reference.length; s++) {
                for (int k = 0; k < width; k++) {
                    int unit = k % outputUnits;
                    double ref = units.reference(unit, reference[s][k]);
                    double t = truth == null ? 0 : truth[truthOffset + s * width + k];
                    for (int e = 0; e < fixed.size(); e++) {
                        double v = units.fixed(e, unit, fixed.get(e)[s][k]);
                        all[e].add(units.standardized(unit, ref), units.standardized(unit, v));
                        perUnit[e][unit].add(units.centred(unit, ref), units.centred(unit, v));
                        if (truth != null) {
                            task[e + 1].add(units.standardized(unit, t), units.standardized(unit, v));
                            taskPerUnit[e + 1][unit].add(units.centred(unit, t), units.centred(unit, v));
                        }
                    }
                    if (truth != null) {
                        task[0].add(units.standardized(unit, t), units.standardized(unit, ref));
                        taskPerUnit[0][unit].add(units.centred(unit, t), units.centred(unit, ref));
                    }
                }
                // the chart shows each sample's last output step
                int last = width - outputUnits;
                for (int u = 0; u < outputs.size(); u++) {
                    row[0] = units.reference(u, reference[s][last + u]);
                    for (int e = 0; e < fixed.size(); e++) {
                        row[1 + e] = units.fixed(e, u, fixed.get(e)[s][last + u]);
                    }
                    if (truth != null) {
                        row[row.length - 1] = truth[truthOffset + s * width + last + u];
                    }
                    outputs.get(u).add(first + s, row);
                }
            }
        }
    }

    /** Two streamed passes of the float engine: the range of each activation tensor, then its histogram. */
    private void distributions(FloatEngine reference, SequenceSource data) {
        List<String> tensors = TensorNames.activations(model).stream().map(TensorNames.Entry::name).toList();
        Map<String, double[]> range = new LinkedHashMap<>();
        for (String t : tensors) {
            range.put(t, new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        }
        pass(reference, data, tensors, () -> new ValuesSink(tensors) {
            @Override
            void accept(String tensor, float v) {
                double[] r = own.computeIfAbsent(tensor, k -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
                r[0] = Math.min(r[0], v);
                r[1] = Math.max(r[1], v);
            }
        }, part -> part.forEach((t, r) -> {
            range.get(t)[0] = Math.min(range.get(t)[0], r[0]);
            range.get(t)[1] = Math.max(range.get(t)[1], r[1]);
        }));
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (String t : tensors) {
            counts.put(t, new long[BINS]);
        }
        pass(reference, data, tensors, () -> new ValuesSink(tensors) {
            @Override
            void accept(String tensor, float v) {
                double[] r = range.get(tensor);
                double width = (r[1] - r[0]) / BINS;
                own.computeIfAbsent(tensor, k -> new double[BINS])[width > 0 ? Math.min(BINS - 1, (int) ((v - r[0]) / width)) : 0]++;
            }
        }, part -> part.forEach((t, c) -> {
            for (int b = 0; b < BINS; b++) {
                counts.get(t)[b] += (long) c[b];
            }
        }));
        for (String t : tensors) {
            long total = 0;
            for (long c : counts.get(t)) {
                total += c;
            }
            distributions.put(t, new Distribution(range.get(t)[0], range.get(t)[1], counts.get(t), total));
        }
    }

    /** Collects one block's values per tensor into arrays of its own (merged in order afterwards). */
    private abstract static class ValuesSink implements BlockSink {
        final java.util.Set<String> wanted;
        Map<String, double[]> own = new LinkedHashMap<>();

        ValuesSink(List<String> tensors) {
            this.wanted = new java.util.HashSet<>(tensors);
        }

        abstract void accept(String tensor, float v);

        @Override
        public void floats(String tensor, int step, float[][] rows, int row0, int units, int count) {
            if (wanted.contains(tensor)) {
                for (int j = 0; j < units; j++) {
                    for (int s = 0; s < count; s++) {
                        accept(tensor, rows[row0 + j][s]);
                    }
                }
            }
        }
    }

    private void pass(FloatEngine reference, SequenceSource data, List<String> tensors, java.util.function.Supplier<ValuesSink> sinks,
            java.util.function.Consumer<Map<String, double[]>> merge) {
        Blocks.over(data).run(() -> {
            Runner r = reference.runner(Blocks.LANES);
            return (chunk, from, count) -> {
                ValuesSink sink = sinks.get();
                Blocks.eachCall(r, chunk, from, count, sink, k -> { }, data.name(), "float32");
                return sink.own;
            };
        }, merge);
    }

    /** The recurrent states and cells, and the output: the tensors whose error over time the report draws. */
    List<String> errorTensors() {
        List<String> out = new ArrayList<>();
        for (String t : runs.get(0).result().errors().keySet()) {
            if (t.endsWith("/state") || t.endsWith("/cell")) {
                out.add(t);
            }
        }
        SideBySide.TensorError last = runs.get(0).result().output();
        if (!out.contains(last.tensor())) {
            out.add(last.tensor());
        }
        return out;
    }
}
