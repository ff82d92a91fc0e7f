/* f32_catalogue_exp.h — simdact's float32 catalogue kernels of the exp/log family and the
 * gated units, written once over simd.h.
 *
 * Included by kernels/{scalar,avx2,avx512}/f32_catalogue_exp.c after defining SA_TARGET_*.
 * Compile with -O2 -ffp-contract=off, never -ffast-math (see f32_kernels.h for the rules
 * common to every kernel: position independence, no per-element branches, no DAZ/FTZ
 * assumption, bit-identical results on every ISA).
 *
 * Every kernel here keeps its exp result as a float mantissa pair times 2^k and finishes in
 * float64 (products of two floats and scalings by 2^k are exact there), so each result is
 * rounded to float32 exactly once, subnormal results included; a result beyond the float range
 * overflows only in that final rounding, so the overflow flag is raised only for a genuine
 * overflow (intermediates are clamped so they never overflow).
 * Errors: float32 ULPs of a float64/long double reference, measured by
 * kernels/tests/catalogue_exp_sweep.c (2^24 strided bit patterns + windows around every branch
 * point + specials, over the parameter grids; all three ISAs bit-identical).
 */
#include "simd.h"
#include "f32_math.h"
#include "kernels.h"
#include "f32_driver.h"
#include <math.h>
#include "f32_cores.h"

#define SA_SELU_SCALE 1.0507009873554804934193349852946
#define SA_SELU_ALPHA 1.6732632423543772848170429916717

/* ================================================================================ elu
 * elu(x, alpha) = x if x > 0 else alpha * expm1(x)   (torch.nn.functional.elu, alpha = 1).
 * Max error measured: 0.8177 ULP over all 2^32 inputs at alpha = 1 (x = -0x1.254a28p-2; ulp_sweep
 *   exhaustive); 0.799 on the sampled alpha grid (alpha = -1, x = -0x1.24246ap-2); budget 0.82.
 * Algorithm (rr2_p7_expm1): z = min(x, 0) into the expm1 core (Cody-Waite, degree-7
 *   polynomial, expm1(z) = ((1 - 2^-n) + s) 2^n in float64, never exp(z) - 1); alpha * expm1
 *   in float64, rounded once. x < -87.5 -> -alpha (exactly the rounded value).
 * Any float alpha (negative too: the result is then in [0, -alpha)); no overflow possible.
 * Special values: elu(+-0) = alpha * (+-0) (elu(-0) = -0 for alpha > 0), elu(+inf) = +inf,
 *   elu(-inf) = -alpha, NaN x -> NaN; NaN alpha -> NaN for x <= 0, x for x > 0. */
SA_INLINE sa_v sa_elu_pv(sa_v x, sa_v al, sa_v q) {
    (void)q;
    sa_v zero = v_set1(0.0f);
    sa_m pos = v_gt(x, zero);
    sa_em1 e;
    sa_expm1_core(v_sel(pos, zero, x), zero, &e);
    sa_vd r[2];
    SA_FOR_DN(h) r[h] = vd_mul(sa_vdh(al, h), sa_expm1_d(&e, h));
    sa_v y = SA_D_JOIN(r);
    y = v_sel(pos, x, y);
    sa_m z0 = v_eq(x, zero);
    return v_sel(z0, v_mul(al, v_sel(z0, x, zero)), y);
}
SA_DEF_PARAM(elu, rr2_p7_expm1, sa_elu_pv)

/* =============================================================================== selu
 * selu(x) = scale * (x if x > 0 else alpha * expm1(x)), alpha = 1.6732632423543772848,
 *   scale = 1.0507009873554804934 (torch.nn.functional.selu).
 * Max error measured: 0.7929 ULP over all 2^32 inputs (x = -0x1.4cc7eap-2; ulp_sweep exhaustive); budget 0.8.
 * Algorithm (rr2_p7_expm1): as elu; in float64 y = scale * max(x, 0) + (scale * alpha) *
 *   expm1(min(x, 0)) (one term is exactly 0), constants in float64, rounded once.
 * Overflow: genuine for x > FLT_MAX / scale (-> +inf, overflow flag); nothing else overflows.
 * Special values: selu(+-0) = +-0, selu(+inf) = +inf, selu(-inf) = -scale*alpha rounded,
 *   NaN -> NaN. */
