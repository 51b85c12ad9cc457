package kquant.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz suite: seeded mutations of real files of every input kind (the demo's, the test
 * fixtures' in every layout, and keras-zoo's when present) run through the commands that read
 * them. It passes with no internal error, no hang, no unclean refusal and no damaged container
 * accepted.
 *
 * <p>Short mode by default; {@code -Dkquant.fuzz.cases=10000} is the long mode
 * ({@code kquant bench --fuzz 10000} does the same on the demo and keras-zoo). A failing case
 * prints its seed and index; {@code -Dkquant.fuzz.seed=S -Dkquant.fuzz.replay=FILE:INDEX} runs it alone.
 */
class FuzzTest {

    @TempDir
    Path dir;

    private static final int CASES = Integer.getInteger("kquant.fuzz.cases", 200);
    private static final long SEED = Long.getLong("kquant.fuzz.seed", 1);
    private static final Path CALIBRATION = Path.of("calibration", "demo-q15.json");

    static Fuzzer.Result run(String... args) {
        Cli.Result r = Cli.run(args);
        return new Fuzzer.Result(r.code(), r.out(), r.err());
    }

    /** Fixtures for the layouts the demo and keras-zoo do not have: a .keras zip, Keras 2 and 3 weights-only files. */
    private List<Source> fixtures(Sources sources) throws IOException {
        List<Source> out = new ArrayList<>();
        Object[][] layouts = {
            {"keras zip", KerasFixtures.Layout.KERAS_ZIP},
            {"hdf5 weights-only", KerasFixtures.Layout.WEIGHTS_K2},
            {"hdf5 weights-only", KerasFixtures.Layout.WEIGHTS_K3}};
        for (Object[] l : layouts) {
            Random r = new Random(21);
            KerasFixtures.Files2 f = KerasFixtures.write(dir.resolve("fixtures"), "fx_" + l[1].toString().toLowerCase(),
                    (KerasFixtures.Layout) l[1], new int[] {5, 3}, List.of(FixtureLayer.simpleRnn("rnn", 3, 8, "tanh", true, r,
                            "return_sequences", true), FixtureLayer.simpleRnn("rnn_2", 8, 6, "selu", true, r),
                            FixtureLayer.dense("out", 6, 2, "linear", true, r)));
            out.add(sources.model((String) l[0], f.model(), f.config(), null));
        }
        return out;
    }

    @Test
    void mutatedFilesOfEveryKindAreRefusedCleanlyOrExplained() throws IOException {
        Path work = dir.resolve("work");
        Sources sources = new Sources(Files.createDirectories(dir.resolve("fixture-sources")));
        List<Source> extra = fixtures(sources);
        String replay = System.getProperty("kquant.fuzz.replay");
        if (replay != null) {
            replay(replay, extra, work);
            return;
        }
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text, true);
        Fuzzer.Report report = FuzzRun.run(out, FuzzTest::run, Paths2.demo(""), CALIBRATION,
                Paths2.zoo().orElse(null), extra, CASES, SEED, work);
        System.out.print(text);
        assertTrue(report.passed(), text + "\nreplay one with: mvn -B test -Dtest=FuzzTest -Dkquant.fuzz.seed=" + SEED
                + " -Dkquant.fuzz.replay=FILE:INDEX");
    }

    /**
     * Runs one case, named {@code FILE:INDEX} as a failure prints it, prints what happened and
     * keeps the mutated file as {@code target/kquant-fuzz-replay-FILE} to look at.
     */
    private void replay(String which, List<Source> extra, Path work) throws IOException {
        String file = which.substring(0, which.lastIndexOf(':'));
        int index = Integer.parseInt(which.substring(which.lastIndexOf(':') + 1));
        Sources sources = new Sources(Files.createDirectories(work.resolve("sources")));
        List<Source> all = new ArrayList<>(sources.demo(Paths2.demo(""), CALIBRATION, FuzzTest::run));
        if (Paths2.zoo().isPresent()) {
            all.addAll(sources.zoo(Paths2.zoo().get()));
        }
        all.addAll(extra);
        Fuzzer fuzzer = new Fuzzer(FuzzTest::run, Files.createDirectories(work.resolve("cases")), FuzzRun.TIME_LIMIT_SECONDS);
        Source s = all.stream().filter(x -> x.fileName().equals(file)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no source file " + file));
        Mutator.Mutation m = Mutator.mutate(s, SEED, index);
        Files.write(Path.of("target", "kquant-fuzz-replay-" + file), m.bytes());
        Fuzzer.Failure f = fuzzer.replay(s, SEED, index);
        System.out.println(s.kind() + " " + file + " seed " + SEED + " index " + index + ": " + m.description() + " -> "
                + (f == null ? "allowed" : f.toString()));
        assertTrue(f == null, String.valueOf(f));
    }
}
