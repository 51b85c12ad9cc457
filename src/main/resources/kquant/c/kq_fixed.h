/*
 * kq_fixed.h - kquant's integer helpers, each defined once (SPEC.md, section 2).
 *
 * Rounding is to nearest with ties toward +infinity ("round half up"): the same rule as the Java
 * integer engine (kquant.fixed.Fixed), bit for bit. Nothing wraps: every narrowing saturates.
 * Hand-written; copied unchanged into every export. C99, no dependency beyond <stdint.h>.
 */
#ifndef KQ_FIXED_H
#define KQ_FIXED_H

#include <stddef.h>
#include <stdint.h>

/*
 * SPEC.md relies on >> shifting negative numbers arithmetically, which C leaves to the compiler
 * (every compiler kquant has met does it). Refuse to compile where it does not.
 */
typedef char kq_arithmetic_right_shift_required[((-1) >> 1) == -1 ? 1 : -1];

/* v * 2^-s rounded half up for s > 0; v * 2^-s exactly (a multiply, not a shift) for s <= 0. */
static inline int64_t kq_round_shift64(int64_t v, int s)
{
    if (s > 0) {
        return (v + ((int64_t)1 << (s - 1))) >> s;
    }
    return v * ((int64_t)1 << -s);
}

/* The same in 32 bits, for s >= 1 (table interpolation). */
static inline int32_t kq_round_shift32(int32_t v, int s)
{
    return (v + ((int32_t)1 << (s - 1))) >> s;
}

/* v clamped to int16. */
static inline int16_t kq_sat16(int64_t v)
{
    return (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v);
}

/* v clamped to int8. */
static inline int8_t kq_sat8(int64_t v)
{
    return (int8_t)(v > INT8_MAX ? INT8_MAX : v < INT8_MIN ? INT8_MIN : v);
}

/* v clamped to int16, counting a clip in *saturations. */
static inline int16_t kq_sat16_count(int64_t v, uint32_t *saturations)
{
    if (v > INT16_MAX || v < INT16_MIN) {
        ++*saturations;
    }
    return kq_sat16(v);
}

/* v clamped to int8, counting a clip in *saturations. */
static inline int8_t kq_sat8_count(int64_t v, uint32_t *saturations)
{
    if (v > INT8_MAX || v < INT8_MIN) {
        ++*saturations;
    }
    return kq_sat8(v);
}

#endif /* KQ_FIXED_H */
