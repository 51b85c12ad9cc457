package kquant.diagnose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The diff's findings for people: where the numbers part, the error from there on, and the diagnosis. */
public final class DiffText {

    private DiffText() {
        throw new AssertionError("No instances of DiffText");
    }

    public static String of(Diff.Result r, String actualFile, String dataFile) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "compared %s %s with the float32 engine's %s %s on %s (tolerance %s)%n", actualFile,
                r.actualShape(), r.tensor(), r.referenceShape(), dataFile, num(r.tolerance())));
        if (!r.actualShape().equals(r.referenceShape())) {
            sb.append(String.format(Locale.ROOT, "the shapes differ: yours is %s, the model's %s is %s%n", r.actualShape(), r.tensor(),
                    r.referenceShape()));
        } else if (r.matches()) {
            sb.append(String.format(Locale.ROOT, "MATCH: every value is within %s of the reference (largest difference %s)%n",
                    num(r.tolerance()), num(r.maxDiff())));
        } else {
            Diff.Divergence d = r.firstDivergence();
            sb.append(String.format(Locale.ROOT, "DIFFER: they first part at sample %d, timestep %d, unit %d of %s: yours %s, reference %s "
                    + "(difference %s)%n", d.sample(), d.step(), d.unit(), r.tensor(), num(d.actual()), num(d.reference()),
                    num(Math.abs(d.actual() - d.reference()))));
            sb.append("largest difference at each timestep from there on:");
            for (int t = d.step(); t < r.errorPerStep().length; t++) {
                sb.append(String.format(Locale.ROOT, " step %d: %s;", t, num(r.errorPerStep()[t])));
            }
            sb.setLength(sb.length() - 1);
            sb.append(String.format("%n"));
        }
        Diff.Candidate best = r.diagnosis();
        if (best != null) {
            sb.append(String.format(Locale.ROOT, "DIAGNOSIS: %s: %s.%n", best.label(), best.fault().sentence()));
            sb.append(String.format(Locale.ROOT, "  evidence: a port with that fault gives your numbers to within %s (RMS %s)%s%n",
                    num(best.maxDiff()), num(best.rmsDiff()),
                    Double.isFinite(r.maxDiff()) ? ", while the reference is " + num(r.maxDiff()) + " away" : ", and has your shape"));
        } else if (!r.matches()) {
            sb.append("no known fault reproduces your numbers; compare intermediates with kquant trace to find the first tensor that parts\n");
        } else if (!r.candidates().isEmpty() && r.candidates().get(0).fault() == Fault.FLOAT64
                && r.candidates().get(0).maxDiff() * 10 < r.maxDiff()) {
            sb.append(String.format(Locale.ROOT, "note: your numbers are closest to the float64 engine (within %s): %s.%n",
                    num(r.candidates().get(0).maxDiff()), Fault.FLOAT64.sentence()));
        }
        if (!r.candidates().isEmpty()) {
            sb.append("variants, closest first (RMS difference from your numbers):");
            int shown = 0;
            for (Diff.Candidate c : r.candidates()) {
                if (shown++ == 5) {
                    break;
                }
                sb.append(String.format(Locale.ROOT, " %s %s;", c.label(), num(c.rmsDiff())));
            }
            sb.setLength(sb.length() - 1);
            sb.append(String.format("%n"));
        }
        // one line per reason: "not applicable (the model has no GRU): gru_gate_order_rzh, gru_z_swapped"
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (String s : r.notApplicable()) {
            int colon = s.indexOf(": ");
            byReason.computeIfAbsent(s.substring(colon + 2), k -> new ArrayList<>()).add(s.substring(0, colon));
        }
        byReason.forEach((why, faults) -> sb.append(String.format("not applicable (%s): %s%n", why, String.join(", ", faults))));
        for (String s : r.skipped()) {
            sb.append("not checked: ").append(s).append(String.format("%n"));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return kquant.Numbers.format(v, 4);
    }
}
