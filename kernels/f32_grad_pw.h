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
#include <math.h>
#include "simd.h"
#include "f32_math.h"
#include "kernels.h"
#include "f32_driver.h"
#include "f32_cores.h"

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

/* ================================================================== piecewise gradients
 * Common to the kernels below: the derivative is selected with masks (no branches) and the
 * product with dy is either exact (a factor 0 or 1), one correctly rounded float32 operation
 * (dy * slope, dy * x, dy / 6), or formed in float64 and rounded to float32 once. A discarded
 * lane never multiplies dy by anything but 0 or 1 (or by a clamped value), so the only
 * overflow a kernel can raise is a genuine one of its final result. S below is the spec's
 * |dy| * (sum of |terms| of the derivative). NaN operands: the driver (precedence x, dy, p, q). */

/* ======================================================================= hardsigmoid_backward
 * hardsigmoid'(x) = 1/6 on the open interval (-3, 3), else 0 (PyTorch hardsigmoid_backward:
 *   grad / 6 where -3 < x < 3, 0 elsewhere; torch multiplies by the float 1/6, this kernel
 *   divides).
 * Algorithm (select_div): dx = (dy * [-3 < x < 3]) / 6: one correctly rounded division (the
 *   mask product is exact). Max error 0.5 ULP (correctly rounded); measured (strided 2^22 x
 *   sweep + windows at +-3, dy in {1, -3.7, 1.1*2^-30, 1.3*2^40}, three ISAs identical):
 *   0.333 ULP on that grid, 0.5 over 2^21 random dy bit patterns. Budget 0.5.
 * Special values: x = +-3 (the kinks) and |x| > 3 -> dy * 0 (NaN for dy = +-inf, zero with
 *   dy's sign); dy = +-inf inside -> +-inf; subnormal dy / 6 rounded once. Never overflows. */
SA_INLINE sa_v sa_hsig_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    const sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m in = m_and(v_gt(x, v_set1(-3.0f)), v_lt(x, v_set1(3.0f)));
    return v_div(v_mul(dy, v_sel(in, one, zero)), v_set1(6.0f));
}
SA_DEF_GRAD(hardsigmoid_backward, select_div, sa_hsig_bwd_v)

/* ========================================================================= hardswish_backward
 * hardswish'(x) = 0 for x <= -3, x/3 + 1/2 = (2x + 3)/6 for -3 < x < 3, 1 for x >= 3
 *   (PyTorch hardswish_backward since pytorch#148049, e.g. torch 2.13: the kinks take the
 *   outer values, 0 at x = -3 and 1 at x = 3; older releases gave -1/2 and 3/2 there).
 *   Terms for S: |x|/3 + 1/2 on (-3, 3).
 * Algorithm (f64_mul): c = x on (-3, 3), c = 3/2 for x >= 3 (so (2c + 3)/6 = 1), c = -3/2 for
 *   x <= -3 (derivative +0); in float64 t = 2c + 3 (exact for |c| >= 2^-28), dx = (dy t) / 6,
 *   rounded to float32 once: three float64 roundings (< 2^-51.4 relative) before the final
 *   one: max error 0.5 + 2^-27 ULP; no cancellation at the zero x = -1.5 (2c + 3 is exact
 *   there). Measured (same sweep as hardsigmoid_backward, windows at -3, -1.5, 3; and 2^21
 *   random dy): 0.5 ULP. Budget 0.51.
 * Special values: x <= -3, -inf and x = -1.5 -> dy * (+0) (NaN for infinite dy); x >= 3, +inf
 *   -> dy. Overflow: only genuinely (|dy (2x + 3)/6| > FLT_MAX, x just below 3). */
