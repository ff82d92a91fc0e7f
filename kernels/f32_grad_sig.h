/* f32_grad_sig.h — float32 gradient kernels of the sigmoid family (sigmoid, tanh, silu,
 * log_sigmoid, mish, softplus, swish, swiglu, and the from-output forms of sigmoid and tanh),
 * written once over simd.h.
 *
 * Included by kernels/{scalar,avx2,avx512}/f32_grad_sig.c after defining SA_TARGET_*. Same rules
 * as every kernel (f32_kernels.h): no per-element branches, position independent, bit-identical
 * on every ISA, compiled with -ffp-contract=off.
 *
 * Every gradient is dx = dy * f'(x) as an IEEE product (f32_grad_pw.h): a zero derivative (the
 * limits at +-inf) times an infinite dy gives NaN, a nonzero derivative however small times an
 * infinite dy gives an infinity, the sign of a zero result follows the product. NaN operands
 * come back quieted (f32_driver.h, SA_DEF_GRAD).
 *
 * How they are computed: the one exponential each derivative needs, A = exp(-|v|), comes from
 * sa_gexp_d below (the exp core's Cody-Waite reduction in float32, argument as a hi + lo pair,
 * then a degree-11 polynomial in float64: ~2^-46 relative error, exponent argument clamped at
 * -200: k >= -289), the derivative is a rational function of A (and x) evaluated in float64 with
 * per-lane coefficients selected in float32, and dy * f'(x) is formed in float64 and rounded to
 * float32 once. So f'(x) is never rounded on its own: sigmoid'(-100) = 3.7e-44 times
 * dy = 2^60 keeps all its bits, and a result beyond the float range overflows only in that final
 * rounding (the FE_OVERFLOW flag is raised only for a genuine overflow; no intermediate can
 * overflow: arguments are clamped, beta * x is never formed where it could overflow).
 * exp(-200) is below 2^-288 and 200 e^-200 below 2^-280: for |v| > 200 every derivative times
 * any finite dy (|dy| < 2^128) rounds to +-0, so the clamp changes no result (and a nonzero
 * derivative stays nonzero, so an infinite dy still gives an infinity). swiglu's da = dy b
 * silu'(a) has |dy b| up to 2^256 and keeps A down to a = -300 (sa_gexp_d_w). The exact limits
 * at x = +-inf are selected last.
 *
 * Errors: float32 ULPs of the float64 reference (tests/grad_ref_sig.py), measured over a strided
 * sweep of 2^22 x patterns plus windows, dy in {1, -3.7, 1.1 2^-30, 1.3 2^40}; all three ISAs
 * bit-identical. Everything before the final rounding is good to ~2^-45 relative (the float64
 * exponential, a few float64 operations), so every kernel is within 0.5 ULP + ~2^-20 ULP: all
 * but correctly rounded. Where the derivative has a zero (silu, mish, swish, swiglu's da) the
 * float64 cancellation leaves ~2^-52 |terms| absolute, inside the tests' allowance
 * 4 * 2^-24 * S (S = |dy| sum |terms|); the quoted maxima are taken where the terms do not
 * cancel (S <= 1.5 |value|), "ULP part left" is the rest after the allowance.
 */
#include "simd.h"
#include "f32_math.h"
#include "kernels.h"
#include "f32_driver.h"
#include "f32_cores.h"
#include <math.h>

#define SA_GLIM 200.0f

/* exp(hi + lo) as float64 halves e[h] = E 2^k, hi clamped to [-200, 200] (NaN kept),
 * |lo| <= ~2^-20 finite: the exp core's reduction in float32 (n = round(hi log2e), r = hi -
 * n LN2_HI exact by fma, k in [-289, 289]), then in float64 z = r + (lo - n (ln2 - LN2_HI))
 * and E = exp(z) by its Taylor polynomial of degree 11 (|z| <= 0.3466: truncation 2^-46.7,
 * evaluation ~2^-52), scaled by 2^k exactly (sa_scale_d): exp(hi + lo) to ~2^-46, so the
 * gradients' only visible error is their final rounding. */
