/*
 * kq_matvec_q15.h - q15 dot products: int16 inputs times int16 weights (SPEC.md, section 4).
 *
 *   acc[j] = sum_i x[i] * w[j * cols + i]   for j < rows, exact.
 *
 * x: cols codes (not modified). w: rows x cols codes, unit-major: row j is unit j's weights,
 * contiguous (not modified). acc: rows sums (modified). Any rows and cols: a layer's gates are
 * just more rows. The _acc32 kernel may only be called where the export proved every row's
 * sum of |w| * 2^15 fits an int32 (then no partial sum in any order wraps); _acc64 holds any sum.
 * Hand-written; copied unchanged into every export.
 */
#ifndef KQ_MATVEC_Q15_H
#define KQ_MATVEC_Q15_H

#include "kq_fixed.h"

#if defined(KQ_SSE2)
/*
 * One row r times x: four int32 lanes whose sum is the dot product. Whole blocks of eight, then a
 * short last block times xt, x's last block with zeros past the row, read whole where the
 * matrix has room elements from the short block on (kq_load_q15_tail). Inlined with constant
 * sizes, the blocks of x are loaded once for all rows.
 */
KQ_MATVEC __m128i kq_row_q15_(const int16_t *x, const int16_t *r, size_t cols, __m128i xt, size_t room)
{
    const size_t whole = cols - cols % 8;
    __m128i a = _mm_setzero_si128();
    size_t i;
    KQ_UNROLL
    for (i = 0; i < whole; i += 8) {
        a = _mm_add_epi32(a, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(x + i)), _mm_loadu_si128((const __m128i *)(r + i))));
        KQ_SSE_CHAIN(a);
    }
    if (whole < cols) {
        a = _mm_add_epi32(a, _mm_madd_epi16(xt, kq_load_q15_tail(r + whole, cols - whole, room)));
    }
    return a;
}

/* Rows j to j + 3 of the two products of kq_matvec2_q15_sse2 (as kq_pass2_s16s8_). */
KQ_MATVEC void kq_pass2_q15_(const int16_t *x, const int16_t *w, size_t xcols, int shift, const int16_t *h, const int16_t *u, size_t hcols,
                                 __m128i xt, __m128i ht, size_t wroom, size_t uroom, int32_t *acc, size_t j)
{
    const int16_t *rw = w + j * xcols, *ru = u + j * hcols;
#define KQ_ROW2_(k) \
    _mm_add_epi32(_mm_slli_epi32(kq_row_q15_(x, rw + (k) * xcols, xcols, xt, wroom), shift), kq_row_q15_(h, ru + (k) * hcols, hcols, ht, uroom))
    const __m128i a0 = KQ_ROW2_(0), a1 = KQ_ROW2_(1), a2 = KQ_ROW2_(2), a3 = KQ_ROW2_(3);
#undef KQ_ROW2_
    _mm_storeu_si128((__m128i *)(acc + j), kq_sum4_epi32(a0, a1, a2, a3));
}

/*
 * Two products in one pass, for the SSE2 path of a layer with an input and a recurrent matrix:
 * acc[j] = (x . w_j) * 2^shift + (h . u_j), computed modulo 2^32, so exact where the export proved
 * the sum fits an int32 (kquant.export.PreactWidth ACC32). With xcols 0 it is the one product
 * h . u_j, exact where that fits an int32.
 */
KQ_MATVEC void kq_matvec2_q15_sse2(const int16_t *x, const int16_t *w, size_t xcols, int shift, const int16_t *h, const int16_t *u,
                                   size_t hcols, int32_t *acc, size_t rows)
{
    const size_t full = rows - rows % 4, xsafe = kq_safe_rows(rows, xcols), hsafe = kq_safe_rows(rows, hcols);
    const size_t safe = xsafe < hsafe ? xsafe : hsafe;
    const __m128i xt = kq_load_q15_partial(x + xcols - xcols % 8, xcols % 8);
    const __m128i ht = kq_load_q15_partial(h + hcols - hcols % 8, hcols % 8);
    size_t j;
    for (j = 0; j < safe; j += 4) {
        kq_pass2_q15_(x, w, xcols, shift, h, u, hcols, xt, ht, 8, 8, acc, j);
    }
    for (; j < full; j += 4) {
        kq_pass2_q15_(x, w, xcols, shift, h, u, hcols, xt, ht, kq_room4(rows, xcols, j), kq_room4(rows, hcols, j), acc, j);
    }
    for (; j < rows; j++) {
        const int16_t *rw = w + j * xcols, *ru = u + j * hcols;
        const size_t wroom = (rows - j) * xcols - (xcols - xcols % 8), uroom = (rows - j) * hcols - (hcols - hcols % 8);
        acc[j] = kq_sum_epi32(_mm_add_epi32(_mm_slli_epi32(kq_row_q15_(x, rw, xcols, xt, wroom), shift),
                                            kq_row_q15_(h, ru, hcols, ht, uroom)));
    }
}
#endif

