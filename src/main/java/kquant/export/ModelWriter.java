package kquant.export;

import kquant.GeneratedText;
import kquant.fixed.QActivation;
import kquant.fixed.QDense;
import kquant.fixed.QLayer;
import kquant.fixed.QReshape;
import kquant.fixed.QRecurrent;

/**
 * Writes {@code <prefix>_model.h} and {@code <prefix>_model.c}: per layer, a small function that
 * calls the kernels of kq_kernels.h with constant sizes, shifts and table parameters
 * ({@link LayerWriter}); then
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
    /** The raw-code boundary, or null; and the C types of the API's input and output values. */
    private final RawIoWriter raw;
    private final String in;
    private final String out;

    ModelWriter(Plan plan, CNames names, String banner) {
        this.plan = plan;
        this.n = names;
        this.banner = banner;
        this.a = plan.activationType();
        this.w = plan.weightType();
        this.raw = plan.raw == null ? null : new RawIoWriter(plan.raw, names, a);
        this.in = raw == null ? a : raw.inputType();
        this.out = raw == null ? a : raw.outputType();
    }

    private boolean convertsInputs() {
        return raw != null && raw.convertsInputs();
    }

    private boolean convertsOutputs() {
        return raw != null && raw.convertsOutputs();
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
        if (raw != null) {
            raw.describe(c);
            c.line();
        }
        c.line(raw == null ? "/* Input and output: codes of the formats below (real value = code / 2^FRAC). */"
                : "/* Inside the model: codes of the formats below (real value = code / 2^FRAC). */");
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
        if (convertsInputs()) {
            c.format("    %s input[%d]; /* the raw input codes converted to the input format */", a,
                    plan.maxTimesteps * plan.q.model().inputShape().features());
        }
        for (Plan.Step s : plan.steps) {
            if (needsBuffer(s)) {
                c.format("    %s %s[%d]; /* %s output */", a, buffer(s), rows(s) * s.widthOut(), GeneratedText.name(s.layer().name()));
            }
            if (s.layer() instanceof QRecurrent r && r.hasCell()) {
                c.format("    int16_t %s_c[%d]; /* %s cell state at every step */", buffer(s), rows(s) * r.units(), GeneratedText.name(r.name()));
            }
        }
        c.line("    uint32_t saturations; /* values clipped during the last run() (SPEC.md, section 8) */");
        c.format("} %s_workspace_t;", p()).line();
        c.line("/*");
        c.line(" * Runs the model on a whole sequence: input holds steps rows of INPUT_FEATURES codes,");
        c.line(" * output receives OUTPUT_STEPS rows of OUTPUT_UNITS codes. Returns 0, or -1 when steps is");
        c.line(" * 0 or above MAX_TIMESTEPS" + (plan.q.model().inputShape().knownLength() && needsExactLength() ? " or not exactly MAX_TIMESTEPS" : "") + ".");
        c.line(" */");
        c.format("int %s_run(const %s *input, size_t steps, %s *output, %s_workspace_t *workspace);", p(), in, out, p());
        if (plan.streamable) {
            c.line();
            c.line("/* Streaming: the recurrent state between timesteps. */");
            c.line("typedef struct {");
            for (Plan.Step s : plan.steps) {
                if (s.layer() instanceof QRecurrent r) {
                    c.format("    %s %s_h[%d]; /* %s state, Q%d */", a, n.layer(r.name()), r.units(), GeneratedText.name(r.name()), r.fOut());
                    if (r.hasCell()) {
                        c.format("    int16_t %s_c[%d]; /* %s cell state (int16 in every scheme) */", n.layer(r.name()), r.units(), GeneratedText.name(r.name()));
                    }
                }
            }
            c.line("    uint32_t saturations; /* values clipped since the last reset */");
            c.format("} %s_state_t;", p()).line();
            c.line("/* Zeroes the state: the start of a sequence. */");
            c.format("void %s_reset(%s_state_t *state);", p(), p()).line();
            c.line("/* Feeds one timestep of INPUT_FEATURES codes. */");
            c.format("void %s_step(%s_state_t *state, const %s *input);", p(), p(), in).line();
            c.line("/* The model's output for the sequence so far: OUTPUT_UNITS codes. */");
            c.format("void %s_output(%s_state_t *state, %s *output);", p(), p(), out);
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

    /** Rows of a layer's output buffer in run mode (a recurrent layer keeps every step's state). */
    private int rows(Plan.Step s) {
        if (s.layer() instanceof QRecurrent) {
            return plan.stepsIn(s.layer());
        }
        return s.stepsOut().equals("steps") ? plan.maxTimesteps : Integer.parseInt(s.stepsOut());
    }

    String source() {
        CText c = new CText();
        c.line(banner);
        c.format("#include \"%s_model.h\"", p()).format("#include \"%s_weights.h\"", p()).line("#include \"kq_kernels.h\"").line();
        LayerWriter layers = new LayerWriter(plan, n);
        for (Plan.Step s : plan.steps) {
            layers.write(c, s);
        }
        if (convertsInputs()) {
            raw.inputFunction(c);
        }
        if (convertsOutputs()) {
            raw.outputFunction(c);
        }
        run(c);
        if (plan.streamable) {
            streaming(c);
        }
        return c.toString();
    }

    private void run(CText c) {
        c.format("int %s_run(const %s *input, size_t steps, %s *output, %s_workspace_t *workspace)", p(), in, out, p()).line("{");
        c.line("    uint32_t *saturations = &workspace->saturations;");
        c.line("    const " + a + " *in = " + (convertsInputs() ? "workspace->input;" : "input;"));
        c.line("    size_t k, j;");
        if (!plan.q.model().inputShape().sequence()) {
            c.line("    (void)k;");
        }
        String exact = needsExactLength() ? " || steps != " + plan.maxTimesteps : "";
        c.format("    if (steps == 0 || steps > %d%s) {", plan.maxTimesteps, exact).line("        return -1;").line("    }");
        c.line("    *saturations = 0;");
        String inSteps = plan.q.model().inputShape().sequence() ? "steps" : "1";
        if (convertsInputs()) {
            int f = plan.q.model().inputShape().features();
            c.format("    for (k = 0; k < %s; k++) {", inSteps);
            c.format("        %s_raw_input(input + k * %d, workspace->input + k * %d, saturations);", p(), f, f).line("    }");
        }
        for (Plan.Step s : plan.steps) {
            QLayer l = s.layer();
            String id = n.layer(l.name());
            String buf = "workspace->" + buffer(s);
            c.format("    /* %s */", GeneratedText.name(l.name()));
            if (l instanceof QRecurrent r) {
                int units = r.units();
                c.line("    {");
                c.format("        static const %s zeros[%d] = {0};", a, units);
                if (r.hasCell()) {
                    c.format("        static const int16_t zero_cell[%d] = {0};", units);
                }
                c.format("        for (k = 0; k < %s; k++) {", inSteps);
                c.format("            const %s *x = in + (%s) * %d;", a, r.goBackwards() ? inSteps + " - 1 - k" : "k", r.inputs());
                c.format("            const %s *h = k == 0 ? zeros : %s + (k - 1) * %d;", a, buf, units);
                if (r.hasCell()) {
                    c.format("            const int16_t *cell = k == 0 ? zero_cell : %s_c + (k - 1) * %d;", buf, units);
                    c.format("            %s_cell(x, h, cell, %s + k * %d, %s_c + k * %d, saturations);", id, buf, units, buf, units);
                } else {
                    c.format("            %s_cell(x, h, %s + k * %d, saturations);", id, buf, units);
                }
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
        if (convertsOutputs()) {
            c.format("    for (k = 0; k < %s; k++) {", inSteps);
            c.format("        %s_raw_output(in + k * %d, output + k * %d, saturations);", p(), plan.outputUnits(), plan.outputUnits()).line("    }");
            c.line("    (void)j;");
        } else {
            c.format("    for (j = 0; j < (%s) * %d; j++) {", inSteps, plan.outputUnits());
            c.line("        output[j] = in[j];").line("    }");
        }
        c.line("    return 0;").line("}").line();
    }

    private static String stepsOf(String inSteps, Plan.Step s) {
        return s.sequenceIn() ? inSteps : "1";
    }

    private void streaming(CText c) {
        c.format("void %s_reset(%s_state_t *state)", p(), p()).line("{").line("    size_t j;");
        for (Plan.Step s : plan.steps) {
            if (s.layer() instanceof QRecurrent r) {
                c.format("    for (j = 0; j < %d; j++) {", r.units());
                c.format("        state->%s_h[j] = 0;", n.layer(r.name()));
                if (r.hasCell()) {
                    c.format("        state->%s_c[j] = 0;", n.layer(r.name()));
                }
                c.line("    }");
            }
        }
        c.line("    state->saturations = 0;").line("}").line();

        c.format("void %s_step(%s_state_t *state, const %s *input)", p(), p(), in).line("{");
        if (convertsInputs()) {
            c.format("    %s x[%d];", a, plan.q.model().inputShape().features());
            c.line("    const " + a + " *in = x;").line("    size_t j;");
            c.format("    %s_raw_input(input, x, &state->saturations);", p());
        } else {
            c.line("    const " + a + " *in = input;").line("    size_t j;");
        }
        for (int i = 0; i <= plan.lastRecurrent; i++) {
            Plan.Step s = plan.steps.get(i);
            QLayer l = s.layer();
            String id = n.layer(l.name());
            if (l instanceof QRecurrent r) {
                c.line("    {");
                c.format("        %s h_next[%d];", a, r.units());
                if (r.hasCell()) {
                    c.format("        int16_t c_next[%d];", r.units());
                    c.format("        %s_cell(in, state->%s_h, state->%s_c, h_next, c_next, &state->saturations);", id, id, id);
                } else {
                    c.format("        %s_cell(in, state->%s_h, h_next, &state->saturations);", id, id);
                }
                c.line("        /* the new state replaces the old one only once all of it is computed */");
                c.format("        for (j = 0; j < %d; j++) {", r.units());
                c.format("            state->%s_h[j] = h_next[j];", id);
                if (r.hasCell()) {
                    c.format("            state->%s_c[j] = c_next[j];", id);
                }
                c.line("        }").line("    }");
                c.format("    in = state->%s_h;", id);
            } else if (l instanceof QDense || l instanceof QActivation) {
                c.format("    %s %s_out[%d];", a, id, s.widthOut());
                c.format(l instanceof QDense ? "    %s_apply(in, %s_out, &state->saturations);" : "    %s_apply(in, %s_out, %d, &state->saturations);",
                        id, id, s.widthIn());
                c.format("    in = %s_out;", id);
            }
        }
        c.line("    (void)in;").line("}").line();

        c.format("void %s_output(%s_state_t *state, %s *output)", p(), p(), out).line("{");
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
        if (convertsOutputs()) {
            c.format("    %s_raw_output(in, output, &state->saturations);", p()).line("    (void)j;").line("}");
        } else {
            c.format("    for (j = 0; j < %d; j++) {", plan.outputUnits()).line("        output[j] = in[j];").line("    }").line("}");
        }
    }
}
