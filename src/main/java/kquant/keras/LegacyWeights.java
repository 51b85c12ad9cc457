package kquant.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.ArrayList;
import java.util.List;
import kquant.KquantException;

/**
 * The Keras 1/2 (and Keras 3 legacy {@code .h5}) layout: one group per layer under
 * {@code /model_weights} (full model) or the root (weights-only), whose {@code weight_names}
 * attribute lists the datasets in order, relative to the layer group. The names vary by version
 * ({@code kernel:0}, {@code kernel}, nested cell groups, {@code simplernn_1_W:0}), so they are
 * never parsed: only their order is used.
 */
final class LegacyWeights implements WeightStore {

    private final Group root;
    private final String file;
    private final long fileSize;

    LegacyWeights(Group root, String file, long fileSize) {
        this.root = root;
        this.file = file;
        this.fileSize = fileSize;
    }

    @Override
    public List<Array> arrays(LayerConfig layer, int position) {
        List<Array> out = new ArrayList<>();
        Node node = Hdf5.child(root, layer.name());
        if (!(node instanceof Group group)) {
            return out;
        }
        List<String> names = Hdf5.stringsAttribute(group, "weight_names");
        if (names == null) {
            return out;
        }
        for (String name : names) {
            Node ds = Hdf5.child(group, name);
            if (!(ds instanceof Dataset dataset)) {
                throw KquantException.of("%s: layer %s lists weight %s but %s/%s is not in the file",
                        file, layer.name(), name, group.getPath(), name);
            }
            out.add(Hdf5.array(dataset, file, fileSize));
        }
        return out;
    }
}
