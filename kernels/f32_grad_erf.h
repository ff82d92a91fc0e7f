/* f32_grad_erf.h — float32 gradient kernels of the erf family (erf, gelu, gelu_tanh and the
 * gated geglu, geglu_tanh) and of the expm1 units (elu, selu, celu), written once over simd.h.
 *
 * Included by kernels/{scalar,avx2,avx512}/f32_grad_erf.c after defining SA_TARGET_*. Same rules
 * as every kernel (f32_kernels.h): no per-element branches, position independent, bit-identical
 * on every ISA, compiled with -ffp-contract=off (every FMA explicit).
 *
 * Every gradient is dx = dy * f'(x) as an IEEE product: a zero derivative (only the limits at
 * x = +-inf here) times an infinite or NaN dy gives NaN, and the sign of a zero result follows
 * the product. NaN operands come back quieted with the precedence x, dy, p, q (f32_driver.h).
 *
 * How the derivatives are finished: the exponential is taken from the exp core of f32_math.h
 * (hi + lo argument, so x^2 and the other arguments are never rounded before the exp) as the
 * unrounded value (m + mlo) * 2^k, and the derivative is assembled in float64 (products of two
 * floats and scalings by 2^k are exact there) and multiplied by dy (and b for the gated units)
 * in float64, then rounded to float32 once. So the result keeps its bits when f'(x) itself is
 * far below the float range (erf'(9) = 1e-35 times dy = 2^100 is a normal number), subnormal
 * results are rounded once, and a result beyond the float range overflows only in that final
 * rounding: the overflow flag is raised only for a genuine overflow (every intermediate is
 * clamped).
 *
 * The exp core is called with its argument clamped to [-300, 300] (SA_GLIM) instead of the
 * [-240, 240] f32_math.h quotes as checked: |dy * b| (gated units) and |dy * alpha| (elu) reach
 * 2^256, so derivatives down to e^-281 still matter. The core stays exact there: for |hi| >= 4,
 * hi and n * LN2_HI are both multiples of 2^-21 and |r| <= 0.35, so r = hi - n * LN2_HI is
 * exact; |hi * log2e| <= 433 is far inside the magic-constant rounding range; k in [-433, 433]
 * is inside sa_scale_d's [-1022, 1023] (the float64 scaling). Checked against exp in long
 * double on [-300, 300] (max relative error 2^-27.0, the same as on [-126, 126]).
 *
 * Errors: float32 ULPs of a float64 reference (tests/grad_ref_erf.py), measured over a strided
 * sweep of 2^22 x patterns (plus dense windows around every branch point and zero of f') times
 * dy in {1, -3.7, 1.1 * 2^-30, 1.3 * 2^40} (and the parameter / b grids), all three ISAs
 * bit-identical. Where f' has a zero (gelu, gelu_tanh, the da of the gated units) the error is
 * quoted with the allowance 4 * 2^-24 * (S - |f'|) of the budget rule (S = |dy| * sum of the
 * absolute values of the terms), i.e. the cancellation part only; elsewhere it is plain ULPs.
 */
#include "simd.h"
#include "f32_math.h"
#include "kernels.h"
#include "f32_driver.h"
#include "f32_cores.h"

#define SA_GLIM 300.0f
/* 2/sqrt(pi), 1/sqrt(2 pi) (float64, correctly rounded) */
#define SA_G_2_SQRTPI 0x1.20dd750429b6dp+0
#define SA_G_ISQ2PI 0x1.9884533d43651p-2
/* gelu_tanh: v = C1 x + C3 x^3, v' = C1 + 3 C3 x^2 (C1 = 2 sqrt(2/pi), C3 = 0.044715 C1) */
#define SA_G_C1 0x1.9884533d43651p+0
#define SA_G_3C3 0x1.b6676bf7450f0p-3
/* selu: scale and scale * alpha (torch's decimal constants, correctly rounded) */
#define SA_G_SELU_S 0x1.0cfabd6a91132p+0
#define SA_G_SELU_SA 0x1.c212cc640f031p+0

/* ------------------------------------------------------------------- exp as float64
 * exp(hi + lo), hi clamped to [-SA_GLIM, SA_GLIM]: the core's (m + mlo) 2^k kept unrounded;
 * sa_gexp_d gives half h of it in float64, exactly (m + mlo fits in a double, 2^k exact). */
typedef struct { sa_v m, mlo; sa_vi k; } sa_gexp;
SA_INLINE void sa_gexp_core(sa_v hi, sa_v lo, sa_gexp *e) {
    sa_vi k;
    e->m = sa_exp_core_lim(hi, lo, SA_GLIM, &k, &e->mlo);
    e->k = k;
}
/* m + mlo (unscaled) and the scaled value, half h */
SA_INLINE sa_vd sa_gexp_m(const sa_gexp *e, int h) {
    return vd_add(sa_vdh(e->m, h), sa_vdh(e->mlo, h));
}
SA_INLINE sa_vd sa_gexp_d(const sa_gexp *e, int h) { return sa_scale_d(sa_gexp_m(e, h), e->k, h); }

