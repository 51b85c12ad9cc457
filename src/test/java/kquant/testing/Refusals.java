package kquant.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What every refusal must be: exit 1, one line on stderr naming the fault, no stack trace, nothing written. */
public final class Refusals {

    private Refusals() {
    }

    /**
     * @param dir       the folder outputs would go to: nothing named {@code out*}, and no hidden temporary, may be in it
     * @param expected  texts the message must hold
     */
    public static void assertRefused(Cli.Result r, Path dir, String... expected) throws IOException {
        assertEquals(1, r.code(), r.toString());
        assertEquals("", r.out().trim(), "nothing on stdout");
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("kquant: "), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String e : expected) {
            assertTrue(err.contains(e), "'" + e + "' missing from: " + err);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.map(p -> p.getFileName().toString()).noneMatch(n -> n.startsWith("out") || n.startsWith(".")),
                    "nothing written");
        }
    }
}
