package kquant.calibrate;

/**
 * The data a calibration was computed on.
 *
 * @param file          the data file as the user named it (file name only, for portable files)
 * @param samples       how many samples were used
 * @param valuesSha256  SHA-256 of the float32 values (little-endian, sample-major) in the order
 *                      read, so the same data in .npy, CSV or HDF5 hashes alike
 */
public record DataSummary(String file, int samples, int timesteps, int features, String valuesSha256) {
}
