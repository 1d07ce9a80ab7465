#include "kernels.h"
#include <string.h>

#pragma STDC FP_CONTRACT OFF

// The portable conversion: normals by rebiasing the exponent, subnormals renormalised,
// infinities and NaNs keep their payload.
static float widen_one(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF, bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {
            uint32_t e = 127 - 15 + 1;
            while (!(mantissa & 0x400)) { mantissa <<= 1; e--; }
            bits = sign | (e << 23) | ((mantissa & 0x3FF) << 13);
        }
    } else if (exponent == 0x1F) {
        bits = sign | 0x7F800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static void widen_portable(const uint16_t *src, size_t n, float *dst) {
    for (size_t i = 0; i < n; i++) dst[i] = widen_one(src[i]);
}

// Dot products in sixteen lanes, summed lane by lane at the end, then the tail: one order of
// additions for every variant.
static float dot_portable(const uint16_t *e, const float *x, size_t n) {
    float lanes[16] = {0};
    size_t c = 0;
    for (; c + 16 <= n; c += 16)
        for (int l = 0; l < 16; l++) lanes[l] += widen_one(e[c + l]) * x[c + l];
    float sum = 0;
    for (int l = 0; l < 16; l++) sum += lanes[l];
    for (; c < n; c++) sum += widen_one(e[c]) * x[c];
    return sum;
}

#if defined(__x86_64__)
#include <immintrin.h>

// Every AVX2 CPU has F16C, whose conversion is exact (it only quiets signalling NaNs, which a
// weight never is: the loader rejects non-finite weights).
__attribute__((target("avx2,f16c")))
static void widen_f16c(const uint16_t *src, size_t n, float *dst) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = widen_one(src[i]);
}

__attribute__((target("avx2,f16c")))
static float dot_f16c(const uint16_t *e, const float *x, size_t n) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
    size_t c = 0;
    for (; c + 16 <= n; c += 16) {
        lo = _mm256_add_ps(lo, _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(e + c))), _mm256_loadu_ps(x + c)));
        hi = _mm256_add_ps(hi, _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(e + c + 8))), _mm256_loadu_ps(x + c + 8)));
    }
    float lanes[16];
    _mm256_storeu_ps(lanes, lo);
    _mm256_storeu_ps(lanes + 8, hi);
    float sum = 0;
    for (int l = 0; l < 16; l++) sum += lanes[l];
    for (; c < n; c++) sum += widen_one(e[c]) * x[c];
    return sum;
}

static int has_f16c(void) { return __builtin_cpu_supports("avx2"); }
#else
static int has_f16c(void) { return 0; }
#endif

void asrlens_widen_halves(const uint16_t *src, size_t count, float *dst) {
#if defined(__x86_64__)
    if (has_f16c()) { widen_f16c(src, count, dst); return; }
#endif
    widen_portable(src, count, dst);
}

void asrlens_half_gemv(const uint16_t *e, size_t rows, size_t cols, const float *x, float *y) {
#if defined(__x86_64__)
    if (has_f16c()) {
        for (size_t r = 0; r < rows; r++) y[r] = dot_f16c(e + r * cols, x, cols);
        return;
    }
#endif
    for (size_t r = 0; r < rows; r++) y[r] = dot_portable(e + r * cols, x, cols);
}
