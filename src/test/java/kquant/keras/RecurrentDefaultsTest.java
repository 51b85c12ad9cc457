package kquant.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import kquant.KquantException;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.fixtures.KerasFixtures.Layout;
import kquant.model.Activation;
import kquant.model.Gru;
import kquant.model.Lstm;
import kquant.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a config means when it leaves recurrent_activation or reset_after out, by the Keras version
 * that saved it (the table in {@link KerasVersion}), and the conversions of Keras 1's per-gate
 * arrays and of CuDNN's layout on arrays small enough to check by eye.
 */
class RecurrentDefaultsTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultsFollowTheSavingVersion() {
        // version, recurrent_activation default, reset_after default (null: the version does not settle it)
        Object[][] table = {
            {"1.2.2", "hard_sigmoid", false}, {"2.1.4", "hard_sigmoid", false}, {"2.2.4", "hard_sigmoid", false},
            {"2.2.5", "hard_sigmoid", false}, {"2.3.1", "sigmoid", false}, {"2.4.0", "sigmoid", true},
            {"2.13.1", "sigmoid", true}, {"2.3.0-tf", "sigmoid", true}, {"2.2.4-tf", null, null}, {"2.1.6-tf", null, null},
            {"3.10.0", "sigmoid", true}, {"unknown", null, null}, {KerasLoader.KERAS3_INFERRED, "sigmoid", true}};
        for (Object[] row : table) {
            KerasVersion v = KerasVersion.parse((String) row[0]);
            assertEquals(row[1], v.recurrentActivationDefault(), row[0] + " recurrent_activation");
            assertEquals(row[2], v.resetAfterDefault(), row[0] + " reset_after");
        }
        assertEquals(3, KerasVersion.parse(KerasLoader.KERAS3_INFERRED).majorOr2(), "hard_sigmoid takes Keras 3's formula");
        assertEquals(2, KerasVersion.parse("unknown").majorOr2(), "and Keras 2's when the version is unknown");
    }

    @Test
    void aConfigWithoutRecurrentActivationTakesTheVersionsDefault() throws IOException {
        Object[][] cases = {{Layout.LEGACY_K1, "1.2.2", Activation.HARD_SIGMOID}, {Layout.LEGACY_K2_1, "2.2.4", Activation.HARD_SIGMOID},
            {Layout.LEGACY_K2_13, "2.3.1", Activation.SIGMOID}, {Layout.LEGACY_K2_13, "2.13.1", Activation.SIGMOID},
            {Layout.KERAS_ZIP, "3.10.0", Activation.SIGMOID}};
        for (Object[] c : cases) {
            FixtureLayer lstm = FixtureLayer.lstm("lstm", 3, 4, new Random(1));
            lstm.config().remove("recurrent_activation");
            Model m = load((Layout) c[0], (String) c[1], lstm);
            assertEquals(c[2], ((Lstm) m.layers().get(0)).recurrentActivation(), (String) c[1]);
        }
        for (String unsettled : new String[] {"2.2.4-tf", null}) {
            FixtureLayer lstm = FixtureLayer.lstm("lstm", 3, 4, new Random(1));
            lstm.config().remove("recurrent_activation");
            KquantException e = assertThrows(KquantException.class, () -> load(Layout.LEGACY_K2_13, unsettled, lstm));
            assertTrue(e.getMessage().contains("layer lstm (LSTM) does not say its recurrent_activation, and keras_version "
                    + (unsettled == null ? "unknown" : unsettled) + " does not settle the default"), e.getMessage());
        }
    }

    @Test
    void aConfigWithoutResetAfterTakesTheVersionsDefaultAndTheBiasMustAgree() throws IOException {
        assertEquals(false, resetAfterOf(Layout.LEGACY_K2_1, "2.1.4", false));
        assertEquals(true, resetAfterOf(Layout.LEGACY_K2_13, "2.13.1", true));
        assertEquals(true, resetAfterOf(Layout.KERAS_ZIP, "3.10.0", true));
        assertEquals(true, resetAfterOf(Layout.LEGACY_K2_13, "2.2.4-tf", true), "the bias decides what the version does not");
        assertEquals(false, resetAfterOf(Layout.LEGACY_K2_13, null, false));
        KquantException e = assertThrows(KquantException.class, () -> resetAfterOf(Layout.LEGACY_K2_1, "2.1.4", true));
        assertTrue(e.getMessage().contains("layer gru (GRU) has reset_after=False (the config omits it; keras_version 2.1.4's default)"
                + " but its bias at /model_weights/gru/gru/bias:0 has shape [2, 12], which is reset_after=True's"), e.getMessage());
        FixtureLayer noBias = FixtureLayer.gru("gru", 3, 4, false, new Random(1), "use_bias", false);
        noBias.config().remove("reset_after");
        e = assertThrows(KquantException.class, () -> load(Layout.LEGACY_K2_13, "2.2.4-tf", noBias));
        assertTrue(e.getMessage().contains("has reset_after=? (the config omits it; keras_version 2.2.4-tf does not settle the default)"
                + " and no bias to tell"), e.getMessage());
    }

    private boolean resetAfterOf(Layout layout, String version, boolean biasRows) throws IOException {
        FixtureLayer gru = FixtureLayer.gru("gru", 3, 4, biasRows, new Random(1));
        gru.config().remove("reset_after");
        return ((Gru) load(layout, version, gru).layers().get(0)).resetAfter();
    }

    /** A Keras 3 weights-only file whose config records no version is read as Keras 3 (hard_sigmoid = relu6(x + 3) / 6). */
    @Test
    void aKeras3WeightsLayoutMeansKeras3() throws IOException {
        Model m = load(Layout.WEIGHTS_K3, null, FixtureLayer.gru("gru", 3, 4, true, new Random(1), "recurrent_activation", "hard_sigmoid"));
        assertEquals(KerasLoader.KERAS3_INFERRED, m.source().kerasVersion());
        assertEquals(3, m.source().kerasMajor());
        assertEquals(Activation.HARD_SIGMOID_KERAS3, ((Gru) m.layers().get(0)).recurrentActivation());
    }

    private Model load(Layout layout, String version, FixtureLayer layer) throws IOException {
        String name = "m" + dir.toFile().list().length;
        KerasFixtures.Files2 f = KerasFixtures.write(dir.resolve(name), name, layout, version, new int[] {5, 3},
                List.of(layer, FixtureLayer.dense("tail", 4, 1, "linear", true, new Random(2))));
        return KerasLoader.load(f.model(), f.config());
    }

    /** GRU arrays W_z U_z b_z W_r U_r b_r W_h U_h b_h, one feature, one unit: each array holds its position. */
    @Test
    void kerasOneArraysJoinByNameOrElseByKerasOrder() {
        List<WeightStore.Array> positional = new ArrayList<>();
        for (int k = 0; k < 9; k++) {
            positional.add(array("param_" + k, k % 3 == 2 ? new int[] {1} : new int[] {1, 1}, k));
        }
        List<WeightStore.Array> joined = KerasOneGates.gru(positional, "f.h5", "gru_1");
        assertArrayEquals(new float[] {0, 3, 6}, joined.get(0).values(), "kernel = concatenate(weights[0, 3, 6])");
        assertArrayEquals(new float[] {1, 4, 7}, joined.get(1).values());
        assertArrayEquals(new float[] {2, 5, 8}, joined.get(2).values());
        assertArrayEquals(new int[] {3}, joined.get(2).shape());

        // LSTM: saved i, c, f, o; by name, even when the names come in another order
        String[] names = {"W_i", "U_i", "b_i", "W_c", "U_c", "b_c", "W_f", "U_f", "b_f", "W_o", "U_o", "b_o"};
        List<WeightStore.Array> lstm = new ArrayList<>();
        List<WeightStore.Array> lstmByName = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            lstm.add(array("param_" + k, k % 3 == 2 ? new int[] {1} : new int[] {1, 1}, k));
            lstmByName.add(0, array("/model_weights/lstm_1/lstm_1_" + names[k] + ":0", k % 3 == 2 ? new int[] {1} : new int[] {1, 1}, k));
        }
        assertArrayEquals(new float[] {0, 6, 3, 9}, KerasOneGates.lstm(lstm, "f.h5", "lstm_1").get(0).values(),
                "kernel = concatenate(weights[0, 6, 3, 9]): old i, c, f, o, new i, f, c, o");
        assertArrayEquals(new float[] {2, 8, 5, 11}, KerasOneGates.lstm(lstmByName, "f.h5", "lstm_1").get(2).values());
    }

    /**
     * One gate's CuDNN input block (F, u) = (2, 3) holding 0..5 row-major becomes
     * {@code k.T.reshape((2, 3), order='F')} = [[0, 2, 4], [1, 3, 5]] (numpy: k.T = [[0, 3], [1, 4], [2, 5]] read
     * column by column is 0..5, written column by column into (2, 3)); a recurrent block is transposed; the two
     * LSTM bias halves are summed.
     */
    @Test
    void cuDnnArraysConvertAsKerasDoes() {
        List<WeightStore.Array> gru = List.of(array("k", new int[] {2, 3}, 0, 1, 2, 3, 4, 5),
                array("r", new int[] {1, 3}, 7, 8, 9), array("b", new int[] {6}, 1, 2, 3, 4, 5, 6));
        // with u = 1 there are three gates of (2, 1): each block is a column, and k.T.reshape keeps it
        List<WeightStore.Array> converted = CuDnnWeights.toGru(gru, 1, "f.h5", "cu");
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, converted.get(0).values());
        assertArrayEquals(new int[] {2, 3}, converted.get(2).shape());

        float[] lstmKernel = new float[2 * 12];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                lstmKernel[i * 12 + 3 + j] = i * 3 + j; // gate f holds 0..5; the other gates 0
            }
        }
        float[] recurrent = new float[3 * 12];
        recurrent[1 * 12 + 3 + 2] = 1; // gate f, row 1, column 2
        float[] bias = new float[24];
        bias[0] = 0.25f;
        bias[12] = 0.5f;
        List<WeightStore.Array> lstm = CuDnnWeights.toLstm(List.of(array("k", new int[] {2, 12}, lstmKernel),
                array("r", new int[] {3, 12}, recurrent), array("b", new int[] {24}, bias)), 3, "f.h5", "cu");
        float[] k = lstm.get(0).values();
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, new float[] {k[3], k[4], k[5], k[15], k[16], k[17]});
        assertEquals(1f, lstm.get(1).values()[2 * 12 + 3 + 1], "transposed: row 2, column 1");
        assertEquals(0.75f, lstm.get(2).values()[0]);
        KquantException e = assertThrows(KquantException.class, () -> CuDnnWeights.toLstm(List.of(array("k", new int[] {2, 12}, lstmKernel),
                array("r", new int[] {3, 12}, recurrent), array("/model_weights/cu/bias:0", new int[] {12}, new float[12])), 3, "f.h5", "cu"));
        assertEquals("f.h5: layer cu: CuDNN array /model_weights/cu/bias:0 has shape [12], expected (24,)", e.getMessage());
    }

    private static WeightStore.Array array(String path, int[] shape, float... values) {
        if (values.length == 1 && shape.length > 0) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float[] filled = new float[n];
            java.util.Arrays.fill(filled, values[0]);
            return new WeightStore.Array(path, shape, () -> filled);
        }
        return new WeightStore.Array(path, shape, () -> values);
    }
}
