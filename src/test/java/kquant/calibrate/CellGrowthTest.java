package kquant.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kquant.fixed.Format;
import kquant.fixed.Scheme;
import org.junit.jupiter.api.Test;

/** The cell's growth per step and the length at which it leaves its format, on hand-checkable ranges. */
class CellGrowthTest {

    @Test
    void aSteadyGrowthIsExtrapolatedToTheFormatsEdge() {
        // max |c| 1..5 over 5 steps: +1 per step over the later half; Q12 in int16 holds 32767/4096 = 7.99976,
        // reached after 5 + (7.99976 - 5) / 1 = 7.99976 steps: sequences longer than 7 steps leave it
        CellGrowth g = CellGrowth.of("lstm/cell", new double[] {1, 2, 3, 4, 5}, Format.of(12), Scheme.Q15);
        assertEquals(1.0, g.perStep(), 1e-12);
        assertEquals(32767.0 / 4096, g.formatMax(), 1e-12);
        assertEquals(7, g.leavesAfter());
        assertNull(g.warningFor(5), "the calibration's own length");
        assertNull(g.warningFor(7), "still inside");
        assertNotNull(g.warningFor(8));
        assertTrue(g.warningFor(8).contains("lstm/cell") && g.warningFor(8).contains("after about 7 steps"), g.warningFor(8));
    }

    @Test
    void aCellThatSettlesDoesNotWarn() {
        CellGrowth g = CellGrowth.of("lstm/cell", new double[] {2, 3, 3, 2.9, 2.9}, Format.of(12), Scheme.Q15);
        assertEquals(0, g.perStep(), 0);
        assertEquals(-1, g.leavesAfter());
        assertNull(g.warningFor(1000));
        assertTrue(g.describe().contains("does not grow"), g.describe());
    }
}
