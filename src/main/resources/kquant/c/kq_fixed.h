/*
 * kq_fixed.h - kquant's integer helpers, each defined once (SPEC.md, section 2), and the choice of
 * the code path every kernel takes.
 *
 * Rounding is to nearest with ties toward +infinity ("round half up"): the same rule as the Java
 * integer engine (kquant.fixed.Fixed), bit for bit. Nothing wraps: every narrowing saturates.
 * Hand-written; copied unchanged into every export. C99; the portable path needs nothing beyond
 * <stdint.h> and <stddef.h>.
 */
#ifndef KQ_FIXED_H
#define KQ_FIXED_H

#include <stddef.h>
#include <stdint.h>

/*
 * The code path. Each kernel has a portable loop and, next to it in an #if block, a fast path for
 * the instructions the compiler says the target has. Every path computes the same exact integers
 * (sums are order-free while the proved accumulator width holds), so they give the same bits.
 * -DKQ_PORTABLE forces the portable path everywhere, to compare the two on the same vectors.
 *
 *   KQ_NEON  Armv7-A/Armv8-A Advanced SIMD through <arm_neon.h>;
 *   KQ_DSP   Arm DSP extension (Cortex-M4, M7, M33 with DSP, and A-profile cores without NEON):
 *            SMLAD, SMLALD, SXTB16, SSAT through the compiler's own <arm_acle.h>;
 *   KQ_SSE2  x86-64 (every x86-64 has SSE2): PMADDWD through <emmintrin.h>.
 */
#if !defined(KQ_PORTABLE) && defined(__ARM_NEON)
#define KQ_NEON 1
#define KQ_PATH "neon"
#include <arm_neon.h>
#elif !defined(KQ_PORTABLE) && defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#define KQ_DSP 1
#define KQ_PATH "dsp"
#include <arm_acle.h>
#elif !defined(KQ_PORTABLE) && defined(__SSE2__)
#define KQ_SSE2 1
#define KQ_PATH "sse2"
#include <emmintrin.h>
#else
#define KQ_PATH "portable"
#endif

/*
 * The dot products are inlined into each call, where the sizes are constants, so that the compiler
 * turns row offsets into immediates and keeps every sum in a register, and their inner loops are
 * unrolled eight times, which takes the loop's own instructions off most products; except when
 * optimizing for size, where one copy serves every call.
 */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define KQ_MATVEC static inline __attribute__((always_inline))
#define KQ_UNROLL _Pragma("GCC unroll 8")
#else
#define KQ_MATVEC static inline
#define KQ_UNROLL
#endif

/*
 * On the SSE2 path, a row's sum is kept as one chain of additions: without this empty statement
 * gcc reassociates the unrolled chains into trees and hoists their loads, whose many live vectors
 * spill to the stack. It emits no instruction.
 */
#if defined(KQ_SSE2) && defined(__GNUC__)
#define KQ_SSE_CHAIN(a) __asm__("" : "+x"(a))
#else
#define KQ_SSE_CHAIN(a) ((void)0)
#endif

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

/* A 32-bit v clamped to int16: one SSAT where the target has it. */
static inline int32_t kq_clamp16(int32_t v)
{
#if defined(KQ_DSP)
    const int32_t s = (int32_t)__builtin_arm_ssat(v, 16);
    if (s < INT16_MIN || s > INT16_MAX) {
        __builtin_unreachable(); /* tells the compiler the range SSAT guarantees */
    }
    return s;
#else
    return v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v;
#endif
}

/* A 32-bit v clamped to int8. */
static inline int32_t kq_clamp8(int32_t v)
{
#if defined(KQ_DSP)
    const int32_t s = (int32_t)__builtin_arm_ssat(v, 8);
    if (s < INT8_MIN || s > INT8_MAX) {
        __builtin_unreachable();
    }
    return s;
#else
    return v > INT8_MAX ? INT8_MAX : v < INT8_MIN ? INT8_MIN : v;
#endif
}

/* v clamped to int16, counting a clip in *saturations. */
static inline int16_t kq_sat16_count(int64_t v, uint32_t *saturations)
{
    int16_t s = kq_sat16(v);
    *saturations += (uint32_t)(s != v);
    return s;
}

/* v clamped to int8, counting a clip in *saturations. */
static inline int8_t kq_sat8_count(int64_t v, uint32_t *saturations)
{
    int8_t s = kq_sat8(v);
    *saturations += (uint32_t)(s != v);
    return s;
}

/*
 * 1 when a 32-bit v differs from s, its value clamped, else 0, without a branch: a clamp keeps
 * the sign, so v ^ s lies in [0, 2^31), and its negation has the sign bit set unless it is 0.
 */
static inline uint32_t kq_clipped(int32_t v, int32_t s)
{
    return (0u - ((uint32_t)v ^ (uint32_t)s)) >> 31;
}

/*
 * A 32-bit v clamped to int16, counting a clip: SSAT and a branch-free count on the DSP path;
 * elsewhere one unsigned comparison finds both sides, and its branch, taken only on a clip, is
 * cheaper than a clamp whose result is compared again.
 */
static inline int32_t kq_sat16_32_count(int32_t v, uint32_t *saturations)
{
#if defined(KQ_DSP)
    const int32_t s = kq_clamp16(v);
    *saturations += kq_clipped(v, s);
    return s;
#else
    if ((uint32_t)v + 32768u > 65535u) {
        ++*saturations;
        return v < 0 ? INT16_MIN : INT16_MAX;
    }
    return v;
#endif
}

