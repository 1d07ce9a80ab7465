#ifndef ASRLENS_HALF_H
#define ASRLENS_HALF_H
#include <stddef.h>
#include <stdint.h>

/// IEEE binary16 bit patterns (host order) to float, exactly: with the CPU's F16C conversion
/// instruction where it has one, else in portable C.
void asrlens_widen_halves(const uint16_t *src, size_t count, float *dst);

#endif
