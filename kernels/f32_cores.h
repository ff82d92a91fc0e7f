/* f32_cores.h — float32 vector functions shared by the kernel templates (f32_kernels.h,
 * f32_catalogue_*.h), written once over simd.h.
 *
 * Include after simd.h and f32_math.h (one SA_TARGET_* defined). These are the vector bodies
 * only: each kernel's contract comment (algorithm, measured error, special values) stays
 * above its SA_DEF_UNARY / SA_DEF_PARAM line in the template that defines the kernel.
 *
 *   sa_relu_v, sa_sigmoid_v, sa_silu_v, sa_tanh_v, sa_erf_v, sa_gelu_v, sa_gelu_tanh_v
 *       the bodies of the f32_kernels.h kernels (moved here unchanged, bit for bit; sa_erf_v and
 *       sa_gelu_v since rewritten for <= 1 ULP, used by erf and gelu only);
 *   sa_gelu_tanh_arg   gelu_tanh's sigmoid argument as an exact-enough hi + lo pair;
 *   float64 finishing helpers (sa_vdh, sa_scale_d), the wide sigmoid core
 *   sa_sigmoid_core_w, the expm1 core sa_expm1_core and the float64 log1p sa_log1p_d2 used by
 *   the catalogue kernels (see their comments below).
 */
#ifndef SA_F32_CORES_H
#define SA_F32_CORES_H
#include "simd.h"
#include "f32_math.h"
#include "kernels.h" /* SA_COLS */
#include <math.h>

SA_INLINE sa_v sa_relu_v(sa_v x) { return v_sel(v_le(x, v_set1(0.0f)), v_set1(0.0f), x); }

SA_INLINE sa_v sa_sigmoid_v(sa_v x) {
    sa_vi kq;
    sa_v ql;
    sa_v q = sa_sigmoid_core(x, v_set1(0.0f), &kq, &ql);
    return v_ldexp(v_add(q, ql), kq);
}

SA_INLINE sa_v sa_silu_v(sa_v x) {
    sa_vi kq;
    sa_v ql;
    sa_v q = sa_sigmoid_core(x, v_set1(0.0f), &kq, &ql);
    sa_v y = v_ldexp(v_fma(x, q, v_mul(x, ql)), kq);
    y = v_sel(v_lt(x, v_set1(-120.0f)), v_set1(-0.0f), y);
    return v_sel(v_gt(x, v_set1(100.0f)), x, y); /* sigma(x) = 1 - e with e < 2^-144: x exactly */
}

SA_INLINE sa_v sa_tanh_v(sa_v x) {
    sa_v a = v_abs(x);
    sa_v one = v_set1(1.0f);
    /* small */
    sa_v s = v_mul(a, a);
    sa_v p;
    SA_HORNER(s, SA_TANH_P, 6, p);
    sa_v ys = v_fma(v_mul(s, a), p, a);
    /* large */
    sa_vi k;
    sa_v mlo;
    sa_v m = sa_exp_core(v_mul(a, v_set1(-2.0f)), v_set1(0.0f), &k, &mlo);
    sa_v E = v_ldexp(m, k), El = v_ldexp(mlo, k);
    sa_v d = v_add(one, E);
    sa_v dl = v_add(v_add(v_sub(one, d), E), El);
    /* t = E / (1 + E) = q + ql: r = 1/d the only division, q = E r, ql one correction step
     * (the fma residual of q, times r) */
    sa_v r = v_div(one, d);
    sa_v q = v_mul(E, r);
    sa_v ql = v_mul(v_add(v_fnma(q, d, E), v_fnma(q, dl, El)), r);
    /* 1 - 2q = h + e exactly enough (1 - h exact by Sterbenz, h >= 0.55), one final rounding */
    sa_v m2 = v_set1(-2.0f);
    sa_v h = v_fma(m2, q, one);
    sa_v e = v_fma(m2, q, v_sub(one, h));
    sa_v yl = v_add(h, v_fma(m2, ql, e));
    sa_v y = v_sel(v_lt(a, v_set1(0.625f)), ys, yl);
    return v_copysign_pos(y, x);
}

/* erf (see its contract in f32_kernels.h): a = |x| clamped to 4 (erf rounds to 1 there already);
 * a^2 = sh + sl exactly, also as its negative nsh + nsl for the exp argument. */
