/* bfloat16 <-> float32, portable bit arithmetic (the same on every ISA; simple loops that the
 * compiler may vectorize). bfloat16 is the top half of a float32.
 *
 * Widening is exact: bits << 16. Narrowing rounds to nearest, ties to even, on the integer
 * bits, so subnormals are rounded like any other value (VCVTNEPS2BF16 treats subnormal inputs
 * as zero); a value that rounds past the largest finite bfloat16 becomes +-inf; a NaN keeps its
 * sign and top payload bits and is made quiet, so it can never round into an infinity. */
#include <stdint.h>
#include <string.h>
#include "kernels.h"

void sa_bf16_to_f32(const uint16_t *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u = (uint32_t)x[i] << 16;
        memcpy(&y[i], &u, sizeof u);
    }
}

void sa_f32_to_bf16(const float *x, uint16_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], sizeof u);
        if ((u & 0x7FFFFFFFu) > 0x7F800000u)
            y[i] = (uint16_t)((u >> 16) | 0x0040u);
        else
            y[i] = (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
    }
}
