package kquant.diagnose;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import kquant.KquantException;
import kquant.data.Sequences;
import kquant.engine.ReferenceEngine;
import kquant.engine.Precision;
import kquant.engine.Trace;
import kquant.model.Activation;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.SimpleRnn;

/**
 * Compares a user's own numbers with the reference (the float32 engine): where they first part
 * (sample, timestep, unit, both values) and how the error runs from there; then replays every
 * applicable {@link Fault} and ranks the variants by how closely they reproduce the user's numbers.
 */
public final class Diff {

    /** What the user's numbers are. */
    public enum What { OUTPUT, STATE }

    /** The first value that differs from the reference by more than the tolerance. */
    public record Divergence(int sample, int step, int unit, double actual, double reference) {
    }

    /** How closely one variant reproduces the user's numbers. */
    public record Candidate(Fault fault, double maxDiff, double rmsDiff) {
    }

    /**
     * The comparison's findings.
     *
     * @param tensor          what was compared, e.g. {@code dense/output} or {@code simple_rnn/state}
     * @param maxDiff         largest difference from the reference (infinite when the shapes differ)
     * @param firstDivergence null when everything is within the tolerance
     * @param errorPerStep    largest difference from the reference at each step, over all samples
     * @param candidates      every variant whose numbers have the user's shape, closest first
     * @param skipped         faults that could not be replayed, with why
     */
    public record Result(String tensor, String actualShape, String referenceShape, double tolerance, double maxDiff,
            Divergence firstDivergence, double[] errorPerStep, List<Candidate> candidates, List<String> skipped) {

        public boolean matches() {
            return maxDiff <= tolerance;
        }

        /** The variant that explains the numbers: reproduces them within tolerance, or 10 times better than the reference does. */
        public Candidate diagnosis() {
            if (candidates.isEmpty()) {
                return null;
            }
            Candidate best = candidates.get(0);
            boolean reproduces = best.maxDiff() <= tolerance || best.rmsDiff() * 10 < referenceRms();
            return reproduces && !matches() ? best : null;
        }

        double referenceRms() {
            double s = 0;
            for (double e : errorPerStep) {
                s = Math.max(s, e);
            }
            return s;
        }
    }

    private Diff() {
        throw new AssertionError("No instances of Diff");
    }

    /**
     * Runs the comparison.
     *
     * @param layer          for {@link What#STATE}: the recurrent layer, or null for the first
     * @param normalization  the training standardization, for {@link Fault#INPUTS_NOT_NORMALISED}; may be null
     */
    public static Result compare(Model model, Sequences x, Numbers3d actual, What what, String layer, double tolerance,
            Normalization normalization) {
        String tensor;
        if (what == What.STATE) {
            SimpleRnn rnn = recurrent(model, layer);
            tensor = rnn.name() + "/state";
        } else {
            tensor = lastTensor(model);
        }
        Numbers3d reference = reference(model, x, tensor, Precision.FLOAT32);
        List<String> skipped = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (Fault f : Fault.values()) {
            String why = notApplicable(f, model, normalization);
            if (why != null) {
                skipped.add(f.name().toLowerCase(java.util.Locale.ROOT) + ": " + why);
                continue;
            }
            Numbers3d variant = variant(f, model, x, tensor, what, normalization);
            if (variant.sameShape(actual)) {
                candidates.add(new Candidate(f, variant.maxDiff(actual), variant.rmsDiff(actual)));
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::rmsDiff));
        if (!reference.sameShape(actual)) {
            return new Result(tensor, actual.shape(), reference.shape(), tolerance, Double.POSITIVE_INFINITY, null, new double[0], candidates, skipped);
        }
        Divergence first = null;
        double[] perStep = new double[reference.steps()];
        for (int i = 0; i < actual.samples(); i++) {
            for (int t = 0; t < actual.steps(); t++) {
                for (int u = 0; u < actual.units(); u++) {
                    double a = actual.v()[i][t][u];
                    double r = reference.v()[i][t][u];
                    double d = Double.isNaN(a) ? Double.POSITIVE_INFINITY : Math.abs(a - r);
                    perStep[t] = Math.max(perStep[t], d);
                    if (d > tolerance && first == null) {
                        first = new Divergence(i, t, u, a, r);
                    }
                }
            }
        }
        return new Result(tensor, actual.shape(), reference.shape(), tolerance, reference.maxDiff(actual), first, perStep, candidates, skipped);
    }

    private static String notApplicable(Fault f, Model model, Normalization n) {
        boolean selu = model.layers().stream().anyMatch(l -> l instanceof SimpleRnn r && r.activation() == Activation.SELU);
        switch (f) {
            case ELU_INSTEAD_OF_SELU:
            case SELU_CONSTANTS_SWAPPED:
                return selu ? null : "the model has no SELU";
            case INPUTS_NOT_NORMALISED:
                return n == null ? "give --normalization with the training means and standard deviations" : null;
            case FLOAT64:
            case TIMESTEPS_REVERSED:
                return null;
            default:
                return FaultyForward.supports(model) ? null : "the model has layers the replay does not know (only SimpleRNN, Dense, Activation)";
        }
    }

    /** The numbers a port with fault {@code f} would produce, for the compared tensor. */
    static Numbers3d variant(Fault f, Model model, Sequences x, String tensor, What what, Normalization n) {
        if (f == Fault.FLOAT64) {
            return reference(model, x, tensor, Precision.FLOAT64);
        }
        Sequences input = f == Fault.INPUTS_NOT_NORMALISED ? n.denormalize(x) : x;
        FaultyForward pass = new FaultyForward(model, f == Fault.INPUTS_NOT_NORMALISED ? null : f);
        Map<String, float[]> carried = new HashMap<>();
        double[][][] v = new double[x.count()][][];
        String layer = tensor.substring(0, tensor.lastIndexOf('/'));
        for (int i = 0; i < x.count(); i++) {
            FaultyForward.Result r = pass.run(input.sample(i), carried);
            v[i] = what == What.STATE ? r.states().get(layer) : r.output();
        }
        return new Numbers3d(v);
    }

    /** The reference engine's values of {@code tensor} for every sample. */
    static Numbers3d reference(Model model, Sequences x, String tensor, Precision p) {
        ReferenceEngine engine = new ReferenceEngine(model, p);
        double[][][] v = new double[x.count()][][];
        IntStream.range(0, x.count()).parallel().forEach(i -> {
            Trace t = engine.trace(x.sample(i));
            v[i] = t.get(tensor);
        });
        return new Numbers3d(v);
    }

    static SimpleRnn recurrent(Model model, String layer) {
        for (Layer l : model.layers()) {
            if (l instanceof SimpleRnn r && (layer == null || r.name().equals(layer))) {
                return r;
            }
        }
        throw KquantException.of(layer == null ? "the model has no SimpleRNN layer, so it has no state to compare"
                : "no SimpleRNN layer named %s", layer);
    }

    private static String lastTensor(Model model) {
        Layer last = model.layers().get(model.layers().size() - 1);
        return last.name() + (last instanceof SimpleRnn ? "/state" : "/output");
    }
}
