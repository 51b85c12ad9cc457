package kquant;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON text for kquant's files: two-space indent and LF line ends on every machine, ending in a newline. */
public final class JsonText {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DefaultIndenter LINES = new DefaultIndenter("  ", "\n");

    private JsonText() {
        throw new AssertionError("No instances of JsonText");
    }

    /** The largest JSON file kquant reads: model configs, calibrations and normalizations are kilobytes to a few megabytes. */
    public static final long MAX_READ_BYTES = 256L << 20;

    /**
     * Reads a JSON file's text, refusing one too large to be what it claims (damaged or hostile)
     * before reading it.
     *
     * @param what  what the file should be, for the message: "model config", "calibration"
     */
    public static String read(Path file, String what) throws IOException {
        long size = Files.size(file);
        if (size > MAX_READ_BYTES) {
            throw KquantException.of("%s: %d bytes, far more than any %s; damaged?", file, size, what);
        }
        return Files.readString(file);
    }

    /** One object member and one array element per line: for files that are read and diffed line by line. */
    public static String pretty(JsonNode node) {
        return write(node, new DefaultPrettyPrinter().withObjectIndenter(LINES).withArrayIndenter(LINES));
    }

    /** One object member per line, arrays on one line ({@code [ 1, 2 ]}): for listings of values. */
    public static String prettyInlineArrays(JsonNode node) {
        return write(node, new DefaultPrettyPrinter().withObjectIndenter(LINES));
    }

    private static String write(JsonNode node, DefaultPrettyPrinter pp) {
        try {
            return JSON.writer(pp).writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
