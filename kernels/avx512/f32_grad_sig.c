/* float32 gradient kernels of the sigmoid family, avx512 build: ../f32_grad_sig.h. */
#define SA_TARGET_AVX512
#include "../f32_grad_sig.h"
