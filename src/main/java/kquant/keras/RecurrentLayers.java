package kquant.keras;

import java.util.List;
import java.util.Set;
import kquant.KquantException;
import kquant.model.Activation;
import kquant.model.Gru;
import kquant.model.Lstm;
import kquant.model.Recurrent;
import kquant.model.SimpleRnn;
import kquant.model.Tensor;

/**
 * Builds the recurrent layers (SimpleRNN, LSTM, GRU, and Keras 2's CuDNNLSTM / CuDNNGRU as the
 * LSTM / GRU they equal) from a layer config and its stored arrays, in every layout Keras has
 * saved them: three arrays, Keras 1's one W, U and b per gate, or CuDNN's own layout.
 *
 * <p>Options that change nothing at inference are accepted: {@code unroll}, {@code implementation}
 * and Keras 1's {@code consume_less} (the same math, evaluated differently), {@code dropout},
 * {@code recurrent_dropout} and Keras 1's {@code dropout_W} / {@code dropout_U} (training only),
 * {@code unit_forget_bias} and Keras 1's {@code forget_bias_init} (initializers only),
 * regularizers and constraints. Options that change the math are refused by name.
 */
final class RecurrentLayers {

    /** The Keras classes this builder reads. */
    static final Set<String> CLASSES = Set.of("SimpleRNN", "LSTM", "GRU", "CuDNNLSTM", "CuDNNGRU");

    /** Options refused when true, each with the reason. */
    private static final String[][] REFUSED_WHEN_TRUE = {
        {"stateful", "it carries the state from one batch to the next, and kquant starts every sequence from zero"},
        {"return_state", "it returns its state as extra outputs, and kquant reads models with a single output"},
        {"time_major", "it reads (timesteps, batch, features), and kquant reads (batch, timesteps, features)"}};

    private final LayerChecks checks;

    RecurrentLayers(LayerChecks checks) {
        this.checks = checks;
    }

    Recurrent build(LayerConfig c, List<WeightStore.Array> arrays) {
        for (String[] option : REFUSED_WHEN_TRUE) {
            if (c.bool(option[0], false)) {
                throw checks.unsupportedOption(c, option[0] + "=True", option[1]);
            }
        }
        switch (c.className()) {
            case "SimpleRNN":
                return simpleRnn(c, arrays);
            case "LSTM":
                return lstm(c, arrays);
            case "GRU":
                return gru(c, arrays);
            case "CuDNNLSTM":
                return cuDnnLstm(c, arrays);
            case "CuDNNGRU":
                return cuDnnGru(c, arrays);
            default:
                throw new IllegalArgumentException("not a recurrent class: " + c.className());
        }
    }

    private SimpleRnn simpleRnn(LayerConfig c, List<WeightStore.Array> arrays) {
        int units = checks.units(c);
        boolean useBias = c.bool("use_bias", true);
        Activation act = checks.activation(c, c.text("activation", "tanh"));
        checks.expectArrays(c, arrays, useBias ? 3 : 2, useBias ? "kernel, recurrent_kernel, bias" : "kernel, recurrent_kernel");
        Tensor[] w = tensors(c, arrays, useBias, "", "");
        return new SimpleRnn(c.name(), units, act, returnSequences(c), goBackwards(c), w[0], w[1], w[2]);
    }

    private Lstm lstm(LayerConfig c, List<WeightStore.Array> stored) {
        int units = checks.units(c);
        List<WeightStore.Array> arrays = stored.size() == 12 ? KerasOneGates.lstm(stored, checks.file(), c.name()) : stored;
        boolean useBias = c.bool("use_bias", true);
        checks.expectArrays(c, arrays, useBias ? 3 : 2, useBias ? "kernel, recurrent_kernel, bias" : "kernel, recurrent_kernel");
        Tensor[] w = tensors(c, arrays, useBias, ", gates i f c o", "");
        return new Lstm(c.name(), units, checks.activation(c, c.text("activation", "tanh")), recurrentActivation(c),
                returnSequences(c), goBackwards(c), w[0], w[1], w[2]);
    }

    private Gru gru(LayerConfig c, List<WeightStore.Array> stored) {
        int units = checks.units(c);
        List<WeightStore.Array> arrays = stored.size() == 9 ? KerasOneGates.gru(stored, checks.file(), c.name()) : stored;
        boolean useBias = c.bool("use_bias", true);
        checks.expectArrays(c, arrays, useBias ? 3 : 2, useBias ? "kernel, recurrent_kernel, bias" : "kernel, recurrent_kernel");
        boolean resetAfter = resetAfter(c, useBias ? arrays.get(2) : null);
        Tensor[] w = tensors(c, arrays, useBias, ", gates z r h", resetAfter ? ", rows input and recurrent" : "");
        return new Gru(c.name(), units, checks.activation(c, c.text("activation", "tanh")), recurrentActivation(c),
                resetAfter, returnSequences(c), goBackwards(c), w[0], w[1], w[2]);
    }