SA_INLINE sa_v sa_selu_v(sa_v x) {
    sa_v zero = v_set1(0.0f);
    sa_m pos = v_gt(x, zero);
    sa_em1 e;
    sa_expm1_core(v_sel(pos, zero, x), zero, &e);
    sa_v xp = v_sel(pos, x, zero);
    sa_vd r[2];
    SA_FOR_DN(h)
        r[h] = vd_add(vd_mul(vd_set1(SA_SELU_SCALE), sa_vdh(xp, h)),
                      vd_mul(vd_set1(SA_SELU_SCALE * SA_SELU_ALPHA), sa_expm1_d(&e, h)));
    sa_v y = SA_D_JOIN(r);
    return v_sel(v_eq(x, zero), x, y);
}
SA_DEF_UNARY(selu, rr2_p7_expm1, sa_selu_v)

/* =============================================================================== celu
 * celu(x, alpha) = max(0, x) + min(0, alpha * expm1(x / alpha))  (torch.nn.functional.celu,
 *   alpha = 1) = x for x > 0, alpha * expm1(x / alpha) for x <= 0 (for either sign of alpha).
 * Max error measured: 0.8177 ULP over all 2^32 inputs at alpha = 1 (x = -0x1.254a28p-2; ulp_sweep
 *   exhaustive); 0.776 on the sampled alpha grid (alpha = -1, x = -0x1.5cdd5ep-2); every
 *   negative float32 x at alpha = 0.1, -0.01, 10, 1e-30, 3e38, -1e-41: at most 0.7922 (alpha =
 *   -0.01, x = -0x1.af57cap-9); budget 0.82.
 * Algorithm (rcp_rr2_p7_expm1): z = x / alpha as an exact-enough pair through one reciprocal
 *   r = fl(1/alpha) (hoisted out of the loop for a broadcast alpha; two divisions per vector
 *   before): qh = fl(x r) is within two ulps of x / alpha, rem = fma(-qh, alpha, x) is the
 *   remainder (exact, or rounded at 2^-24 of itself: 2^-46 of qh), ql = rem r, so the exp
 *   argument is not rounded (a rounded x/alpha costs |z| 2^-24 relative: 40+ ULP for alpha <
 *   0). |alpha| < 2^-20 (1/alpha would overflow below 2^-128, rem go subnormal): alpha and x
 *   scaled by 2^100 first, exactly. x is clamped at -min(256 |alpha|, FLT_MAX) first, so
 *   x / alpha is never formed unclamped and cannot overflow: |z| <= 256, beyond which expm1
 *   is -1 (alpha > 0: -alpha) or overflows (alpha < 0: -inf, genuine) for any larger |z| too;
 *   x = -inf takes its limit directly (0 goes into the core). expm1 core as elu; alpha *
 *   expm1 in float64, rounded once. |z| < 2^-30: celu(x) = x + x^2/(2 alpha) rounds to x
 *   (+-0 included).
 * Overflow: only for alpha < 0 and x < 0 where |alpha| e^(x/alpha) exceeds FLT_MAX (genuine).
 * Special values: celu(+-0) = +-0, celu(+inf) = +inf, celu(-inf) = -alpha (alpha > 0) or
 *   -inf (alpha < 0; given directly: through e^256 it would raise the overflow flag, and an
 *   infinite input is no overflow); NaN x -> NaN; alpha = +-0 (torch rejects it): x for
 *   x >= 0, alpha for x < 0; alpha = +-inf: x (the limit). */
