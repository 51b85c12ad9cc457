/**
 * The only home of integer arithmetic: number formats, the rounding and saturating helpers,
 * activation tables, accumulator bounds, and the quantized model the integer engine runs and
 * the exporter prints. src/main/resources/kquant/c/SPEC.md specifies every operation; the
 * helpers here and in kq_fixed.h carry the same names.
 */
package kquant.fixed;
