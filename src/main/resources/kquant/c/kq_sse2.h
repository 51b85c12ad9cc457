/*
 * kq_sse2.h - the SSE2 path of a whole layer: its dot products and its pre-activations in one
 * pass over the rows, four units at a time, for a layer whose units share their shifts and whose
 * dot products are int32, or in q15 a recurrent product of up to 256 columns in 64 bits (the
 * export decides, kquant.export.Sse2Units); and selu/elu on int16 codes eight at a time. Included
 * by kq_kernels.h; empty elsewhere than on x86-64. Hand-written; copied unchanged into every export.
 */
#ifndef KQ_SSE2_H
#define KQ_SSE2_H

#include "kq_kernels.h"

#if defined(KQ_SSE2)
/*
 * kq_cell_q15_sse2, kq_cell_a16w8_sse2 and kq_cell_q7_sse2 store the pre-activations as codes of
 * the activation type in z, whose range then tells the compiler what the activations need not
 * check: the same bits and the same count as kq_preact_<out>_<width>(ax[j], ah[j], bias[j], sx,
 * sh, sb, sz) on every unit. Sums are exact modulo 2^32 where the export proved the result fits
 * an int32, whatever the order (PMADDWD's one wrap, (-32768)^2 * 2, is exact modulo 2^32 too).
 * The parameters, one const struct per layer:
 */
typedef struct {
    const void *bias; /* NULL without a bias */
    int bias_bits;    /* 16 (int16 codes) or 8 (int8 codes) */
    int sx, sh, sb, sz;
    int acc64;        /* 1: the 64-bit kernel's sum, which needs sx < sz, sh < sz and sz <= 29 (the export checks);
                         2: the same with a 64-bit recurrent product (kq_row_q15_wide_), which also needs sh + 8 < sz */
    int out_bits;     /* 16 or 8 */
    const int32_t *c; /* per unit, the sum's constant round_shift(bias, sb) + 2^(sz - 1) (without it when sz <= 0), or NULL */
} kq_preact_t;

/* Four bias codes from unit j on, as int32 lanes. */
KQ_MATVEC __m128i kq_bias4(const void *bias, int bias_bits, size_t j)
{
    if (bias_bits == 16) {
        const __m128i v = _mm_loadl_epi64((const __m128i *)((const int16_t *)bias + j));
        return _mm_srai_epi32(_mm_unpacklo_epi16(v, v), 16);
    } else {
        int32_t four;
        __m128i v;
        __builtin_memcpy(&four, (const int8_t *)bias + j, 4);
        v = _mm_cvtsi32_si128(four);
        v = _mm_unpacklo_epi8(v, v);
        return _mm_srai_epi32(_mm_unpacklo_epi16(v, v), 24);
    }
}

/* floor(v * 2^a / 2^s), adding the remainder v * 2^a mod 2^s to *low, for 0 <= a < s. */
KQ_MATVEC __m128i kq_split4(__m128i v, int a, int s, __m128i *low)
{
    *low = _mm_add_epi32(*low, _mm_slli_epi32(_mm_and_si128(v, _mm_set1_epi32((1 << (s - a)) - 1)), a));
    return _mm_srai_epi32(v, s - a);
}

/*
 * Units j to j + 3 from their sums ax and ah (with acc64 2, ah + 256 * ae): stored in z; *kept
 * counts, per lane, the values not clipped. The 64-bit kernel's sum is split at bit sz into
 * quotients and remainders, the remainders, each below 2^sz, added before their shift, so no
 * lane needs more than 32 bits.
 */
