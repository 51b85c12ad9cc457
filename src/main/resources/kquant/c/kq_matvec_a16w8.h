/*
 * kq_matvec_a16w8.h - dot products with int8 weights (SPEC.md, section 4): int16 inputs (a16w8)
 * or int8 inputs (q7).
 *
 *   acc[j] = sum_i x[i] * W[j][i]   for j < rows, exact, in int32.
 *
 * x: cols codes (not modified). w: the rows x cols int8 codes of W, unit-major: row j is unit
 * j's weights, contiguous (not modified); a16w8 stores each whole group of four of a row as
 * (W[j][i], W[j][i+2], W[j][i+1], W[j][i+3]), q7 stores rows in order (SPEC.md, section 3).
 * acc: rows sums (modified). scratch: cols int16 the kernel may use for x (modified).
 * Any rows and cols. int8 weights always prove int32 for any realistic size (SPEC.md, section 4),
 * so there is no 64-bit kernel. Hand-written; copied unchanged into every export.
 *
 * Why the a16w8 order: the Arm DSP path reads a word of four int8 (b0 b1 b2 b3) as the two pairs
 * (b0, b2) and (b1, b3) with SXTB16, one instruction each. Stored 0, 2, 1, 3, those pairs are
 * (W[j][i], W[j][i+1]) and (W[j][i+2], W[j][i+3]), which multiply the int16 inputs as they lie in
 * memory. For q7 the inputs are widened from int8 with the same SXTB16, which puts them in the
 * order the rows already have.
 */
#ifndef KQ_MATVEC_A16W8_H
#define KQ_MATVEC_A16W8_H

#include "kq_fixed.h"

#if defined(KQ_SSE2)
/* The low eight int8 of v sign-extended to eight int16. */
static inline __m128i kq_widen_s8(__m128i v)
{
    return _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8);
}

/* What x holds for kq_matvec_s16s8_sse2_: int16 codes (a16w8) or int8 codes (q7). */
#define KQ_X_S16 0
#define KQ_X_S8 1

/*
 * x[i .. i + n) (i a multiple of 8, n <= 8) as eight int16 lanes in the order the weights are
 * stored, zeros past n, reading only inside x: int16 inputs with the middles of each whole group
 * of four swapped (a16w8), int8 inputs widened (q7). Inlined with constants, and the same for
 * every row, so the compiler computes each block once per call, in registers.
 */
static inline __m128i kq_x_block(const void *x, int kind, size_t i, size_t n)
{
    if (kind == KQ_X_S8) {
        const int8_t *p = (const int8_t *)x + i;
        return kq_widen_s8(n == 8 ? _mm_loadl_epi64((const __m128i *)p) : kq_load_s8_partial(p, n));
    } else {
        const int16_t *p = (const int16_t *)x + i;
        __m128i v = n == 8 ? _mm_loadu_si128((const __m128i *)p) : kq_load_q15_partial(p, n);
        if (n >= 4) {
            v = _mm_shufflelo_epi16(v, _MM_SHUFFLE(3, 1, 2, 0));
        }
        if (n == 8) {
            v = _mm_shufflehi_epi16(v, _MM_SHUFFLE(3, 1, 2, 0));
        }
        return v;
    }
}

/*
 * x[i .. i + 16) (i a multiple of 16) split in the two vectors that multiply the even and the odd
 * bytes of sixteen stored weights, each seen as eight int16 lanes (the byte 2k, or 2k + 1, in lane
 * k). In a16w8 the even bytes of a group of four hold columns 0 and 1, the odd ones 2 and 3; in
 * q7 the bytes are the columns in order.
 */
static inline void kq_x_split(const void *x, int kind, size_t i, __m128i *even, __m128i *odd)
{
    if (kind == KQ_X_S8) {
        const __m128i v = _mm_loadu_si128((const __m128i *)((const int8_t *)x + i));
        *even = _mm_srai_epi16(_mm_slli_epi16(v, 8), 8);
        *odd = _mm_srai_epi16(v, 8);
    } else {
        const int16_t *p = (const int16_t *)x + i;
        const __m128i lo = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)p), _MM_SHUFFLE(3, 1, 2, 0));
        const __m128i hi = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(p + 8)), _MM_SHUFFLE(3, 1, 2, 0));
        *even = _mm_unpacklo_epi64(lo, hi);
        *odd = _mm_unpackhi_epi64(lo, hi);
    }
}

/*
 * a plus one row's sixteen stored weights at r times x split by kq_x_split: the odd bytes
 * sign-extended by one arithmetic shift of the int16 lanes, the even ones by a shift up and back.
 * Scaled (kq_matvec2_s16s8_sse2_, kq_cell_s16s8_sse2_), each weight w is taken as w * 256, the byte in the high half
 * of its lane, which needs one instruction fewer: the sums are then 256 times the dot products.
 */
