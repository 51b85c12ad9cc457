package kquant.report;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import kquant.data.SequenceSource;
import kquant.engine.Blocks;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.fixed.Fixed;
import kquant.fixed.QRawIo;
import kquant.fixed.QuantizedModel;
import kquant.model.Folding;
import kquant.model.Model;
import kquant.model.Normalization;

/**
 * An integer engine with and without the normalization folded in, measured alike: the output SQNR
 * against its own float32 engine in standardized units (the units the model was trained in, so both
 * sides weigh the outputs the same), and the task error against the true values in physical units,
 * per output. For the folded side the figures are those of the declared output codes the exported C
 * returns; the SQNR of the model's own output, before the codes round it, is given beside.
 */
public final class FoldingComparison {

    /**
     * One engine's figures.
     *
     * @param sqnrDb      output SQNR against float32, standardized units (for a folded engine: of its declared codes)
     * @param modelSqnrDb the same of the folded model's output before the declared codes round it; NaN unfolded
     * @param mae         per output: mean absolute error against the true values, physical units
     * @param max         per output: largest absolute error against the true values, physical units
     */
    public record Row(String label, double sqnrDb, double modelSqnrDb, double[] mae, double[] max) {
    }

    private FoldingComparison() {
        throw new AssertionError("No instances of FoldingComparison");
    }

    /** The float32 engine of the model as trained, on standardized data, against the true values. */
    public static Row float32(Model model, SequenceSource standardized, double[][][] truth, Normalization n) {
        double[][][] y = Blocks.outputs(new FloatEngine(model.withTimesteps(standardized.timesteps())), standardized);
        return row("float32", Double.POSITIVE_INFINITY, Double.NaN, physical(y, n), truth);
    }

    /** An integer engine of the model as trained, on standardized data. */
    public static Row unfolded(String label, Model model, kquant.fixed.Formats formats, SequenceSource standardized, double[][][] truth,
            Normalization n) {
        Model m = model.withTimesteps(standardized.timesteps());
        double[][][] ref = Blocks.outputs(new FloatEngine(m), standardized);
        double[][][] y = Blocks.outputs(new FixedEngine(new QuantizedModel(m, formats)), standardized);
        return row(label, sqnr(ref, y), Double.NaN, physical(y, n), truth);
    }

    /** An integer engine of the folded model, on raw data in the folded model's units (kquant.data.RawData). */
    public static Row folded(String label, Folding f, kquant.fixed.Formats formats, SequenceSource raw, double[][][] truth) {
        Model m = f.folded().withTimesteps(raw.timesteps());
        QuantizedModel q = new QuantizedModel(m, formats);
        QRawIo io = new QRawIo(q, f.units());
        double[][][] ref = standardized(Blocks.outputs(new FloatEngine(m), raw), f);
        double[][][] y = Blocks.outputs(new FixedEngine(q), raw);
        double[][][] codes = new double[y.length][][];
        for (int i = 0; i < y.length; i++) {
            codes[i] = new double[y[i].length][];
            for (int t = 0; t < y[i].length; t++) {
                codes[i][t] = new double[y[i][t].length];
                for (int j = 0; j < y[i][t].length; j++) {
                    codes[i][t][j] = io.physicalOutput(j, (int) Fixed.quantizeUnclamped(y[i][t][j], q.outputFrac()));
                }
            }
        }
        Normalization n = f.normalization();
        return row(label, sqnr(ref, standardize(codes, n)), sqnr(ref, standardized(y, f)), codes, truth);
    }

    /** Prints rows as a table: SQNR, then per output the MAE and the largest error with its unit. */
    public static void print(PrintWriter out, List<Row> rows, Normalization n) {
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-22s %12s %12s", "engine", "SQNR", "model SQNR"));
        for (Normalization.Feature f : n.outputs()) {
            head.append(String.format(Locale.ROOT, "  %-24s", f.name() + " MAE / max"));
        }
        out.println(head);
        for (Row r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s %12s %12s", r.label(), db(r.sqnrDb()), db(r.modelSqnrDb())));
            for (int j = 0; j < r.mae().length; j++) {
                String unit = n.outputs().get(j).unit();
                line.append(String.format(Locale.ROOT, "  %-24s", String.format(Locale.ROOT, "%.3f / %.2f %s", r.mae()[j], r.max()[j], unit)));
            }
            out.println(line);
        }
        out.flush();
    }

    private static String db(double v) {
        return Double.isNaN(v) ? "-" : Double.isInfinite(v) ? "reference" : String.format(Locale.ROOT, "%.2f dB", v);
    }

    private static Row row(String label, double sqnr, double modelSqnr, double[][][] physical, double[][][] truth) {
        int units = physical[0][0].length;
        double[] mae = new double[units];
        double[] max = new double[units];
        long n = 0;
        for (int i = 0; i < physical.length; i++) {
            for (int t = 0; t < physical[i].length; t++) {
                for (int j = 0; j < units; j++) {
                    double e = Math.abs(physical[i][t][j] - truth[i][t][j]);
                    mae[j] += e;
                    max[j] = Math.max(max[j], e);
                }
                n++;
            }
        }
        for (int j = 0; j < units; j++) {
            mae[j] /= n;
        }
        return new Row(label, sqnr, modelSqnr, mae, max);
    }

    private static double sqnr(double[][][] ref, double[][][] act) {
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < ref.length; i++) {
            for (int t = 0; t < ref[i].length; t++) {
                for (int j = 0; j < ref[i][t].length; j++) {
                    double e = act[i][t][j] - ref[i][t][j];
                    signal += ref[i][t][j] * ref[i][t][j];
                    noise += e * e;
                }
            }
        }
        return 10 * Math.log10(signal / noise);
    }

    private static double[][][] physical(double[][][] standardized, Normalization n) {
        return map(standardized, (j, v) -> v * n.outputs().get(j).scale() + n.outputs().get(j).offset());
    }

    private static double[][][] standardize(double[][][] physical, Normalization n) {
        return map(physical, (j, v) -> (v - n.outputs().get(j).offset()) / n.outputs().get(j).scale());
    }

    private static double[][][] standardized(double[][][] folded, Folding f) {
        return map(folded, (j, v) -> f.units().outputs().get(j).standardized(v));
    }

    private interface UnitMap {
        double apply(int unit, double v);
    }

    private static double[][][] map(double[][][] v, UnitMap m) {
        double[][][] out = new double[v.length][][];
        for (int i = 0; i < v.length; i++) {
            out[i] = new double[v[i].length][];
            for (int t = 0; t < v[i].length; t++) {
                out[i][t] = new double[v[i][t].length];
                for (int j = 0; j < v[i][t].length; j++) {
                    out[i][t][j] = m.apply(j, v[i][t][j]);
                }
            }
        }
        return out;
    }
}
