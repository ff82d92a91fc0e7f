/* fast-tier float32 kernels, scalar build: ../f32_fast.h. */
#define SA_TARGET_SCALAR
#include "../f32_fast.h"
