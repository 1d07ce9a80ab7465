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
