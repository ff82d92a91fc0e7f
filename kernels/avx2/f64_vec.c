/* float64 SIMD kernels, avx2 build: the shared bodies in ../f64_vec.h. */
#define SA_TARGET_AVX2
#include "../f64_vec.h"
