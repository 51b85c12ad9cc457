package kquant.calibrate;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import kquant.KquantException;
import kquant.Version;
import kquant.data.DataFiles;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.engine.Blocks;
import kquant.engine.FloatEngine;
import kquant.fixed.Format;
import kquant.fixed.Formats;
import kquant.fixed.Scheme;
import kquant.fixed.Storage;
import kquant.fixed.TensorNames;
import kquant.model.Activation;
import kquant.model.Dense;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.SimpleRnn;

/**
 * Picks every tensor's format: weights from their values, activations from statistics the float
 * engine gathers on the user's data, by one of the {@link Method}s.
 *
 * <p>With a hold-out fraction {@code h}, the last {@code h} of the samples are kept out of the
 * statistics and used to measure the model's output error instead ({@code search} needs them;
 * the other methods record the figure). The data streams through in chunks; only the held-out
 * samples the search evaluates on (at most {@value #HOLDOUT_CAP}) are kept in memory.
 */
public final class Calibrator {

    /** At most this many held-out samples are kept in memory for evaluating formats. */
    public static final int HOLDOUT_CAP = 4096;
    /** The hold-out fraction {@code search} uses when none is given. */
    public static final double DEFAULT_SEARCH_HOLDOUT = 0.2;

    /**
     * The calibrator's settings; {@link #defaults(Scheme)} gives the command line's defaults.
     *
     * @param percentile  for {@code percentile}: the share of magnitudes to hold, in percent
     * @param holdout     the share of samples held out, 0..1; negative for the method's default
     */
    public record Options(Scheme scheme, Method method, double percentile, double holdout, int headroomBits,
            boolean perUnitWeights, AccumulatorPolicy accumulators, double tableErrorLsb) {

        public static Options defaults(Scheme scheme) {
            return new Options(scheme, Method.MAXABS, 99.99, -1, 0, false, AccumulatorPolicy.AUTO, 1.0);
        }

        public Options withMethod(Method m) {
            return new Options(scheme, m, percentile, holdout, headroomBits, perUnitWeights, accumulators, tableErrorLsb);
        }

        public Options withHoldout(double h) {
            return new Options(scheme, method, percentile, h, headroomBits, perUnitWeights, accumulators, tableErrorLsb);
        }

        public Options withHeadroom(int bits) {
            return new Options(scheme, method, percentile, holdout, bits, perUnitWeights, accumulators, tableErrorLsb);
        }

        public Options withAccumulators(AccumulatorPolicy p) {
            return new Options(scheme, method, percentile, holdout, headroomBits, perUnitWeights, p, tableErrorLsb);
        }

        public Options withPerUnitWeights(boolean perUnit) {
            return new Options(scheme, method, percentile, holdout, headroomBits, perUnit, accumulators, tableErrorLsb);
        }

        /** The hold-out share in effect. */
        public double effectiveHoldout() {
            return holdout >= 0 ? holdout : method == Method.SEARCH ? DEFAULT_SEARCH_HOLDOUT : 0;
        }

        void check() {
            if (!(percentile > 50 && percentile <= 100)) {
                throw KquantException.of("--percentile %s: must be above 50 and at most 100", percentile);
            }
            if (!(effectiveHoldout() >= 0 && effectiveHoldout() < 1)) {
                throw KquantException.of("--holdout %s: must be at least 0 and below 1", holdout);
            }
            if (method == Method.SEARCH && effectiveHoldout() == 0) {
                throw KquantException.of("method search needs held-out data: give --holdout above 0");
            }
            if (headroomBits < 0 || headroomBits > 8) {
                throw KquantException.of("--headroom %d: must be between 0 and 8 bits", headroomBits);
            }
        }
    }

    private Calibrator() {
        throw new AssertionError("No instances of Calibrator");
    }

    /**
     * Calibrates {@code model} on {@code data}.
     *
     * @param progress  told the number of samples read so far; may be null
     */
    public static Calibration calibrate(Model model, SequenceSource data, Options o, IntConsumer progress) {
        o.check();
        DataFiles.checkFits(data, model.inputShape());
        int n = data.count();
        int held = (int) Math.round(n * o.effectiveHoldout());
        int used = n - held;
        if (o.effectiveHoldout() > 0 && (held < 1 || used < 1)) {
            throw KquantException.of("%s: %d samples are too few to hold out %s of them and keep some for statistics",
                    data.name(), n, Numbers2.percent(o.effectiveHoldout()));
        }
        Model m = model.withTimesteps(data.timesteps());
        FloatEngine reference = new FloatEngine(m);
        MessageDigest sha = Statistics.sha256();
        Statistics stats = Statistics.gather(reference, data, 0, used, sha, progress);
        Sequences holdout = held > 0 ? readHoldout(data, used, sha, progress) : null;
        DataSummary summary = new DataSummary(Statistics.fileName(data), n, data.timesteps(), data.features(), Statistics.hex(sha));

        Map<String, String> tied = tiedOutputs(m);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("headroom_bits", o.headroomBits());
        if (o.method() == Method.PERCENTILE || o.method() == Method.SEARCH) {
            params.put("percentile", o.percentile());
        }
        if (held > 0) {
            params.put("holdout", o.effectiveHoldout());
            params.put("holdout_samples", Math.min(held, HOLDOUT_CAP));
        }
        Calibration c = build(m, model, o, o.method() == Method.SEARCH ? Method.MAXABS : o.method(), stats, tied, summary, params);
        if (holdout == null) {
            return c;
        }
        Search search = new Search(m, holdout, Blocks.outputs(reference, holdout), tied, o.accumulators() == AccumulatorPolicy.INT32);
        if (o.method() != Method.SEARCH) {
            params.put("holdout_output_sqnr_db", round(search.sqnrDb(search.error(c.formats()))));
            return build(m, model, o, o.method(), stats, tied, summary, params);
        }
        // search: start from the best single-tensor rule on the held-out data
        Calibration start = c;
        double startError = search.error(c.formats());
        for (Method rule : new Method[] {Method.PERCENTILE, Method.MSE}) {
            Calibration other = build(m, model, o, rule, stats, tied, summary, params);
            double e = search.error(other.formats());
            if (e < startError) {
                start = other;
                startError = e;
            }
        }
        java.util.Set<String> weightNames = new java.util.HashSet<>();
        TensorNames.weights(m).forEach(e -> weightNames.add(e.name()));
        Search.Outcome out = search.refine(start.formats(), weightNames);
        params.put("start", start.method().name());
        params.put("start_holdout_sqnr_db", round(out.startSqnrDb()));
        params.put("holdout_output_sqnr_db", round(out.endSqnrDb()));
        params.put("rounds", out.rounds());
        Map<String, String> reasons = new LinkedHashMap<>();
        Calibration begin = start;
        out.moves().forEach((name, why) -> reasons.put(name, begin.tensors().get(name).reason() + "; " + why));
        return start.withFormats(out.formats(), new Calibration.Method(Method.SEARCH.cliName(), params), reasons);
    }