KQ_MATVEC void kq_preact4(__m128i ax, __m128i ah, __m128i ae, const kq_preact_t *p, size_t j, void *z, __m128i *kept)
{
    __m128i c = _mm_set1_epi32(p->sz > 0 ? (int32_t)1 << (p->sz - 1) : 0), v, s;
    if (p->c != NULL) {
        c = _mm_loadu_si128((const __m128i *)(p->c + j)); /* the export computed it */
    } else if (p->bias_bits != 0) {
        const __m128i b = kq_bias4(p->bias, p->bias_bits, j);
        c = _mm_add_epi32(c, p->sb > 0 ? _mm_srai_epi32(_mm_add_epi32(b, _mm_set1_epi32(1 << (p->sb - 1))), p->sb) : _mm_slli_epi32(b, -p->sb));
    }
    if (p->acc64) {
        __m128i low = _mm_and_si128(c, _mm_set1_epi32((1 << p->sz) - 1));
        v = _mm_add_epi32(_mm_srai_epi32(c, p->sz), kq_split4(ax, p->sx, p->sz, &low));
        v = _mm_add_epi32(v, kq_split4(ah, p->sh, p->sz, &low));
        if (p->acc64 == 2) {
            v = _mm_add_epi32(v, kq_split4(ae, p->sh + 8, p->sz, &low));
        }
        v = _mm_add_epi32(v, _mm_srai_epi32(low, p->sz));
    } else {
        v = _mm_add_epi32(_mm_add_epi32(_mm_slli_epi32(ax, p->sx), _mm_slli_epi32(ah, p->sh)), c);
        v = p->sz > 0 ? _mm_srai_epi32(v, p->sz) : _mm_slli_epi32(v, -p->sz);
    }
    /* saturated by PACKSSDW (and PACKSSWB), stored, and widened back: a lane that changed was clipped */
    s = _mm_packs_epi32(v, v);
    if (p->out_bits == 8) {
        const int32_t four = _mm_cvtsi128_si32(s = _mm_packs_epi16(s, s));
        __builtin_memcpy((int8_t *)z + j, &four, 4);
        s = _mm_unpacklo_epi8(s, s);
        s = _mm_srai_epi32(_mm_unpacklo_epi16(s, s), 24);
    } else {
        _mm_storel_epi64((__m128i *)((int16_t *)z + j), s);
        s = _mm_srai_epi32(_mm_unpacklo_epi16(s, s), 16);
    }
    *kept = _mm_sub_epi32(*kept, _mm_cmpeq_epi32(s, v));
}

/* One unit j from its sums, by the scalar kernel. */
KQ_MATVEC void kq_preact1(int32_t ax, int32_t ah, const kq_preact_t *p, size_t j, void *z, uint32_t *saturations)
{
    const int32_t b = p->bias_bits == 16 ? ((const int16_t *)p->bias)[j] : p->bias_bits == 8 ? ((const int8_t *)p->bias)[j] : 0;
    if (p->out_bits == 16) {
        ((int16_t *)z)[j] = (int16_t)(p->acc64 ? kq_preact_s16_acc64(ax, ah, b, p->sx, p->sh, p->sb, p->sz, saturations)
                                              : kq_preact_s16_acc32(ax, ah, b, p->sx, p->sh, p->sb, p->sz, saturations));
    } else {
        ((int8_t *)z)[j] = (int8_t)(p->acc64 ? kq_preact_s8_acc64(ax, ah, b, p->sx, p->sh, p->sb, p->sz, saturations)
                                            : kq_preact_s8_acc32(ax, ah, b, p->sx, p->sh, p->sb, p->sz, saturations));
    }
}

/*
 * The four rows' sums of a pass, from the lanes of their two products (x-part a, h-part b): for
 * the 32-bit kernel one sum, (a << (sx - m)) + (b << (sh - m)) with m the smaller shift, which
 * the pre-activation then applies (modulo 2^32, exact as the export proved the whole sum fits an
 * int32); for the 64-bit kernel the two sums apart. Scaled lanes (kq_madd16_s8) hold 256 times
 * theirs, shifted back here.
 */
