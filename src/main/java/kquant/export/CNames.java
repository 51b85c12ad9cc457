package kquant.export;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import kquant.GeneratedText;
import kquant.KquantException;

/** C identifiers for the generated code: the user's prefix, and layer names made safe. */
final class CNames {

    private final String prefix;
    private final Map<String, String> layers = new HashMap<>();

    CNames(String prefix) {
        if (!prefix.matches("[A-Za-z_][A-Za-z0-9_]*") || GeneratedText.isCKeyword(prefix)) {
            throw KquantException.of("--prefix %s: not a valid C identifier (letters, digits and _, not starting with a digit, not a keyword)", prefix);
        }
        if (prefix.startsWith("kq_")) {
            throw KquantException.of("--prefix %s: names starting with kq_ belong to kquant's kernels", prefix);
        }
        this.prefix = prefix;
    }

    /** The default prefix for a model file: its stem, made a C identifier. */
    static String defaultPrefix(String modelFile) {
        String stem = modelFile.replaceFirst("\\.(h5|keras|hdf5)$", "").replaceFirst("\\.weights$", "");
        String id = stem.replaceAll("[^A-Za-z0-9_]", "_");
        if (id.isEmpty() || Character.isDigit(id.charAt(0)) || id.startsWith("kq_")) {
            id = "m_" + id;
        }
        return GeneratedText.cIdentifier(id);
    }

    String prefix() {
        return prefix;
    }

    String upper() {
        return prefix.toUpperCase(Locale.ROOT);
    }

    /** A layer's name as a C identifier, unique within the model. */
    String layer(String kerasName) {
        return layers.computeIfAbsent(kerasName, n -> {
            String id = GeneratedText.cIdentifier(n);
            String unique = id;
            for (int i = 2; layers.containsValue(unique); i++) {
                unique = id + "_" + i;
            }
            return unique;
        });
    }

    /** A global symbol: {@code <prefix>_<layer>_<what>}. */
    String global(String layerName, String what) {
        return prefix + "_" + layer(layerName) + "_" + what;
    }

    /** A macro: {@code <PREFIX>_<LAYER>_<WHAT>}. */
    String macro(String layerName, String what) {
        return (prefix + "_" + layer(layerName) + "_" + what).toUpperCase(Locale.ROOT);
    }
}
