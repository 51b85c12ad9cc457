/*
 * kq_kernels.h - kquant's integer kernels (SPEC.md, sections 4 to 7): the dot products of
 * kq_matvec_q15.h and kq_matvec_a16w8.h, and the work of one unit after them, the pre-activation
 * and the activation. The generated model code calls the dot products on whole weight matrices
 * and then, in one loop over the units, the kernels below on each unit, so the compiler keeps
 * every intermediate in registers. Each kernel is the twin of code in kquant.fixed and takes its
 * input, then its parameters, then the saturation counter. On x86-64 the generated code takes,
 * where it can, the layer kernels of kq_sse2.h (included at the end) instead, with the same bits.
 *
 * The kernels are static inline and the generated code passes constant shifts, so the compiler
 * folds every branch on a shift. Hand-written; copied unchanged into every export. C99; the
 * portable path needs nothing beyond <stdint.h> and <stddef.h>, no allocation, no floating point.
 */
#ifndef KQ_KERNELS_H
#define KQ_KERNELS_H

#include "kq_fixed.h"
#include "kq_matvec_q15.h"
#include "kq_matvec_a16w8.h"

/* round_shift in 32 bits for any s (SPEC.md, section 2), where the export proved it cannot wrap. */
static inline int32_t kq_round_shift32_any(int32_t v, int s)
{
    if (s > 0) {
        return (v + ((int32_t)1 << (s - 1))) >> s;
    }
    return v * ((int32_t)1 << -s);
}

/* ---- pre-activation of one unit (SPEC.md, section 5, steps 2 to 4) ----
 *
 *   z = saturate(round_shift(ax * 2^sx + ah * 2^sh + round_shift(b, sb), sz)), counted if it clips.
 *
 * ax and ah are the unit's dot products (ah is 0 for a Dense layer, b is 0 without a bias);
 * sx, sh >= 0 align them to the accumulator format F; sb = fB - F; sz = F - fZ.
 * Three kernels compute this; the export proves which one's shortcuts are exact for a layer
 * (kquant.export.PreactWidth), and then all three give the same bits:
 *   _acc32: every term and partial sum, the rounding constant included, fits an int32;
 *   _acc64: the sum needs 64 bits, but the aligned bias plus the rounding constant fits an
 *           int32, sz >= 1, and the shifted sum fits an int32, which one 32-bit clamp narrows;
 *   _wide:  SPEC.md as written, for any formats.
 * Each returns the code of z, of the type its name gives (s16: int16, s8: int8), in an int32_t, so
 * that the compiler does not sign-extend it again on its way into the activation.
 */
static inline int32_t kq_preact_s16_acc32(int32_t ax, int32_t ah, int32_t b, int sx, int sh, int sb, int sz, uint32_t *saturations)
{
    return kq_sat16_32_count(kq_round_shift32_any(ax * ((int32_t)1 << sx) + ah * ((int32_t)1 << sh) + kq_round_shift32_any(b, sb), sz),
                             saturations);
}

static inline int32_t kq_preact_s8_acc32(int32_t ax, int32_t ah, int32_t b, int sx, int sh, int sb, int sz, uint32_t *saturations)
{
    return kq_sat8_32_count(kq_round_shift32_any(ax * ((int32_t)1 << sx) + ah * ((int32_t)1 << sh) + kq_round_shift32_any(b, sb), sz),
                            saturations);
}

static inline int32_t kq_preact_s16_acc64(int64_t ax, int64_t ah, int32_t b, int sx, int sh, int sb, int sz, uint32_t *saturations)
{
    const int32_t c = kq_round_shift32_any(b, sb) + ((int32_t)1 << (sz - 1));
    return kq_sat16_32_count((int32_t)((ax * ((int64_t)1 << sx) + ah * ((int64_t)1 << sh) + c) >> sz), saturations);
}

