/* piecewise catalogue kernels (float32), scalar build: the shared bodies in ../f32_catalogue_pw.h. */
#define SA_TARGET_SCALAR
#include "../f32_catalogue_pw.h"
