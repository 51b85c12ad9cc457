package kquant.diagnose;

import java.nio.file.Path;
import kquant.KquantException;
import kquant.data.SequenceSource;
import kquant.model.Model;
import kquant.model.Recurrent;
import kquant.model.Shape;

/** Reads a user's numbers and decides, from their shape, what they can be compared with. */
public final class Loading {

    private Loading() {
        throw new AssertionError("No instances of Loading");
    }

    /** Opens the user's numbers: an {@code .npy} is read a block at a time, a CSV whole. */
    public static ActualNumbers actual(Path file) {
        return ActualFile.open(file);
    }

    /**
     * Outputs when the last axis has the output's units, else the state of the (given or first)
     * recurrent layer whose units fit. An LSTM's cell has the shape of its state, so cells are
     * compared only when asked for ({@code --what cell}).
     */
    public static Diff.What infer(Model m, SequenceSource x, ActualNumbers a, Path file, String layer) {
        if (layer == null && a.units() == m.outputShape().features()) {
            return Diff.What.OUTPUT;
        }
        for (var l : m.layers()) {
            if (l instanceof Recurrent r && (layer == null || r.name().equals(layer)) && r.units() == a.units()) {
                return Diff.What.STATE;
            }
        }
        throw KquantException.of("%s: shape %s fits neither the model's outputs %s nor a recurrent layer's states %s", file, a.shape(),
                outputs(m, x), states(m, x, layer));
    }

    /** Refuses numbers whose shape cannot be compared at all. */
    public static void checkShape(Model m, SequenceSource x, ActualNumbers a, Diff.What w, String layer, Path file) {
        if (a.samples() != x.count()) {
            throw KquantException.of("%s: %d samples, but the data has %d", file, a.samples(), x.count());
        }
        if (w == Diff.What.STATE || w == Diff.What.CELL) {
            Recurrent r = w == Diff.What.CELL ? Diff.lstm(m, layer) : Diff.recurrent(m, layer);
            String what = w == Diff.What.CELL ? "cell states" : "states";
            if (a.units() != r.units() || a.steps() != steps(m, r)) {
                throw KquantException.of("%s: shape %s does not fit the %s of %s %s", file, a.shape(), what, r.name(),
                        states(m, x, r.name()));
            }
        } else {
            Shape out = m.outputShape();
            boolean fits = a.units() == out.features() && (a.steps() == (out.sequence() ? x.timesteps() : 1) || a.steps() == x.timesteps());
            if (!fits) {
                throw KquantException.of("%s: shape %s does not fit the model's outputs %s", file, a.shape(), outputs(m, x));
            }
        }
    }

    private static String outputs(Model m, SequenceSource x) {
        Shape out = m.outputShape();
        return out.sequence() ? "(" + x.count() + ", " + x.timesteps() + ", " + out.features() + ")" : "(" + x.count() + ", " + out.features() + ")";
    }

    /** Every recurrent layer's states shape (or the named layer's), e.g. {@code lstm (40, 5, 32)}. */
    private static String states(Model m, SequenceSource x, String layer) {
        StringBuilder sb = new StringBuilder();
        for (var l : m.layers()) {
            if (l instanceof Recurrent r && (layer == null || r.name().equals(layer))) {
                sb.append(sb.length() == 0 ? "" : ", ").append(r.name()).append(' ')
                        .append("(" + x.count() + ", " + steps(m, r) + ", " + r.units() + ")");
            }
        }
        return sb.length() == 0 ? "(none)" : sb.toString();
    }

    /** The timesteps a recurrent layer runs: its input's, which a RepeatVector before it may set. */
    private static int steps(Model m, Recurrent r) {
        return m.inputShapeOf(m.layers().indexOf(r)).timesteps();
    }
}