SA_INLINE sa_v sa_celu_pv(sa_v x, sa_v al, sa_v q_) {
    (void)q_;
    sa_v zero = v_set1(0.0f), aa = v_abs(al);
    sa_m pos = v_gt(x, zero), ninf = v_eq(x, v_set1(-INFINITY));
    /* v_max(bound, x) keeps a NaN x (no overflow flag from a NaN input) */
    sa_v bound = v_mul(v_min(aa, v_set1(0x1.fffffep119f)), v_set1(-256.0f));
    sa_v xc = v_max(bound, v_sel(m_or(pos, ninf), zero, x));
    sa_v sc = v_sel(v_lt(aa, v_set1(0x1p-20f)), v_set1(0x1p100f), v_set1(1.0f));
    sa_v als = v_mul(al, sc), r = v_div(v_set1(1.0f), als), xs = v_mul(xc, sc);
    sa_v qh = v_mul(xs, r);
    sa_v ql = v_mul(v_fnma(qh, als, xs), r);
    sa_em1 e;
    sa_expm1_core(qh, ql, &e);
    sa_vd rr[2];
    SA_FOR_DN(h) rr[h] = vd_mul(sa_vdh(al, h), sa_expm1_d(&e, h));
    sa_v y = v_sel(m_or(pos, v_lt(v_abs(qh), v_set1(0x1p-30f))), x, SA_D_JOIN(rr));
    y = v_sel(ninf, v_sel(v_lt(al, zero), v_set1(-INFINITY), v_neg(al)), y);
    sa_m zal = v_eq(al, zero);
    if (m_any(zal)) y = v_sel(zal, v_sel(v_lt(x, zero), al, x), y);
    return y;
}
SA_DEF_PARAM(celu, rcp_rr2_p7_expm1, sa_celu_pv)

/* =========================================================================== softplus
 * softplus(x, beta, threshold) = x if beta x > threshold else log1p(exp(beta x)) / beta
 *   (torch.nn.functional.softplus, beta = 1, threshold = 20; the test is on fl32(beta x) as
 *   in torch).
 * Max error measured: 0.588 ULP (beta = 0.1, x = -0x1.e5288cp+6; grid beta x threshold {5, 20, 50}) (catalogue_exp_sweep, all three ISAs identical); budget 0.61 (0.603 at beta = 1.7, x = -10.4 in the test sweep).
 * Algorithm (hilo_rr2_p7_log1pd): v = beta x as an exact pair (fma), E = exp(-|v|) from the exp
 *   core as (m + mlo) 2^k (argument clamped at -210: k >= -303), then in float64
 *   L = log1p(E) = u S2 (sa_log1p_d2: 2 atanh(E/(2+E)), a 2^-33 polynomial) and y = (v > 0 ?
 *   x : 0) + u (S2 / beta) by one fma (for v > 0, log1p(e^v)/beta = x + log1p(e^-v)/beta: no
 *   rounded v is divided back), rounded once to float32. fl32(|beta x|) > 200 (decided
 *   without a product that could overflow or go subnormal, see below): x for beta x > 0, +-0
 *   (sign of beta) for beta x < 0.
 * Overflow: genuine only (L / beta for tiny beta, e.g. ln2 / beta > FLT_MAX).
 * Special values: softplus(+inf) = +inf, softplus(-inf) = +0 (beta > 0), NaN -> NaN,
 *   beta = 0 -> +inf (log 2 / 0 as torch). */