SA_INLINE sa_vd sa_hswish_bwd_d(sa_vd dy, sa_vd c) {
    sa_vd t = vd_add(vd_add(c, c), vd_set1(3.0));
    return vd_div(vd_mul(dy, t), vd_set1(6.0));
}
SA_INLINE sa_v sa_hswish_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_v c = v_clamp(x, -3.0f, 3.0f);
    c = v_sel(v_ge(x, v_set1(3.0f)), v_set1(1.5f), c);
    c = v_sel(v_le(x, v_set1(-3.0f)), v_set1(-1.5f), c);
    sa_vd r[2];
    SA_FOR_DN(h) r[h] = sa_hswish_bwd_d(sa_vdh(dy, h), sa_vdh(c, h));
    return SA_D_JOIN(r);
}
SA_DEF_GRAD(hardswish_backward, f64_mul, sa_hswish_bwd_v)

/* ============================================================================= relu6_backward
 * relu6'(x) = 1 on the open interval (0, 6), else 0 (PyTorch: hardtanh_backward(grad, x, 0, 6),
 *   which writes 0 where this kernel writes the IEEE product dy * 0).
 * Algorithm (select): dx = dy * [0 < x < 6]. Exact (0 ULP).
 * Special values: x <= 0 (incl. -0, -inf), x >= 6 (+inf) -> dy * 0 (NaN for infinite dy). */
SA_INLINE sa_v sa_relu6_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    const sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m in = m_and(v_gt(x, zero), v_lt(x, v_set1(6.0f)));
    return v_mul(dy, v_sel(in, one, zero));
}
SA_DEF_GRAD(relu6_backward, select, sa_relu6_bwd_v)

/* ================================================================= relu6_backward_from_output
 * With y = relu6(x): 0 < y < 6 exactly when 0 < x < 6, so dx = dy * [0 < y < 6]. Exact. */
SA_DEF_GRAD(relu6_backward_from_output, select, sa_relu6_bwd_v)

/* ========================================================================== softsign_backward
 * softsign'(x) = 1 / (1 + |x|)^2 (PyTorch: autograd of x / (1 + |x|)).
 * Algorithm (f64_div): in float64 u = 1 + |x| (exact for |x| >= 2^-29), dx = dy / (u * u),
 *   rounded to float32 once: max error 0.5 + 2^-27 ULP (three float64 roundings). u^2 <= 2^256
 *   never overflows, dy / u^2 never underflows float64 below the float32 range.
 *   Measured (same sweep, windows at 0, +-1): 0.49999998 ULP (x = 0x1.fffffep-1). Budget 0.51.
 * Special values: x = +-inf -> dy / inf = +-0 (NaN for infinite dy, the derivative's limit 0
 *   times inf); x = +-0 -> dy. Never overflows (the derivative is <= 1). */
SA_INLINE sa_v sa_softsign_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_v a = v_abs(x);
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd u = vd_add(vd_set1(1.0), sa_vdh(a, h));
        r[h] = vd_div(sa_vdh(dy, h), vd_mul(u, u));
    }
    return SA_D_JOIN(r);
}
SA_DEF_GRAD(softsign_backward, f64_div, sa_softsign_bwd_v)

/* ======================================================================== leaky_relu_backward
 * leaky_relu'(x) = 1 for x > 0, slope for x <= 0 (PyTorch leaky_relu_backward: x > 0 ? grad :
 *   grad * negval, so the kink x = 0 takes the slope). p = slope (default 0.01f).
 * Algorithm (select_mul): dx = dy * (x > 0 ? 1 : slope): one correctly rounded product
 *   (0.5 ULP; exact for x > 0 and power-of-two slopes). Measured (slopes 0.01 0.1 1 1.7 10 -0.01
 *   -1 -10; strided sweep, three ISAs identical): 0.5 ULP. Budget 0.5.
 * Overflow: only genuinely (|slope| > 1, x <= 0); x > 0 lanes multiply by 1.
 * Special values: x = +-0 -> dy * slope; +inf -> dy; -inf -> dy * slope. */
SA_INLINE sa_v sa_leaky_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)q;
    return v_mul(dy, v_sel(v_gt(x, v_set1(0.0f)), v_set1(1.0f), p));
}
SA_DEF_GRAD(leaky_relu_backward, select_mul, sa_leaky_bwd_v)

