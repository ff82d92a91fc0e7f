/* fast-tier float32 kernels, avx2 build: ../f32_fast.h. */
#define SA_TARGET_AVX2
#include "../f32_fast.h"
