/* float32 catalogue kernels (exp/log family, gated units), avx512 build: ../f32_catalogue_exp.h. */
#define SA_TARGET_AVX512
#include "../f32_catalogue_exp.h"