static inline __m128i kq_madd16_s8(__m128i a, const int8_t *r, __m128i even, __m128i odd, int scaled)
{
    const __m128i q = _mm_loadu_si128((const __m128i *)r);
    if (scaled) {
        a = _mm_add_epi32(a, _mm_madd_epi16(_mm_and_si128(q, _mm_set1_epi16((int16_t)0xff00)), odd));
        a = _mm_add_epi32(a, _mm_madd_epi16(_mm_slli_epi16(q, 8), even));
    } else {
        a = _mm_add_epi32(a, _mm_madd_epi16(_mm_srai_epi16(q, 8), odd));
        a = _mm_add_epi32(a, _mm_madd_epi16(_mm_srai_epi16(_mm_slli_epi16(q, 8), 8), even));
    }
    KQ_SSE_CHAIN(a);
    return a;
}

/* The low eight int8 of v as eight int16: sign-extended, or scaled, times 256. */
static inline __m128i kq_widen8_s8(__m128i v, int scaled)
{
    return scaled ? _mm_unpacklo_epi8(_mm_setzero_si128(), v) : kq_widen_s8(v);
}

/*
 * One row r of stored weights times x (kq_x_split, kq_x_block): four int32 lanes whose sum is the
 * dot product. Sixteen weights at a time widened in registers (kq_madd16_s8), then a block of
 * eight, then a short last block times xt (x's last block, zeros past the row), read whole where
 * the matrix has room bytes from the short block on (kq_load_s8_tail). Inlined with constant
 * sizes, x's blocks are computed once for all rows.
 */
KQ_MATVEC __m128i kq_row_s16s8_(const void *x, int kind, const int8_t *r, size_t cols, __m128i xt, size_t room, int scaled)
{
    const size_t sixteens = cols - cols % 16, whole = cols - cols % 8;
    __m128i a = _mm_setzero_si128();
    size_t i;
    KQ_UNROLL
    for (i = 0; i < sixteens; i += 16) {
        __m128i even, odd;
        kq_x_split(x, kind, i, &even, &odd);
        a = kq_madd16_s8(a, r + i, even, odd, scaled);
    }
    if (sixteens < whole) {
        a = _mm_add_epi32(a, _mm_madd_epi16(kq_x_block(x, kind, sixteens, 8), kq_widen8_s8(_mm_loadl_epi64((const __m128i *)(r + sixteens)), scaled)));
    }
    if (whole < cols) {
        a = _mm_add_epi32(a, _mm_madd_epi16(xt, kq_widen8_s8(kq_load_s8_tail(r + whole, cols - whole, room), scaled)));
    }
    return a;
}

/*
 * Rows j to j + 3 of the two products of kq_matvec2_s16s8_sse2_, their lanes added up together;
 * wroom and uroom as kq_room4 (8 where it holds whole loads, as a constant).
 */
KQ_MATVEC void kq_pass2_s16s8_(const void *x, const int8_t *w, size_t xcols, int shift, const void *h, const int8_t *u, size_t hcols,
                                   int kind, __m128i xt, __m128i ht, size_t wroom, size_t uroom, int scaled, int32_t *acc, size_t j)
{
    const int8_t *rw = w + j * xcols, *ru = u + j * hcols;
#define KQ_ROW2_(k) \
    _mm_add_epi32(_mm_slli_epi32(kq_row_s16s8_(x, kind, rw + (k) * xcols, xcols, xt, wroom, scaled), shift), \
                  kq_row_s16s8_(h, kind, ru + (k) * hcols, hcols, ht, uroom, scaled))
    const __m128i a0 = KQ_ROW2_(0), a1 = KQ_ROW2_(1), a2 = KQ_ROW2_(2), a3 = KQ_ROW2_(3);
#undef KQ_ROW2_
    const __m128i sums = kq_sum4_epi32(a0, a1, a2, a3);
    _mm_storeu_si128((__m128i *)(acc + j), scaled ? _mm_srai_epi32(sums, 8) : sums);
}

/*
 * Two products in one pass, for the SSE2 path of a layer with an input and a recurrent matrix:
 * acc[j] = (x . w_j) * 2^shift + (h . u_j), computed modulo 2^32, so exact where the export proved
 * the sum fits an int32 (kquant.export.PreactWidth ACC32). x and h are both kind. With xcols 0 it
 * is the one product h . u_j.
 *
 * With int8 inputs and (xcols * 2^shift + hcols) < 512, every sum is below 2^14 * 512 = 2^23 in
 * magnitude, so 256 times it still fits an int32: the weights are then taken scaled (kq_madd16_s8)
 * and the sums shifted back down by 8, exactly, as every lane holds a multiple of 256.
 */