static const double SA_GEXP_T[12] = {
    0x1p+0, 0x1p+0, 0x1p-1, 0x1.5555555555555p-3, 0x1.5555555555555p-5, 0x1.1111111111111p-7,
    0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-13, 0x1.a01a01a01a01ap-16, 0x1.71de3a556c734p-19,
    0x1.27e4fb7789f5cp-22, 0x1.ae64567f544e4p-26};
#define SA_LN2_LO_D (-0x1.05c610ca86c39p-29) /* ln 2 - SA_LN2_HI, rounded to double */
SA_INLINE void sa_gexp_d(sa_v hi, sa_v lo, sa_vd e[2]) {
    hi = v_clamp(hi, -SA_GLIM, SA_GLIM);
    sa_vi k;
    sa_v n = v_round_fma(hi, v_set1(SA_LOG2E), &k);
    sa_v r = v_fma(n, v_set1(-SA_LN2_HI), hi);
    SA_FOR_DN(h) {
        sa_vd z = vd_add(sa_vdh(r, h),
                         vd_sub(sa_vdh(lo, h), vd_mul(sa_vdh(n, h), vd_set1(SA_LN2_LO_D))));
        sa_vd q = vd_set1(SA_GEXP_T[11]);
        for (int j = 10; j >= 0; j--) q = vd_add(vd_mul(q, z), vd_set1(SA_GEXP_T[j]));
        e[h] = sa_scale_d(q, k, h);
    }
}

/* the same for hi in [-300, 200]: hi < -100 is shifted by +100 (exact: hi is a multiple of
 * ulp(hi) <= 2^-15 there) and the result multiplied by exp(-100) in float64 (constant rounded
 * to double: 2^-53 relative). For products of three (swiglu's dy b silu'(a), |dy b| up to
 * 2^256) whose derivative must be kept down to 2^-406. */
#define SA_GLIM_W 300.0f
SA_INLINE void sa_gexp_d_w(sa_v hi, sa_v lo, sa_vd e[2]) {
    sa_m sh = v_lt(hi, v_set1(-100.0f));
    sa_v f = v_sel(sh, v_set1(1.0f), v_set1(0.0f)), g = v_sel(sh, v_set1(0.0f), v_set1(1.0f));
    sa_gexp_d(v_add(hi, v_mul(f, v_set1(100.0f))), lo, e);
    SA_FOR_DN(h)
        e[h] = vd_mul(e[h], vd_add(sa_vdh(g, h),
                                   vd_mul(sa_vdh(f, h), vd_set1(0x1.a8c1f14e2af5dp-145))));
}

SA_INLINE sa_m sa_isinf(sa_v x) { return v_eq(v_abs(x), v_set1(INFINITY)); }

/* ===================================================================== sigmoid_backward
 * sigmoid'(x) = s (1 - s) = A / (1 + A)^2, A = exp(-|x|) (even in x). dx = dy A / (1 + A)^2.
 * Algorithm (rr2_p11d_div): A from sa_gexp_d in float64 (argument clamped at -200), A / (1 + A)^2
 *   and dy times it in float64, rounded once.
 * Max error measured: 0.5000 ULP (strided 2^22 and 3 2^21 sweeps + windows, dy grid, all
 *   three ISAs identical); budget 0.51.
 * Special values: x = +-inf -> dy * 0 (NaN for infinite dy); x = +-0 -> dy / 4.
 * PyTorch: torch.ops.aten.sigmoid_backward(dy, sigmoid(x)) = dy * (1 - y) * y. */
SA_INLINE sa_v sa_sigmoid_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_vd A[2], r[2];
    sa_gexp_d(v_neg(v_abs(x)), v_set1(0.0f), A);
    SA_FOR_DN(h) {
        sa_vd d = vd_add(vd_set1(1.0), A[h]);
        r[h] = vd_mul(sa_vdh(dy, h), vd_div(A[h], vd_mul(d, d)));
    }
    return v_sel(sa_isinf(x), v_mul(dy, v_set1(0.0f)), SA_D_JOIN(r));
}
SA_DEF_GRAD(sigmoid_backward, rr2_p11d_div, sa_sigmoid_bwd_v)

