package kquant.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import kquant.KquantException;
import kquant.calibrate.Calibration;
import kquant.data.Sequences;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.SideBySide;
import kquant.engine.BlockSink;
import kquant.engine.Blocks;
import kquant.engine.Runner;
import kquant.fixed.QuantizedModel;
import kquant.fixed.TensorNames;
import kquant.model.Model;

/**
 * Everything the report shows, computed once: the float32 engine's outputs and the distribution
 * of every activation tensor on the data, and for each calibration the side-by-side comparison
 * (errors per tensor and timestep, saturations) and its activation kernels.
 */
final class Analysis {

    /** Number of bars in a tensor's histogram. */
    static final int BINS = 60;

    /** One calibration's results. */
    record Run(String label, Path file, Calibration calibration, QuantizedModel quantized, SideBySide.Result result) {

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
    final Sequences data;
    final double[][][] targets;
    final double[][][] floatOutputs;
    final List<Run> runs = new ArrayList<>();
    final Map<String, Distribution> distributions = new LinkedHashMap<>();

    Analysis(Model model, Sequences data, double[][][] targets, Map<Path, Calibration> calibrations) {
        this.model = model;
        this.data = data;
        this.targets = targets;
        FloatEngine reference = new FloatEngine(model);
        for (Map.Entry<Path, Calibration> e : calibrations.entrySet()) {
            QuantizedModel q = new QuantizedModel(model, e.getValue().formats());
            SideBySide.Result r = SideBySide.compare(reference, new FixedEngine(q), data);
            String label = e.getValue().scheme().cliName() + " (" + e.getKey().getFileName() + ")";
            runs.add(new Run(label, e.getKey(), e.getValue(), q, r));
        }
        this.floatOutputs = runs.get(0).result().floatOutputs();
        if (targets != null && (targets.length != floatOutputs.length || targets[0].length != floatOutputs[0].length
                || targets[0][0].length != floatOutputs[0][0].length)) {
            throw KquantException.of("targets of shape %s do not fit the model's outputs %s", shape(targets), shape(floatOutputs));
        }
        distributions(reference);
    }

    private static String shape(double[][][] v) {
        return v[0].length == 1 ? "(" + v.length + ", " + v[0][0].length + ")" : "(" + v.length + ", " + v[0].length + ", " + v[0][0].length + ")";
    }

    /** Two passes of the float engine: the range of each activation tensor, then its histogram. */
    private void distributions(FloatEngine reference) {
        List<String> tensors = TensorNames.activations(model).stream().map(TensorNames.Entry::name).toList();
        Map<String, double[]> range = new LinkedHashMap<>();
        for (String t : tensors) {
            range.put(t, new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        }
        pass(reference, (name, v) -> {
            double[] r = range.get(name);
            for (double x : v) {
                r[0] = Math.min(r[0], x);
                r[1] = Math.max(r[1], x);
            }
        });
        Map<String, long[]> counts = new LinkedHashMap<>();
        range.forEach((t, r) -> counts.put(t, new long[BINS]));
        pass(reference, (name, v) -> {
            double[] r = range.get(name);
            long[] c = counts.get(name);
            double width = (r[1] - r[0]) / BINS;
            for (double x : v) {
                c[width > 0 ? Math.min(BINS - 1, (int) ((x - r[0]) / width)) : 0]++;
            }
        });
        for (String t : tensors) {
            long total = 0;
            for (long c : counts.get(t)) {
                total += c;
            }
            distributions.put(t, new Distribution(range.get(t)[0], range.get(t)[1], counts.get(t), total));
        }
    }

    private interface ValuesConsumer {
        void accept(String tensor, double[] values);
    }

    /** Runs the float engine over the data, handing every activation tensor's values to {@code c} (one thread: c is not shared). */
    private void pass(FloatEngine reference, ValuesConsumer c) {
        BlockSink sink = new BlockSink() {
            @Override
            public void floats(String name, int step, float[][] rows, int row0, int units, int count) {
                if (distributionsWanted(name)) {
                    double[] v = new double[units * count];
                    for (int j = 0; j < units; j++) {
                        for (int s = 0; s < count; s++) {
                            v[j * count + s] = rows[row0 + j][s];
                        }
                    }
                    c.accept(name, v);
                }
            }
        };
        Runner runner = reference.runner(Blocks.LANES);
        float[] values = data.read(0, data.count());
        for (int k = 0; k < data.count(); k += Blocks.LANES) {
            runner.run(values, k * data.sampleSize(), Math.min(Blocks.LANES, data.count() - k), sink);
        }
    }

    private static boolean distributionsWanted(String name) {
        return !kquant.engine.Trace.isPartialSum(name);
    }

    /** The recurrent states and the output: the tensors whose error over time the report draws. */
    List<String> errorTensors() {
        List<String> out = new ArrayList<>();
        for (String t : runs.get(0).result().errors().keySet()) {
            if (t.endsWith("/state")) {
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