KQ_MATVEC void kq_cell_pass4(__m128i a0, __m128i a1, __m128i a2, __m128i a3, __m128i b0, __m128i b1, __m128i b2, __m128i b3,
                                 int scaled, const kq_preact_t *p, size_t j, void *z, __m128i *kept)
{
    const int down = scaled ? 8 : 0;
    if (p->acc64) {
        kq_preact4(_mm_srai_epi32(kq_sum4_epi32(a0, a1, a2, a3), down), _mm_srai_epi32(kq_sum4_epi32(b0, b1, b2, b3), down), _mm_setzero_si128(),
                   p, j, z, kept);
    } else {
        const int m = p->sx < p->sh ? p->sx : p->sh, dx = p->sx - m, dh = p->sh - m;
        kq_preact_t q = *p;
        q.sx = m;
        q.sh = 0;
        a0 = _mm_add_epi32(_mm_slli_epi32(a0, dx), _mm_slli_epi32(b0, dh));
        a1 = _mm_add_epi32(_mm_slli_epi32(a1, dx), _mm_slli_epi32(b1, dh));
        a2 = _mm_add_epi32(_mm_slli_epi32(a2, dx), _mm_slli_epi32(b2, dh));
        a3 = _mm_add_epi32(_mm_slli_epi32(a3, dx), _mm_slli_epi32(b3, dh));
        kq_preact4(_mm_srai_epi32(kq_sum4_epi32(a0, a1, a2, a3), down), _mm_setzero_si128(), _mm_setzero_si128(), &q, j, z, kept);
    }
}

/* One pass of kq_cell_q15_sse2 over rows j to j + 3; wroom, uroom as kq_room4. */
KQ_MATVEC void kq_cell_q15_pass_(const int16_t *x, const int16_t *w, size_t xcols, const int16_t *h, const int16_t *u, size_t hcols,
                                 __m128i xt, __m128i ht, size_t wroom, size_t uroom, const kq_preact_t *p, size_t j, void *z, __m128i *kept)
{
    const int16_t *rw = w + j * xcols, *ru = u + j * hcols;
    kq_cell_pass4(kq_row_q15_(x, rw, xcols, xt, wroom), kq_row_q15_(x, rw + xcols, xcols, xt, wroom),
                  kq_row_q15_(x, rw + 2 * xcols, xcols, xt, wroom), kq_row_q15_(x, rw + 3 * xcols, xcols, xt, wroom),
                  kq_row_q15_(h, ru, hcols, ht, uroom), kq_row_q15_(h, ru + hcols, hcols, ht, uroom),
                  kq_row_q15_(h, ru + 2 * hcols, hcols, ht, uroom), kq_row_q15_(h, ru + 3 * hcols, hcols, ht, uroom), 0, p, j, z, kept);
}

/*
 * One row r times h over n <= 256 columns, for a 64-bit recurrent product, in two sets of int32
 * lanes: t, the products of h, whose sum is the dot product modulo 2^32 (PMADDWD and the
 * additions wrap, exactly modulo 2^32), and e, the products of h >> 8, exact. With h = 256 *
 * (h >> 8) + l, l in [0, 255], the dot product is 256 * E + L, where |L| <= 255 * 32768 * 256 <
 * 2^31: L is t - 256 * E modulo 2^32, read as an int32. Short blocks as in kq_row_q15_.
 */
KQ_MATVEC void kq_row_q15_wide_(const int16_t *h, const int16_t *r, size_t n, __m128i ht, size_t room, __m128i *t, __m128i *e)
{
    const size_t whole = n - n % 8;
    __m128i a = _mm_setzero_si128(), b = a;
    size_t i;
    KQ_UNROLL
    for (i = 0; i < whole; i += 8) {
        const __m128i hv = _mm_loadu_si128((const __m128i *)(h + i)), wv = _mm_loadu_si128((const __m128i *)(r + i));
        a = _mm_add_epi32(a, _mm_madd_epi16(hv, wv));
        KQ_SSE_CHAIN(a);
        b = _mm_add_epi32(b, _mm_madd_epi16(_mm_srai_epi16(hv, 8), wv));
        KQ_SSE_CHAIN(b);
    }
    if (whole < n) {
        const __m128i wv = kq_load_q15_tail(r + whole, n - whole, room);
        a = _mm_add_epi32(a, _mm_madd_epi16(ht, wv));
        b = _mm_add_epi32(b, _mm_madd_epi16(_mm_srai_epi16(ht, 8), wv));
    }
    *t = a;
    *e = b;
}

