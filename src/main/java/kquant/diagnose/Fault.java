package kquant.diagnose;

/** The ways hand-written SimpleRNN ports are known to go wrong, each replayed as a variant of the reference. */
public enum Fault {
    STATE_UPDATED_IN_PLACE("the state is updated in place, so units computed later in a step read the new values of units computed earlier "
            + "(e.g. values_prev = values in Python aliases the list instead of copying it)"),
    DENSE_AT_EVERY_TIMESTEP("the Dense layer is applied at every timestep instead of only to the last state"),
    INPUT_KERNEL_TRANSPOSED("the input kernel W is read transposed: W[j][i] instead of W[i][j] for input i and unit j"),
    RECURRENT_KERNEL_TRANSPOSED("the recurrent kernel U is read transposed: U[j][k] instead of U[k][j]"),
    BIAS_MISSING("the bias b is left out"),
    BIAS_ADDED_TWICE("the bias b is added twice"),
    INITIAL_STATE_CARRIED_OVER("the state is not reset between sequences: each one starts from the previous one's last state"),
    INITIAL_STATE_ONES("the initial state is ones instead of zeros"),
    ELU_INSTEAD_OF_SELU("a plain ELU is used where the model has SELU (the scale 1.0507 and alpha 1.6733 are missing)"),
    SELU_CONSTANTS_SWAPPED("SELU's constants are swapped: scale 1.6733 and alpha 1.0507 instead of scale 1.0507 and alpha 1.6733"),
    FLOAT64("the arithmetic is float64 where Keras computes in float32"),
    INPUTS_NOT_NORMALISED("the inputs are fed raw, without the standardization the model was trained with"),
    TIMESTEPS_REVERSED("the timesteps are fed last first");

    private final String sentence;

    Fault(String sentence) {
        this.sentence = sentence;
    }

    /** One sentence naming the fault, for the diagnosis. */
    public String sentence() {
        return sentence;
    }
}
