/*
 * kernel_check.c - the dot-product kernels of kq_matvec_*.h against a naive 64-bit sum, on every
 * shape from 1 x 1 to 19 x 70 and on weights and inputs at the extremes of their types, through
 * whichever code path the compiler selects (KQ_PATH); on the SSE2 path also the layer kernels of
 * kq_sse2.h against the scalar kernels on the same sums, counted apart. Prints one line; exit
 * code 0 when every value matches. Built and run by kquant.export.KernelCheckTest for every path
 * it can reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include "kq_kernels.h"

#define MAX_ROWS 19
#define MAX_COLS 70

static uint32_t state = 12345u;

/* A small generator of its own, so the same values appear on every target. */
static uint32_t next(void)
{
    state = state * 1664525u + 1013904223u;
    return state >> 8;
}

/* Mostly random codes, one in four at the extremes, the worst case of every product. */
static int32_t code(int32_t lo, int32_t hi)
{
    const uint32_t r = next();
    if (r % 8 == 0) {
        return lo;
    }
    if (r % 8 == 1) {
        return hi;
    }
    return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1));
}

static unsigned long checked, wrong, layer_checked;
static int checking_layers; /* the layer kernels' values are counted apart from the dot products' sums */

static void expect(const char *kernel, size_t rows, size_t cols, size_t j, int64_t got, int64_t want)
{
    if (checking_layers) {
        layer_checked++;
    } else {
        checked++;
    }
    if (got != want) {
        if (wrong < 5) {
            printf("%s %lux%lu row %lu: got %lld, want %lld\n", kernel, (unsigned long)rows, (unsigned long)cols, (unsigned long)j,
                   (long long)got, (long long)want);
        }
        wrong++;
    }
}

#if defined(KQ_SSE2)
#define MAX_XCOLS 12

/*
 * The SSE2 layer kernels of kq_sse2.h (dot products and pre-activations in one pass) against the
 * scalar kernels of kq_kernels.h on the same sums: every z code and the clip count. One call per
 * kernel and shape; w and u hold rows x xcols and rows x hcols codes, scaled by wdiv and udiv.
 */
