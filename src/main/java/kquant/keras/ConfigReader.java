package kquant.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kquant.KquantException;
import kquant.model.Shape;

/**
 * Reads a Keras model config (the {@code model_config} attribute, {@code config.json} in a
 * {@code .keras} zip, or the output of {@code to_json()}) into the chain of layer configs and the
 * input shape.
 *
 * <p>Handles the shapes the config takes across versions: a bare list of layers (Keras 1, 2.1),
 * {@code {name, layers}} (2.2 to 2.13), Keras 3's extra {@code module} and {@code build_config}
 * keys, and Functional models, which must form a single chain.
 */
final class ConfigReader {

    /** The model's name, its input shape and its layers in the order data flows through them. */
    record ModelConfig(String name, Shape inputShape, List<LayerConfig> layers) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;

    ConfigReader(String file) {
        this.file = file;
    }

    ModelConfig read(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw KquantException.of("%s: the model config is not valid JSON (%s)", file, firstLine(e.getMessage()));
        }
        if (root == null || !root.has("class_name") || !root.has("config")) {
            throw KquantException.of("%s: the model config has no class_name/config: not a Keras model config", file);
        }
        String cls = root.get("class_name").asText();
        JsonNode cfg = root.get("config");
        switch (cls) {
            case "Sequential":
                return sequential(cfg);
            case "Model":
            case "Functional":
                return functional(cfg);
            default:
                throw KquantException.of("%s: the top-level object is a %s; kquant reads Sequential and Functional models", file, cls);
        }
    }

    private ModelConfig sequential(JsonNode cfg) {
        JsonNode layersNode = cfg.isArray() ? cfg : cfg.get("layers");
        String name = cfg.isObject() && cfg.has("name") ? cfg.get("name").asText() : "sequential";
        if (layersNode == null || !layersNode.isArray()) {
            throw KquantException.of("%s: the Sequential config has no list of layers", file);
        }
        List<LayerConfig> layers = new ArrayList<>();
        int[] inputDims = null;
        for (JsonNode entry : layersNode) {
            LayerConfig layer = layerConfig(entry);
            if (inputDims == null) {
                inputDims = declaredInput(layer);
            }
            if (!layer.className().equals("InputLayer")) {
                layers.add(layer);
            }
        }
        if (inputDims == null && cfg.isObject() && cfg.has("build_input_shape")) {
            inputDims = dims(cfg.get("build_input_shape"));
        }
        if (inputDims == null) {
            throw KquantException.of("%s: the config does not say the input shape (no InputLayer, batch_input_shape or build_input_shape)", file);
        }
        return new ModelConfig(name, shape(inputDims), layers);
    }

    private ModelConfig functional(JsonNode cfg) {
        String name = cfg.has("name") ? cfg.get("name").asText() : "model";
        Map<String, LayerConfig> byName = new HashMap<>();
        Map<String, String> inboundOf = new HashMap<>();
        String inputName = null;
        int[] inputDims = null;
        for (JsonNode entry : cfg.get("layers")) {
            LayerConfig layer = layerConfig(entry);
            byName.put(layer.name(), layer);
            List<String> inbound = inboundLayers(entry.get("inbound_nodes"), layer.name());
            if (layer.className().equals("InputLayer")) {
                if (inputName != null) {
                    throw KquantException.of("%s: model %s has more than one input; kquant reads single-chain models", file, name);
                }
                inputName = layer.name();
                inputDims = declaredInput(layer);
            } else if (inbound.size() != 1) {
                throw KquantException.of("%s: layer %s takes %d inputs; kquant reads single-chain models", file, layer.name(), inbound.size());
            } else {
                if (inboundOf.containsValue(inbound.get(0))) {
                    throw KquantException.of("%s: layer %s feeds more than one layer; kquant reads single-chain models", file, inbound.get(0));
                }
                inboundOf.put(layer.name(), inbound.get(0));
            }
        }
        if (inputName == null || inputDims == null) {
            throw KquantException.of("%s: model %s has no InputLayer with a shape", file, name);
        }
        // walk the chain from the input: each layer has exactly one successor
        Map<String, String> next = new HashMap<>();
        inboundOf.forEach((layer, from) -> next.put(from, layer));
        List<LayerConfig> chain = new ArrayList<>();
        String current = next.get(inputName);
        while (current != null) {
            chain.add(byName.get(current));
            current = next.get(current);
        }
        if (chain.size() != byName.size() - 1) {
            throw KquantException.of("%s: model %s is not a single chain of layers", file, name);
        }
        return new ModelConfig(name, shape(inputDims), chain);
    }

    /** Names of the layers feeding a Functional layer, from the Keras 2 or Keras 3 inbound_nodes format. */
    private List<String> inboundLayers(JsonNode nodes, String layer) {
        List<String> names = new ArrayList<>();
        if (nodes == null || nodes.isNull()) {
            return names;
        }
        if (nodes.size() > 1) {
            throw KquantException.of("%s: layer %s is called more than once (shared layer); kquant reads single-chain models", file, layer);
        }
        for (JsonNode node : nodes) {
            collectHistory(node, names);
        }
        return names;
    }

    private static void collectHistory(JsonNode node, List<String> names) {
        if (node.isObject() && node.has("keras_history")) {
            names.add(node.get("keras_history").get(0).asText());
            return;
        }
        // Keras 2: [["input_1", 0, 0, {}]] — an array whose first element is the layer name
        if (node.isArray() && node.size() >= 3 && node.get(0).isTextual() && node.get(1).isNumber()) {
            names.add(node.get(0).asText());
            return;
        }
        for (JsonNode child : node) {
            collectHistory(child, names);
        }
    }

    private LayerConfig layerConfig(JsonNode entry) {
        String cls = entry.path("class_name").asText(null);
        JsonNode cfg = entry.get("config");
        if (cls == null || cfg == null) {
            throw KquantException.of("%s: a layer in the config has no class_name or config", file);
        }
        String name = cfg.has("name") ? cfg.get("name").asText() : entry.path("name").asText(cls);
        if (cls.equals("Sequential") || cls.equals("Functional") || cls.equals("Model")) {
            throw KquantException.of("%s: layer %s is a nested %s model; kquant reads flat models", file, name, cls);
        }
        return new LayerConfig(name, cls, cfg);
    }

    /** The batch shape a layer declares, if it declares one. */
    private static int[] declaredInput(LayerConfig layer) {
        JsonNode cfg = layer.config();
        for (String key : new String[] {"batch_input_shape", "batch_shape"}) {
            if (cfg.has(key) && !cfg.get(key).isNull()) {
                return dims(cfg.get(key));
            }
        }
        if (cfg.has("input_shape") && !cfg.get("input_shape").isNull()) {
            JsonNode s = cfg.get("input_shape");
            int[] d = new int[s.size() + 1];
            d[0] = -1;
            for (int i = 0; i < s.size(); i++) {
                d[i + 1] = s.get(i).isNull() ? -1 : s.get(i).asInt();
            }
            return d;
        }
        // Keras 1: input_dim and input_length on the first recurrent layer
        if (cfg.has("input_dim") && !cfg.get("input_dim").isNull()) {
            int length = cfg.has("input_length") && !cfg.get("input_length").isNull() ? cfg.get("input_length").asInt() : -1;
            return new int[] {-1, length, cfg.get("input_dim").asInt()};
        }
        JsonNode build = cfg.path("build_config").path("input_shape");
        return build.isArray() ? dims(build) : null;
    }

    private static int[] dims(JsonNode batchShape) {
        int[] d = new int[batchShape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = batchShape.get(i).isNull() ? -1 : batchShape.get(i).asInt();
        }
        return d;
    }

    private Shape shape(int[] batchDims) {
        if (batchDims.length == 2 && batchDims[1] > 0) {
            return Shape.vector(batchDims[1]);
        }
        if (batchDims.length == 3 && batchDims[2] > 0) {
            return Shape.sequence(batchDims[1] > 0 ? batchDims[1] : Shape.UNKNOWN, batchDims[2]);
        }
        throw KquantException.of("%s: input shape %s is not supported; kquant reads (batch, timesteps, features) or (batch, features)",
                file, java.util.Arrays.toString(batchDims).replace("-1", "None"));
    }

    static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