/* ======================================================== sigmoid_backward_from_output
 * With y = sigmoid(x): dx = dy * y * (1 - y), the formula in y (for any float y).
 * Algorithm (f64_mul): y (1 - y) and dy times it in float64, rounded once: within 0.5 ULP +
 *   2^-51 relative of the formula's exact value.
 * Max error measured: 0.5000 ULP (strided sweeps of y, dy grid); budget 0.51.
 * Special values: y = 0 or 1 -> dy * 0 (NaN for infinite dy); y = +-inf -> dy * -inf.
 * PyTorch: torch.ops.aten.sigmoid_backward(dy, y). */
SA_INLINE sa_v sa_sigmoid_bwd_y_v(sa_v dy, sa_v y, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd yd = sa_vdh(y, h);
        r[h] = vd_mul(sa_vdh(dy, h), vd_mul(yd, vd_sub(vd_set1(1.0), yd)));
    }
    return SA_D_JOIN(r);
}
SA_DEF_GRAD(sigmoid_backward_from_output, f64_mul, sa_sigmoid_bwd_y_v)

/* ======================================================================== tanh_backward
 * tanh'(x) = 1 - tanh^2 = (1 - t)(1 + t) = 4 A / (1 + A)^2, A = exp(-2|x|).
 * Algorithm (rr2_p11d_div): 2|x| exact (|x| clamped at 200 first), A from sa_gexp_d in float64,
 *   4 A / (1 + A)^2 and dy times it in float64, rounded once.
 * Max error measured: 0.5000 ULP; budget 0.51.
 * Special values: x = +-inf -> dy * 0; x = +-0 -> dy.
 * PyTorch: torch.ops.aten.tanh_backward(dy, tanh(x)) = dy * (1 - y * y). */
SA_INLINE sa_v sa_tanh_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_v a = v_abs(x);
    a = v_sel(v_gt(a, v_set1(SA_GLIM)), v_set1(SA_GLIM), a);
    sa_vd A[2], r[2];
    sa_gexp_d(v_mul(a, v_set1(-2.0f)), v_set1(0.0f), A);
    SA_FOR_DN(h) {
        sa_vd d = vd_add(vd_set1(1.0), A[h]);
        r[h] = vd_mul(sa_vdh(dy, h), vd_div(vd_mul(vd_set1(4.0), A[h]), vd_mul(d, d)));
    }
    return v_sel(sa_isinf(x), v_mul(dy, v_set1(0.0f)), SA_D_JOIN(r));
}
SA_DEF_GRAD(tanh_backward, rr2_p11d_div, sa_tanh_bwd_v)

/* =========================================================== tanh_backward_from_output
 * With y = tanh(x): dx = dy * (1 - y^2), the formula in y (any float y).
 * Algorithm (f64_mul): y^2 is exact in float64, 1 - y^2 (exact for |y| in [0.71, 1.41]) and dy
 *   times it in float64, rounded once.
 * Max error measured: 0.5000 ULP (strided sweeps of y, dy grid); budget 0.51.
 * Special values: y = +-1 -> dy * 0; y = +-inf -> dy * -inf.
 * PyTorch: torch.ops.aten.tanh_backward(dy, y). */
SA_INLINE sa_v sa_tanh_bwd_y_v(sa_v dy, sa_v y, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd yd = sa_vdh(y, h);
        r[h] = vd_mul(sa_vdh(dy, h), vd_sub(vd_set1(1.0), vd_mul(yd, yd)));
    }
    return SA_D_JOIN(r);
}
SA_DEF_GRAD(tanh_backward_from_output, f64_mul, sa_tanh_bwd_y_v)

/* silu'(x) = s (1 + x (1 - s)) with s = sigmoid(x), A = exp(-|x|), as one fraction in float64:
 *   x >= 0: (1 + A (1 + x)) / (1 + A)^2;   x < 0: A (A + 1 + x) / (1 + A)^2
 *   = (P + A (1 + x)) / (1 + A)^2, P = 1 (x >= 0) or A^2 (x < 0).
 * A: float64 halves of exp(-|x|) from sa_gexp_d; xc: x clamped to [-200, 200] (float).
 * Returns the float64 halves of silu'(x) in D; pos is the mask x >= 0. */
