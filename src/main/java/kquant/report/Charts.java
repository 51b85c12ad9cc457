package kquant.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kquant.GeneratedText;
import kquant.Numbers;
import kquant.engine.SideBySide;
import kquant.fixed.ActivationKernel;
import kquant.fixed.Fixed;
import kquant.fixed.Storage;
import kquant.fixed.TensorNames;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's charts, each with the CSV of what it draws. */
final class Charts {

    /** One color per calibration, in the order given; float32 is black and the true values gray. */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xd62728)};
    static final Color FLOAT = Color.BLACK;
    static final Color TRUTH = new Color(0xaaaaaa);

    private final Analysis a;
    private int next = 1;

    Charts(Analysis a) {
        this.a = a;
    }

    private String id() {
        return String.format(Locale.ROOT, "fig%02d", next++);
    }

    /** RMS and largest error of one tensor at each timestep, for every calibration; in real units or in LSB. */
    Figure errorPerStep(String tensor, boolean inLsb) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Analysis.Run r : a.runs) {
            SideBySide.TensorError e = r.result().errors().get(tensor);
            double scale = inLsb ? r.lsb(tensor) : 1;
            XYSeries rms = new XYSeries(r.label() + " RMS");
            XYSeries max = new XYSeries(r.label() + " max");
            for (int t = 0; t < e.steps(); t++) {
                rms.add(t, e.rms(t) / scale);
                max.add(t, e.maxAbs(t) / scale);
            }
            data.addSeries(rms);
            data.addSeries(max);
        }
        String unit = inLsb ? "error (LSB of the tensor's format)" : "error (real units)";
        JFreeChart chart = ChartFactory.createXYLineChart(tensor + ": error per timestep" + (inLsb ? ", in LSB" : ""), "timestep", unit, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, PALETTE[(i / 2) % PALETTE.length]);
            // RMS solid, largest dashed, in the calibration's color
            r.setSeriesStroke(i, i % 2 == 0 ? new BasicStroke(2f)
                    : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        chart.getXYPlot().setRenderer(r);
        Figure.ticks(chart, true);
        return figure(chart, tensor + " error per timestep" + (inLsb ? " (LSB)" : ""), data, "timestep",
                "RMS and largest absolute difference from the float32 engine at each timestep, over all samples.");
    }

    /**
     * One output unit over the samples: the float engine, every calibration, and the true values. Past
     * twice as many samples as the chart has pixel columns, each series is drawn as its min/max
     * envelope per column (spikes survive); its CSV holds every sample.
     */
    Figure outputOverSamples(int unit) {
        OutputSeries o = a.outputs.get(unit);
        XYSeriesCollection data = new XYSeriesCollection();
        for (int k = 0; k < o.names().size(); k++) {
            XYSeries s = new XYSeries(o.names().get(k), false);
            for (double[] p : o.points(k)) {
                s.add(p[0], p[1]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(a.outputLabel(unit) + " over the samples", "sample", a.outputLabel(unit), data,
                PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        // one SVG path per series: drawn segment by segment, four series of 1,300 points took 1.4 MB
        r.setDrawSeriesLineAsPath(true);
        r.setSeriesPaint(0, FLOAT);
        r.setSeriesStroke(0, new BasicStroke(2f));
        for (int i = 1; i <= a.runs.size(); i++) {
            r.setSeriesPaint(i, PALETTE[(i - 1) % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(1f));
        }
        if (a.hasTargets) {
            r.setSeriesPaint(a.runs.size() + 1, TRUTH);
            r.setSeriesStroke(a.runs.size() + 1, new BasicStroke(1f));
        }
        chart.getXYPlot().setRenderer(r);
        Figure.ticks(chart, true);
        String id = id();
        return new Figure(id, a.outputLabel(unit), Figure.svg(chart, id), null, "output-" + unit + ".csv",
                "The model's output for each sample (its last timestep for sequence outputs): the integer engines should trace the float32 line"
                        + (a.hasTargets ? ", and all of them the true values" : "")
                        + (o.decimated() ? String.format(Locale.ROOT, ". Drawn as each series' smallest and largest value in each of %d columns "
                                + "of %d samples; the CSV holds every sample.", OutputSeries.COLUMNS, a.samples) : "."));
    }

    /** A tensor's float values as a histogram, with each calibration's representable range marked. */
    Figure histogram(String tensor) {
        Analysis.Distribution d = a.distributions.get(tensor);
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries bars = new XYSeries("share of values", false);
        for (int b = 0; b < Analysis.BINS; b++) {
            bars.add(d.min() + (b + 0.5) * d.binWidth(), (double) d.counts()[b] / d.total());
        }
        data.addSeries(bars);
        JFreeChart chart = ChartFactory.createXYBarChart(tensor + ": float values and the formats' ranges", "value", false, "share of values",
                data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.getRenderer().setSeriesPaint(0, new Color(0x7f9fbf));
        ((org.jfree.chart.renderer.xy.XYBarRenderer) plot.getRenderer()).setBarPainter(new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        StringBuilder caption = new StringBuilder("Distribution of the float32 values on the data; lines mark each calibration's range. ");
        double left = d.min();
        double right = d.max();
        int k = 0;
        for (Analysis.Run r : a.runs) {
            double lsb = r.lsb(tensor);
            if (Double.isNaN(lsb)) {
                continue;
            }
            Storage type = r.calibration().scheme().activations();
            double lo = -type.maxMagnitude() * lsb;
            double hi = type.maxCode() * lsb;
            Color color = PALETTE[k++ % PALETTE.length];
            left = Math.min(left, lo);
            right = Math.max(right, hi);
            for (double limit : new double[] {lo, hi}) {
                ValueMarker m = new ValueMarker(limit, color, new BasicStroke(1.5f));
                m.setLabel(r.calibration().scheme().cliName());
                m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                plot.addDomainMarker(m);
            }
            caption.append(String.format(Locale.ROOT, "%s holds [%s, %s] and clips %s%% of the values. ", r.label(),
                    Numbers.format(lo, 6), Numbers.format(hi, 6), Numbers.format(100.0 * clipped(d, lo, hi), 3)));
        }
        Figure.ticks(chart, false);
        double margin = (right - left) * 0.03;
        plot.getDomainAxis().setRange(left - margin, right + margin);
        return figure(chart, tensor + " histogram", data, "value", caption.toString().trim());
    }

    /** The share of values below lo or above hi, counting a cut bar in proportion. */
    static double clipped(Analysis.Distribution d, double lo, double hi) {
        double out = 0;
        for (int b = 0; b < Analysis.BINS; b++) {
            double left = d.min() + b * d.binWidth();
            double right = left + d.binWidth();
            double share = d.binWidth() == 0 ? (left < lo || left > hi ? 1 : 0)
                    : (Math.max(0, Math.min(right, lo) - left) + Math.max(0, right - Math.max(left, hi))) / d.binWidth();
            out += share * d.counts()[b];
        }
        return out / d.total();
    }

    /** An activation kernel's error against the exact activation over its input range, in LSB of its output. */
    Figure tableError(Analysis.Run run, String tensor, ActivationKernel k) {
        Storage type = k.type();
        int codes = type.maxCode() - type.minCode() + 1;
        int buckets = Math.min(codes, 1024);
        int per = codes / buckets;
        XYSeries hi = new XYSeries("largest error in each " + per + " codes", false);
        XYSeries lo = new XYSeries("smallest error in each " + per + " codes", false);
        for (int b = 0; b < buckets; b++) {
            double max = Double.NEGATIVE_INFINITY;
            double min = Double.POSITIVE_INFINITY;
            for (int z = type.minCode() + b * per; z < type.minCode() + (b + 1) * per; z++) {
                double exact = Math.scalb(k.activation().apply(Fixed.dequantize(z, k.fIn())), k.fOut());
                double e = k.apply(z) - Math.max(type.minCode(), Math.min(type.maxCode(), exact));
                max = Math.max(max, e);
                min = Math.min(min, e);
            }
            double x = Fixed.dequantize(type.minCode() + b * per, k.fIn());
            hi.add(x, max);
            lo.add(x, min);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(hi);
        data.addSeries(lo);
        JFreeChart chart = ChartFactory.createXYLineChart(run.label() + " " + tensor + ": " + k.activation().kerasName() + " kernel error",
                "input value", "error (LSB of the output)", data, PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setDrawSeriesLineAsPath(true);
        r.setSeriesPaint(0, PALETTE[4]);
        r.setSeriesPaint(1, PALETTE[0]);
        chart.getXYPlot().setRenderer(r);
        Figure.ticks(chart, false);
        return figure(chart, run.label() + " " + tensor + " activation error", data, "input value", k.describe() + ".");
    }

    /** Saturation counts per tensor and timestep for one calibration. */
    Figure saturations(Analysis.Run run) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        Map<String, long[]> counts = run.result().saturations().perStep();
        StringBuilder csv = new StringBuilder("tensor,step,saturations\n");
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            for (int t = 0; t < e.getValue().length; t++) {
                data.addValue(e.getValue()[t], GeneratedText.label(e.getKey()), "step " + t);
                csv.append(GeneratedText.csvCell(e.getKey())).append(',').append(t).append(',').append(e.getValue()[t]).append('\n');
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(run.label() + ": saturations per tensor and timestep", "timestep",
                "values clipped", data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
        org.jfree.chart.renderer.category.BarRenderer bars = (org.jfree.chart.renderer.category.BarRenderer) chart.getCategoryPlot().getRenderer();
        bars.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        for (int i = 0; i < data.getRowCount(); i++) {
            bars.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        ((NumberAxis) chart.getCategoryPlot().getRangeAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        String id = id();
        long total = run.result().saturations().total();
        return new Figure(id, run.label() + " saturations", Figure.svg(chart, id), csv.toString(), id + ".csv",
                total == 0 ? "No value was clipped: every value fitted its format." : total + " values were clipped to the edge of their format (none wrapped).");
    }

    private Figure figure(JFreeChart chart, String title, XYSeriesCollection data, String xName, String caption) {
        String id = id();
        return new Figure(id, title, Figure.svg(chart, id), csv(data, xName), id + ".csv", caption);
    }

    /** The series of a chart as CSV: one column per series, on a shared x column. */
    static String csv(XYSeriesCollection data, String xName) {
        StringBuilder sb = new StringBuilder(xName);
        List<XYSeries> series = new ArrayList<>();
        for (int s = 0; s < data.getSeriesCount(); s++) {
            series.add(data.getSeries(s));
            sb.append(',').append(GeneratedText.csvCell(data.getSeries(s).getKey().toString()));
        }
        sb.append('\n');
        int rows = series.get(0).getItemCount();
        for (int i = 0; i < rows; i++) {
            sb.append(Numbers.format(series.get(0).getX(i).doubleValue(), Numbers.FLOAT64_DIGITS));
            for (XYSeries s : series) {
                sb.append(',').append(i < s.getItemCount() ? Numbers.format(s.getY(i).doubleValue(), Numbers.FLOAT64_DIGITS) : "");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The activation tensors, for the histograms. */
    List<String> activationTensors() {
        return TensorNames.activations(a.model).stream().map(TensorNames.Entry::name).toList();
    }
}