SA_INLINE sa_v sa_erf_v(sa_v x) {
    const sa_v one = v_set1(1.0f), c0h = v_set1(0x1.20dd76p+0f), c0l = v_set1(-0x1.f7ac92p-25f);
    sa_v a = v_sel(v_gt(v_abs(x), v_set1(4.0f)), v_set1(4.0f), v_abs(x));
    sa_v na = v_neg(a);
    sa_v sh = v_mul(a, a), nsh = v_mul(a, na);
    sa_v nsl = v_fma(a, na, sh);                      /* -(a^2 - sh), exact */
    /* small: pp = a^2 P(a^2) + C0L with P = P0 + s P1(s): P0 s exact in the fma, s^2 P1 small */
    sa_v p1;
    SA_HORNER(sh, SA_ERF_P + 1, 5, p1);
    sa_v pp = v_fma(v_set1(SA_ERF_P[0]), sh,
                    v_fma(v_mul(sh, sh), p1, v_fma(v_set1(-SA_ERF_P[0]), nsl, c0l)));
    /* w = C0H + pp as the Fast2Sum pair wh + wl; a scaled by 2^64 so that a wl never underflows */
    sa_v wh = v_add(c0h, pp);
    sa_v wl = v_add(v_sub(c0h, wh), pp);
    sa_v as = v_mul(a, v_set1(0x1p64f));
    sa_v ys = v_mul(v_fma(as, wh, v_mul(as, wl)), v_set1(0x1p-64f));
    /* tail: erfc = exp(-a^2) Q(t) = (m + mlo) 2^k (q + ql), k in [-23, 0] */
    sa_vi k;
    sa_v mlo;
    sa_v m = sa_exp_core_nc(nsh, nsl, &k, &mlo);
    const sa_v c = v_set1(2.3975f);
    sa_v t = v_sub(a, c);
    sa_v q = v_set1(SA_ERFC_Q[9]);
    for (int j = 8; j >= 1; j--) q = v_fma(q, t, v_set1(SA_ERFC_Q[j]));
    /* last step as a pair: q0 = fl(c0 + q t), its error fl(q t + (c0 - q0)) (c0 - q0 exact,
     * checked on [0.875, 4]); t's own rounding error (a in [0.875, 1) only) times Q'(t) ~ -0.295 */
    const sa_v c0 = v_set1(SA_ERFC_Q[0]);
    sa_v q0 = v_fma(q, t, c0);
    sa_v ql = v_fma(q, t, v_sub(c0, q0));
    ql = v_fma(v_sub(a, v_add(t, c)), v_set1(-0.295f), ql);
    sa_v p2 = v_pow2i(k);
    sa_v M = v_mul(m, p2), Ml = v_mul(mlo, p2);
    sa_v ph = v_mul(M, q0);
    /* v_neg, not v_fms: the fused form scheduled worse here (erf 1.555 -> 1.609 ns / element in
     * L1 on a Zen 3, bench/kernel_cycles.c row 2048; the same bits) */
    sa_v pl = v_fma(M, ql, v_fma(Ml, q0, v_fma(M, q0, v_neg(ph))));
    /* 1 - (ph + pl): 1 - ph by Fast2Sum, one final rounding */
    sa_v s1 = v_sub(one, ph);
    sa_v yt = v_add(s1, v_sub(v_sub(v_sub(one, s1), ph), pl));
    sa_v y = v_sel(v_lt(a, v_set1(0.875f)), ys, yt);
    return v_copysign_pos(y, x);
}

/* gelu (see its contract in f32_kernels.h): both pieces use x^2 = x2h + x2l of a = |x| clamped
 * to 16 (the same for |x| < 16; above, the tail's G is far below half an ulp of x or rounds to
 * -0 already). */
SA_INLINE sa_v sa_gelu_v(sa_v x) {
    const sa_v c = v_set1(0x1.988454p-2f), nc = v_set1(-0x1.988454p-2f);
    sa_v a = v_abs(x);
    sa_v ac = v_sel(v_gt(a, v_set1(16.0f)), v_set1(16.0f), a);
    sa_v x2l;
    sa_v x2h = sa_sqr2(ac, &x2l);
    /* small: gelu = x/2 + x^2 (C + pp) = hx + sph + spl with sph = fl(x2h C) (as -sph) */
    sa_v p;
    SA_HORNER(x2h, SA_PHI_P, 4, p);
    sa_v pp = v_fma(x2h, p, v_set1(-0x1.857936p-27f));
    sa_v nsph = v_mul(x2h, nc);
    sa_v spl = v_fma(x2l, c, v_fma(x2h, pp, v_fma(x2h, c, nsph)));
    sa_v hx = v_mul(x, v_set1(0.5f));
    sa_v s = v_sub(hx, nsph);                          /* Fast2Sum: |hx| >= |sph| */
    sa_v ys = v_add(s, v_add(v_sub(v_sub(hx, s), nsph), spl));
    /* tail: G = exp(-a^2/2) T(a) = g 2^k, k in [-185, 0] */
    sa_v nh = v_mul(x2h, v_set1(-0.5f)), nl = v_mul(x2l, v_set1(-0.5f));
    sa_vi k;
    sa_v mlo;
    sa_v m = sa_exp_core_nc(nh, nl, &k, &mlo);
    sa_v tl;
    sa_v th = sa_gelu_T2(ac, x2h, nh, nl, &tl);
    sa_v g = v_fma(m, th, v_fma(m, tl, v_mul(mlo, th)));
    /* -G: g 2^(k+64) is exact (normal), the product by -2^-64 rounds once (subnormal results) */
    sa_v ng = v_mul(v_mul(g, v_pow2i(vi_add(k, vi_set1(64)))), v_set1(-0x1p-64f));
    sa_v yt = v_sel(v_gt(x, v_set1(0.0f)), v_add(x, ng), ng);
    sa_v y = v_sel(v_lt(a, v_set1(0.5f)), ys, yt);
    /* gelu(x) has the sign of x: keeps -0 for x = -0 and for negative results rounding to 0 */
    return v_copysign_pos(v_abs(y), x);
}