static inline int32_t kq_preact_s8_acc64(int64_t ax, int64_t ah, int32_t b, int sx, int sh, int sb, int sz, uint32_t *saturations)
{
    const int32_t c = kq_round_shift32_any(b, sb) + ((int32_t)1 << (sz - 1));
    return kq_sat8_32_count((int32_t)((ax * ((int64_t)1 << sx) + ah * ((int64_t)1 << sh) + c) >> sz), saturations);
}

static inline int32_t kq_preact_s16_wide(int64_t ax, int64_t ah, int32_t b, int sx, int sh, int sb, int sz, uint32_t *saturations)
{
    return kq_sat16_count(kq_round_shift64(ax * ((int64_t)1 << sx) + ah * ((int64_t)1 << sh) + kq_round_shift64(b, sb), sz), saturations);
}

static inline int32_t kq_preact_s8_wide(int64_t ax, int64_t ah, int32_t b, int sx, int sh, int sb, int sz, uint32_t *saturations)
{
    return kq_sat8_count(kq_round_shift64(ax * ((int64_t)1 << sx) + ah * ((int64_t)1 << sh) + kq_round_shift64(b, sb), sz), saturations);
}


/* ---- element products of the LSTM and GRU steps (SPEC.md, section 5, "Element products") ----
 *
 *   product:      saturate(round_shift(a * b, s)), counted
 *   two products: saturate(round_shift((a * b) * 2^la + (c * d) * 2^lc, s)), counted
 * a, b, c, d are codes (a 32-bit product each, exact); the sums are in 64 bits, as SPEC.md writes them.
 */
static inline int32_t kq_product_s16(int32_t a, int32_t b, int s, uint32_t *saturations)
{
    return kq_sat16_count(kq_round_shift64((int64_t)(a * b), s), saturations);
}

static inline int32_t kq_product_s8(int32_t a, int32_t b, int s, uint32_t *saturations)
{
    return kq_sat8_count(kq_round_shift64((int64_t)(a * b), s), saturations);
}

static inline int32_t kq_two_products_s16(int32_t a, int32_t b, int la, int32_t c, int32_t d, int lc, int s, uint32_t *saturations)
{
    return kq_sat16_count(kq_round_shift64((int64_t)(a * b) * ((int64_t)1 << la) + (int64_t)(c * d) * ((int64_t)1 << lc), s), saturations);
}

static inline int32_t kq_two_products_s8(int32_t a, int32_t b, int la, int32_t c, int32_t d, int lc, int s, uint32_t *saturations)
{
    return kq_sat8_count(kq_round_shift64((int64_t)(a * b) * ((int64_t)1 << la) + (int64_t)(c * d) * ((int64_t)1 << lc), s), saturations);
}

/* A 64-bit sum requantized: saturate(round_shift(v, s)), counted (a GRU's recurrent part with reset_after). */
static inline int32_t kq_requantize_s16(int64_t v, int s, uint32_t *saturations)
{
    return kq_sat16_count(kq_round_shift64(v, s), saturations);
}

static inline int32_t kq_requantize_s8(int64_t v, int s, uint32_t *saturations)
{
    return kq_sat8_count(kq_round_shift64(v, s), saturations);
}

/*
 * A GRU candidate's pre-activation with reset_after (SPEC.md, "GRU step"):
 * saturate(round_shift(ax * 2^sx + round_shift(b, sb) + (r * q) * 2^sq, sz)), counted.
 */
static inline int32_t kq_preact_product_s16(int64_t ax, int sx, int32_t b, int sb, int32_t r, int32_t q, int sq, int sz,
                                            uint32_t *saturations)
{
    return kq_sat16_count(kq_round_shift64(ax * ((int64_t)1 << sx) + kq_round_shift64(b, sb) + (int64_t)(r * q) * ((int64_t)1 << sq), sz),
                          saturations);
}

static inline int32_t kq_preact_product_s8(int64_t ax, int sx, int32_t b, int sb, int32_t r, int32_t q, int sq, int sz,
                                           uint32_t *saturations)
{
    return kq_sat8_count(kq_round_shift64(ax * ((int64_t)1 << sx) + kq_round_shift64(b, sb) + (int64_t)(r * q) * ((int64_t)1 << sq), sz),
                         saturations);
}

