/* float32 gradient kernels of the sigmoid family, avx2 build: ../f32_grad_sig.h. */
#define SA_TARGET_AVX2
#include "../f32_grad_sig.h"
