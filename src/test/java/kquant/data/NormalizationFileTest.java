package kquant.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import kquant.KquantException;
import kquant.model.Normalization;
import kquant.testing.Paths2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both forms of the normalization description, and every way one can be wrong, named. */
class NormalizationFileTest {

    @TempDir
    Path dir;

    @Test
    void theDemosPlainFileIsReadAsItIs() throws Exception {
        Path p = Paths2.demo("normalization.json");
        NormalizationFile f = NormalizationFile.read(p);
        Normalization n = f.normalization();
        assertEquals(6, n.inputs().size());
        assertEquals("precipitation", n.inputs().get(0).name());
        assertEquals(2.998905109489052, n.inputs().get(0).offset());
        assertEquals(1.4709582247613344, n.inputs().get(3).scale());
        // sin and cos of the day are not standardized: they pass as they are
        assertEquals("sin(2*pi*doy/365.25)", n.inputs().get(4).name());
        assertEquals(0, n.inputs().get(4).offset());
        assertEquals(1, n.inputs().get(5).scale());
        assertNull(n.inputs().get(0).code());
        // targets names four outputs, standardized like the four variables
        assertEquals(4, n.outputs().size());
        assertEquals(16.109762773722625, n.outputs().get(1).offset());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))), f.sha256());
    }

    @Test
    void theDemosCodesAreDeclaredPerFeature() {
        Normalization n = NormalizationFile.read(Paths2.demo("normalization-codes.json")).normalization();
        assertEquals(new Normalization.Code(16, 0.1), n.inputs().get(1).code());
        assertEquals("°C", n.inputs().get(1).unit());
        assertEquals(new Normalization.Code(16, 0x1p-14), n.inputs().get(4).code());
        assertEquals(new Normalization.Code(16, 0.01), n.outputs().get(3).code());
        assertTrue(n.inputCodes() && n.outputCodes());
    }

    @Test
    void aZeroOrNegativeScaleIsRefusedNamingTheFeature() throws IOException {
        for (String scale : new String[] {"0", "-2.5"}) {
            Path p = write("{\"kquant_normalization\": 1, \"inputs\": [{\"name\": \"a\", \"offset\": 0, \"scale\": 1},"
                    + " {\"name\": \"temp\", \"offset\": 3, \"scale\": " + scale + "}]}");
            KquantException e = assertThrows(KquantException.class, () -> NormalizationFile.read(p));
            assertEquals(p + ": input 1 (temp): scale " + Double.parseDouble(scale) + " must be positive (it divides the value)", e.getMessage());
        }
    }

    @Test
    void everyOtherFaultIsNamed() throws IOException {
        String[][] cases = {
            {"{\"mean\": [1, 2], \"std\": [1]}", "needs arrays mean and std of the same length"},
            {"{\"kquant_normalization\": 2, \"inputs\": []}", "kquant_normalization 2; this kquant reads version 1"},
            {"{\"kquant_normalization\": 1}", "needs an array inputs with one object per input feature"},
            {"{\"kquant_normalization\": 1, \"inputs\": [{\"name\": \"a\", \"scale\": 1}]}", "input 0 (a): offset must be a number"},
            {"{\"kquant_normalization\": 1, \"inputs\": [{\"name\": \"a\", \"offset\": 0, \"scale\": 1, \"code\": {\"type\": \"int32\", \"lsb\": 1}}]}",
                "input 0 (a): code type int32: use int8 or int16"},
            {"{\"kquant_normalization\": 1, \"inputs\": [{\"name\": \"a\", \"offset\": 0, \"scale\": 1, \"code\": {\"type\": \"int8\", \"lsb\": 0}}]}",
                "input 0 (a): code lsb 0.0 must be positive (the physical value of one code)"},
            {"{\"kquant_normalization\": 1, \"inputs\": [{\"name\": \"a\", \"offset\": 0, \"scale\": 1, \"code\": {\"type\": \"int8\", \"lsb\": 1}},"
                + " {\"name\": \"b\", \"offset\": 0, \"scale\": 1}]}", "input b declares no code while a does"},
            {"[1, 2]", "not a normalization description (expected a JSON object)"},
            {"{", "not a normalization description (not valid JSON"}};
        for (String[] c : cases) {
            Path p = write(c[0]);
            KquantException e = assertThrows(KquantException.class, () -> NormalizationFile.read(p), c[0]);
            assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains(c[1]), e.getMessage());
        }
        KquantException missing = assertThrows(KquantException.class, () -> NormalizationFile.read(dir.resolve("none.json")));
        assertEquals(dir.resolve("none.json") + ": normalization file not found", missing.getMessage());
    }

    private Path write(String json) throws IOException {
        Path p = Files.createTempFile(dir, "n", ".json");
        Files.writeString(p, json);
        return p;
    }
}
