package kquant.fixed;

/**
 * A Dense layer in integers: {@code Σ x_i V_ji} in format {@code F_j = fX + fV_j}, plus the
 * aligned bias, rounded to {@code fZ} and saturated, then the activation to {@code fY}. Applied
 * at every timestep of a sequence.
 */
public final class QDense implements QLayer {

    private final String name;
    private final QMatrix kernel;
    private final QBias bias;
    private final int fX;
    private final int fZ;
    private final int fY;
    private final ActivationKernel activation;

    public QDense(String name, QMatrix kernel, QBias bias, int fX, int fZ, int fY, ActivationKernel activation) {
        this.name = name;
        this.kernel = kernel;
        this.bias = bias;
        this.fX = fX;
        this.fZ = fZ;
        this.fY = fY;
        this.activation = activation;
        for (int j = 0; j < kernel.units(); j++) {
            QSimpleRnn.checkHeadroom(name, kernel.width().bound(), 0, 0, 0, accFrac(j) - fZ);
        }
    }

    @Override
    public String name() {
        return name;
    }

    public QMatrix kernel() {
        return kernel;
    }

    public QBias bias() {
        return bias;
    }

    public int units() {
        return kernel.units();
    }

    public int inputs() {
        return kernel.inputs();
    }

    @Override
    public int fIn() {
        return fX;
    }

    public int fZ() {
        return fZ;
    }

    @Override
    public int fOut() {
        return fY;
    }

    public int accFrac(int j) {
        return fX + kernel.format().at(j);
    }

    public ActivationKernel activation() {
        return activation;
    }
}