SA_INLINE void sa_dsilu_d(const sa_vd A[2], sa_v xc, sa_m pos, sa_vd D[2]) {
    sa_v c1 = v_sel(pos, v_set1(1.0f), v_set1(0.0f));
    sa_v c2 = v_sel(pos, v_set1(0.0f), v_set1(1.0f));
    SA_FOR_DN(h) {
        sa_vd one = vd_set1(1.0);
        sa_vd d = vd_add(one, A[h]);
        sa_vd P = vd_add(sa_vdh(c1, h), vd_mul(sa_vdh(c2, h), vd_mul(A[h], A[h])));
        sa_vd N = vd_add(P, vd_mul(A[h], vd_add(one, sa_vdh(xc, h))));
        D[h] = vd_div(N, vd_mul(d, d));
    }
}

/* ======================================================================== silu_backward
 * silu'(x) = s + x s (1 - s) = s (1 + x (1 - s)), s = sigmoid(x).
 * Algorithm (rr2_p11d_div): A = exp(-|x|) from sa_gexp_d (argument clamped at -200), silu' =
 *   (P + A (1 + x)) / (1 + A)^2 (P = 1 for x >= 0, A^2 for x < 0) in float64, dy times it in
 *   float64, rounded once. The zero of silu' at x = -1.2784645 (A + 1 + x = 0) cancels in
 *   float64: absolute error ~2^-52 there, far inside 4 * 2^-24 * S.
 * Max error measured: 0.5000 ULP where the terms do not cancel; near the zero the error is
 *   inside the S allowance (ULP part left: 0.4999); budget 0.51.
 * Special values: x = +inf -> dy; x = -inf -> dy * 0; x = +-0 -> dy / 2.
 * PyTorch: torch.ops.aten.silu_backward(dy, x) = dy * s * (1 + x * (1 - s)). */
SA_INLINE sa_v sa_silu_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_vd A[2], D[2], r[2];
    sa_gexp_d(v_neg(v_abs(x)), v_set1(0.0f), A);
    sa_dsilu_d(A, v_clamp(x, -SA_GLIM, SA_GLIM), v_ge(x, v_set1(0.0f)), D);
    SA_FOR_DN(h) r[h] = vd_mul(sa_vdh(dy, h), D[h]);
    sa_v y = SA_D_JOIN(r);
    y = v_sel(v_eq(x, v_set1(INFINITY)), dy, y);
    return v_sel(v_eq(x, v_set1(-INFINITY)), v_mul(dy, v_set1(0.0f)), y);
}
SA_DEF_GRAD(silu_backward, rr2_p11d_div, sa_silu_bwd_v)

/* ================================================================= log_sigmoid_backward
 * log_sigmoid'(x) = 1 - sigmoid(x) = sigmoid(-x) = (x >= 0 ? A : 1) / (1 + A), A = exp(-|x|).
 * Algorithm (rr2_p11d_div): A from sa_gexp_d (argument clamped at -200), the quotient and dy
 *   times it in float64, rounded once (dy e^-x keeps its bits for large x).
 * Max error measured: 0.5000 ULP; budget 0.51.
 * Special values: x = +inf -> dy * 0; x = -inf -> dy; x = +-0 -> dy / 2.
 * PyTorch: torch.ops.aten.log_sigmoid_backward(dy, x, buffer) = dy * (x < 0 ? 1 - z/(1+z) :
 *   z/(1+z)), z = exp(-|x|). */
