package kquant.fixed;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inputs for the property tests of the integer helpers: the edges of a range (its ends, 0, ±1,
 * powers of two and their neighbours) followed by seeded random values, so every run checks the
 * same cases and a failure names the input that broke.
 */
final class Cases {

    private Cases() {
    }

    /** Edge values within [min, max], then {@code random} uniform values, seeded. */
    static long[] longs(long min, long max, int random, long seed) {
        List<Long> v = new ArrayList<>();
        for (long e : new long[] {min, max, 0, 1, -1, min + 1, max - 1}) {
            add(v, e, min, max);
        }
        for (int b = 0; b < 63; b++) {
            for (long e : new long[] {1L << b, (1L << b) - 1, (1L << b) + 1, -(1L << b), -(1L << b) - 1, -(1L << b) + 1}) {
                add(v, e, min, max);
            }
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < random; i++) {
            // uniform over the range, and half of the time uniform in magnitude (small values too)
            long x = i % 2 == 0 ? r.nextLong(min, max == Long.MAX_VALUE ? max : max + 1)
                    : (long) (Math.signum(r.nextDouble() - 0.5) * Math.pow(2, r.nextDouble() * 62));
            add(v, x, min, max);
        }
        return v.stream().mapToLong(Long::longValue).toArray();
    }

    private static void add(List<Long> v, long x, long min, long max) {
        if (x >= min && x <= max) {
            v.add(x);
        }
    }

    static int[] ints(int min, int max, int random, long seed) {
        return java.util.Arrays.stream(longs(min, max, random, seed)).mapToInt(x -> (int) x).toArray();
    }
}
