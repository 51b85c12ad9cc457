package kquant.diagnose;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import kquant.KquantException;
import kquant.Numbers;
import kquant.data.DataFiles;
import kquant.data.Npy;

/**
 * A user's own numbers, in double precision: an {@code .npy} array {@code (N, units)} or
 * {@code (N, T, units)}, read a block of samples at a time (a column-major one whole); a CSV in the
 * trace layout ({@code sample,step,u0,u1,...}, as {@code kquant predict --trace} and {@code kquant
 * trace} write it) or a plain CSV with one sample per row, both held in memory (their rows need
 * not be in order).
 */
final class ActualFile {

    private ActualFile() {
        throw new AssertionError("No instances of ActualFile");
    }

    static ActualNumbers open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw KquantException.of("%s: file not found", file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            return name.endsWith(".npy") ? npy(file) : csv(file);
        } catch (IOException e) {
            throw KquantException.of("%s: cannot read: %s", file, e.getMessage());
        }
    }

    private static ActualNumbers npy(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file);
        try {
            Npy.Header h = Npy.header(ch, file.toString());
            long[] s = h.shape();
            if (s.length != 2 && s.length != 3) {
                throw KquantException.of("%s: array of shape %s; expected (samples, units) or (samples, timesteps, units)",
                        file, java.util.Arrays.toString(s));
            }
            if (h.elements() == 0) {
                throw KquantException.of("%s: array of shape %s holds no values", file, java.util.Arrays.toString(s));
            }
            if (s[0] > Integer.MAX_VALUE || s.length == 3 && s[1] > Integer.MAX_VALUE || s[s.length - 1] > Integer.MAX_VALUE) {
                throw KquantException.of("%s: array of shape %s is too large", file, java.util.Arrays.toString(s));
            }
            NpyNumbers numbers = new NpyNumbers(file, ch, h, (int) s[0], s.length == 3 ? (int) s[1] : 1, (int) s[s.length - 1]);
            if (!h.fortranOrder()) {
                return numbers;
            }
            // column-major: a block of samples is not contiguous, so the whole array is read once
            try (numbers) {
                DataFiles.checkFitsInMemory(file.toString(), h.elements(), Double.BYTES + h.itemSize());
                return numbers.read(0, numbers.samples());
            }
        } catch (RuntimeException | IOException e) {
            ch.close();
            throw e;
        }
    }

    /** An {@code .npy} array read a block of samples at a time. */
    private record NpyNumbers(Path file, FileChannel ch, Npy.Header h, int samples, int steps, int units) implements ActualNumbers {

        @Override
        public Numbers3d read(int start, int n) {
            long perSample = (long) steps * units;
            long first = h.fortranOrder() ? 0 : start * perSample;
            long count = h.fortranOrder() ? h.elements() : n * perSample;
            ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(count * h.itemSize())).order(h.order());
            try {
                long at = h.dataOffset() + first * h.itemSize();
                while (data.hasRemaining()) {
                    if (ch.read(data, at + data.position()) < 0) {
                        throw KquantException.of("%s: ends before sample %d", file, start + n);
                    }
                }
            } catch (IOException e) {
                throw KquantException.of("%s: cannot read: %s", file, e.getMessage());
            }
            double[][][] v = new double[n][steps][units];
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < steps; t++) {
                    for (int u = 0; u < units; u++) {
                        long index = h.fortranOrder() ? (start + i) + (long) samples * (t + (long) steps * u) : ((long) i * steps + t) * units + u;
                        v[i][t][u] = Npy.elementAt(data, h, index);
                    }
                }
            }
            return new Numbers3d(v);
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException e) {
                // read-only: nothing is lost
            }
        }
    }

    private static Numbers3d csv(Path file) throws IOException {
        // the lines are held as text and again as doubles
        DataFiles.checkFitsInMemory(file.toString(), Files.size(file), 4);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        lines.removeIf(String::isBlank);
        if (lines.isEmpty()) {
            throw KquantException.of("%s: no rows", file);
        }
        boolean trace = lines.get(0).replace(" ", "").startsWith("sample,step");
        boolean header = trace || !Numbers.isNumber(lines.get(0).split(",", -1)[0]);
        int first = trace ? 2 : 0;
        int width = -1;
        TreeMap<Integer, TreeMap<Integer, double[]>> rows = new TreeMap<>();
        for (int k = header ? 1 : 0; k < lines.size(); k++) {
            String[] cells = lines.get(k).split(",", -1);
            if (width < 0) {
                width = cells.length;
            }
            if (cells.length != width || cells.length <= first) {
                throw KquantException.of("%s: line %d has %d columns, line %d has %d", file, k + 1, cells.length, header ? 2 : 1, width);
            }
            int sample = trace ? integer(cells[0], file, k) : rows.size();
            int step = trace ? integer(cells[1], file, k) : 0;
            double[] v = new double[cells.length - first];
            for (int c = first; c < cells.length; c++) {
                try {
                    v[c - first] = Numbers.parse(cells[c]);
                } catch (NumberFormatException e) {
                    throw KquantException.of("%s: line %d, column %d: '%s' is not a number", file, k + 1, c + 1, cells[c].trim());
                }
            }
            if (rows.computeIfAbsent(sample, x -> new TreeMap<>()).put(step, v) != null) {
                throw KquantException.of("%s: line %d: sample %d, step %d appears twice", file, k + 1, sample, step);
            }
        }
        if (rows.isEmpty()) {
            throw KquantException.of("%s: a header but no rows", file);
        }
        int steps = rows.firstEntry().getValue().size();
        double[][][] out = new double[rows.size()][][];
        int i = 0;
        for (var sample : rows.entrySet()) {
            if (sample.getKey() != i || sample.getValue().size() != steps || sample.getValue().firstKey() != 0
                    || sample.getValue().lastKey() != steps - 1) {
                throw KquantException.of("%s: samples must be numbered 0 to %d, each with steps 0 to %d; sample %d is not",
                        file, rows.size() - 1, steps - 1, sample.getKey());
            }
            out[i++] = new ArrayList<>(sample.getValue().values()).toArray(new double[0][]);
        }
        return new Numbers3d(out);
    }

    private static int integer(String cell, Path file, int line) {
        try {
            return Integer.parseInt(cell.trim());
        } catch (NumberFormatException e) {
            throw KquantException.of("%s: line %d: '%s' is not a sample or step number", file, line + 1, cell.trim());
        }
    }
}