SA_INLINE sa_v sa_g_inf(void) { return v_asfloat(vi_set1(0x7f800000)); }

/* ============================================================================ erf_backward
 * erf'(x) = 2/sqrt(pi) exp(-x^2);  dx = dy * erf'(x).  torch: erf's backward
 * (2/sqrt(pi) * exp(-x^2) * grad).
 * Algorithm (sqr2_rr2_p7_f64): x^2 as an exact pair (fma) into the exp core, so exp(-x^2) keeps
 *   full relative accuracy at large |x|; dy * 2/sqrt(pi) * (m + mlo) * 2^k in float64, rounded
 *   once. |x| clamped to 17.5 (x^2 > 300: the true result is below 2^-300 |dy|, 0 for every
 *   float dy; the clamped one is a tiny positive number, so dy = inf still gives inf).
 * Max error measured: 0.586 ULP (x = -7.2334204, dy = 1.1 * 2^-30; plain ULPs, f' has no zero);
 *   0.556 with dy = 3e38.
 * Special values: x = +-inf -> dy * 0 (NaN for dy = +-inf); x = +-0 -> dy * 2/sqrt(pi). */
SA_INLINE sa_v sa_erf_bwd_v(sa_v dy, sa_v x, sa_v p_, sa_v q_) {
    (void)p_, (void)q_;
    sa_v ax = v_abs(x);
    sa_v a = v_sel(v_gt(ax, v_set1(17.5f)), v_set1(17.5f), ax);
    sa_v sl;
    sa_v sh = sa_sqr2(a, &sl);
    sa_gexp e;
    sa_gexp_core(v_neg(sh), v_neg(sl), &e);
    sa_vd r[2];
    SA_FOR_DN(h)
        r[h] = vd_mul(vd_mul(sa_vdh(dy, h), vd_set1(SA_G_2_SQRTPI)), sa_gexp_d(&e, h));
    sa_v y = SA_D_JOIN(r);
    return v_sel(v_eq(ax, sa_g_inf()), v_mul(dy, v_set1(0.0f)), y);
}
SA_DEF_GRAD(erf_backward, sqr2_rr2_p7_f64, sa_erf_bwd_v)

/* --------------------------------------------------------------------------- gelu pieces
 * gelu(x) = x Phi(x), gelu'(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi).
 * With a = |x|, E = exp(-a^2/2) = (m + mlo) 2^k (exp core, a^2/2 as an exact pair) and the gelu
 * tail's T(a) = a Phi(-a) exp(a^2/2) (f32_math.h: SA_GELU_TA on [0.5, 2.5] in a - 1.5,
 * SA_GELU_TB above in 1/a^2):
 *   |x| <  0.5: Phi(x) = 1/2 + x w, w = 1/sqrt(2 pi) + x^2 P(x^2) (SA_PHI_P, carried as the
 *               Fast2Sum pair wh + wl): gelu' = 1/2 + x (wh + wl) + x C E, gelu = x/2 + x^2 w;
 *   |x| >= 0.5: Phi(x) = [x > 0] - sgn(x) E T(a) / a:
 *               gelu' = [x > 0] + 2^k (m + mlo) (x C - sgn(x) T / a), gelu = max(x, 0) - E T.
 * T is evaluated here in float64 (not by a float Horner, which rounds its steps in
 * float: up to ~1.5 ULP of T at the left end of piece A, where the terms alternate) from the
 * same coefficient tables, piece A on [0.5, 2.5), piece B on [2.5, 8), and above 8 (piece B
 * is fitted to 14.5 only: 1.7 * 2^-24 off at 24.5) piece C, the asymptotic series
 * T = (1 - u + 3u^2 - 15u^3 + ... + 19!! u^10) / sqrt(2 pi), u = 1/a^2 (truncation error
 * < 0.02 * 2^-24 at a = 8). So the float32 results keep only T's fit error (0.16 / 0.27 *
 * 2^-24) and the exp core's (2^-28). a is clamped to 24.5 (a^2/2 <= 300; beyond,
 * |gelu'| < 2^-420 and gelu(x < 0) > -2^-425, 0 times any |dy b| <= 2^256; the clamped values
 * are tiny nonzero numbers of the right sign). */
