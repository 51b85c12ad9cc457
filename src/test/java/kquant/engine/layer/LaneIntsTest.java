package kquant.engine.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import kquant.fixed.Storage;
import org.junit.jupiter.api.Test;

/**
 * The block engine's exact dot products against a plain int64 sum written here, on the codes that
 * stress them most: int16 weights and inputs at their extremes (-32768 included), whose sums need
 * int64, so the plan runs them in doubles; int8 weights, which run in int32; every length from 0 to 70
 * inputs, and lane counts that are not multiples of any vector width.
 */
class LaneIntsTest {

    @Test
    void everyPlanSumsExactly() {
        Random r = new Random(5);
        int inDouble = 0;
        int inInt32 = 0;
        for (Storage weights : new Storage[] {Storage.INT16, Storage.INT8}) {
            for (int inputs = 0; inputs <= 70; inputs += inputs < 10 ? 1 : 7) {
                int rows = 1 + r.nextInt(6);
                int n = 1 + r.nextInt(37);
                int[] w = new int[rows * inputs];
                for (int i = 0; i < w.length; i++) {
                    w[i] = extreme(weights, r);
                }
                int[][] x = new int[inputs][n];
                for (int[] row : x) {
                    for (int s = 0; s < n; s++) {
                        row[s] = extreme(Storage.INT16, r);
                    }
                }
                LaneInts.Plan plan = LaneInts.Plan.of(w, rows, inputs, Storage.INT16);
                inDouble += plan.inDouble != null ? 1 : 0;
                inInt32 += plan.inDouble == null ? 1 : 0;
                long[][] acc = new long[rows + 1][n];
                LaneInts.matvec(x, 0, plan, 0, rows, acc, 1, new int[n], n);
                for (int j = 0; j < rows; j++) {
                    for (int s = 0; s < n; s++) {
                        long expected = 0;
                        for (int i = 0; i < inputs; i++) {
                            expected += (long) x[i][s] * w[j * inputs + i];
                        }
                        assertEquals(expected, acc[j + 1][s], weights + " " + inputs + " inputs, row " + j + ", lane " + s);
                    }
                }
            }
        }
        assertTrue(inDouble > 0 && inInt32 > 0, "both ways were taken: " + inDouble + " in doubles, " + inInt32 + " in int32");
    }

    /** Mostly the extremes of the type, sometimes anything in it. */
    private static int extreme(Storage type, Random r) {
        switch (r.nextInt(4)) {
            case 0: return type.minCode();
            case 1: return type.maxCode();
            default: return type.minCode() + r.nextInt(type.maxCode() - type.minCode() + 1);
        }
    }
}
