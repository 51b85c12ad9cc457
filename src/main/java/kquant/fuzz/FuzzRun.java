package kquant.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kquant.AtomicFiles;

/**
 * A fuzz run as {@code kquant bench --fuzz N} and the test suite do it: the sources, N cases per
 * kind, the table of outcomes, and every case that is not allowed with its seed and index.
 */
public final class FuzzRun {

    /** Seconds a case may take before it counts as a hang. */
    public static final long TIME_LIMIT_SECONDS = 60;

    private FuzzRun() {
        throw new AssertionError("No instances of FuzzRun");
    }

    /**
     * Builds the standard sources (the demo's, and keras-zoo's when {@code zoo} is not null),
     * adds {@code extra}, runs {@code cases} per kind and prints the table.
     *
     * @param extra  more sources, built by the caller into {@code work} (the test suite's fixtures)
     * @return the report, for callers that assert on it
     */
    public static Fuzzer.Report run(PrintWriter out, Fuzzer.Runner runner, Path demoDir, Path calibration, Path zoo,
            List<Source> extra, int cases, long seed, Path work) throws IOException {
        Path base = Files.createDirectories(work.resolve("sources"));
        Sources sources = new Sources(base);
        List<Source> all = new ArrayList<>(sources.demo(demoDir, calibration, runner));
        if (zoo != null) {
            all.addAll(sources.zoo(zoo));
        }
        all.addAll(extra);
        Fuzzer fuzzer = new Fuzzer(runner, Files.createDirectories(work.resolve("cases")), TIME_LIMIT_SECONDS);
        for (Source s : all) {
            fuzzer.checkOriginal(s);
        }
        out.printf("%d sources%s; %d cases per kind, seed %d%n", all.size(), zoo == null ? " (no keras-zoo)" : "", cases, seed);
        out.flush();
        long start = System.nanoTime();
        Fuzzer.Report report = fuzzer.run(all, cases, seed);
        print(out, report);
        out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - start) / 1e9);
        out.flush();
        AtomicFiles.deleteTree(work.resolve("cases"));
        return report;
    }

    /** The table: one row per kind, one column per outcome; then the failures. */
    public static void print(PrintWriter out, Fuzzer.Report report) {
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-20s %6s", "kind", "cases"));
        for (Outcome o : Outcome.values()) {
            head.append(String.format(Locale.ROOT, " | %s", o.label));
        }
        out.println(head);
        EnumMap<Outcome, Integer> total = new EnumMap<>(Outcome.class);
        for (Map.Entry<String, EnumMap<Outcome, Integer>> row : report.counts().entrySet()) {
            out.println(row(row.getKey(), row.getValue()));
            row.getValue().forEach((o, n) -> total.merge(o, n, Integer::sum));
        }
        out.println(row("all", total));
        for (Fuzzer.Failure f : report.failures()) {
            out.println("FAILED: " + f);
        }
        out.println(report.passed() ? "PASS: no internal error, no hang, no damaged container accepted, no unclean refusal"
                : "FAIL: " + report.failures().size() + " cases (replay each from its seed and index)");
    }

    private static String row(String kind, EnumMap<Outcome, Integer> counts) {
        int cases = counts.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s %6d", kind, cases));
        for (Outcome o : Outcome.values()) {
            sb.append(String.format(Locale.ROOT, " | %" + o.label.length() + "d", counts.getOrDefault(o, 0)));
        }
        return sb.toString();
    }
}