    /** CuDNNLSTM is an LSTM with tanh, sigmoid gates and the two bias halves summed; see {@link CuDnnWeights}. */
    private Lstm cuDnnLstm(LayerConfig c, List<WeightStore.Array> stored) {
        int units = checks.units(c);
        checks.expectArrays(c, stored, 3, "kernel, recurrent_kernel, bias");
        Tensor[] w = tensors(c, CuDnnWeights.toLstm(stored, units, checks.file(), c.name()), true, ", gates i f c o",
                " (input + recurrent halves)");
        return new Lstm(c.name(), units, Activation.TANH, Activation.SIGMOID, returnSequences(c), goBackwards(c), w[0], w[1], w[2]);
    }

    /** CuDNNGRU is a reset_after GRU with tanh and sigmoid gates; see {@link CuDnnWeights}. */
    private Gru cuDnnGru(LayerConfig c, List<WeightStore.Array> stored) {
        int units = checks.units(c);
        checks.expectArrays(c, stored, 3, "kernel, recurrent_kernel, bias");
        Tensor[] w = tensors(c, CuDnnWeights.toGru(stored, units, checks.file(), c.name()), true, ", gates z r h",
                ", rows input and recurrent");
        return new Gru(c.name(), units, Activation.TANH, Activation.SIGMOID, true, returnSequences(c), goBackwards(c),
                w[0], w[1], w[2]);
    }

    /** W, U and b (null without a bias), with roles that say the gate blocks. */
    private Tensor[] tensors(LayerConfig c, List<WeightStore.Array> a, boolean useBias, String gates, String biasNote) {
        return new Tensor[] {
            checks.tensor(c, "kernel", "input kernel W" + gates, a.get(0)),
            checks.tensor(c, "recurrent_kernel", "recurrent kernel U" + gates, a.get(1)),
            useBias ? checks.tensor(c, "bias", "bias b" + gates + biasNote, a.get(2)) : null};
    }

    /** {@code recurrent_activation} (Keras 1: {@code inner_activation}), else the saving version's default. */
    private Activation recurrentActivation(LayerConfig c) {
        String name = c.text("recurrent_activation", c.text("inner_activation", null));
        if (name == null) {
            name = checks.version().recurrentActivationDefault();
            if (name == null) {
                throw KquantException.of("%s: layer %s (%s) does not say its recurrent_activation, and keras_version %s does not "
                        + "settle the default (hard_sigmoid before Keras 2.3, sigmoid from 2.3 and in tf.keras 2 and Keras 3)",
                        checks.file(), c.name(), c.className(), checks.version().text());
            }
        }
        return checks.activation(c, name);
    }

    /**
     * {@code reset_after} from the config, else the saving version's default, else the bias shape;
     * the bias shape must agree: {@code (3u,)} without reset_after, {@code (2, 3u)} with it.
     */
    private boolean resetAfter(LayerConfig c, WeightStore.Array bias) {
        Boolean byBias = bias == null ? null : bias.shape().length == 2;
        Boolean flag = c.has("reset_after") ? (Boolean) c.bool("reset_after", false) : checks.version().resetAfterDefault();
        String said = c.has("reset_after") ? "reset_after=" + python(flag)
                : "reset_after=" + (flag == null ? "?" : python(flag)) + " (the config omits it; keras_version "
                        + checks.version().text() + (flag == null ? " does not settle the default)" : "'s default)");
        if (flag == null && byBias == null) {
            throw KquantException.of("%s: layer %s (%s) has %s and no bias to tell", checks.file(), c.name(), c.className(), said);
        }
        if (flag == null) {
            return byBias;
        }
        if (byBias != null && !byBias.equals(flag)) {
            throw KquantException.of("%s: layer %s (%s) has %s but its bias at %s has shape %s, which is reset_after=%s's "
                    + "(the bias is (3u,) without reset_after and (2, 3u) with it)", checks.file(), c.name(), c.className(), said,
                    bias.path(), java.util.Arrays.toString(bias.shape()), python(byBias));
        }
        return flag;
    }

    private static String python(boolean b) {
        return b ? "True" : "False";
    }

    private static boolean returnSequences(LayerConfig c) {
        return c.bool("return_sequences", false);
    }

    private static boolean goBackwards(LayerConfig c) {
        return c.bool("go_backwards", false);
    }
}
