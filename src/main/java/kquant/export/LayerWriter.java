package kquant.export;

import java.util.Locale;
import kquant.GeneratedText;
import kquant.fixed.ActivationKernel;
import kquant.fixed.ActivationTable;
import kquant.fixed.QActivation;
import kquant.fixed.QBias;
import kquant.fixed.QDense;
import kquant.fixed.QGru;
import kquant.fixed.QLstm;
import kquant.fixed.QLayer;
import kquant.fixed.QMatrix;
import kquant.fixed.QSimpleRnn;
import kquant.fixed.Scheme;
import kquant.fixed.Storage;

/**
 * Writes one C function per layer into {@code <prefix>_model.c}: the dot products of
 * kq_matvec_*.h on whole weight matrices, then one loop over the units that calls the
 * pre-activation and activation kernels of kq_kernels.h with constant shifts and table
 * parameters, so the compiler keeps each unit's intermediates in registers.
 */
final class LayerWriter {

    /** One weight matrix's dot products: the C array that holds them and the kernel that fills it. */
    record Dot(String array, String type, String kernel, boolean scratch) {
    }

    private final Plan plan;
    private final CNames n;
    private final String a;

    LayerWriter(Plan plan, CNames names) {
        this.plan = plan;
        this.n = names;
        this.a = plan.activationType();
    }

    void write(CText c, Plan.Step s) {
        QLayer l = s.layer();
        String id = n.layer(l.name());
        if (l instanceof QSimpleRnn r) {
            c.format("/* %s: SimpleRNN, %d inputs Q%d -> %d units Q%d; h_next = act(x W + h U + b), h is only read. */",
                    GeneratedText.name(l.name()), r.inputs(), r.fIn(), r.units(), r.fOut());
            c.format("static void %s_cell(const %s *x, const %s *h, %s *h_next, uint32_t *saturations)", id, a, a, a).line("{");
            Dot ax = dot("ax", r.kernel());
            Dot ah = dot("ah", r.recurrent());
            CText sums = new CText();
            declare(sums, r.units(), Math.max(r.inputs(), r.units()), ax, ah);
            call(sums, ax, "x", n.global(l.name(), "kernel"), r.kernel(), r.units(), r.inputs());
            call(sums, ah, "h", n.global(l.name(), "recurrent_kernel"), r.recurrent(), r.units(), r.units());
            int[] sx = new int[r.units()];
            int[] sh = new int[r.units()];
            int[] sb = new int[r.units()];
            int[] sz = new int[r.units()];
            for (int j = 0; j < r.units(); j++) {
                int f = r.accFrac(j);
                sx[j] = f - r.fIn() - r.kernel().format().at(j);
                sh[j] = f - r.fOut() - r.recurrent().format().at(j);
                sb[j] = r.bias().format().at(j) - f;
                sz[j] = f - r.fZ();
            }
            PreactWidth width = PreactWidth.prove(r.kernel().width().bound(), r.recurrent().width().bound(), r.bias().codes(), sx, sh, sb, sz);
            Sse2Units sse2 = new Sse2Units(plan, n, l.name(), r.units(), r.bias(), width, new int[][] {sx, sh, sb, sz});
            unitLoop(c, sums, sse2.simpleRnn(ax, ah, r.inputs()), l.name(), r.units(), ax, ah, r.bias(), width, new int[][] {sx, sh, sb, sz},
                    r.activation(), "h_next");
        } else if (l instanceof QLstm r) {
            new GatedWriter(this, plan, n).lstm(c, r, id);
        } else if (l instanceof QGru r) {
            new GatedWriter(this, plan, n).gru(c, r, id);
        } else if (l instanceof QDense d) {
            c.format("/* %s: Dense, %d inputs Q%d -> %d units Q%d. */", GeneratedText.name(l.name()), d.inputs(), d.fIn(), d.units(), d.fOut());
            c.format("static void %s_apply(const %s *x, %s *y, uint32_t *saturations)", id, a, a).line("{");
            Dot ax = dot("ax", d.kernel());
            CText sums = new CText();
            declare(sums, d.units(), d.inputs(), ax);
            call(sums, ax, "x", n.global(l.name(), "kernel"), d.kernel(), d.units(), d.inputs());
            int[] zero = new int[d.units()];
            int[] sb = new int[d.units()];
            int[] sz = new int[d.units()];
            for (int j = 0; j < d.units(); j++) {
                sb[j] = d.bias().format().at(j) - d.accFrac(j);
                sz[j] = d.accFrac(j) - d.fZ();
            }
            PreactWidth width = PreactWidth.prove(d.kernel().width().bound(), 0, d.bias().codes(), zero, zero, sb, sz);
            Sse2Units sse2 = new Sse2Units(plan, n, l.name(), d.units(), d.bias(), width, new int[][] {zero, zero, sb, sz});
            unitLoop(c, sums, sse2.dense(ax, d.inputs()), l.name(), d.units(), ax, null, d.bias(), width, new int[][] {zero, zero, sb, sz}, d.activation(),
                    "y");
        } else if (l instanceof QActivation act) {
            c.format("/* %s: Activation %s, Q%d -> Q%d. */", GeneratedText.name(l.name()), act.kernel().activation().kerasName(), act.fIn(),
                    act.fOut());
            c.format("static void %s_apply(const %s *x, %s *y, size_t n, uint32_t *saturations)", id, a, a).line("{");
            c.line("    size_t j;");
            tableStruct(c, act.kernel(), n.global(l.name(), "table"), "table");
            c.line("    for (j = 0; j < n; j++) {");
            c.format("        y[j] = (%s)%s;", a, activation(act.kernel(), "x[j]", "saturations", "table"));
            c.line("    }");
        } else {
            return;
        }
        c.line("}").line();
    }

