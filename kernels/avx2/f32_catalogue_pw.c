/* piecewise catalogue kernels (float32), avx2 build: the shared bodies in ../f32_catalogue_pw.h. */
#define SA_TARGET_AVX2
#include "../f32_catalogue_pw.h"
