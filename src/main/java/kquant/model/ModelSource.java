package kquant.model;

/**
 * Where a model came from, as its file says.
 *
 * @param file          the file name as the user gave it (no directories, so outputs stay portable)
 * @param format        "legacy HDF5", "Keras 3 .keras", or "weights-only HDF5 + JSON config"
 * @param kerasVersion  the {@code keras_version} the file records, or "unknown"
 * @param backend       the {@code backend} the file records, or "unknown"
 */
public record ModelSource(String file, String format, String kerasVersion, String backend) {

    /** The major Keras version (the number {@code kerasVersion} starts with), 2 when the file does not say. */
    public int kerasMajor() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)").matcher(kerasVersion);
        return m.find() ? Integer.parseInt(m.group(1)) : 2;
    }
}