/* gelu_tanh's sigmoid argument v = C1 x + C3 x^3 as an unevaluated pair v2 + *vl
 * (|vl| <= ulp(v2)); see the gelu_tanh contract in f32_kernels.h. */
SA_INLINE sa_v sa_gelu_tanh_arg(sa_v x, sa_v *vlo) {
    const sa_v c1h = v_set1(0x1.988454p+0f), c1l = v_set1(-0x1.857936p-25f);
    const sa_v c3h = v_set1(0x1.2444f2p-4f), c3l = v_set1(0x1.49b16ap-29f);
    sa_v x2l;
    sa_v x2h = sa_sqr2(x, &x2l);
    sa_v ph = v_mul(c3h, x2h);
    sa_v pl = v_fms(c3h, x2h, ph);
    /* TwoSum(c1h, ph) (ph may exceed c1h) */
    sa_v wh = v_add(c1h, ph);
    sa_v bb = v_sub(wh, c1h);
    sa_v we = v_add(v_sub(c1h, v_sub(wh, bb)), v_sub(ph, bb));
    sa_v wl = v_add(v_add(we, pl), v_fma(c3l, x2h, v_fma(c3h, x2l, c1l)));
    sa_v vh = v_mul(x, wh);
    sa_v vl = v_fma(x, wl, v_fms(x, wh, vh));
    /* renormalise so |vl| <= ulp(vh) */
    sa_v v2 = v_add(vh, vl);
    *vlo = v_sub(vl, v_sub(v2, vh));
    return v2;
}

SA_INLINE sa_v sa_gelu_tanh_v(sa_v x) {
    sa_v vl;
    sa_v v2 = sa_gelu_tanh_arg(x, &vl);
    sa_vi kq;
    sa_v ql;
    sa_v q = sa_sigmoid_core(v2, vl, &kq, &ql);
    sa_v y = v_ldexp(v_fma(x, q, v_mul(x, ql)), kq);
    y = v_sel(v_lt(x, v_set1(-20.0f)), v_set1(-0.0f), y);
    return v_sel(v_gt(x, v_set1(20.0f)), x, y);
}

/* ===================================================================== float64 finishing
 * The catalogue kernels keep exp results as (mantissa pair) * 2^k and finish in float64, where
 * the product of two floats is exact and 2^k (|k| <= ~500) is exact: the result is then
 * rounded to float32 once (v_from_vd), subnormal results included, and that rounding is the
 * only place a result beyond the float range can overflow (genuine overflows only).
 * A float vector has SA_DN float64 halves: half h of a is sa_vdh(a, h); SA_D_JOIN(r) rounds
 * the halves r[0], r[1] back into one float vector. */
SA_INLINE sa_vd sa_vdh(sa_v a, int h) { return h ? vd_hi(a) : vd_lo(a); }
#if SA_DN == 2
#define SA_D_JOIN(r) v_from_vd((r)[0], (r)[1])
#else
#define SA_D_JOIN(r) v_from_vd((r)[0], (r)[0])
#endif

/* d * 2^k in float64 (half h) for integer k in [-1022, 1023] (the callers' k stay within
 * +-600): 2^k built as a float64 exponent field (vd_pow2i), one multiply, exact while the
 * result stays in the float64 normal range */
SA_INLINE sa_vd sa_scale_d(sa_vd d, sa_vi k, int h) { return vd_mul(d, vd_pow2i(k, h)); }
/* x - y as an exact TwoSum pair: returns the rounded difference, *lo its error */
SA_INLINE sa_v sa_two_diff(sa_v x, sa_v y, sa_v *lo)
{
    sa_v d = v_sub(x, y), bb = v_sub(d, x);
    *lo = v_add(v_sub(x, v_sub(d, bb)), v_sub(v_neg(y), bb));
    return d;
}
/* exp(dh + dl) as the exact float64 value (m + mlo) 2^k of the exp core (argument clamped to
 * [-lim, lim], lim <= 240), in halves e[0..SA_DN); lanes of `zero` give exactly 0. The scaling
 * is exact (k >= -347 keeps the product normal). The softmax rows and their gradients share it:
 * conversions and extracts run on one port of the CPU and bound those kernels, and this takes
 * 2 per half (a float 2^k1 2^k2 pair, converted, took 4; the same bits, both products exact). */
SA_INLINE void sa_exp_pair_d(sa_v dh, sa_v dl, float lim, sa_m zero, sa_vd e[2])
{
    sa_vi k;
    sa_v mlo;
    sa_v m = sa_exp_core_lim(dh, dl, lim, &k, &mlo);
    m = v_sel(zero, v_set1(0.0f), m);
    mlo = v_sel(zero, v_set1(0.0f), mlo);
    SA_FOR_DN(h)
        e[h] = sa_scale_d(vd_add(sa_vdh(m, h), sa_vdh(mlo, h)), k, h);
}
/* integer k selected from a or b by a float mask */
SA_INLINE sa_vi sa_seli(sa_m m, sa_vi a, sa_vi b) {
    return v_asint(v_sel(m, v_asfloat(a), v_asfloat(b)));
}

/* ----------------------------------------------------------------- wide sigmoid core
 * sa_sigmoid_core with the exp argument clamped at -SA_SIG_WLIM (200) instead of -126:
 * sigma(v) = (q + ql) * 2^kq for |v| <= 200, kq in [-289, 0] (so the caller scales in float64).
 * 1 + E only needs E when E > 2^-60: for |v| > 120 E's exponent is capped at -200 (E -> 0) so
 * v_ldexp stays in range. Same quotient and correction step as sa_sigmoid_core. */
