package kquant.keras;

import java.util.Arrays;
import java.util.List;
import kquant.KquantException;

/**
 * Keras 2's {@code CuDNNLSTM} and {@code CuDNNGRU} arrays, turned into the plain LSTM and GRU
 * weights that compute the same thing. This is what Keras itself does when it loads a CuDNN layer's
 * weights into an {@code LSTM} or a {@code GRU(reset_after=True)}:
 *
 * <ul>
 *   <li>Storage (keras 2.2.4 {@code keras/layers/cudnn_recurrent.py}, CuDNNGRU.build and
 *       CuDNNLSTM.build): kernel {@code (F, g·u)} and recurrent kernel {@code (u, g·u)} in gate
 *       blocks i, f, c, o (LSTM) or z, r, h (GRU); bias {@code (2·g·u,)}, every gate's input bias
 *       and then every gate's recurrent bias. The activations are fixed: tanh, and sigmoid for
 *       the gates.</li>
 *   <li>Conversion (keras 2.2.4 {@code keras/engine/saving.py}, {@code _convert_rnn_weights},
 *       lines 811-955): each gate's input-kernel block {@code k} becomes
 *       {@code k.T.reshape(k.shape, order='F')} ({@code transpose_input(from_cudnn=True)}); each
 *       recurrent block becomes {@code k.T}; the LSTM bias becomes the sum of its two halves, the
 *       GRU bias is reshaped to {@code (2, 3u)} (a CuDNNGRU is a {@code reset_after=True} GRU;
 *       Keras refuses it as a {@code reset_after=False} one).</li>
 *   <li>Keras's own test of this ({@code tests/keras/layers/cudnn_recurrent_test.py},
 *       {@code test_load_weights_between_noncudnn_rnn}, run on a GPU) compares
 *       the CuDNN layer's output with the converted LSTM / GRU built with
 *       {@code recurrent_activation='sigmoid'} and, for GRU, {@code reset_after=True}.</li>
 * </ul>
 */
final class CuDnnWeights {

    private CuDnnWeights() {
        throw new AssertionError("No instances of CuDnnWeights");
    }

    /** CuDNNLSTM's kernel, recurrent kernel and bias {@code (8u,)} as an LSTM's, bias {@code (4u,)}. */
    static List<WeightStore.Array> toLstm(List<WeightStore.Array> arrays, int units, String file, String layer) {
        check(arrays, units, 4, file, layer);
        float[] bias = arrays.get(2).values();
        float[] summed = new float[4 * units];
        for (int j = 0; j < summed.length; j++) {
            summed[j] = bias[j] + bias[4 * units + j]; // float32 addition, as numpy sums two float32 arrays
        }
        return List.of(kernel(arrays.get(0), units, 4), recurrentKernel(arrays.get(1), units, 4),
                new WeightStore.Array(arrays.get(2).path() + " (input + recurrent halves)", new int[] {4 * units}, () -> summed));
    }

    /** CuDNNGRU's kernel, recurrent kernel and bias {@code (6u,)} as a reset_after GRU's, bias {@code (2, 3u)}. */
    static List<WeightStore.Array> toGru(List<WeightStore.Array> arrays, int units, String file, String layer) {
        check(arrays, units, 3, file, layer);
        return List.of(kernel(arrays.get(0), units, 3), recurrentKernel(arrays.get(1), units, 3),
                new WeightStore.Array(arrays.get(2).path() + " (as input and recurrent rows)", new int[] {2, 3 * units},
                        arrays.get(2)::values));
    }

    private static void check(List<WeightStore.Array> arrays, int units, int gates, String file, String layer) {
        int width = gates * units;
        WeightStore.Array k = arrays.get(0);
        int[][] expected = {{k.shape().length == 2 ? k.shape()[0] : -1, width}, {units, width}, {2 * width}};
        String[] what = {"(features, " + width + ")", "(" + units + ", " + width + ")", "(" + 2 * width + ",)"};
        for (int i = 0; i < 3; i++) {
            if (!Arrays.equals(arrays.get(i).shape(), expected[i])) {
                throw KquantException.of("%s: layer %s: CuDNN array %s has shape %s, expected %s", file, layer,
                        arrays.get(i).path(), Arrays.toString(arrays.get(i).shape()), what[i]);
            }
        }
    }

    /**
     * Each gate's {@code (F, u)} block {@code k} becomes {@code k.T.reshape((F, u), order='F')}:
     * read in column-major order, {@code k.T}'s elements are {@code k}'s in row-major order, so
     * element {@code (i, j)} of the result is element {@code i + j·F} of the block in row-major order.
     */
    private static WeightStore.Array kernel(WeightStore.Array stored, int units, int gates) {
        int features = stored.shape()[0];
        int width = gates * units;
        float[] k = stored.values();
        float[] out = new float[features * width];
        for (int g = 0; g < gates; g++) {
            for (int i = 0; i < features; i++) {
                for (int j = 0; j < units; j++) {
                    int p = i + j * features; // row-major position inside the gate's (F, u) block
                    out[i * width + g * units + j] = k[(p / units) * width + g * units + p % units];
                }
            }
        }
        return new WeightStore.Array(stored.path() + " (from CuDNN layout)", new int[] {features, width}, () -> out);
    }

    /** Each gate's {@code (u, u)} block is transposed. */
    private static WeightStore.Array recurrentKernel(WeightStore.Array stored, int units, int gates) {
        int width = gates * units;
        float[] r = stored.values();
        float[] out = new float[units * width];
        for (int g = 0; g < gates; g++) {
            for (int i = 0; i < units; i++) {
                for (int j = 0; j < units; j++) {
                    out[i * width + g * units + j] = r[j * width + g * units + i];
                }
            }
        }
        return new WeightStore.Array(stored.path() + " (from CuDNN layout)", new int[] {units, width}, () -> out);
    }
}
