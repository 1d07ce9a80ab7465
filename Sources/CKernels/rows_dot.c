#include "kernels.h"
#include "lanes.h"
#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
// The 16-lane helpers below are static and inlined into each variant: no call crosses an ABI.
#pragma clang diagnostic ignored "-Wpsabi"

// Column c always falls in lane c mod 16 and every step is a fused multiply-add, so the order of
// operations, and the result, is the same on every variant and for any number of rows.
typedef v16 (*load16_fn)(const void *rows, size_t at);

static inline float half_at(const void *rows, size_t at) {
    float f;
    asrlens_widen_halves((const uint16_t *)rows + at, 1, &f);
    return f;
}

static inline float element(const void *rows, int half, size_t at) {
    return half ? half_at(rows, at) : ((const float *)rows)[at];
}

// Sixteen accumulators' lane sums at once: transposed (v[l][p] = lane l of accumulator p, by
// swapping ever smaller off-diagonal blocks), then added lane by lane: each sum is 0 + lane 0 +
// lane 1 + … + lane 15, in that order, exactly as one accumulator summed alone. Unrolled, so the
// sixteen vectors stay in registers instead of going through memory between stages.
static inline __attribute__((always_inline)) v16 lane_sums16(v16 v[16]) {
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 16; i++)
        if (!(i & 8)) {
            v16 a = v[i], b = v[i + 8];
            v[i] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
            v[i + 8] = __builtin_shufflevector(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
        }
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 16; i++)
        if (!(i & 4)) {
            v16 a = v[i], b = v[i + 4];
            v[i] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
            v[i + 4] = __builtin_shufflevector(a, b, 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
        }
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 16; i++)
        if (!(i & 2)) {
            v16 a = v[i], b = v[i + 2];
            v[i] = __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
            v[i + 2] = __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        }
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 16; i++)
        if (!(i & 1)) {
            v16 a = v[i], b = v[i + 1];
            v[i] = __builtin_shufflevector(a, b, 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
            v[i + 1] = __builtin_shufflevector(a, b, 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
        }
    v16 sums = (v16){0};
    _Pragma("clang loop unroll(full)")
    for (int l = 0; l < 16; l++) sums = sums + v[l];
    return sums;
}

// R rows of e (`lde` apart, from row r0) against N input rows (`ldx` apart): R·N dot products
// of `cols` columns sharing their loads, each ending with its lanes summed 0…15 and then the
// columns past the last 16. Output i of row r0 + r goes to y[i·ldy + r].
static inline __attribute__((always_inline))
void tile(load16_fn load, int half, int R, int N, const void *e, size_t r0, size_t cols, size_t lde,
          const float *x, size_t ldx, float *y, size_t ldy) {
    v16 acc[16];   // accumulator of vocabulary row r and input i at r·N + i
    // Fully unrolled, so the accumulators live in registers: left to its own heuristics clang
    // kept the float16 16 × 1 tile's on the stack, a load and a store around every FMA.
    _Pragma("clang loop unroll(full)")
    for (int p = 0; p < R * N; p++) acc[p] = (v16){0};
    size_t c = 0;
    for (; c + 16 <= cols; c += 16)
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < R; r++) {
            v16 ev = load(e, (r0 + r) * lde + c);
            _Pragma("clang loop unroll(full)")
            for (int i = 0; i < N; i++)
                acc[r * N + i] = __builtin_elementwise_fma(ev, load_floats(x, i * ldx + c), acc[r * N + i]);
        }
    float sums[16];
    if (R * N == 16) {
        v16 all = lane_sums16(acc);
        memcpy(sums, &all, sizeof sums);
    } else {
        for (int p = 0; p < R * N; p++) {
            sums[p] = 0;
            for (int l = 0; l < 16; l++) sums[p] += acc[p][l];
        }
    }
    for (int r = 0; r < R; r++)
        for (int i = 0; i < N; i++) {
            float sum = sums[r * N + i];
            for (size_t k = c; k < cols; k++) sum = fmaf(element(e, half, (r0 + r) * lde + k), x[i * ldx + k], sum);
            y[i * ldy + r] = sum;
        }
}

// RT rows from r0 against every input: tiles of NT inputs, then the last inputs as one more full
// tile, filled up with copies of the last input (`padded`, or one input at a time without it),
// whose extra outputs are dropped. Every accumulator sums alone, so padding changes no result.
static inline __attribute__((always_inline))
void row_block(load16_fn load, int half, int RT, int NT, const void *e, size_t r0, size_t cols, size_t lde,
               const float *x, size_t ldx, size_t n, const float *padded, float *y, size_t ldy) {
    size_t i = 0;
    for (; i + NT <= n; i += NT) tile(load, half, RT, NT, e, r0, cols, lde, x + i * ldx, ldx, y + i * ldy, ldy);
    if (i == n) return;
    if (padded) {
        float out[16];
        tile(load, half, RT, NT, e, r0, cols, lde, padded, cols, out, RT);
        for (size_t j = 0; i + j < n; j++)
            for (int r = 0; r < RT; r++) y[(i + j) * ldy + r] = out[j * RT + r];
    } else {
        for (; i < n; i++) tile(load, half, RT, 1, e, r0, cols, lde, x + i * ldx, ldx, y + i * ldy, ldy);
    }
}

