#ifndef ASRLENS_KERNELS_H
#define ASRLENS_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// Element-wise and memory-bound kernels, compiled for the CPU that runs them (AVX-512 or AVX2,
// chosen when the program loads; the Swift targets are compiled for AVX2 only). Floating-point
// expressions are never contracted into FMAs behind our back, and where a kernel fuses it does
// so on every variant, so every variant gives the same bits.

/// IEEE binary16 bit patterns (host order) to float, exactly.
void asrlens_widen_halves(const uint16_t *src, size_t count, float *dst);

/// y[i·ldy + r] = Σ_c e[r, c] · x[i, c] for rows e [rows, cols] (binary16 bit patterns when
/// `half`, else float) and inputs x [n, cols], both row-major. Every element is summed in one
/// order whatever n, rows or the CPU, so a row's product alone equals its product in a batch.
/// Each is sixteen lanes of fused multiply-adds, the lanes summed in order, then the tail.
void asrlens_rows_dot(const void *e, int half, size_t rows, size_t cols,
                      const float *x, size_t n, float *y, size_t ldy);

/// `asrlens_rows_dot` on rows of e `lde` elements apart and inputs `ldx` apart (head slices of
/// attention's Q and K), with the same order of summation.
void asrlens_rows_dot_strided(const void *e, int half, size_t rows, size_t cols, size_t lde,
                              const float *x, size_t ldx, size_t n, float *y, size_t ldy);

/// `asrlens_rows_dot_strided` on one variant: 0 portable, 1 AVX2, 2 AVX-512. Returns 0, or -1
/// without computing when this CPU lacks the variant. For tests that hold the variants to the
/// same bits.
int asrlens_rows_dot_variant(int variant, const void *e, int half, size_t rows, size_t cols, size_t lde,
                             const float *x, size_t ldx, size_t n, float *y, size_t ldy);

/// out[i·ldo + c] = Σ_{j<m} p[i·ldp + j]·v[j·ldv + c] for n queries i and c < cols: each output
/// one chain of fused multiply-adds in j order onto zero, so it does not depend on the CPU, the
/// vector width, or the other queries. Attention's probability-weighted sum of values.
void asrlens_weighted_sums(const float *p, size_t ldp, size_t n, size_t m, const float *v, size_t ldv, size_t cols,
                           float *out, size_t ldo);

/// Softmax of one row in place: subtract the max, exponentiate (Cephes expf), scale by 1/sum.
void asrlens_softmax(float *row, size_t count);

/// GELU with the erf form (Abramowitz–Stegun 7.1.26), in place.
void asrlens_gelu(float *x, size_t count);

/// log-softmax of a vector: x − max − log Σ e^(x − max), the sum in double (16 lanes, fixed order).
void asrlens_log_softmax(const float *x, size_t count, float *out);

#endif
