/* float32 gradient kernels of the erf family and the expm1 units, avx512 build: ../f32_grad_erf.h. */
#define SA_TARGET_AVX512
#include "../f32_grad_erf.h"
