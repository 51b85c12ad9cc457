package kquant.fixed;

/**
 * A recurrent layer in integers: SimpleRNN, LSTM or GRU. Its kernel and recurrent kernel hold
 * {@code gates · units} rows (unit-major, gate blocks in Keras's order), its state h has the
 * layer's output format, and an LSTM also carries an int16 cell state.
 */
public sealed interface QRecurrent extends QLayer permits QSimpleRnn, QLstm, QGru {

    int units();

    int inputs();

    QMatrix kernel();

    QMatrix recurrent();

    boolean returnSequences();

    boolean goBackwards();

    /** True for an LSTM, whose state is (h, c). */
    default boolean hasCell() {
        return false;
    }
}