SA_INLINE sa_v sa_softplus_pv(sa_v x, sa_v be, sa_v th) {
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    /* |beta x| > 200, decided on fl32(|beta x|) itself, with no flag and no subnormal product
     * (a microcode assist per vector). Where every |beta| is in [2^-50, 2^50] (any sane beta;
     * NaN too), |x| and |beta| clamped to [2^-62, 2^62] give a product in [2^-112, 2^112]
     * that is fl32(|beta x|) wherever no clamp acted, and on the same side of 200 where one
     * did (|x| > 2^62: both products >= 2^12; |x| < 2^-62: both <= 2^-12). Otherwise the
     * product is formed in float64, where it is exact, clamped to [1, 1000] (NaN kept) before
     * it is rounded. The float32 test: 3.98 -> 3.4 ns / element (Zen 3, AVX2; the float64
     * one took four conversions per vector). */
    sa_v ab = v_abs(be);
    sa_m big;
    if (__builtin_expect(!m_any(m_or(v_lt(ab, v_set1(0x1p-50f)), v_gt(ab, v_set1(0x1p50f)))), 1)) {
        const sa_v lo = v_set1(0x1p-62f), hi = v_set1(0x1p62f);
        sa_v px = v_mul(v_min(v_max(v_abs(x), lo), hi), v_min(v_max(ab, lo), hi));
        big = v_gt(px, v_set1(200.0f));
    } else {
        sa_vd bx[2];
        SA_FOR_DN(h)
            bx[h] = vd_max(vd_set1(1.0), vd_min(vd_set1(1000.0),
                                                 vd_mul(sa_vdh(v_abs(x), h), sa_vdh(ab, h))));
        big = v_gt(SA_D_JOIN(bx), v_set1(200.0f));
    }
    sa_m negp = v_lt(v_mul(v_copysign_pos(one, x), v_copysign_pos(one, be)), zero);
    sa_v xs = v_sel(big, zero, x);
    sa_v vh = v_mul(be, xs);
    sa_v vl = v_fms(be, xs, vh);
    sa_m vpos = v_gt(vh, zero);
    sa_vi k;
    sa_v mlo;
    sa_v m = sa_exp_core_lim(v_neg(v_abs(vh)), v_sel(vpos, v_neg(vl), vl), 210.0f, &k, &mlo);
    sa_v xp = v_sel(vpos, x, zero);
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd E = sa_scale_d(vd_add(sa_vdh(m, h), sa_vdh(mlo, h)), k, h);
        /* L / beta as u (S2 times 1/beta) (rounded, 2^-53: invisible after the float32
         * rounding), so the division runs beside the exp and log1p chain, not after it; for
         * beta = 1 that is x + u S2 rounded once, the bits softplus_unit_beta's -(-x - u S2)
         * gives (below) */
        sa_vd rb = vd_div(vd_set1(1.0), sa_vdh(be, h)), u, S2 = sa_log1p_d2(E, &u);
        r[h] = vd_fma(u, vd_mul(S2, rb), sa_vdh(xp, h));
    }
    sa_v y = SA_D_JOIN(r);
    y = v_sel(v_gt(vh, th), x, y);
    y = v_sel(big, v_sel(negp, v_copysign_pos(zero, be), x), y);
    return y;
}
SA_DEF_PARAM(softplus_any_beta, hilo_rr2_p7_log1pd, sa_softplus_pv)
/* ======================================================================== log_sigmoid
 * log_sigmoid(x) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|))  (torch logsigmoid).
 * Max error measured: 0.5827 ULP over all 2^32 inputs (x = 0x1.49b16p+5; ulp_sweep exhaustive); budget 0.59.
 * Algorithm (rr2_p7_log1pd): E = exp(-|x|) = (m + mlo) 2^k (exp core), float64
 *   y = min(x, 0) - u S2 by one fma (log1p(E) = u S2: sa_log1p_d2, the 2 atanh series),
 *   rounded once to float32 (results for x > 87 are tiny negative numbers, subnormal above
 *   87.3, -0 above 103.3: kept to full relative accuracy).
 * Special values: log_sigmoid(+inf) = -0, (-inf) = -inf, (+-0) = -log 2, NaN -> NaN. */
SA_INLINE sa_v sa_log_sigmoid_v(sa_v x) {
    sa_v zero = v_set1(0.0f);
    sa_vi k;
    sa_v mlo;
    sa_v m = sa_exp_core(v_neg(v_abs(x)), zero, &k, &mlo);
    sa_v xm = v_sel(v_lt(x, zero), x, zero);
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd E = sa_scale_d(vd_add(sa_vdh(m, h), sa_vdh(mlo, h)), k, h);
        sa_vd u, S2 = sa_log1p_d2(E, &u);
        r[h] = vd_fnma(u, S2, sa_vdh(xm, h));
    }
    return SA_D_JOIN(r);
}
SA_DEF_UNARY(log_sigmoid, rr2_p7_log1pd, sa_log_sigmoid_v)

