package kquant.fixed;

/**
 * The accumulator a dot product needs, proved from the weights: {@code INT32} when
 * {@code max_j Σ_i |w_code(j, i)| · 2^(bits-1)} (bits of the input type) fits in an int32 for every input the format can
 * hold (saturated codes included), {@code INT64} otherwise. Either way the sum is exact, so the
 * choice never changes a result, only which C kernel may be used.
 *
 * @param bound  the proved largest magnitude of the sum
 */
public record AccumulatorWidth(boolean int32, long bound) {

    /** The proof for a weight matrix stored row by row ({@code rows} output units of {@code cols} inputs). */
    public static AccumulatorWidth prove(int[] weightsByRow, int rows, int cols, Storage inputType) {
        long worst = 0;
        for (int j = 0; j < rows; j++) {
            long sum = 0;
            for (int i = 0; i < cols; i++) {
                sum += Math.abs(weightsByRow[j * cols + i]);
            }
            worst = Math.max(worst, sum);
        }
        long bound = worst * inputType.maxMagnitude();
        return new AccumulatorWidth(bound <= Integer.MAX_VALUE, bound);
    }

    public String cName() {
        return int32 ? "int32" : "int64";
    }
}
