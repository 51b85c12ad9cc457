package kquant.engine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kquant.GeneratedText;
import kquant.Numbers;

/**
 * Writes traces as CSV, one file per tensor: {@code input.csv}, {@code simple_rnn.state.csv}, ...
 * with a header {@code sample,step,u0,u1,...} and one row per sample and step. The same layout is
 * what {@code kquant diff} reads back.
 *
 * <p>Traces stream block after block: a {@link Block} collects one block's tensors as a sink (on a
 * worker thread) and renders its rows, and a {@link Folder} appends them, in sample order, to one
 * file per tensor. Memory holds one block per thread, whatever the number of samples.
 */
public final class TraceCsv {

    private TraceCsv() {
        throw new AssertionError("No instances of TraceCsv");
    }

    /** The file name of a tensor: {@code simple_rnn/state} → {@code simple_rnn.state.csv}. */
    public static String fileName(String tensor, String suffix) {
        return GeneratedText.fileName(tensor) + suffix + ".csv";
    }

    /** What a block contributes to each file: tensor name and its rows, in order. */
    public record Text(Map<String, String> rows) {
    }

    /**
     * One block's tensors as a sink collects them: real values (or, for {@code codes}, the integer
     * codes), sample by sample.
     */
    public static final class Block implements BlockSink {
        private final boolean codes;
        private final int digits;
        /** tensor → step → [unit][sample] */
        private final Map<String, List<String[][]>> cells = new LinkedHashMap<>();

        /**
         * @param codes   write integer codes instead of real values (integer engines only)
         * @param digits  significant digits per real value
         */
        public Block(boolean codes, int digits) {
            this.codes = codes;
            this.digits = digits;
        }

        @Override
        public void floats(String tensor, int step, float[][] rows, int row0, int units, int count) {
            if (!codes) {
                String[][] v = slot(tensor, step, units, count);
                for (int j = 0; j < units; j++) {
                    for (int s = 0; s < count; s++) {
                        v[j][s] = Numbers.format(rows[row0 + j][s], digits);
                    }
                }
            }
        }

        @Override
        public void codes(String tensor, int step, int[][] rows, int row0, int units, int count, int frac) {
            String[][] v = slot(tensor, step, units, count);
            for (int j = 0; j < units; j++) {
                for (int s = 0; s < count; s++) {
                    v[j][s] = codes ? Integer.toString(rows[row0 + j][s]) : Numbers.format(Math.scalb((double) rows[row0 + j][s], -frac), digits);
                }
            }
        }

        @Override
        public void doubles(String tensor, int step, double[][] rows, int row0, int units, int count) {
            if (!codes) {
                String[][] v = slot(tensor, step, units, count);
                for (int j = 0; j < units; j++) {
                    for (int s = 0; s < count; s++) {
                        v[j][s] = Numbers.format(rows[row0 + j][s], digits);
                    }
                }
            }
        }

        private String[][] slot(String tensor, int step, int units, int count) {
            List<String[][]> steps = cells.computeIfAbsent(tensor, k -> new ArrayList<>());
            String[][] v = new String[units][count];
            if (steps.size() == step) {
                steps.add(v);
            } else {
                steps.set(step, v);
            }
            return v;
        }

        /** The CSV rows of the samples collected since the last call, the first being sample {@code first}; clears the block. */
        public Text render(int first) {
            Map<String, String> out = new LinkedHashMap<>();
            cells.forEach((tensor, steps) -> {
                StringBuilder sb = new StringBuilder();
                int count = steps.get(0)[0].length;
                for (int s = 0; s < count; s++) {
                    for (int t = 0; t < steps.size(); t++) {
                        sb.append(first + s).append(',').append(t);
                        for (String[] unit : steps.get(t)) {
                            sb.append(',').append(unit[s]);
                        }
                        sb.append('\n');
                    }
                }
                out.put(tensor, sb.toString());
            });
            cells.clear();
            return new Text(out);
        }
    }

    /** The open files of one trace folder, {@code <tensor><suffix>.csv}, appended to in sample order. */
    public static final class Folder implements AutoCloseable {
        private final Path folder;
        private final String suffix;
        private final Map<String, BufferedWriter> open = new LinkedHashMap<>();

        public Folder(Path folder, String suffix) {
            this.folder = folder;
            this.suffix = suffix;
        }

        public void append(Text text) throws IOException {
            for (Map.Entry<String, String> e : text.rows().entrySet()) {
                BufferedWriter w = open.get(e.getKey());
                if (w == null) {
                    w = java.nio.file.Files.newBufferedWriter(folder.resolve(fileName(e.getKey(), suffix)), StandardCharsets.UTF_8);
                    int units = e.getValue().isEmpty() ? 0 : e.getValue().substring(0, e.getValue().indexOf('\n')).split(",").length - 2;
                    StringBuilder header = new StringBuilder("sample,step");
                    for (int u = 0; u < units; u++) {
                        header.append(",u").append(u);
                    }
                    w.write(header.append('\n').toString());
                    open.put(e.getKey(), w);
                }
                w.write(e.getValue());
            }
        }

        @Override
        public void close() throws IOException {
            for (BufferedWriter w : open.values()) {
                w.close();
            }
        }
    }
}
