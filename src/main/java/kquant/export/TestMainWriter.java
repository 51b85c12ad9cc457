package kquant.export;

import kquant.GeneratedText;
import java.util.ArrayList;
import java.util.List;
import kquant.fixed.QRecurrent;

/**
 * Writes {@code <prefix>_test.c}: a small host program that reads {@code <prefix>_vectors.bin},
 * runs every sequence through {@code run()} (and, for streaming models, through
 * {@code reset/step/output}), and counts every output code, state code and saturation count that
 * differs from what the Java integer engine computed. With {@code count N} it checks only the first
 * N sequences; with a number N it instead times N passes of {@code run()} over all the sequences.
 *
 * <p>Every call of the model's API sits between two marker calls, {@code kq_window_<api>()} and
 * {@code kq_window_end()}, so that an instruction trace of the program can be cut into the cost of
 * each call ({@link TargetCount}).
 */
final class TestMainWriter {

    private final Plan plan;
    private final CNames n;
    private final String banner;

    TestMainWriter(Plan plan, CNames names, String banner) {
        this.plan = plan;
        this.n = names;
        this.banner = banner;
    }

    String source(int steps) {
        String p = n.prefix();
        String a = plan.activationType();
        List<QRecurrent> rnns = new ArrayList<>();
        for (Plan.Step s : plan.steps) {
            if (s.layer() instanceof QRecurrent r) {
                rnns.add(r);
            }
        }
        int outRows = plan.output().stepsOut().equals("steps") ? steps : Integer.parseInt(plan.output().stepsOut());
        int features = plan.q.model().inputShape().features();
        CText c = new CText();
        c.line(banner);
        c.line("#include <stdio.h>").line("#include <stdlib.h>").line("#include <string.h>").line("#include <time.h>");
        c.format("#include \"%s_model.h\"", p).line("#include \"kq_fixed.h\" /* KQ_PATH: the code path the model was built with */").line();
        c.format("#define STEPS %d", steps).format("#define FEATURES %d", features);
        c.format("#define OUT_ROWS %d", outRows).format("#define OUT_UNITS %d", plan.outputUnits());
        c.format("#define CODE_BYTES %d", plan.scheme.activations().bytes()).line();
        c.format("typedef %s code_t;", a).line();
        boolean raw = plan.raw != null;
        if (raw) {
            RawIoWriter io = new RawIoWriter(plan.raw, n, a);
            c.line("/* raw I/O: the inputs are raw codes, the outputs the declared codes */");
            c.format("typedef %s in_t;", io.inputType()).format("typedef %s out_t;", io.outputType());
            c.format("#define IN_BYTES %d", io.inputType().equals("int16_t") ? 2 : 1).format("#define OUT_BYTES %d", io.outputType().equals("int16_t") ? 2 : 1);
        } else {
            c.line("typedef code_t in_t;").line("typedef code_t out_t;");
        }
        c.line();
        c.line("static unsigned long checked, mismatches;").line();
        windowMarkers(c);
        c.line("static int read_u32(FILE *f, uint32_t *v)").line("{").line("    unsigned char b[4];")
                .line("    if (fread(b, 1, 4, f) != 4) {").line("        return 0;").line("    }")
                .line("    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;")
                .line("    return 1;").line("}").line();
        c.line("/* n little-endian codes, whatever the host's byte order */");
        if (!raw || !rnns.isEmpty()) {
            // with raw I/O, the activation codes are the states' only
            readCodes(c, "read_codes", "code_t", "CODE_BYTES");
            compare(c, "compare", "code_t");
        }
        if (raw) {
            readCodes(c, "read_inputs", "in_t", "IN_BYTES");
            readCodes(c, "read_outputs", "out_t", "OUT_BYTES");
            compare(c, "compare_outputs", "out_t");
        }
        c.line("int main(int argc, char **argv)").line("{");
        c.format("    const char *path = argc > 1 ? argv[1] : \"%s_vectors.bin\";", p);
        c.line("    int counting = argc > 3 && strcmp(argv[2], \"count\") == 0;");
        c.line("    long bench = argc > 2 && !counting ? strtol(argv[2], NULL, 10) : -1;");
        c.line("    unsigned long limit = counting ? strtoul(argv[3], NULL, 10) : (unsigned long)-1;");
        c.line("    uint32_t header[7], units, saturations;").line("    unsigned long seq, count;").line("    size_t k, r;");
        c.format("    static %s_workspace_t ws;", p);
        if (plan.streamable) {
            c.format("    static %s_state_t st;", p);
        }
        c.line("    in_t *inputs;").line("    out_t output[OUT_ROWS * OUT_UNITS], want[OUT_ROWS * OUT_UNITS];");
        for (QRecurrent r : rnns) {
            c.format("    static code_t want_%s[%d * %d];", n.layer(r.name()), plan.stepsIn(r), r.units());
        }
        c.line("    FILE *f = fopen(path, \"rb\");").line("    char magic[4];");
        c.format("    if (f == NULL || fread(magic, 1, 4, f) != 4 || magic[0] != 'K' || magic[3] != '%s') {", raw ? "2" : "1")
                .line("        fprintf(stderr, \"cannot read test vectors %s\\n\", path);").line("        return 2;").line("    }");
        c.line("    for (k = 0; k < 7; k++) {").line("        if (!read_u32(f, &header[k])) {").line("            return 2;").line("        }").line("    }");
        c.format("    if (header[1] != STEPS || header[2] != FEATURES || header[3] != OUT_ROWS || header[4] != OUT_UNITS || header[6] != %d) {",
                rnns.size());
        c.line("        fprintf(stderr, \"%s: vectors of another shape\\n\", path);").line("        return 2;").line("    }");
        c.line("    for (r = 0; r < header[6]; r++) {").line("        if (!read_u32(f, &units)) {").line("            return 2;").line("        }").line("    }");
        if (raw) {
            c.line("    if (!read_u32(f, &units) || units != IN_BYTES || !read_u32(f, &units) || units != OUT_BYTES) {");
            c.line("        fprintf(stderr, \"%s: vectors of other code widths\\n\", path);").line("        return 2;").line("    }");
        }
        c.line("    count = header[0] < limit ? header[0] : limit;");
        c.line("    inputs = (in_t *)malloc(count * STEPS * FEATURES * sizeof(in_t));").line("    if (inputs == NULL) {").line("        return 2;").line("    }");
        c.line("    for (seq = 0; seq < count; seq++) {");
        c.line("        in_t *in = inputs + seq * STEPS * FEATURES;");
        c.format("        if (!%s(f, in, STEPS * FEATURES)", raw ? "read_inputs" : "read_codes");
        for (QRecurrent r : rnns) {
            c.format("            || !read_codes(f, want_%s, %d * %d)", n.layer(r.name()), plan.stepsIn(r), r.units());
        }
        c.format("            || !%s(f, want, OUT_ROWS * OUT_UNITS) || !read_u32(f, &saturations)) {", raw ? "read_outputs" : "read_codes");
        c.line("            fprintf(stderr, \"%s: truncated at sequence %lu\\n\", path, seq);").line("            return 2;").line("        }");
        c.line("        if (bench >= 0) {").line("            continue;").line("        }");
        c.line("        kq_window_run();");
        c.format("        if (%s_run(in, STEPS, output, &ws) != 0) {", p).line("            mismatches++;").line("        }");
        c.line("        kq_window_end();");
        String compareOut = raw ? "compare_outputs" : "compare";
        c.format("        %s(\"run output\", seq, output, want, OUT_ROWS * OUT_UNITS);", compareOut);
        for (QRecurrent r : rnns) {
            String id = n.layer(r.name());
            c.format("        compare(\"run %s state\", seq, ws.%s, want_%s, %d * %d);", GeneratedText.name(r.name()), id, id, plan.stepsIn(r), r.units());
        }
        c.line("        checked++;").line("        if (ws.saturations != saturations) {").line("            mismatches++;").line("        }");
        if (plan.streamable) {
            boolean perStep = outRows == steps && !plan.output().stepsOut().equals("1");
            c.format("        %s_reset(&st);", p);
            c.line("        for (k = 0; k < STEPS; k++) {");
            c.line("            kq_window_step();");
            c.format("            %s_step(&st, in + k * FEATURES);", p);
            c.line("            kq_window_end();");
            for (QRecurrent r : rnns) {
                String id = n.layer(r.name());
                c.format("            compare(\"step %s state\", seq, st.%s_h, want_%s + k * %d, %d);", GeneratedText.name(r.name()), id, id, r.units(), r.units());
            }
            if (perStep) {
                c.line("            kq_window_output();");
                c.format("            %s_output(&st, output);", p);
                c.line("            kq_window_end();");
                c.format("            %s(\"step output\", seq, output, want + k * OUT_UNITS, OUT_UNITS);", compareOut);
            }
            c.line("        }");
            if (!perStep) {
                c.line("        kq_window_output();");
                c.format("        %s_output(&st, output);", p);
                c.line("        kq_window_end();");
                c.format("        %s(\"step output\", seq, output, want, OUT_UNITS);", compareOut);
            }
            c.line("        checked++;").line("        if (st.saturations != saturations) {").line("            mismatches++;").line("        }");
        }
        c.line("    }").line("    fclose(f);");
        c.line("    if (bench >= 0) {").line("        long rep;").line("        clock_t start = clock();").line("        double seconds;")
                .line("        for (rep = 0; rep < bench; rep++) {").line("            for (seq = 0; seq < count; seq++) {");
        c.format("                %s_run(inputs + seq * STEPS * FEATURES, STEPS, output, &ws);", p);
        c.line("            }").line("        }").line("        seconds = (double)(clock() - start) / CLOCKS_PER_SEC;");
        c.line("        printf(\"%lu sequences x %ld passes in %.3f s\\n\", count, bench, seconds);")
                .line("        free(inputs);").line("        return 0;").line("    }");
        c.line("    free(inputs);");
        c.format("    printf(\"%s: %%lu sequences, %%lu values checked, %%lu mismatches, %%s path\\n\", count, checked, mismatches, KQ_PATH);", p);
        c.line("    return mismatches == 0 ? 0 : 1;").line("}");
        return c.toString();
    }

