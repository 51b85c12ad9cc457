package kquant.diagnose;

import java.nio.file.Path;
import kquant.KquantException;
import kquant.data.Sequences;
import kquant.model.Model;
import kquant.model.Shape;
import kquant.model.SimpleRnn;

/** Reads a user's numbers and decides, from their shape, what they can be compared with. */
public final class Loading {

    private Loading() {
        throw new AssertionError("No instances of Loading");
    }

    public static Numbers3d actual(Path file) {
        return ActualFile.load(file);
    }

    /** Outputs when the last axis has the output's units, else the state of the (given or first) SimpleRNN whose units fit. */
    public static Diff.What infer(Model m, Sequences x, Numbers3d a, Path file, String layer) {
        if (layer == null && a.units() == m.outputShape().features()) {
            return Diff.What.OUTPUT;
        }
        for (var l : m.layers()) {
            if (l instanceof SimpleRnn r && (layer == null || r.name().equals(layer)) && r.units() == a.units()) {
                return Diff.What.STATE;
            }
        }
        throw KquantException.of("%s: shape %s fits neither the model's outputs %s nor a SimpleRNN's states %s", file, a.shape(),
                outputs(m, x), states(m, x, layer));
    }

    /** Refuses numbers whose shape cannot be compared at all. */
    public static void checkShape(Model m, Sequences x, Numbers3d a, Diff.What w, String layer, Path file) {
        if (a.samples() != x.count()) {
            throw KquantException.of("%s: %d samples, but the data has %d", file, a.samples(), x.count());
        }
        if (w == Diff.What.STATE) {
            SimpleRnn r = Diff.recurrent(m, layer);
            if (a.units() != r.units() || a.steps() != x.timesteps()) {
                throw KquantException.of("%s: shape %s does not fit the states of %s %s", file, a.shape(), r.name(), states(m, x, r.name()));
            }
        } else {
            Shape out = m.outputShape();
            boolean fits = a.units() == out.features() && (a.steps() == (out.sequence() ? x.timesteps() : 1) || a.steps() == x.timesteps());
            if (!fits) {
                throw KquantException.of("%s: shape %s does not fit the model's outputs %s", file, a.shape(), outputs(m, x));
            }
        }
    }

    private static String outputs(Model m, Sequences x) {
        Shape out = m.outputShape();
        return out.sequence() ? "(" + x.count() + ", " + x.timesteps() + ", " + out.features() + ")" : "(" + x.count() + ", " + out.features() + ")";
    }

    private static String states(Model m, Sequences x, String layer) {
        for (var l : m.layers()) {
            if (l instanceof SimpleRnn r && (layer == null || r.name().equals(layer))) {
                return "(" + x.count() + ", " + x.timesteps() + ", " + r.units() + ")";
            }
        }
        return "(none: no SimpleRNN)";
    }
}
