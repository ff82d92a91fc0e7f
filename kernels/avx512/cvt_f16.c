/* float16 <-> float32 conversion with AVX-512F, 16 lanes (compiled with -mavx2 -mfma -mf16c
 * -mavx512f -mavx512dq -mavx512bw -mavx512vl). Same semantics as the F16C version: exact
 * widening, round-to-nearest-even narrowing (_MM_FROUND_TO_NEAREST_INT, MXCSR.RC ignored) with
 * subnormals kept and +-inf on overflow, NaN made quiet.
 * Tail (n % 16): through a zero-padded local buffer with the same instruction, so nothing
 * outside [0, n) is read or written. Bit-identical to sa_*__scalar (see scalar/cvt_f16.c). */
#include <immintrin.h>
#include <string.h>
#include "../kernels.h"

void sa_f16_to_f32__avx512(const uint16_t *x, float *y, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + i))));
    if (i < n) {
        uint16_t bx[16] = {0};
        float by[16];
        size_t r = n - i;
        memcpy(bx, x + i, r * sizeof *x);
        _mm512_storeu_ps(by, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)bx)));
        memcpy(y + i, by, r * sizeof *y);
    }
}

void sa_f32_to_f16__avx512(const float *x, uint16_t *y, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(y + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    if (i < n) {
        float bx[16] = {0};
        uint16_t by[16];
        size_t r = n - i;
        memcpy(bx, x + i, r * sizeof *x);
        _mm256_storeu_si256((__m256i *)by,
                            _mm512_cvtps_ph(_mm512_loadu_ps(bx), _MM_FROUND_TO_NEAREST_INT));
        memcpy(y + i, by, r * sizeof *y);
    }
}
