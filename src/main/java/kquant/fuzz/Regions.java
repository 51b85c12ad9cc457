package kquant.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * What the bytes of an original file are, so that a mutated file's different answer can be
 * explained: {@link Type#FLOAT_DATA} (the values of an array), {@link Type#VALUE} (text that
 * states a value: a config, a header field, a name) or, everywhere else, {@link Type#STRUCTURE}.
 */
final class Regions {

    enum Type { STRUCTURE, VALUE, FLOAT_DATA }

    private record Region(long from, long to, Type type) {
    }

    private final List<Region> regions = new ArrayList<>();

    /** Marks {@code [from, to)}; a later mark wins where marks overlap. */
    Regions mark(long from, long to, Type type) {
        regions.add(new Region(from, to, type));
        return this;
    }

    Type at(long offset) {
        Type t = Type.STRUCTURE;
        for (Region r : regions) {
            if (offset >= r.from && offset < r.to) {
                t = r.type;
            }
        }
        return t;
    }

    /**
     * The least explained type among {@code offsets}: STRUCTURE if any is structure, else VALUE
     * if any is a value, else FLOAT_DATA.
     */
    Type worst(long[] offsets) {
        Type worst = Type.FLOAT_DATA;
        for (long o : offsets) {
            Type t = at(o);
            if (t.ordinal() < worst.ordinal()) {
                worst = t;
            }
        }
        return worst;
    }

    /** Marks every occurrence of {@code needle} in {@code haystack}. */
    Regions markAll(byte[] haystack, byte[] needle, Type type) {
        if (needle.length < 2) {
            return this;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            mark(i, i + needle.length, type);
        }
        return this;
    }
}
