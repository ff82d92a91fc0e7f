/* float16 <-> float32 conversion, portable bit arithmetic (no FP operations, so no FP flags and
 * no dependence on the rounding mode or FTZ/DAZ). Bit-identical to F16C's vcvtph2ps /
 * vcvtps2ph with imm = _MM_FROUND_TO_NEAREST_INT (checked for all 2^16 halves and a large set of
 * float32 bit patterns, including every NaN class):
 *   widening: exact, subnormal halves normalised, +-inf kept, NaN -> quiet NaN with the payload
 *             shifted up (a signalling NaN gets its quiet bit set).
 *   narrowing: round to nearest, ties to even; results below 2^-14 become float16 subnormals
 *             (correctly rounded), |x| >= 65520 -> +-inf, NaN -> quiet NaN keeping the top 9
 *             payload bits (quiet bit set), sign always kept (-0 -> -0).
 */
#include <stdint.h>
#include <string.h>
#include "../kernels.h"

static inline float bits_to_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t f32_to_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline uint32_t half_to_single_bits(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1Fu;
    uint32_t m = h & 0x3FFu;
    if (e == 0x1F) /* inf, NaN (made quiet) */
        return sign | 0x7F800000u | (m << 13) | (m ? 0x00400000u : 0u);
    if (e != 0) /* normal: rebias 15 -> 127 */
        return sign | ((e + 112u) << 23) | (m << 13);
    if (m == 0)
        return sign;
    /* subnormal: m * 2^-24, normalise so the leading 1 is bit 10 */
    uint32_t ex = 113; /* biased float32 exponent of 2^-14 */
    while (!(m & 0x400u)) {
        m <<= 1;
        ex--;
    }
    return sign | (ex << 23) | ((m & 0x3FFu) << 13);
}

static inline uint16_t single_to_half_bits(uint32_t u)
{
    uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t a = u & 0x7FFFFFFFu;
    if (a > 0x7F800000u) /* NaN: quiet, top payload bits */
        return (uint16_t)(sign | 0x7E00u | ((a >> 13) & 0x3FFu));
    if (a >= 0x477FF000u) /* >= 65520 (half-way above 65504) or inf */
        return (uint16_t)(sign | 0x7C00u);
    if (a >= 0x38800000u) { /* normal half: rebias, round to nearest even on the 13 dropped bits */
        uint32_t r = (a - 0x38000000u + 0x0FFFu + ((a >> 13) & 1u)) >> 13;
        return (uint16_t)(sign | r);
    }
    if (a <= 0x33000000u) /* <= 2^-25 (exactly 2^-25 is a tie: even 0) -> +-0 */
        return (uint16_t)sign;
    /* subnormal half: round(m * 2^(e - 126)) with e the biased exponent, shift in [14, 24] */
    uint32_t e = a >> 23;
    uint32_t m = (a & 0x7FFFFFu) | 0x800000u;
    uint32_t s = 126u - e;
    uint32_t q = m >> s;
    uint32_t rem = m & ((1u << s) - 1u);
    uint32_t half = 1u << (s - 1u);
    if (rem > half || (rem == half && (q & 1u)))
        q++;
    return (uint16_t)(sign | q);
}

void sa_f16_to_f32__scalar(const uint16_t *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = bits_to_f32(half_to_single_bits(x[i]));
}

void sa_f32_to_f16__scalar(const float *x, uint16_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = single_to_half_bits(f32_to_bits(x[i]));
}