/* ============================================================ leaky_relu_backward_from_output
 * With y = leaky_relu(x, slope): dx = dy * (y > 0 ? 1 : slope). Valid for slope >= 0 (then
 *   y > 0 exactly when x > 0); for slope < 0 a negative x gives y > 0 and the formula picks 1
 *   (PyTorch's leaky_relu_backward with self_is_result has the same restriction: it refuses a
 *   negative slope for the in-place form). Error as leaky_relu_backward (0.5 ULP). */
SA_DEF_GRAD(leaky_relu_backward_from_output, select_mul, sa_leaky_bwd_v)

/* ========================================================================== hardtanh_backward
 * hardtanh'(x) = 1 on the open interval (min, max), else 0 (PyTorch hardtanh_backward:
 *   x <= min || x >= max ? 0 : grad). p = min, q = max (defaults -1, 1).
 * Algorithm (select): dx = dy * [min < x < max]. Exact (0 ULP).
 * Special values: x = min or max -> dy * 0; min >= max -> dy * 0 everywhere; NaN min or max ->
 *   NaN (driver). */
SA_INLINE sa_v sa_hardtanh_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    sa_m in = m_and(v_gt(x, p), v_lt(x, q));
    return v_mul(dy, v_sel(in, v_set1(1.0f), v_set1(0.0f)));
}
SA_DEF_GRAD(hardtanh_backward, select, sa_hardtanh_bwd_v)

/* ============================================================== hardtanh_backward_from_output
 * With y = hardtanh(x, min, max) and min < max: min < y < max exactly when min < x < max, so
 *   dx = dy * [min < y < max]. Exact. (min >= max: y = max, the derivative 0 either way.) */
SA_DEF_GRAD(hardtanh_backward_from_output, select, sa_hardtanh_bwd_v)

/* ============================================================================= prelu_backward
 * dx, dslope = prelu_backward(dy, x, slope): dx = dy * (x > 0 ? 1 : slope),
 *   dslope = dy * (x > 0 ? 0 : x) elementwise (reduce it over the broadcast axes yourself)
 *   (PyTorch _prelu_kernel_backward: the same formulas, kink x = 0 on the slope side).
 * Algorithm (select_mul): two single correctly rounded products (0.5 ULP each; measured 0.5 on
 *   the leaky_relu slope grid, strided sweep). Budget 0.5.
 * Overflow: only genuinely (dy * slope with |slope| > 1, or dy * x); x > 0 lanes multiply by 1
 *   and by +0.
 * Special values: x > 0 -> dslope = dy * (+0) (NaN for infinite dy); x = +-0 -> dx = dy * slope,
 *   dslope = dy * x (a signed zero); x = -inf -> dslope = -inf * dy. */
SA_INLINE sa_v sa_prelu_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q, sa_v *dp) {
    (void)q;
    const sa_v zero = v_set1(0.0f);
    sa_m pos = v_gt(x, zero);
    *dp = v_mul(dy, v_sel(pos, zero, x));
    return v_mul(dy, v_sel(pos, v_set1(1.0f), p));
}
SA_DEF_GRAD2(prelu_backward, select_mul, sa_prelu_bwd_v)

/* ============================================================================= reglu_backward
 * da, db = reglu_backward(dy, a, b) for reglu(a, b) = relu(a) * b:
 *   da = dy * b * [a > 0], db = dy * relu(a) (relu'(0) = 0 as PyTorch's threshold_backward).
 * Algorithm (select_mul_f64): da: dy * b exactly in float64, times the 0/1 mask, rounded once
 *   (correctly rounded, 0.5 ULP, no intermediate overflow); db: one float32 product
 *   dy * (a > 0 ? a : +0), correctly rounded. Measured (b in +-2^-20, +-1, +-3.7, +-2^20):
 *   0.5 ULP both (strided sweep, and 2^21 random dy, b bit patterns). Budget 0.5.
 * Overflow: only genuinely (|dy b| or |dy a| beyond FLT_MAX).
 * Special values: a <= 0 (incl. -0, -inf) -> da = dy * b * (+0) (NaN if dy or b is infinite),
 *   db = dy * (+0); a = +inf -> db = +-inf (NaN for dy = 0). */
