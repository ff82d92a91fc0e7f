/* float16 <-> float32 conversion with F16C, 8 lanes (compiled with -mavx2 -mfma -mf16c).
 * vcvtph2ps is exact (subnormal halves included, NaN made quiet); vcvtps2ph with
 * _MM_FROUND_TO_NEAREST_INT rounds to nearest even regardless of MXCSR.RC, produces float16
 * subnormals, overflows to +-inf.
 * Tail (n % 8): through a zero-padded local buffer with the same instruction, so nothing outside
 * [0, n) is read or written. Bit-identical to sa_*__scalar (see scalar/cvt_f16.c). */
#include <immintrin.h>
#include <string.h>
#include "../kernels.h"

void sa_f16_to_f32__avx2(const uint16_t *x, float *y, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))));
    if (i < n) {
        uint16_t bx[8] = {0};
        float by[8];
        size_t r = n - i;
        memcpy(bx, x + i, r * sizeof *x);
        _mm256_storeu_ps(by, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)bx)));
        memcpy(y + i, by, r * sizeof *y);
    }
}

void sa_f32_to_f16__avx2(const float *x, uint16_t *y, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(y + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    if (i < n) {
        float bx[8] = {0};
        uint16_t by[8];
        size_t r = n - i;
        memcpy(bx, x + i, r * sizeof *x);
        _mm_storeu_si128((__m128i *)by,
                         _mm256_cvtps_ph(_mm256_loadu_ps(bx), _MM_FROUND_TO_NEAREST_INT));
        memcpy(y + i, by, r * sizeof *y);
    }
}
