package kquant.cli;

/** What kquant's exit codes mean; listed in {@code kquant --help}. */
public final class ExitCodes {

    /** The work is done. */
    public static final int OK = 0;
    /** Bad input or failed work; the one-line message names the file, layer or value at fault. */
    public static final int FAILED = 1;
    /** The command line is wrong (picocli's usage code). */
    public static final int USAGE = 2;
    /** A bug in kquant; rerun with --verbose for the stack trace. */
    public static final int INTERNAL = 3;

    private ExitCodes() {
        throw new AssertionError("No instances of ExitCodes");
    }
}