/* (-1)^k (2k-1)!! / sqrt(2 pi), k = 0..10 */
static const double SA_G_TC[11] = {
    0x1.9884533d43651p-2, -0x1.9884533d43651p-2, 0x1.32633e6df28bdp+0, -0x1.7efc0e096f2ecp+2,
    0x1.4f1c8c484148ep+5, -0x1.79001dd149720p+8, 0x1.0330147fe27e6p+12, -0x1.a52e214fd00d6p+15,
    0x1.8adb3f3ad30c9p+19, -0x1.a388f32e803d5p+23, 0x1.f232a0c73848dp+27};
typedef struct {
    sa_v H, xs, wh, wl, xc, S, at, Xh, St;
    sa_vd T[2];
    sa_gexp e;
} sa_gelu_g;
SA_INLINE void sa_gelu_g_init(sa_v x, sa_gelu_g *g) {
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f), half = v_set1(0.5f);
    sa_v a = v_abs(x);
    sa_v ae = v_sel(v_gt(a, v_set1(24.5f)), v_set1(24.5f), a);
    sa_m sm = v_lt(a, half), pos = v_gt(x, zero);
    /* small piece: w = wh + wl */
    sa_v xs = v_sel(sm, x, zero);
    sa_v x2 = v_mul(xs, xs);
    sa_v pp;
    SA_HORNER(x2, SA_PHI_P, 4, pp);
    sa_v c0 = v_set1(0x1.988454p-2f);
    sa_v s = v_fma(x2, pp, v_set1(-0x1.857936p-27f));
    sa_v wh = v_add(c0, s);
    g->wl = v_add(v_sub(c0, wh), s);
    g->wh = wh;
    g->xs = xs;
    /* E = exp(-ae^2/2), a^2/2 as an exact pair */
    sa_v x2l;
    sa_v x2h = sa_sqr2(ae, &x2l);
    sa_gexp_core(v_neg(v_mul(x2h, half)), v_neg(v_mul(x2l, half)), &g->e);
    /* T(at), at in [0.5, 24.5], in float64: piece A in at - 1.5, pieces B and C in 1/at^2;
     * the per-lane coefficient is the exact blend fa A_j + fb B_j + fc C_j (f* in {0, 1}) */
    sa_v at = v_sel(sm, half, ae);
    sa_m pa = v_lt(at, v_set1(2.5f)), pc = v_ge(at, v_set1(8.0f));
    sa_v fav = v_sel(pa, one, zero), fcv = v_sel(pc, one, zero);
    sa_v fbv = v_sel(m_or(pa, pc), zero, one);
    SA_FOR_DN(h) {
        sa_vd ad = sa_vdh(at, h), fa = sa_vdh(fav, h), fb = sa_vdh(fbv, h), fc = sa_vdh(fcv, h);
        sa_vd ta = vd_sub(ad, vd_set1(1.5)), tb = vd_div(vd_set1(1.0), vd_mul(ad, ad));
        sa_vd t = vd_add(vd_mul(fa, ta), vd_mul(vd_sub(vd_set1(1.0), fa), tb));
        sa_vd acc = vd_set1(0.0);
        for (int j = 10; j >= 0; j--) {
            sa_vd c = vd_add(vd_add(vd_mul(fa, vd_set1((double)SA_GELU_TA[j])),
                                    vd_mul(fb, vd_set1((double)SA_GELU_TB[j]))),
                             vd_mul(fc, vd_set1(SA_G_TC[j])));
            acc = vd_add(vd_mul(acc, t), c);
        }
        g->T[h] = acc;
    }
    g->at = at;
    g->xc = v_copysign_pos(ae, x);
    g->H = v_sel(sm, half, v_sel(pos, one, zero));
    g->S = v_sel(sm, zero, v_sel(pos, one, v_set1(-1.0f)));
    g->Xh = v_sel(sm, zero, v_sel(pos, x, zero));  /* max(x, 0) in the tail lanes */
    g->St = v_sel(sm, zero, one);
}
/* gelu'(x), half h, float64 */
SA_INLINE sa_vd sa_gelu_g_d(const sa_gelu_g *g, int h) {
    sa_vd xs = sa_vdh(g->xs, h);
    sa_vd w = vd_add(sa_vdh(g->wh, h), sa_vdh(g->wl, h));
    sa_vd f = vd_sub(vd_mul(sa_vdh(g->xc, h), vd_set1(SA_G_ISQ2PI)),
                     vd_mul(sa_vdh(g->S, h), vd_div(g->T[h], sa_vdh(g->at, h))));
    sa_vd tl = sa_scale_d(vd_mul(sa_gexp_m(&g->e, h), f), g->e.k, h);
    return vd_add(vd_add(sa_vdh(g->H, h), vd_mul(xs, w)), tl);
}
/* gelu(x), half h, float64: x/2 + x^2 w (small) or max(x, 0) - E T */
SA_INLINE sa_vd sa_gelu_v_d(const sa_gelu_g *g, int h) {
    sa_vd xs = sa_vdh(g->xs, h);
    sa_vd w = vd_add(sa_vdh(g->wh, h), sa_vdh(g->wl, h));
    sa_vd sm = vd_add(vd_mul(xs, vd_set1(0.5)), vd_mul(vd_mul(xs, xs), w));
    sa_vd tl = sa_scale_d(vd_mul(vd_mul(sa_vdh(g->St, h), sa_gexp_m(&g->e, h)), g->T[h]),
                          g->e.k, h);
    return vd_sub(vd_add(sa_vdh(g->Xh, h), sm), tl);
}

