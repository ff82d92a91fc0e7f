/* float32 kernels, scalar build: the shared bodies in ../f32_kernels.h. */
#define SA_TARGET_SCALAR
#include "../f32_kernels.h"
