package kquant.engine;

/** The float arithmetic of {@link FloatEngine}: float32 as Keras computes, or float64 for reference. */
public enum Precision {
    FLOAT32, FLOAT64;

    /** Rounds a double result to this precision; every arithmetic step of the engine passes through it. */
    double round(double v) {
        return this == FLOAT32 ? (double) (float) v : v;
    }

    public String cliName() {
        return this == FLOAT32 ? "float32" : "float64";
    }
}