    /** A reader of n little-endian codes of {@code type}, {@code bytes} (a macro) each. */
    private static void readCodes(CText c, String name, String type, String bytes) {
        c.format("static int %s(FILE *f, %s *v, size_t n)", name, type).line("{").line("    size_t i;")
                .line("    for (i = 0; i < n; i++) {").line("        unsigned char b[2] = {0, 0};")
                .format("        if (fread(b, 1, %s, f) != %s) {", bytes, bytes).line("            return 0;").line("        }")
                .format("        v[i] = (%s)(%s == 2 ? (int16_t)(uint16_t)(b[0] | b[1] << 8) : (int8_t)b[0]);", type, bytes)
                .line("    }").line("    return 1;").line("}").line();
    }

    /** Counts, and prints the first ten of, the codes of {@code type} that differ from the Java engine's. */
    private static void compare(CText c, String name, String type) {
        c.format("static void %s(const char *what, unsigned long seq, const %s *got, const %s *want, size_t n)", name, type, type).line("{")
                .line("    size_t i;").line("    for (i = 0; i < n; i++) {").line("        checked++;").line("        if (got[i] != want[i]) {")
                .line("            if (mismatches < 10) {")
                .line("                printf(\"mismatch: sequence %lu, %s[%lu]: C %d, Java %d\\n\", seq, what, (unsigned long)i, (int)got[i], (int)want[i]);")
                .line("            }").line("            mismatches++;").line("        }").line("    }").line("}").line();
    }

    /** The marker functions: distinct bodies, so that no compiler folds them into one address. */
    private static void windowMarkers(CText c) {
        c.line("/*");
        c.line(" * Markers around each call of the model's API: an instruction trace of this program counts what");
        c.line(" * runs between kq_window_<api>() and the next kq_window_end() as the cost of that call.");
        c.line(" */");
        c.line("#if defined(__GNUC__)").line("#define KQ_NOINLINE __attribute__((noinline))").line("#else").line("#define KQ_NOINLINE").line("#endif");
        c.line("volatile int kq_window;");
        String[] names = {"end", "run", "step", "output"};
        for (int i = 0; i < names.length; i++) {
            c.format("KQ_NOINLINE void kq_window_%s(void);", names[i]);
            c.format("KQ_NOINLINE void kq_window_%s(void)", names[i]).line("{").format("    kq_window = %d;", i).line("}");
        }
        c.line();
    }
}
