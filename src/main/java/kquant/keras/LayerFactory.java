package kquant.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import kquant.KquantException;
import kquant.model.Activation;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Flatten;
import kquant.model.Layer;
import kquant.model.PassThrough;
import kquant.model.RepeatVector;
import kquant.model.SimpleRnn;
import kquant.model.Tensor;

/**
 * Turns one layer config and its stored arrays into a {@link Layer}, refusing by name every layer
 * class and option kquant does not compute (never silently ignoring one).
 */
final class LayerFactory {

    /** Layers that act only while training; at inference they pass their input through. */
    static final Set<String> TRAINING_ONLY = Set.of("Dropout", "SpatialDropout1D", "GaussianNoise",
            "GaussianDropout", "AlphaDropout", "ActivityRegularization");

    static final String SUPPORTED = "SimpleRNN, Dense, TimeDistributed(Dense), Activation, Flatten, RepeatVector, "
            + "InputLayer and training-only layers (Dropout, GaussianNoise, ...)";

    private final String file;
    private final int kerasMajor;

    LayerFactory(String file, int kerasMajor) {
        this.file = file;
        this.kerasMajor = kerasMajor;
    }

    Layer build(LayerConfig c, List<WeightStore.Array> arrays) {
        checkDtype(c);
        switch (c.className()) {
            case "SimpleRNN":
                return simpleRnn(c, arrays);
            case "Dense":
                return dense(c, arrays, false);
            case "TimeDistributed":
                return timeDistributed(c, arrays);
            case "Activation":
                return new ActivationLayer(c.name(), activation(c, c.text("activation", "linear")));
            case "Flatten":
                if (c.text("data_format", "channels_last").equals("channels_first")) {
                    throw unsupportedOption(c, "data_format=channels_first");
                }
                return new Flatten(c.name());
            case "RepeatVector":
                return new RepeatVector(c.name(), c.integer("n", null));
            default:
                if (TRAINING_ONLY.contains(c.className())) {
                    return new PassThrough(c.name(), c.className());
                }
                throw KquantException.of("%s: layer %s (%s) is not supported; kquant runs %s",
                        file, c.name(), c.className(), SUPPORTED);
        }
    }

    private SimpleRnn simpleRnn(LayerConfig c, List<WeightStore.Array> arrays) {
        for (String option : new String[] {"stateful", "return_state", "time_major"}) {
            if (c.bool(option, false)) {
                throw unsupportedOption(c, option + "=True");
            }
        }
        int units = units(c);
        boolean useBias = c.bool("use_bias", true);
        Activation act = activation(c, c.text("activation", "tanh"));
        expectArrays(c, arrays, useBias ? 3 : 2, useBias ? "kernel, recurrent_kernel, bias" : "kernel, recurrent_kernel");
        return new SimpleRnn(c.name(), units, act, c.bool("return_sequences", false), c.bool("go_backwards", false),
                tensor(c, "kernel", "input kernel W", arrays.get(0)),
                tensor(c, "recurrent_kernel", "recurrent kernel U", arrays.get(1)),
                useBias ? tensor(c, "bias", "bias b", arrays.get(2)) : null);
    }

    private Dense dense(LayerConfig c, List<WeightStore.Array> arrays, boolean timeDistributed) {
        if (c.has("lora_rank")) {
            throw unsupportedOption(c, "lora_rank=" + c.config().get("lora_rank"));
        }
        int units = units(c);
        boolean useBias = c.bool("use_bias", c.bool("bias", true));
        Activation act = activation(c, c.text("activation", "linear"));
        expectArrays(c, arrays, useBias ? 2 : 1, useBias ? "kernel, bias" : "kernel");
        return new Dense(c.name(), units, act, tensor(c, "kernel", "kernel V", arrays.get(0)),
                useBias ? tensor(c, "bias", "bias c", arrays.get(1)) : null, timeDistributed);
    }

    private Dense timeDistributed(LayerConfig c, List<WeightStore.Array> arrays) {
        JsonNode inner = c.config().get("layer");
        String innerClass = inner == null ? "?" : inner.path("class_name").asText("?");
        if (!innerClass.equals("Dense")) {
            throw KquantException.of("%s: layer %s is TimeDistributed(%s); kquant supports TimeDistributed(Dense) only",
                    file, c.name(), innerClass);
        }
        LayerConfig innerConfig = new LayerConfig(c.name(), "Dense", inner.get("config"));
        return dense(innerConfig, arrays, true);
    }

    private int units(LayerConfig c) {
        try {
            return c.integer("units", "output_dim");
        } catch (IllegalArgumentException e) {
            throw KquantException.of("%s: layer %s (%s) has no units in its config", file, c.name(), c.className());
        }
    }

    private Activation activation(LayerConfig c, String name) {
        Activation a = Activation.fromKeras(name, kerasMajor);
        if (a == null) {
            throw KquantException.of("%s: layer %s (%s) uses activation '%s', which kquant does not support",
                    file, c.name(), c.className(), name);
        }
        return a;
    }

    /** Keras 3 mixed-precision and quantized dtype policies change the arithmetic: refuse them. */
    private void checkDtype(LayerConfig c) {
        JsonNode d = c.config().get("dtype");
        String policy = d == null || d.isNull() ? "float32"
                : d.isTextual() ? d.asText() : d.path("config").path("name").asText("float32");
        if (!policy.equals("float32")) {
            throw unsupportedOption(c, "dtype=" + policy);
        }
    }

    private void expectArrays(LayerConfig c, List<WeightStore.Array> arrays, int n, String what) {
        if (arrays.size() != n) {
            throw KquantException.of("%s: layer %s (%s) should have %d weight arrays (%s) but the file holds %d",
                    file, c.name(), c.className(), n, what, arrays.size());
        }
    }

    private Tensor tensor(LayerConfig c, String name, String role, WeightStore.Array a) {
        float[] values = WeightChecks.values(file, c, name, a);
        try {
            return new Tensor(name, role, a.shape(), values);
        } catch (IllegalArgumentException e) {
            throw KquantException.of("%s: layer %s weight %s at %s has shape %s that does not match its %d values",
                    file, c.name(), name, a.path(), Arrays.toString(a.shape()), values.length);
        }
    }

    private KquantException unsupportedOption(LayerConfig c, String option) {
        return KquantException.of("%s: layer %s (%s) uses option %s, which kquant does not support",
                file, c.name(), c.className(), option);
    }
}
