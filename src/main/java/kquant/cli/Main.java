package kquant.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import kquant.GeneratedText;
import kquant.KquantException;
import kquant.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command {@code kquant}: wires the subcommands, the error handling and the exit codes. */
@Command(name = "kquant",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = {
            "Runs a trained Keras recurrent model in Q15/Q7 integer arithmetic and exports bit-exact C.",
            "",
            "Examples (from the repository root):",
            "  kquant demo                                  calibrate, export, compile-check and report the bundled demo",
            "  kquant inspect calibration/demo/model.h5     layers, weights, MACs and the update equations",
            "  kquant calibrate calibration/demo/model.h5 --data calibration/demo/train_X.npy --out calibration/my-q15.json",
            ""},
        subcommands = {
            InspectCommand.class,
            PredictCommand.class,
            CalibrateCommand.class,
            CompareCommand.class,
            ExportCommand.class,
            ReportCommand.class,
            TraceCommand.class,
            DiffCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:bad input or failed work; the message names the file, layer or value",
            "2:usage error",
            "3:internal error (a bug); rerun with --verbose for the stack trace"})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of internal errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The command line with kquant's error handling, writing to {@code out} and {@code err}; tests use it too. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cmd = new CommandLine(main);
        // names from model files reach the terminal: none may carry an escape sequence there
        cmd.setOut(new PrintWriter(GeneratedText.terminal(out), true));
        cmd.setErr(new PrintWriter(GeneratedText.terminal(err), true));
        cmd.setUsageHelpWidth(120);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof KquantException) {
                commandLine.getErr().println("kquant: " + GeneratedText.oneLine(e.getMessage()));
                commandLine.getErr().flush();
                return ExitCodes.FAILED;
            }
            commandLine.getErr().println("kquant: internal error: " + GeneratedText.oneLine(e.toString()));
            if (main.verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return ExitCodes.INTERNAL;
        });
        return cmd;
    }

    public static void main(String[] args) {
        // the report draws its charts with AWT; no display is needed or wanted
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code;
        try {
            code = commandLine(out, err).execute(args);
        } catch (OutOfMemoryError e) {
            err.println("kquant: out of memory; give Java a larger heap, for example java -Xmx2g -jar kquant.jar ...");
            code = ExitCodes.FAILED;
        }
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Reads the version Maven stamped into the build. */
    public static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kquant " + Version.get()};
        }
    }
}
