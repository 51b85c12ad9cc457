package kquant.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kquant.AtomicFiles;

/**
 * Runs mutated copies of real files through the commands that read them and counts what
 * happens (see {@link Outcome}). Each case runs in the same process, in a fresh folder, under a
 * time limit; a case that is not allowed is kept with its seed and index, from which
 * {@link #replay} rebuilds it exactly.
 */
public final class Fuzzer {

    /** Runs one kquant command line in process. */
    public interface Runner {
        Result run(String... args);
    }

    /** What one command line printed and returned. */
    public record Result(int code, String out, String err) {
    }

    /** A case whose outcome is not allowed, with what replays it. */
    public record Failure(String kind, String file, long seed, int index, String mutation, Outcome outcome, String detail) {
        @Override
        public String toString() {
            return String.format("%s (%s) seed %d index %d: %s: %s%n    %s", kind, file, seed, index, mutation, outcome.label, detail);
        }
    }

    /** Counts per kind and outcome, and the failures. */
    public record Report(Map<String, EnumMap<Outcome, Integer>> counts, List<Failure> failures) {

        public boolean passed() {
            return failures.isEmpty();
        }
    }

    private final Runner runner;
    private final Path work;
    private final long timeLimitSeconds;
    private ExecutorService executor = newExecutor();

    /**
     * @param work              a folder for the cases' files, emptied as the run goes
     * @param timeLimitSeconds  a case running longer counts as a hang
     */
    public Fuzzer(Runner runner, Path work, long timeLimitSeconds) {
        this.runner = runner;
        this.work = work;
        this.timeLimitSeconds = timeLimitSeconds;
    }

    /** Runs {@code cases} mutations of every kind, spread over each kind's sources. */
    public Report run(List<Source> sources, int cases, long seed) throws IOException {
        Map<String, List<Source>> byKind = new LinkedHashMap<>();
        for (Source s : sources) {
            byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(s);
        }
        Map<String, EnumMap<Outcome, Integer>> counts = new LinkedHashMap<>();
        List<Failure> failures = new ArrayList<>();
        for (Map.Entry<String, List<Source>> kind : byKind.entrySet()) {
            EnumMap<Outcome, Integer> c = new EnumMap<>(Outcome.class);
            List<Source> list = kind.getValue();
            for (int i = 0; i < cases; i++) {
                Source s = list.get(i % list.size());
                int index = i / list.size();
                Case result = runCase(s, seed, index);
                c.merge(result.outcome(), 1, Integer::sum);
                if (result.failure() != null) {
                    failures.add(result.failure());
                }
            }
            counts.put(kind.getKey(), c);
        }
        executor.shutdownNow();
        return new Report(counts, failures);
    }

    /** Runs case {@code index} of {@code s} again; returns its failure, or null when its outcome is allowed. */
    public Failure replay(Source s, long seed, int index) throws IOException {
        return runCase(s, seed, index).failure();
    }

    /** One case's outcome, and its failure when the outcome is not allowed. */
    private record Case(Outcome outcome, Failure failure) {
    }

