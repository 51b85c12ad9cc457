package kquant.diagnose;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import kquant.KquantException;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.engine.ReferenceEngine;
import kquant.engine.Precision;
import kquant.engine.Trace;
import kquant.model.Layer;
import kquant.model.Lstm;
import kquant.model.Model;
import kquant.model.Normalization;
import kquant.model.Recurrent;

/**
 * Compares a user's own numbers with the reference (the float32 engine): where they first part
 * (sample, timestep, unit, both values) and how the error runs from there; then replays every
 * applicable {@link Fault} and ranks the variants by how closely they reproduce the user's numbers.
 */
public final class Diff {

    /** What the user's numbers are: the model's outputs, a recurrent layer's state h, or an LSTM's cell c. */
    public enum What { OUTPUT, STATE, CELL }

    /** The first value that differs from the reference by more than the tolerance. */
    public record Divergence(int sample, int step, int unit, double actual, double reference) {
    }

    /** How closely one variant reproduces the user's numbers. */
    public record Candidate(Variant variant, double maxDiff, double rmsDiff) {

        public Fault fault() {
            return variant.fault();
        }

        /** The fault's name, with the gate block for the faults that hit one. */
        public String label() {
            return variant.label();
        }
    }

    /**
     * The comparison's findings.
     *
     * @param tensor          what was compared, e.g. {@code dense/output}, {@code simple_rnn/state} or {@code lstm/cell}
     * @param maxDiff         largest difference from the reference (infinite when the shapes differ)
     * @param firstDivergence null when everything is within the tolerance
     * @param errorPerStep    largest difference from the reference at each step, over all samples
     * @param candidates      every variant whose numbers have the user's shape, closest first
     * @param skipped         faults that could be replayed with more input (e.g. --normalization), with why
     * @param notApplicable   faults this model cannot show (a GRU fault on an LSTM, a hard_sigmoid one on sigmoid gates), with why
     */
    public record Result(String tensor, String actualShape, String referenceShape, double tolerance, double maxDiff,
            Divergence firstDivergence, double[] errorPerStep, List<Candidate> candidates, List<String> skipped,
            List<String> notApplicable) {

        public boolean matches() {
            return maxDiff <= tolerance;
        }

        /**
         * The variant that explains the numbers: it reproduces them within the tolerance, or to 1% of
         * the reference's distance from them (a port in double, or a long sequence, drifts from the
         * float32 replay by more than the tolerance); a variant that is merely the closest is no
         * diagnosis. When the shapes differ, only the tolerance counts.
         */
        public Candidate diagnosis() {
            if (candidates.isEmpty() || matches()) {
                return null;
            }
            Candidate best = candidates.get(0);
            boolean reproduces = best.maxDiff() <= tolerance || Double.isFinite(maxDiff) && best.maxDiff() * 100 <= maxDiff;
            return reproduces ? best : null;
        }
    }

    private Diff() {
        throw new AssertionError("No instances of Diff");
    }

    /** Samples replayed together: large enough to keep both cores busy, small enough that a block of every tensor is little memory. */
    static final int BLOCK = 1024;

