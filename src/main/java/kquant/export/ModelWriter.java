package kquant.export;

import kquant.GeneratedText;
import kquant.fixed.ActivationKernel;
import kquant.fixed.QActivation;
import kquant.fixed.QDense;
import kquant.fixed.QLayer;
import kquant.fixed.QMatrix;
import kquant.fixed.QReshape;
import kquant.fixed.QSimpleRnn;
import kquant.fixed.Scheme;

/**
 * Writes {@code <prefix>_model.h} and {@code <prefix>_model.c}: per layer, a small function that
 * calls the kernels of kq_kernels.h with constant sizes, shifts and table parameters; then
 * {@code run} (a whole sequence, layer by layer, in a caller-owned workspace) and, for models that
 * can stream, {@code reset} / {@code step} / {@code output} (one timestep at a time, in a small
 * state).
 */
final class ModelWriter {

    private final Plan plan;
    private final CNames n;
    private final String banner;
    private final String a;
    private final String w;

    ModelWriter(Plan plan, CNames names, String banner) {
        this.plan = plan;
        this.n = names;
        this.banner = banner;
        this.a = plan.activationType();
        this.w = plan.weightType();
    }

    private String p() {
        return n.prefix();
    }

    private String up() {
        return n.upper();
    }

    String header() {
        CText c = new CText();
        c.line(banner);
        c.format("#ifndef %s_MODEL_H", up()).format("#define %s_MODEL_H", up()).line();
        c.line("#include <stddef.h>").line("#include <stdint.h>").line();
        c.line("/* Input and output: codes of the formats below (real value = code / 2^FRAC). */");
        c.format("#define %s_INPUT_FEATURES %d", up(), plan.q.model().inputShape().features());
        c.format("#define %s_INPUT_FRAC %d", up(), plan.q.inputFrac());
        c.format("#define %s_MAX_TIMESTEPS %d /* the longest sequence run() takes */", up(), plan.maxTimesteps);
        c.format("#define %s_OUTPUT_UNITS %d", up(), plan.outputUnits());
        c.format("#define %s_OUTPUT_STEPS %s /* rows run() writes */", up(),
                plan.output().stepsOut().equals("steps") ? "(steps)" : plan.output().stepsOut());
        c.format("#define %s_OUTPUT_FRAC %d", up(), plan.q.outputFrac());
        c.line();
        c.line("/* The buffers run() needs: every layer's output sequence. Owned by the caller; no allocation. */");
        c.line("typedef struct {");
        for (Plan.Step s : plan.steps) {
            if (needsBuffer(s)) {
                c.format("    %s %s[%d]; /* %s output */", a, buffer(s), rows(s) * s.widthOut(), GeneratedText.name(s.layer().name()));
            }
        }
        c.line("    uint32_t saturations; /* values clipped during the last run() (SPEC.md, section 8) */");
        c.format("} %s_workspace_t;", p()).line();
        c.line("/*");
        c.line(" * Runs the model on a whole sequence: input holds steps rows of INPUT_FEATURES codes,");
        c.line(" * output receives OUTPUT_STEPS rows of OUTPUT_UNITS codes. Returns 0, or -1 when steps is");
        c.line(" * 0 or above MAX_TIMESTEPS" + (plan.q.model().inputShape().knownLength() && needsExactLength() ? " or not exactly MAX_TIMESTEPS" : "") + ".");
        c.line(" */");
        c.format("int %s_run(const %s *input, size_t steps, %s *output, %s_workspace_t *workspace);", p(), a, a, p());
        if (plan.streamable) {
            c.line();
            c.line("/* Streaming: the recurrent state between timesteps. */");
            c.line("typedef struct {");
            for (Plan.Step s : plan.steps) {
                if (s.layer() instanceof QSimpleRnn r) {
                    c.format("    %s %s_h[%d]; /* %s state, Q%d */", a, n.layer(r.name()), r.units(), GeneratedText.name(r.name()), r.fOut());
                }
            }
            c.line("    uint32_t saturations; /* values clipped since the last reset */");
            c.format("} %s_state_t;", p()).line();
            c.line("/* Zeroes the state: the start of a sequence. */");
            c.format("void %s_reset(%s_state_t *state);", p(), p()).line();
            c.line("/* Feeds one timestep of INPUT_FEATURES codes. */");
            c.format("void %s_step(%s_state_t *state, const %s *input);", p(), p(), a).line();
            c.line("/* The model's output for the sequence so far: OUTPUT_UNITS codes. */");
            c.format("void %s_output(%s_state_t *state, %s *output);", p(), p(), a);
        }
        c.line().format("#endif /* %s_MODEL_H */", up());
        return c.toString();
    }

