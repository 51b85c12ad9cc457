package kquant.model;

import java.util.Arrays;

/**
 * A named weight tensor as Keras stores it: float32 values in row-major (C) order.
 *
 * <p>A Keras kernel has shape {@code (inputs, units)}; element {@code (i, j)} is at
 * {@code i * units + j}. The arrays are copied in and out, so a tensor never changes.
 *
 * @param name  the Keras weight name, e.g. {@code kernel}, {@code recurrent_kernel}, {@code bias}
 * @param role  what the tensor does, for people: "input kernel", "recurrent kernel", "bias"
 */
public record Tensor(String name, String role, int[] shape, float[] values) {

    public Tensor {
        shape = shape.clone();
        values = values.clone();
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException(
                    "tensor " + name + " has shape " + Arrays.toString(shape) + " but " + values.length + " values");
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    public int size() {
        return values.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** Element {@code (i, j)} of a 2-D tensor. */
    public float get(int i, int j) {
        return values[i * shape[1] + j];
    }

    /** Element {@code i} of a 1-D tensor (or of the flattened tensor). */
    public float get(int i) {
        return values[i];
    }

    /** The values widened to double, for engines that compute in double. */
    public double[] toDoubles() {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    public double maxAbs() {
        double m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    public String shapeString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && name.equals(t.name) && role.equals(t.role)
                && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return name + shapeString();
    }
}
