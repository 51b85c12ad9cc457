/*
 * kq_kernels.h - kquant's integer kernels (SPEC.md, sections 4 to 7). Each is the twin of code in
 * kquant.fixed.Kernels and ActivationKernel, and takes (input, output, sizes or params,
 * counters) in that order.
 *
 * The kernels are static inline and take their sizes as arguments: the generated model code
 * calls them with constant sizes, so the compiler unrolls them and vectorizes the dot products
 * (at -O2, gcc vectorizes a loop only when its trip count is a known multiple of the vector
 * width, hence the split into a main loop of whole groups of 8 and a tail).
 * Hand-written; copied unchanged into every export. C99, no dependency beyond <stdint.h> and
 * <stddef.h>, no allocation, no floating point.
 */
#ifndef KQ_KERNELS_H
#define KQ_KERNELS_H

#include "kq_fixed.h"

/* ---- dot products: acc[j] = sum_i x[i] * w[j * cols + i], exact (SPEC.md, section 4) ----
 *
 * Weights are unit-major: row j is unit j's weights, contiguous. Eight rows are computed at
 * once, so each input is loaded once for eight products. ACC is the accumulator type the export
 * proved sufficient (int32 or int64); the sum is exact either way and is stored as int64.
 */

/* One input times eight weight rows, added to eight accumulators: the body of the main loop
 * and of the tail loop in KQ_DEFINE_MATVEC, which must stay identical. */
#define KQ_MAC8_(ACC, i)                                                                       \
    {                                                                                          \
        int32_t xi = x[i];                                                                     \
        a0 += (ACC)(xi * w0[i]);                                                               \
        a1 += (ACC)(xi * w1[i]);                                                               \
        a2 += (ACC)(xi * w2[i]);                                                               \
        a3 += (ACC)(xi * w3[i]);                                                               \
        a4 += (ACC)(xi * w4[i]);                                                               \
        a5 += (ACC)(xi * w5[i]);                                                               \
        a6 += (ACC)(xi * w6[i]);                                                               \
        a7 += (ACC)(xi * w7[i]);                                                               \
    }

#define KQ_DEFINE_MATVEC(NAME, XTYPE, WTYPE, ACC)                                              \
    static inline void NAME(const XTYPE *x, const WTYPE *w, int64_t *acc, size_t rows,       \
                            size_t cols)                                                     \
    {                                                                                        \
        size_t b, i, j;                                                                      \
        const size_t whole = cols - cols % 8;                                                \
        for (b = 0; b < rows / 8; b++) {                                                     \
            const WTYPE *w0 = w + 8 * b * cols, *w1 = w0 + cols, *w2 = w1 + cols;            \
            const WTYPE *w3 = w2 + cols, *w4 = w3 + cols, *w5 = w4 + cols;                   \
            const WTYPE *w6 = w5 + cols, *w7 = w6 + cols;                                    \
            ACC a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;              \
            for (i = 0; i < whole; i++) {                                                    \
                KQ_MAC8_(ACC, i)                                                             \
            }                                                                                \
            for (i = whole; i < cols; i++) {                                                 \
                KQ_MAC8_(ACC, i)                                                             \
            }                                                                                \
            acc[8 * b] = a0;                                                                 \
            acc[8 * b + 1] = a1;                                                             \
            acc[8 * b + 2] = a2;                                                             \
            acc[8 * b + 3] = a3;                                                             \
            acc[8 * b + 4] = a4;                                                             \
            acc[8 * b + 5] = a5;                                                             \
            acc[8 * b + 6] = a6;                                                             \
            acc[8 * b + 7] = a7;                                                             \
        }                                                                                    \
        for (j = rows - rows % 8; j < rows; j++) {                                           \
            const WTYPE *wj = w + j * cols;                                                  \
            ACC a = 0;                                                                       \
            for (i = 0; i < whole; i++) {                                                    \
                a += (ACC)(x[i] * wj[i]);                                                    \
            }                                                                                \
            for (i = whole; i < cols; i++) {                                                 \
                a += (ACC)(x[i] * wj[i]);                                                    \
            }                                                                                \
            acc[j] = a;                                                                      \
        }                                                                                    \
    }

/* int16 inputs and weights (q15). */
KQ_DEFINE_MATVEC(kq_matvec_q15_acc32, int16_t, int16_t, int32_t)
KQ_DEFINE_MATVEC(kq_matvec_q15_acc64, int16_t, int16_t, int64_t)
/* int16 inputs, int8 weights (a16w8, and q7 after kq_widen_q7): always provably int32. */
KQ_DEFINE_MATVEC(kq_matvec_a16w8_acc32, int16_t, int8_t, int32_t)

/* x widened from int8 to int16 once, so that q7 dot products take the int16 x int8 kernel. */
static inline void kq_widen_q7(const int8_t *x, int16_t *x16, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        x16[i] = x[i];
    }
}

