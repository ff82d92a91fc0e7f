/* float32 catalogue kernels (exp/log family, gated units), avx2 build: ../f32_catalogue_exp.h. */
#define SA_TARGET_AVX2
#include "../f32_catalogue_exp.h"
