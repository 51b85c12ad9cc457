/** The immutable model: layers, weights, activations and shapes. No I/O happens here. */
package kquant.model;
