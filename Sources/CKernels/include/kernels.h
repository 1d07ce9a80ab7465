#ifndef ASRLENS_KERNELS_H
#define ASRLENS_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// Element-wise and memory-bound kernels, compiled for the CPU that runs them (AVX-512 or AVX2,
// chosen when the program loads; the Swift targets are compiled for AVX2 only). Floating-point
// expressions are never contracted into FMAs, so every variant gives the same bits.

/// IEEE binary16 bit patterns (host order) to float, exactly.
void asrlens_widen_halves(const uint16_t *src, size_t count, float *dst);

/// y[r] = sum over c of e[r, c] · x[c], for binary16 rows e [rows, cols] (row-major).
void asrlens_half_gemv(const uint16_t *e, size_t rows, size_t cols, const float *x, float *y);

/// Softmax of one row in place: subtract the max, exponentiate (Cephes expf), scale by 1/sum.
void asrlens_softmax(float *row, size_t count);

/// GELU with the erf form (Abramowitz–Stegun 7.1.26), in place.
void asrlens_gelu(float *x, size_t count);

/// log-softmax of a vector: x − max − log Σ e^(x − max), the sum taken in order.
void asrlens_log_softmax(const float *x, size_t count, float *out);

#endif
