package kquant.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kquant.data.Npy;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file is often someone else's download, and its layer names reach every generated file.
 * Names made to end a comment, a string or a line must change nothing but inert text: the C
 * compiles, and its code and constants ({@code .text}, {@code .rodata}) are byte for byte those of
 * the same model with plain names.
 */
class HostileNamesExportTest {

    @TempDir
    Path dir;

    /** `*` `/`, `//`, newlines, backslash, quotes, `#`, `?` trigraphs, `%`, a comma, non-ASCII, and 10,000 characters. */
    static final String[] HOSTILE = {
        "rnn*/ int injected = 1; /*\n#include \"x\"\n// \\",
        "r\u00e9seau \u540d\u524d ??/ '\"' %s %n, \u2028\u202e" + "x".repeat(10_000),
        "dense\r\n#define EVIL 1 \\\n*/ ??= \"",
    };
    static final String[] PLAIN = {"rnn", "rnn_2", "dense"};

    private Path model(String name, String[] names) throws IOException {
        Random r = new Random(11);
        return KerasFixtures.write(dir.resolve("models"), name, KerasFixtures.Layout.KERAS_ZIP, new int[] {4, 3}, List.of(
                FixtureLayer.simpleRnn(names[0], 3, 6, "tanh", true, r, "return_sequences", true),
                FixtureLayer.simpleRnn(names[1], 6, 5, "selu", true, r),
                FixtureLayer.dense(names[2], 5, 3, "linear", true, r))).model();
    }

    private Path data() throws IOException {
        Random r = new Random(12);
        double[] v = new double[64 * 4 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        Path x = dir.resolve("x.npy");
        try (OutputStream o = Files.newOutputStream(x)) {
            Npy.write(o, Npy.Dtype.FLOAT32, new int[] {64, 4, 3}, v);
        }
        return x;
    }

    /** Calibrates and exports with test vectors; returns the folder. */
    private Path export(Path model, Path x, String name) {
        Path cal = dir.resolve(name + ".json");
        assertEquals(0, Cli.run("calibrate", model.toString(), "--data", x.toString(), "--out", cal.toString()).code());
        Path out = dir.resolve("c-" + name);
        Cli.Result r = Cli.run("export", model.toString(), "--calibration", cal.toString(), "--out", out.toString(), "--prefix", "m",
                "--vectors", x.toString(), "--random", "100");
        assertEquals(0, r.code(), r.toString());
        return out;
    }

    @Test
    void hostileNamesChangeNoByteOfTheCompiledCode() throws IOException {
        Path x = data();
        Path plain = export(model("plain", PLAIN), x, "plain");
        Path hostile = export(model("hostile", HOSTILE), x, "hostile");
        for (Path f : files(hostile)) {
            if (f.toString().endsWith(".bin") || CExporter.KERNEL_FILES.contains(f.getFileName().toString())) {
                continue;
            }
            String text = Files.readString(f, StandardCharsets.ISO_8859_1);
            assertTrue(text.chars().allMatch(c -> c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)), f + ": printable ASCII only");
            for (String line : text.split("\n")) {
                assertFalse(line.contains("int injected") || line.contains("#include \"x\"") || line.contains("#define EVIL")
                        || line.contains("??"), f + " carries the names' code: " + line);
            }
        }
        Optional<Path> gcc = Toolchain.find("gcc").or(Toolchain::hostCompiler);
        assumeTrue(gcc.isPresent(), "no C compiler: the compile checks are skipped");
        for (Optional<Path> cc : List.of(gcc, Toolchain.find("clang"))) {
            if (cc.isEmpty()) {
                continue;
            }
            for (String unit : new String[] {"m_model", "m_weights"}) {
                Map<String, byte[]> a = sections(cc.get(), plain, unit);
                Map<String, byte[]> b = sections(cc.get(), hostile, unit);
                assertEquals(a.keySet(), b.keySet(), unit);
                assertTrue(a.containsKey(".text") || unit.equals("m_weights"), unit + ": " + a.keySet());
                for (String s : a.keySet()) {
                    assertArrayEquals(a.get(s), b.get(s), cc.get().getFileName() + " " + unit + " " + s);
                }
            }
            Path exe = Toolchain.buildTest(cc.get(), hostile, "m", List.of("-O2"));
            Toolchain.Run run = Toolchain.runTest(exe, "m");
            assertTrue(run.exitCode() == 0 && run.output().contains(" 0 mismatches"), run.output());
        }
    }

