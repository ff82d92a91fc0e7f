/* piecewise catalogue kernels (float32), avx512 build: the shared bodies in ../f32_catalogue_pw.h. */
#define SA_TARGET_AVX512
#include "../f32_catalogue_pw.h"
