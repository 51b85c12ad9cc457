package kquant;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The one place where strings a model file controls (layer names, file names, tensor names)
 * become part of text kquant generates: C comments, string literals and identifiers, banners,
 * SPEC notes, Makefiles, CMake files, CSV cells, file names and terminal messages.
 *
 * <p>A model file is often someone else's download. A layer named {@code rnn*}{@code / int x; /*}
 * must not end a comment and put code into the firmware; a newline must not end a line, a quote
 * a string, a comma a CSV cell, a {@code #} a Makefile line. Every writer passes such strings
 * through here. JSON goes through Jackson, which escapes strings itself; HTML through
 * {@code report.Html}.
 */
public final class GeneratedText {

    /** Longest {@link #name}; longer names keep their start and gain a hash that tells them apart. */
    static final int MAX_NAME = 64;
    /** Longest {@link #label}. */
    static final int MAX_LABEL = 120;

    private static final Set<String> C_KEYWORDS = Set.of("auto", "break", "case", "char", "const", "continue", "default",
            "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
            "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
            "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Imaginary");

    private GeneratedText() {
        throw new AssertionError("No instances of GeneratedText");
    }

    /**
     * A model-controlled string as a token that is inert in every generated file: letters, digits
     * and {@code _ . -} pass unchanged (so Keras's own names read as they are), every other
     * byte of the UTF-8 text is written {@code ~HH}, and a name over {@value #MAX_NAME}
     * characters is cut, with the first 8 hex digits of its SHA-256 to keep distinct names
     * distinct. The result holds no {@code *}, {@code /}, quote, backslash, {@code #}, {@code %},
     * {@code $}, {@code ?}, comma, space, control or non-ASCII character, so it cannot end or open
     * a C comment, a string, a line or a cell, nor form a trigraph, a path or a format directive.
     */
    public static String name(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (plain(c)) {
                sb.append(c);
            } else {
                sb.append('~').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return shorten(sb.toString(), s);
    }

    /**
     * A model-controlled string as a C identifier: every character outside {@code [A-Za-z0-9_]}
     * becomes {@code _}, a leading digit gains {@code l_} and a leading underscore {@code l} in front, a keyword
     * gains a trailing {@code _}, and long names are cut as in {@link #name} (C99 promises 63
     * significant characters). Callers make the result unique.
     */
    public static String cIdentifier(String s) {
        String id = s.replaceAll("[^A-Za-z0-9_]", "_");
        if (id.isEmpty() || id.charAt(0) == '_') {
            id = "l" + id;
        } else if (Character.isDigit(id.charAt(0))) {
            id = "l_" + id;
        }
        if (C_KEYWORDS.contains(id)) {
            id = id + "_";
        }
        return shorten(id, s);
    }

    /**
     * A tensor name ({@code layer/what}) as the stem of a file name: the layer's name (which may
     * hold {@code /} itself) and what follows the last {@code /}, each as {@link #name}, joined
     * with {@code .} ({@code simple_rnn/state} → {@code simple_rnn.state}). It names no other
     * folder, no hidden file, and stays far below file systems' 255 bytes.
     */
    public static String fileName(String tensor) {
        int slash = tensor.lastIndexOf('/');
        String stem = visible(name(slash < 0 ? tensor : tensor.substring(0, slash)));
        return slash < 0 ? stem : stem + "." + name(tensor.substring(slash + 1));
    }

    /** A file name's start that is neither empty nor a dot (which would hide the file, or name a folder). */
    private static String visible(String s) {
        return s.isEmpty() ? "~" : s.startsWith(".") ? "~2E" + s.substring(1) : s;
    }

    /**
     * A line of text for a generated comment (a C banner, a {@code #} line of a Makefile or CMake
     * file) that names files or layers: printable ASCII passes, except {@code *}, backslash and
     * {@code ?}, which with every control or non-ASCII byte are written {@code ~HH}. It can
     * neither close a C comment nor continue one onto the next line, nor form a trigraph.
     */
    public static String comment(String line) {
        StringBuilder sb = new StringBuilder();
        for (byte b : line.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean inert = c >= 0x20 && c < 0x7f && c != '*' && c != '\\' && c != '?';
            sb.append(inert ? String.valueOf(c) : String.format(Locale.ROOT, "~%02X", b & 0xff));
        }
        return sb.toString();
    }

    /** Whether {@code s} is a C99 keyword, which no generated name may be. */
    public static boolean isCKeyword(String s) {
        return C_KEYWORDS.contains(s);
    }

    /**
     * A CSV cell holding a string a model or a file name controls: unchanged when it is printable
     * ASCII without a comma or quote, else as {@link #name}.
     */
    public static String csvCell(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != ',' && c != '"') ? s : name(s);
    }

    /**
     * {@code out} with every control character but newline and tab written as by {@link #oneLine}:
     * whatever a command prints, a name in it cannot move the cursor, recolour the terminal or
     * reverse the text after it.
     */
    public static Writer terminal(Writer out) {
        return new FilterWriter(out) {
            @Override
            public void write(int c) throws IOException {
                write(new char[] {(char) c}, 0, 1);
            }

            @Override
            public void write(char[] buf, int off, int len) throws IOException {
                String s = new String(buf, off, len);
                StringBuilder sb = new StringBuilder(len);
                for (String part : s.split("(?<=[\n\t])|(?=[\n\t])")) {
                    sb.append(part.equals("\n") || part.equals("\t") ? part : oneLine(part));
                }
                out.write(sb.toString());
            }

            @Override
            public void write(String str, int off, int len) throws IOException {
                write(str.toCharArray(), off, len);
            }
        };
    }

    /**
     * A message as one line of printable text for the terminal: control characters (line ends,
     * escape sequences) and Unicode line and direction controls are written {@code \\uXXXX}.
     */
    public static String oneLine(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
            sb.append(control ? String.format(Locale.ROOT, "\\u%04X", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    /**
     * A string for people to read in a chart or a page: {@link #oneLine}, and a string over
     * {@value #MAX_LABEL} characters keeps its start and gains a hash, so that a 10,000-character
     * layer name neither fills the page nor makes chart layout crawl.
     */
    public static String label(String s) {
        String line = oneLine(s);
        return line.length() <= MAX_LABEL ? line : line.substring(0, MAX_LABEL - 12) + "..." + sha256(s).substring(0, 8);
    }

    private static boolean plain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }

    private static String shorten(String text, String original) {
        if (text.length() <= MAX_NAME) {
            return text;
        }
        String head = text.substring(0, MAX_NAME - 12);
        // never cut inside a ~HH escape
        int tilde = head.lastIndexOf('~');
        if (tilde >= 0 && tilde > head.length() - 3) {
            head = head.substring(0, tilde);
        }
        return head + "___" + sha256(original).substring(0, 8);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