SA_INLINE sa_v sa_log_sigmoid_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_vd A[2], r[2];
    sa_gexp_d(v_neg(v_abs(x)), v_set1(0.0f), A);
    sa_m pos = v_ge(x, v_set1(0.0f));
    sa_v c1 = v_sel(pos, v_set1(1.0f), v_set1(0.0f));
    sa_v c0 = v_sel(pos, v_set1(0.0f), v_set1(1.0f));
    SA_FOR_DN(h) {
        sa_vd num = vd_add(sa_vdh(c0, h), vd_mul(sa_vdh(c1, h), A[h]));
        r[h] = vd_mul(sa_vdh(dy, h), vd_div(num, vd_add(vd_set1(1.0), A[h])));
    }
    sa_v y = SA_D_JOIN(r);
    y = v_sel(v_eq(x, v_set1(-INFINITY)), dy, y);
    return v_sel(v_eq(x, v_set1(INFINITY)), v_mul(dy, v_set1(0.0f)), y);
}
SA_DEF_GRAD(log_sigmoid_backward, rr2_p11d_div, sa_log_sigmoid_bwd_v)

/* ======================================================================== mish_backward
 * mish'(x) = t + x s (1 - t^2), t = tanh(softplus(x)), s = sigmoid(x). With e = e^x and
 * n = e (e + 2): t = n / (n + 2), 1 - t^2 = 4 (1 + e)^2 / (n + 2)^2, so with A = exp(-|x|)
 *   x <= 0 (A = e^x):   mish' = [A (A + 2) Q + 4 x A (1 + A)] / Q^2,     Q = A^2 + 2A + 2
 *   x >  0 (A = e^-x):  mish' = [(1 + 2A) Q + 4 x A^2 (1 + A)] / Q^2,    Q = 2A^2 + 2A + 1
 * (no e^x: nothing overflows), written as [N1 Q + 4 x R] / Q^2 with N1 = (na A + 2) A + n0,
 * Q = (qa A + 2) A + q0, R = A (1 + A) (ra A + r0) and the coefficients selected per lane.
 * Algorithm (rr2_p11d_rat): A from sa_gexp_d (argument clamped at -200; x clamped to
 *   [-200, 200]), the rational function and dy times it in float64, rounded once. The zero of
 *   mish' near x = -1.1924 cancels in float64 (error ~2^-52 of the terms).
 * Max error measured: 0.5000 ULP where the terms do not cancel; near the zero inside the S
 *   allowance (ULP part left: 0.4999); budget 0.51.
 * Special values: x = +inf -> dy; x = -inf -> dy * 0; x = +-0 -> 0.6 dy.
 * PyTorch: torch.ops.aten.mish_backward(dy, x) = dy * (t + x * s * (1 - t * t)). */
SA_INLINE sa_v sa_mish_bwd_v(sa_v dy, sa_v x, sa_v p, sa_v q) {
    (void)p, (void)q;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f), two = v_set1(2.0f);
    sa_vd A[2], r[2];
    sa_gexp_d(v_neg(v_abs(x)), zero, A);
    sa_m pos = v_gt(x, zero);
    sa_v na = v_sel(pos, zero, one), n0 = v_sel(pos, one, zero);
    sa_v qa = v_sel(pos, two, one), q0 = v_sel(pos, one, two);
    sa_v ra = v_sel(pos, one, zero), r0 = v_sel(pos, zero, one);
    sa_v x4 = v_mul(v_clamp(x, -SA_GLIM, SA_GLIM), v_set1(4.0f));
    SA_FOR_DN(h) {
        sa_vd a = A[h], t2 = vd_set1(2.0);
        sa_vd Q = vd_add(vd_mul(vd_add(vd_mul(sa_vdh(qa, h), a), t2), a), sa_vdh(q0, h));
        sa_vd N1 = vd_add(vd_mul(vd_add(vd_mul(sa_vdh(na, h), a), t2), a), sa_vdh(n0, h));
        sa_vd R = vd_mul(vd_mul(a, vd_add(vd_set1(1.0), a)),
                         vd_add(vd_mul(sa_vdh(ra, h), a), sa_vdh(r0, h)));
        sa_vd N = vd_add(vd_mul(N1, Q), vd_mul(sa_vdh(x4, h), R));
        r[h] = vd_mul(sa_vdh(dy, h), vd_div(N, vd_mul(Q, Q)));
    }
    sa_v y = SA_D_JOIN(r);
    y = v_sel(v_eq(x, v_set1(INFINITY)), dy, y);
    return v_sel(v_eq(x, v_set1(-INFINITY)), v_mul(dy, zero), y);
}
SA_DEF_GRAD(mish_backward, rr2_p11d_rat, sa_mish_bwd_v)

