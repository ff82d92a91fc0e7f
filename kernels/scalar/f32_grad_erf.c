/* float32 gradient kernels of the erf family and the expm1 units, scalar build: ../f32_grad_erf.h. */
#define SA_TARGET_SCALAR
#include "../f32_grad_erf.h"
