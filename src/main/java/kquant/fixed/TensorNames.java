package kquant.fixed;

import java.util.ArrayList;
import java.util.List;
import kquant.model.Activation;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Gru;
import kquant.model.Layer;
import kquant.model.Lstm;
import kquant.model.Model;
import kquant.model.Recurrent;
import kquant.model.SimpleRnn;

/**
 * The tensors of a model that carry a number format, by the names the trace, the calibration
 * file, the report and the exported C use: {@code input}, then per layer {@code <layer>/<tensor>}:
 * <ul>
 *   <li>SimpleRNN: weights {@code kernel}, {@code recurrent_kernel}, {@code bias}; {@code preact},
 *       {@code state};</li>
 *   <li>LSTM: the same weights; per gate {@code i}, {@code f}, {@code g} (the cell candidate),
 *       {@code o} its {@code <gate>_preact} and its output {@code <gate>}; {@code cell} (c_t),
 *       {@code cell_act} (act(c_t)), {@code state} (h_t);</li>
 *   <li>GRU: the same weights (bias {@code (2, 3u)} with {@code reset_after}); per gate {@code z},
 *       {@code r}, {@code hh} (the candidate) its {@code _preact} and output;
 *       {@code hh_recurrent} (with {@code reset_after}: {@code h·U_h + b_rec_h}, what r
 *       multiplies); {@code state};</li>
 *   <li>Dense: {@code kernel}, {@code bias}, {@code preact}, {@code output}; Activation: {@code output}.</li>
 * </ul>
 */
public final class TensorNames {

    /**
     * One named tensor: a weight (its format comes from its values) or an activation (from data).
     *
     * @param units   output units of a weight (its per-unit formats), or the tensor's width
     * @param cell    true for an LSTM cell state, stored as int16 in every scheme
     * @param tiedTo  for the output of a linear or relu activation: the pre-activation whose format it
     *                takes (the activation keeps or cuts the range, so it needs no rounding); else null
     */
    public record Entry(String name, String layer, boolean weight, int units, boolean cell, String tiedTo) {
    }

    private TensorNames() {
        throw new AssertionError("No instances of TensorNames");
    }

    public static List<Entry> of(Model model) {
        List<Entry> out = new ArrayList<>();
        out.add(new Entry("input", "", false, model.inputShape().features(), false, null));
        for (Layer l : model.layers()) {
            String n = l.name() + "/";
            if (l instanceof Recurrent r) {
                weights(out, n, true, r.gates() * r.units(), r.useBias() ? r.bias().size() : 0, l.name());
            }
            if (l instanceof SimpleRnn r) {
                gate(out, n, "preact", "state", r.activation(), r.units(), l.name());
            } else if (l instanceof Lstm r) {
                for (String g : Lstm.GATES) {
                    Activation a = g.equals("g") ? r.activation() : r.recurrentActivation();
                    gate(out, n, g + "_preact", g, a, r.units(), l.name());
                }
                out.add(new Entry(n + "cell", l.name(), false, r.units(), true, null));
                out.add(new Entry(n + "cell_act", l.name(), false, r.units(), false,
                        keepsRange(r.activation()) ? n + "cell" : null));
                out.add(new Entry(n + "state", l.name(), false, r.units(), false, null));
            } else if (l instanceof Gru r) {
                for (String g : Gru.GATES) {
                    Activation a = g.equals("hh") ? r.activation() : r.recurrentActivation();
                    gate(out, n, g + "_preact", g, a, r.units(), l.name());
                }
                if (r.resetAfter()) {
                    out.add(new Entry(n + "hh_recurrent", l.name(), false, r.units(), false, null));
                }
                out.add(new Entry(n + "state", l.name(), false, r.units(), false, null));
            } else if (l instanceof Dense d) {
                weights(out, n, false, d.units(), d.useBias() ? d.units() : 0, l.name());
                gate(out, n, "preact", "output", d.activation(), d.units(), l.name());
            } else if (l instanceof ActivationLayer a) {
                out.add(new Entry(n + "output", l.name(), false, 0, false, null));
            }
        }
        return out;
    }

    private static void weights(List<Entry> out, String n, boolean recurrent, int units, int biasSize, String layer) {
        out.add(new Entry(n + "kernel", layer, true, units, false, null));
        if (recurrent) {
            out.add(new Entry(n + "recurrent_kernel", layer, true, units, false, null));
        }
        if (biasSize > 0) {
            out.add(new Entry(n + "bias", layer, true, biasSize, false, null));
        }
    }

    /** A pre-activation and the activation output computed from it. */
    private static void gate(List<Entry> out, String n, String preact, String output, Activation a, int units, String layer) {
        out.add(new Entry(n + preact, layer, false, units, false, null));
        out.add(new Entry(n + output, layer, false, units, false, keepsRange(a) ? n + preact : null));
    }

    private static boolean keepsRange(Activation a) {
        return a == Activation.LINEAR || a == Activation.RELU;
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
