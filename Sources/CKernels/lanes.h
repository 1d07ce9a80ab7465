#ifndef ASRLENS_LANES_H
#define ASRLENS_LANES_H
#include <stddef.h>
#include <string.h>

// Sixteen float lanes: one vector on AVX-512, two on AVX2, scalar code elsewhere. The kernels
// that use it are static, inlined into one function per CPU variant, so no call passes a v16
// across an ABI boundary.
typedef float v16 __attribute__((vector_size(64)));

static inline v16 load_floats(const void *rows, size_t at) {
    v16 v;
    memcpy(&v, (const float *)rows + at, sizeof v);
    return v;
}

static inline void store_floats(float *to, v16 v) { memcpy(to, &v, sizeof v); }

static inline v16 splat(float f) { return (v16){0} + f; }

#endif
