package kquant.report;

import java.awt.Color;
import java.awt.Rectangle;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import kquant.GeneratedText;
import org.jfree.svg.SVGGraphics2D;

/**
 * One chart of the report: its SVG (drawn by JFreeChart into JFreeSVG) and the CSV of the series
 * it draws, {@code data/<csvName>}: given here, or (when {@code csv} is null) already streamed
 * there while the data was analysed.
 */
record Figure(String id, String title, String svg, String csv, String csvName, String caption) {

    static final int WIDTH = 720;
    static final int HEIGHT = 320;

    /** Tick labels in a fixed locale (the default one would change the page from machine to machine). */
    static void ticks(JFreeChart chart, boolean integerX) {
        if (chart.getPlot() instanceof XYPlot p && p.getDomainAxis() instanceof NumberAxis a) {
            a.setStandardTickUnits(integerX ? NumberAxis.createIntegerTickUnits(Locale.ROOT) : NumberAxis.createStandardTickUnits(Locale.ROOT));
        }
    }

    /**
     * Draws {@code chart} as SVG. Every id inside the SVG starts with the figure's id, so many
     * charts can live in one page; nothing random or time-dependent goes in, so the same chart
     * gives the same bytes.
     */
    static String svg(JFreeChart chart, String id) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        if (chart.getPlot() instanceof XYPlot p) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(new Color(0xdddddd));
            p.setRangeGridlinePaint(new Color(0xdddddd));
            for (int i = 0; i < p.getRangeAxisCount(); i++) {
                if (p.getRangeAxis(i) instanceof NumberAxis a) {
                    a.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
                }
            }

        }
        // titles and legends name layers, whose names a model file controls: keep them short for the layout
        if (chart.getTitle() != null) {
            chart.getTitle().setText(GeneratedText.label(chart.getTitle().getText()));
        }
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        g.setDefsKeyPrefix(id + "-");
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g.getSVGElement(id);
    }
}
