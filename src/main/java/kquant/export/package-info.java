/**
 * Export to C: weight arrays and format constants, thin per-layer functions that call the
 * hand-written kernels (kq_kernels.h) with constant sizes, test vectors from the Java integer
 * engine, and a main that checks the compiled code against them bit for bit.
 */
package kquant.export;
