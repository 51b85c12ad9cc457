/*
 * kernel_check.c - the dot-product kernels of kq_matvec_*.h against a naive 64-bit sum, on every
 * shape from 1 x 1 to 19 x 70 and on weights and inputs at the extremes of their types, through
 * whichever code path the compiler selects (KQ_PATH). Prints one line; exit code 0 when every
 * sum matches. Built and run by kquant.export.KernelCheckTest for every path it can reach.
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

static unsigned long checked, wrong;

static void expect(const char *kernel, size_t rows, size_t cols, size_t j, int64_t got, int64_t want)
{
    checked++;
    if (got != want) {
        if (wrong < 5) {
            printf("%s %lux%lu row %lu: got %lld, want %lld\n", kernel, (unsigned long)rows, (unsigned long)cols, (unsigned long)j,
                   (long long)got, (long long)want);
        }
        wrong++;
    }
}

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
        }
    }
    printf("kernel check, path %s: %lu sums, %lu wrong\n", KQ_PATH, checked, wrong);
    return wrong == 0 ? 0 : 1;
}