SA_INLINE sa_v sa_reglu_bwd_v(sa_v dy, sa_v a, sa_v b, sa_v q, sa_v *dp) {
    (void)q;
    const sa_v zero = v_set1(0.0f);
    sa_m pos = v_gt(a, zero);
    sa_v g = v_sel(pos, v_set1(1.0f), zero);
    sa_vd r[2];
    SA_FOR_DN(h)
        r[h] = vd_mul(vd_mul(sa_vdh(dy, h), sa_vdh(b, h)), sa_vdh(g, h));
    *dp = v_mul(dy, v_sel(pos, a, zero));
    return SA_D_JOIN(r);
}
SA_DEF_GRAD2(reglu_backward, select_mul_f64, sa_reglu_bwd_v)

/* ============================================================================ row gradients
 * softmax_backward(dy, x)_i     = y_i (dy_i - sum_j y_j dy_j),  y = softmax(x)
 * log_softmax_backward(dy, x)_i = dy_i - p_i sum_j dy_j,        p = softmax(x)
 * and the from-output forms, one row of n elements (sa_f32_rgkernel; dx may alias dy or the
 * second operand exactly: the last pass reads both before it writes).
 *
 * The probabilities are not rounded to float32 (the gradient does not call the forward float32
 *   softmax kernel): exp(x_j - max) = (m + mlo) 2^k comes from the
 * same exp core and the same exact TwoSum difference as the forward softmax (f32_kernels.h),
 * with the argument range widened to [-240, 0] and scaled in float64, and p_j = e_j / S stays
 * a float64 value. (A float32 y would cost up to 0.6 units of c, and all relative accuracy
 * where y_j is subnormal: with |dy| up to 2^100, y_j dy_j is a normal number there.)
 * Elements more than 240 below the max get e = e^-240 (far below anything that can reach the
 * float32 range: e |dy| < 2^-217), x = -inf gets exactly 0; x - max is never formed for
 * elements more than ~300 below the max (no spurious overflow of x - max).
 * Sums: float64, element j into partial sum j mod 16, the 16 partials reduced in a fixed order
 * (as the forward softmax): bit-identical on every ISA, and the float64 rounding error
 * (~n 2^-53) stays far below 2^-24 for any practical n, so c does not grow with n.
 * The final value is formed in float64 and rounded to float32 once: the only place a result
 * can overflow (genuinely). Every NaN result is the default quiet NaN (0x7fc00000): the
 * rows' float64 sums would otherwise carry payloads in an operand order the compiler picks.
 */
#define SA_G_ELIM 240.0f /* exp argument range [-ELIM, 0] (sa_exp_core_lim allows <= 240) */
#define SA_G_FAR 300.0f  /* elements below max - FAR: x - max is not formed */

SA_INLINE sa_v sa_g_canon_nan(sa_v r) { return v_sel(v_isnan(r), v_set1(NAN), r); }

/* exp(x - mx) in float64 (mx the finite row max, far = mx - SA_G_FAR rounded): the difference
 * as an exact TwoSum pair dh + dl (for elements above `far`, |x - mx| < ~370: no overflow). */
SA_INLINE void sa_g_exp_diff(sa_v x, sa_v mx, sa_v far, sa_vd e[2]) {
    const sa_v zero = v_set1(0.0f);
    sa_m lo = v_lt(x, far);
    sa_v xs = v_sel(lo, mx, x);
    sa_v dl, dh = sa_two_diff(xs, mx, &dl);
    dh = v_sel(lo, v_set1(-SA_G_ELIM), dh);
    dl = v_sel(lo, zero, dl);
    sa_exp_pair_d(dh, dl, SA_G_ELIM, v_eq(x, v_set1(-INFINITY)), e);
}

/* Partial vectors of the tails (f32_cores.h): loads by sa_load_pad, with a pad chosen so that
 * a padded lane computes 0 (x or log-probability -inf, probability 0, dy 0; never a lane whose
 * discarded result could overflow); stores of the r (<= SA_W) valid lanes by sa_store_part. */