    /**
     * Runs the comparison, a block of samples at a time: memory does not grow with the number of samples.
     *
     * @param layer          for {@link What#STATE}: the recurrent layer, or null for the first; for
     *                       {@link What#CELL}: the LSTM, or null for the first
     * @param x              the inputs, standardized as in training
     * @param actual         the user's numbers, as many samples as {@code x}
     * @param normalization  the training standardization, for {@link Fault#INPUTS_NOT_NORMALISED}; may be null. When
     *                       it describes the outputs, outputs are compared in physical units: the user's numbers are
     *                       taken to be physical, and the reference's and every variant's are denormalized
     * @param progress       told the number of samples done after each block; may be null
     */
    public static Result compare(Model model, SequenceSource x, ActualNumbers actual, What what, String layer, double tolerance,
            Normalization normalization, IntConsumer progress) {
        String tensor = switch (what) {
            case STATE -> recurrent(model, layer).name() + "/state";
            case CELL -> lstm(model, layer).name() + "/cell";
            default -> lastTensor(model);
        };
        Normalization physical = what == What.OUTPUT && normalization != null && normalization.denormalizesOutputs() ? normalization : null;
        List<String> skipped = new ArrayList<>();
        List<String> notApplicable = new ArrayList<>();
        List<Replay> replays = new ArrayList<>();
        for (Fault f : Fault.values()) {
            String why = Applicability.whyNot(f, model, normalization);
            if (why != null) {
                String line = f.name().toLowerCase(java.util.Locale.ROOT) + ": " + why;
                (f == Fault.INPUTS_NOT_NORMALISED || !FaultyForward.supports(model) ? skipped : notApplicable).add(line);
                continue;
            }
            for (Variant v : Applicability.variants(f, model)) {
                replays.add(new Replay(v, model, tensor, what, normalization, physical));
            }
        }
        Replay reference = new Replay(Variant.NONE, model, tensor, what, normalization, physical);
        Divergence first = null;
        double[] perStep = null;
        for (int start = 0; start < x.count(); start += BLOCK) {
            int n = Math.min(BLOCK, x.count() - start);
            float[] values = x.read(start, n);
            DataFiles.checkFinite(values, start, x);
            Sequences block = new Sequences(x.name(), n, x.timesteps(), x.features(), x.sequence(), values);
            Numbers3d a = actual.read(start, n);
            Numbers3d r = reference.add(block, a);
            replays.parallelStream().forEach(rep -> rep.add(block, a));
            if (reference.sameShape) {
                perStep = perStep == null ? new double[r.steps()] : perStep;
                first = first != null ? first : firstDivergence(a, r, tolerance, start);
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < r.steps(); t++) {
                        for (int u = 0; u < r.units(); u++) {
                            double d = a.v()[i][t][u] - r.v()[i][t][u];
                            perStep[t] = Math.max(perStep[t], Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.abs(d));
                        }
                    }
                }
            }
            if (progress != null) {
                progress.accept(start + n);
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Replay rep : replays) {
            if (rep.sameShape) {
                candidates.add(new Candidate(rep.variant, rep.sums.max(), rep.sums.rms()));
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::rmsDiff));
        String referenceShape = ActualNumbers.shape(x.count(), reference.steps, reference.units);
        if (!reference.sameShape) {
            return new Result(tensor, actual.shape(), referenceShape, tolerance, Double.POSITIVE_INFINITY, null, new double[0], candidates, skipped,
                    notApplicable);
        }
        return new Result(tensor, actual.shape(), referenceShape, tolerance, reference.sums.max(), first, perStep, candidates, skipped,
                notApplicable);
    }

    /** The first value of the block more than {@code tolerance} from the reference (NaN always is), or null. */
    private static Divergence firstDivergence(Numbers3d a, Numbers3d r, double tolerance, int offset) {
        for (int i = 0; i < a.samples(); i++) {
            for (int t = 0; t < a.steps(); t++) {
                for (int u = 0; u < a.units(); u++) {
                    double d = a.v()[i][t][u] - r.v()[i][t][u];
                    if (Double.isNaN(d) || Math.abs(d) > tolerance) {
                        return new Divergence(offset + i, t, u, a.v()[i][t][u], r.v()[i][t][u]);
                    }
                }
            }
        }
        return null;
    }

    /**
     * One variant replayed over the samples in order, a block at a time: a port that carries its state
     * from one sequence to the next carries it across blocks too.
     */
    private static final class Replay {
        final Variant variant;
        private final Model model;
        private final String tensor;
        private final What what;
        private final Normalization normalization;
        private final Normalization physical;
        private final FaultyForward pass;
        private final Map<String, float[][]> carried = new HashMap<>();
        final DiffSums sums = new DiffSums();
        boolean sameShape = true;
        int steps = -1;
        int units;

        Replay(Variant v, Model model, String tensor, What what, Normalization normalization, Normalization physical) {
            this.variant = v;
            this.model = model;
            this.tensor = tensor;
            this.what = what;
            this.normalization = normalization;
            this.physical = physical;
            boolean plain = v == Variant.NONE || v.is(Fault.FLOAT64);
            this.pass = plain ? null : new FaultyForward(model, v.is(Fault.INPUTS_NOT_NORMALISED) ? Variant.NONE : v);
        }

        /** This variant's numbers for {@code x}, compared with the user's when the shapes agree; returns the numbers. */
        Numbers3d add(Sequences x, Numbers3d actual) {
            Numbers3d numbers = physical(numbers(x), physical);
            if (steps < 0) {
                steps = numbers.steps();
                units = numbers.units();
                sameShape = numbers.sameShape(actual);
            }
            if (sameShape) {
                sums.add(actual, numbers);
            }
            return numbers;
        }

        private Numbers3d numbers(Sequences x) {
            if (pass == null) {
                return reference(model, x, tensor, variant.is(Fault.FLOAT64) ? Precision.FLOAT64 : Precision.FLOAT32);
            }
            Sequences input = variant.is(Fault.INPUTS_NOT_NORMALISED) ? rawInputs(x, normalization) : x;
            double[][][] numbers = new double[x.count()][][];
            String layer = tensor.substring(0, tensor.lastIndexOf('/'));
            for (int i = 0; i < x.count(); i++) {
                FaultyForward.Result r = pass.run(input.sample(i), carried);
                numbers[i] = switch (what) {
                    case STATE -> r.states().get(layer);
                    case CELL -> r.cells().get(layer);
                    default -> r.output();
                };
            }
            return new Numbers3d(numbers);
        }
    }

    /** The raw values the standardized inputs came from: {@code x · scale + offset} per feature, in float32. */
    private static Sequences rawInputs(Sequences x, Normalization n) {
        float[] v = x.read(0, x.count());
        int f = x.features();
        for (int k = 0; k < v.length; k++) {
            Normalization.Feature feature = n.inputs().get(k % f);
            v[k] = (float) (v[k] * feature.scale() + feature.offset());
        }
        return new Sequences(x.name(), x.count(), x.timesteps(), f, x.sequence(), v);
    }

    /** Outputs in physical units, {@code y · scale + offset} per unit; as they are when {@code n} is null. */
    private static Numbers3d physical(Numbers3d y, Normalization n) {
        if (n == null) {
            return y;
        }
        double[][][] v = new double[y.samples()][][];
        for (int i = 0; i < v.length; i++) {
            v[i] = new double[y.v()[i].length][];
            for (int t = 0; t < v[i].length; t++) {
                v[i][t] = new double[y.v()[i][t].length];
                for (int u = 0; u < v[i][t].length; u++) {
                    Normalization.Feature f = n.outputs().get(u);
                    v[i][t][u] = y.v()[i][t][u] * f.scale() + f.offset();
                }
            }
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

    /** The recurrent layer named {@code layer}, or the first when null. */
    static Recurrent recurrent(Model model, String layer) {
        for (Layer l : model.layers()) {
            if (l instanceof Recurrent r && (layer == null || r.name().equals(layer))) {
                return r;
            }
        }
        throw KquantException.of(layer == null ? "the model has no recurrent layer, so it has no state to compare"
                : "--layer %s: the model has no recurrent layer of that name", layer);
    }

    /** The LSTM named {@code layer}, or the first when null. */
    static Lstm lstm(Model model, String layer) {
        for (Layer l : model.layers()) {
            if (l instanceof Lstm r && (layer == null || r.name().equals(layer))) {
                return r;
            }
        }
        throw KquantException.of(layer == null ? "--what cell: the model has no LSTM layer, so it has no cell state to compare"
                : "--layer %s: the model has no LSTM of that name, so no cell state to compare", layer);
    }

    private static String lastTensor(Model model) {
        Layer last = model.layers().get(model.layers().size() - 1);
        return last.name() + (last instanceof Recurrent ? "/state" : "/output");
    }
}
