#include "kernels.h"
#include "lanes.h"
#include <math.h>

#pragma STDC FP_CONTRACT OFF
#pragma clang diagnostic ignored "-Wpsabi"

// Every output column is its own chain p[0]·v[0] + p[1]·v[1] + … (fused, onto zero), so
// computing columns sixteen or sixty-four at a time, or queries four at a time, changes no
// result: a query's output is the same alone or beside others, on any CPU.

// Q queries (probabilities `ldp` apart, outputs `ldo` apart) sharing the value rows: 64 columns
// at a time, Q·4 chains in registers, each value row loaded once for all Q.
static inline __attribute__((always_inline))
void weighted_sums_q(int Q, const float *p, size_t ldp, size_t m, const float *v, size_t ldv, size_t cols,
                     float *out, size_t ldo) {
    size_t c = 0;
    for (; c + 64 <= cols; c += 64) {
        v16 acc[4][4];
        for (int q = 0; q < Q; q++)
            for (int b = 0; b < 4; b++) acc[q][b] = (v16){0};
        for (size_t j = 0; j < m; j++) {
            const float *row = v + j * ldv + c;
            v16 vb[4];
            for (int b = 0; b < 4; b++) vb[b] = load_floats(row, 16 * b);
            for (int q = 0; q < Q; q++) {
                const v16 pj = splat(p[q * ldp + j]);
                for (int b = 0; b < 4; b++) acc[q][b] = __builtin_elementwise_fma(pj, vb[b], acc[q][b]);
            }
        }
        for (int q = 0; q < Q; q++)
            for (int b = 0; b < 4; b++) store_floats(out + q * ldo + c + 16 * b, acc[q][b]);
    }
    for (; c + 16 <= cols; c += 16)
        for (int q = 0; q < Q; q++) {
            v16 a = {0};
            for (size_t j = 0; j < m; j++) a = __builtin_elementwise_fma(splat(p[q * ldp + j]), load_floats(v + j * ldv + c, 0), a);
            store_floats(out + q * ldo + c, a);
        }
    for (; c < cols; c++)
        for (int q = 0; q < Q; q++) {
            float a = 0;
            for (size_t j = 0; j < m; j++) a = fmaf(p[q * ldp + j], v[j * ldv + c], a);
            out[q * ldo + c] = a;
        }
}

static inline __attribute__((always_inline))
void weighted_sums_with(const float *p, size_t ldp, size_t n, size_t m, const float *v, size_t ldv, size_t cols,
                        float *out, size_t ldo) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) weighted_sums_q(4, p + i * ldp, ldp, m, v, ldv, cols, out + i * ldo, ldo);
    for (; i < n; i++) weighted_sums_q(1, p + i * ldp, ldp, m, v, ldv, cols, out + i * ldo, ldo);
}

#define VARIANT(name, target)                                                                              \
    target static void name(const float *p, size_t ldp, size_t n, size_t m, const float *v, size_t ldv,   \
                            size_t cols, float *out, size_t ldo) {                                         \
        weighted_sums_with(p, ldp, n, m, v, ldv, cols, out, ldo);                                          \
    }

VARIANT(weighted_sums_portable, )
#if defined(__x86_64__)
VARIANT(weighted_sums_avx512, __attribute__((target("avx512f"))))
VARIANT(weighted_sums_avx2, __attribute__((target("avx2,fma"))))
#endif

void asrlens_weighted_sums(const float *p, size_t ldp, size_t n, size_t m, const float *v, size_t ldv, size_t cols,
                           float *out, size_t ldo) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) { weighted_sums_avx512(p, ldp, n, m, v, ldv, cols, out, ldo); return; }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) { weighted_sums_avx2(p, ldp, n, m, v, ldv, cols, out, ldo); return; }
#endif
    weighted_sums_portable(p, ldp, n, m, v, ldv, cols, out, ldo);
}
