#include "kernels.h"
#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
// The 16-lane helpers below are static and inlined into each variant: no call crosses an ABI.
#pragma clang diagnostic ignored "-Wpsabi"

// Sixteen lanes: one vector on AVX-512, two on AVX2, scalar code elsewhere. Column c always falls
// in lane c mod 16 and every step is a fused multiply-add, so the order of operations, and the
// result, is the same on every variant and for any number of rows.
typedef float v16 __attribute__((vector_size(64)));
typedef v16 (*load16_fn)(const void *rows, size_t at);

static inline v16 load_floats(const void *rows, size_t at) {
    v16 v;
    memcpy(&v, (const float *)rows + at, sizeof v);
    return v;
}

static inline float half_at(const void *rows, size_t at) {
    float f;
    asrlens_widen_halves((const uint16_t *)rows + at, 1, &f);
    return f;
}

static inline float element(const void *rows, int half, size_t at) {
    return half ? half_at(rows, at) : ((const float *)rows)[at];
}

// R vocabulary rows (`cols` apart) against N input rows (`cols` apart): R·N dot products sharing
// their loads, each ending with its lanes summed 0…15 and then the columns past the last 16.
static inline __attribute__((always_inline))
void tile(load16_fn load, int half, int R, int N, const void *e, size_t r0, size_t cols,
          const float *x, float *y, size_t ldy) {
    v16 acc[4][4];
    for (int r = 0; r < R; r++)
        for (int i = 0; i < N; i++) acc[r][i] = (v16){0};
    size_t c = 0;
    for (; c + 16 <= cols; c += 16)
        for (int r = 0; r < R; r++) {
            v16 ev = load(e, (r0 + r) * cols + c);
            for (int i = 0; i < N; i++)
                acc[r][i] = __builtin_elementwise_fma(ev, load_floats(x, i * cols + c), acc[r][i]);
        }
    for (int r = 0; r < R; r++)
        for (int i = 0; i < N; i++) {
            float sum = 0;
            for (int l = 0; l < 16; l++) sum += acc[r][i][l];
            for (size_t k = c; k < cols; k++) sum = fmaf(element(e, half, (r0 + r) * cols + k), x[i * cols + k], sum);
            y[i * ldy + r0 + r] = sum;
        }
}

// Tiles of RT vocabulary rows × NT inputs (RT, NT ≤ 4), then the edges. AVX-512 takes 4 × 4:
// 16 accumulators within its 32 registers; AVX2, with 16 registers of half the width, 2 × 2.
static inline __attribute__((always_inline))
void rows_dot_with(load16_fn load, int half, int RT, int NT, const void *e, size_t rows, size_t cols,
                   const float *x, size_t n, float *y, size_t ldy) {
    size_t r = 0;
    for (; r + RT <= rows; r += RT) {
        size_t i = 0;
        for (; i + NT <= n; i += NT) tile(load, half, RT, NT, e, r, cols, x + i * cols, y + i * ldy, ldy);
        for (; i < n; i++) tile(load, half, RT, 1, e, r, cols, x + i * cols, y + i * ldy, ldy);
    }
    for (; r < rows; r++)
        for (size_t i = 0; i < n; i++) tile(load, half, 1, 1, e, r, cols, x + i * cols, y + i * ldy, ldy);
}

static v16 load_halves_portable(const void *rows, size_t at) {
    float f[16];
    asrlens_widen_halves((const uint16_t *)rows + at, 16, f);
    return load_floats(f, 0);
}

static void rows_dot_portable(const void *e, int half, size_t rows, size_t cols, const float *x, size_t n, float *y, size_t ldy) {
    if (half) rows_dot_with(load_halves_portable, 1, 2, 2, e, rows, cols, x, n, y, ldy);
    else rows_dot_with(load_floats, 0, 2, 2, e, rows, cols, x, n, y, ldy);
}

#if defined(__x86_64__)
#include <immintrin.h>

// F16C's conversion is exact (it only quiets signalling NaNs, which a weight never is).
__attribute__((target("avx512f")))
static inline v16 load_halves_avx512(const void *rows, size_t at) {
    return (v16)_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)rows + at)));
}

__attribute__((target("avx512f")))
static void rows_dot_avx512(const void *e, int half, size_t rows, size_t cols, const float *x, size_t n, float *y, size_t ldy) {
    if (half) rows_dot_with(load_halves_avx512, 1, 4, 4, e, rows, cols, x, n, y, ldy);
    else rows_dot_with(load_floats, 0, 4, 4, e, rows, cols, x, n, y, ldy);
}

__attribute__((target("avx2,fma,f16c")))
static inline v16 load_halves_avx2(const void *rows, size_t at) {
    const uint16_t *p = (const uint16_t *)rows + at;
    __m256 lo = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
    __m256 hi = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 8)));
    v16 v;
    memcpy(&v, &lo, 32);
    memcpy((char *)&v + 32, &hi, 32);
    return v;
}

__attribute__((target("avx2,fma,f16c")))
static void rows_dot_avx2(const void *e, int half, size_t rows, size_t cols, const float *x, size_t n, float *y, size_t ldy) {
    if (half) rows_dot_with(load_halves_avx2, 1, 2, 2, e, rows, cols, x, n, y, ldy);
    else rows_dot_with(load_floats, 0, 2, 2, e, rows, cols, x, n, y, ldy);
}
#endif

void asrlens_rows_dot(const void *e, int half, size_t rows, size_t cols,
                      const float *x, size_t n, float *y, size_t ldy) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) { rows_dot_avx512(e, half, rows, cols, x, n, y, ldy); return; }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) { rows_dot_avx2(e, half, rows, cols, x, n, y, ldy); return; }
#endif
    rows_dot_portable(e, half, rows, cols, x, n, y, ldy);
}
