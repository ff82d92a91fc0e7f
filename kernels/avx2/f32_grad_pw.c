/* float32 gradient kernels of the piecewise functions, avx2 build: ../f32_grad_pw.h. */
#define SA_TARGET_AVX2
#include "../f32_grad_pw.h"