KQ_MATVEC void kq_matvec_q15_acc32(const int16_t *x, const int16_t *w, int32_t *acc, size_t rows, size_t cols)
{
    size_t j = 0, i;
#if defined(KQ_DSP)
    /* SMLAD adds two products to a sum in one instruction, from words holding two int16 of x and
     * of w. Eight rows per pass load each word of x once for eight rows. */
    const size_t even = cols - cols % 2;
    for (j = 0; j < rows - rows % 8; j += 8) {
        const int16_t *r = w + j * cols;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        KQ_UNROLL
        for (i = 0; i < even; i += 2) {
            const int16x2_t xp = kq_read_pair(x + i);
            a0 = __smlad(xp, kq_read_pair(r + i), a0);
            a1 = __smlad(xp, kq_read_pair(r + cols + i), a1);
            a2 = __smlad(xp, kq_read_pair(r + 2 * cols + i), a2);
            a3 = __smlad(xp, kq_read_pair(r + 3 * cols + i), a3);
            a4 = __smlad(xp, kq_read_pair(r + 4 * cols + i), a4);
            a5 = __smlad(xp, kq_read_pair(r + 5 * cols + i), a5);
            a6 = __smlad(xp, kq_read_pair(r + 6 * cols + i), a6);
            a7 = __smlad(xp, kq_read_pair(r + 7 * cols + i), a7);
        }
        if (even < cols) {
            const int32_t xi = x[even];
            a0 += xi * r[even];
            a1 += xi * r[cols + even];
            a2 += xi * r[2 * cols + even];
            a3 += xi * r[3 * cols + even];
            a4 += xi * r[4 * cols + even];
            a5 += xi * r[5 * cols + even];
            a6 += xi * r[6 * cols + even];
            a7 += xi * r[7 * cols + even];
        }
        acc[j] = a0;
        acc[j + 1] = a1;
        acc[j + 2] = a2;
        acc[j + 3] = a3;
        acc[j + 4] = a4;
        acc[j + 5] = a5;
        acc[j + 6] = a6;
        acc[j + 7] = a7;
    }
    for (; j < rows; j++) {
        const int16_t *r = w + j * cols;
        int32_t a = 0;
        for (i = 0; i < even; i += 2) {
            a = __smlad(kq_read_pair(x + i), kq_read_pair(r + i), a);
        }
        if (even < cols) {
            a += x[even] * r[even];
        }
        acc[j] = a;
    }
#elif defined(KQ_SSE2)
    /* PMADDWD multiplies eight int16 pairs and adds neighbouring products into four int32 lanes;
     * four rows per pass, their lanes added up together (kq_matvec2_q15_sse2, one product). */
    kq_matvec2_q15_sse2(x, w, 0, 0, x, w, cols, acc, rows);
    (void)i;
    (void)j;
#elif defined(KQ_NEON)
    /* VMLAL multiplies four int16 pairs into four int32 lanes; four rows per pass. */
    const size_t whole = cols - cols % 4;
    for (; j < rows; j++) {
        const int16_t *r = w + j * cols;
        int32x4_t a = vdupq_n_s32(0);
        int32_t s;
        for (i = 0; i < whole; i += 4) {
            a = vmlal_s16(a, vld1_s16(x + i), vld1_s16(r + i));
        }
        s = vgetq_lane_s32(a, 0) + vgetq_lane_s32(a, 1) + vgetq_lane_s32(a, 2) + vgetq_lane_s32(a, 3);
        for (i = whole; i < cols; i++) {
            s += x[i] * r[i];
        }
        acc[j] = s;
    }
#else
    /* Portable: eight rows per pass, so each input is loaded once for eight products. */
    for (j = 0; j < rows - rows % 8; j += 8) {
        const int16_t *w0 = w + j * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
        const int16_t *w4 = w3 + cols, *w5 = w4 + cols, *w6 = w5 + cols, *w7 = w6 + cols;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (i = 0; i < cols; i++) {
            const int32_t xi = x[i];
            a0 += xi * w0[i];
            a1 += xi * w1[i];
            a2 += xi * w2[i];
            a3 += xi * w3[i];
            a4 += xi * w4[i];
            a5 += xi * w5[i];
            a6 += xi * w6[i];
            a7 += xi * w7[i];
        }
        acc[j] = a0;
        acc[j + 1] = a1;
        acc[j + 2] = a2;
        acc[j + 3] = a3;
        acc[j + 4] = a4;
        acc[j + 5] = a5;
        acc[j + 6] = a6;
        acc[j + 7] = a7;
    }
    for (; j < rows; j++) {
        const int16_t *r = w + j * cols;
        int32_t a = 0;
        for (i = 0; i < cols; i++) {
            a += x[i] * r[i];
        }
        acc[j] = a;
    }
#endif
}

