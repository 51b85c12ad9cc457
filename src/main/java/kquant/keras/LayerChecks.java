package kquant.keras;

import java.util.Arrays;
import java.util.List;
import kquant.KquantException;
import kquant.model.Activation;
import kquant.model.Tensor;

/**
 * The checks every layer builder makes on a config and its stored arrays, each failing with one
 * line that names the file, the layer and what is wrong.
 */
final class LayerChecks {

    private final String file;
    private final KerasVersion version;

    LayerChecks(String file, KerasVersion version) {
        this.file = file;
        this.version = version;
    }

    String file() {
        return file;
    }

    KerasVersion version() {
        return version;
    }

    int units(LayerConfig c) {
        try {
            return c.integer("units", "output_dim");
        } catch (IllegalArgumentException e) {
            throw KquantException.of("%s: layer %s (%s) has no units in its config", file, c.name(), c.className());
        }
    }

    /** A Keras activation name, hard_sigmoid taking the formula of the version that saved the file. */
    Activation activation(LayerConfig c, String name) {
        Activation a = Activation.fromKeras(name, version.majorOr2());
        if (a == null) {
            throw KquantException.of("%s: layer %s (%s) uses activation '%s', which kquant does not support",
                    file, c.name(), c.className(), name);
        }
        return a;
    }

    void expectArrays(LayerConfig c, List<WeightStore.Array> arrays, int n, String what) {
        if (arrays.size() != n) {
            throw KquantException.of("%s: layer %s (%s) should have %d weight arrays (%s) but the file holds %d",
                    file, c.name(), c.className(), n, what, arrays.size());
        }
    }

    Tensor tensor(LayerConfig c, String name, String role, WeightStore.Array a) {
        float[] values = WeightChecks.values(file, c, name, a);
        try {
            return new Tensor(name, role, a.shape(), values);
        } catch (IllegalArgumentException e) {
            throw KquantException.of("%s: layer %s weight %s at %s has shape %s that does not match its %d values",
                    file, c.name(), name, a.path(), Arrays.toString(a.shape()), values.length);
        }
    }

    KquantException unsupportedOption(LayerConfig c, String option) {
        return KquantException.of("%s: layer %s (%s) uses option %s, which kquant does not support",
                file, c.name(), c.className(), option);
    }

    KquantException unsupportedOption(LayerConfig c, String option, String why) {
        return KquantException.of("%s: layer %s (%s) uses option %s, which kquant does not support: %s",
                file, c.name(), c.className(), option, why);
    }
}