SA_INLINE sa_v sa_softplus_unit_beta_v(sa_v x) { return v_neg(sa_log_sigmoid_v(v_neg(x))); }
SA_DEF_UNARY(softplus_unit_beta, rr2_p7_log1pd, sa_softplus_unit_beta_v)
/* softplus's kernel (here, below the log_sigmoid core it borrows): one beta = 1 and one
 * threshold >= 16 for the whole call (torch's defaults among them) run -log_sigmoid(-x), the
 * bits softplus_any_beta gives there (checked on all 2^32 x at beta = 1, threshold 16 and 20,
 * scalar and AVX2; tests/per_isa/test_elementwise.py compares the two paths on every ISA),
 * without the |beta x| test, the pair v = beta x and the float64 1/beta. Why the same: v = x
 * exactly, L / 1 = L, the exp cores agree wherever the result is not 0 (|x| <= 104; clamped
 * at 126 there, at 210 in softplus_any_beta), and x + L (x > 0) or L is what
 * log_sigmoid(-x) = min(-x, 0) - L gives, negated (round to nearest is symmetric). Above the
 * threshold softplus_any_beta returns x, and x + L rounds to x for every x >= 16 (L < e^-16 <
 * ulp(16) / 2); x < -200: +0 as -(-0). Zen 3, AVX2, 1M elements: 3.40 -> 2.7 ns per element.
 * Parameter arrays take the general code (a per-vector test cost it 7%). */
void SA_K(softplus, hilo_rr2_p7_log1pd)(const float *x, const float *p, size_t ps,
                                        const float *q, size_t qs, float *y, size_t n) {
    if (!(ps | qs) && p[0] == 1.0f && q[0] >= 16.0f)
        SA_K(softplus_unit_beta, rr2_p7_log1pd)(x, y, n);
    else
        SA_K(softplus_any_beta, hilo_rr2_p7_log1pd)(x, p, ps, q, qs, y, n);
}

/* =============================================================================== mish
 * mish(x) = x * tanh(softplus(x)) = x * n / (n + 2), n = e^x (e^x + 2).
 * Max error measured: 0.6030 ULP over all 2^32 inputs (x = -0x1.4f6fcp+5; ulp_sweep exhaustive); budget 0.61.
 * Algorithm (rr2_p7_ratd): A = exp(-|x|) = (m + mlo) 2^k exactly in float64, then
 *   x <= 0 (A = e^x):  tanh(softplus) = A (A + 2) / (A (A + 2) + 2)
 *   x >  0 (A = e^-x): tanh(softplus) = (1 + 2A) / (1 + 2A + 2A^2)   (no e^x: no overflow)
 *   both as (cA A + 2) A + c0 over (dA A + 2) A + d0 with selected coefficients, times x in
 *   float64, rounded once (the negative tail keeps full relative accuracy down to the
 *   underflow point x ~ -107.5). x < -120 -> -0.
 * Special values: mish(+inf) = +inf, mish(-inf) = -0, mish(+-0) = +-0, NaN -> NaN. */
SA_INLINE sa_v sa_mish_v(sa_v x) {
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f), two = v_set1(2.0f);
    sa_vi k;
    sa_v mlo;
    sa_v m = sa_exp_core(v_neg(v_abs(x)), zero, &k, &mlo);
    sa_m pos = v_gt(x, zero);
    sa_v cA = v_sel(pos, zero, one), c0 = v_sel(pos, one, zero);
    sa_v dA = v_sel(pos, two, one), d0 = v_sel(pos, one, two);
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd A = sa_scale_d(vd_add(sa_vdh(m, h), sa_vdh(mlo, h)), k, h);
        sa_vd t2 = vd_set1(2.0);
        sa_vd num = vd_add(vd_mul(vd_add(vd_mul(sa_vdh(cA, h), A), t2), A), sa_vdh(c0, h));
        sa_vd den = vd_add(vd_mul(vd_add(vd_mul(sa_vdh(dA, h), A), t2), A), sa_vdh(d0, h));
        r[h] = vd_div(vd_mul(sa_vdh(x, h), num), den);
    }
    sa_v y = SA_D_JOIN(r);
    return v_sel(v_lt(x, v_set1(-120.0f)), v_set1(-0.0f), y);
}
SA_DEF_UNARY(mish, rr2_p7_ratd, sa_mish_v)

