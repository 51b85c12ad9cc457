package kquant.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import kquant.KquantException;
import kquant.data.DataFiles;
import kquant.data.Sequences;
import kquant.engine.Blocks;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.export.Toolchain;
import kquant.fixed.QuantizedModel;
import kquant.calibrate.CalibrationFile;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Cli;
import kquant.testing.Paths2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The demo report: the page parses, every chart is valid SVG, the figures agree with the
 * engines' outputs computed here independently, the same input gives the same bytes, and the
 * page opens in headless Chromium without a console message.
 */
class ReportTest {

    @TempDir
    static Path dir;

    static Path report;

    private static final String MODEL = Paths2.demo("model.h5").toString();

    @BeforeAll
    static void writeReport() {
        for (String s : new String[] {"q15", "q7"}) {
            assertEquals(0, Cli.run("calibrate", MODEL, "--data", Paths2.demo("train_X.npy").toString(), "--scheme", s,
                    "--out", dir.resolve(s + ".json").toString()).code());
        }
        report = dir.resolve("report");
        Cli.Result r = Cli.run("report", MODEL, "--calibration", dir.resolve("q15.json").toString(), "--calibration",
                dir.resolve("q7.json").toString(), "--data", Paths2.demo("test_X.npy").toString(), "--targets",
                Paths2.demo("test_Y.npy").toString(), "--out", report.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Worst tensor before the output layer:") && r.out().contains("q7.json"), r.out());
    }

    private static Document xml(String text) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void thePageParsesAndEveryChartIsValidSvgWithItsCsv() throws Exception {
        String html = Files.readString(report.resolve("index.html"));
        Document page = xml(html);
        assertEquals("html", page.getDocumentElement().getTagName());
        assertFalse(html.contains("<script") || html.contains("http://") && html.replaceAll("xmlns(:\\w+)?='http://[^']*'", "").contains("http://"),
                "self-contained: no script, nothing fetched");
        Matcher m = Pattern.compile("(<svg id='(fig\\d+)'.*?</svg>).*?<a href=\"data/([^\"]+)\">", Pattern.DOTALL).matcher(html);
        int charts = 0;
        while (m.find()) {
            Document svg = xml(m.group(1));
            assertEquals("svg", svg.getDocumentElement().getLocalName());
            assertTrue(Files.isRegularFile(report.resolve("data").resolve(m.group(3))), m.group(2) + ": " + m.group(3));
            charts++;
        }
        // 2 state error charts, 4 outputs, 5 histograms, 2 SELU tables, 2 saturation charts
        assertEquals(15, charts);
        for (String section : new String[] {"Summary", "Error per timestep", "Metrics against the float32 engine",
            "Task error against the true values", "Tensor values and the formats' ranges", "Activation kernels", "Saturations"}) {
            assertTrue(html.contains(section), section);
        }
    }

    /** The output metrics in metrics.json against SQNR computed here from the engines' own outputs. */
    @Test
    void metricsAgreeWithAnIndependentComputation() throws IOException {
        JsonNode json = new ObjectMapper().readTree(report.resolve("metrics.json").toFile());
        Model model = KerasLoader.load(Path.of(MODEL));
        Sequences x = DataFiles.load(Paths2.demo("test_X.npy").toString(), model.inputShape());
        double[][][] f = Blocks.outputs(new FloatEngine(model), x);
        for (JsonNode run : json.get("calibrations")) {
            FixedEngine q = new FixedEngine(new QuantizedModel(model, CalibrationFile.read(dir.resolve(run.get("file").asText())).formats()));
            double[][][] y = Blocks.outputs(q, x);
            double signal = 0;
            double noise = 0;
            for (int i = 0; i < f.length; i++) {
                for (int j = 0; j < 4; j++) {
                    signal += f[i][0][j] * f[i][0][j];
                    noise += (y[i][0][j] - f[i][0][j]) * (y[i][0][j] - f[i][0][j]);
                }
            }
            assertEquals(10 * Math.log10(signal / noise), run.get("output").get("sqnr_db").asDouble(), 1e-4);
            assertEquals(Math.sqrt(noise / (f.length * 4)), run.get("output").get("rmse").asDouble(), 1e-9);
        }
    }

    @Test
    void theSameInputGivesTheSameBytes() throws IOException {
        Path again = dir.resolve("again");
        assertEquals(0, Cli.run("report", MODEL, "--calibration", dir.resolve("q15.json").toString(), "--calibration",
                dir.resolve("q7.json").toString(), "--data", Paths2.demo("test_X.npy").toString(), "--targets",
                Paths2.demo("test_Y.npy").toString(), "--out", again.toString()).code());
        assertEquals(Files.readString(report.resolve("index.html")), Files.readString(again.resolve("index.html")));
        assertEquals(Files.readString(report.resolve("metrics.json")), Files.readString(again.resolve("metrics.json")));
    }

    @Test
    void thePageOpensInHeadlessChromiumWithoutAConsoleMessage() throws IOException {
        Optional<Path> chromium = Toolchain.find("chromium").or(() -> Toolchain.find("chromium-browser"));
        assumeTrue(chromium.isPresent(), "chromium is not installed: skipping the browser check and screenshot");
        Path shot = dir.resolve("report.png");
        Toolchain.Run run = Toolchain.run(dir, List.of(chromium.get().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("chromium-profile"), "--enable-logging=stderr", "--v=0", "--window-size=1560,3000",
                "--screenshot=" + shot, report.resolve("index.html").toUri().toString()), 120);
        assertFalse(run.output().contains("CONSOLE"), "console messages:\n" + run.output());
        assertTrue(Files.size(shot) > 50_000, "a screenshot with charts in it: " + Files.size(shot) + " bytes");
    }

    @Test
    void badInputIsRefusedByName() throws IOException {
        Path wrong = dir.resolve("wrong.npy");
        try (var out = Files.newOutputStream(wrong)) {
            kquant.data.Npy.write(out, kquant.data.Npy.Dtype.FLOAT32, new int[] {365, 3}, new double[365 * 3]);
        }
        Cli.Result r = Cli.run("report", MODEL, "--calibration", dir.resolve("q15.json").toString(), "--data",
                Paths2.demo("test_X.npy").toString(), "--targets", wrong.toString(), "--out", dir.resolve("r1").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("wrong.npy: the targets do not fit the model's outputs (4,)"), r.err());
        Path fewer = dir.resolve("fewer.npy");
        try (var out = Files.newOutputStream(fewer)) {
            kquant.data.Npy.write(out, kquant.data.Npy.Dtype.FLOAT32, new int[] {10, 4}, new double[40]);
        }
        r = Cli.run("report", MODEL, "--calibration", dir.resolve("q15.json").toString(), "--data",
                Paths2.demo("test_X.npy").toString(), "--targets", fewer.toString(), "--out", dir.resolve("r2").toString());
        assertTrue(r.code() == 1 && r.err().contains("10 targets for 365 samples"), r.toString());
        // a calibration made for another model, next to one for this model
        String other = Files.readString(dir.resolve("q7.json")).replaceFirst("\"weights_sha256\" : \"f", "\"weights_sha256\" : \"0");
        Files.writeString(dir.resolve("other.json"), other);
        r = Cli.run("report", MODEL, "--calibration", dir.resolve("q15.json").toString(), "--calibration", dir.resolve("other.json").toString(),
                "--data", Paths2.demo("test_X.npy").toString(), "--out", dir.resolve("r3").toString());
        assertTrue(r.code() == 1 && r.err().contains("other.json: calibration is for model.h5"), r.toString());
        // a folder that is not a report is kept
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        KquantException e = assertThrows(KquantException.class, () -> Report.write(mine, false, KerasLoader.load(Path.of(MODEL)), null, null,
                java.util.Map.of(), new Report.Context("m", "d", "t"), null));
        assertTrue(e.getMessage().contains("holds notes.txt, which kquant did not write"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("r1")) || Files.exists(dir.resolve("r2")) || Files.exists(dir.resolve("r3")), "nothing written");
    }
}
