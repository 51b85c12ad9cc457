package kquant.fixed;

import java.util.ArrayList;
import java.util.List;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.SimpleRnn;

/**
 * The tensors of a model that carry a number format, by the names the trace, the calibration
 * file, the report and the exported C use: {@code input}; per SimpleRNN {@code kernel},
 * {@code recurrent_kernel}, {@code bias}, {@code preact}, {@code state}; per Dense
 * {@code kernel}, {@code bias}, {@code preact}, {@code output}; per Activation {@code output}.
 */
public final class TensorNames {

    /** One named tensor: a weight (its format comes from its values) or an activation (from data). */
    public record Entry(String name, String layer, boolean weight, int units) {
    }

    private TensorNames() {
        throw new AssertionError("No instances of TensorNames");
    }

    public static List<Entry> of(Model model) {
        List<Entry> out = new ArrayList<>();
        out.add(new Entry("input", "", false, model.inputShape().features()));
        for (Layer l : model.layers()) {
            String n = l.name() + "/";
            if (l instanceof SimpleRnn r) {
                out.add(new Entry(n + "kernel", l.name(), true, r.units()));
                out.add(new Entry(n + "recurrent_kernel", l.name(), true, r.units()));
                if (r.useBias()) {
                    out.add(new Entry(n + "bias", l.name(), true, r.units()));
                }
                out.add(new Entry(n + "preact", l.name(), false, r.units()));
                out.add(new Entry(n + "state", l.name(), false, r.units()));
            } else if (l instanceof Dense d) {
                out.add(new Entry(n + "kernel", l.name(), true, d.units()));
                if (d.useBias()) {
                    out.add(new Entry(n + "bias", l.name(), true, d.units()));
                }
                out.add(new Entry(n + "preact", l.name(), false, d.units()));
                out.add(new Entry(n + "output", l.name(), false, d.units()));
            } else if (l instanceof ActivationLayer a) {
                out.add(new Entry(n + "output", l.name(), false, 0));
            }
        }
        return out;
    }

    /** Only the activations (the tensors whose format the data decides). */
    public static List<Entry> activations(Model model) {
        return of(model).stream().filter(e -> !e.weight()).toList();
    }

    /** Only the weights. */
    public static List<Entry> weights(Model model) {
        return of(model).stream().filter(Entry::weight).toList();
    }
}