/* One pass of kq_cell_q15_sse2 over rows j to j + 3 with a 64-bit recurrent product (acc64 2). */
KQ_MATVEC void kq_cell_q15_wide_pass_(const int16_t *x, const int16_t *w, size_t xcols, const int16_t *h, const int16_t *u, size_t hcols,
                                      __m128i xt, __m128i ht, size_t wroom, size_t uroom, const kq_preact_t *p, size_t j, void *z, __m128i *kept)
{
    const int16_t *rw = w + j * xcols, *ru = u + j * hcols;
    __m128i t0, t1, t2, t3, e0, e1, e2, e3, t, e;
    kq_row_q15_wide_(h, ru, hcols, ht, uroom, &t0, &e0);
    kq_row_q15_wide_(h, ru + hcols, hcols, ht, uroom, &t1, &e1);
    kq_row_q15_wide_(h, ru + 2 * hcols, hcols, ht, uroom, &t2, &e2);
    kq_row_q15_wide_(h, ru + 3 * hcols, hcols, ht, uroom, &t3, &e3);
    t = kq_sum4_epi32(t0, t1, t2, t3);
    e = kq_sum4_epi32(e0, e1, e2, e3);
    kq_preact4(kq_sum4_epi32(kq_row_q15_(x, rw, xcols, xt, wroom), kq_row_q15_(x, rw + xcols, xcols, xt, wroom),
                             kq_row_q15_(x, rw + 2 * xcols, xcols, xt, wroom), kq_row_q15_(x, rw + 3 * xcols, xcols, xt, wroom)),
               _mm_sub_epi32(t, _mm_slli_epi32(e, 8)), e, p, j, z, kept);
}

/*
 * z[j] = the pre-activation of unit j < rows, of a layer with an input matrix w (rows x xcols,
 * times x) and a recurrent matrix u (rows x hcols, times h); a Dense layer passes xcols 0 and its
 * one product as h and u. Clips are added to *saturations.
 */
KQ_MATVEC void kq_cell_q15_sse2(const int16_t *x, const int16_t *w, size_t xcols, const int16_t *h, const int16_t *u, size_t hcols,
                                size_t rows, const kq_preact_t *p, void *z, uint32_t *saturations)
{
    const size_t full = rows - rows % 4, xsafe = kq_safe_rows(rows, xcols), hsafe = kq_safe_rows(rows, hcols);
    const size_t safe = xsafe < hsafe ? xsafe : hsafe;
    const __m128i xt = kq_load_q15_partial(x + xcols - xcols % 8, xcols % 8);
    const __m128i ht = kq_load_q15_partial(h + hcols - hcols % 8, hcols % 8);
    __m128i kept = _mm_setzero_si128();
    size_t j;
    for (j = 0; j < safe; j += 4) {
        if (p->acc64 == 2) {
            kq_cell_q15_wide_pass_(x, w, xcols, h, u, hcols, xt, ht, 8, 8, p, j, z, &kept);
        } else {
            kq_cell_q15_pass_(x, w, xcols, h, u, hcols, xt, ht, 8, 8, p, j, z, &kept);
        }
    }
    for (; j < full; j += 4) {
        if (p->acc64 == 2) {
            kq_cell_q15_wide_pass_(x, w, xcols, h, u, hcols, xt, ht, kq_room4(rows, xcols, j), kq_room4(rows, hcols, j), p, j, z, &kept);
        } else {
            kq_cell_q15_pass_(x, w, xcols, h, u, hcols, xt, ht, kq_room4(rows, xcols, j), kq_room4(rows, hcols, j), p, j, z, &kept);
        }
    }
    *saturations += (uint32_t)full - (uint32_t)kq_sum_epi32(kept);
    for (; j < rows; j++) {
        const int16_t *rw = w + j * xcols, *ru = u + j * hcols;
        const size_t wroom = (rows - j) * xcols - (xcols - xcols % 8), uroom = (rows - j) * hcols - (hcols - hcols % 8);
        const int32_t ax = kq_sum_epi32(kq_row_q15_(x, rw, xcols, xt, wroom));
        if (p->acc64 == 2) {
            __m128i t, e;
            int32_t high;
            kq_row_q15_wide_(h, ru, hcols, ht, uroom, &t, &e);
            high = kq_sum_epi32(e);
            ((int16_t *)z)[j] = (int16_t)kq_preact_s16_acc64(ax, (int64_t)high * 256 + (int32_t)((uint32_t)kq_sum_epi32(t) - (uint32_t)high * 256u),
                                                             p->bias_bits != 0 ? ((const int16_t *)p->bias)[j] : 0, p->sx, p->sh, p->sb, p->sz,
                                                             saturations);
        } else {
            kq_preact1(ax, kq_sum_epi32(kq_row_q15_(h, ru, hcols, ht, uroom)), p, j, z, saturations);
        }
    }
}

