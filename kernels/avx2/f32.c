/* float32 kernels, avx2 build: the shared bodies in ../f32_kernels.h. */
#define SA_TARGET_AVX2
#include "../f32_kernels.h"
