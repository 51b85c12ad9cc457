package kquant.keras;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keras version that saved a file, and the recurrent-layer defaults that depend on it: what a
 * config means when it leaves {@code recurrent_activation} or GRU's {@code reset_after} out.
 *
 * <p>Saved configs normally spell both keys out; they go missing in Keras 1 (which calls the first
 * {@code inner_activation}), in Keras before 2.1.5 (no {@code reset_after} yet) and in hand-written
 * configs. The defaults (keras 1.2.2 {@code recurrent.py}; keras 2.0.0 to 2.2.5
 * {@code recurrent.py}; 2.3.0, whose release note moved every RNN to sigmoid; tf.keras
 * {@code gru.py} / {@code gru_v1.py}; Keras 3 {@code gru.py}):
 * <pre>
 *   saved by                       recurrent_activation   reset_after
 *   Keras 1.x                      hard_sigmoid           (reset before U_h)
 *   Keras 2.0 to 2.2.x             hard_sigmoid           False
 *   Keras 2.3.x                    sigmoid                False
 *   tf.keras 2 (2.4 on), Keras 3   sigmoid                True
 * </pre>
 * tf.keras releases before 2.4 call themselves {@code 2.x.y-tf}; {@code 2.1.6-tf} and
 * {@code 2.2.4-tf} were shipped both by TensorFlow 1 (the v1 layers: hard_sigmoid, False) and
 * by TensorFlow 2.0 (the v2 layers: sigmoid, True), so for them the version settles nothing.
 *
 * @param text   the version as the file records it, e.g. {@code 2.13.1}, {@code 2.2.4-tf}, or
 *               {@code unknown}
 * @param major  0 when unknown
 * @param minor  0 when unknown
 */
record KerasVersion(String text, int major, int minor, boolean tfKeras) {

    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)(?:\\.(\\d+))?");

    static KerasVersion parse(String text) {
        String t = text == null ? "unknown" : text.trim();
        Matcher m = NUMBERS.matcher(t);
        if (!m.find()) {
            return new KerasVersion(t, 0, 0, false);
        }
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return new KerasVersion(t, Integer.parseInt(m.group(1)), minor, t.endsWith("-tf"));
    }

    boolean known() {
        return major > 0;
    }

    /** The major version for {@link kquant.model.Activation#fromKeras}: 2 when unknown, as before. */
    int majorOr2() {
        return known() ? major : 2;
    }

    /** True for the {@code -tf} releases that TensorFlow 1 and 2.0 both shipped. */
    private boolean ambiguousTfKeras() {
        return tfKeras && major == 2 && minor < 3;
    }

    /** {@code recurrent_activation}'s default in this version, or null when the version does not settle it. */
    String recurrentActivationDefault() {
        if (!known() || ambiguousTfKeras()) {
            return null;
        }
        return major == 1 || (major == 2 && minor < 3) ? "hard_sigmoid" : "sigmoid";
    }

    /** GRU {@code reset_after}'s default in this version, or null when the version does not settle it. */
    Boolean resetAfterDefault() {
        if (!known() || ambiguousTfKeras()) {
            return null;
        }
        if (major == 1) {
            return false;
        }
        return major >= 3 || minor >= 4 || tfKeras;
    }
}
