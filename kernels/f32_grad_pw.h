/* f32_grad_pw.h — float32 gradient kernels of the piecewise functions (and the from-output
 * forms and row gradients), written once over simd.h.
 *
 * Included by kernels/{scalar,avx2,avx512}/f32_grad_pw.c after defining SA_TARGET_*. Same rules
 * as every kernel (f32_kernels.h): no per-element branches, position independent, bit-identical
 * on every ISA, compiled with -ffp-contract=off.
 *
 * Every gradient is dx = dy * f'(x) as an IEEE product: a zero derivative times an infinite or
 * NaN dy gives NaN, and the sign of a zero result follows the product (PyTorch's relu backward
 * writes +0 there instead). NaN operands come back quieted (f32_driver.h, SA_DEF_GRAD).
 */
#include "simd.h"
#include "kernels.h"
#include "f32_driver.h"

/* ========================================================================= relu_backward
 * relu'(x) = 1 for x > 0, else 0 (0 at the kink, as PyTorch). dx = dy * [x > 0]: exact (0 ULP).
 * Special values: x = +-0 -> dy * 0; x = +inf -> dy; x = -inf -> dy * 0. */
SA_INLINE sa_v sa_relu_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_v zero = v_set1(0.0f);
    return v_mul(dy, v_sel(v_gt(x, zero), v_set1(1.0f), zero));
}
SA_DEF_GRAD(relu_backward, select, sa_relu_bwd_v)

/* ============================================================= relu_backward_from_output
 * With y = relu(x): relu'(x) = [y > 0] (y = 0 covers every x <= 0). Exact. */
SA_DEF_GRAD(relu_backward_from_output, select, sa_relu_bwd_v)
