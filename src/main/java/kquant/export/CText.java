package kquant.export;

/** Builds C source text: lines, comments and array initializers laid out for reading and diffing. */
final class CText {

    private final StringBuilder sb = new StringBuilder();

    CText line(String s) {
        sb.append(s).append('\n');
        return this;
    }

    CText line() {
        sb.append('\n');
        return this;
    }

    CText format(String fmt, Object... args) {
        return line(String.format(java.util.Locale.ROOT, fmt, args));
    }

    /** {@code values} as the body of an initializer, {@code perLine} to a line, indented. */
    CText values(int[] values, int perLine) {
        for (int i = 0; i < values.length; i += perLine) {
            StringBuilder row = new StringBuilder("    ");
            for (int k = i; k < Math.min(values.length, i + perLine); k++) {
                row.append(values[k]).append(k + 1 < values.length ? ", " : "");
            }
            line(row.toString().stripTrailing());
        }
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
