/* float32 catalogue kernels (exp/log family, gated units), scalar build: ../f32_catalogue_exp.h. */
#define SA_TARGET_SCALAR
#include "../f32_catalogue_exp.h"