/* ---- activation of one code (SPEC.md, section 7) ----
 *
 * Each kernel takes a code z of its type (s16: int16, s8: int8) in an int32_t and returns the output
 * code the same way. It counts an input at or beyond sat_low / sat_high (a code whose exact
 * activation lies outside the output format) in *saturations, without a branch (on the DSP path,
 * the sign bits of sat_high - 1 - z and of z - sat_low - 1). Tables hold an entry every 2^step
 * input codes from the type's smallest code, interpolated between entries.
 */
static inline uint32_t kq_at_or_above(int32_t z, int32_t sat_high)
{
#if defined(KQ_DSP)
    return (uint32_t)(sat_high - 1 - z) >> 31;
#else
    return (uint32_t)(z >= sat_high);
#endif
}

static inline uint32_t kq_at_or_below(int32_t z, int32_t sat_low)
{
#if defined(KQ_DSP)
    return (uint32_t)(z - sat_low - 1) >> 31;
#else
    return (uint32_t)(z <= sat_low);
#endif
}

/*
 * A lookup table (SPEC.md, section 7, "Tables"), one const struct per activation: entry i holds
 * f(start + i * 2^step) with `extra` more fractional bits than the output; inputs outside
 * [start, end] are clamped to it; a mirrored table covers z <= 0 only and gives -f(-z) (odd) or
 * one - f(-z) (complement) above zero. The interpolated value is rounded once; callers saturate.
 */
#define KQ_MIRROR_NONE 0
#define KQ_MIRROR_ODD 1
#define KQ_MIRROR_COMPLEMENT 2

typedef struct {
    const int16_t *entries;
    int32_t start;
    int32_t end;
    int32_t one;
    uint8_t step;
    uint8_t extra;
    uint8_t mirror;
} kq_table_s16_t;

typedef struct {
    const int8_t *entries;
    int32_t start;
    int32_t end;
    int32_t one;
    uint8_t step;
    uint8_t extra;
    uint8_t mirror;
} kq_table_s8_t;

/* The mirror of a table's value for z > 0. */
static inline int32_t kq_table_mirror(int32_t y, int flip, int mirror, int32_t one)
{
    return !flip ? y : mirror == KQ_MIRROR_ODD ? -y : one - y;
}

static inline int32_t kq_table_lookup_s16(int32_t z, const kq_table_s16_t *t)
{
    const int flip = t->mirror != KQ_MIRROR_NONE && z > 0;
    const int shift = t->step + t->extra;
    int32_t v = flip ? -z : z;
    int32_t d, i, r, acc;
    v = v < t->start ? t->start : v > t->end ? t->end : v;
    d = v - t->start;
    if (t->step == 0) {
        return kq_table_mirror(t->extra == 0 ? t->entries[d] : kq_round_shift32(t->entries[d], t->extra), flip, t->mirror, t->one);
    }
    i = d >> t->step;
    r = d & ((1 << t->step) - 1);
#if defined(KQ_DSP)
    if (t->step < 15 && v < t->end) {
        /* One load of both entries; SMLAD forms T[i] * (2^step - r) + T[i+1] * r + 2^(shift-1), which
         * is T[i] * 2^step + (T[i+1] - T[i]) * r + 2^(shift-1): shifted down, the portable result. */
        const int16x2_t weights = (int16x2_t)(((uint32_t)r << 16) + (uint32_t)((1 << t->step) - r));
        return kq_table_mirror(__smlad(kq_read_pair(t->entries + i), weights, 1 << (shift - 1)) >> shift, flip, t->mirror, t->one);
    }
#endif
    acc = t->entries[i] * (1 << t->step);
    if (v < t->end) {
        acc += (t->entries[i + 1] - t->entries[i]) * r;
    }
    return kq_table_mirror(kq_round_shift32(acc, shift), flip, t->mirror, t->one);
}