KQ_MATVEC void kq_matvec2_s16s8_sse2_(const void *x, const int8_t *w, size_t xcols, int shift, const void *h, const int8_t *u, size_t hcols,
                                      int kind, int32_t *acc, size_t rows)
{
    const size_t full = rows - rows % 4, xsafe = kq_safe_rows(rows, xcols), hsafe = kq_safe_rows(rows, hcols);
    const size_t safe = xsafe < hsafe ? xsafe : hsafe;
    const __m128i xt = kq_x_block(x, kind, xcols - xcols % 8, xcols % 8), ht = kq_x_block(h, kind, hcols - hcols % 8, hcols % 8);
    const int scaled = kind == KQ_X_S8 && shift < 9 && (xcols << shift) + hcols < 512;
    size_t j;
    for (j = 0; j < safe; j += 4) {
        kq_pass2_s16s8_(x, w, xcols, shift, h, u, hcols, kind, xt, ht, 8, 8, scaled, acc, j);
    }
    for (; j < full; j += 4) {
        kq_pass2_s16s8_(x, w, xcols, shift, h, u, hcols, kind, xt, ht, kq_room4(rows, xcols, j), kq_room4(rows, hcols, j), scaled, acc, j);
    }
    for (; j < rows; j++) {
        const int8_t *rw = w + j * xcols, *ru = u + j * hcols;
        const size_t wroom = (rows - j) * xcols - (xcols - xcols % 8), uroom = (rows - j) * hcols - (hcols - hcols % 8);
        const int32_t sum = kq_sum_epi32(_mm_add_epi32(_mm_slli_epi32(kq_row_s16s8_(x, kind, rw, xcols, xt, wroom, scaled), shift),
                                                       kq_row_s16s8_(h, kind, ru, hcols, ht, uroom, scaled)));
        acc[j] = scaled ? sum >> 8 : sum;
    }
}

/* One product on the SSE2 path: x is read where it lies. */
KQ_MATVEC void kq_matvec_s16s8_sse2_(const void *x, int kind, const int8_t *w, int32_t *acc, size_t rows, size_t cols)
{
    kq_matvec2_s16s8_sse2_(x, w, 0, 0, x, w, cols, kind, acc, rows);
}

#endif

/*
 * The shared body, on int16 inputs xs and the stored weights w. The other paths compute
 * sum_k xs[k] * w[j * cols + k]. The DSP path pairs, in each whole group of four, xs[k], xs[k+1]
 * with w[k], w[k+2] and xs[k+2], xs[k+3] with w[k+1], w[k+3] (SXTB16): the same sum once the
 * middle two of each group of xs are swapped.
 */