    /** The kernel for a matrix: int8 weights always prove int32; int16 weights as proved. */
    Dot dot(String array, QMatrix m) {
        if (plan.scheme == Scheme.Q15) {
            return m.width().int32() ? new Dot(array, "int32_t", "kq_matvec_q15_acc32", false) : new Dot(array, "int64_t", "kq_matvec_q15_acc64", false);
        }
        if (!m.width().int32()) {
            throw new IllegalStateException("an int8-weight dot product was not proved int32");
        }
        return new Dot(array, "int32_t", plan.scheme == Scheme.Q7 ? "kq_matvec_q7_acc32" : "kq_matvec_a16w8_acc32", true);
    }

    static void declare(CText c, int units, int scratchCols, Dot... dots) {
        boolean scratch = false;
        for (Dot d : dots) {
            c.format("    %s %s[%d];", d.type(), d.array(), units);
            scratch |= d.scratch();
        }
        if (scratch) {
            c.format("    int16_t xs[%d]; /* the input as the dot products read it */", scratchCols);
        }
        c.line("    size_t j;");
    }

    static void call(CText c, Dot d, String x, String weights, QMatrix m, int rows, int cols) {
        call(c, d, x, weights, d.array(), m, rows, cols);
    }

    /** The same into {@code sums} (the Dot's array or a place in it), from {@code weights} (an array or a row of it). */
    static void call(CText c, Dot d, String x, String weights, String sums, QMatrix m, int rows, int cols) {
        c.format("    %s(%s, %s, %s, %d, %d%s); /* proved largest |sum| %d: %s */", d.kernel(), x, weights, sums, rows, cols,
                d.scratch() ? ", xs" : "", m.width().bound(), m.width().cName());
    }

    /**
     * The C expression of a per-unit shift over units {@code [from, from + count)} of {@code values}:
     * a constant when every unit has the same, else an element of a static table it declares.
     */
    static String perUnit(CText c, String name, int[] values, int from, int count) {
        int[] v = java.util.Arrays.copyOfRange(values, from, from + count);
        if (uniform(v)) {
            return Integer.toString(v[0]);
        }
        c.format("    static const int8_t %s[%d] = {%s};", name, count, join(v));
        return name + "[j]";
    }

