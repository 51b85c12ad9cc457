package kquant.target;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kquant.KquantException;
import kquant.export.Toolchain;

/**
 * Exact instruction counts for windows of a program run on the emulated Cortex-M4. qemu logs one
 * line per executed instruction; a window opens at the first instruction of a marker function
 * {@code kq_window_<name>} and closes at {@code kq_window_end}, and every instruction in between
 * is attributed, by its address and the ELF's symbol table, to the function it belongs to. The
 * markers' own instructions and those of {@code main} (the harness that makes the calls) are left
 * out, so a window counts exactly what the called API function executes, its callees included.
 */
public final class InstructionCounter {

    /** The marker functions' prefix, and the one that closes a window. */
    static final String MARKER = "kq_window_";
    static final String END = MARKER + "end";
    /** The harness that places the markers: not part of what is measured. */
    static final String HARNESS = "main";

    /** What one window name counted over all its openings. */
    public record Window(String name, long openings, Map<String, Long> byFunction) {

        /** Instructions over all openings. */
        public long total() {
            return byFunction.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Instructions per opening (per call of the API function). */
        public double perOpening() {
            return openings == 0 ? 0 : (double) total() / openings;
        }
    }

    /** A function's address range. */
    private record Symbol(long start, long end, String name) {
    }

    private final TreeMap<Long, Symbol> symbols = new TreeMap<>();
    private final Map<Long, String> markers = new HashMap<>();
    private final Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    private final Map<String, Long> openings = new LinkedHashMap<>();
    private final Map<Long, String> functionAt = new HashMap<>();
    private String open;

    private InstructionCounter(CortexM4 m4, Path elf) {
        String table = Toolchain.run(elf.getParent(), List.of(m4.nm().toString(), "-S", "--defined-only", elf.toString()), 60).output();
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && "tTwW".contains(f[2])) {
                long start = Long.parseLong(f[0], 16) & ~1L;
                long size = Long.parseLong(f[1], 16);
                symbols.put(start, new Symbol(start, start + size, f[3]));
                if (f[3].startsWith(MARKER)) {
                    markers.put(start, f[3].substring(MARKER.length()));
                }
            }
        }
        if (!markers.containsValue("end")) {
            throw KquantException.of("%s: has no %s() marker to count between", elf, END);
        }
    }

    /**
     * Runs {@code elf} with {@code args} on the emulated board and counts its windows.
     *
     * @return per window name, in the order they first opened
     * @throws KquantException when the program fails (its vectors did not match, for a checking main)
     */
    public static List<Window> count(CortexM4 m4, Path elf, List<String> args, long timeoutSeconds) {
        InstructionCounter c = new InstructionCounter(m4, elf);
        int exit = m4.trace(elf, args, c::accept, timeoutSeconds);
        if (exit != 0) {
            throw KquantException.of("%s: exited with code %d while counting instructions", elf, exit);
        }
        List<Window> windows = new ArrayList<>();
        for (Map.Entry<String, Map<String, Long>> e : c.counts.entrySet()) {
            windows.add(new Window(e.getKey(), c.openings.get(e.getKey()), Collections.unmodifiableMap(e.getValue())));
        }
        return windows;
    }

    /** One log line: "Trace 0: 0x7f... [cs_base/pc/flags/cflags] symbol". */
    private void accept(String line) {
        if (!line.startsWith("Trace ")) {
            return;
        }
        int bracket = line.indexOf('[');
        int slash = line.indexOf('/', bracket);
        int next = line.indexOf('/', slash + 1);
        if (bracket < 0 || slash < 0 || next < 0) {
            return;
        }
        long pc = Long.parseLong(line.substring(slash + 1, next), 16);
        String marker = markers.get(pc);
        if (marker != null) {
            if (marker.equals("end")) {
                open = null;
            } else {
                open = marker;
                openings.merge(marker, 1L, Long::sum);
                counts.computeIfAbsent(marker, k -> new LinkedHashMap<>());
            }
            return;
        }
        if (open == null) {
            return;
        }
        String function = functionAt.computeIfAbsent(pc, this::lookup);
        if (!function.startsWith(MARKER) && !function.equals(HARNESS)) {
            counts.get(open).merge(function, 1L, Long::sum);
        }
    }

    private String lookup(long pc) {
        Map.Entry<Long, Symbol> e = symbols.floorEntry(pc);
        return e != null && pc < e.getValue().end() ? e.getValue().name() : String.format("0x%x", pc);
    }
}
