/* float32 gradient kernels of the sigmoid family, scalar build: ../f32_grad_sig.h. */
#define SA_TARGET_SCALAR
#include "../f32_grad_sig.h"
