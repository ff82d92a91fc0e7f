/* fast-tier float32 kernels, avx512 build: ../f32_fast.h. */
#define SA_TARGET_AVX512
#include "../f32_fast.h"