static void check_cells(size_t rows, size_t xcols, size_t hcols)
{
    static int16_t x16[MAX_XCOLS], h16[MAX_COLS], w16[MAX_ROWS * MAX_XCOLS], u16[MAX_ROWS * MAX_COLS], b16[MAX_ROWS], z16[MAX_ROWS];
    static int8_t x8[MAX_XCOLS], h8[MAX_COLS], w8[MAX_ROWS * MAX_XCOLS], u8[MAX_ROWS * MAX_COLS], b8[MAX_ROWS], z8[MAX_ROWS];
    static int8_t w8s[MAX_ROWS * MAX_XCOLS], u8s[MAX_ROWS * MAX_COLS];
    int kind;
    size_t i, j;
    for (i = 0; i < xcols; i++) {
        x16[i] = (int16_t)code(INT16_MIN, INT16_MAX);
        x8[i] = (int8_t)code(INT8_MIN, INT8_MAX);
    }
    for (i = 0; i < hcols; i++) {
        h16[i] = (int16_t)code(INT16_MIN, INT16_MAX);
        h8[i] = (int8_t)code(INT8_MIN, INT8_MAX);
    }
    for (j = 0; j < rows; j++) {
        b16[j] = (int16_t)code(INT16_MIN, INT16_MAX);
        b8[j] = (int8_t)code(INT8_MIN, INT8_MAX);
    }
    /* 0: q15 32-bit sum; 1: q15 64-bit sum of int32 products; 2: q15 64-bit recurrent product */
    for (kind = 0; kind < 3; kind++) {
        const int32_t wdiv = kind == 0 ? 4 * (int32_t)xcols : (int32_t)xcols, udiv = kind == 0 ? 4 * (int32_t)hcols : kind == 1 ? (int32_t)hcols : 1;
        const kq_preact_t p = {b16, 16, kind == 2 ? 3 : kind, 0, kind == 0 ? -2 : -11, kind == 0 ? 3 : 16, kind, 16, NULL};
        uint32_t got = 0, want = 0;
        for (i = 0; i < rows * xcols; i++) {
            w16[i] = (int16_t)(code(INT16_MIN, INT16_MAX) / wdiv);
        }
        for (i = 0; i < rows * hcols; i++) {
            u16[i] = (int16_t)(code(INT16_MIN, INT16_MAX) / udiv);
        }
        kq_cell_q15_sse2(x16, w16, xcols, h16, u16, hcols, rows, &p, z16, &got);
        for (j = 0; j < rows; j++) {
            int64_t ax = 0, ah = 0;
            int32_t z;
            for (i = 0; i < xcols; i++) {
                ax += (int64_t)x16[i] * w16[j * xcols + i];
            }
            for (i = 0; i < hcols; i++) {
                ah += (int64_t)h16[i] * u16[j * hcols + i];
            }
            z = kind == 0 ? kq_preact_s16_acc32((int32_t)ax, (int32_t)ah, b16[j], p.sx, p.sh, p.sb, p.sz, &want)
                          : kq_preact_s16_wide(ax, ah, b16[j], p.sx, p.sh, p.sb, p.sz, &want);
            expect(kind == 0 ? "kq_cell_q15_sse2 acc32" : kind == 1 ? "kq_cell_q15_sse2 acc64" : "kq_cell_q15_sse2 wide", rows, hcols, j, z16[j], z);
        }
        expect("kq_cell_q15_sse2 clips", rows, hcols, rows, got, want);
    }
    /* int8 weights: a16w8 (stored 0, 2, 1, 3) and q7 */
    for (i = 0; i < rows * xcols; i++) {
        w8[i] = (int8_t)code(INT8_MIN, INT8_MAX);
    }
    for (i = 0; i < rows * hcols; i++) {
        u8[i] = (int8_t)code(INT8_MIN, INT8_MAX);
    }
    for (j = 0; j < rows; j++) {
        for (i = 0; i < xcols; i++) {
            const size_t k = i < xcols - xcols % 4 && i % 4 == 1 ? i + 1 : i < xcols - xcols % 4 && i % 4 == 2 ? i - 1 : i;
            w8s[j * xcols + i] = w8[j * xcols + k];
        }
        for (i = 0; i < hcols; i++) {
            const size_t k = i < hcols - hcols % 4 && i % 4 == 1 ? i + 1 : i < hcols - hcols % 4 && i % 4 == 2 ? i - 1 : i;
            u8s[j * hcols + i] = u8[j * hcols + k];
        }
    }
    {
        static int32_t c[MAX_ROWS]; /* the constants the export would write for q */
        const kq_preact_t a = {b8, 8, 2, 0, -3, 9, 0, 16, NULL}, q = {b8, 8, 1, 0, -1, 6, 0, 8, c};
        uint32_t got = 0, want = 0, got8 = 0, want8 = 0;
        for (j = 0; j < rows; j++) {
            c[j] = kq_round_shift32_any(b8[j], q.sb) + (1 << (q.sz - 1));
        }
        kq_cell_a16w8_sse2(x16, w8s, xcols, h16, u8s, hcols, rows, &a, z16, &got);
        kq_cell_q7_sse2(x8, w8, xcols, h8, u8, hcols, rows, &q, z8, &got8);
        for (j = 0; j < rows; j++) {
            int32_t ax = 0, ah = 0, ax8 = 0, ah8 = 0;
            for (i = 0; i < xcols; i++) {
                ax += x16[i] * w8[j * xcols + i];
                ax8 += x8[i] * w8[j * xcols + i];
            }
            for (i = 0; i < hcols; i++) {
                ah += h16[i] * u8[j * hcols + i];
                ah8 += h8[i] * u8[j * hcols + i];
            }
            expect("kq_cell_a16w8_sse2", rows, hcols, j, z16[j], kq_preact_s16_acc32(ax, ah, b8[j], a.sx, a.sh, a.sb, a.sz, &want));
            expect("kq_cell_q7_sse2", rows, hcols, j, z8[j], kq_preact_s8_acc32(ax8, ah8, b8[j], q.sx, q.sh, q.sb, q.sz, &want8));
        }
        expect("kq_cell_a16w8_sse2 clips", rows, hcols, rows, got, want);
        expect("kq_cell_q7_sse2 clips", rows, hcols, rows, got8, want8);
    }
}

/*
 * kq_multiply_table_all_s16 against kq_multiply_table_s16 on every int16 code, for tables of
 * random entries over the negative codes (several steps, starts and extra bits) and clip
 * thresholds inside and outside the code range.
 */
static void check_selu(void)
{
    static int16_t entries[32768 / 2 + 2], z[65536 + 5], got[65536 + 5]; /* every table here: (0 - start) / 2^step + 2 entries at most */
    static const int steps[] = {1, 6, 9, 14}, extras[] = {0, 2, 5};
    static const int32_t starts[] = {-32768, -32384, -1000};
    size_t s, e, st, i;
    for (i = 0; i < 65536 + 5; i++) {
        z[i] = (int16_t)((int32_t)(i % 65536) - 32768);
    }
    for (s = 0; s < 4; s++) {
        for (e = 0; e < 3; e++) {
            for (st = 0; st < 3; st++) {
                const kq_table_s16_t t = {entries, starts[st], 0, 0, (uint8_t)steps[s], (uint8_t)extras[e], KQ_MIRROR_NONE};
                const int32_t sat_low = st == 1 ? -32769 : -20000, sat_high = st == 1 ? 31187 : 12345;
                uint32_t want = 0, all = 0;
                for (i = 0; i < sizeof entries / sizeof entries[0]; i++) {
                    entries[i] = (int16_t)code(INT16_MIN, INT16_MAX);
                }
                kq_multiply_table_all_s16(z, got, 65536 + 5, 1128181595, st == 2 ? 20 : 30, &t, sat_low, sat_high, &all);
                for (i = 0; i < 65536 + 5; i++) {
                    expect("kq_multiply_table_all_s16", 1, i, i, got[i],
                           kq_multiply_table_s16(z[i], 1128181595, st == 2 ? 20 : 30, &t, sat_low, sat_high, &want));
                }
                expect("kq_multiply_table_all_s16 clips", 1, 0, 0, all, want);
            }
        }
    }
}
#endif