/* v = beta * x for softplus / swish, never formed where it could overflow:
 *   ps = (x 2^-64)(beta 2^-64) (cannot overflow), big = |ps| > 200 2^-128 (|beta x| > 200);
 *   in big lanes x is replaced by 0 before the product. *vh + *vl = beta x exactly (fma) in
 *   the other lanes. *w carries the sign of beta x in every lane (ps in big lanes, vh
 *   elsewhere); *sat marks the lanes where |beta x| > 200 (big, or |vh| > 200: lanes the
 *   big test let through because a scaled factor underflowed). */
typedef struct { sa_v vh, vl, ps, w; sa_m big, sat; } sa_bx;
SA_INLINE void sa_beta_x(sa_v x, sa_v be, sa_bx *b) {
    sa_v sc = v_set1(0x1p-64f), zero = v_set1(0.0f);
    b->ps = v_mul(v_mul(x, sc), v_mul(be, sc));
    b->big = v_gt(v_abs(b->ps), v_set1(200.0f * 0x1p-128f));
    sa_v xs = v_sel(b->big, zero, x);
    b->vh = v_mul(be, xs);
    b->vl = v_fma(be, xs, v_neg(b->vh));
    b->w = v_sel(b->big, b->ps, b->vh);
    b->sat = m_or(b->big, v_gt(v_abs(b->vh), v_set1(SA_GLIM)));
}
/* exp(-|beta x|) as float64 halves (the low part folded in, 0 in saturated lanes) */
SA_INLINE void sa_beta_x_exp(const sa_bx *b, sa_m pos, sa_vd A[2]) {
    sa_v zero = v_set1(0.0f);
    sa_v hi = v_sel(b->sat, v_set1(-300.0f), v_neg(v_abs(b->vh)));
    sa_v lo = v_sel(b->sat, zero, v_sel(pos, v_neg(b->vl), b->vl));
    sa_gexp_d(hi, lo, A);
}
/* beta x with x or beta infinite (the other operand finite): +inf, -inf or NaN (0 * inf) in
 * the lanes m, 0 elsewhere (no finite product is formed: no overflow) */
SA_INLINE sa_v sa_inf_prod(sa_m m, sa_v x, sa_v be) {
    sa_v zero = v_set1(0.0f);
    return v_mul(v_sel(m, x, zero), v_sel(m, be, zero));
}

/* ==================================================================== softplus_backward
 * softplus'(x; beta, threshold) = 1 if fl32(beta x) > threshold else sigmoid(beta x)
 *   (PyTorch's rule; the threshold test on the float32 product as in the forward).
 * Algorithm (hilo_rr2_p11d_div): v = beta x as an exact pair (fma), both parts in the
 *   exponential's argument (no rounded exp argument), A = exp(-|v|) from sa_gexp_d, sigmoid(v) =
 *   (v > 0 ? 1 : A) / (1 + A) and dy times it (or dy itself) in float64, rounded once.
 *   |beta x| > 200 is detected on scaled operands (beta x is never formed there): v > 0 ->
 *   sigmoid = 1 exactly as rounded; v < 0 -> A = exp(-200) (the product rounds to +-0 for every
 *   finite dy); the threshold test there compares the scaled product with threshold 2^-128
 *   (exact unless |x| or |beta| < 2^-62).
 * Max error measured: 0.5000 ULP over beta in {0.01, 0.1, 1, 1.7, 10} x threshold {5, 20, 50};
 *   budget 0.51.
 * Special values: x or beta infinite: beta x = +inf -> dy, -inf -> dy * 0, 0 * inf -> NaN (as
 *   PyTorch's formula); beta = 0 -> dy / 2 (sigmoid(0)) for finite x; x = +-0 -> dy / 2 unless
 *   threshold < 0.
 * PyTorch: torch.ops.aten.softplus_backward(dy, x, beta, threshold). */