/* =========================================================================== gelu_backward
 * gelu'(x) = Phi(x) + x phi(x) (exact erf GELU);  dx = dy * gelu'(x).
 * torch: gelu_backward(grad, x, approximate='none') = grad * (cdf + x * pdf).
 * Algorithm (p9_erfc_p10_f64): the gelu pieces above (Phi polynomial below 0.5, the gelu tail's
 *   exp(-a^2/2) T(a) above, E from the same exp core call), assembled in float64 and multiplied
 *   by dy there, rounded once. gelu' has a zero at x = -0.75179152 (Phi = -x phi): the error
 *   there is relative to S = |dy| (Phi + |x| phi), as the budget rule allows; the negative
 *   tail (gelu' ~ x phi(x)) keeps full relative accuracy down to the underflow point.
 * Max error measured: 0.553 ULP (x = 0.50001180, just above the 0.5 switch).
 * Special values: x = +inf -> dy (gelu' = 1); x = -inf -> dy * -0 (the limit from below; NaN
 *   for dy = +-inf); x = +-0 -> dy / 2. */
SA_INLINE sa_v sa_gelu_bwd_v(sa_v dy, sa_v x, sa_v p_, sa_v q_) {
    (void)p_, (void)q_;
    sa_gelu_g g;
    sa_gelu_g_init(x, &g);
    sa_vd r[2];
    SA_FOR_DN(h) r[h] = vd_mul(sa_vdh(dy, h), sa_gelu_g_d(&g, h));
    sa_v y = SA_D_JOIN(r);
    return v_sel(v_eq(x, v_neg(sa_g_inf())), v_mul(dy, v_set1(-0.0f)), y);
}
SA_DEF_GRAD(gelu_backward, p9_erfc_p10_f64, sa_gelu_bwd_v)

/* ============================================================================== geglu_backward
 * geglu(a, b) = gelu(a) b:  da = dy b gelu'(a),  db = dy gelu(a)   (b passed as p).
 * torch: the autograd of F.gelu(a) * b (grad_a = gelu_backward(grad * b, a), grad_b = grad *
 *   gelu(a)).
 * Algorithm (p9_erfc_p10_f64): the gelu pieces above; da = (dy b) gelu'(a) with dy b exact in
 *   float64, db = dy gelu(a), both rounded once: no product of three is rounded in between, so
 *   a tiny gelu'(a) times a large dy b keeps its bits.
 * Max error measured over the b grid: da 0.553 ULP (a = 0.50001180), db 0.820 ULP (a = -6.7160888,
 *   piece B's fit error); b = +-2^100 and 3e38 with dy up to 3e38: 0.775 (db, a = -2.5001774).
 * Overflow: genuine only (|dy b| > FLT_MAX, or |dy gelu(a)| > FLT_MAX).
 * Special values: a = +inf -> (dy b, dy * inf); a = -inf -> (dy b * -0, dy * -0); a = +-0 ->
 *   (dy b / 2, dy * +-0). */
SA_INLINE sa_v sa_geglu_bwd_v(sa_v dy, sa_v x, sa_v b, sa_v q_, sa_v *db) {
    (void)q_;
    sa_gelu_g g;
    sa_gelu_g_init(x, &g);
    sa_vd ra[2], rb[2];
    SA_FOR_DN(h) {
        sa_vd d = sa_vdh(dy, h);
        ra[h] = vd_mul(vd_mul(d, sa_vdh(b, h)), sa_gelu_g_d(&g, h));
        rb[h] = vd_mul(d, sa_gelu_v_d(&g, h));
    }
    sa_v da = SA_D_JOIN(ra), dbv = SA_D_JOIN(rb);
    sa_m ninf = v_eq(x, v_neg(sa_g_inf()));
    sa_v mz = v_set1(-0.0f);
    /* gelu(+-0) = +-0: dy * x keeps the sign of the zero */
    sa_m z0 = v_eq(x, v_set1(0.0f));
    dbv = v_sel(z0, v_mul(dy, v_sel(z0, x, mz)), dbv);
    *db = v_sel(ninf, v_mul(dy, mz), dbv);
    return v_sel(ninf, v_mul(dy, v_mul(b, mz)), da);
}
SA_DEF_GRAD2(geglu_backward, p9_erfc_p10_f64, sa_geglu_bwd_v)