/* Pass over blocks of 16 elements (the tail padded with v = vpad, dy = 0): acc1 += f1, acc2 +=
 * f2 per partial. The body is a macro so each kernel inlines its own terms. */
#define SA_G_BLOCKS(n, v, dy, vpad, BODY)                                                     \
    for (size_t i_ = 0; i_ < (n); i_ += 16) {                                                 \
        for (int q_ = 0; q_ < 16 / SA_W; q_++) {                                              \
            size_t o_ = i_ + q_ * SA_W;                                                       \
            sa_v V = sa_load_pad((v), o_, (n), (vpad)), D = sa_load_pad((dy), o_, (n), 0.0f); \
            BODY                                                                              \
        }                                                                                     \
    }
#define SA_G_ACC(acc, h) (acc)[q_ * SA_DN + (h)]

/* ========================================================================= softmax_backward
 * softmax_backward(dy, x)_i = y_i (dy_i - s), s = sum_j y_j dy_j, y = softmax(x) (PyTorch
 *   _softmax_backward_data(grad, output): the same formula on the saved output).
 * Algorithm (max_rr2_p7_f64sum): pass 1 row max (NaN propagates); pass 2 e_j = exp(x_j - max)
 *   in float64 (see above), S = sum e_j and T = sum e_j dy_j in float64 partials; s = T / S;
 *   pass 3 recomputes e_i and rounds (e_i / S) (dy_i - s) (float64) to float32 once.
 * Error: within c 2^-24 |y_i| (|dy_i| + sum_j |y_j dy_j|) (+ half a subnormal ULP): the final
 *   rounding (<= 1 unit), the exp core (~2^-28 relative in e, so <= ~0.2 units through y_i and
 *   s) and float64 roundings. Measured c = 1.055 (1440 rows, n 1..4096, spreads 0.01..1e6,
 *   -inf entries, dy scales 2^-120..2^100, three ISAs identical); budget 1.2.
 * Special rows: x with a NaN or +inf, or all -inf -> all NaN (as the forward); -inf entries ->
 *   y = 0, dx = 0 * (dy_i - s) (NaN for infinite dy_i); an infinite or NaN dy makes s non-finite
 *   and the row NaN / infinite as the formula gives; n == 0 -> nothing. */
void SA_K(softmax_backward, max_rr2_p7_f64sum)(const float *dy, const float *x, float *dx,
                                               float *scratch, size_t n) {
    (void)scratch;
    if (n == 0) return;
    float mx = sa_row_max(x, n);
    if (!(mx > -INFINITY && mx < INFINITY)) { sa_fill_nan(dx, n); return; }
    sa_v vmx = v_set1(mx), vfar = v_set1(mx - SA_G_FAR);
    sa_vd accS[SA_NACC], accT[SA_NACC];
    for (int j = 0; j < SA_NACC; j++) accS[j] = accT[j] = vd_set1(0.0);
    SA_G_BLOCKS(n, x, dy, -INFINITY, {
        sa_vd e[2];
        sa_g_exp_diff(V, vmx, vfar, e);
        SA_FOR_DN(h) {
            SA_G_ACC(accS, h) = vd_add(SA_G_ACC(accS, h), e[h]);
            SA_G_ACC(accT, h) = vd_add(SA_G_ACC(accT, h), vd_mul(e[h], sa_vdh(D, h)));
        }
    })
    double S = sa_acc_sum(accS), T = sa_acc_sum(accT);
    sa_vd vS = vd_set1(S), vs = vd_set1(T / S);
    for (size_t i = 0; i < n; i += SA_W) {
        size_t r = n - i < SA_W ? n - i : SA_W;
        sa_v v = sa_load_pad(x, i, n, -INFINITY), d = sa_load_pad(dy, i, n, 0.0f);
        sa_vd e[2], o[2];
        sa_g_exp_diff(v, vmx, vfar, e);
        SA_FOR_DN(h)
            o[h] = vd_mul(vd_div(e[h], vS), vd_sub(sa_vdh(d, h), vs));
        sa_store_part(dx + i, r, sa_g_canon_nan(SA_D_JOIN(o)));
    }
}

