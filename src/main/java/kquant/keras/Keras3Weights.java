package kquant.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Keras 3 layout of {@code model.weights.h5} (inside a {@code .keras} zip, or saved alone by
 * {@code save_weights}): positional datasets under {@code layers/<path>/vars/<i>}, with an RNN's
 * under {@code layers/<path>/cell/vars} and a wrapper's under {@code layers/<path>/layer/vars}.
 *
 * <p>{@code <path>} comes from the layer's class, not its name: {@code SimpleRNN} is stored as
 * {@code simple_rnn}, the next one as {@code simple_rnn_1}, and so on. Keras 3.9 and later also
 * write the config name as an attribute {@code name} on each {@code vars} group; when present it
 * is used, since it survives layers being reordered.
 */
final class Keras3Weights implements WeightStore {

    private final Group layers;
    private final String file;
    private final long fileSize;
    private final Map<String, String> pathByConfigName = new HashMap<>();
    private final Map<Integer, String> pathByPosition = new HashMap<>();

    Keras3Weights(Group root, List<LayerConfig> configs, String file, long fileSize) {
        this.file = file;
        this.fileSize = fileSize;
        Node l = Hdf5.child(root, "layers");
        this.layers = l instanceof Group g ? g : null;
        if (layers != null) {
            for (Node child : layers.getChildren().values()) {
                Node vars = Hdf5.child((Group) child, "vars");
                String name = vars == null ? null : Hdf5.stringAttribute(vars, "name");
                if (name != null && child instanceof Group) {
                    pathByConfigName.put(name, child.getName());
                }
            }
        }
        Map<String, Integer> used = new HashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            String base = snakeCase(configs.get(i).className());
            int n = used.merge(base, 1, Integer::sum) - 1;
            pathByPosition.put(i, n == 0 ? base : base + "_" + n);
        }
    }

    /** Keras 3's {@code naming.to_snake_case}: {@code SimpleRNN} → {@code simple_rnn}. */
    static String snakeCase(String className) {
        String s = className.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public List<Array> arrays(LayerConfig layer, int position) {
        List<Array> out = new ArrayList<>();
        if (layers == null) {
            return out;
        }
        String path = pathByConfigName.getOrDefault(layer.name(), pathByPosition.get(position));
        Node node = path == null ? null : Hdf5.child(layers, path);
        if (!(node instanceof Group group)) {
            return out;
        }
        for (String sub : new String[] {"vars", "cell/vars", "layer/vars", "layer/cell/vars"}) {
            Node vars = Hdf5.child(group, sub);
            if (vars instanceof Group varsGroup) {
                // datasets are named 0, 1, 2...; HDF5 lists them alphabetically, so sort numerically
                TreeMap<Integer, Dataset> ordered = new TreeMap<>();
                for (Node n : varsGroup.getChildren().values()) {
                    if (n instanceof Dataset ds && n.getName().matches("\\d+")) {
                        ordered.put(Integer.parseInt(n.getName()), ds);
                    }
                }
                for (Dataset ds : ordered.values()) {
                    out.add(Hdf5.array(ds, file, fileSize));
                }
            }
        }
        return out;
    }
}