// Tiles of RT vocabulary rows × NT inputs (RT·NT ≤ 16), then the rows past the last tile.
// Float16 rows met by several input tiles are widened once into a block of floats that stays in
// L1, instead of once per tile: the widening is exact, so the sums are the same.
static inline __attribute__((always_inline))
void rows_dot_with(load16_fn load, int half, int RT, int NT, const void *e, size_t rows, size_t cols, size_t lde,
                   const float *x, size_t ldx, size_t n, float *y, size_t ldy) {
    enum { capacity = 4 * 2048 };   // 32 KiB each: four rows of up to 2,048 columns
    float widened[capacity], padding[capacity];
    const int rewiden = half && n > (size_t)NT && RT * cols <= capacity;
    const size_t rest = n % NT;
    const float *padded = NULL;
    if (rest && NT * cols <= capacity) {
        for (size_t j = 0; j < (size_t)NT; j++)
            memcpy(padding + j * cols, x + (j < rest ? n - rest + j : n - 1) * ldx, cols * sizeof(float));
        padded = padding;
    }
    size_t r = 0;
    for (; r + RT <= rows; r += RT) {
        if (rewiden) {
            for (int b = 0; b < RT; b++) {
                const uint16_t *row = (const uint16_t *)e + (r + b) * lde;
                float *to = widened + b * cols;
                size_t k = 0;
                for (; k + 16 <= cols; k += 16) {
                    v16 v = load(row, k);
                    memcpy(to + k, &v, sizeof v);
                }
                for (; k < cols; k++) to[k] = half_at(row, k);
            }
            // The loads stay direct calls of known functions, so they inline (no ABI crossing).
            row_block(load_floats, 0, RT, NT, widened, 0, cols, cols, x, ldx, n, padded, y + r, ldy);
        } else {
            row_block(load, half, RT, NT, e, r, cols, lde, x, ldx, n, padded, y + r, ldy);
        }
    }
    for (; r < rows; r++)
        for (size_t i = 0; i < n; i++) tile(load, half, 1, 1, e, r, cols, lde, x + i * ldx, ldx, y + i * ldy + r, ldy);
}

// The tile shape for n inputs on AVX-512, always sixteen accumulators: 16 rows × 1 input for a
// decoding step, 8 × 2, else 4 × 4.
#define ROWS_DOT_16(load, half)                                                             \
    do {                                                                                    \
        if (n == 1) rows_dot_with(load, half, 16, 1, e, rows, cols, lde, x, ldx, n, y, ldy);     \
        else if (n == 2) rows_dot_with(load, half, 8, 2, e, rows, cols, lde, x, ldx, n, y, ldy); \
        else rows_dot_with(load, half, 4, 4, e, rows, cols, lde, x, ldx, n, y, ldy);             \
    } while (0)

static v16 load_halves_portable(const void *rows, size_t at) {
    float f[16];
    asrlens_widen_halves((const uint16_t *)rows + at, 16, f);
    return load_floats(f, 0);
}

static void rows_dot_portable(const void *e, int half, size_t rows, size_t cols, size_t lde, const float *x, size_t ldx, size_t n, float *y, size_t ldy) {
    if (half) rows_dot_with(load_halves_portable, 1, 2, 2, e, rows, cols, lde, x, ldx, n, y, ldy);
    else rows_dot_with(load_floats, 0, 2, 2, e, rows, cols, lde, x, ldx, n, y, ldy);
}

#if defined(__x86_64__)
#include <immintrin.h>

// F16C's conversion is exact (it only quiets signalling NaNs, which a weight never is).
__attribute__((target("avx512f")))
static inline v16 load_halves_avx512(const void *rows, size_t at) {
    return (v16)_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)rows + at)));
}

__attribute__((target("avx512f")))
static void rows_dot_avx512(const void *e, int half, size_t rows, size_t cols, size_t lde, const float *x, size_t ldx, size_t n, float *y, size_t ldy) {
    if (half) ROWS_DOT_16(load_halves_avx512, 1);
    else ROWS_DOT_16(load_floats, 0);
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
static void rows_dot_avx2(const void *e, int half, size_t rows, size_t cols, size_t lde, const float *x, size_t ldx, size_t n, float *y, size_t ldy) {
    if (half) rows_dot_with(load_halves_avx2, 1, 2, 2, e, rows, cols, lde, x, ldx, n, y, ldy);
    else rows_dot_with(load_floats, 0, 2, 2, e, rows, cols, lde, x, ldx, n, y, ldy);
}
#endif

void asrlens_rows_dot(const void *e, int half, size_t rows, size_t cols,
                      const float *x, size_t n, float *y, size_t ldy) {
    asrlens_rows_dot_strided(e, half, rows, cols, cols, x, cols, n, y, ldy);
}

void asrlens_rows_dot_strided(const void *e, int half, size_t rows, size_t cols, size_t lde,
                              const float *x, size_t ldx, size_t n, float *y, size_t ldy) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) { rows_dot_avx512(e, half, rows, cols, lde, x, ldx, n, y, ldy); return; }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) { rows_dot_avx2(e, half, rows, cols, lde, x, ldx, n, y, ldy); return; }
#endif
    rows_dot_portable(e, half, rows, cols, lde, x, ldx, n, y, ldy);
}

int asrlens_rows_dot_variant(int variant, const void *e, int half, size_t rows, size_t cols, size_t lde,
                             const float *x, size_t ldx, size_t n, float *y, size_t ldy) {
    switch (variant) {
    case 0: rows_dot_portable(e, half, rows, cols, lde, x, ldx, n, y, ldy); return 0;
#if defined(__x86_64__)
    case 1:
        if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return -1;
        rows_dot_avx2(e, half, rows, cols, lde, x, ldx, n, y, ldy);
        return 0;
    case 2:
        if (!__builtin_cpu_supports("avx512f")) return -1;
        rows_dot_avx512(e, half, rows, cols, lde, x, ldx, n, y, ldy);
        return 0;
#endif
    default: return -1;
    }
}
