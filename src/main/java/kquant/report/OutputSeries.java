package kquant.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kquant.Numbers;

/**
 * One output unit over the samples, for every series (float32, each calibration, the true values),
 * streamed: the full series goes to a CSV file row by row, and the chart keeps only a min/max
 * envelope per pixel column, so a spike in a million samples still shows and the page stays small.
 */
final class OutputSeries {

    /** Pixel columns of the chart; below twice this many samples every sample is drawn. */
    static final int COLUMNS = 640;

    private final int samples;
    private final List<String> names;
    private final double[][] min;
    private final double[][] max;
    private final double[][] exact;
    private final BufferedWriter csv;

    /**
     * @param names  the series, in column order
     * @param file   where the full series is written as CSV
     */
    OutputSeries(int samples, List<String> names, Path file) throws IOException {
        this.samples = samples;
        this.names = List.copyOf(names);
        boolean decimate = samples > 2 * COLUMNS;
        this.min = decimate ? filled(names.size(), Double.POSITIVE_INFINITY) : null;
        this.max = decimate ? filled(names.size(), Double.NEGATIVE_INFINITY) : null;
        this.exact = decimate ? null : new double[names.size()][samples];
        this.csv = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder("sample");
        for (String n : names) {
            header.append(',').append(n.replace(',', ';'));
        }
        csv.write(header.append('\n').toString());
    }

    private static double[][] filled(int series, double v) {
        double[][] a = new double[series][COLUMNS];
        for (double[] row : a) {
            java.util.Arrays.fill(row, v);
        }
        return a;
    }

    /** Adds one sample's value of every series, in sample order. */
    void add(int sample, double[] values) {
        StringBuilder row = new StringBuilder().append(sample);
        for (int k = 0; k < values.length; k++) {
            row.append(',').append(Numbers.format(values[k], Numbers.FLOAT64_DIGITS));
            if (exact != null) {
                exact[k][sample] = values[k];
            } else {
                int c = column(sample);
                min[k][c] = Math.min(min[k][c], values[k]);
                max[k][c] = Math.max(max[k][c], values[k]);
            }
        }
        try {
            csv.write(row.append('\n').toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void close() throws IOException {
        csv.close();
    }

    private int column(int sample) {
        return (int) ((long) sample * COLUMNS / samples);
    }

    List<String> names() {
        return names;
    }

    boolean decimated() {
        return exact == null;
    }

    /**
     * The points to draw for series {@code k}: every sample, or per column its smallest and largest
     * value at the column's first sample (a vertical stroke that keeps every spike).
     */
    double[][] points(int k) {
        if (exact != null) {
            double[][] p = new double[samples][];
            for (int i = 0; i < samples; i++) {
                p[i] = new double[] {i, exact[k][i]};
            }
            return p;
        }
        double[][] p = new double[2 * COLUMNS][];
        int n = 0;
        for (int c = 0; c < COLUMNS; c++) {
            if (min[k][c] <= max[k][c]) {
                double x = Math.ceil((double) c * samples / COLUMNS);
                p[n++] = new double[] {x, min[k][c]};
                p[n++] = new double[] {x, max[k][c]};
            }
        }
        return java.util.Arrays.copyOf(p, n);
    }
}
