package kquant.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The LSTM and GRU references in ../shared/references (see its README): eight models, their inputs,
 * and the outputs, states and cells computed outside Java. Tests that use them skip cleanly when
 * ../shared is absent.
 */
public final class RecurrentReferences {

    /** The one array whose float32 engines drift past 1e-5 (README, "Tolerances to expect"). */
    public static final String DRIFTING_ARRAY = "zoo/gru2x_dropout_resetafter_k2.13.1_tf states_gru_1";

    private RecurrentReferences() {
    }

    /** A model, its input and its reference arrays by name ("y", "states_gru", "cells_lstm"...). */
    public record Case(String name, Path model, Path config, Path x, Map<String, Path> expected) {
    }

    static Path references() {
        assumeTrue(Paths2.references().isPresent() && Paths2.zoo().isPresent(),
                "../shared/references or ../shared/keras-zoo is absent: skipping the LSTM/GRU reference tests");
        return Paths2.references().get();
    }

    public static List<Case> cases() throws IOException {
        Path refs = references();
        Path zoo = Paths2.zoo().get();
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(refs.resolve("zoo"))) {
            for (Path dir : dirs.sorted().toList()) {
                String stem = dir.getFileName().toString();
                Path model = Stream.of(".h5", ".keras", ".weights.h5").map(e -> zoo.resolve(stem + e))
                        .filter(Files::isRegularFile).findFirst().orElseThrow(() -> new AssertionError("no zoo file for " + stem));
                Path config = dir.resolve("config.json");
                cases.add(new Case("zoo/" + stem, model, Files.exists(config) ? config : null, dir.resolve("x.npy"),
                        expected(dir, "")));
            }
        }
        for (String[] s : new String[][] {{"seattle_lstm", "model.h5"}, {"seattle_gru", "model.h5"},
                {"seattle_lstm_keras3", "seattle_lstm.keras"}}) {
            Path dir = refs.resolve(s[0]);
            cases.add(new Case(s[0], dir.resolve(s[1]), null, dir.resolve("test_X.npy"), expected(dir, "reference_test_")));
        }
        return cases;
    }

    /** {@code <prefix>Y.npy} or {@code y.npy} as "y", {@code <prefix>states_<layer>.npy} and {@code <prefix>cells_<layer>.npy}. */
    private static Map<String, Path> expected(Path dir, String prefix) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (!n.startsWith(prefix) || !n.endsWith(".npy")) {
                    continue;
                }
                String key = n.substring(prefix.length(), n.length() - 4);
                if (key.equalsIgnoreCase("y") || key.startsWith("states_") || key.startsWith("cells_")) {
                    out.put(key.equalsIgnoreCase("y") ? "y" : key, f);
                }
            }
        }
        return out;
    }

    /** True for a reference taken from numpy float64 (the README's "numpy float64" rows), false for tfjs's float32. */
    public static boolean fromFloat64(Case c) {
        return c.name().contains("resetafter") || c.name().contains("gru5x") || c.name().equals("seattle_gru");
    }
}