KQ_MATVEC void kq_matvec_s16s8_(const int16_t *xs, const int8_t *w, int32_t *acc, size_t rows, size_t cols)
{
    size_t j = 0, i;
#if defined(KQ_DSP)
    const size_t quads = cols - cols % 4;
    for (j = 0; j < rows - rows % 4; j += 4) {
        const int8_t *r = w + j * cols;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        KQ_UNROLL
        for (i = 0; i < quads; i += 4) {
            const int16x2_t x02 = kq_read_pair(xs + i), x13 = kq_read_pair(xs + i + 2);
            int8x4_t q = kq_read_quad(r + i);
            a0 = __smlad(x13, kq_sxtb16_odd(q), __smlad(x02, __sxtb16(q), a0));
            q = kq_read_quad(r + cols + i);
            a1 = __smlad(x13, kq_sxtb16_odd(q), __smlad(x02, __sxtb16(q), a1));
            q = kq_read_quad(r + 2 * cols + i);
            a2 = __smlad(x13, kq_sxtb16_odd(q), __smlad(x02, __sxtb16(q), a2));
            q = kq_read_quad(r + 3 * cols + i);
            a3 = __smlad(x13, kq_sxtb16_odd(q), __smlad(x02, __sxtb16(q), a3));
        }
        for (i = quads; i < cols; i++) {
            const int32_t xi = xs[i];
            a0 += xi * r[i];
            a1 += xi * r[cols + i];
            a2 += xi * r[2 * cols + i];
            a3 += xi * r[3 * cols + i];
        }
        acc[j] = a0;
        acc[j + 1] = a1;
        acc[j + 2] = a2;
        acc[j + 3] = a3;
    }
    for (; j < rows; j++) {
        const int8_t *r = w + j * cols;
        int32_t a = 0;
        for (i = 0; i < quads; i += 4) {
            const int8x4_t q = kq_read_quad(r + i);
            a = __smlad(kq_read_pair(xs + i + 2), kq_sxtb16_odd(q), __smlad(kq_read_pair(xs + i), __sxtb16(q), a));
        }
        for (i = quads; i < cols; i++) {
            a += xs[i] * r[i];
        }
        acc[j] = a;
    }
#elif defined(KQ_NEON)
    /* Weights widened to int16 by VMOVL, then VMLAL into four int32 lanes. */
    const size_t whole = cols - cols % 8;
    for (; j < rows; j++) {
        const int8_t *r = w + j * cols;
        int32x4_t a = vdupq_n_s32(0);
        int32_t s;
        for (i = 0; i < whole; i += 8) {
            const int16x8_t wv = vmovl_s8(vld1_s8(r + i));
            a = vmlal_s16(a, vld1_s16(xs + i), vget_low_s16(wv));
            a = vmlal_s16(a, vld1_s16(xs + i + 4), vget_high_s16(wv));
        }
        s = vgetq_lane_s32(a, 0) + vgetq_lane_s32(a, 1) + vgetq_lane_s32(a, 2) + vgetq_lane_s32(a, 3);
        for (i = whole; i < cols; i++) {
            s += xs[i] * r[i];
        }
        acc[j] = s;
    }
#else
    /* Portable: eight rows per pass, so each input is loaded once for eight products. */
    for (j = 0; j < rows - rows % 8; j += 8) {
        const int8_t *w0 = w + j * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
        const int8_t *w4 = w3 + cols, *w5 = w4 + cols, *w6 = w5 + cols, *w7 = w6 + cols;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (i = 0; i < cols; i++) {
            const int32_t xi = xs[i];
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
        const int8_t *r = w + j * cols;
        int32_t a = 0;
        for (i = 0; i < cols; i++) {
            a += xs[i] * r[i];
        }
        acc[j] = a;
    }
#endif
}

/* int16 inputs (a16w8). */
/*
 * The middle two of each whole group of four swapped: x0 x1 x2 x3 -> x0 x2 x1 x3. Applied to the
 * inputs, it undoes the same swap in the stored a16w8 weights, for the paths that read in order.
 */
static inline void kq_swap_middles(const int16_t *x, int16_t *out, size_t n)
{
    const size_t quads = n - n % 4;
    size_t i;
    for (i = 0; i < quads; i += 4) {
        out[i] = x[i];
        out[i + 1] = x[i + 2];
        out[i + 2] = x[i + 1];
        out[i + 3] = x[i + 3];
    }
    for (i = quads; i < n; i++) {
        out[i] = x[i];
    }
}

/* int16 inputs (a16w8): the DSP and SSE2 paths read x where it lies; the others read it reordered. */
KQ_MATVEC void kq_matvec_a16w8_acc32(const int16_t *x, const int8_t *w, int32_t *acc, size_t rows, size_t cols, int16_t *scratch)
{
#if defined(KQ_DSP)
    (void)scratch;
    kq_matvec_s16s8_(x, w, acc, rows, cols);
#elif defined(KQ_SSE2)
    (void)scratch;
    kq_matvec_s16s8_sse2_(x, KQ_X_S16, w, acc, rows, cols);
#else
    kq_swap_middles(x, scratch, cols);
    kq_matvec_s16s8_(scratch, w, acc, rows, cols);
#endif
}

/* int8 inputs (q7): x widened to int16 once; SXTB16 widens and swaps the middles in one go. */
KQ_MATVEC void kq_matvec_q7_acc32(const int8_t *x, const int8_t *w, int32_t *acc, size_t rows, size_t cols, int16_t *scratch)
{
#if defined(KQ_SSE2)
    (void)scratch;
    kq_matvec_s16s8_sse2_(x, KQ_X_S8, w, acc, rows, cols);
#else
    size_t i, quads = 0;
#if defined(KQ_DSP)
    quads = cols - cols % 4;
    for (i = 0; i < quads; i += 4) {
        const int8x4_t q = kq_read_quad(x + i);
        const int16x2_t x02 = __sxtb16(q), x13 = kq_sxtb16_odd(q);
        __builtin_memcpy(scratch + i, &x02, 4);
        __builtin_memcpy(scratch + i + 2, &x13, 4);
    }
#endif
    for (i = quads; i < cols; i++) {
        scratch[i] = x[i];
    }
    kq_matvec_s16s8_(scratch, w, acc, rows, cols);
#endif
}

#endif /* KQ_MATVEC_A16W8_H */
