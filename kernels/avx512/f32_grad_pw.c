/* float32 gradient kernels of the piecewise functions, avx512 build: ../f32_grad_pw.h. */
#define SA_TARGET_AVX512
#include "../f32_grad_pw.h"