KQ_MATVEC void kq_matvec_q15_acc64(const int16_t *x, const int16_t *w, int64_t *acc, size_t rows, size_t cols)
{
    size_t j = 0, i;
#if defined(KQ_DSP)
    /* SMLALD adds two products to a 64-bit sum in one instruction; four rows per pass, as four
     * 64-bit sums take eight registers. */
    const size_t even = cols - cols % 2;
    for (j = 0; j < rows - rows % 4; j += 4) {
        const int16_t *r = w + j * cols;
        int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        KQ_UNROLL
        for (i = 0; i < even; i += 2) {
            const int16x2_t xp = kq_read_pair(x + i);
            a0 = __smlald(xp, kq_read_pair(r + i), a0);
            a1 = __smlald(xp, kq_read_pair(r + cols + i), a1);
            a2 = __smlald(xp, kq_read_pair(r + 2 * cols + i), a2);
            a3 = __smlald(xp, kq_read_pair(r + 3 * cols + i), a3);
        }
        if (even < cols) {
            const int32_t xi = x[even];
            a0 += xi * r[even];
            a1 += xi * r[cols + even];
            a2 += xi * r[2 * cols + even];
            a3 += xi * r[3 * cols + even];
        }
        acc[j] = a0;
        acc[j + 1] = a1;
        acc[j + 2] = a2;
        acc[j + 3] = a3;
    }
    for (; j < rows; j++) {
        const int16_t *r = w + j * cols;
        int64_t a = 0;
        for (i = 0; i < even; i += 2) {
            a = __smlald(kq_read_pair(x + i), kq_read_pair(r + i), a);
        }
        if (even < cols) {
            a += x[even] * r[even];
        }
        acc[j] = a;
    }
#elif defined(KQ_SSE2)
    /* PMADDWD's pair sums wrap only at 2^31 (both inputs and both weights -32768), so x is split
     * as 256 * hi + lo (hi in [-128, 127], lo in [0, 255]): each pair sum of either part is below
     * 2^24 and 16 blocks of 8 columns add up in int32 lanes without wrapping. Four rows per pass. */
    for (j = 0; j < rows - rows % 4; j += 4) {
        const int16_t *r = w + j * cols;
        int64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        size_t start;
        for (start = 0; start < cols; start += 128) {
            const size_t end = cols - start < 128 ? cols : start + 128;
            __m128i h0 = _mm_setzero_si128(), h1 = h0, h2 = h0, h3 = h0, l0 = h0, l1 = h0, l2 = h0, l3 = h0;
            int32_t hv[4], lv[4];
            KQ_UNROLL
            for (i = start; i < end; i += 8) {
                const size_t n = end - i < 8 ? end - i : 8;
                const __m128i xv = n == 8 ? _mm_loadu_si128((const __m128i *)(x + i)) : kq_load_q15_partial(x + i, n);
                const __m128i xh = _mm_srai_epi16(xv, 8);
                const __m128i xl = _mm_and_si128(xv, _mm_set1_epi16(0xff));
                __m128i wv = n == 8 ? _mm_loadu_si128((const __m128i *)(r + i)) : kq_load_q15_partial(r + i, n);
                h0 = _mm_add_epi32(h0, _mm_madd_epi16(xh, wv));
                l0 = _mm_add_epi32(l0, _mm_madd_epi16(xl, wv));
                wv = n == 8 ? _mm_loadu_si128((const __m128i *)(r + cols + i)) : kq_load_q15_partial(r + cols + i, n);
                h1 = _mm_add_epi32(h1, _mm_madd_epi16(xh, wv));
                l1 = _mm_add_epi32(l1, _mm_madd_epi16(xl, wv));
                wv = n == 8 ? _mm_loadu_si128((const __m128i *)(r + 2 * cols + i)) : kq_load_q15_partial(r + 2 * cols + i, n);
                h2 = _mm_add_epi32(h2, _mm_madd_epi16(xh, wv));
                l2 = _mm_add_epi32(l2, _mm_madd_epi16(xl, wv));
                wv = n == 8 ? _mm_loadu_si128((const __m128i *)(r + 3 * cols + i)) : kq_load_q15_partial(r + 3 * cols + i, n);
                h3 = _mm_add_epi32(h3, _mm_madd_epi16(xh, wv));
                l3 = _mm_add_epi32(l3, _mm_madd_epi16(xl, wv));
                KQ_SSE_CHAIN(h0);
                KQ_SSE_CHAIN(h1);
                KQ_SSE_CHAIN(h2);
                KQ_SSE_CHAIN(h3);
                KQ_SSE_CHAIN(l0);
                KQ_SSE_CHAIN(l1);
                KQ_SSE_CHAIN(l2);
                KQ_SSE_CHAIN(l3);
            }
            _mm_storeu_si128((__m128i *)hv, kq_sum4_epi32(h0, h1, h2, h3));
            _mm_storeu_si128((__m128i *)lv, kq_sum4_epi32(l0, l1, l2, l3));
            s0 += (int64_t)hv[0] * 256 + lv[0];
            s1 += (int64_t)hv[1] * 256 + lv[1];
            s2 += (int64_t)hv[2] * 256 + lv[2];
            s3 += (int64_t)hv[3] * 256 + lv[3];
        }
        acc[j] = s0;
        acc[j + 1] = s1;
        acc[j + 2] = s2;
        acc[j + 3] = s3;
    }
    for (; j < rows; j++) {
        const int16_t *r = w + j * cols;
        int64_t s = 0;
        size_t start;
        for (start = 0; start < cols; start += 128) {
            const size_t end = cols - start < 128 ? cols : start + 128;
            __m128i h = _mm_setzero_si128(), l = h;
            for (i = start; i < end; i += 8) {
                const size_t n = end - i < 8 ? end - i : 8;
                const __m128i xv = n == 8 ? _mm_loadu_si128((const __m128i *)(x + i)) : kq_load_q15_partial(x + i, n);
                const __m128i wv = n == 8 ? _mm_loadu_si128((const __m128i *)(r + i)) : kq_load_q15_partial(r + i, n);
                h = _mm_add_epi32(h, _mm_madd_epi16(_mm_srai_epi16(xv, 8), wv));
                l = _mm_add_epi32(l, _mm_madd_epi16(_mm_and_si128(xv, _mm_set1_epi16(0xff)), wv));
            }
            s += (int64_t)kq_sum_epi32(h) * 256 + kq_sum_epi32(l);
        }
        acc[j] = s;
    }
#elif defined(KQ_NEON)
    /* VMULL gives four exact int32 products; VPADAL adds neighbours into two int64 lanes. */
    const size_t whole = cols - cols % 4;
    for (; j < rows; j++) {
        const int16_t *r = w + j * cols;
        int64x2_t a = vdupq_n_s64(0);
        int64_t s;
        for (i = 0; i < whole; i += 4) {
            a = vpadalq_s32(a, vmull_s16(vld1_s16(x + i), vld1_s16(r + i)));
        }
        s = vgetq_lane_s64(a, 0) + vgetq_lane_s64(a, 1);
        for (i = whole; i < cols; i++) {
            s += x[i] * r[i];
        }
        acc[j] = s;
    }
#else
    /* Portable: eight rows per pass, so each input is loaded once for eight products. */
    for (j = 0; j < rows - rows % 8; j += 8) {
        const int16_t *w0 = w + j * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
        const int16_t *w4 = w3 + cols, *w5 = w4 + cols, *w6 = w5 + cols, *w7 = w6 + cols;
        int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (i = 0; i < cols; i++) {
            const int32_t xi = x[i];
            a0 += xi * w0[i];
            a1 += xi * w1[i];
            a2 += xi * w2[i];
            a3 += xi * w3[i];
            a4 += xi * w4[i];
            a5 += xi * w5[i];
            a6 += xi * w6[i];
            a7 += xi * w7[i];
        }
        acc[j] = a0;
        acc[j + 1] = a1;
        acc[j + 2] = a2;
        acc[j + 3] = a3;
        acc[j + 4] = a4;
        acc[j + 5] = a5;
        acc[j + 6] = a6;
        acc[j + 7] = a7;
    }
    for (; j < rows; j++) {
        const int16_t *r = w + j * cols;
        int64_t a = 0;
        for (i = 0; i < cols; i++) {
            a += x[i] * r[i];
        }
        acc[j] = a;
    }
#endif
}

#endif /* KQ_MATVEC_Q15_H */
