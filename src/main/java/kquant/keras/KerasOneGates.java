package kquant.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kquant.KquantException;

/**
 * Keras 1's per-gate LSTM and GRU arrays, joined into Keras 2's three (kernel, recurrent kernel,
 * bias) with the gate blocks in Keras 2's order.
 *
 * <p>Keras 1 (keras 1.2.2 {@code keras/layers/recurrent.py}, LSTM.build :733-784, GRU.build)
 * keeps one W, U and b per gate and saves them in {@code trainable_weights} order:
 * <ul>
 *   <li>LSTM, 12 arrays: {@code W_i U_i b_i, W_c U_c b_c, W_f U_f b_f, W_o U_o b_o}: the gates
 *       are stored i, c, f, o, although the layer computes with them concatenated i, f, c, o;</li>
 *   <li>GRU, 9 arrays: {@code W_z U_z b_z, W_r U_r b_r, W_h U_h b_h}.</li>
 * </ul>
 * Keras 2 joins them the same way when it reads a Keras 1 file (keras 2.0.0
 * {@code keras/engine/topology.py:2764-2790}, {@code preprocess_weights_for_loading}: GRU
 * kernel = concatenate(weights[0, 3, 6]); LSTM kernel = concatenate(weights[0, 6, 3, 9]),
 * "old: i, c, f, o / new: i, f, c, o"). The arrays are named {@code <layer>_W_i} and so on
 * ({@code :0} after it with the TensorFlow backend); when every name says its role and gate the
 * names are used, otherwise the saved order above.
 */
final class KerasOneGates {

    private static final Pattern ROLE_AND_GATE = Pattern.compile("_([WUb])_([a-z])(?::0)?$");
    private static final String ROLES = "WUb";

    private KerasOneGates() {
        throw new AssertionError("No instances of KerasOneGates");
    }

    /** Joins Keras 1's 12 LSTM arrays into kernel, recurrent kernel and bias, gates i, f, c, o. */
    static List<WeightStore.Array> lstm(List<WeightStore.Array> arrays, String file, String layer) {
        return join(arrays, "ifco", "icfo", file, layer);
    }

    /** Joins Keras 1's 9 GRU arrays into kernel, recurrent kernel and bias, gates z, r, h. */
    static List<WeightStore.Array> gru(List<WeightStore.Array> arrays, String file, String layer) {
        return join(arrays, "zrh", "zrh", file, layer);
    }

    /**
     * @param gates       the gate order Keras 2 wants, one letter per gate
     * @param savedOrder  the gate order Keras 1 saved them in (each gate's W, U, b together)
     */
    private static List<WeightStore.Array> join(List<WeightStore.Array> arrays, String gates, String savedOrder,
            String file, String layer) {
        WeightStore.Array[][] byGate = byName(arrays, gates);
        if (byGate == null) {
            byGate = new WeightStore.Array[gates.length()][3];
            for (int k = 0; k < arrays.size(); k++) {
                byGate[gates.indexOf(savedOrder.charAt(k / 3))][k % 3] = arrays.get(k);
            }
        }
        int units = byGate[0][2].values().length;
        int features = byGate[0][0].shape()[0];
        int[][] shapes = {{features, units}, {units, units}, {units}};
        List<WeightStore.Array> joined = new ArrayList<>();
        for (int role = 0; role < 3; role++) {
            WeightStore.Array[] blocks = new WeightStore.Array[gates.length()];
            for (int g = 0; g < blocks.length; g++) {
                blocks[g] = byGate[g][role];
                if (!Arrays.equals(blocks[g].shape(), shapes[role])) {
                    throw KquantException.of("%s: layer %s: Keras 1 array %s has shape %s, expected %s", file, layer,
                            blocks[g].path(), Arrays.toString(blocks[g].shape()), Arrays.toString(shapes[role]));
                }
            }
            joined.add(concatenateColumns(blocks, role == 2 ? 1 : shapes[role][0], units));
        }
        return joined;
    }

    /** The arrays indexed [gate][W, U, b] by their names, or null unless every name says its role and gate once. */
    private static WeightStore.Array[][] byName(List<WeightStore.Array> arrays, String gates) {
        WeightStore.Array[][] byGate = new WeightStore.Array[gates.length()][3];
        for (WeightStore.Array a : arrays) {
            Matcher m = ROLE_AND_GATE.matcher(a.path());
            if (!m.find()) {
                return null;
            }
            int gate = gates.indexOf(m.group(2).charAt(0));
            int role = ROLES.indexOf(m.group(1).charAt(0));
            if (gate < 0 || byGate[gate][role] != null) {
                return null;
            }
            byGate[gate][role] = a;
        }
        return byGate;
    }

    /** Puts {@code (rows, units)} blocks side by side into {@code (rows, gates · units)} (a vector when rows is 1). */
    private static WeightStore.Array concatenateColumns(WeightStore.Array[] blocks, int rows, int units) {
        int width = blocks.length * units;
        float[] out = new float[rows * width];
        StringBuilder path = new StringBuilder();
        for (int g = 0; g < blocks.length; g++) {
            float[] v = blocks[g].values();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(v, r * units, out, r * width + g * units, units);
            }
            path.append(g == 0 ? "" : " + ").append(blocks[g].path());
        }
        int[] shape = rows == 1 && blocks[0].shape().length == 1 ? new int[] {width} : new int[] {rows, width};
        return new WeightStore.Array(path.toString(), shape, () -> out);
    }
}