int main(void)
{
    static int16_t x16[MAX_COLS], w16[MAX_ROWS * MAX_COLS], scratch[MAX_COLS];
    static int8_t x8[MAX_COLS], w8[MAX_ROWS * MAX_COLS], w8swapped[MAX_ROWS * MAX_COLS];
    static int32_t acc32[MAX_ROWS];
    static int64_t acc64[MAX_ROWS], want16[MAX_ROWS], want16x8[MAX_ROWS], want8[MAX_ROWS];
    size_t rows, cols, i, j;
    for (rows = 1; rows <= MAX_ROWS; rows++) {
        for (cols = 1; cols <= MAX_COLS; cols++) {
            for (i = 0; i < cols; i++) {
                x16[i] = (int16_t)code(INT16_MIN, INT16_MAX);
                x8[i] = (int8_t)code(INT8_MIN, INT8_MAX);
            }
            for (j = 0; j < rows; j++) {
                want16[j] = want16x8[j] = want8[j] = 0;
                for (i = 0; i < cols; i++) {
                    /* int16 weights small enough that every row's sum of |w| * 2^15 fits an int32 */
                    w16[j * cols + i] = (int16_t)(code(INT16_MIN, INT16_MAX) / (int32_t)cols);
                    w8[j * cols + i] = (int8_t)code(INT8_MIN, INT8_MAX);
                    want16x8[j] += (int64_t)x16[i] * w8[j * cols + i];
                    want8[j] += (int64_t)x8[i] * w8[j * cols + i];
                }
            }
            /* the a16w8 storage order: each whole group of four of a row as 0, 2, 1, 3 */
            for (j = 0; j < rows; j++) {
                for (i = 0; i < cols; i++) {
                    size_t k = i;
                    if (i < cols - cols % 4 && i % 4 == 1) {
                        k = i + 1;
                    } else if (i < cols - cols % 4 && i % 4 == 2) {
                        k = i - 1;
                    }
                    w8swapped[j * cols + i] = w8[j * cols + k];
                }
            }
            for (j = 0; j < rows; j++) {
                for (i = 0; i < cols; i++) {
                    want16[j] += (int64_t)x16[i] * w16[j * cols + i];
                }
            }
            kq_matvec_q15_acc32(x16, w16, acc32, rows, cols);
            for (j = 0; j < rows; j++) {
                expect("kq_matvec_q15_acc32", rows, cols, j, acc32[j], want16[j]);
            }
            /* full-range int16 weights for the 64-bit kernel, -32768 times -32768 included */
            for (j = 0; j < rows; j++) {
                want16[j] = 0;
                for (i = 0; i < cols; i++) {
                    w16[j * cols + i] = (int16_t)code(INT16_MIN, INT16_MAX);
                    want16[j] += (int64_t)x16[i] * w16[j * cols + i];
                }
            }
            kq_matvec_q15_acc64(x16, w16, acc64, rows, cols);
            for (j = 0; j < rows; j++) {
                expect("kq_matvec_q15_acc64", rows, cols, j, acc64[j], want16[j]);
            }
            kq_matvec_a16w8_acc32(x16, w8swapped, acc32, rows, cols, scratch);
            for (j = 0; j < rows; j++) {
                expect("kq_matvec_a16w8_acc32", rows, cols, j, acc32[j], want16x8[j]);
            }
            kq_matvec_q7_acc32(x8, w8, acc32, rows, cols, scratch);
            for (j = 0; j < rows; j++) {
                expect("kq_matvec_q7_acc32", rows, cols, j, acc32[j], want8[j]);
            }
#if defined(KQ_SSE2)
            if (cols <= MAX_XCOLS) {
                size_t hcols;
                checking_layers = 1;
                for (hcols = 1; hcols <= MAX_COLS; hcols += 3) {
                    check_cells(rows, cols, hcols);
                }
                checking_layers = 0;
            }
#endif
        }
    }
#if defined(KQ_SSE2)
    checking_layers = 1;
    check_selu();
    printf("kernel check, path %s: %lu sums, %lu wrong; layer kernels: %lu values\n", KQ_PATH, checked, wrong, layer_checked);
#else
    printf("kernel check, path %s: %lu sums, %lu wrong\n", KQ_PATH, checked, wrong);
#endif
    return wrong == 0 ? 0 : 1;
}