/* ---- pre-activation (SPEC.md, section 5, steps 2 to 4) ----
 *
 * z[j] = saturate(round_shift(ax[j] * 2^sx + ah[j] * 2^sh + round_shift(bias[j], sb), sz)).
 * sx and sh (>= 0) align the parts to the accumulator format; sb = fB - F; sz = F - fZ.
 * ah is NULL for a Dense layer, bias is NULL without a bias.
 *
 * The _shared kernels take one shift of each kind for every unit (per-tensor formats; the
 * generated code passes constants). The _per_unit kernels read one shift per unit.
 */
#define KQ_DEFINE_PREACT(NAME, BTYPE, ZTYPE, SAT)                                              \
    static inline void NAME##_shared(const int64_t *ax, const int64_t *ah, const BTYPE *bias, \
                                     ZTYPE *z, size_t units, int sx, int sh, int sb, int sz,   \
                                     uint32_t *saturations)                                    \
    {                                                                                          \
        size_t j;                                                                              \
        for (j = 0; j < units; j++) {                                                          \
            int64_t acc = ax[j] * ((int64_t)1 << sx);                                          \
            if (ah != NULL) {                                                                  \
                acc += ah[j] * ((int64_t)1 << sh);                                             \
            }                                                                                  \
            if (bias != NULL) {                                                                \
                acc += kq_round_shift64(bias[j], sb);                                          \
            }                                                                                  \
            z[j] = SAT(kq_round_shift64(acc, sz), saturations);                                \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    static inline void NAME##_per_unit(const int64_t *ax, const int64_t *ah, const BTYPE *bias, \
                                       ZTYPE *z, size_t units, const int8_t *sx,               \
                                       const int8_t *sh, const int8_t *sb, const int8_t *sz,   \
                                       uint32_t *saturations)                                  \
    {                                                                                          \
        size_t j;                                                                              \
        for (j = 0; j < units; j++) {                                                          \
            int64_t acc = ax[j] * ((int64_t)1 << sx[j]);                                       \
            if (ah != NULL) {                                                                  \
                acc += ah[j] * ((int64_t)1 << sh[j]);                                          \
            }                                                                                  \
            if (bias != NULL) {                                                                \
                acc += kq_round_shift64(bias[j], sb[j]);                                       \
            }                                                                                  \
            z[j] = SAT(kq_round_shift64(acc, sz[j]), saturations);                             \
        }                                                                                      \
    }

KQ_DEFINE_PREACT(kq_preact_q15, int16_t, int16_t, kq_sat16_count)
KQ_DEFINE_PREACT(kq_preact_q7, int8_t, int8_t, kq_sat8_count)
KQ_DEFINE_PREACT(kq_preact_a16w8, int8_t, int16_t, kq_sat16_count)

/* ---- activations (SPEC.md, section 7) ----
 *
 * Every kernel counts the input codes at or beyond sat_low / sat_high (codes whose exact
 * activation lies outside the output format) in *saturations.
 */

/*
 * A lookup table (SPEC.md, section 7, "Tables"): entry i holds f(start + i * 2^step) with `extra`
 * more fractional bits than the output; inputs outside [start, end] are clamped; a mirrored table
 * covers z <= 0 only and gives -f(-z) (odd) or one - f(-z) (complement) above. The output is
 * interpolated and rounded once; the caller saturates it.
 */
#define KQ_MIRROR_NONE 0
#define KQ_MIRROR_ODD 1
#define KQ_MIRROR_COMPLEMENT 2

#define KQ_DEFINE_TABLE(SUFFIX, TYPE)                                                          \
    typedef struct {                                                                            \
        const TYPE *entries;                                                                    \
        int32_t start;                                                                          \
        int32_t end;                                                                            \
        int32_t one;                                                                            \
        uint8_t step;                                                                           \
        uint8_t extra;                                                                          \
        uint8_t mirror;                                                                         \
    } kq_table_##SUFFIX##_t;                                                                    \
                                                                                                \
    static inline int32_t kq_table_lookup_##SUFFIX(int32_t z, const kq_table_##SUFFIX##_t *t)   \
    {                                                                                           \
        int flip = t->mirror != KQ_MIRROR_NONE && z > 0;                                        \
        int32_t v = flip ? -z : z;                                                              \
        int32_t d, y;                                                                           \
        v = v < t->start ? t->start : v > t->end ? t->end : v;                                  \
        d = v - t->start;                                                                       \
        if (t->step == 0) {                                                                     \
            y = t->extra == 0 ? t->entries[d] : kq_round_shift32(t->entries[d], t->extra);     \
        } else {                                                                                \
            int32_t i = d >> t->step;                                                           \
            int32_t r = d & ((1 << t->step) - 1);                                               \
            int32_t acc = t->entries[i] * (1 << t->step);                                       \
            if (v < t->end) {                                                                   \
                acc += (t->entries[i + 1] - t->entries[i]) * r;                                 \
            }                                                                                   \
            y = kq_round_shift32(acc, t->step + t->extra);                                      \
        }                                                                                       \
        return !flip ? y : t->mirror == KQ_MIRROR_ODD ? -y : t->one - y;                        \
    }

/* int16 table entries (q15, a16w8). */
KQ_DEFINE_TABLE(s16, int16_t)
/* int8 table entries (q7). */
KQ_DEFINE_TABLE(s8, int8_t)

#define KQ_DEFINE_ACTIVATIONS(SUFFIX, TYPE, MIN_CODE, SAT)                                      \
    static inline void kq_count_##SUFFIX(const TYPE *z, size_t n, int32_t sat_low,              \
                                         int32_t sat_high, uint32_t *saturations)               \
    {                                                                                           \
        size_t j;                                                                               \
        for (j = 0; j < n; j++) {                                                               \
            if (z[j] >= sat_high || z[j] <= sat_low) {                                          \
                ++*saturations;                                                                 \
            }                                                                                   \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* linear: y = saturate(round_shift(z, shift)), shift = fIn - fOut */                       \
    static inline void kq_rescale_##SUFFIX(const TYPE *z, TYPE *y, size_t n, int shift,         \
                                           int32_t sat_low, int32_t sat_high,                   \
                                           uint32_t *saturations)                               \
    {                                                                                           \
        size_t j;                                                                               \
        kq_count_##SUFFIX(z, n, sat_low, sat_high, saturations);                                \
        for (j = 0; j < n; j++) {                                                               \
            y[j] = SAT(kq_round_shift64(z[j], shift));                                          \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* relu: 0 for z <= 0, else as rescale */                                                   \
    static inline void kq_relu_##SUFFIX(const TYPE *z, TYPE *y, size_t n, int shift,            \
                                        int32_t sat_low, int32_t sat_high,                      \
                                        uint32_t *saturations)                                  \
    {                                                                                           \
        size_t j;                                                                               \
        kq_count_##SUFFIX(z, n, sat_low, sat_high, saturations);                                \
        for (j = 0; j < n; j++) {                                                               \
            y[j] = z[j] > 0 ? SAT(kq_round_shift64(z[j], shift)) : 0;                           \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* selu, elu: z >= 0 by multiply_round(z, multiplier, mshift); z < 0 from the table */      \
    static inline void kq_multiply_table_##SUFFIX(const TYPE *z, TYPE *y, size_t n,             \
                                                  int32_t multiplier, int mshift,               \
                                                  const kq_table_##SUFFIX##_t *table,           \
                                                  int32_t sat_low, int32_t sat_high,            \
                                                  uint32_t *saturations)                        \
    {                                                                                           \
        size_t j;                                                                               \
        kq_count_##SUFFIX(z, n, sat_low, sat_high, saturations);                                \
        for (j = 0; j < n; j++) {                                                               \
            int32_t v = z[j];                                                                   \
            y[j] = v >= 0 ? SAT(kq_round_shift64((int64_t)v * multiplier, mshift))              \
                          : SAT(kq_table_lookup_##SUFFIX(v, table));                            \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* hard_sigmoid, exact (SPEC.md, section 7): clamp(floor((z * mul + add) / den), 0, top) */ \
    static inline void kq_hard_sigmoid_##SUFFIX(const TYPE *z, TYPE *y, size_t n, int64_t mul,  \
                                                int64_t add, int64_t den, int64_t top,          \
                                                int32_t sat_low, int32_t sat_high,              \
                                                uint32_t *saturations)                          \
    {                                                                                           \
        size_t j;                                                                               \
        kq_count_##SUFFIX(z, n, sat_low, sat_high, saturations);                                \
        for (j = 0; j < n; j++) {                                                               \
            int64_t num = z[j] * mul + add;                                                     \
            int64_t q = num / den;                                                              \
            if (num % den != 0 && num < 0) {                                                    \
                q -= 1; /* C division truncates toward zero; the formula floors */              \
            }                                                                                   \
            y[j] = SAT(q < 0 ? 0 : q > top ? top : q);                                          \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* every other activation: the table */                                                     \
    static inline void kq_table_##SUFFIX(const TYPE *z, TYPE *y, size_t n,                      \
                                         const kq_table_##SUFFIX##_t *table, int32_t sat_low,   \
                                         int32_t sat_high, uint32_t *saturations)               \
    {                                                                                           \
        size_t j;                                                                               \
        kq_count_##SUFFIX(z, n, sat_low, sat_high, saturations);                                \
        for (j = 0; j < n; j++) {                                                               \
            y[j] = SAT(kq_table_lookup_##SUFFIX(z[j], table));                                  \
        }                                                                                       \
    }

/* int16 codes in and out (q15, a16w8). */
KQ_DEFINE_ACTIVATIONS(s16, int16_t, INT16_MIN, kq_sat16)
/* int8 codes in and out (q7). */
KQ_DEFINE_ACTIVATIONS(s8, int8_t, INT8_MIN, kq_sat8)

#endif /* KQ_KERNELS_H */
