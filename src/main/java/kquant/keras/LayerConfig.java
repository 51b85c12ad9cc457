package kquant.keras;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One layer as the Keras config describes it, before its weights are attached.
 *
 * @param name       the layer's {@code name}
 * @param className  the Keras class, e.g. {@code SimpleRNN}
 * @param config     the layer's {@code config} object
 */
record LayerConfig(String name, String className, JsonNode config) {

    boolean bool(String key, boolean fallback) {
        JsonNode n = config.get(key);
        return n == null || n.isNull() ? fallback : n.asBoolean();
    }

    int integer(String key, String kerasOneKey) {
        JsonNode n = config.get(key);
        if ((n == null || n.isNull()) && kerasOneKey != null) {
            n = config.get(kerasOneKey);
        }
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException(key);
        }
        return n.asInt();
    }

    String text(String key, String fallback) {
        JsonNode n = config.get(key);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    boolean has(String key) {
        JsonNode n = config.get(key);
        return n != null && !n.isNull();
    }
}
