package kquant.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kquant.AtomicFiles;
import kquant.KquantException;
import kquant.GeneratedText;
import kquant.OutputFolder;
import kquant.Version;
import kquant.data.Sequences;
import kquant.engine.FixedEngine;
import kquant.fixed.QRawIo;
import kquant.fixed.QuantizedModel;
import kquant.model.RawUnits;

/**
 * Writes a folder of C99 for a quantized model: the hand-written helpers and kernels
 * ({@code kq_fixed.h}, {@code kq_matvec_*.h}, {@code kq_kernels.h}), the specification they follow
 * ({@code SPEC.md}), the generated weights and model code, a {@code CMakeLists.txt} that makes the
 * folder a library for {@code add_subdirectory}, and with test vectors, {@code <prefix>_vectors.bin},
 * {@code <prefix>_test.c} and a Makefile; for {@code --target cortex-m4}, the startup code and
 * linker script that run the checking main on an emulated Cortex-M4. The folder appears whole or
 * not at all.
 */
public final class CExporter {

    /** The files the hand-written part is made of, copied as they are. */
    static final List<String> KERNEL_FILES = List.of("kq_fixed.h", "kq_matvec_q15.h", "kq_matvec_a16w8.h", "kq_kernels.h", "kq_sse2.h", "SPEC.md");

    /** The targets whose support files an export can carry: {@code cortex-m4}. */
    public static final List<String> TARGETS = List.of("cortex-m4");

    /**
     * Export settings.
     *
     * @param target  null, or one of {@link #TARGETS}: also write that target's startup code and linker script
     * @param raw     null, or the units of a model with its normalization folded in: the C then reads raw
     *                codes and writes the declared output codes, and {@code vectors} are in these units
     */
    public record Options(String prefix, boolean force, Sequences vectors, int randomVectors, long seed, int maxTimesteps, String target,
            RawUnits raw) {

        public Options(String prefix, boolean force, Sequences vectors, int randomVectors, long seed, int maxTimesteps, String target) {
            this(prefix, force, vectors, randomVectors, seed, maxTimesteps, target, null);
        }

        public Options(String prefix, boolean force, Sequences vectors, int randomVectors, long seed, int maxTimesteps) {
            this(prefix, force, vectors, randomVectors, seed, maxTimesteps, null, null);
        }
    }

    /**
     * What was written, with the figures the export command prints.
     *
     * @param stepMacs    multiply-accumulates of one {@code step()} call (0 when the model cannot stream)
     * @param outputMacs  multiply-accumulates of one {@code output()} call
     */
    public record Result(Path folder, String prefix, int weightBytes, int tableBytes, int vectorCount, boolean streaming, long stepMacs,
            long outputMacs) {
    }

    private CExporter() {
        throw new AssertionError("No instances of CExporter");
    }

    /**
     * Exports {@code q} into {@code folder}.
     *
     * @param provenance  the lines naming the model and calibration, for the banner of every file
     */
    public static Result export(QuantizedModel q, List<String> provenance, Path folder, Options o) {
        Plan.checkExportable(q);
        if (o.target() != null && !TARGETS.contains(o.target())) {
            throw KquantException.of("--target %s: not a target kquant knows; it knows %s", o.target(), String.join(", ", TARGETS));
        }
        CNames names = new CNames(o.prefix() != null ? o.prefix() : CNames.defaultPrefix(q.model().source().file()));
        Plan plan = new Plan(q, o.maxTimesteps(), o.raw() == null ? null : new QRawIo(q, o.raw()));
        String banner = banner(provenance);
        WeightsWriter weights = new WeightsWriter(plan, names, banner);
        ModelWriter model = new ModelWriter(plan, names, banner);
        List<Vectors.Case> cases = null;
        if (o.vectors() != null || o.randomVectors() > 0) {
            cases = Vectors.build(plan, new FixedEngine(q), o.vectors(), o.randomVectors(), o.maxTimesteps(), o.seed());
        }
        List<Vectors.Case> vectors = cases;
        String p = names.prefix();
        // the test programs that the Makefile, Toolchain.buildTest or TargetCheck link in the folder are kquant's too
        OutputFolder.Kind kind = OutputFolder.Kind.of("export", p + "_test", p + "_test_*", p + "_m4*.elf");
        AtomicFiles.writeFolder(folder, kind, replace(o.force()), dir -> {
            for (String f : KERNEL_FILES) {
                Files.write(dir.resolve(f), resource(f));
            }
            Files.writeString(dir.resolve(p + "_weights.h"), weights.header(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(p + "_weights.c"), weights.source(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(p + "_model.h"), model.header(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(p + "_model.c"), model.source(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("CMakeLists.txt"), BuildFiles.cmake(p), StandardCharsets.UTF_8);
            if (o.target() != null) {
                for (String f : BuildFiles.CORTEX_M4_FILES) {
                    Files.write(dir.resolve(f), resource("cortex-m4/" + f));
                }
            }
            if (vectors != null) {
                try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(dir.resolve(p + "_vectors.bin")))) {
                    Vectors.write(out, plan, vectors);
                }
                Files.writeString(dir.resolve(p + "_test.c"), new TestMainWriter(plan, names, banner).source(o.maxTimesteps()),
                        StandardCharsets.UTF_8);
                Files.writeString(dir.resolve("Makefile"), BuildFiles.makefile(p, o.target() != null), StandardCharsets.UTF_8);
            }
        });
        return new Result(folder, p, weights.weightBytes(), weights.tableBytes(), vectors == null ? 0 : vectors.size(), plan.streamable,
                plan.streamable ? plan.stepMacs() : 0, plan.outputMacs());
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = CExporter.class.getResourceAsStream("/kquant/c/" + name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static String banner(List<String> provenance) {
        StringBuilder sb = new StringBuilder("/*\n * Generated by kquant ").append(Version.get()).append(". DO NOT EDIT.\n");
        for (String line : provenance) {
            sb.append(" * ").append(GeneratedText.comment(line)).append('\n');
        }
        sb.append(" * The integer arithmetic is specified in SPEC.md.\n */");
        return sb.toString();
    }

    /** Checks that an export target is usable before any work is done. */
    public static void checkTarget(Path folder, boolean force) {
        OutputFolder.check(folder, OutputFolder.Kind.of("export"), replace(force));
    }

    private static OutputFolder.Replace replace(boolean force) {
        return force ? OutputFolder.Replace.ANY_OUTPUT : OutputFolder.Replace.NOTHING;
    }
}
