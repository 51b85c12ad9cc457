package kquant.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kquant.KquantException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counter against code of known count: src/test/c/count_check.c's assembly loop executes
 * exactly 6 n + 1 instructions (an IT block with one skipped instruction in every pass), and its
 * caller 3 more. Skips with a message where the Arm toolchain or qemu-system-arm is missing.
 */
class InstructionCounterTest {

    @TempDir
    Path dir;

    private Path build(CortexM4 m4) throws IOException {
        Files.copy(Path.of("src", "test", "c", "count_check.c"), dir.resolve("count_check.c"));
        return m4.build(dir, List.of("count_check.c"), List.of("-O2"), "count_check.elf");
    }

    private static CortexM4 m4() {
        Optional<CortexM4> m4 = CortexM4.find();
        assumeTrue(m4.isPresent(), () -> "skipping the instruction counter: " + CortexM4.missing());
        return m4.get();
    }

    @Test
    void countsAKnownLoopExactlyForEveryLength() throws IOException {
        CortexM4 m4 = m4();
        Path elf = build(m4);
        for (int n : new int[] {1, 2, 9, 300}) {
            List<InstructionCounter.Window> w = InstructionCounter.count(m4, elf, List.of(Integer.toString(n)), 120);
            assertEquals(List.of("loop", "call"), w.stream().map(InstructionCounter.Window::name).toList());
            InstructionCounter.Window loop = w.get(0);
            InstructionCounter.Window call = w.get(1);
            assertEquals(2, loop.openings());
            assertEquals(Map.of("kq_known_loop", 2L * (6L * n + 1)), loop.byFunction(), "n = " + n);
            assertEquals(6.0 * n + 1, loop.perOpening());
            // the caller's own instructions go to it, its callee's to the callee; main's call is left out
            assertEquals(Map.of("kq_known_loop", 2L * (6L * n + 1), "kq_known_call", 6L), call.byFunction(), "n = " + n);
        }
    }

    @Test
    void aProgramWithoutMarkersIsRefusedByName() throws IOException {
        CortexM4 m4 = m4();
        Files.writeString(dir.resolve("plain.c"), "int main(void)\n{\n    return 0;\n}\n");
        Path elf = m4.build(dir, List.of("plain.c"), List.of("-O2"), "plain.elf");
        KquantException e = assertThrows(KquantException.class, () -> InstructionCounter.count(m4, elf, List.of(), 60));
        assertTrue(e.getMessage().contains("plain.elf") && e.getMessage().contains("kq_window_end"), e.getMessage());
    }
}