/* A 32-bit v clamped to int8, counting a clip. */
static inline int32_t kq_sat8_32_count(int32_t v, uint32_t *saturations)
{
#if defined(KQ_DSP)
    const int32_t s = kq_clamp8(v);
    *saturations += kq_clipped(v, s);
    return s;
#else
    if ((uint32_t)v + 128u > 255u) {
        ++*saturations;
        return v < 0 ? INT8_MIN : INT8_MAX;
    }
    return v;
#endif
}

#if defined(KQ_DSP)
/* Two int16 (p[0] in the low half) as one 32-bit word, whatever p's alignment. */
static inline int16x2_t kq_read_pair(const int16_t *p)
{
    int16x2_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

/* Four int8 (p[0] in the low byte) as one 32-bit word, whatever p's alignment. */
static inline int8x4_t kq_read_quad(const int8_t *p)
{
    int8x4_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

/*
 * The odd bytes of a word of four int8, sign-extended into two int16: (b1, b3). One SXTB16 with
 * its built-in rotation; written as an instruction because gcc 12 does not fold a rotate into it.
 */
static inline int16x2_t kq_sxtb16_odd(int8x4_t v)
{
    int16x2_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}
#endif

#if defined(KQ_SSE2)
/* The n < 8 int16 at p in the low lanes of a vector, zeros above: loads that stay inside p[0..n). */
static inline __m128i kq_load_q15_partial(const int16_t *p, size_t n)
{
    __m128i v = _mm_setzero_si128();
    size_t k = n;
    if (n & 1) {
        k--;
        v = _mm_cvtsi32_si128((uint16_t)p[k]);
    }
    if (n & 2) {
        int32_t two;
        k -= 2;
        __builtin_memcpy(&two, p + k, 4);
        v = _mm_or_si128(_mm_slli_si128(v, 4), _mm_cvtsi32_si128(two));
    }
    if (n & 4) {
        v = _mm_or_si128(_mm_slli_si128(v, 8), _mm_loadl_epi64((const __m128i *)p));
    }
    return v;
}

/*
 * The short last block of a weight row, n < 8 int16 at p, for a product with an input block whose
 * lanes past n are zero: one full load where at least 8 elements of the matrix remain from p
 * (room), as the lanes past n then meet zeros; loads that stay inside p[0..n) near the end.
 */
static inline __m128i kq_load_q15_tail(const int16_t *p, size_t n, size_t room)
{
    return room >= 8 ? _mm_loadu_si128((const __m128i *)p) : kq_load_q15_partial(p, n);
}

/* The n < 8 int8 at p in the low bytes of a vector, zeros above, reading only p[0..n). */
static inline __m128i kq_load_s8_partial(const int8_t *p, size_t n)
{
    uint64_t v = 0;
    size_t k = n;
    if (n & 1) {
        k--;
        v = (uint8_t)p[k];
    }
    if (n & 2) {
        uint16_t two;
        k -= 2;
        __builtin_memcpy(&two, p + k, 2);
        v = v << 16 | two;
    }
    if (n & 4) {
        uint32_t four;
        __builtin_memcpy(&four, p, 4);
        v = v << 32 | four;
    }
    return _mm_cvtsi64_si128((long long)v);
}

/* The short last block of an int8 weight row: as kq_load_q15_tail, with 8 bytes. */
static inline __m128i kq_load_s8_tail(const int8_t *p, size_t n, size_t room)
{
    return room >= 8 ? _mm_loadl_epi64((const __m128i *)p) : kq_load_s8_partial(p, n);
}

/*
 * A pass over rows j to j + 3 of a rows x cols matrix reads the short last block of each row
 * (fewer than 8 elements) whole while the matrix holds at least 8 elements from the last row's
 * short block on (kq_load_q15_tail, kq_load_s8_tail): these are the room elements,
 * (rows - j - 3) * cols - whole. kq_safe_rows gives the first pass start (a multiple of 4) from
 * which that is not so, the end of the passes that never check.
 */
static inline size_t kq_room4(size_t rows, size_t cols, size_t j)
{
    return (rows - j - 3) * cols - (cols - cols % 8);
}

static inline size_t kq_safe_rows(size_t rows, size_t cols)
{
    const size_t full = rows - rows % 4, whole = cols - cols % 8;
    const size_t need = cols == 0 ? 0 : (whole + 8 + cols - 1) / cols; /* rows - j - 3 must be at least this */
    size_t safe;
    if (cols == whole) {
        return full;
    }
    if (rows < 3 + need) {
        return 0;
    }
    safe = ((rows - 3 - need) / 4 + 1) * 4;
    return safe < full ? safe : full;
}

/* The four lanes of each of a, b, c, d summed: (sum a, sum b, sum c, sum d). */
static inline __m128i kq_sum4_epi32(__m128i a, __m128i b, __m128i c, __m128i d)
{
    __m128i ab = _mm_add_epi32(_mm_unpacklo_epi32(a, b), _mm_unpackhi_epi32(a, b));
    __m128i cd = _mm_add_epi32(_mm_unpacklo_epi32(c, d), _mm_unpackhi_epi32(c, d));
    return _mm_add_epi32(_mm_unpacklo_epi64(ab, cd), _mm_unpackhi_epi64(ab, cd));
}

/* The four lanes of a summed. */
static inline int32_t kq_sum_epi32(__m128i a)
{
    a = _mm_add_epi32(a, _mm_shuffle_epi32(a, _MM_SHUFFLE(1, 0, 3, 2)));
    a = _mm_add_epi32(a, _mm_shuffle_epi32(a, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(a);
}
#endif

#endif /* KQ_FIXED_H */