    private boolean needsExactLength() {
        for (Plan.Step s : plan.steps) {
            if (s.layer() instanceof QReshape r && r.kind() == QReshape.Kind.FLATTEN) {
                return true;
            }
        }
        return false;
    }

    /** Flatten and pass-through layers reuse their input buffer; the last layer writes to output. */
    private static boolean needsBuffer(Plan.Step s) {
        return !(s.layer() instanceof QReshape r && r.kind() != QReshape.Kind.REPEAT);
    }

    private String buffer(Plan.Step s) {
        return n.layer(s.layer().name());
    }

    /** Rows of a layer's output buffer in run mode (a SimpleRNN keeps every step's state). */
    private int rows(Plan.Step s) {
        if (s.layer() instanceof QSimpleRnn) {
            return plan.stepsIn(s.layer());
        }
        return s.stepsOut().equals("steps") ? plan.maxTimesteps : Integer.parseInt(s.stepsOut());
    }

    String source() {
        CText c = new CText();
        c.line(banner);
        c.format("#include \"%s_model.h\"", p()).format("#include \"%s_weights.h\"", p()).line("#include \"kq_kernels.h\"").line();
        for (Plan.Step s : plan.steps) {
            layerFunction(c, s);
        }
        run(c);
        if (plan.streamable) {
            streaming(c);
        }
        return c.toString();
    }

    private void layerFunction(CText c, Plan.Step s) {
        QLayer l = s.layer();
        String id = n.layer(l.name());
        if (l instanceof QSimpleRnn r) {
            c.format("/* %s: SimpleRNN, %d inputs Q%d -> %d units Q%d; h_next = act(x W + h U + b), h is only read. */",
                    GeneratedText.name(l.name()), r.inputs(), r.fIn(), r.units(), r.fOut());
            c.format("static void %s_cell(const %s *x, const %s *h, %s *h_next, uint32_t *saturations)", id, a, a, a).line("{");
            c.format("    int64_t ax[%d];", r.units()).format("    int64_t ah[%d];", r.units()).format("    %s z[%d];", a, r.units());
            matvec(c, "x", n.global(l.name(), "kernel"), "ax", r.kernel(), r.units(), r.inputs(), "x16");
            matvec(c, "h", n.global(l.name(), "recurrent_kernel"), "ah", r.recurrent(), r.units(), r.units(), "h16");
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
            preact(c, id, "ax", "ah", r.bias().present() ? n.global(l.name(), "bias") : "NULL", r.units(), sx, sh, sb, sz);
            activation(c, r.activation(), n.global(l.name(), "table"), "z", "h_next", r.units());
            c.line("}").line();
        } else if (l instanceof QDense d) {
            c.format("/* %s: Dense, %d inputs Q%d -> %d units Q%d. */", GeneratedText.name(l.name()), d.inputs(), d.fIn(), d.units(), d.fOut());
            c.format("static void %s_apply(const %s *x, %s *y, uint32_t *saturations)", id, a, a).line("{");
            c.format("    int64_t ax[%d];", d.units()).format("    %s z[%d];", a, d.units());
            matvec(c, "x", n.global(l.name(), "kernel"), "ax", d.kernel(), d.units(), d.inputs(), "x16");
            int[] zero = new int[d.units()];
            int[] sb = new int[d.units()];
            int[] sz = new int[d.units()];
            for (int j = 0; j < d.units(); j++) {
                sb[j] = d.bias().format().at(j) - d.accFrac(j);
                sz[j] = d.accFrac(j) - d.fZ();
            }
            preact(c, id, "ax", "NULL", d.bias().present() ? n.global(l.name(), "bias") : "NULL", d.units(), zero, zero, sb, sz);
            activation(c, d.activation(), n.global(l.name(), "table"), "z", "y", d.units());
            c.line("}").line();
        } else if (l instanceof QActivation act) {
            c.format("/* %s: Activation %s, Q%d -> Q%d. */", GeneratedText.name(l.name()), act.kernel().activation().kerasName(), act.fIn(), act.fOut());
            c.format("static void %s_apply(const %s *x, %s *y, size_t n, uint32_t *saturations)", id, a, a).line("{");
            activation(c, act.kernel(), n.global(l.name(), "table"), "x", "y", -1);
            c.line("}").line();
        }
    }

