/**
 * Input sequences {@code (N, T, F)} from {@code .npy}, CSV and HDF5 datasets, read in chunks so
 * that data larger than memory can stream through; and {@code .npy} writing for outputs.
 */
package kquant.data;