/* ============================================================= softmax_backward_from_output
 * softmax_backward_from_output(dy, y)_i = y_i (dy_i - sum_j y_j dy_j) (PyTorch
 *   _softmax_backward_data(grad, output, dim)).
 * Algorithm (f64sum): pass 1 s = sum y_j dy_j (products exact in float64, float64 partials j
 *   mod 16, fixed-order reduction); pass 2 y_i (dy_i - s) in float64, rounded once.
 * Error: c <= 1 + O(n 2^-29) in units of 2^-24 |y_i| (|dy_i| + sum_j |y_j dy_j|) (the final
 *   rounding; s is exact to float64 rounding); measured 0.994 (the rows above, y = softmax(x)
 *   in float32); budget 1.01.
 * Special values: follow the formula in IEEE arithmetic (a NaN or infinite dy_j or y_j with
 *   y_j dy_j NaN or infinite makes s so, and the row NaN / infinite); NaNs are the default NaN;
 *   n == 0 -> nothing. */
void SA_K(softmax_backward_from_output, f64sum)(const float *dy, const float *y, float *dx,
                                                float *scratch, size_t n) {
    (void)scratch;
    if (n == 0) return;
    sa_vd accT[SA_NACC];
    for (int j = 0; j < SA_NACC; j++) accT[j] = vd_set1(0.0);
    SA_G_BLOCKS(n, y, dy, 0.0f, {
        SA_FOR_DN(h)
            SA_G_ACC(accT, h) = vd_add(SA_G_ACC(accT, h), vd_mul(sa_vdh(V, h), sa_vdh(D, h)));
    })
    sa_vd vs = vd_set1(sa_acc_sum(accT));
    for (size_t i = 0; i < n; i += SA_W) {
        size_t r = n - i < SA_W ? n - i : SA_W;
        sa_v v = sa_load_pad(y, i, n, 0.0f), d = sa_load_pad(dy, i, n, 0.0f);
        sa_vd o[2];
        SA_FOR_DN(h)
            o[h] = vd_mul(sa_vdh(v, h), vd_sub(sa_vdh(d, h), vs));
        sa_store_part(dx + i, r, sa_g_canon_nan(SA_D_JOIN(o)));
    }
}

/* ===================================================================== log_softmax_backward
 * log_softmax_backward(dy, x)_i = dy_i - p_i G, G = sum_j dy_j, p = softmax(x) (PyTorch
 *   _log_softmax_backward_data(grad, output): grad - exp(output) * sum(grad); here p comes
 *   from x directly, not as exp of a rounded log_softmax, which would cost |log p_i| 2^-24
 *   relative in p_i).
 * Algorithm (max_rr2_p7_f64sum): pass 1 max; pass 2 S = sum e_j, G = sum dy_j (float64
 *   partials, e_j as in softmax_backward); pass 3 dy_i - (e_i / S) G in float64, rounded once.
 * Error: within c 2^-24 (|dy_i| + p_i sum_j |dy_j|), c <= ~1.15 (the final rounding and the
 *   exp core's ~2^-28); measured 0.992 (the rows above); budget 1.2.
 * Special rows: as softmax_backward (x with NaN / +inf / all -inf -> all NaN; -inf entries:
 *   p = 0, dx = dy_i - 0 * G); n == 0 -> nothing. Overflow: only genuinely
 *   (|dy_i - p_i G| > FLT_MAX). */