/* ------------------------------------------------------------------------ gelu_tanh pieces
 * gelu_tanh(x) = x sigma(v), v = C1 x + C3 x^3, v' = C1 + 3 C3 x^2, sigma' = sigma (1 - sigma):
 *   gelu_tanh'(x) = sigma(v) + x v' sigma(v) sigma(-v).
 * With E = exp(-|v|) (v as the pair of sa_gelu_tanh_arg folded into the exp core: no rounded
 * exp argument) and D = 1 + E, in float64:
 *   sigma(v) = N / D (N = 1 for v >= 0, E for v < 0), sigma(v) sigma(-v) = E / D^2, so
 *   gelu_tanh' = (N D + x v' E) / D^2 and gelu_tanh = x N / D.
 * x is clamped to [-30, 30] (x^2 never overflows); |v| > 300 saturates in the exp core: for
 * v < -300 the true |gelu_tanh'| < 2^-418 (0 times any |dy b| <= 2^256; the clamped value is a
 * tiny negative number), for v > 300 gelu_tanh' = 1 in float64. */
typedef struct { sa_v N1, NE, x; sa_gexp e; } sa_gtanh_g;
SA_INLINE void sa_gtanh_g_init(sa_v x, sa_gtanh_g *g) {
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_v xc = v_clamp(x, -30.0f, 30.0f);
    sa_v vl;
    sa_v vh = sa_gelu_tanh_arg(xc, &vl);
    sa_m neg = v_lt(vh, zero);
    /* -|v| = -|vh| + (vh < 0 ? vl : -vl) */
    sa_gexp_core(v_neg(v_abs(vh)), v_sel(neg, vl, v_neg(vl)), &g->e);
    g->N1 = v_sel(neg, zero, one);
    g->NE = v_sel(neg, one, zero);
    g->x = xc;
}
/* D and N, half h */
SA_INLINE void sa_gtanh_dn(const sa_gtanh_g *g, int h, sa_vd *E, sa_vd *D, sa_vd *N) {
    *E = sa_gexp_d(&g->e, h);
    *D = vd_add(vd_set1(1.0), *E);
    *N = vd_add(sa_vdh(g->N1, h), vd_mul(sa_vdh(g->NE, h), *E));
}
SA_INLINE sa_vd sa_gtanh_g_d(const sa_gtanh_g *g, int h) {
    sa_vd E, D, N;
    sa_gtanh_dn(g, h, &E, &D, &N);
    sa_vd x = sa_vdh(g->x, h);
    sa_vd xvp = vd_mul(x, vd_add(vd_set1(SA_G_C1), vd_mul(vd_set1(SA_G_3C3), vd_mul(x, x))));
    return vd_div(vd_add(vd_mul(N, D), vd_mul(xvp, E)), vd_mul(D, D));
}

/* ====================================================================== gelu_tanh_backward
 * gelu_tanh'(x) = sigma(v) + x v' sigma(v) sigma(-v) = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u)
 *   sqrt(2/pi) (1 + 3 * 0.044715 x^2), u = v/2;  dx = dy * gelu_tanh'(x).
 * torch: gelu_backward(grad, x, approximate='tanh') (the same two terms).
 * Algorithm (hilo_rr2_p7_f64): v as the unevaluated pair of sa_gelu_tanh_arg, E = exp(-|v|) from
 *   the exp core (pair argument), the rational form above and the product with dy in float64,
 *   rounded once. Zero of gelu_tanh' at x = -0.75246142: error relative to S = |dy| (sigma +
 *   |x v'| sigma sigma(-v)); the negative tail keeps full relative accuracy.
 * Max error measured: 0.541 ULP (x = -11.298553, dy = 1.3 * 2^40).
 * Special values: x = +inf -> dy; x = -inf -> dy * -0 (NaN for dy = +-inf); x = +-0 -> dy / 2. */
SA_INLINE sa_v sa_gelu_tanh_bwd_v(sa_v dy, sa_v x, sa_v p_, sa_v q_) {
    (void)p_, (void)q_;
    sa_gtanh_g g;
    sa_gtanh_g_init(x, &g);
    sa_vd r[2];
    SA_FOR_DN(h) r[h] = vd_mul(sa_vdh(dy, h), sa_gtanh_g_d(&g, h));
    sa_v y = SA_D_JOIN(r);
    return v_sel(v_eq(x, v_neg(sa_g_inf())), v_mul(dy, v_set1(-0.0f)), y);
}
SA_DEF_GRAD(gelu_tanh_backward, hilo_rr2_p7_f64, sa_gelu_tanh_bwd_v)

