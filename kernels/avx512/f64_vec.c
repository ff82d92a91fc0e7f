/* float64 SIMD kernels, avx512 build: the shared bodies in ../f64_vec.h. */
#define SA_TARGET_AVX512
#include "../f64_vec.h"
