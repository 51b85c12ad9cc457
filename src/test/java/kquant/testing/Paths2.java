package kquant.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where tests find the bundled demo and the shared keras-zoo (which may be absent). */
public final class Paths2 {

    private Paths2() {
    }

    /** The bundled demo, {@code calibration/demo/} in the repository. */
    public static Path demo(String file) {
        return Path.of("calibration", "demo", file);
    }

    /**
     * The keras-zoo folder beside the project ({@code ../shared/keras-zoo}), or {@code KQUANT_ZOO};
     * empty when neither exists, and tests that need it skip.
     */
    public static Optional<Path> zoo() {
        String env = System.getenv("KQUANT_ZOO");
        Path p = env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent().resolve("shared").resolve("keras-zoo");
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * The reference outputs beside the project ({@code ../shared/references}, see its README), or
     * {@code KQUANT_REFERENCES}; empty when neither exists, and tests that need it skip.
     */
    public static Optional<Path> references() {
        String env = System.getenv("KQUANT_REFERENCES");
        Path p = env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent().resolve("shared").resolve("references");
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }
}
