#include "kernels.h"
#include <stdint.h>
#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

static inline float from_bits(uint32_t b) { float f; memcpy(&f, &b, sizeof f); return f; }
static inline uint32_t to_bits(float f) { uint32_t b; memcpy(&b, &f, sizeof b); return b; }

// e^x, Cephes expf: range reduction by ln 2, degree-6 polynomial; rounding and the float→int
// step by the 1.5·2²³ trick, so the loop has no calls or branches and vectorises.
static inline float cephes_exp(float x) {
    x = x < -87.3f ? -87.3f : x;
    x = x > 88.3f ? 88.3f : x;
    const float magic = 12582912.0f;   // 1.5 · 2^23
    float shifted = x * 1.44269504088896341f + magic;
    float n = shifted - magic;          // round-to-nearest(x / ln 2)
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    // The low mantissa bits of `shifted` hold n; move n + 127 into the exponent field.
    return p * from_bits((to_bits(shifted) - (0x4B400000u - 127u)) << 23);
}

// erf by Abramowitz–Stegun 7.1.26 (max error 1.5e-7), the approximation CTranslate2 uses.
static inline float as_erf(float x) {
    float a = x < 0 ? -x : x;
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float y = 1.061405429f;
    y = y * t - 1.453152027f;
    y = y * t + 1.421413741f;
    y = y * t - 0.284496736f;
    y = y * t + 0.254829592f;
    float r = 1.0f - y * t * cephes_exp(-(a * a));
    return from_bits(to_bits(r) | (to_bits(x) & 0x80000000u));
}

CLONES void asrlens_softmax(float *row, size_t n) {
    if (n == 0) return;
    float lanes[16];
    for (int l = 0; l < 16; l++) lanes[l] = -3.40282347e38f;
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] = row[i + l] > lanes[l] ? row[i + l] : lanes[l];
    float m = -3.40282347e38f;
    for (int l = 0; l < 16; l++) m = lanes[l] > m ? lanes[l] : m;
    for (; i < n; i++) m = row[i] > m ? row[i] : m;

    for (size_t j = 0; j < n; j++) row[j] = cephes_exp(row[j] - m);

    for (int l = 0; l < 16; l++) lanes[l] = 0;
    for (i = 0; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += row[i + l];
    float sum = 0;
    for (int l = 0; l < 16; l++) sum += lanes[l];
    for (; i < n; i++) sum += row[i];

    float inv = 1.0f / sum;
    for (size_t j = 0; j < n; j++) row[j] *= inv;
}

CLONES void asrlens_gelu(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + as_erf(v * 0.70710678118654752f));
    }
}

CLONES void asrlens_log_softmax(const float *x, size_t n, float *out) {
    if (n == 0) return;
    float m = x[0];
    for (size_t i = 1; i < n; i++) m = x[i] > m ? x[i] : m;
    for (size_t i = 0; i < n; i++) out[i] = cephes_exp(x[i] - m);
    // Summed in double, in sixteen lanes of fixed order: one float32 sum of 51,864 terms drops
    // every term below half an ulp of the running total, and the lost tail (up to 5e-4 of the
    // probabilities, found by a trial against float64) made every probability too high.
    double lanes[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += (double)out[i + l];
    double sum = 0;
    for (int l = 0; l < 16; l++) sum += lanes[l];
    for (; i < n; i++) sum += (double)out[i];
    double lse = (double)m + log(sum);
    for (size_t j = 0; j < n; j++) out[j] = (float)((double)x[j] - lse);
}
