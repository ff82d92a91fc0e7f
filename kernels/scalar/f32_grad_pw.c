/* float32 gradient kernels of the piecewise functions, scalar build: ../f32_grad_pw.h. */
#define SA_TARGET_SCALAR
#include "../f32_grad_pw.h"
