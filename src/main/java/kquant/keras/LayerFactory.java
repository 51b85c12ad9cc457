package kquant.keras;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Turns one layer config and its stored arrays into a {@link Layer}, refusing by name every layer
 * class and option kquant does not compute (never silently ignoring one).
 */
final class LayerFactory {

    /** Layers that act only while training; at inference they pass their input through. */
    static final Set<String> TRAINING_ONLY = Set.of("Dropout", "SpatialDropout1D", "GaussianNoise",
            "GaussianDropout", "AlphaDropout", "ActivityRegularization");

    static final String SUPPORTED = "SimpleRNN, LSTM, GRU, CuDNNLSTM, CuDNNGRU, Dense, TimeDistributed(Dense), Activation, "
            + "Flatten, RepeatVector, InputLayer and training-only layers (Dropout, GaussianNoise, ...)";

    private final String file;
    private final LayerChecks checks;
    private final RecurrentLayers recurrent;

    LayerFactory(String file, KerasVersion version) {
        this.file = file;
        this.checks = new LayerChecks(file, version);
        this.recurrent = new RecurrentLayers(checks);
    }

    Layer build(LayerConfig c, List<WeightStore.Array> arrays) {
        checkDtype(c);
        if (RecurrentLayers.CLASSES.contains(c.className())) {
            return recurrent.build(c, arrays);
        }
        switch (c.className()) {
            case "Dense":
                return dense(c, arrays, false);
            case "TimeDistributed":
                return timeDistributed(c, arrays);
            case "Activation":
                return new ActivationLayer(c.name(), checks.activation(c, c.text("activation", "linear")));
            case "Flatten":
                if (c.text("data_format", "channels_last").equals("channels_first")) {
                    throw checks.unsupportedOption(c, "data_format=channels_first");
                }
                return new Flatten(c.name());
            case "RepeatVector":
                return new RepeatVector(c.name(), c.integer("n", null));
            default:
                if (TRAINING_ONLY.contains(c.className())) {
                    return new PassThrough(c.name(), c.className());
                }
                refuseMaskingAndCells(c);
                throw KquantException.of("%s: layer %s (%s) is not supported; kquant runs %s",
                        file, c.name(), c.className(), SUPPORTED);
        }
    }

    /** Masks and generic RNN cells get a refusal that says what they would change. */
    private void refuseMaskingAndCells(LayerConfig c) {
        if (c.className().equals("Masking")) {
            throw KquantException.of("%s: layer %s (Masking) skips the timesteps equal to mask_value=%s; kquant runs every "
                    + "timestep and does not support masking", file, c.name(), c.text("mask_value", "0.0"));
        }
        if (c.bool("mask_zero", false)) {
            throw checks.unsupportedOption(c, "mask_zero=True", "it masks the timesteps that follow, and kquant does not support masking");
        }
        JsonNode cell = c.config().get("cell");
        if (c.className().equals("RNN") && cell != null) {
            String cellClass = cell.path("class_name").asText("?");
            String why = cellClass.startsWith("Peephole") ? "peephole connections (c feeds the gates), which kquant does not compute"
                    : "a generic RNN wrapper; kquant reads SimpleRNN, LSTM and GRU layers";
            throw KquantException.of("%s: layer %s is RNN(%s): %s", file, c.name(), cellClass, why);
        }
    }

    private Dense dense(LayerConfig c, List<WeightStore.Array> arrays, boolean timeDistributed) {
        if (c.has("lora_rank")) {
            throw checks.unsupportedOption(c, "lora_rank=" + c.config().get("lora_rank"));
        }
        int units = checks.units(c);
        boolean useBias = c.bool("use_bias", c.bool("bias", true));
        Activation act = checks.activation(c, c.text("activation", "linear"));
        checks.expectArrays(c, arrays, useBias ? 2 : 1, useBias ? "kernel, bias" : "kernel");
        return new Dense(c.name(), units, act, checks.tensor(c, "kernel", "kernel V", arrays.get(0)),
                useBias ? checks.tensor(c, "bias", "bias c", arrays.get(1)) : null, timeDistributed);
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

    /** Keras 3 mixed-precision and quantized dtype policies change the arithmetic: refuse them. */
    private void checkDtype(LayerConfig c) {
        JsonNode d = c.config().get("dtype");
        String policy = d == null || d.isNull() ? "float32"
                : d.isTextual() ? d.asText() : d.path("config").path("name").asText("float32");
        if (!policy.equals("float32")) {
            throw checks.unsupportedOption(c, "dtype=" + policy);
        }
    }
}