    @Test
    void tracesReportsAndCalibrationsKeepTheNamesInert() throws IOException {
        Path x = data();
        Path model = model("hostile", HOSTILE);
        Cli.Result csv = Cli.run("trace", model.toString(), "--data", x.toString());
        assertEquals(0, csv.code(), csv.toString());
        List<String> lines = csv.out().lines().toList();
        assertEquals(1 + 4 * (1 + 5 + 5) + 3, lines.size(), "a header; per step the input and each layer's five rows; dense's three");
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.matches("\\d+,[A-Za-z0-9_.~/-]+(,[-0-9.E]+)+"), line.substring(0, Math.min(120, line.length())));
        }
        Cli.Result json = Cli.run("trace", model.toString(), "--data", x.toString(), "--format", "json");
        JsonNode rows = new ObjectMapper().readTree(json.out()).get("rows");
        assertTrue(rows.get(1).get("tensor").asText().startsWith(HOSTILE[0] + "/"), "JSON holds the real name, escaped by Jackson");
        Cli.Result c = Cli.run("trace", model.toString(), "--data", x.toString(), "--format", "c");
        Path trace = Files.writeString(dir.resolve("trace.c"), "#include <stdint.h>\n" + c.out());
        Optional<Path> gcc = Toolchain.find("gcc");
        if (gcc.isPresent()) {
            List<String> cmd = new ArrayList<>(List.of(gcc.get().toString()));
            cmd.addAll(Toolchain.STRICT);
            cmd.addAll(List.of("-Wno-unused-const-variable", "-c", trace.toString(), "-o", dir.resolve("trace.o").toString()));
            Toolchain.Run run = Toolchain.run(dir, cmd, 120);
            assertEquals(0, run.exitCode(), run.output());
        }

        Path traces = dir.resolve("traces");
        assertEquals(0, Cli.run("predict", model.toString(), "--data", x.toString(), "--out", dir.resolve("y.npy").toString(),
                "--trace", traces.toString()).code());
        try (Stream<Path> s = Files.list(traces)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                assertTrue(Files.isRegularFile(p) && n.matches("[A-Za-z0-9_.~-]+") && n.length() < 100, n);
            }
        }

        Path cal = dir.resolve("cal.json");
        assertEquals(0, Cli.run("calibrate", model.toString(), "--data", x.toString(), "--out", cal.toString()).code());
        List<String> names = new ArrayList<>();
        new ObjectMapper().readTree(cal.toFile()).get("tensors").forEach(t -> names.add(t.get("name").asText()));
        assertTrue(names.contains(HOSTILE[2] + "/kernel") && names.contains(HOSTILE[1] + "/state"),
                "the calibration keeps the exact names, JSON-escaped: " + names);
        Path report = dir.resolve("report");
        assertEquals(0, Cli.run("report", model.toString(), "--calibration", cal.toString(), "--data", x.toString(), "--out",
                report.toString()).code());
        new ObjectMapper().readTree(report.resolve("metrics.json").toFile());
        for (Path f : files(report.resolve("data"))) {
            List<String> rowsOf = Files.readAllLines(f);
            long commas = rowsOf.get(0).chars().filter(ch -> ch == ',').count();
            for (String row : rowsOf) {
                assertEquals(commas, row.chars().filter(ch -> ch == ',').count(), f + ": " + row);
            }
        }
        String html = Files.readString(report.resolve("index.html"));
        assertFalse(html.contains("\"x\"\n") || html.contains("<script"), "the page escapes the names");
    }

    /** The bytes of every code and constant section of {@code unit}.c compiled with {@code cc}. */
    private static Map<String, byte[]> sections(Path cc, Path folder, String unit) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(cc.toString()));
        cmd.addAll(Toolchain.STRICT);
        cmd.addAll(List.of("-O2", "-c", unit + ".c", "-o", unit + ".o"));
        Toolchain.Run build = Toolchain.run(folder, cmd, 120);
        assertEquals(0, build.exitCode(), build.output());
        Toolchain.Run headers = Toolchain.run(folder, List.of("objdump", "-h", unit + ".o"), 60);
        Map<String, byte[]> out = new TreeMap<>();
        Matcher m = Pattern.compile("^\\s*\\d+\\s+(\\.(?:text|rodata)\\S*)\\s+([0-9a-f]+)", Pattern.MULTILINE).matcher(headers.output());
        while (m.find()) {
            String section = m.group(1);
            Path bin = folder.resolve(unit + section + ".bin");
            Toolchain.Run dump = Toolchain.run(folder, List.of("objcopy", "-O", "binary", "--only-section=" + section, unit + ".o",
                    bin.getFileName().toString()), 60);
            assertEquals(0, dump.exitCode(), dump.output());
            out.put(section, Files.readAllBytes(bin));
            assertEquals(Long.parseLong(m.group(2), 16), out.get(section).length, section);
        }
        return out;
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