#define SA_SIG_WLIM 200.0f
SA_INLINE sa_v sa_sigmoid_core_w(sa_v vh, sa_v vl, sa_vi *kq, sa_v *ql) {
    return sa_sigmoid_core_lim(vh, vl, SA_SIG_WLIM, kq, ql);
}

/* x * b * sigma(v), v = vh + vl (|vl| <= ulp(vh)), rounded once: (x b)(q + ql) 2^kq in float64
 * (x b exact). |v| > 200: sigma = 1 (v > 0) or a result below every subnormal even for
 * |x b| = FLT_MAX^2 (v < 0: +-0 with the sign of x b). A result beyond the float range
 * overflows only in the final rounding. */
SA_INLINE sa_v sa_xsig_b(sa_v x, sa_v vh, sa_v vl, sa_v b) {
    sa_vi kq;
    sa_v ql;
    sa_v q = sa_sigmoid_core_w(vh, vl, &kq, &ql);
    sa_v zero = v_set1(0.0f), one = v_set1(1.0f);
    sa_m lo = v_lt(vh, v_set1(-SA_SIG_WLIM)), hi = v_gt(vh, v_set1(SA_SIG_WLIM));
    x = v_sel(lo, v_copysign_pos(one, x), x);
    q = v_sel(lo, zero, v_sel(hi, one, q));
    ql = v_sel(m_or(lo, hi), zero, ql);
    kq = sa_seli(hi, vi_set1(0), kq);
    sa_vd r[2];
    SA_FOR_DN(h)
        r[h] = sa_scale_d(vd_mul(vd_mul(sa_vdh(x, h), sa_vdh(b, h)),
                                 vd_add(sa_vdh(q, h), sa_vdh(ql, h))), kq, h);
    return SA_D_JOIN(r);
}

/* -------------------------------------------------------------------------- expm1 core
 * expm1(zh + zl), zh clamped to [-87.5, 256] (NaN kept), |zl| <= ~ulp(zh):
 *   n = round(zh log2e), r = zh - n LN2_HI (exact), rl = zl - n LN2_LO,
 *   s = expm1(r + rl) = sh + sl (degree-7 exp polynomial: r + r^2 P(r) as a Fast2Sum pair, rl
 *   folded in as s + rl (1 + s)),
 *   expm1(z) = 2^n (1 + s) - 1 = ((1 - 2^-n) + sh + sl) 2^n, evaluated in float64 by
 *   sa_expm1_d: for n = 0 it is sh + sl exactly (full relative accuracy near 0, subnormal z
 *   included), otherwise |expm1| >= 0.29 and no cancellation remains. 2^-n is capped at 2^-126
 *   for n > 126 (relative effect 2^-126). zh < -87.5 gives expm1 = -1 + 2^-126.2, which rounds
 *   like the true value for every float multiplier. */
typedef struct { sa_v sh, sl, t; sa_vi k; } sa_em1;
SA_INLINE void sa_expm1_core(sa_v zh, sa_v zl, sa_em1 *e) {
    zh = v_clamp(zh, -87.5f, 256.0f);
    sa_vi k;
    sa_v n = v_round_fma(zh, v_set1(SA_LOG2E), &k);
    sa_v r = v_fma(n, v_set1(-SA_LN2_HI), zh);
    sa_v rl = v_fma(n, v_set1(-SA_LN2_LO), zl);
    sa_v p;
    SA_HORNER(r, SA_EXP_P, 6, p);
    sa_v t = v_mul(v_mul(r, r), p);
    sa_v sh = v_add(r, t);
    sa_v sl = v_add(v_sub(r, sh), t);
    e->sh = sh;
    e->sl = v_add(sl, v_fma(sh, rl, rl));
    sa_vi kn = sa_seli(v_gt(n, v_set1(126.0f)), vi_set1(-126), vi_sub(vi_set1(0), k));
    e->t = v_pow2i(kn);
    e->k = k;
}
SA_INLINE sa_vd sa_expm1_d(const sa_em1 *e, int h) {
    sa_vd c = vd_sub(vd_set1(1.0), sa_vdh(e->t, h));
    return sa_scale_d(vd_add(vd_add(c, sa_vdh(e->sh, h)), sa_vdh(e->sl, h)), e->k, h);
}