static inline int32_t kq_table_lookup_s8(int32_t z, const kq_table_s8_t *t)
{
    const int flip = t->mirror != KQ_MIRROR_NONE && z > 0;
    const int shift = t->step + t->extra;
    int32_t v = flip ? -z : z;
    int32_t d, i, r, acc;
    v = v < t->start ? t->start : v > t->end ? t->end : v;
    d = v - t->start;
    if (t->step == 0) {
        return kq_table_mirror(t->extra == 0 ? t->entries[d] : kq_round_shift32(t->entries[d], t->extra), flip, t->mirror, t->one);
    }
    i = d >> t->step;
    r = d & ((1 << t->step) - 1);
    acc = t->entries[i] * (1 << t->step);
    if (v < t->end) {
        acc += (t->entries[i + 1] - t->entries[i]) * r;
    }
    return kq_table_mirror(kq_round_shift32(acc, shift), flip, t->mirror, t->one);
}

/* linear: saturate(round_shift(z, shift)), shift = fIn - fOut. */
static inline int32_t kq_rescale_s16(int32_t z, int shift, int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    *saturations += kq_at_or_above(z, sat_high) + kq_at_or_below(z, sat_low);
    return kq_sat16(kq_round_shift64(z, shift));
}

static inline int32_t kq_rescale_s8(int32_t z, int shift, int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    *saturations += kq_at_or_above(z, sat_high) + kq_at_or_below(z, sat_low);
    return kq_sat8(kq_round_shift64(z, shift));
}

/* relu: 0 for z <= 0, else as rescale. */
static inline int32_t kq_relu_s16(int32_t z, int shift, int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    *saturations += kq_at_or_above(z, sat_high) + kq_at_or_below(z, sat_low);
    return z > 0 ? kq_sat16(kq_round_shift64(z, shift)) : 0;
}

static inline int32_t kq_relu_s8(int32_t z, int shift, int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    *saturations += kq_at_or_above(z, sat_high) + kq_at_or_below(z, sat_low);
    return z > 0 ? kq_sat8(kq_round_shift64(z, shift)) : 0;
}

/*
 * multiply_round(z, multiplier, mshift) = round_shift(z * multiplier, mshift) for 0 <= z < 2^15
 * and 0 < multiplier < 2^31. For 16 <= mshift <= 32 it is the rounded high word of
 * (z * 2^(32 - mshift)) * multiplier, exactly: one SMMULR where the target has it.
 */
static inline int32_t kq_multiply_round(int32_t z, int32_t multiplier, int mshift)
{
    if (mshift >= 16 && mshift <= 32) {
        const int32_t scaled = z * ((int32_t)1 << (32 - mshift));
#if defined(KQ_DSP)
        int32_t high;
        __asm__("smmulr %0, %1, %2" : "=r"(high) : "r"(scaled), "r"(multiplier));
        return high;
#else
        /* the same product with the scaling moved into the constant: one 64-bit multiply of z */
        (void)scaled;
        return (int32_t)(((int64_t)z * ((int64_t)multiplier << (32 - mshift)) + ((int64_t)1 << 31)) >> 32);
#endif
    }
    /* any other shift: SPEC.md in 64 bits, clamped to int16 so that it fits the return value */
    return (int32_t)kq_sat16(kq_round_shift64((int64_t)z * multiplier, mshift));
}

/*
 * selu, elu: z >= 0 by multiply_round(z, multiplier, mshift), saturated; z < 0 from the table.
 * sat_high is never negative and sat_low never positive, so each branch counts one side.
 *
 * Without SSAT (every path but DSP) the positive side tests z >= sat_high once, in a branch
 * taken only on a clip, which counts it and clamps. Below sat_high the clamp is left out where it
 * cannot act: multiply_round grows with z, so it is enough that the code at sat_high - 1 fits,
 * which the compiler settles from the constants (kq_fits_below).
 */
#if defined(__GNUC__)
#define KQ_RARE(c) __builtin_expect(!!(c), 0)
#else
#define KQ_RARE(c) (c)
#endif

