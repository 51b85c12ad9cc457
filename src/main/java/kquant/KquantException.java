package kquant;

/**
 * The one exception kquant throws for bad input or failed work.
 *
 * <p>Its message is a single line that names the thing at fault: the file, the layer, the tensor
 * or the value. The CLI prints the message and nothing else (no stack trace) and exits with 1.
 * Unchecked, like jhdf's {@code HdfException}, so callers are not forced to catch what they
 * cannot fix.
 */
public class KquantException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KquantException(String message) {
        super(message);
    }

    public KquantException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Builds the message with {@link String#format}. */
    public static KquantException of(String format, Object... args) {
        return new KquantException(String.format(java.util.Locale.ROOT, format, args));
    }
}
