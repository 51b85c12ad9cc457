package kquant.model;

/**
 * The shape of one sample flowing between layers, without the batch axis.
 *
 * <p>Either a sequence {@code (timesteps, features)} or a vector {@code (features)}. A sequence
 * whose length Keras left open ({@code None}) has {@code timesteps == UNKNOWN}.
 */
public record Shape(boolean sequence, int timesteps, int features) {

    public static final int UNKNOWN = -1;

    public Shape {
        if (features <= 0) {
            throw new IllegalArgumentException("features must be positive: " + features);
        }
        if (!sequence && timesteps != 1) {
            throw new IllegalArgumentException("a vector has no timesteps");
        }
        if (sequence && timesteps != UNKNOWN && timesteps <= 0) {
            throw new IllegalArgumentException("timesteps must be positive: " + timesteps);
        }
    }

    public static Shape sequence(int timesteps, int features) {
        return new Shape(true, timesteps, features);
    }

    public static Shape vector(int features) {
        return new Shape(false, 1, features);
    }

    public boolean knownLength() {
        return !sequence || timesteps != UNKNOWN;
    }

    /** This shape with the sequence length fixed, used when data tells the length Keras left open. */
    public Shape withTimesteps(int t) {
        return sequence ? sequence(t, features) : this;
    }

    @Override
    public String toString() {
        if (!sequence) {
            return "(" + features + ",)";
        }
        return "(" + (timesteps == UNKNOWN ? "None" : Integer.toString(timesteps)) + ", " + features + ")";
    }
}
