/**
 * Keras files to {@link kquant.model.Model}: legacy HDF5 full models (Keras 1.2 to 3.x,
 * tf.keras), weights-only HDF5 with a JSON config, and Keras 3 {@code .keras} zips.
 * jhdf and the Keras config JSON never leave this package.
 */
package kquant.keras;