SA_INLINE sa_v sa_softplus_bwd_v(sa_v dy, sa_v x, sa_v be, sa_v th) {
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_bx b;
    sa_beta_x(x, be, &b);
    sa_m pos = v_gt(b.w, zero);
    sa_m thr = v_gt(b.w, v_sel(b.big, v_mul(th, v_set1(0x1p-128f)), th));
    sa_vd A[2], r[2];
    sa_beta_x_exp(&b, pos, A);
    sa_v c1 = v_sel(pos, one, zero), c0 = v_sel(pos, zero, one);
    sa_v t1 = v_sel(thr, one, zero), t0 = v_sel(thr, zero, one);
    SA_FOR_DN(h) {
        sa_vd sg = vd_div(vd_add(sa_vdh(c1, h), vd_mul(sa_vdh(c0, h), A[h])),
                          vd_add(vd_set1(1.0), A[h]));
        sa_vd D = vd_add(sa_vdh(t1, h), vd_mul(sa_vdh(t0, h), sg));
        r[h] = vd_mul(sa_vdh(dy, h), D);
    }
    sa_v y = SA_D_JOIN(r);
    sa_m inf = m_or(sa_isinf(x), sa_isinf(be));
    sa_v pv = sa_inf_prod(inf, x, be);
    sa_v Dinf = v_sel(v_gt(pv, zero), one, v_sel(v_lt(pv, zero), zero, pv));
    return v_sel(inf, v_mul(dy, Dinf), y);
}
SA_DEF_GRAD(softplus_backward, hilo_rr2_p11d_div, sa_softplus_bwd_v)

/* ======================================================================= swish_backward
 * swish'(x; beta) = s + beta x s (1 - s) = s (1 + v (1 - s)), v = beta x, s = sigmoid(v)
 *   = (P + A (1 + v)) / (1 + A)^2, A = exp(-|v|), P = 1 (v >= 0) or A^2 (v < 0).
 * Algorithm (hilo_rr2_p11d_div): v = beta x as an exact pair (fma), both parts in the
 *   exponential's argument, A from sa_gexp_d, v = vh + vl exactly in float64, the fraction and
 *   dy times it in float64, rounded once. |beta x| > 200 (detected on scaled operands, beta x never formed):
 *   v replaced by +-200 (the derivative is 1, or a negative value whose product with any finite
 *   dy rounds to -+0). The zero of swish' (v = -1.2784645) cancels in float64.
 * Max error measured: 0.5000 ULP where the terms do not cancel, over beta in {0.01, 0.1, 1, 1.7,
 *   10, -1}; near the zero inside the S allowance; budget 0.51.
 * Special values: x or beta infinite: beta x = +inf -> dy, -inf -> dy * 0, 0 * inf -> dy / 2
 *   when beta = 0 (the limit: swish = x/2), NaN when x = 0; x = +-0 or beta = 0 -> dy / 2.
 * PyTorch: autograd of x * torch.sigmoid(beta * x) (F.silu's backward for beta = 1). */
SA_INLINE sa_v sa_swish_bwd_v(sa_v dy, sa_v x, sa_v be, sa_v q) {
    (void)q;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_bx b;
    sa_beta_x(x, be, &b);
    sa_m pos = v_ge(b.w, zero);
    sa_vd A[2], D[2], r[2];
    sa_beta_x_exp(&b, pos, A);
    sa_v vc = v_sel(b.sat, v_copysign_pos(v_set1(SA_GLIM), b.w), b.vh);
    sa_v vlc = v_sel(b.sat, zero, b.vl);
    sa_v c1 = v_sel(pos, one, zero), c2 = v_sel(pos, zero, one);
    SA_FOR_DN(h) {
        sa_vd o = vd_set1(1.0);
        sa_vd v = vd_add(sa_vdh(vc, h), sa_vdh(vlc, h));
        sa_vd d = vd_add(o, A[h]);
        sa_vd P = vd_add(sa_vdh(c1, h), vd_mul(sa_vdh(c2, h), vd_mul(A[h], A[h])));
        D[h] = vd_div(vd_add(P, vd_mul(A[h], vd_add(o, v))), vd_mul(d, d));
        r[h] = vd_mul(sa_vdh(dy, h), D[h]);
    }
    sa_v y = SA_D_JOIN(r);
    sa_m inf = m_or(sa_isinf(x), sa_isinf(be));
    sa_v pv = sa_inf_prod(inf, x, be);
    sa_v Dinf = v_sel(v_gt(pv, zero), one,
                      v_sel(v_lt(pv, zero), zero, v_sel(v_eq(be, zero), v_set1(0.5f), pv)));
    return v_sel(inf, v_mul(dy, Dinf), y);
}
SA_DEF_GRAD(swish_backward, hilo_rr2_p11d_div, sa_swish_bwd_v)

