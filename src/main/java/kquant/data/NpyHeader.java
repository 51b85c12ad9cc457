package kquant.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kquant.KquantException;

/**
 * The dictionary of an {@code .npy} header, read by the grammar the format defines: a Python
 * literal dict with exactly the keys {@code 'descr'} (a string), {@code 'fortran_order'}
 * ({@code True} or {@code False}) and {@code 'shape'} (a tuple of non-negative ints), padded
 * with spaces and ending in one newline. Anything else is refused with its byte offset in the
 * file, so a damaged header never passes as a different array.
 *
 * <pre>
 * header := '{' S entry (S ',' S entry)* (S ',')? S '}' ' '* '\n'
 * entry  := string S ':' S value
 * shape  := '(' S ')' | '(' S int S ',' S ')' | '(' S int (S ',' S int)+ (S ',')? S ')'
 * int    := '0' | [1-9][0-9]* 'L'?      (the L of headers Python 2 wrote)
 * S      := (' ' | '\t')*
 * </pre>
 */
final class NpyHeader {

    /** What the three keys say. */
    record Dict(String descr, boolean fortranOrder, long[] shape) {
    }

    private final String text;
    private final long start;
    private final String file;
    private int at;

    private NpyHeader(String text, long start, String file) {
        this.text = text;
        this.start = start;
        this.file = file;
    }

    /**
     * Parses the header text.
     *
     * @param start  the offset of the text in the file, for messages
     */
    static Dict parse(String text, long start, String file) {
        return new NpyHeader(text, start, file).dict();
    }

    private Dict dict() {
        expect('{');
        Map<String, Object> entries = new HashMap<>();
        spaces();
        while (peek() != '}') {
            int keyAt = at;
            String key = string();
            if (!List.of("descr", "fortran_order", "shape").contains(key)) {
                throw fault(keyAt, "unexpected key '" + key + "' (an .npy header holds descr, fortran_order and shape)");
            }
            if (entries.containsKey(key)) {
                throw fault(keyAt, "key '" + key + "' appears twice");
            }
            spaces();
            expect(':');
            spaces();
            entries.put(key, value(key));
            spaces();
            if (peek() == ',') {
                at++;
                spaces();
            } else if (peek() != '}') {
                throw fault(at, "expected ',' or '}'");
            }
        }
        at++;
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
        if (at != text.length() - 1 || text.charAt(at) != '\n') {
            throw fault(at, "the header must end in spaces and one newline after the dict");
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!entries.containsKey(key)) {
                throw fault(0, "the header has no '" + key + "'");
            }
        }
        return new Dict((String) entries.get("descr"), (Boolean) entries.get("fortran_order"), (long[]) entries.get("shape"));
    }

    private Object value(String key) {
        switch (key) {
            case "descr":
                if (peek() != '\'' && peek() != '"') {
                    throw fault(at, "descr must be a dtype string such as '<f4' (structured dtypes are not supported)");
                }
                return string();
            case "fortran_order":
                if (text.startsWith("True", at)) {
                    at += 4;
                    return true;
                }
                if (text.startsWith("False", at)) {
                    at += 5;
                    return false;
                }
                throw fault(at, "fortran_order must be True or False");
            default:
                return shape();
        }
    }

    private long[] shape() {
        expect('(');
        spaces();
        List<Long> dims = new ArrayList<>();
        boolean comma = false;
        while (peek() != ')') {
            dims.add(integer());
            spaces();
            comma = peek() == ',';
            if (comma) {
                at++;
                spaces();
            } else if (peek() != ')') {
                throw fault(at, "expected ',' or ')' in the shape");
            }
        }
        if (dims.size() == 1 && !comma) {
            throw fault(at, "a one-dimensional shape is written (n,)");
        }
        at++;
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() {
        int from = at;
        while (at < text.length() && Character.isDigit(text.charAt(at)) && text.charAt(at) < 128) {
            at++;
        }
        String digits = text.substring(from, at);
        if (digits.isEmpty() || (digits.length() > 1 && digits.charAt(0) == '0') || digits.length() > 18) {
            throw fault(from, "a shape holds non-negative whole numbers");
        }
        if (peek() == 'L') {
            at++;
        }
        return Long.parseLong(digits);
    }

    private String string() {
        char quote = peek();
        if (quote != '\'' && quote != '"') {
            throw fault(at, "expected a quoted string");
        }
        int from = ++at;
        while (at < text.length() && text.charAt(at) != quote) {
            char c = text.charAt(at);
            if (c == '\\' || c == '\n' || c < ' ') {
                throw fault(at, "unexpected character in a string");
            }
            at++;
        }
        if (at >= text.length()) {
            throw fault(from - 1, "unterminated string");
        }
        return text.substring(from, at++);
    }

    private void spaces() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw fault(at, "the header ends inside the dict");
        }
        return text.charAt(at);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw fault(at, "expected '" + c + "'");
        }
        at++;
    }

    private KquantException fault(int index, String what) {
        String found = index < text.length() ? describe(text.charAt(index)) : "the end of the header";
        return KquantException.of("%s: malformed .npy header at byte %d (%s): %s", file, start + index, found, what);
    }

    private static String describe(char c) {
        return c >= ' ' && c < 127 ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