    /** The dot products of one weight matrix; int8 activations are widened once first (q7). */
    private void matvec(CText c, String x, String weights, String acc, QMatrix m, int rows, int cols, String widened) {
        String kernel;
        String input = x;
        if (plan.scheme == Scheme.Q7) {
            c.format("    int16_t %s[%d];", widened, cols);
            c.format("    kq_widen_q7(%s, %s, %d);", x, widened, cols);
            input = widened;
            kernel = "kq_matvec_a16w8_acc32";
        } else if (plan.scheme == Scheme.A16W8) {
            kernel = "kq_matvec_a16w8_acc32";
        } else {
            kernel = "kq_matvec_q15_" + (m.width().int32() ? "acc32" : "acc64");
        }
        if (!m.width().int32() && plan.scheme != Scheme.Q15) {
            throw new IllegalStateException("an int8-weight dot product was not proved int32");
        }
        c.format("    %s(%s, %s, %s, %d, %d); /* proved largest |sum| %d: %s */", kernel, input, weights, acc, rows, cols,
                m.width().bound(), m.width().cName());
    }

    private void preact(CText c, String id, String ax, String ah, String bias, int units, int[] sx, int[] sh, int[] sb, int[] sz) {
        String kernel = "kq_preact_" + plan.scheme.cliName();
        if (uniform(sx) && uniform(sh) && uniform(sb) && uniform(sz)) {
            c.format("    %s_shared(%s, %s, %s, z, %d, %d, %d, %d, %d, saturations);", kernel, ax, ah, bias, units, sx[0], sh[0], sb[0], sz[0]);
            return;
        }
        for (Object[] s : new Object[][] {{"sx", sx}, {"sh", sh}, {"sb", sb}, {"sz", sz}}) {
            c.format("    static const int8_t %s[%d] = {%s};", s[0], units, join((int[]) s[1]));
        }
        c.format("    %s_per_unit(%s, %s, %s, z, %d, sx, sh, sb, sz, saturations);", kernel, ax, ah, bias, units);
    }

    private void activation(CText c, ActivationKernel k, String table, String in, String out, int units) {
        String t = plan.scheme.activations().bits() == 16 ? "s16" : "s8";
        String count = units < 0 ? "n" : Integer.toString(units);
        String sat = k.satLow() + ", " + k.satHigh();
        switch (k.kind()) {
            case RESCALE:
                c.format("    kq_rescale_%s(%s, %s, %s, %d, %s, saturations); /* %s */", t, in, out, count, k.fIn() - k.fOut(), sat,
                        k.activation().kerasName());
                break;
            case RELU:
                c.format("    kq_relu_%s(%s, %s, %s, %d, %s, saturations);", t, in, out, count, k.fIn() - k.fOut(), sat);
                break;
            case MULTIPLY_AND_TABLE:
                c.format("    kq_multiply_table_%s(%s, %s, %s, %d, %d, %s, %d, %s, saturations); /* %s */", t, in, out, count,
                        k.multiplier(), ActivationKernel.MULTIPLIER_BITS + k.fIn() - k.fOut(), table, k.step(), sat,
                        k.activation().kerasName());
                break;
            default:
                c.format("    kq_table_%s(%s, %s, %s, %s, %d, %s, saturations); /* %s */", t, in, out, count, table, k.step(), sat,
                        k.activation().kerasName());
        }
    }