/* ============================================================================== swish
 * swish(x, beta) = x * sigmoid(beta x)  (beta = 1: silu).
 * Max error measured: 0.595 ULP over beta in {+-0.01, 0.1, +-1, 1.7, +-10} (catalogue_exp_sweep, all three ISAs identical), 0.6071 over all 2^32 inputs at beta = 1; budget 0.61.
 * Algorithm (hilo_rr2_p7_div): v = beta x as an exact pair (fma) folded into the exp core
 *   (exp(hi)(1 + lo): no rounded exp argument), wide sigmoid core (|v| <= 200) as
 *   (q + ql) 2^kq, y = x (q + ql) 2^kq in float64, rounded once (full relative accuracy down to
 *   the underflow point, any beta). |v| > 200: x (v > 0) or +-0 (v < 0).
 * No overflow possible (|swish| <= |x|; beta x may overflow in an intermediate, saturating).
 * Special values: swish(+-0) = +-0, swish(+inf) = +inf (beta > 0) / +0 (beta < 0),
 *   swish(-inf) = -0 (beta > 0) / -inf (beta < 0), beta = 0 -> x/2, NaN -> NaN. */
SA_INLINE sa_v sa_swish_pv(sa_v x, sa_v be, sa_v q_) {
    (void)q_;
    sa_v vh = v_mul(be, x);
    sa_v vl = v_fms(be, x, vh);
    return sa_xsig_b(x, vh, vl, v_set1(1.0f));
}
SA_DEF_PARAM(swish, hilo_rr2_p7_div, sa_swish_pv)

/* ============================================================================= swiglu
 * swiglu(a, b) = silu(a) * b = a * sigmoid(a) * b   (second operand b passed as p).
 * Max error measured: 0.601 ULP over a, b in {+-2^-20, +-1, +-3.7, +-2^20} (and +-2^100) (catalogue_exp_sweep, all three ISAs identical); budget 0.61.
 * Algorithm (rr2_p7_div_f64): wide sigmoid core, (a b)(q + ql) 2^kq in float64 (a b exact),
 *   rounded once: silu(a) is never rounded on its own, so a subnormal silu(a) times b = 2^20
 *   keeps its bits. a < -200: +-0 (sign of a b).
 * Overflow: genuine only (|silu(a) b| > FLT_MAX, e.g. a = 3e38, b = 2).
 * Special values: (+inf, b) = +inf * b, (-inf, b) = -0 * b, (+-0, b) = +-0 * b, NaN -> NaN. */
SA_INLINE sa_v sa_swiglu_pv(sa_v a, sa_v b, sa_v q_) {
    (void)q_;
    return sa_xsig_b(a, a, v_set1(0.0f), b);
}
SA_DEF_PARAM(swiglu, rr2_p7_div_f64, sa_swiglu_pv)

/* ========================================================================== geglu_tanh
 * geglu_tanh(a, b) = gelu_tanh(a) * b = a * sigmoid(C1 a + C3 a^3) * b.
 * Max error measured: 0.6109 ULP over the b grid (every 257th a: a = -6.032475, b = +-3.7;
 *   python -m simdact accuracy, all ISAs identical); budget 0.62.
 * Algorithm (hilo_rr2_p7_div_f64): the sigmoid argument of gelu_tanh as an exact-enough pair
 *   (sa_gelu_tanh_arg, on a clamped to [-30, 30] so a^2 never overflows; |v| > 200 there),
 *   then as swiglu: (a b)(q + ql) 2^kq in float64, rounded once.
 * Overflow: genuine only. Special values: (+inf, b) = +inf * b, (-inf, b) = -0 * b,
 *   (+-0, b) = +-0 * b, NaN -> NaN. */
SA_INLINE sa_v sa_geglu_tanh_pv(sa_v a, sa_v b, sa_v q_) {
    (void)q_;
    sa_v vl;
    sa_v vh = sa_gelu_tanh_arg(v_clamp(a, -30.0f, 30.0f), &vl);
    return sa_xsig_b(a, vh, vl, b);
}
SA_DEF_PARAM(geglu_tanh, hilo_rr2_p7_div_f64, sa_geglu_tanh_pv)