/* ======================================================================== geglu_tanh_backward
 * geglu_tanh(a, b) = gelu_tanh(a) b:  da = dy b gelu_tanh'(a),  db = dy gelu_tanh(a).
 * torch: the autograd of F.gelu(a, approximate='tanh') * b.
 * Algorithm (hilo_rr2_p7_f64): the gelu_tanh pieces above; da = (dy b) gelu_tanh'(a) (dy b exact
 *   in float64), db = dy a N / D, both rounded once.
 * Max error measured over the b grid: da 0.541 ULP (a = -11.298553), db 0.586 ULP
 *   (a = -3.8089478); b = +-2^100 and 3e38 with dy up to 3e38: 0.551.
 * Overflow: genuine only.
 * Special values: a = +inf -> (dy b, dy * inf); a = -inf -> (dy b * -0, dy * -0); a = +-0 ->
 *   (dy b / 2, dy * +-0). */
SA_INLINE sa_v sa_geglu_tanh_bwd_v(sa_v dy, sa_v x, sa_v b, sa_v q_, sa_v *db) {
    (void)q_;
    sa_gtanh_g g;
    sa_gtanh_g_init(x, &g);
    sa_vd ra[2], rb[2];
    SA_FOR_DN(h) {
        sa_vd d = sa_vdh(dy, h), E, D, N;
        ra[h] = vd_mul(vd_mul(d, sa_vdh(b, h)), sa_gtanh_g_d(&g, h));
        sa_gtanh_dn(&g, h, &E, &D, &N);
        rb[h] = vd_mul(d, vd_div(vd_mul(sa_vdh(x, h), N), D));
    }
    sa_v da = SA_D_JOIN(ra), dbv = SA_D_JOIN(rb);
    sa_m ninf = v_eq(x, v_neg(sa_g_inf()));
    sa_v mz = v_set1(-0.0f);
    *db = v_sel(ninf, v_mul(dy, mz), dbv);
    return v_sel(ninf, v_mul(dy, v_mul(b, mz)), da);
}
SA_DEF_GRAD2(geglu_tanh_backward, hilo_rr2_p7_f64, sa_geglu_tanh_bwd_v)

/* ============================================================================ selu_backward
 * selu'(x) = scale for x > 0, scale * alpha * exp(x) for x <= 0 (alpha's branch at 0, as torch);
 *   dx = dy * selu'(x).  torch: elu_backward(grad, alpha, scale, 1, is_result=False, x).
 * Algorithm (rr2_p7_f64): E = exp(min(x, 0)) from the exp core as (m + mlo) 2^k; in float64
 *   dy * (scale * [x > 0] + scale alpha * [x <= 0] * E), rounded once (scale and scale * alpha
 *   the correctly rounded float64 values of torch's decimal constants).
 * Max error measured: 0.566 ULP (x = -0.30442533, dy = 1.3 * 2^40).
 * Overflow: genuine only (|dy| scale > FLT_MAX).
 * Special values: x = +inf -> dy * scale; x = -inf -> dy * 0 (NaN for dy = +-inf);
 *   x = +-0 -> dy * scale * alpha. */
SA_INLINE sa_v sa_selu_bwd_v(sa_v dy, sa_v x, sa_v p_, sa_v q_) {
    (void)p_, (void)q_;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m pos = v_gt(x, zero);
    sa_gexp e;
    sa_gexp_core(v_sel(pos, zero, x), zero, &e);
    sa_v A = v_sel(pos, zero, one), B = v_sel(pos, one, zero);
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd g = vd_add(vd_mul(vd_mul(sa_vdh(A, h), vd_set1(SA_G_SELU_SA)), sa_gexp_d(&e, h)),
                         vd_mul(sa_vdh(B, h), vd_set1(SA_G_SELU_S)));
        r[h] = vd_mul(sa_vdh(dy, h), g);
    }
    sa_v y = SA_D_JOIN(r);
    return v_sel(v_eq(x, v_neg(sa_g_inf())), v_mul(dy, zero), y);
}
SA_DEF_GRAD(selu_backward, rr2_p7_f64, sa_selu_bwd_v)

/* ================================================================ selu_backward_from_output
 * With y = selu(x): selu' = scale for y > 0, y + scale * alpha for y <= 0;
 *   dx = dy * that.  torch: elu_backward(grad, alpha, scale, 1, is_result=True, y).
 * Algorithm (f64_add): dy * (scale [y > 0] + (y + scale alpha) [y <= 0]) in float64 (the sum
 *   y + scale alpha is within 2^-53 of the reference's), rounded once.
 * Max error measured: 0.500 ULP (correctly rounded up to the float64 sum's rounding).
 * Overflow: genuine only. Special values: y = +inf -> dy * scale; y = -inf -> dy * -inf. */