/* ------------------------------------------------------------------------ float64 log1p
 * log1p(E) for E in [0, 1] (float64): u = E / (2 + E) in [0, 1/3], log1p(E) = 2 atanh(u) =
 * 2u s(w), w = u^2 in [0, 1/9], s(w) = atanh(u)/u = 1 + w/3 + w^2/5 + ...
 * s is a degree-5 polynomial 1 + w P(w): P minimax for the error of s on [0, 1/9] (Remez in
 * mpmath at 60 digits on w (q(w) - P(w)), q = (s - 1)/w; coefficients rounded to float64, the
 * rounded set checked on 5000 points): |error| < 2^-33.06 relative, where the nine-term Taylor
 * series it replaces stopped at 2^-32 and took three more multiply-add pairs on the critical path
 * after the division (log_sigmoid 2.93 -> 2.60 ns / element in L2 on a Zen 3, AVX2). The leading
 * 1 is exact, so a tiny E gives 2u, i.e. E to the division's rounding. sa_log1p_d2 returns
 * S2 = 2 s(w) and u, log1p(E) = u S2, for the caller to take u S2 into its last operation as
 * one fma (x - u S2 for log_sigmoid): S2 = (2 + 2c1 w) + w^2 ((2c2 + 2c3 w) + w^2 (2c4 +
 * 2c5 w)) in fmas (the factor 2 in the coefficients is exact), depth 3 after w. It was
 * (1 + c1 w) + .. by separate products and sums, then 2u times that, then the caller's sum:
 * bench/kernel_cycles.c in L1 on the Zen 5, AVX-512, ns per element: log_sigmoid 0.885 ->
 * 0.78, softplus 0.917 -> 0.815 (a beta array: 1.235 -> 1.095), AVX2 log_sigmoid 1.71 ->
 * 1.49; the float64 part had been some 40 of the loop's 85 instructions per 16 elements. The
 * portable build pays for the bit-identity with libm fma() calls (x86 without -mfma:
 * log_sigmoid 16.1 -> 22.0 there; a CPU with FMA instructions inlines them). Of all 2^32
 * float32 outputs of log_sigmoid and softplus (and softplus's beta / threshold grid) none
 * changed. */
SA_INLINE sa_vd sa_log1p_d2(sa_vd e, sa_vd *u_) {
    sa_vd u = vd_div(e, vd_add(vd_set1(2.0), e));
    sa_vd w = vd_mul(u, u), w2 = vd_mul(w, w);
    sa_vd p0 = vd_fma(vd_set1(0x1.55555856969b1p-1), w, vd_set1(2.0));
    sa_vd p1 = vd_fma(vd_set1(0x1.2509725d478b5p-2), w, vd_set1(0x1.9996a877046ccp-2));
    sa_vd p2 = vd_fma(vd_set1(0x1.f1aeeb2af7aa2p-3), w, vd_set1(0x1.b6d6a19b846f3p-3));
    *u_ = u;
    return vd_fma(w2, vd_fma(w2, p2, p1), p0);
}

/* ------------------------------------------------------------------ float64 log1p of rows
 * log1p(a) for a finite a >= 0, once per row or column: the log_softmax kernels' L (full = 1:
 * the accurate tier, about 2^-52 relative; full = 0: the fast tier, 2^-28.87 measured). Inline,
 * so the two rows of a pair overlap (libm's log1p, a call per row, took 0.16 ns per element
 * over pairs of rows of 128 in L1 on the Zen 3, of 0.70 (fast) and 1.77 (accurate)).
 * u = 1 + a rounded, u = 2^k m with m in [sqrt(1/2), sqrt(2)) (integer adds on u's bits: an
 * offset that carries into the exponent field from m = sqrt(2) on, as musl's log1p reduces),
 * f = m - 1 exact, log m = 2 atanh(s), s = f / (m + 1) (= f / (2 + f), both rounded once),
 * |s| <= 0.1716, by its series (Estrin's scheme) to s^19 (full; the next term is 2^-55.3 of the
 * sum) or s^9 (2^-27.6); log1p(a) = k ln2 + 2 atanh(s) + cor, cor = e / u, e = (1 + a) - u the
 * rounding error of u.
 * Full: e exact by Fast2Sum (the larger of a and 1 first), e / u by a division beside the main
 * chain. Fast: e = a - (u - 1) (exact while u <= 2) and 1/u taken as max(2 - u, 0), exact
 * enough below u = 2 (the relative error (u - 1)^2 of that reciprocal weighs on a cor < 2^-53
 * u), and for u >= 2 the dropped cor is below 2^-53 u / ln2 relative of the result, 2^-26 even
 * for u = 2^31. A tiny a (u = 1) comes out as a itself. Measured against long double log1pl on
 * 2 10^8 values of a from 2^-80 to 2^32 (integers, and integers plus tiny fractions, among
 * them): fast 2^-28.87, full 2^-51.03 relative at most (the accurate log_softmax's bits are
 * libm's on 2.3M elements of test rows). Lane by lane the same IEEE operations on every ISA
 * (explicit fmas only: vd_fma is fma() in the portable build): the same bits everywhere.
 * The fast tier's L is on the path from a row's last pass-2 vector to its pass 3, and that
 * path's latency shows in full (two logs in a row cost twice, two side by side little more
 * than one), so its result is summed as 2s w q + (2s + (k ln2 + cor)), q = (1/3 + w/5) +
 * w^2 (1/7 + w/9) in fmas, w = s^2: three dependent operations after w (w^2, q's fma, the last
 * fma) instead of nine, with k ln2 + cor and 2s w beside them (the same 2^-28.87 on 4 10^7
 * values of a; of 2 10^7, none rounds to another float L). log_softmax_fast on the Zen 5,
 * bench/kernel_cycles.c rows over 2^20 elements, SA_OFFSET=4, ns per element, groups of four
 * rows of 128 / rows of 1024: AVX-512 0.201 / 0.127 -> 0.190 / 0.123, AVX2 0.348 / 0.269 ->
 * 0.340 / 0.265. One float64 vector takes the rows of a group (sa_log1p_rows) or a column
 * kernel's columns at once: one call per row was a chain of some 35 scalar operations each,
 * and pass 3 of the rows had to wait for it (log_softmax_fast, AVX-512
 * on the Zen 5, bench/kernel_cycles.c rows over 2^20 elements, ns per element, groups of four
 * rows of 128: 0.210 -> 0.188, pairs of rows of 1024 0.132 either way; AVX2 0.351 -> 0.340;
 * the accurate tier's pairs of rows of 128 0.706 -> 0.719 on AVX-512, kept for one log1p). */