/* One pass of kq_cell_s16s8_sse2_ over rows j to j + 3. */
KQ_MATVEC void kq_cell_s16s8_pass_(const void *x, const int8_t *w, size_t xcols, const void *h, const int8_t *u, size_t hcols, int kind,
                                   __m128i xt, __m128i ht, size_t wroom, size_t uroom, int scaled, const kq_preact_t *p, size_t j, void *z,
                                   __m128i *kept)
{
    const int8_t *rw = w + j * xcols, *ru = u + j * hcols;
    kq_cell_pass4(kq_row_s16s8_(x, kind, rw, xcols, xt, wroom, scaled), kq_row_s16s8_(x, kind, rw + xcols, xcols, xt, wroom, scaled),
                  kq_row_s16s8_(x, kind, rw + 2 * xcols, xcols, xt, wroom, scaled),
                  kq_row_s16s8_(x, kind, rw + 3 * xcols, xcols, xt, wroom, scaled), kq_row_s16s8_(h, kind, ru, hcols, ht, uroom, scaled),
                  kq_row_s16s8_(h, kind, ru + hcols, hcols, ht, uroom, scaled), kq_row_s16s8_(h, kind, ru + 2 * hcols, hcols, ht, uroom, scaled),
                  kq_row_s16s8_(h, kind, ru + 3 * hcols, hcols, ht, uroom, scaled), scaled, p, j, z, kept);
}

/*
 * The same with int8 weights, x and h of kind (kq_x_block). With int8 inputs and sizes that bound
 * every sum, its shifts included, below 2^23 the weights are taken scaled (kq_madd16_s8).
 */
KQ_MATVEC void kq_cell_s16s8_sse2_(const void *x, const int8_t *w, size_t xcols, const void *h, const int8_t *u, size_t hcols, int kind,
                                   size_t rows, const kq_preact_t *p, void *z, uint32_t *saturations)
{
    const size_t full = rows - rows % 4, xsafe = kq_safe_rows(rows, xcols), hsafe = kq_safe_rows(rows, hcols);
    const size_t safe = xsafe < hsafe ? xsafe : hsafe;
    const __m128i xt = kq_x_block(x, kind, xcols - xcols % 8, xcols % 8), ht = kq_x_block(h, kind, hcols - hcols % 8, hcols % 8);
    const int m = p->sx < p->sh ? p->sx : p->sh, dx = p->acc64 ? 0 : p->sx - m, dh = p->acc64 ? 0 : p->sh - m;
    const int scaled = kind == KQ_X_S8 && dx < 9 && dh < 9 && (xcols << dx) + (hcols << dh) < 512;
    __m128i kept = _mm_setzero_si128();
    size_t j;
    for (j = 0; j < safe; j += 4) {
        kq_cell_s16s8_pass_(x, w, xcols, h, u, hcols, kind, xt, ht, 8, 8, scaled, p, j, z, &kept);
    }
    for (; j < full; j += 4) {
        kq_cell_s16s8_pass_(x, w, xcols, h, u, hcols, kind, xt, ht, kq_room4(rows, xcols, j), kq_room4(rows, hcols, j), scaled, p, j, z, &kept);
    }
    *saturations += (uint32_t)full - (uint32_t)kq_sum_epi32(kept);
    for (; j < rows; j++) {
        const int8_t *rw = w + j * xcols, *ru = u + j * hcols;
        kq_preact1(kq_sum_epi32(kq_row_s16s8_(x, kind, rw, xcols, xt, (rows - j) * xcols - (xcols - xcols % 8), 0)),
                   kq_sum_epi32(kq_row_s16s8_(h, kind, ru, hcols, ht, (rows - j) * hcols - (hcols - hcols % 8), 0)), p, j, z, saturations);
    }
}