    private static double round(double db) {
        return Math.round(db * 100) / 100.0;
    }

    /** Reads the held-out samples, keeping the first {@link #HOLDOUT_CAP} of them in memory. */
    private static Sequences readHoldout(SequenceSource data, int from, MessageDigest sha, IntConsumer progress) {
        int keep = Math.min(HOLDOUT_CAP, data.count() - from);
        float[] kept = new float[keep * data.sampleSize()];
        int chunk = Statistics.chunk(data);
        for (int start = from; start < data.count(); start += chunk) {
            int n = Math.min(chunk, data.count() - start);
            float[] values = data.read(start, n);
            DataFiles.checkFinite(values, start, data);
            Statistics.hash(sha, values);
            int offset = start - from;
            if (offset < keep) {
                int copy = Math.min(n, keep - offset);
                System.arraycopy(values, 0, kept, offset * data.sampleSize(), copy * data.sampleSize());
            }
            if (progress != null) {
                progress.accept(start + n);
            }
        }
        return new Sequences(data.name(), keep, data.timesteps(), data.features(), data.sequence(), kept);
    }

    private static Calibration build(Model m, Model original, Options o, Method rule, Statistics stats, Map<String, String> tied,
            DataSummary summary, Map<String, Object> params) {
        Map<String, Format> weights = WeightFormats.choose(m, o.scheme(), o.perUnitWeights(), o.accumulators());
        Map<String, Calibration.Choice> choices = new LinkedHashMap<>();
        for (TensorNames.Entry e : TensorNames.of(m)) {
            if (e.weight()) {
                Format f = weights.get(e.name());
                Range r = Range.of(weightValues(m, e.name()));
                choices.put(e.name(), new Calibration.Choice(e.name(), true, f, r, weightReason(r, f, o)));
            } else if (tied.containsKey(e.name())) {
                Calibration.Choice z = choices.get(tied.get(e.name()));
                TensorStatistics s = stats.get(e.name());
                choices.put(e.name(), new Calibration.Choice(e.name(), false, z.format(), s.overall(),
                        "same format as " + tied.get(e.name()) + " (the activation keeps the range)",
                        ActivationFormats.describe(s, o.scheme().activations())));
            } else {
                TensorStatistics s = stats.get(e.name());
                Storage type = e.cell() ? o.scheme().cells() : o.scheme().activations();
                ActivationFormats.Decision d = ActivationFormats.choose(rule, s, type, o.percentile(), o.headroomBits());
                choices.put(e.name(), new Calibration.Choice(e.name(), false, Format.of(d.fracBits()), s.overall(), d.reason(), d.details()));
            }
        }
        return new Calibration("kquant " + Version.get(), new Calibration.ModelRef(original.source().file(), original.weightsSha256()),
                o.scheme(), new Calibration.Method(rule.cliName(), params), summary, o.perUnitWeights(), o.accumulators(),
                o.tableErrorLsb(), choices);
    }

    /**
     * Output tensors that take their pre-activation's format: linear and relu only move the range
     * or cut it, so the same format holds them and the activation needs no rounding at all.
     */
    static Map<String, String> tiedOutputs(Model m) {
        Map<String, String> tied = new LinkedHashMap<>();
        for (TensorNames.Entry e : TensorNames.of(m)) {
            if (e.tiedTo() != null) {
                tied.put(e.name(), e.tiedTo());
            }
        }
        return tied;
    }

    static float[] weightValues(Model m, String tensor) {
        String layer = tensor.substring(0, tensor.lastIndexOf('/'));
        String name = tensor.substring(tensor.lastIndexOf('/') + 1);
        for (kquant.model.Tensor t : m.layer(layer).weights()) {
            if (t.name().equals(name)) {
                return t.values();
            }
        }
        throw new IllegalArgumentException(tensor);
    }

    private static String weightReason(Range r, Format f, Options o) {
        String base = String.format(Locale.ROOT, "max |w| = %.4g", r.maxAbs());
        if (f.isPerUnit()) {
            return base + "; per-unit formats Q" + f.min() + "..Q" + f.max();
        }
        return base + "; Q" + f.bits() + (o.accumulators() == AccumulatorPolicy.INT32 ? " (made int32-safe if needed)" : "");
    }

    /** Small text helpers for messages. */
    private static final class Numbers2 {
        static String percent(double share) {
            return kquant.Numbers.format(share * 100, 4) + "%";
        }
    }
}