static inline int kq_fits_below(int32_t sat_high, int32_t multiplier, int mshift, int32_t top)
{
    return sat_high <= 0 || kq_multiply_round(sat_high - 1, multiplier, mshift) <= top;
}

static inline int32_t kq_multiply_table_s16(int32_t z, int32_t multiplier, int mshift, const kq_table_s16_t *table,
                                            int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    if (z < 0) {
        *saturations += kq_at_or_below(z, sat_low);
        return kq_clamp16(kq_table_lookup_s16(z, table));
    }
#if !defined(KQ_DSP)
    if (KQ_RARE(z >= sat_high)) {
        ++*saturations;
        return kq_clamp16(kq_multiply_round(z, multiplier, mshift));
    }
    return kq_fits_below(sat_high, multiplier, mshift, INT16_MAX) ? kq_multiply_round(z, multiplier, mshift)
                                                                    : kq_clamp16(kq_multiply_round(z, multiplier, mshift));
#else
    *saturations += kq_at_or_above(z, sat_high);
    return kq_clamp16(kq_multiply_round(z, multiplier, mshift));
#endif
}

static inline int32_t kq_multiply_table_s8(int32_t z, int32_t multiplier, int mshift, const kq_table_s8_t *table,
                                           int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    if (z < 0) {
        *saturations += kq_at_or_below(z, sat_low);
        return kq_clamp8(kq_table_lookup_s8(z, table));
    }
#if !defined(KQ_DSP)
    if (KQ_RARE(z >= sat_high)) {
        ++*saturations;
        return kq_clamp8(kq_multiply_round(z, multiplier, mshift));
    }
    return kq_fits_below(sat_high, multiplier, mshift, INT8_MAX) ? kq_multiply_round(z, multiplier, mshift)
                                                                   : kq_clamp8(kq_multiply_round(z, multiplier, mshift));
#else
    *saturations += kq_at_or_above(z, sat_high);
    return kq_clamp8(kq_multiply_round(z, multiplier, mshift));
#endif
}

/* hard_sigmoid, exact (SPEC.md, section 7): clamp(floor((z * mul + add) / den), 0, top), saturated. */
static inline int32_t kq_hard_sigmoid(int32_t z, int64_t mul, int64_t add, int64_t den, int64_t top)
{
    const int64_t num = z * mul + add;
    int64_t q = num / den;
    if (num % den != 0 && num < 0) {
        q -= 1; /* C division truncates toward zero; the formula floors */
    }
    return (int32_t)(q < 0 ? 0 : q > top ? top : q);
}

static inline int32_t kq_hard_sigmoid_s16(int32_t z, int64_t mul, int64_t add, int64_t den, int64_t top, int32_t sat_low,
                                          int32_t sat_high, uint32_t *saturations)
{
    *saturations += kq_at_or_above(z, sat_high) + kq_at_or_below(z, sat_low);
    return kq_clamp16(kq_hard_sigmoid(z, mul, add, den, top));
}

static inline int32_t kq_hard_sigmoid_s8(int32_t z, int64_t mul, int64_t add, int64_t den, int64_t top, int32_t sat_low,
                                         int32_t sat_high, uint32_t *saturations)
{
    *saturations += kq_at_or_above(z, sat_high) + kq_at_or_below(z, sat_low);
    return kq_clamp8(kq_hard_sigmoid(z, mul, add, den, top));
}

/* every other activation: the table. */
static inline int32_t kq_table_s16(int32_t z, const kq_table_s16_t *table, int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    *saturations += kq_at_or_above(z, sat_high) + kq_at_or_below(z, sat_low);
    return kq_clamp16(kq_table_lookup_s16(z, table));
}

static inline int32_t kq_table_s8(int32_t z, const kq_table_s8_t *table, int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    *saturations += kq_at_or_above(z, sat_high) + kq_at_or_below(z, sat_low);
    return kq_clamp8(kq_table_lookup_s8(z, table));
}

#include "kq_sse2.h"

#endif /* KQ_KERNELS_H */