/* int16 inputs (a16w8), int8 inputs (q7). */
KQ_MATVEC void kq_cell_a16w8_sse2(const int16_t *x, const int8_t *w, size_t xcols, const int16_t *h, const int8_t *u, size_t hcols,
                                  size_t rows, const kq_preact_t *p, int16_t *z, uint32_t *saturations)
{
    kq_cell_s16s8_sse2_(x, w, xcols, h, u, hcols, KQ_X_S16, rows, p, z, saturations);
}

KQ_MATVEC void kq_cell_q7_sse2(const int8_t *x, const int8_t *w, size_t xcols, const int8_t *h, const int8_t *u, size_t hcols,
                               size_t rows, const kq_preact_t *p, int8_t *z, uint32_t *saturations)
{
    kq_cell_s16s8_sse2_(x, w, xcols, h, u, hcols, KQ_X_S8, rows, p, z, saturations);
}

/*
 * selu and elu over n codes, eight at a time: the same codes and the same count as
 * kq_multiply_table_s16 on each. Both sides are computed for every lane and one is kept: the
 * positive side by PMULUDQ (multiply_round, 16 <= mshift <= 32), the negative side from the
 * table, its pairs (T[i], T[i + 1]) gathered and weighted (2^step - r, r) by PMADDWD, which is
 * T[i] * 2^step + (T[i + 1] - T[i]) * r (the DSP path's form). That needs a table over negative
 * codes only (no mirror, end >= 0, so that every negative code lies below end) with 1 <= step <= 14;
 * elsewhere, and for the last n % 8 codes, the scalar kernel runs.
 */
KQ_MATVEC __m128i kq_multiply_round4(__m128i z, __m128i multiplier, int mshift)
{
    const __m128i scaled = _mm_slli_epi32(z, 32 - mshift), half = _mm_set_epi32(0, (int32_t)0x80000000u, 0, (int32_t)0x80000000u);
    const __m128i even = _mm_add_epi64(_mm_mul_epu32(scaled, multiplier), half);
    const __m128i odd = _mm_add_epi64(_mm_mul_epu32(_mm_srli_epi64(scaled, 32), multiplier), half);
    return _mm_or_si128(_mm_srli_epi64(even, 32), _mm_and_si128(odd, _mm_set_epi32(-1, 0, -1, 0)));
}

/* The table's pair (T[i], T[i + 1]) as the low int32 lane of a vector. */
KQ_MATVEC __m128i kq_pair(const int16_t *entries, int i)
{
    int32_t two;
    __builtin_memcpy(&two, entries + i, 4);
    return _mm_cvtsi32_si128(two);
}

