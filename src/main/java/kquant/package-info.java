/**
 * kquant: runs a trained Keras recurrent model in Q15/Q7 integer arithmetic and exports bit-exact C.
 *
 * <p>Data flows through the packages in this order: {@code keras} (files to model) →
 * {@code model} (immutable layers and weights) → {@code data} (input sequences) → {@code fixed}
 * (integer arithmetic) → {@code engine} (float and integer engines) → {@code calibrate} →
 * {@code export} / {@code report} / {@code diagnose} → {@code cli}.
 */
package kquant;
