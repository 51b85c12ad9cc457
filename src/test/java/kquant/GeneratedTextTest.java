package kquant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every model-controlled string passes through {@link GeneratedText}; whatever it holds, what
 * comes out cannot end a comment, a string, a line or a cell. Checked on seeded random strings
 * built from the characters that do harm, against a decoder and rules written here.
 */
class GeneratedTextTest {

    /** What attackers use: comment and string ends, line ends, escapes, trigraphs, format directives, non-ASCII, controls. */
    private static final String HARM = "*/\\\"'#?%,;\n\r\t\0\u001b\u2028\u2029\u202e\u00e9\u540d ab_.-~$`{}()<>=";

    private static String random(Random r, int maxLength) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) {
            sb.append(HARM.charAt(r.nextInt(HARM.length())));
        }
        return sb.toString();
    }

    /** The inverse of {@link GeneratedText#name} for names it did not shorten, written independently. */
    private static String decode(String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '~') {
                b.write(Integer.parseInt(name.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void namesAreInertTokensThatDecodeBackToTheName() {
        Random r = new Random(13);
        for (int k = 0; k < 20_000; k++) {
            String s = random(r, 5);
            String n = GeneratedText.name(s);
            assertTrue(n.matches("[A-Za-z0-9_.~-]*"), n);
            assertEquals(s, decode(n), "one-to-one for names it does not cut: " + n);
        }
        for (String plain : new String[] {"simple_rnn", "dense_1", "lstm.2-x", "GRU"}) {
            assertEquals(plain, GeneratedText.name(plain), "Keras's own names read as they are");
        }
    }

    @Test
    void longNamesAreCutButStayDistinct() {
        String a = "x".repeat(10_000);
        String b = "x".repeat(9_999) + "y";
        assertTrue(GeneratedText.name(a).length() <= 64 && GeneratedText.cIdentifier(a).length() <= 64);
        assertNotEquals(GeneratedText.name(a), GeneratedText.name(b));
        assertNotEquals(GeneratedText.cIdentifier(a), GeneratedText.cIdentifier(b));
        assertTrue(GeneratedText.label(a).length() <= 120);
        assertEquals(GeneratedText.name(a), GeneratedText.name(a), "the same name gives the same text");
    }

    @Test
    void identifiersAreValidC99IdentifiersThatAreNotKeywords() {
        Set<String> keywords = Set.of("auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
                "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
                "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool",
                "_Complex", "_Imaginary");
        Random r = new Random(14);
        for (int k = 0; k < 20_000; k++) {
            String id = GeneratedText.cIdentifier(random(r, 10) + (k % 7 == 0 ? "" : "int"));
            assertTrue(id.matches("[A-Za-z][A-Za-z0-9_]*") && !keywords.contains(id) && id.length() <= 64, id);
        }
        for (String k : keywords) {
            assertFalse(keywords.contains(GeneratedText.cIdentifier(k)), k);
        }
        assertEquals("simple_rnn", GeneratedText.cIdentifier("simple_rnn"));
        assertEquals("l_1dense", GeneratedText.cIdentifier("1dense"));
    }

    @Test
    void commentsCsvCellsFileNamesAndTerminalLinesCannotBeBrokenOutOf() throws Exception {
        Random r = new Random(15);
        for (int k = 0; k < 20_000; k++) {
            String s = random(r, 16);
            String comment = GeneratedText.comment(s);
            assertTrue(comment.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !comment.contains("*") && !comment.contains("\\")
                    && !comment.contains("??"), comment);
            String cell = GeneratedText.csvCell(s);
            assertTrue(cell.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r'), cell);
            String file = GeneratedText.fileName(s + "/state");
            assertTrue(file.matches("[A-Za-z0-9_~-][A-Za-z0-9_.~-]*") && file.endsWith(".state"), file);
            String line = GeneratedText.oneLine(s);
            assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029 || c == 0x202e), line);
            StringWriter w = new StringWriter();
            try (Writer t = GeneratedText.terminal(w)) {
                t.write(s);
            }
            assertTrue(w.toString().chars().noneMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x1b || c == 0x202e), w.toString());
        }
        assertEquals("simple_rnn/state", GeneratedText.csvCell("simple_rnn/state"), "plain cells are unchanged");
        assertEquals("~2E..state", GeneratedText.fileName("../state"), "no hidden file, no other folder");
    }
}
