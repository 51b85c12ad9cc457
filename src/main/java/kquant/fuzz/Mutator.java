package kquant.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a real file. Case {@code index} of a source with seed {@code seed} is
 * always the same mutation, so a failing case is replayed from the two numbers: the even cases
 * cut the file at each block boundary in turn (line end, for text) until all are done, the
 * others draw one of: a cut at a random offset, bit flips, a run of bytes set to 0x00 or 0xFF, an edit of the header, and for
 * JSON a value changed to another type or to an extreme number.
 */
final class Mutator {

    /** A mutated file and what was done to it. */
    record Mutation(String description, byte[] bytes, boolean truncated, long[] changed) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] HEADER_BYTES = "0123456789 ,:'\"()[]{}<>|=-+.eLTFabcdfinrsu_\n\t\0".getBytes(StandardCharsets.ISO_8859_1);

    private Mutator() {
        throw new AssertionError("No instances of Mutator");
    }

    static Mutation mutate(Source s, long seed, int index) {
        byte[] b = s.original();
        if (index % 2 == 0 && index / 2 < s.boundaries().size()) {
            long at = s.boundaries().get(index / 2);
            return truncate(b, (int) at, "cut at boundary " + at);
        }
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + s.kind().hashCode());
        int op = r.nextInt(s.json() ? 7 : 6);
        switch (op) {
            case 0:
                int at = r.nextInt(b.length);
                return truncate(b, at, "cut at random offset " + at);
            case 1:
                return flips(b, r, 1 + r.nextInt(8));
            case 2:
            case 3:
                return run(b, r, op == 2 ? (byte) 0 : (byte) 0xFF);
            case 4:
            case 5:
                return headerEdit(b, r, (int) Math.max(1, Math.min(b.length, s.headerEnd())));
            default:
                return jsonEdit(b, r);
        }
    }

    private static Mutation truncate(byte[] b, int at, String what) {
        return new Mutation(what + " of " + b.length, Arrays.copyOf(b, at), true, new long[] {at});
    }

    private static Mutation flips(byte[] b, SplittableRandom r, int n) {
        byte[] m = b.clone();
        long[] at = new long[n];
        for (int k = 0; k < n; k++) {
            at[k] = r.nextInt(b.length);
            m[(int) at[k]] ^= (byte) (1 << r.nextInt(8));
        }
        return new Mutation(n + " bit flips at " + Arrays.toString(at), m, false, at);
    }

    private static Mutation run(byte[] b, SplittableRandom r, byte value) {
        byte[] m = b.clone();
        int from = r.nextInt(b.length);
        int to = Math.min(b.length, from + 1 + r.nextInt(64));
        Arrays.fill(m, from, to, value);
        return new Mutation(String.format(Locale.ROOT, "bytes %d to %d set to 0x%02X", from, to, value & 0xff), m, false, range(from, to));
    }

    /** One to four bytes of the header set to characters headers are made of. */
    private static Mutation headerEdit(byte[] b, SplittableRandom r, int headerEnd) {
        byte[] m = b.clone();
        int n = 1 + r.nextInt(4);
        long[] at = new long[n];
        for (int k = 0; k < n; k++) {
            at[k] = r.nextInt(headerEnd);
            m[(int) at[k]] = HEADER_BYTES[r.nextInt(HEADER_BYTES.length)];
        }
        return new Mutation("header bytes " + Arrays.toString(at) + " edited", m, false, at);
    }

    /** One value of the JSON tree replaced by another type or an extreme number, or one key removed. */
    private static Mutation jsonEdit(byte[] b, SplittableRandom r) {
        JsonNode root;
        try {
            root = JSON.readTree(b);
        } catch (java.io.IOException e) {
            return flips(b, r, 1);
        }
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode parent = containers.get(r.nextInt(containers.size()));
        String[] replacements = {"null", "true", "\"text\"", "[]", "{}", "0", "-1", "1e308", "-1e308", "1e999", "2147483648",
            "-2147483649", "9223372036854775808", "1e-320", "0.5", "\"\"", "[[[[[[[[[[]]]]]]]]]]", "\"\\u0000\\n*/\""};
        String replacement = replacements[r.nextInt(replacements.length)];
        String what;
        try {
            JsonNode value = JSON.readTree(replacement);
            if (parent instanceof ObjectNode o && o.size() > 0) {
                String key = fieldNames(o).get(r.nextInt(o.size()));
                if (r.nextInt(8) == 0) {
                    o.remove(key);
                    what = "key " + key + " removed";
                } else {
                    o.set(key, value);
                    what = "value of " + key + " set to " + replacement;
                }
            } else if (parent instanceof ArrayNode a && a.size() > 0) {
                int i = r.nextInt(a.size());
                a.set(i, value);
                what = "element " + i + " set to " + replacement;
            } else {
                return flips(b, r, 1);
            }
            byte[] m = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
            return new Mutation("JSON " + what, m, false, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode() && n.size() > 0) {
            out.add(n);
            for (JsonNode c : n) {
                collect(c, out);
            }
        }
    }

    private static List<String> fieldNames(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long[] range(int from, int to) {
        long[] at = new long[to - from];
        for (int i = 0; i < at.length; i++) {
            at[i] = from + i;
        }
        return at;
    }
}