/* ============================================================================== geglu
 * geglu(a, b) = gelu(a) * b, gelu(a) = a Phi(a) (exact erf GELU).
 * Max error measured: 0.8438 ULP over the b grid (every 257th a at b in {+-2^-20, +-1, +-3.7,
 *   +-2^20}: a = -2.5361896, piece B's fit error; python -m simdact accuracy, all ISAs
 *   identical); budget 0.85.
 * Algorithm (p9_erfc_p10_f64): gelu's pieces (f32_cores.h / f32_math.h) finished in float64:
 *   |a| < 0.5:  gelu = a (1/2 + a w), w = 1/sqrt(2 pi) (float64) + a^2 P(a^2) (float), the
 *               rest in float64;
 *   |a| >= 0.5: gelu = max(a, 0) - G, G = exp(-a^2/2) T(a) = (gh + gl) 2^k: a^2/2 as an exact
 *               pair into the exp core, T as the pair th + tl of sa_gelu_T2c (f32_math.h: as
 *               gelu's, plus piece C, T's asymptotic series, above a = 14.5 where piece B's fit
 *               ends: a large b keeps those results), (m + mlo)(th + tl) as the float pair
 *               gh + gl; |a| clamped to [0.5, 20.5] (exp argument >= -210.2);
 *   y = gelu(a) b in float64, rounded once: a subnormal gelu(a) is never rounded before the
 *   multiply by b.
 * Overflow: genuine only. Special values: (+inf, b) = +inf * b, (-inf, b) = -0 * b,
 *   (+-0, b) = +-0 * b, NaN -> NaN. */
SA_INLINE sa_v sa_geglu_pv(sa_v x, sa_v b, sa_v q_) {
    (void)q_;
    sa_v zero = v_set1(0.0f);
    sa_v a = v_abs(x);
    sa_m sm = v_lt(a, v_set1(0.5f));
    /* small: w = 1/sqrt(2 pi) + a^2 P(a^2), the constant in float64 */
    sa_v xs = v_sel(sm, x, zero);
    sa_v x2h = v_mul(xs, xs);
    sa_v pp;
    SA_HORNER(x2h, SA_PHI_P, 4, pp);
    pp = v_mul(x2h, pp);
    /* max(x, 0) in the tail lanes, 0 in the small ones */
    sa_v X = v_sel(sm, zero, v_sel(v_gt(x, zero), x, zero));
    /* tail: G = exp(-a^2/2) T(a) = (gh + gl) 2^k, a clamped to [0.5, 20.5] (k >= -304) */
    sa_v ac = v_clamp(a, 0.5f, 20.5f);
    sa_v al;
    sa_v ah = sa_sqr2(ac, &al);
    sa_vi k;
    sa_v mlo;
    sa_v nh = v_mul(ah, v_set1(-0.5f)), nl = v_mul(al, v_set1(-0.5f));
    sa_v m = sa_exp_core_nc(nh, nl, &k, &mlo);
    sa_v tl;
    sa_v th = sa_gelu_T2c(ac, ah, nh, nl, &tl);
    /* (m + mlo)(th + tl) = gh + gl; mlo tl counts: |mlo| reaches 2^-17 m (the exp argument's
     * low part for a^2/2 > 32) and piece C's tl 0.4% of th */
    sa_v gh = v_mul(m, th);
    sa_v gl = v_fma(mlo, tl, v_fma(mlo, th, v_fma(m, tl, v_fms(m, th, gh))));
    gh = v_sel(sm, zero, gh);
    gl = v_sel(sm, zero, gl);
    sa_vd r[2];
    SA_FOR_DN(h) {
        sa_vd xsd = sa_vdh(xs, h); /* x in the small lanes, 0 elsewhere (no inf * 0) */
        sa_vd w = vd_add(vd_set1(0x1.9884533d43651p-2), sa_vdh(pp, h));
        sa_vd g = vd_add(sa_vdh(X, h), vd_mul(xsd, vd_add(vd_set1(0.5), vd_mul(xsd, w))));
        g = vd_sub(g, sa_scale_d(vd_add(sa_vdh(gh, h), sa_vdh(gl, h)), k, h));
        r[h] = vd_mul(g, sa_vdh(b, h));
    }
    sa_v y = SA_D_JOIN(r);
    /* +-0 * b keeps its sign (-0 * 0.5 + 0 would give +0) */
    sa_m z0 = v_eq(x, zero);
    return v_sel(z0, v_mul(v_sel(z0, x, zero), b), y);
}
SA_DEF_PARAM(geglu, p9_erfc_p10_f64, sa_geglu_pv)
