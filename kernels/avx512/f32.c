/* float32 kernels, avx512 build: the shared bodies in ../f32_kernels.h. */
#define SA_TARGET_AVX512
#include "../f32_kernels.h"
