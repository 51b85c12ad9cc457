package kquant.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import kquant.cli.Main;

/** Runs the command line in-process through the same factory {@code main} uses. */
public final class Cli {

    /** What one run printed and returned. */
    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
