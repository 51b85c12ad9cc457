package kquant.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import kquant.KquantException;
import kquant.model.Shape;

/**
 * Opens a data set named on the command line and checks that it fits the model.
 *
 * <p>{@code X.npy}, {@code X.csv}, or {@code file.h5:/path/to/dataset}.
 */
public final class DataFiles {

    private DataFiles() {
        throw new AssertionError("No instances of DataFiles");
    }

    /**
     * Opens {@code spec} for a model whose input is {@code input}, checking the shape.
     *
     * @throws KquantException naming the file when it is missing, unreadable or does not fit
     */
    public static SequenceSource open(String spec, Shape input) {
        SequenceSource source = openUnchecked(spec, input);
        try {
            checkFits(source, input);
            return source;
        } catch (KquantException e) {
            source.close();
            throw e;
        }
    }

    /** Opens and reads a whole data set into memory, checking shape and values. */
    public static Sequences load(String spec, Shape input) {
        try (SequenceSource source = open(spec, input)) {
            checkFitsInMemory(source.name(), (long) source.count() * source.sampleSize(), Float.BYTES);
            Sequences s = Sequences.load(source);
            checkFinite(s.read(0, s.count()), 0, s);
            return s;
        }
    }

    private static SequenceSource openUnchecked(String spec, Shape input) {
        String lower = spec.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".h5:", ".hdf5:", ".hdf:"}) {
            int at = lower.lastIndexOf(ext);
            if (at >= 0) {
                int split = at + ext.length() - 1;
                return new Hdf5Source(Path.of(spec.substring(0, split)), spec.substring(split + 1));
            }
        }
        Path path = Path.of(spec);
        if (!Files.isRegularFile(path)) {
            throw KquantException.of("%s: data file not found", spec);
        }
        if (lower.endsWith(".npy")) {
            return Npy.open(path);
        }
        if (lower.endsWith(".csv") || lower.endsWith(".txt")) {
            return new CsvSource(path, input.sequence(), input.features());
        }
        if (lower.endsWith(".h5") || lower.endsWith(".hdf5")) {
            throw KquantException.of("%s: name the dataset inside the HDF5 file, as %s:/path/to/dataset", spec, spec);
        }
        throw KquantException.of("%s: unknown data format; use .npy, .csv or file.h5:/dataset", spec);
    }

    /**
     * Refuses, before anything is allocated, an array too large for one Java array or for half
     * the heap (the engines need the rest).
     *
     * @param bytesPerValue  what one value takes in memory
     */
    public static void checkFitsInMemory(String name, long values, int bytesPerValue) {
        long heap = Runtime.getRuntime().maxMemory();
        if (values > Integer.MAX_VALUE - 8 || values > heap / 2 / bytesPerValue) {
            throw KquantException.of("%s: %d values (%d MB in memory) are more than this command holds at once (heap %d MB); "
                    + "use a smaller file or a larger heap (java -Xmx...)", name, values, values * bytesPerValue >> 20, heap >> 20);
        }
    }

    /** Checks that every sample has the model's number of features and timesteps. */
    public static void checkFits(SequenceSource s, Shape input) {
        if (s.count() == 0) {
            throw KquantException.of("%s: holds no samples", s.name());
        }
        if (input.sequence() && !s.sequence()) {
            throw KquantException.of("%s: holds vectors (samples, %d) but the model takes sequences %s",
                    s.name(), s.features(), input);
        }
        if (!input.sequence() && s.sequence()) {
            throw KquantException.of("%s: holds sequences (samples, %d, %d) but the model takes vectors %s",
                    s.name(), s.timesteps(), s.features(), input);
        }
        if (s.features() != input.features()) {
            throw KquantException.of("%s: samples have %d features per timestep but the model takes %d",
                    s.name(), s.features(), input.features());
        }
        if (input.sequence() && input.knownLength() && s.timesteps() != input.timesteps()) {
            throw KquantException.of("%s: samples have %d timesteps but the model takes %d",
                    s.name(), s.timesteps(), input.timesteps());
        }
    }

    /**
     * Checks a chunk for NaN and infinity.
     *
     * @param values  samples {@code [start, start + n)} as read from {@code s}
     * @throws KquantException naming the first bad sample, timestep and feature
     */
    public static void checkFinite(float[] values, int start, SequenceSource s) {
        for (int k = 0; k < values.length; k++) {
            if (!Float.isFinite(values[k])) {
                int sample = start + k / s.sampleSize();
                int within = k % s.sampleSize();
                throw KquantException.of("%s: sample %d, timestep %d, feature %d is %s; the data must be finite",
                        s.name(), sample, within / s.features(), within % s.features(), values[k]);
            }
        }
    }
}