    /**
     * The dot products ({@code sums}: their declarations and calls) and the loop over the units:
     * each unit's pre-activation (by the kernel {@code width} proved exact) and its activation.
     * Shifts that differ between units come from per-unit tables. The clips are counted in a
     * local, which the compiler keeps in a register. Where the SSE2 path has its own way to the
     * pre-activations ({@code sse2}, from {@link Sse2Units}), it takes it under {@code #if}, and
     * the activations follow in a loop of their own; the other paths keep the one loop, whose z
     * never leaves a register.
     */
    private void unitLoop(CText c, CText sums, String sse2, String layer, int units, Dot axDot, Dot ahDot, QBias bias, PreactWidth width,
            int[][] shifts, ActivationKernel act, String out) {
        String ax = axDot.array() + "[j]";
        String ah = ahDot == null ? "0" : ahDot.array() + "[j]";
        String[] names = {"sx", "sh", "sb", "sz"};
        String[] args = new String[4];
        for (int k = 0; k < 4; k++) {
            if (uniform(shifts[k])) {
                args[k] = Integer.toString(shifts[k][0]);
            } else {
                c.format("    static const int8_t %s[%d] = {%s};", names[k], units, join(shifts[k]));
                args[k] = names[k] + "[j]";
            }
        }
        String z = plan.scheme.activations().bits() == 16 ? "s16" : "s8";
        String b = bias.present() ? n.global(layer, "bias") + "[j]" : "0";
        tableStruct(c, act, n.global(layer, "table"), "table");
        c.line("    uint32_t clipped = 0;");
        if (sse2 != null) {
            c.line("#if defined(KQ_SSE2)");
            c.line(sse2.stripTrailing());
            String all = Sse2Units.activations(act, out, units, "table");
            if (all != null) {
                c.line("    (void)j;").line(all);
            } else {
                c.line("    KQ_UNROLL");
                c.format("    for (j = 0; j < %d; j++) {", units);
                c.format("        %s[j] = (%s)%s;", out, a, activation(act, "z[j]", "&clipped", "table"));
                c.line("    }");
            }
            c.line("#else");
        }
        c.line(sums.toString().stripTrailing());
        c.format("    for (j = 0; j < %d; j++) {", units);
        c.format("        const int32_t z = kq_preact_%s_%s(%s, %s, %s, %s, %s, %s, %s, &clipped);", z, width.cSuffix(), ax, ah, b,
                args[0], args[1], args[2], args[3]);
        c.format("        %s[j] = (%s)%s;", out, a, activation(act, "z", "&clipped", "table"));
        c.line("    }");
        if (sse2 != null) {
            c.line("#endif");
        }
        c.line("    *saturations += clipped;");
    }

    /** A table's parameters as one const struct named {@code var}, when the kernel has a table (SPEC.md, section 7). */
    static void tableStruct(CText c, ActivationKernel k, String entries, String var) {
        ActivationTable t = k.table();
        if (t != null) {
            c.format("    static const kq_table_%s_t %s = {%s, %d, %d, %d, %d, %d, KQ_MIRROR_%s};", suffix(k.type()), var, entries, t.start(),
                    t.end(), t.mirror() == ActivationTable.Mirror.COMPLEMENT ? 1 << k.fOut() : 0, t.step(), t.extraBits(), t.mirror().name());
        }
    }

    static String suffix(Storage type) {
        return type.bits() == 16 ? "s16" : "s8";
    }

    /** The activation of one code {@code in} as a C expression; a table kernel reads the struct {@code tableVar}. */
    static String activation(ActivationKernel k, String in, String counter, String tableVar) {
        String t = suffix(k.type());
        String sat = k.satLow() + ", " + k.satHigh() + ", " + counter;
        switch (k.kind()) {
            case RESCALE:
                return String.format(Locale.ROOT, "kq_rescale_%s(%s, %d, %s) /* %s */", t, in, k.fIn() - k.fOut(), sat, k.activation().kerasName());
            case RELU:
                return String.format(Locale.ROOT, "kq_relu_%s(%s, %d, %s)", t, in, k.fIn() - k.fOut(), sat);
            case HARD_SIGMOID: {
                long[] h = k.hardSigmoidConstants();
                return String.format(Locale.ROOT, "kq_hard_sigmoid_%s(%s, %dLL, %dLL, %dLL, %dLL, %s) /* %s */", t, in, h[0], h[1], h[2],
                        1L << k.fOut(), sat, k.activation().kerasName());
            }
            case MULTIPLY_AND_TABLE:
                return String.format(Locale.ROOT, "kq_multiply_table_%s(%s, %d, %d, &%s, %s) /* %s */", t, in, k.multiplier(),
                        ActivationKernel.MULTIPLIER_BITS + k.fIn() - k.fOut(), tableVar, sat, k.activation().kerasName());
            default:
                return String.format(Locale.ROOT, "kq_table_%s(%s, &%s, %s) /* %s */", t, in, tableVar, sat, k.activation().kerasName());
        }
    }

    static boolean uniform(int[] v) {
        for (int x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }

    static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.toString();
    }
}
