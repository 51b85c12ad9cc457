package kquant.diagnose;

/**
 * The ways hand-written recurrent ports are known to go wrong, each replayed as a variant of the
 * reference. The LSTM and GRU faults follow the catalogue in ../shared/research/lstm-gru.md,
 * section 3.1; {@link Applicability} says which apply to a model.
 */
public enum Fault {
    STATE_UPDATED_IN_PLACE("the state is updated in place, so units computed later in a step read the new values of units computed earlier "
            + "(e.g. values_prev = values in Python aliases the list instead of copying it)"),
    DENSE_AT_EVERY_TIMESTEP("the Dense layer is applied at every timestep instead of only to the last state"),
    INPUT_KERNEL_TRANSPOSED("the input kernel W is read transposed: W[j][i] instead of W[i][j] for input i and unit j"),
    RECURRENT_KERNEL_TRANSPOSED("the recurrent kernel U is read transposed: U[j][k] instead of U[k][j]"),
    BIAS_MISSING("the bias b is left out"),
    BIAS_ADDED_TWICE("the bias b is added twice"),
    INITIAL_STATE_CARRIED_OVER("the state is not reset between sequences: each one starts from the previous one's last state"),
    INITIAL_STATE_ONES("the initial state (h, and an LSTM's c) is ones instead of zeros"),
    ELU_INSTEAD_OF_SELU("a plain ELU is used where the model has SELU (the scale 1.0507 and alpha 1.6733 are missing)"),
    SELU_CONSTANTS_SWAPPED("SELU's constants are swapped: scale 1.6733 and alpha 1.0507 instead of scale 1.0507 and alpha 1.6733"),
    FLOAT64("the arithmetic is float64 where Keras computes in float32"),
    INPUTS_NOT_NORMALISED("the inputs are fed raw, without the standardization the model was trained with"),
    TIMESTEPS_REVERSED("the timesteps are fed last first"),
    LSTM_GATE_ORDER_ICFO("the LSTM's gate blocks are read in the order i, c, f, o (Keras 1's stored order, TF1's i, j, f, o) "
            + "instead of Keras's i, f, c, o, so f and c trade places"),
    LSTM_GATE_ORDER_IOFC("the LSTM's gate blocks are read in ONNX's order i, o, f, c instead of Keras's i, f, c, o"),
    LSTM_GATE_ORDER_CFOI("the LSTM's gate blocks are read in DL4J's order c, f, o, i instead of Keras's i, f, c, o"),
    LSTM_H_AND_C_SWAPPED("the LSTM's state is stored as (c, h) and read back as (h, c), as when Keras's [h, c] meets TF1's "
            + "LSTMStateTuple (c, h): each step starts from h = the previous c and c = the previous h"),
    LSTM_CELL_NOT_CARRIED("the LSTM's cell state c is not carried between steps: every step starts from c = 0 while h is carried"),
    LSTM_OUTPUT_WITHOUT_ACTIVATION("the LSTM's output is h = o·c, without the activation of c (Keras computes h = o·act(c), act usually tanh)"),
    SIGMOID_FOR_HARD_SIGMOID("the gates use the logistic sigmoid where the file says hard_sigmoid (the recurrent_activation default "
            + "up to Keras 2.2)"),
    HARD_SIGMOID_FOR_SIGMOID("the gates use hard_sigmoid, clip(0.2x + 0.5, 0, 1), where the file says sigmoid (the default from "
            + "Keras 2.3 on and in tf.keras 2 and Keras 3)"),
    KERAS2_HARD_SIGMOID_FOR_KERAS3("the gates use Keras 2's hard_sigmoid, clip(0.2x + 0.5, 0, 1), for a Keras 3 file, whose hard_sigmoid "
            + "is relu6(x + 3) / 6"),
    KERAS3_HARD_SIGMOID_FOR_KERAS2("the gates use Keras 3's hard_sigmoid, relu6(x + 3) / 6, for a Keras 1 or 2 file, whose hard_sigmoid "
            + "is clip(0.2x + 0.5, 0, 1)"),
    GRU_GATE_ORDER_RZH("the GRU's gate blocks are read in cuDNN's order r, z, h instead of Keras's z, r, h"),
    GRU_RESET_BEFORE("the GRU applies r before the recurrent product, (r·h)·U_h + b_rec_h as reset_after=False does, where the model "
            + "has reset_after=True: r·(h·U_h + b_rec_h)"),
    GRU_RESET_AFTER("the GRU applies r after the recurrent product, r·(h·U_h) as reset_after=True does, where the model has "
            + "reset_after=False: (r·h)·U_h"),
    GRU_RECURRENT_BIAS_MISSING("the GRU's recurrent bias (the second row of its (2, 3u) bias) is left out"),
    GRU_RECURRENT_BIAS_OUTSIDE_RESET("the GRU's recurrent bias b_rec_h is added outside r·(...), x·W_h + b_in_h + b_rec_h + r·(h·U_h), "
            + "as when the two bias rows are summed into one"),
    GRU_Z_SWAPPED("z and 1 - z are swapped: h = (1 - z)·h + z·hh (the form of the CMSIS example and many papers) where Keras "
            + "computes h = z·h + (1 - z)·hh"),
    GATE_INPUT_KERNEL_TRANSPOSED("one gate's block of the input kernel W, (features, units), is read transposed, as (units, features)"),
    GATE_RECURRENT_KERNEL_TRANSPOSED("one gate's block of the recurrent kernel U is read transposed: U_g[j][k] instead of U_g[k][j]");

    private final String sentence;

    Fault(String sentence) {
        this.sentence = sentence;
    }

    /** One sentence naming the fault, for the diagnosis. */
    public String sentence() {
        return sentence;
    }
}
