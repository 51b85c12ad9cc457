package kquant.fixed;

/**
 * One layer of a {@link QuantizedModel}: integer weights in the layout the kernels read, the
 * formats, shifts and activation kernels. Built once, never changed.
 */
public sealed interface QLayer permits QRecurrent, QDense, QActivation, QReshape {

    String name();

    /** The input format (fractional bits of the tensor entering the layer). */
    int fIn();

    /** The output format. */
    int fOut();
}
