package kquant.engine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kquant.Numbers;

/**
 * Writes traces as CSV, one file per tensor: {@code input.csv}, {@code simple_rnn.state.csv},
 * ... with a header {@code sample,step,u0,u1,...} and one row per sample and step. The same layout
 * is what {@code kquant diff} reads back.
 */
public final class TraceCsv {

    private TraceCsv() {
        throw new AssertionError("No instances of TraceCsv");
    }

    /** The file name of a tensor: {@code simple_rnn/state} → {@code simple_rnn.state.csv}. */
    public static String fileName(String tensor, String suffix) {
        return tensor.replace('/', '.') + suffix + ".csv";
    }

    /**
     * Writes the integer codes of several samples into {@code folder}, one file per tensor,
     * named {@code <tensor><suffix>.csv}, in the same layout as the values.
     */
    public static void writeCodes(Path folder, List<java.util.Map<String, int[][]>> codes, String suffix) throws IOException {
        for (String tensor : codes.get(0).keySet()) {
            Path file = folder.resolve(fileName(tensor, suffix));
            try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8))) {
                int units = codes.get(0).get(tensor)[0].length;
                StringBuilder header = new StringBuilder("sample,step");
                for (int u = 0; u < units; u++) {
                    header.append(",u").append(u);
                }
                w.write(header.append('\n').toString());
                for (int s = 0; s < codes.size(); s++) {
                    int[][] v = codes.get(s).get(tensor);
                    for (int t = 0; t < v.length; t++) {
                        StringBuilder row = new StringBuilder().append(s).append(',').append(t);
                        for (int x : v[t]) {
                            row.append(',').append(x);
                        }
                        w.write(row.append('\n').toString());
                    }
                }
            }
        }
    }

    /**
     * Writes the traces of several samples into {@code folder}.
     *
     * @param traces  one trace per sample, in sample order, all with the same tensors
     * @param digits  significant digits per value
     * @param suffix  added to each file name (e.g. {@code .q15}), or ""
     */
    public static void write(Path folder, List<Trace> traces, int digits, String suffix) throws IOException {
        for (String tensor : traces.get(0).names()) {
            Path file = folder.resolve(fileName(tensor, suffix));
            try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8))) {
                int units = traces.get(0).get(tensor)[0].length;
                StringBuilder header = new StringBuilder("sample,step");
                for (int u = 0; u < units; u++) {
                    header.append(",u").append(u);
                }
                w.write(header.append('\n').toString());
                for (int s = 0; s < traces.size(); s++) {
                    double[][] v = traces.get(s).get(tensor);
                    for (int t = 0; t < v.length; t++) {
                        StringBuilder row = new StringBuilder().append(s).append(',').append(t);
                        for (double x : v[t]) {
                            row.append(',').append(Numbers.format(x, digits));
                        }
                        w.write(row.append('\n').toString());
                    }
                }
            }
        }
    }
}
