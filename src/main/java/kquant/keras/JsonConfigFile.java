package kquant.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import kquant.JsonText;
import kquant.KquantException;

/** A model's JSON config given beside a weights-only file, as {@code model.to_json()} writes it. */
record JsonConfigFile(String text, String kerasVersion, String backend) {

    static JsonConfigFile read(Path path) {
        String text;
        try {
            text = JsonText.read(path, "model config");
        } catch (IOException e) {
            throw KquantException.of("%s: cannot read the model config: %s", path, e.getMessage());
        }
        return new JsonConfigFile(text, field(text, "keras_version", null), field(text, "backend", null));
    }

    /** A top-level text field of a JSON document, or {@code fallback}. */
    static String field(String json, String key, String fallback) {
        try {
            JsonNode n = new ObjectMapper().readTree(json).get(key);
            return n == null || n.isNull() ? fallback : n.asText();
        } catch (IOException e) {
            return fallback;
        }
    }
}