    private Case runCase(Source s, long seed, int index) throws IOException {
        Mutator.Mutation m = Mutator.mutate(s, seed, index);
        Path dir = Files.createTempDirectory(work, "case");
        try {
            Path input = dir.resolve(s.fileName());
            Files.write(input, m.bytes());
            Path out = dir.resolve("out");
            Future<Result> future = executor.submit(() -> runner.run(s.command().args(input, out)));
            Result r;
            try {
                r = future.get(timeLimitSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                executor.shutdownNow();
                executor = newExecutor();
                return failure(s, seed, index, m, Outcome.HANG, "no answer in " + timeLimitSeconds + " s");
            } catch (java.util.concurrent.ExecutionException e) {
                return failure(s, seed, index, m, Outcome.INTERNAL_ERROR, String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            Outcome o = classify(s, m, r, dir, input, out);
            String detail = r.err().isBlank() ? r.out().lines().findFirst().orElse("") : r.err().strip();
            return o.allowed ? new Case(o, null) : failure(s, seed, index, m, o, "exit " + r.code() + ": " + detail);
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    private Outcome classify(Source s, Mutator.Mutation m, Result r, Path dir, Path input, Path out) throws IOException {
        if (r.code() == 1) {
            String err = r.err().strip();
            boolean clean = !err.contains("\n") && err.startsWith("kquant: ") && r.out().isEmpty() && onlyInput(dir, input);
            return clean ? Outcome.REFUSED : Outcome.UNCLEAN_REFUSAL;
        }
        if (r.code() != 0) {
            return Outcome.INTERNAL_ERROR;
        }
        if (m.truncated() && s.container()) {
            return Outcome.DAMAGE_ACCEPTED;
        }
        if (Arrays.equals(answer(s, r, out), reference(s))) {
            return Outcome.SAME;
        }
        if (m.changed() == null || m.truncated()) {
            return s.container() ? Outcome.DAMAGE_ACCEPTED : Outcome.VALUES;
        }
        Regions.Type worst = s.regions().worst(m.changed());
        if (worst != Regions.Type.FLOAT_DATA && sameWith(s, m, Regions.Type.VALUE)) {
            // the changes to structure and values alone change nothing: the float data explains the answer
            return Outcome.FLOAT_DATA;
        }
        if (worst == Regions.Type.STRUCTURE && sameWith(s, m, Regions.Type.STRUCTURE)) {
            // the changes to the structure alone change nothing: the values explain the answer
            return Outcome.VALUES;
        }
        switch (worst) {
            case FLOAT_DATA:
                return Outcome.FLOAT_DATA;
            case VALUE:
                return Outcome.VALUES;
            default:
                return Outcome.DAMAGE_ACCEPTED;
        }
    }

    /**
     * Whether the mutation, keeping only its changes to bytes of {@code kept} or a less explained
     * type (structure, then values), gives the original's answer.
     */
    private boolean sameWith(Source s, Mutator.Mutation m, Regions.Type kept) throws IOException {
        byte[] b = m.bytes().clone();
        boolean undone = false;
        for (long o : m.changed()) {
            if (s.regions().at(o).ordinal() > kept.ordinal()) {
                b[(int) o] = s.original()[(int) o];
                undone = true;
            }
        }
        if (!undone) {
            return false;
        }
        Path dir = Files.createTempDirectory(work, "rest");
        try {
            Path input = dir.resolve(s.fileName());
            Files.write(input, b);
            Path out = dir.resolve("out");
            Result r = runner.run(s.command().args(input, out));
            return r.code() == 0 && Arrays.equals(answer(s, r, out), reference(s));
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    private final Map<Source, byte[]> references = new java.util.HashMap<>();

    /** The original's answer, computed once per source. */
    private byte[] reference(Source s) throws IOException {
        byte[] cached = references.get(s);
        if (cached != null) {
            return cached;
        }
        Path dir = Files.createTempDirectory(work, "original");
        try {
            Path input = dir.resolve(s.fileName());
            Files.write(input, s.original());
            Path out = dir.resolve("out");
            Result r = runner.run(s.command().args(input, out));
            if (r.code() != 0) {
                throw new IllegalStateException(s.kind() + " (" + s.fileName() + "): the original fails: " + r.err().strip());
            }
            byte[] answer = answer(s, r, out);
            references.put(s, answer);
            return answer;
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    /** Checks that the original runs, so that a source that cannot is reported before the run. */
    public void checkOriginal(Source s) throws IOException {
        reference(s);
    }

    private static byte[] answer(Source s, Result r, Path out) throws IOException {
        if (s.command().answerFile() == null) {
            return r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        Path f = out.resolve(s.command().answerFile());
        return Files.isRegularFile(f) ? Files.readAllBytes(f) : new byte[0];
    }

    private static boolean onlyInput(Path dir, Path input) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.allMatch(p -> p.equals(dir) || p.equals(input));
        }
    }

    private static Case failure(Source s, long seed, int index, Mutator.Mutation m, Outcome o, String detail) {
        return new Case(o, new Failure(s.kind(), s.fileName(), seed, index, m.description(), o, detail));
    }

    private static ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kquant-fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }
}