/* The pairs at the indices in lanes 0 to 3 (high: 4 to 7) of i, as four int32 lanes. */
KQ_MATVEC __m128i kq_gather_pairs4(const int16_t *entries, __m128i i, int high)
{
    const __m128i p0 = kq_pair(entries, high ? _mm_extract_epi16(i, 4) : _mm_extract_epi16(i, 0));
    const __m128i p1 = kq_pair(entries, high ? _mm_extract_epi16(i, 5) : _mm_extract_epi16(i, 1));
    const __m128i p2 = kq_pair(entries, high ? _mm_extract_epi16(i, 6) : _mm_extract_epi16(i, 2));
    const __m128i p3 = kq_pair(entries, high ? _mm_extract_epi16(i, 7) : _mm_extract_epi16(i, 3));
    return _mm_unpacklo_epi64(_mm_unpacklo_epi32(p0, p1), _mm_unpacklo_epi32(p2, p3));
}

KQ_MATVEC void kq_multiply_table_all_s16(const int16_t *z, int16_t *out, size_t n, int32_t multiplier, int mshift, const kq_table_s16_t *t,
                                         int32_t sat_low, int32_t sat_high, uint32_t *saturations)
{
    const int vector = t->mirror == KQ_MIRROR_NONE && t->end >= 0 && t->step >= 1 && t->step <= 14 && mshift >= 16 && mshift <= 32;
    const size_t whole = vector ? n - n % 8 : 0;
    const int shift = t->step + t->extra;
    const __m128i zero = _mm_setzero_si128(), m = _mm_set1_epi32(multiplier);
    const __m128i high = _mm_set1_epi16((int16_t)(sat_high - 1 > INT16_MAX ? INT16_MAX : sat_high - 1));
    const __m128i low = _mm_set1_epi16((int16_t)(sat_low + 1 < INT16_MIN ? INT16_MIN : sat_low + 1));
    __m128i clips = zero; /* per int16 lane: how many of its codes were clipped */
    size_t j;
    for (j = 0; j < whole; j += 8) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(z + j)), negative = _mm_cmpgt_epi16(zero, v);
        /* z >= 0: multiply_round, saturated by PACKSSDW (negative lanes, taken as unsigned, give values dropped below) */
        const __m128i pos = _mm_packs_epi32(kq_multiply_round4(_mm_unpacklo_epi16(v, zero), m, mshift),
                                            kq_multiply_round4(_mm_unpackhi_epi16(v, zero), m, mshift));
        /* z < 0: the table, at min(z, -1) so that every lane reads inside it */
        const __m128i d = _mm_sub_epi16(_mm_max_epi16(_mm_min_epi16(v, _mm_set1_epi16(-1)), _mm_set1_epi16((int16_t)t->start)),
                                        _mm_set1_epi16((int16_t)t->start));
        const __m128i i = _mm_srli_epi16(d, t->step), r = _mm_and_si128(d, _mm_set1_epi16((int16_t)((1 << t->step) - 1)));
        const __m128i rest = _mm_sub_epi16(_mm_set1_epi16((int16_t)(1 << t->step)), r), round = _mm_set1_epi32(1 << (shift - 1));
        const __m128i lo = _mm_srai_epi32(_mm_add_epi32(_mm_madd_epi16(kq_gather_pairs4(t->entries, i, 0), _mm_unpacklo_epi16(rest, r)), round), shift);
        const __m128i hi = _mm_srai_epi32(_mm_add_epi32(_mm_madd_epi16(kq_gather_pairs4(t->entries, i, 1), _mm_unpackhi_epi16(rest, r)), round), shift);
        const __m128i neg = _mm_packs_epi32(lo, hi);
        _mm_storeu_si128((__m128i *)(out + j), _mm_or_si128(_mm_and_si128(negative, neg), _mm_andnot_si128(negative, pos)));
        clips = _mm_sub_epi16(clips, _mm_cmpgt_epi16(v, high));
        clips = _mm_sub_epi16(clips, _mm_and_si128(_mm_cmpgt_epi16(low, v), negative));
    }
    *saturations += (uint32_t)kq_sum_epi32(_mm_madd_epi16(clips, _mm_set1_epi16(1)));
    for (j = whole; j < n; j++) {
        out[j] = (int16_t)kq_multiply_table_s16(z[j], multiplier, mshift, t, sat_low, sat_high, saturations);
    }
}
#endif

#endif /* KQ_SSE2_H */