    private void run(CText c) {
        c.format("int %s_run(const %s *input, size_t steps, %s *output, %s_workspace_t *workspace)", p(), a, a, p()).line("{");
        c.line("    uint32_t *saturations = &workspace->saturations;");
        c.line("    const " + a + " *in = input;");
        c.line("    size_t k, j;");
        if (!plan.q.model().inputShape().sequence()) {
            c.line("    (void)k;");
        }
        String exact = needsExactLength() ? " || steps != " + plan.maxTimesteps : "";
        c.format("    if (steps == 0 || steps > %d%s) {", plan.maxTimesteps, exact).line("        return -1;").line("    }");
        c.line("    *saturations = 0;");
        String inSteps = plan.q.model().inputShape().sequence() ? "steps" : "1";
        for (Plan.Step s : plan.steps) {
            QLayer l = s.layer();
            String id = n.layer(l.name());
            String buf = "workspace->" + buffer(s);
            c.format("    /* %s */", GeneratedText.name(l.name()));
            if (l instanceof QSimpleRnn r) {
                int units = r.units();
                c.line("    {");
                c.format("        static const %s zeros[%d] = {0};", a, units);
                c.format("        for (k = 0; k < %s; k++) {", inSteps);
                c.format("            const %s *x = in + (%s) * %d;", a, r.goBackwards() ? inSteps + " - 1 - k" : "k", r.inputs());
                c.format("            const %s *h = k == 0 ? zeros : %s + (k - 1) * %d;", a, buf, units);
                c.format("            %s_cell(x, h, %s + k * %d, saturations);", id, buf, units);
                c.line("        }");
                c.line("    }");
                c.format("    in = %s%s;", buf, r.returnSequences() ? "" : " + (" + inSteps + " - 1) * " + units);
            } else if (l instanceof QDense) {
                c.format("    for (k = 0; k < %s; k++) {", stepsOf(inSteps, s));
                c.format("        %s_apply(in + k * %d, %s + k * %d, saturations);", id, s.widthIn(), buf, s.widthOut());
                c.line("    }");
                c.format("    in = %s;", buf);
            } else if (l instanceof QActivation) {
                c.format("    %s_apply(in, %s, (%s) * %d, saturations);", id, buf, stepsOf(inSteps, s), s.widthIn());
                c.format("    in = %s;", buf);
            } else if (l instanceof QReshape r && r.kind() == QReshape.Kind.REPEAT) {
                c.format("    for (k = 0; k < %d; k++) {", r.times());
                c.format("        for (j = 0; j < %d; j++) {", s.widthIn());
                c.format("            %s[k * %d + j] = in[j];", buf, s.widthIn());
                c.line("        }").line("    }");
                c.format("    in = %s;", buf);
            } else {
                c.line("    /* the input buffer is already this layer's output */");
            }
            inSteps = s.stepsOut();
        }
        c.format("    for (j = 0; j < (%s) * %d; j++) {", inSteps, plan.outputUnits());
        c.line("        output[j] = in[j];").line("    }");
        c.line("    return 0;").line("}").line();
    }

    private static String stepsOf(String inSteps, Plan.Step s) {
        return s.sequenceIn() ? inSteps : "1";
    }

    private void streaming(CText c) {
        c.format("void %s_reset(%s_state_t *state)", p(), p()).line("{").line("    size_t j;");
        for (Plan.Step s : plan.steps) {
            if (s.layer() instanceof QSimpleRnn r) {
                c.format("    for (j = 0; j < %d; j++) {", r.units());
                c.format("        state->%s_h[j] = 0;", n.layer(r.name())).line("    }");
            }
        }
        c.line("    state->saturations = 0;").line("}").line();

        c.format("void %s_step(%s_state_t *state, const %s *input)", p(), p(), a).line("{");
        c.line("    const " + a + " *in = input;").line("    size_t j;");
        for (int i = 0; i <= plan.lastRecurrent; i++) {
            Plan.Step s = plan.steps.get(i);
            QLayer l = s.layer();
            String id = n.layer(l.name());
            if (l instanceof QSimpleRnn r) {
                c.line("    {");
                c.format("        %s h_next[%d];", a, r.units());
                c.format("        %s_cell(in, state->%s_h, h_next, &state->saturations);", id, id);
                c.line("        /* the new state replaces the old one only once all of it is computed */");
                c.format("        for (j = 0; j < %d; j++) {", r.units());
                c.format("            state->%s_h[j] = h_next[j];", id).line("        }").line("    }");
                c.format("    in = state->%s_h;", id);
            } else if (l instanceof QDense || l instanceof QActivation) {
                c.format("    %s %s_out[%d];", a, id, s.widthOut());
                c.format(l instanceof QDense ? "    %s_apply(in, %s_out, &state->saturations);" : "    %s_apply(in, %s_out, %d, &state->saturations);",
                        id, id, s.widthIn());
                c.format("    in = %s_out;", id);
            }
        }
        c.line("    (void)in;").line("}").line();

        c.format("void %s_output(%s_state_t *state, %s *output)", p(), p(), a).line("{");
        String top = n.layer(plan.steps.get(plan.lastRecurrent).layer().name());
        c.format("    const %s *in = state->%s_h;", a, top).line("    size_t j;");
        for (int i = plan.lastRecurrent + 1; i < plan.steps.size(); i++) {
            Plan.Step s = plan.steps.get(i);
            QLayer l = s.layer();
            String id = n.layer(l.name());
            if (l instanceof QDense || l instanceof QActivation) {
                c.format("    %s %s_out[%d];", a, id, s.widthOut());
                c.format(l instanceof QDense ? "    %s_apply(in, %s_out, &state->saturations);" : "    %s_apply(in, %s_out, %d, &state->saturations);",
                        id, id, s.widthIn());
                c.format("    in = %s_out;", id);
            }
        }
        c.format("    for (j = 0; j < %d; j++) {", plan.outputUnits()).line("        output[j] = in[j];").line("    }").line("}");
    }

    private static boolean uniform(int[] v) {
        for (int x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.toString();
    }
}
