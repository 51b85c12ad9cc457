package kquant.engine;

/** Moves single samples between the {@code [timestep][feature]} form and the flat form runners read. */
public final class Samples {

    private Samples() {
        throw new AssertionError("No instances of Samples");
    }

    /** {@code [timestep][feature]} as float32, row-major: the layout data sources give. */
    public static float[] flatten(double[][] sample) {
        int f = sample[0].length;
        float[] flat = new float[sample.length * f];
        for (int t = 0; t < sample.length; t++) {
            for (int i = 0; i < f; i++) {
                flat[t * f + i] = (float) sample[t][i];
            }
        }
        return flat;
    }

    /** Flattens {@code [sample][step][unit]} row-major, for writing as an array. */
    public static double[] flatten(double[][][] values) {
        int n = values.length;
        int steps = values[0].length;
        int units = values[0][0].length;
        double[] flat = new double[n * steps * units];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(values[i][t], 0, flat, (i * steps + t) * units, units);
            }
        }
        return flat;
    }

    /** Sample {@code s} of a runner's last block as {@code [step][unit]}. */
    public static double[][] outputs(Runner r, int s) {
        double[][] y = new double[r.outputSteps()][r.outputUnits()];
        for (int t = 0; t < y.length; t++) {
            for (int j = 0; j < y[t].length; j++) {
                y[t][j] = r.output(s, t, j);
            }
        }
        return y;
    }
}