SA_INLINE sa_v sa_selu_bwd_y_v(sa_v dy, sa_v y, sa_v p_, sa_v q_) {
    (void)p_, (void)q_;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m pos = v_gt(y, zero);
    sa_v yy = v_sel(pos, zero, y);
    sa_v A = v_sel(pos, zero, one), B = v_sel(pos, one, zero);
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd g = vd_add(vd_add(sa_vdh(yy, h), vd_mul(sa_vdh(A, h), vd_set1(SA_G_SELU_SA))),
                         vd_mul(sa_vdh(B, h), vd_set1(SA_G_SELU_S)));
        r[h] = vd_mul(sa_vdh(dy, h), g);
    }
    return SA_D_JOIN(r);
}
SA_DEF_GRAD(selu_backward_from_output, f64_add, sa_selu_bwd_y_v)

/* ============================================================================= elu_backward
 * elu'(x, alpha) = 1 for x > 0, alpha * exp(x) for x <= 0 (alpha's branch at 0, as torch);
 *   dx = dy * elu'(x). One kernel for elu_backward (alpha = 1) and elu_alpha_backward.
 *   torch: elu_backward(grad, alpha, 1, 1, is_result=False, x).
 * Algorithm (rr2_p7_f64): E = exp(min(x, 0)) = (m + mlo) 2^k from the exp core (exactly 1 for
 *   x > 0); (dy * c) * E in float64 with c = 1 (x > 0) or alpha (dy * alpha exact), rounded
 *   once: |dy alpha| up to 2^256 keeps exp(x) down to e^-281 significant (argument clamp 300).
 * Max error measured: 0.589 ULP (x = -12.794613, alpha = 1, dy = 1.3 * 2^40), the same over the
 *   alpha grid; alpha = +-3e38, 1e-40 with dy up to 3e38: 0.568.
 * Any float alpha. Overflow: genuine only (|dy alpha| e^x > FLT_MAX).
 * Special values: x = +inf -> dy; x = -inf -> dy * (alpha * 0); x = +-0 -> dy * alpha. */
SA_INLINE sa_v sa_elu_bwd_v(sa_v dy, sa_v x, sa_v al, sa_v q_) {
    (void)q_;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m pos = v_gt(x, zero);
    sa_gexp e;
    sa_gexp_core(v_sel(pos, zero, x), zero, &e);
    sa_v c = v_sel(pos, one, al);
    sa_vd r[2];
    SA_FOR_DN(h)
        r[h] = vd_mul(vd_mul(sa_vdh(dy, h), sa_vdh(c, h)), sa_gexp_d(&e, h));
    sa_v y = SA_D_JOIN(r);
    return v_sel(v_eq(x, v_neg(sa_g_inf())), v_mul(dy, v_mul(al, zero)), y);
}
SA_DEF_GRAD(elu_backward, rr2_p7_f64, sa_elu_bwd_v)

/* ================================================================= elu_backward_from_output
 * With y = elu(x, alpha): elu' = 1 for y > 0, y + alpha for y <= 0; dx = dy * that.
 *   torch: elu_backward(grad, alpha, 1, 1, is_result=True, y).
 * Algorithm (f64_add): dy * ([y > 0] + (y + alpha) [y <= 0]) in float64 (y + alpha within 2^-53
 *   of the reference's sum), rounded once. Any float alpha.
 * Max error measured: 0.500 ULP over the alpha grid (and alpha = 3e38, 1e-40).
 * Overflow: genuine only. Special values: y = +inf -> dy; y = -inf -> dy * -inf. */
SA_INLINE sa_v sa_elu_bwd_y_v(sa_v dy, sa_v y, sa_v al, sa_v q_) {
    (void)q_;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m pos = v_gt(y, zero);
    sa_v yy = v_sel(pos, zero, y), aa = v_sel(pos, one, al);
    sa_vd r[2];
    SA_FOR_DN(h)
        r[h] = vd_mul(sa_vdh(dy, h), vd_add(sa_vdh(yy, h), sa_vdh(aa, h)));
    return SA_D_JOIN(r);
}
SA_DEF_GRAD(elu_backward_from_output, f64_add, sa_elu_bwd_y_v)

