package kquant.fuzz;

/** What a command did with one mutated file. */
public enum Outcome {

    /** Exit 1, one line on stderr naming the fault, nothing on stdout, nothing written. */
    REFUSED("refused", true),
    /** Exit 0 and the original's answer: the changed bytes were not used. */
    SAME("same answer", true),
    /** Exit 0, another answer, and every changed byte was float data: no format can tell. */
    FLOAT_DATA("other answer: float data changed", true),
    /** Exit 0, another answer, from a file that still follows its format with other values (a config, a header field, fewer CSV rows). */
    VALUES("other answer: well-formed values changed", true),
    /** Exit 0 from a truncated container, or another answer from bytes of a container's structure. */
    DAMAGE_ACCEPTED("damaged container accepted", false),
    /** Exit 1 but not clean: several lines, a stack trace, or output left behind. */
    UNCLEAN_REFUSAL("unclean refusal", false),
    /** Exit 2 or 3, or an exception or error out of the command. */
    INTERNAL_ERROR("internal error", false),
    /** No answer within the time limit. */
    HANG("hang", false);

    /** The column heading. */
    public final String label;
    /** Whether this outcome is allowed: a run passes when every case has an allowed outcome. */
    public final boolean allowed;

    Outcome(String label, boolean allowed) {
        this.label = label;
        this.allowed = allowed;
    }
}
