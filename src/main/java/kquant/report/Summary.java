package kquant.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kquant.GeneratedText;
import kquant.engine.SideBySide;
import kquant.fixed.Scheme;

/**
 * The few sentences at the top of the report: how each calibration does, the tensor and the
 * timestep that lose most, whether the error grows with time, and what to try next.
 */
final class Summary {

    private Summary() {
        throw new AssertionError("No instances of Summary");
    }

    static List<String> of(Analysis a) {
        List<String> out = new ArrayList<>();
        for (Analysis.Run r : a.runs) {
            SideBySide.TensorError o = r.result().output();
            long sats = r.result().saturations().total();
            out.add(String.format(Locale.ROOT, "%s: output SQNR %s against the float32 engine, largest error %.3g, %s.", GeneratedText.label(r.label()),
                    db(o.sqnrDb()), o.maxAbs(), sats == 0 ? "no value clipped" : sats + " values clipped"));
            if (a.units.physical()) {
                out.add(physical(a, r));
            }
        }
        // the internal tensor that loses most, over every calibration (errors add up towards the
        // output, so the output itself is always worst and says nothing about where they start)
        String outputTensor = a.runs.get(0).result().output().tensor();
        String outputLayer = outputTensor.substring(0, outputTensor.lastIndexOf('/') + 1);
        Analysis.Run worstRun = a.runs.get(0);
        SideBySide.TensorError worst = null;
        for (Analysis.Run r : a.runs) {
            for (SideBySide.TensorError e : r.result().errors().values()) {
                boolean internal = !kquant.engine.Trace.isPartialSum(e.tensor()) && !e.tensor().startsWith(outputLayer);
                if (internal && !Double.isNaN(e.sqnrDb()) && (worst == null || e.sqnrDb() < worst.sqnrDb())) {
                    worst = e;
                    worstRun = r;
                }
            }
        }
        if (worst != null) {
            out.add(String.format(Locale.ROOT, "Worst tensor before the output layer: %s in %s, %s.", GeneratedText.label(worst.tensor()),
                    GeneratedText.label(worstRun.label()),
                    db(worst.sqnrDb())));
        }
        for (String state : a.errorTensors()) {
            if (!state.endsWith("/state")) {
                continue;
            }
            SideBySide.TensorError e = worstRun.result().errors().get(state);
            int worstStep = 0;
            for (int t = 1; t < e.steps(); t++) {
                if (e.rms(t) > e.rms(worstStep)) {
                    worstStep = t;
                }
            }
            double growth = e.rms(e.steps() - 1) / e.rms(0);
            out.add(String.format(Locale.ROOT, "Worst timestep of %s: step %d (RMS error %.3g in %s). %s", GeneratedText.label(state),
                    worstStep, e.rms(worstStep), GeneratedText.label(worstRun.label()), growth > 1.5
                            ? String.format(Locale.ROOT, "The error grows with time: %.1f times larger at the last step than at the first.", growth)
                            : growth < 0.67 ? "The error shrinks with time." : "The error does not grow with time."));
        }
        out.addAll(advice(a));
        return out;
    }

    /** One calibration's error per output in physical units, against float32 and against the true values. */
    private static String physical(Analysis a, Analysis.Run r) {
        StringBuilder sb = new StringBuilder(r.label()).append(" in physical units: largest error against float32 ");
        for (int u = 0; u < r.perUnit().size(); u++) {
            sb.append(u == 0 ? "" : ", ").append(a.units.name(u)).append(' ')
                    .append(String.format(Locale.ROOT, "%.3g", r.perUnit().get(u).maxAbs())).append(unit(a, u));
        }
        if (r.taskPerUnit() != null) {
            sb.append("; against the true values, mean (largest) error ");
            for (int u = 0; u < r.taskPerUnit().size(); u++) {
                Metrics m = r.taskPerUnit().get(u);
                sb.append(u == 0 ? "" : ", ").append(a.units.name(u)).append(' ')
                        .append(String.format(Locale.ROOT, "%.3g (%.3g)", m.mae(), m.maxAbs())).append(unit(a, u));
            }
        }
        return sb.append('.').toString();
    }

    private static String unit(Analysis a, int u) {
        return a.outputUnit(u).isEmpty() ? "" : " " + a.outputUnit(u);
    }

    private static List<String> advice(Analysis a) {
        List<String> out = new ArrayList<>();
        for (Analysis.Run r : a.runs) {
            Scheme s = r.calibration().scheme();
            double db = r.result().output().sqnrDb();
            String name = GeneratedText.label(r.file().getFileName().toString());
            if (r.result().saturations().total() > 0) {
                out.add("Try: " + name + " clips " + r.result().saturations().total() + " values on this data; if such data is "
                        + "typical, kquant calibrate --headroom 1 gives activations twice the range (at half the precision: compare both).");
            }
            if (s == Scheme.Q7 && db < 30) {
                out.add("Try: " + name + " (q7) is below 30 dB; a16w8 keeps int8 weights (the same flash) with int16 activations, "
                        + "and q15 is finer still.");
            }
            if (!r.calibration().method().name().equals("search")) {
                out.add("Try: " + name + " was calibrated with " + r.calibration().method().name() + "; --method search starts from the best "
                        + "single-tensor rule on held-out data and refines it.");
            }
            if (!r.calibration().perUnitWeights() && s.weights().bits() == 8) {
                out.add("Try: " + name + " has one format per weight tensor; --per-unit gives each output unit its own.");
            }
        }
        if (out.isEmpty()) {
            out.add("Nothing to fix: every calibration is clean on this data.");
        }
        return out;
    }

    static String db(double v) {
        return Double.isInfinite(v) ? "exact (no error)" : Double.isNaN(v) ? "no signal" : String.format(Locale.ROOT, "%.1f dB", v);
    }
}