/* ============================================================================ celu_backward
 * celu'(x, alpha) = 1 for x > 0, exp(x / alpha) for x <= 0; dx = dy * celu'(x). One kernel for
 *   celu_backward (alpha = 1) and celu_alpha_backward.
 *   torch: elu_backward(grad, alpha, 1, 1/alpha, is_result=False, x) (torch's input_scale 1/alpha
 *   is computed in float32 even for float64 tensors and multiplied; this is the exact formula).
 * Algorithm (div2_rr2_p7_f64): z = x / alpha as an exact-enough pair (q = fl(x/alpha),
 *   ql = fma(-q, alpha, x) / alpha; operands scaled by 2^100 when |alpha| < 2^-100 so the
 *   remainder never underflows), so the exp argument is not rounded; exp core, dy * E in
 *   float64, rounded once. |x| > 256 |alpha| (tested without forming x / alpha): z = -300
 *   (alpha > 0: the result is 0 for every float dy, a tiny positive number here) or +300
 *   (alpha < 0: overflows for every nonzero dy, as the true result).
 * Max error measured: 0.599 ULP over the alpha grid (alpha = -10, x = -45.571712); 0.589 at
 *   alpha = 1; alpha = +-1e-40 (subnormal), +-3e38, 2^-101 with dy up to 3e38: 0.584.
 * Overflow: genuine only (alpha < 0: dy e^(x/alpha) > FLT_MAX).
 * Special values: x = +inf -> dy; x = +-0 -> dy; x = -inf or alpha = +-0 (x < 0): the limit
 *   exp(x / alpha) = +0 (alpha > 0 or +0) or +inf (alpha < 0 or -0), dy times it (no overflow
 *   flag: an infinite limit is no overflow). torch rejects alpha = 0. */
SA_INLINE sa_v sa_celu_bwd_v(sa_v dy, sa_v x, sa_v al, sa_v q_) {
    (void)q_;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m pos = v_gt(x, zero);
    sa_v xn = v_sel(pos, zero, x);
    sa_m alneg = v_lt(v_copysign_pos(one, al), zero);        /* sign bit of alpha */
    /* limits: x = -inf, or alpha = +-0 with x < 0 */
    sa_m lim = m_or(v_eq(xn, v_neg(sa_g_inf())), m_and(v_eq(al, zero), v_lt(xn, zero)));
    sa_v limv = v_sel(alneg, sa_g_inf(), zero);
    sa_m big = v_gt(v_mul(v_abs(xn), v_set1(0x1p-8f)), v_abs(al));
    sa_v xd = v_sel(m_or(big, lim), zero, xn);
    sa_v sc = v_sel(v_lt(v_abs(al), v_set1(0x1p-100f)), v_set1(0x1p100f), one);
    sa_v als = v_sel(v_eq(al, zero), one, v_mul(al, sc));
    xd = v_mul(xd, sc);
    sa_v qh = v_div(xd, als);
    sa_v ql = v_div(v_fnma(qh, als, xd), als);
    ql = v_sel(v_eq(v_abs(als), sa_g_inf()), zero, ql); /* alpha = +-inf: z = -+0, no NaN */
    /* big lanes: z = -+300; the limit lanes get z = 0 (their exp is discarded; e^300 there
     * would raise a spurious overflow flag) */
    sa_v zb = v_sel(lim, zero, v_sel(alneg, v_set1(300.0f), v_set1(-300.0f)));
    sa_gexp e;
    sa_gexp_core(v_sel(big, zb, qh), v_sel(big, zero, ql), &e);
    sa_vd r[2];
    SA_FOR_DN(h) r[h] = vd_mul(sa_vdh(dy, h), sa_gexp_d(&e, h));
    sa_v y = SA_D_JOIN(r);
    return v_sel(lim, v_mul(dy, limv), y);
}
SA_DEF_GRAD(celu_backward, div2_rr2_p7_f64, sa_celu_bwd_v)

/* ================================================================ celu_backward_from_output
 * With y = celu(x, alpha): celu' = 1 for y > 0, y / alpha + 1 for y <= 0; dx = dy * that.
 *   torch: elu_backward(grad, alpha, 1, 1/alpha, is_result=True, y) = grad * (1/alpha) *
 *   (y + alpha) (the same value up to torch's roundings).
 * Algorithm (f64_div): dy * (y / alpha + 1) in float64 (y / alpha within 2^-53 of the
 *   reference's), rounded once. alpha = 0 (rejected by torch): y / 0 -> +-inf, NaN at y = 0.
 * Max error measured: 0.500 ULP over the alpha grid (and alpha = 1e-40, -3e38).
 * Overflow: genuine only. Special values: y = +inf -> dy; y = -inf -> dy * (-inf / alpha). */
SA_INLINE sa_v sa_celu_bwd_y_v(sa_v dy, sa_v y, sa_v al, sa_v q_) {
    (void)q_;
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m pos = v_gt(y, zero);
    sa_v yy = v_sel(pos, zero, y), aa = v_sel(pos, one, al);
    sa_vd r[2];
    SA_FOR_DN(h)
        r[h] = vd_mul(sa_vdh(dy, h),
                      vd_add(vd_div(sa_vdh(yy, h), sa_vdh(aa, h)), vd_set1(1.0)));
    return SA_D_JOIN(r);
}
SA_DEF_GRAD(celu_backward_from_output, f64_div, sa_celu_bwd_y_v)