SA_INLINE sa_vd sa_log1p_vd(sa_vd a, const int full) {
    const sa_vd one = vd_set1(1.0), two = vd_set1(2.0);
    sa_vd u = vd_add(one, a), cor, k, t;
    if (full) {
        sa_vd big = vd_max(a, one), small = vd_min(one, a);
        cor = vd_div(vd_sub(small, vd_sub(u, big)), u);
    } else {
        cor = vd_mul(vd_sub(a, vd_sub(u, one)), vd_max(vd_sub(two, u), vd_set1(0.0)));
    }
    sa_vd m = vd_split_sqrt2(u, &k), f = vd_sub(m, one);
    sa_vd s = vd_div(f, vd_add(m, one)), w = vd_mul(s, s), w2 = vd_mul(w, w), s2 = vd_add(s, s);
    if (!full) {
        sa_vd q0 = vd_fma(w2, vd_fma(w, vd_set1(1.0 / 9), vd_set1(1.0 / 7)),
                          vd_fma(w, vd_set1(1.0 / 5), vd_set1(1.0 / 3)));
        sa_vd base = vd_add(s2, vd_fma(k, vd_set1(0x1.62e42fefa39efp-1), cor));
        return vd_fma(vd_mul(s2, w), q0, base);
    }
#define SA_L1P_PAIR(c0, c1) vd_add(vd_set1(c0), vd_mul(w, vd_set1(c1)))
    sa_vd q0 = vd_add(SA_L1P_PAIR(1.0 / 3, 1.0 / 5), vd_mul(w2, SA_L1P_PAIR(1.0 / 7, 1.0 / 9)));
    sa_vd w4 = vd_mul(w2, w2);
    sa_vd q1 = vd_add(SA_L1P_PAIR(1.0 / 11, 1.0 / 13), vd_mul(w2, SA_L1P_PAIR(1.0 / 15, 1.0 / 17)));
    t = vd_mul(w, vd_add(q0, vd_mul(w4, vd_add(q1, vd_mul(w4, vd_set1(1.0 / 19))))));
#undef SA_L1P_PAIR
    return vd_add(vd_mul(k, vd_set1(0x1.62e42fefa39efp-1)), vd_add(vd_add(s2, vd_mul(s2, t)), cor));
}
/* a b + c where the product a b is exact (a scaling by a power of two that leaves it normal):
 * one fma where the target has one (an operation less on the way to a row's log), else the
 * product and the sum; the same result either way */
SA_INLINE double sa_fma_exact(double a, double b, double c) {
#if defined(__FMA__)
    return fma(a, b, c);
#else
    return a * b + c;
#endif
}
/* L = sa_log1p_vd(a[r], full) for the R (<= 4) rows of a group, in the lanes of one float64
 * vector where it has four (the same bits as one call per row) */
SA_INLINE void sa_log1p_rows(const double *a, double *L, const int R, const int full) {
#if SA_DW >= 4
    double l[SA_DW];
    vd_storeu(l, sa_log1p_vd(vd_set4(a[0], R > 1 ? a[1] : 0.0, R > 2 ? a[2] : 0.0,
                                     R > 3 ? a[3] : 0.0), full));
    for (int r = 0; r < R; r++) L[r] = l[r];
#else
    for (int r = 0; r < R; r++) L[r] = sa_log1p_vd(a[r], full);
#endif
}

/* The column kernels' shapes (f32_kernels.h, f32_fast.h): SA_COLS adjacent columns are SA_CQ
 * float vectors, SA_CP float64 vectors. sa_acc_add adds float vector q into the float64
 * accumulators acc[q SA_DN ..]; sa_cols_join rounds float64 vectors q SA_DN .. back to one
 * float vector. */
#define SA_CQ (SA_COLS / SA_W)
#define SA_CP (SA_CQ * SA_DN)
SA_INLINE void sa_acc_add(sa_vd *acc, int q, sa_v v) {
    acc[q * SA_DN] = vd_add(acc[q * SA_DN], vd_lo(v));
#if SA_DN == 2
    acc[q * SA_DN + 1] = vd_add(acc[q * SA_DN + 1], vd_hi(v));
#endif
}
SA_INLINE sa_v sa_cols_join(const sa_vd *r, int q) {
#if SA_DN == 2
    return v_from_vd(r[q * SA_DN], r[q * SA_DN + 1]);
#else
    return v_from_vd(r[q], r[q]);
#endif
}

