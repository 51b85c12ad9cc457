package kquant.engine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kquant.GeneratedText;
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
        return GeneratedText.fileName(tensor) + suffix + ".csv";
    }

    /** The values of one tensor of one sample, row by row, as CSV cells. */
    private interface Cells {
        int rows(int sample);

        int units();

        String cell(int sample, int step, int unit);
    }

    /**
     * Writes the integer codes of several samples into {@code folder}, one file per tensor,
     * named {@code <tensor><suffix>.csv}, in the same layout as the values.
     */
    public static void writeCodes(Path folder, List<java.util.Map<String, int[][]>> codes, String suffix) throws IOException {
        for (String tensor : codes.get(0).keySet()) {
            write(folder.resolve(fileName(tensor, suffix)), codes.size(), new Cells() {
                public int rows(int s) {
                    return codes.get(s).get(tensor).length;
                }

                public int units() {
                    return codes.get(0).get(tensor)[0].length;
                }

                public String cell(int s, int t, int u) {
                    return Integer.toString(codes.get(s).get(tensor)[t][u]);
                }
            });
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
            List<double[][]> values = traces.stream().map(t -> t.get(tensor)).toList();
            write(folder.resolve(fileName(tensor, suffix)), traces.size(), new Cells() {
                public int rows(int s) {
                    return values.get(s).length;
                }

                public int units() {
                    return values.get(0)[0].length;
                }

                public String cell(int s, int t, int u) {
                    return Numbers.format(values.get(s)[t][u], digits);
                }
            });
        }
    }

    private static void write(Path file, int samples, Cells cells) throws IOException {
        try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8))) {
            StringBuilder header = new StringBuilder("sample,step");
            for (int u = 0; u < cells.units(); u++) {
                header.append(",u").append(u);
            }
            w.write(header.append('\n').toString());
            for (int s = 0; s < samples; s++) {
                for (int t = 0; t < cells.rows(s); t++) {
                    StringBuilder row = new StringBuilder().append(s).append(',').append(t);
                    for (int u = 0; u < cells.units(); u++) {
                        row.append(',').append(cells.cell(s, t, u));
                    }
                    w.write(row.append('\n').toString());
                }
            }
        }
    }
}
