package kquant.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kquant.Hdf5Files;
import kquant.KquantException;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.ModelSource;

/**
 * Loads a Keras model file into a {@link Model}.
 *
 * <p>Three kinds of file are recognised by their content, not their name:
 * <ul>
 *   <li>a legacy HDF5 full model ({@code model.save("m.h5")}, Keras 1.2 to 3.x): the config is
 *       the root attribute {@code model_config}, the weights are under {@code model_weights};</li>
 *   <li>a weights-only HDF5 ({@code save_weights}), which needs the model's JSON config
 *       ({@code to_json()}) as a second file;</li>
 *   <li>a Keras 3 {@code .keras} zip holding {@code config.json}, {@code metadata.json} and
 *       {@code model.weights.h5}.</li>
 * </ul>
 */
public final class KerasLoader {

    /** The version recorded for a Keras 3 weights-only file whose config does not say one either. */
    static final String KERAS3_INFERRED = "3 (inferred from the Keras 3 weights layout)";

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private KerasLoader() {
        throw new AssertionError("No instances of KerasLoader");
    }

    /** Loads a full model file (.h5 or .keras). */
    public static Model load(Path file) {
        return load(file, null);
    }

    /**
     * Loads a model.
     *
     * @param file        the .h5, .weights.h5 or .keras file
     * @param configJson  the model's JSON config for a weights-only file, else null
     * @throws KquantException naming the file and the problem when the file cannot be used
     */
    public static Model load(Path file, Path configJson) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw KquantException.of("%s: model file not found", file);
        }
        byte[] head = readHead(file);
        if (startsWith(head, new byte[] {'P', 'K', 3, 4})) {
            return loadKerasZip(file, name);
        }
        if (startsWith(head, HDF5_SIGNATURE)) {
            return loadHdf5(file, name, configJson);
        }
        throw KquantException.of("%s: not a Keras model file (neither HDF5 nor a .keras zip)", file);
    }

    private static Model loadHdf5(Path file, String name, Path configJson) {
        try (HdfFile h5 = Hdf5Files.open(file)) {
            long size = h5.size();
            String modelConfig = Hdf5.stringAttribute(h5, "model_config");
            String version = Hdf5.stringAttribute(h5, "keras_version");
            String backend = Hdf5.stringAttribute(h5, "backend");
            if (modelConfig != null && configJson == null) {
                Group weights = h5.getChildren().get("model_weights") instanceof Group g ? g : h5;
                ModelSource src = new ModelSource(fileName(file), "legacy HDF5", orUnknown(version), orUnknown(backend));
                return build(name, modelConfig, src, configs -> new LegacyWeights(weights, name, size));
            }
            boolean keras2WeightsOnly = Hdf5.stringsAttribute(h5, "layer_names") != null;
            boolean keras3WeightsOnly = h5.getChildren().get("layers") instanceof Group;
            if (!keras2WeightsOnly && !keras3WeightsOnly && modelConfig == null) {
                throw KquantException.of("%s: HDF5 file but not a Keras model (no model_config attribute, no layer_names, no layers group)", file);
            }
            if (configJson == null) {
                throw KquantException.of("%s: holds weights only; give the model's JSON config (model.to_json()) with --config", file);
            }
            JsonConfigFile json = JsonConfigFile.read(configJson);
            String v = version != null ? version : json.kerasVersion();
            if (v == null && keras3WeightsOnly && !keras2WeightsOnly) {
                // only Keras 3 (and tf.keras 2.13+, whose to_json records its version) writes layers/<name>/vars
                v = KERAS3_INFERRED;
            }
            String b = backend != null ? backend : json.backend();
            ModelSource src = new ModelSource(fileName(file), "weights-only HDF5 + " + configJson.getFileName(), orUnknown(v), orUnknown(b));
            if (keras3WeightsOnly && !keras2WeightsOnly) {
                return build(name, json.text(), src, configs -> new Keras3Weights(h5, configs, name, size));
            }
            Group weights = h5.getChildren().get("model_weights") instanceof Group g ? g : h5;
            return build(name, json.text(), src, configs -> new LegacyWeights(weights, name, size));
        } catch (RuntimeException e) {
            throw Hdf5Files.refusal(name, e);
        }
    }

    private static Model loadKerasZip(Path file, String name) {
        try (KerasZip zip = new KerasZip(file)) {
            String config = zip.text("config.json");
            String version = zip.has("metadata.json") ? JsonConfigFile.field(zip.text("metadata.json"), "keras_version", "unknown") : "unknown";
            ModelSource src = new ModelSource(fileName(file), "Keras 3 .keras", version, "unknown");
            String weightsName = name + ":model.weights.h5";
            byte[] weights = zip.bytes("model.weights.h5", WeightChecks.maxFileBytes(new ConfigReader(name).read(config)));
            try (HdfFile h5 = Hdf5Files.fromBytes(weights, weightsName)) {
                return build(name, config, src, configs -> new Keras3Weights(h5, configs, weightsName, weights.length));
            } catch (RuntimeException e) {
                throw Hdf5Files.refusal(weightsName, e);
            }
        }
    }

    private interface StoreFactory {
        WeightStore create(List<LayerConfig> configs);
    }

    private static Model build(String file, String configJson, ModelSource src, StoreFactory stores) {
        ConfigReader.ModelConfig cfg = new ConfigReader(file).read(configJson);
        WeightStore store = stores.create(cfg.layers());
        LayerFactory factory = new LayerFactory(file, KerasVersion.parse(src.kerasVersion()));
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < cfg.layers().size(); i++) {
            LayerConfig c = cfg.layers().get(i);
            try {
                layers.add(factory.build(c, store.arrays(c, i)));
            } catch (KquantException e) {
                throw withFile(file, e);
            }
        }
        try {
            return new Model(cfg.name(), src, cfg.inputShape(), layers);
        } catch (KquantException e) {
            throw withFile(file, e);
        }
    }

    private static KquantException withFile(String file, KquantException e) {
        return e.getMessage().startsWith(file + ":") ? e : new KquantException(file + ": " + e.getMessage());
    }

    private static String fileName(Path file) {
        return file.getFileName().toString();
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "unknown" : s;
    }

    private static byte[] readHead(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        } catch (IOException e) {
            throw KquantException.of("%s: cannot read: %s", file, e.getMessage());
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