/* ====================================================================== swiglu_backward
 * swiglu(a, b) = silu(a) b:  da = dy b silu'(a),  db = dy silu(a) = dy a sigmoid(a).
 * Algorithm (rr2_p11d_div): A = exp(-|a|) from sa_gexp_d in float64 (arguments
 *   below -100 shifted by 100 and the result scaled by exp(-100) in float64, so A is kept down
 *   to a = -300: |dy b| reaches 2^256 and silu'(a) matters down to 2^-406); silu'(a) as in
 *   silu_backward; sigmoid(a) = (a >= 0 ? 1 : A) / (1 + A); da = (dy b) silu'(a) and
 *   db = (dy a) sigmoid(a) in float64 (dy b and dy a exact there), each rounded once: neither
 *   silu(a) nor silu'(a) is rounded on its own. a < -300: a replaced by -300 in both (results
 *   below 2^-168 for every finite dy, b: +-0, or +-inf for infinite dy or b).
 * Overflow: genuine only (|dy b silu'(a)| or |dy silu(a)| beyond FLT_MAX).
 * Max error measured: 0.5000 ULP (da where the terms do not cancel, and db) over b in {+-2^-20,
 *   +-1, +-3.7, +-2^20}; also checked with |dy b| up to 2^256 (a down to -320); budget 0.51.
 * Special values: a = +inf -> da = dy b (rounded once), db = dy * inf; a = -inf -> da =
 *   (dy * 0) b, db = dy * -0 (silu(-inf) = -0); a = +-0 -> da = dy b / 2, db = dy * +-0.
 * PyTorch: autograd of F.silu(a) * b. */
SA_INLINE sa_v sa_swiglu_bwd_v(sa_v dy, sa_v a, sa_v b, sa_v q, sa_v *db) {
    (void)q;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_vd A[2], D[2], ra[2], rb[2];
    sa_gexp_d_w(v_neg(v_abs(a)), zero, A);
    sa_m pos = v_ge(a, zero);
    sa_dsilu_d(A, v_clamp(a, -SA_GLIM_W, SA_GLIM_W), pos, D);
    sa_v am = v_sel(v_lt(a, v_set1(-SA_GLIM_W)), v_set1(-SA_GLIM_W), a);
    sa_v c1 = v_sel(pos, one, zero), c0 = v_sel(pos, zero, one);
    SA_FOR_DN(h) {
        sa_vd dyd = sa_vdh(dy, h);
        ra[h] = vd_mul(vd_mul(dyd, sa_vdh(b, h)), D[h]);
        sa_vd s = vd_div(vd_add(sa_vdh(c1, h), vd_mul(sa_vdh(c0, h), A[h])),
                         vd_add(vd_set1(1.0), A[h]));
        rb[h] = vd_mul(vd_mul(dyd, sa_vdh(am, h)), s);
    }
    sa_v da = SA_D_JOIN(ra), dbv = SA_D_JOIN(rb);
    sa_m ninf = v_eq(a, v_set1(-INFINITY));
    *db = v_sel(ninf, v_mul(dy, v_set1(-0.0f)), dbv);
    return v_sel(ninf, v_mul(v_mul(dy, zero), b), da);
}
SA_DEF_GRAD2(swiglu_backward, rr2_p11d_div, sa_swiglu_bwd_v)
