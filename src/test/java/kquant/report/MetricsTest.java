package kquant.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The metrics on cases whose answers are known in closed form. */
class MetricsTest {

    private static double[] ramp(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = i - (n - 1) / 2.0; // -1.5, -0.5, 0.5, 1.5 for n = 4
        }
        return r;
    }

    @Test
    void aConstantOffset() {
        double[] ref = ramp(4);               // Σ ref² = 2.25 + 0.25 + 0.25 + 2.25 = 5
        double[] act = new double[4];
        for (int i = 0; i < 4; i++) {
            act[i] = ref[i] + 0.25;
        }
        Metrics m = Metrics.of(ref, act);
        assertEquals(0.25, m.rmse(), 1e-15);
        assertEquals(0.25, m.mae(), 1e-15);
        assertEquals(0.25, m.maxAbs(), 1e-15);
        assertEquals(10 * Math.log10(5 / (4 * 0.0625)), m.sqnrDb(), 1e-12);  // 10 log10(20) = 13.0103 dB
        assertEquals(Math.sqrt(0.25 / 5), m.relativeL2(), 1e-15);
        // act · ref = Σ ref² + 0.25 Σ ref = 5; |act|² = 5 + 2·0.25·0 + 4·0.0625 = 5.25
        assertEquals(5 / Math.sqrt(5.25 * 5), m.cosine(), 1e-15);
    }

    @Test
    void alternatingNoiseOfKnownPower() {
        int n = 10_000;
        double[] ref = new double[n];
        double[] act = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = Math.sin(i * 0.01) * 2;
            act[i] = ref[i] + (i % 2 == 0 ? 0.01 : -0.01);   // noise of RMS exactly 0.01
        }
        Metrics m = Metrics.of(ref, act);
        assertEquals(0.01, m.rmse(), 1e-12);
        assertEquals(0.01, m.mae(), 1e-12);
        double signal = 0;
        for (double r : ref) {
            signal += r * r;
        }
        assertEquals(10 * Math.log10(signal / (n * 1e-4)), m.sqnrDb(), 1e-9);
    }

    @Test
    void aScaledCopyHasCosineOneAndEqualIsExact() {
        double[] ref = ramp(6);
        double[] scaled = new double[6];
        for (int i = 0; i < 6; i++) {
            scaled[i] = ref[i] * 1.5;
        }
        assertEquals(1.0, Metrics.of(ref, scaled).cosine(), 1e-15);
        assertEquals(0.5, Metrics.of(ref, scaled).relativeL2(), 1e-15);
        Metrics same = Metrics.of(ref, ref.clone());
        assertTrue(Double.isInfinite(same.sqnrDb()) && same.rmse() == 0);
    }
}