/* The max of a row x[0..n), NaN if any element is NaN; exact, so the order does not matter.
 * Four running maxima (one chain would wait for each vmaxps) and a NaN mask beside them, one
 * horizontal tree at the end (v_hmax): the row's max is on the critical path of a softmax row
 * (pass 2 waits for it), so no scalar loop over the lanes here. sa_row_max_nonan: the max of
 * the elements that are not NaN (-inf if none is), no mask: for a pass 2 that finds the NaN
 * itself (SA_DEF_ROWS_SUMNAN, f32_driver.h). sa_row_max_nonan_nov: the same where the max is
 * below 2^102, else sa_row_max: for a pass 2 whose x - max may overflow (log_softmax_fast),
 * which a row holding a NaN must not do (the flag is reported); below 2^102 it cannot
 * (-FLT_MAX - 2^102 rounds to -FLT_MAX). */
SA_INLINE float sa_row_max_(const float *x, size_t n, const int track_nan) {
    sa_v m0 = v_set1(-INFINITY), m1 = m0, m2 = m0, m3 = m0;
    sa_m nan = v_isnan(m0);
    size_t i = 0;
    for (; i + 4 * SA_W <= n; i += 4 * SA_W) {
        sa_v a = v_loadu(x + i), b = v_loadu(x + i + SA_W);
        sa_v c = v_loadu(x + i + 2 * SA_W), d = v_loadu(x + i + 3 * SA_W);
        if (track_nan)
            nan = m_or(nan, m_or(m_or(v_isnan(a), v_isnan(b)), m_or(v_isnan(c), v_isnan(d))));
        m0 = v_max(a, m0), m1 = v_max(b, m1), m2 = v_max(c, m2), m3 = v_max(d, m3);
    }
    for (; i + SA_W <= n; i += SA_W) {
        sa_v a = v_loadu(x + i);
        if (track_nan)
            nan = m_or(nan, v_isnan(a));
        m0 = v_max(a, m0);
    }
    float mx = v_hmax(v_max(v_max(m0, m1), v_max(m2, m3)));
    int bad = track_nan && m_any(nan);
    for (; i < n; i++) {
        bad |= track_nan && x[i] != x[i];
        mx = x[i] > mx ? x[i] : mx;
    }
    return bad ? NAN : mx;
}
static inline float sa_row_max(const float *x, size_t n) { return sa_row_max_(x, n, 1); }
static inline float sa_row_max_nonan(const float *x, size_t n) { return sa_row_max_(x, n, 0); }
static inline float sa_row_max_nonan_nov(const float *x, size_t n) {
    float mx = sa_row_max_(x, n, 0);
    return mx < 0x1p102f ? mx : sa_row_max_(x, n, 1);
}
/* The maxima mx[0..R) of R rows x[0..R) of n elements (R <= 4: a row group, f32_driver.h),
 * their loads interleaved, two running maxima a row, the tail as one vector padded with -inf,
 * one horizontal tree a row: sa_row_max's values (track_nan = 1) or sa_row_max_nonan's (0),
 * exactly (the max is exact in any order; where it is a zero of either sign no kernel's result
 * depends on its sign). Four rows one after another (an out-of-line call each) were four
 * chains of a few loads and a tree each, the next one's loads behind the last one's tree.
 * AVX-512 on the Zen 5, bench/kernel_cycles.c rows over 2^20 elements (SA_OFFSET=4, ns per
 * element, the two builds in turn): rows of 64 / 128 / 512, softmax_fast 0.198 / 0.154 / 0.129
 * -> 0.185 / 0.141 / 0.125, log_softmax_fast 0.275 / 0.197 / 0.147 -> 0.264 / 0.193 / 0.143;
 * the accurate softmax's pairs of 128 0.546 -> 0.536; AVX2 log_softmax_fast 128 0.335 -> 0.340
 * (its NaN test, two operations a vector there). At 16M on 2 threads (python -m simdact bench,
 * rows of 128) 1.005 -> 1.012 times the copy for softmax_fast, 1.022 -> 0.995 for
 * log_softmax_fast. The tail is written as one step after the loop: as two (the full vector,
 * then the padded one), log_softmax_fast over rows of 128 at 16M on 2 threads was some 5%
 * slower through NumPy (the compiled code differs well beyond the tail). */
SA_INLINE void sa_rows_max_(const float *const *x, size_t n, float *mx, const int R,
                            const int track_nan) {
    sa_v m0[4], m1[4];
    sa_m nan[4];
#define SA_ROWS_MAX_ADD(M, r, a)                                                             \
    do {                                                                                     \
        sa_v a_ = (a);                                                                       \
        if (track_nan) nan[r] = m_or(nan[r], v_isnan(a_));                                   \
        M[r] = v_max(a_, M[r]); /* a NaN element leaves M[r] as it was */                    \
    } while (0)
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) m0[r] = m1[r] = v_set1(-INFINITY), nan[r] = v_isnan(m0[r]);
    size_t i = 0;
    for (; i + 2 * SA_W <= n; i += 2 * SA_W)
#pragma GCC unroll 4
        for (int r = 0; r < R; r++) {
            SA_ROWS_MAX_ADD(m0, r, v_loadu(x[r] + i));
            SA_ROWS_MAX_ADD(m1, r, v_loadu(x[r] + i + SA_W));
        }
    if (i < n)
