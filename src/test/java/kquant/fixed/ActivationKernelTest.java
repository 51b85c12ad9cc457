package kquant.fixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import kquant.fixed.ActivationKernel.Kind;
import kquant.fixed.Storage;
import kquant.fixed.Fixed;
import kquant.fixed.ActivationKernel;
import kquant.fixed.Format;
import kquant.fixed.Formats;
import kquant.fixed.Scheme;
import kquant.fixed.QuantizedModel;
import kquant.fixtures.NaiveKeras;
import kquant.model.Activation;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every activation kernel against the closed form on every input code: the test computes the
 * exact value itself (textbook formulas with Math, {@link NaiveKeras#act}), independently of the
 * kernel's own error measurement.
 */
class ActivationKernelTest {

    /** Math and StrictMath may differ in the last ulp; in LSB units that is far below this. */
    private static final double SLACK = 1e-6;

    private static final Activation[] ALL = {Activation.SELU, Activation.ELU, Activation.TANH, Activation.SIGMOID,
        Activation.HARD_SIGMOID, Activation.HARD_SIGMOID_KERAS3, Activation.SOFTSIGN, Activation.SOFTPLUS, Activation.SWISH,
        Activation.GELU, Activation.EXPONENTIAL, Activation.RELU, Activation.LINEAR};

    private static double exact(Activation a, int z, int fIn, int fOut) {
        String name = a == Activation.HARD_SIGMOID_KERAS3 ? "hard_sigmoid" : a.kerasName();
        return NaiveKeras.act(name, z * Math.pow(2, -fIn), a == Activation.HARD_SIGMOID_KERAS3 ? 3 : 2) * Math.pow(2, fOut);
    }

    /** Typical formats: a pre-activation with range ±8 and an output with the range the function needs. */
    private static int fOut(Activation a, Storage t) {
        boolean unit = a == Activation.TANH || a == Activation.SIGMOID || a == Activation.HARD_SIGMOID
                || a == Activation.HARD_SIGMOID_KERAS3 || a == Activation.SOFTSIGN;
        return t.bits() - 1 - (unit ? 0 : 3);
    }

    @TestFactory
    Stream<DynamicTest> everyCodeIsWithinTheBoundOfTheClosedForm() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Activation a : ALL) {
            for (Storage t : Storage.values()) {
                tests.add(DynamicTest.dynamicTest(a + " " + t, () -> {
                    int fIn = t.bits() - 4;
                    int fOut = fOut(a, t);
                    ActivationKernel k = ActivationKernel.build(a, t, fIn, fOut, 1.0);
                    double worst = 0;
                    for (int z = t.minCode(); z <= t.maxCode(); z++) {
                        double ideal = Math.max(t.minCode(), Math.min(t.maxCode(), exact(a, z, fIn, fOut)));
                        double err = Math.abs(k.apply(z) - ideal);
                        worst = Math.max(worst, err);
                        if (t == Storage.INT8 || k.kind() == Kind.HARD_SIGMOID) {
                            // int8: one entry per code, and hard_sigmoid's exact arithmetic: the correctly rounded value
                            assertTrue(err <= 0.5 + SLACK, a + " code " + z + " gives " + k.apply(z) + " for " + ideal);
                        } else {
                            assertTrue(err <= 1.0 + SLACK, a + " code " + z + " gives " + k.apply(z) + " for " + ideal);
                        }
                    }
                    assertEquals(worst, k.maxErrorLsb(), 1e-6, "the kernel reports the error the test measures");
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> int16TablesAreTheSmallestWithinTheBound() {
        return Stream.of(Activation.SELU, Activation.TANH, Activation.SIGMOID, Activation.GELU).map(a -> DynamicTest.dynamicTest(a.name(), () -> {
            ActivationKernel k = ActivationKernel.build(a, Storage.INT16, 12, fOut(a, Storage.INT16), 1.0);
            assertTrue(k.table().step() > 0, "interpolated, not one entry per code");
            ActivationKernel half = ActivationKernel.withStep(a, Storage.INT16, 12, fOut(a, Storage.INT16), k.table().step() + 1);
            assertTrue(half == null || half.maxErrorLsb() > 1.0, "a table half as big breaks the bound: " + (half == null ? "" : half.maxErrorLsb()));
            ActivationKernel loose = ActivationKernel.build(a, Storage.INT16, 12, fOut(a, Storage.INT16), 4.0);
            assertTrue(loose.table().size() < k.table().size(), "a looser bound gives a smaller table");
        }));
    }

    @Test
    void seluPositiveBranchIsTheCorrectlyRoundedProduct() {
        // z >= 0: round(λ z 2^(fOut - fIn)) exactly, for every positive code (no exact ties exist: λ is irrational)
        ActivationKernel k = ActivationKernel.build(Activation.SELU, Storage.INT16, 12, 12, 1.0);
        assertEquals(Kind.MULTIPLY_AND_TABLE, k.kind());
        for (int z = 0; z <= 32767; z++) {
            long expected = Math.min(32767, (long) Math.floor(1.0507009873554805 * z + 0.5));
            assertEquals(expected, k.apply(z), "code " + z);
        }
    }

    @Test
    void saturationThresholdsMarkTheClippedCodes() {
        // selu Q12 -> Q12: 1.0507 z / 4096 exceeds 32767.5 / 4096 from z = 31187 on (32767.5 / 1.0507 = 31186.3)
        ActivationKernel k = ActivationKernel.build(Activation.SELU, Storage.INT16, 12, 12, 1.0);
        assertTrue(k.saturates(31187) && !k.saturates(31186) && !k.saturates(-32768));
        assertEquals(32767, k.apply(32767));
    }

    @Test
    void mirroredTablesCoverHalfTheRangeAndFlatTailsAreClamped() {
        // tanh Q12 -> Q14: odd, so only z <= 0 is stored; tanh(x) rounds to -1 for x below about -5.5, so the
        // table starts near there, not at -8
        ActivationKernel tanh = ActivationKernel.build(Activation.TANH, Storage.INT16, 12, 14, 1.0);
        assertEquals(ActivationTable.Mirror.ODD, tanh.table().mirror());
        assertEquals(0, tanh.table().end());
        assertTrue(tanh.table().start() > -6 * 4096 && tanh.table().start() < -5 * 4096, "starts at " + tanh.table().start());
        ActivationKernel sigmoid = ActivationKernel.build(Activation.SIGMOID, Storage.INT8, 4, 7, 1.0);
        assertEquals(ActivationTable.Mirror.COMPLEMENT, sigmoid.table().mirror());
        assertTrue(sigmoid.table().size() <= 129, "at most the negative half of the int8 codes: " + sigmoid.table().size());
    }

    @Test
    void anInt16CellFeedsAnInt8TanhWithinOneLsb() {
        // an LSTM's act(c) in q7: int16 cell codes Q12 in, int8 Q6 out
        ActivationKernel k = ActivationKernel.build(Activation.TANH, Storage.INT16, Storage.INT8, 12, 6, 1.0);
        for (int z = -32768; z <= 32767; z++) {
            double ideal = Math.max(-128, Math.min(127, Math.tanh(z / 4096.0) * 64));
            assertTrue(Math.abs(k.apply(z) - ideal) <= 1.0 + SLACK, "code " + z);
        }
        assertTrue(k.table().size() < 100, "a small table: " + k.table().size());
    }

    @Test
    void softmaxIsRefusedByName() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(kquant.KquantException.class,
                () -> ActivationKernel.build(Activation.SOFTMAX, Storage.INT16, 12, 15, 1.0));
        assertTrue(e.getMessage().contains("softmax"));
    }
}
