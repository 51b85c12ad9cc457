package kquant.engine.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import kquant.model.Activation;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fast float32 activations give, bit for bit, what the one-sample definition gives
 * ({@code (float) act.apply((double) z)}, StrictMath inside): over every 1,024th float32 bit
 * pattern (NaN, infinities, subnormals and every exponent included, about 4 million values per
 * activation), and every float32 in [-0.01, 0.01] whose bits are a multiple of 4,096 (where e^x - 1
 * cancels).
 */
class Float32ActivationsTest {

    @TestFactory
    Stream<DynamicTest> equalToStrictMathBitForBit() {
        return Stream.of(Activation.SELU, Activation.ELU, Activation.TANH, Activation.SIGMOID, Activation.SWISH)
                .map(a -> DynamicTest.dynamicTest(a.name(), () -> {
                    float[] z = new float[1 << 16];
                    float[] out = new float[z.length];
                    long checked = 0;
                    int n = 0;
                    for (long bits = 0; bits <= 0xffffffffL; bits += 1024) {
                        z[n++] = Float.intBitsToFloat((int) bits);
                        if (n == z.length) {
                            checked += check(a, z, out, n);
                            n = 0;
                        }
                    }
                    for (int bits = Float.floatToIntBits(0.01f); bits >= 0; bits -= 4096) {
                        for (float v : new float[] {Float.intBitsToFloat(bits), -Float.intBitsToFloat(bits)}) {
                            z[n++] = v;
                            if (n == z.length) {
                                checked += check(a, z, out, n);
                                n = 0;
                            }
                        }
                    }
                    checked += check(a, z, out, n);
                    System.out.printf("%s: %d values equal to StrictMath's%n", a, checked);
                }));
    }

    private static int check(Activation a, float[] z, float[] out, int n) {
        // in rows of the engine's width, as the engine calls it
        for (int from = 0; from < n; from += 128) {
            int m = Math.min(128, n - from);
            float[] row = java.util.Arrays.copyOfRange(z, from, from + m);
            float[] y = new float[m];
            Float32Activations.apply(a, row, y, m);
            System.arraycopy(y, 0, out, from, m);
        }
        for (int i = 0; i < n; i++) {
            float expected = (float) a.apply(z[i]);
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[i]),
                    () -> a + "(" + z[0] + "...): fast and StrictMath differ");
        }
        return n;
    }
}