#pragma GCC unroll 4
        for (int r = 0; r < R; r++) {
            if (i + SA_W <= n) SA_ROWS_MAX_ADD(m0, r, v_loadu(x[r] + i));
            if (i + SA_W < n)
                SA_ROWS_MAX_ADD(m1, r, v_loadu_part(x[r] + i + SA_W, n - i - SA_W, -INFINITY));
            else if (i + SA_W > n)
                SA_ROWS_MAX_ADD(m1, r, v_loadu_part(x[r] + i, n - i, -INFINITY));
        }
#undef SA_ROWS_MAX_ADD
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
        mx[r] = track_nan && m_any(nan[r]) ? NAN : v_hmax(v_max(m0[r], m1[r]));
}
/* the row-group forms of the three row maxima above (SA_DEF_ROWS_, f32_driver.h:
 * rowmax##_rows). sa_row_max_nonan_nov's is sa_row_max's: a row holding a NaN gets a NaN max,
 * and a group with one takes its rows one by one through the row kernel, whose pass 1 is
 * sa_row_max_nonan_nov itself; elsewhere the two agree. */
SA_INLINE void sa_row_max_rows(const float *const *x, size_t n, float *mx, const int R) {
    sa_rows_max_(x, n, mx, R, 1);
}
SA_INLINE void sa_row_max_nonan_rows(const float *const *x, size_t n, float *mx, const int R) {
    sa_rows_max_(x, n, mx, R, 0);
}
SA_INLINE void sa_row_max_nonan_nov_rows(const float *const *x, size_t n, float *mx,
                                         const int R) {
    sa_rows_max_(x, n, mx, R, 1);
}

/* Vector x[o .. o + SA_W) of a row of n elements, its lanes at or beyond n filled with fill
 * (the tail of a row kernel's groups of 16; o may be past n: then every lane is fill). */
SA_INLINE sa_v sa_load_pad(const float *x, size_t o, size_t n, float fill) {
    if (o + SA_W <= n) return v_loadu(x + o);
    return o < n ? v_loadu_part(x + o, n - o, fill) : v_set1(fill);
}
/* Store the first r (1 <= r <= SA_W) lanes of v at a: a whole vector, or masked at a tail. */
SA_INLINE void sa_store_part(float *a, size_t r, sa_v v) {
    if (r == SA_W) v_storeu(a, v);
    else v_storeu_part(a, v, r);
}

/* The 16 float64 partial sums of a row kernel (element i into partial i mod 16), reduced in
 * one fixed order: the same on every ISA. */
static inline double sa_sum16(const double *p) {
    double a[8];
    for (int j = 0; j < 8; j++) a[j] = p[j] + p[j + 8];
    for (int j = 0; j < 4; j++) a[j] = a[j] + a[j + 4];
    return (a[0] + a[2]) + (a[1] + a[3]);
}

#define SA_NACC (16 / SA_DW)
static inline double sa_acc_sum(const sa_vd *acc) {
    double p[16];
    for (int j = 0; j < SA_NACC; j++) vd_storeu(p + j * SA_DW, acc[j]);
    return sa_sum16(p);
}

static inline void sa_fill_nan(float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = NAN;
}

/* Pass 1 of the column kernels (f32_kernels.h, f32_fast.h): over SA_COLS adjacent columns
 * (element i of column c at x[i xs + c]), the per-lane max mx[q] of vector q (0 in the lanes of
 * a special column) and good[q] = the column has no NaN and a finite max. Two running maxima,
 * even and odd elements (one chain would wait for each max): max is exact, and which of +0 and
 * -0 wins a tie changes no output (x - mx is then +-0 either way, exp(+-0) = 1, and a tie makes
 * the sum >= 2, so log_softmax's -log(sum) is not 0). v_max(v, m) is m when v is NaN (the NaN
 * mask records it). Prefetches the next call's line of each row (the stride of a whole row
 * defeats the hardware prefetchers). */
SA_INLINE void sa_cols_max(const float *x, ptrdiff_t xs, size_t n, sa_v *mx, sa_m *good) {
    for (int q = 0; q < SA_CQ; q++) {
        sa_v m0 = v_set1(-INFINITY), m1 = m0;
        sa_m nan = v_isnan(v_set1(0.0f));
        size_t i = 0;
        for (; i + 2 <= n; i += 2) {
            const float *p = x + (ptrdiff_t)i * xs + q * SA_W;
            sa_v a = v_loadu(p), b = v_loadu(p + xs);
            if (q == 0) {
                __builtin_prefetch(p + SA_COLS, 0);
                __builtin_prefetch(p + xs + SA_COLS, 0);
            }
            nan = m_or(nan, m_or(v_isnan(a), v_isnan(b)));
            m0 = v_max(a, m0);
            m1 = v_max(b, m1);
        }
        if (i < n) {
            sa_v a = v_loadu(x + (ptrdiff_t)i * xs + q * SA_W);
            if (q == 0)
                __builtin_prefetch(x + (ptrdiff_t)i * xs + SA_COLS, 0);
            nan = m_or(nan, v_isnan(a));
            m0 = v_max(a, m0);
        }
        sa_v vmax = v_max(m0, m1);
        good[q] = v_lt(v_abs(v_sel(nan, v_set1(INFINITY), vmax)), v_set1(INFINITY));
        mx[q] = v_sel(good[q], vmax, v_set1(0.0f));
    }
}

#endif
