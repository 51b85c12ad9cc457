/**
 * Choosing every tensor's format from the user's data: statistics gathered by running the float
 * engine over the data in chunks, the methods that turn them into formats, and the calibration
 * file that records the choice and why it was made.
 */
package kquant.calibrate;
