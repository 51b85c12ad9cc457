package kquant.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import kquant.KquantException;
import kquant.Numbers;

/**
 * A CSV data set: one row per sample holding its {@code T × F} values timestep-major
 * ({@code t0f0, t0f1, …, t1f0, …}), as {@code numpy.savetxt(X.reshape(N, -1), delimiter=',')}
 * writes it. A first row that is not numeric is taken as a header. The number of features comes
 * from the model, the number of timesteps from the column count.
 *
 * <p>Rows are read in order as the chunks are asked for, so large files stream.
 */
final class CsvSource implements SequenceSource {

    private final Path path;
    private final String name;
    private final DataShape shape;
    private final boolean hasHeader;
    private BufferedReader reader;
    private int nextRow;

    CsvSource(Path path, boolean sequence, int features) {
        this.path = path;
        this.name = path.toString();
        int rows = 0;
        int columns = -1;
        boolean header = false;
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (lineNo == 1 && !numeric(cells[0])) {
                    header = true;
                    continue;
                }
                if (columns < 0) {
                    columns = cells.length;
                } else if (cells.length != columns) {
                    throw KquantException.of("%s: line %d has %d columns but the first data row has %d", name, lineNo, cells.length, columns);
                }
                if (++rows == Integer.MAX_VALUE) {
                    throw KquantException.of("%s: more than %d rows", name, Integer.MAX_VALUE - 1);
                }
            }
        } catch (IOException e) {
            throw KquantException.of("%s: cannot read: %s", name, e.getMessage());
        }
        if (rows == 0) {
            throw KquantException.of("%s: no data rows", name);
        }
        if (columns % features != 0) {
            throw KquantException.of("%s: rows have %d values, not a whole number of timesteps of %d features", name, columns, features);
        }
        this.shape = new DataShape(rows, columns / features, features, sequence);
        this.hasHeader = header;
        if (!sequence && shape.timesteps() != 1) {
            throw KquantException.of("%s: rows have %d values but the model takes vectors of %d features", name, columns, features);
        }
    }

    private static boolean numeric(String cell) {
        return Numbers.isNumber(cell);
    }

    /** A cell as float32: the decimal rounded once, straight to the nearest float. */
    private static float parse(String cell) {
        double checked = Numbers.parse(cell);
        return Double.isFinite(checked) ? Float.parseFloat(cell.trim()) : (float) checked;
    }

    @Override
    public synchronized float[] read(int start, int n) {
        try {
            if (reader == null || start < nextRow) {
                if (reader != null) {
                    reader.close();
                }
                reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
                nextRow = 0;
                if (hasHeader) {
                    reader.readLine();
                }
            }
            float[] out = new float[n * sampleSize()];
            int k = 0;
            while (nextRow < start + n) {
                String line = reader.readLine();
                if (line == null) {
                    throw KquantException.of("%s: ended early, at row %d", name, nextRow);
                }
                if (line.isBlank()) {
                    continue;
                }
                if (nextRow >= start) {
                    String[] cells = line.split(",", -1);
                    for (int c = 0; c < cells.length; c++) {
                        try {
                            out[k++] = parse(cells[c]);
                        } catch (NumberFormatException e) {
                            throw KquantException.of("%s: sample %d, column %d: '%s' is not a number", name, nextRow, c, cells[c].trim());
                        }
                    }
                }
                nextRow++;
            }
            return out;
        } catch (IOException e) {
            throw KquantException.of("%s: cannot read: %s", name, e.getMessage());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DataShape shape() {
        return shape;
    }

    @Override
    public synchronized void close() {
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (IOException ignored) {
            // read-only file
        }
    }
}