void SA_K(log_softmax_backward, max_rr2_p7_f64sum)(const float *dy, const float *x, float *dx,
                                                   float *scratch, size_t n) {
    (void)scratch;
    if (n == 0) return;
    float mx = sa_row_max(x, n);
    if (!(mx > -INFINITY && mx < INFINITY)) { sa_fill_nan(dx, n); return; }
    sa_v vmx = v_set1(mx), vfar = v_set1(mx - SA_G_FAR);
    sa_vd accS[SA_NACC], accG[SA_NACC];
    for (int j = 0; j < SA_NACC; j++) accS[j] = accG[j] = vd_set1(0.0);
    SA_G_BLOCKS(n, x, dy, -INFINITY, {
        sa_vd e[2];
        sa_g_exp_diff(V, vmx, vfar, e);
        SA_FOR_DN(h) {
            SA_G_ACC(accS, h) = vd_add(SA_G_ACC(accS, h), e[h]);
            SA_G_ACC(accG, h) = vd_add(SA_G_ACC(accG, h), sa_vdh(D, h));
        }
    })
    sa_vd vS = vd_set1(sa_acc_sum(accS)), vG = vd_set1(sa_acc_sum(accG));
    for (size_t i = 0; i < n; i += SA_W) {
        size_t r = n - i < SA_W ? n - i : SA_W;
        sa_v v = sa_load_pad(x, i, n, -INFINITY), d = sa_load_pad(dy, i, n, 0.0f);
        sa_vd e[2], o[2];
        sa_g_exp_diff(v, vmx, vfar, e);
        SA_FOR_DN(h)
            o[h] = vd_sub(sa_vdh(d, h), vd_mul(vd_div(e[h], vS), vG));
        sa_store_part(dx + i, r, sa_g_canon_nan(SA_D_JOIN(o)));
    }
}

/* ========================================================= log_softmax_backward_from_output
 * log_softmax_backward_from_output(dy, y)_i = dy_i - exp(y_i) sum_j dy_j (PyTorch
 *   _log_softmax_backward_data).
 * Algorithm (rr2_p7_f64sum): pass 1 G = sum dy_j (float64 partials j mod 16, fixed-order
 *   reduction); pass 2 exp(y_i) = (m + mlo) 2^k from the exp core (y clamped to [-240, 240],
 *   scaled in float64), dy_i - exp(y_i) G in float64, rounded once.
 * Error: within c 2^-24 (|dy_i| + exp(y_i) sum_j |dy_j|), c <= ~1.1; measured 0.993 (the rows
 *   above, y = log_softmax(x) in float32); budget 1.2.
 * Special values: y = -inf -> exp = 0 (dx = dy_i - 0 * G); y = +inf -> exp = inf; y > 240
 *   (not a log-probability) uses e^240, which gives the same float32 result as the exact exp
 *   for every float32 G (|e^240 G| >= 2^197 already overflows); NaNs are the default NaN;
 *   n == 0 -> nothing. Overflow: only genuinely. */
void SA_K(log_softmax_backward_from_output, rr2_p7_f64sum)(const float *dy, const float *y,
                                                           float *dx, float *scratch, size_t n) {
    (void)scratch;
    if (n == 0) return;
    sa_vd accG[SA_NACC];
    for (int j = 0; j < SA_NACC; j++) accG[j] = vd_set1(0.0);
    SA_G_BLOCKS(n, y, dy, 0.0f, {
        (void)V;
        SA_FOR_DN(h)
            SA_G_ACC(accG, h) = vd_add(SA_G_ACC(accG, h), sa_vdh(D, h));
    })
    sa_vd vG = vd_set1(sa_acc_sum(accG));
    for (size_t i = 0; i < n; i += SA_W) {
        size_t r = n - i < SA_W ? n - i : SA_W;
        sa_v v = sa_load_pad(y, i, n, -INFINITY), d = sa_load_pad(dy, i, n, 0.0f);
        sa_vd e[2], o[2];
        sa_exp_pair_d(v, v_set1(0.0f), SA_G_ELIM, v_eq(v, v_set1(-INFINITY)), e);
        /* +inf: exp = inf (the core saw a clamped argument) */
        sa_v pinf = v_sel(v_eq(v, v_set1(INFINITY)), v_set1(INFINITY), v_set1(1.0f));
        SA_FOR_DN(h)
            o[h] = vd_sub(sa_vdh(d, h), vd_mul(vd_mul(e[h], sa_vdh(pinf, h)), vG));
        sa_store_part(dx + i, r, sa_g_canon_nan(SA_D_JOIN(o)));
    }
}
