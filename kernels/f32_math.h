/* f32_math.h — float32 math cores shared by every kernel, written once over simd.h.
 *
 * Include after simd.h (one of SA_TARGET_* defined). Everything here is exactly rounded
 * operations with explicit FMAs, so the results are bit-identical on every target.
 *
 * Coefficients were fitted for simdact (weighted minimax by iteratively reweighted least
 * squares against float64/scipy references, then rounded to float32 one coefficient at a
 * time with the remaining ones refitted); the quoted fit errors are relative, in units of
 * 2^-24, before float32 evaluation error.
 */
#ifndef SA_F32_MATH_H
#define SA_F32_MATH_H

/* exp(r) = 1 + r + r^2 * P(r), |r| <= ln2/2 (degree 7). fit err 0.0018 * 2^-24 */
static const float SA_EXP_P[6] = {0x1.p-1f, 0x1.555554p-3f, 0x1.5554e4p-5f, 0x1.11130cp-7f,
                                  0x1.6d5274p-10f, 0x1.9e08bcp-13f};
/* tanh(x) = x + x^3 * P(x^2), |x| <= 0.625 (degree 13). fit err 0.003 * 2^-24 */
static const float SA_TANH_P[6] = {-0x1.555554p-2f, 0x1.11107ap-3f, -0x1.b9f188p-5f,
                                   0x1.63a550p-6f, -0x1.0c5ed0p-7f, 0x1.1a2816p-9f};
/* erf(x) = x * (2/sqrt(pi) + x^2 * P(x^2)), |x| <= 0.875 (degree 13). fit err 0.005 * 2^-24 */
static const float SA_ERF_P[6] = {-0x1.812746p-2f, 0x1.ce2ec2p-4f, -0x1.b81e62p-6f,
                                  0x1.556606p-8f, -0x1.aff51cp-11f, 0x1.70aa90p-14f};
/* Phi(x) = 1/2 + x * (1/sqrt(2 pi) + x^2 * P(x^2)), |x| <= 0.5 (degree 9). fit 0.0004 * 2^-24 */
static const float SA_PHI_P[4] = {-0x1.105836p-4f, 0x1.46cee6p-7f, -0x1.36d568p-10f,
                                  0x1.c91cbap-14f};
/* erfcx(z) = exp(z^2) erfc(z) = Q(z - 2.3975), z in [0.875, 3.92] (degree 9); the fit weight is
 * the error's effect on erf = 1 - erfc (relative to erf): 0.021 * 2^-24. */
static const float SA_ERFC_Q[10] = {0x1.bfe4acp-3f, -0x1.468ebcp-4f, 0x1.c35822p-6f,
                                    -0x1.2a1c24p-7f, 0x1.8364b4p-9f, -0x1.8798c8p-11f,
                                    0x1.2dbe4cp-12f, -0x1.764baep-13f, -0x1.5c0a90p-14f,
                                    -0x1.4534a8p-15f};
/* T(x) = x * Phi(-x) * exp(x^2/2) (-> 1/sqrt(2 pi) as x -> inf), so that
 * gelu(-x) = -exp(-x^2/2) * T(x) for x > 0.
 *   piece A, x in [0.5, 2.5]:  T = TA(x - 1.5)  (degree 10), fit err 0.157 * 2^-24
 *   piece B, x in [2.5, 14.5]: T = TB(1/x^2)    (degree 8),  fit err 0.266 * 2^-24 */
static const float SA_GELU_TA[11] = {0x1.3c1440p-2f, 0x1.204038p-4f, -0x1.332026p-5f,
                                     0x1.0d5feep-6f, -0x1.9ef2d0p-8f, 0x1.21e414p-9f,
                                     -0x1.763344p-11f, 0x1.beed24p-13f, -0x1.fcd1dap-15f,
                                     0x1.4874b4p-16f, -0x1.5dc96cp-18f};
static const float SA_GELU_TB[11] = {0x1.98844ep-2f, -0x1.987ce8p-2f, 0x1.317a5ep+0f,
                                     -0x1.70fe78p+2f, 0x1.104084p+5f, -0x1.7bafb8p+7f,
                                     0x1.9234aep+9f, -0x1.096c26p+11f, 0x1.3ca068p+11f,
                                     0.0f, 0.0f};

#define SA_LN2_HI 0x1.62e430p-1f  /* float(ln 2): a multiple of 2^-21, so n*LN2_HI is exact */
#define SA_LN2_LO -0x1.05c610p-29f
#define SA_LOG2E 0x1.715476p+0f

/* Horner on a constant table, highest degree last */
#define SA_HORNER(t, C, N, out)                                   \
    do {                                                          \
        sa_v h_ = v_set1((C)[(N)-1]);                             \
        for (int j_ = (N)-2; j_ >= 0; j_--) h_ = v_fma(h_, (t), v_set1((C)[j_])); \
        (out) = h_;                                               \
    } while (0)

/* ---------------------------------------------------------------------------- exp core
 * exp(hi + lo) = (m + mlo) * 2^k, m in [0.70, 1.42], |mlo| <= ulp(m), k integer.
 *   The argument is bounded by the caller (sa_exp_core_nc) or clamped (sa_exp_core_lim,
 *   sa_exp_core, below); callers select the saturated results themselves. |lo| must be
 *   <= ~2^-20 (a rounding error of hi).
 *   Reduction: n = round(hi*log2e) (fma + magic constant), r = hi - n*LN2_HI exactly (fma),
 *   rl = lo - n*LN2_LO; expm1(r) = r + t, t = r^2 P(r) (degree 7), kept as the Fast2Sum pair
 *   sh + sl; the low part of the argument is folded in as exp(r + rl) = (1 + s)(1 + rl);
 *   m = 1 + sh rounded, mlo = ((1 - m) + sh) + sl (the first two terms exactly).
 * Error of m + mlo: about 2^-28 relative (polynomial 0.002 * 2^-24, rounding of t and r^2,
 *   rl's rounding), so a caller that rounds once sees ~0.5 ULP.
 * sa_exp_core_nc: no clamp, for callers whose argument is bounded already (|hi| <= 240, or
 *   NaN: m is then NaN). */
SA_INLINE sa_v sa_exp_core_nc(sa_v hi, sa_v lo, sa_vi *k, sa_v *mlo) {
    sa_v n = v_round_fma(hi, v_set1(SA_LOG2E), k);
    sa_v r = v_fma(n, v_set1(-SA_LN2_HI), hi);
    sa_v rl = v_fma(n, v_set1(-SA_LN2_LO), lo);
    sa_v p;
    SA_HORNER(r, SA_EXP_P, 6, p);
    /* expm1(r) = r + t, t = r^2 P(r) (|t| <= 0.07 |r|... <= 0.066): s = sh + sl by Fast2Sum */
    sa_v t = v_mul(v_mul(r, r), p);
    sa_v sh = v_add(r, t);
    sa_v sl = v_add(v_sub(r, sh), t);
    /* fold the low part of the argument: (1 + s)(1 + rl) = 1 + s + rl (1 + s) */
    sl = v_add(sl, v_fma(sh, rl, rl));
    sa_v one = v_set1(1.0f);
    sa_v m = v_add(one, sh);
    *mlo = v_add(v_add(v_sub(one, m), sh), sl);   /* (1 - m) + sh is exact (Fast2Sum) */
    return m;
}
/* sa_exp_core_lim: the core with hi clamped to [-lim, lim] (NaN kept); lim <= 240 keeps k in
 * [-347, 347] and r exact; callers whose k can leave [-252, 254] (v_ldexp's range) scale in
 * float64 (f32_cores.h). sa_exp_core: lim = 126, k in [-182, 182]. */
SA_INLINE sa_v sa_exp_core_lim(sa_v hi, sa_v lo, float lim, sa_vi *k, sa_v *mlo) {
    return sa_exp_core_nc(v_clamp(hi, -lim, lim), lo, k, mlo);
}
SA_INLINE sa_v sa_exp_core(sa_v hi, sa_v lo, sa_vi *k, sa_v *mlo) {
    return sa_exp_core_lim(hi, lo, 126.0f, k, mlo);
}

/* ------------------------------------------------------------------------ sigmoid core
 * sigma(v) for v = vh + vl (|vl| <= ulp(vh)): with e = exp(-|v|) = (m + mlo) * 2^k = E + El,
 *   v >= 0: sigma = 1 / (1 + e)                              -> (q + *ql), kq = 0
 *   v <  0: sigma = e / (1 + e) = ((m + mlo) / (1 + e)) * 2^k -> (q + *ql), kq = k
 * q + ql is the quotient to about 2^-45 relative of the exact num / den (den = d + dl with
 * d = 1 + E rounded and dl its Fast2Sum error, 1 >= E): r = 1/d (the only division), q = num r,
 * then one correction step ql = (fma(-q, d, num) + (numl - q*dl)) r. Callers multiply by x (fma(x, q, x*ql)) before
 * the single final scaling by 2^kq, so no intermediate goes subnormal. */
SA_INLINE sa_v sa_sigmoid_core_lim(sa_v vh, sa_v vl, float lim, sa_vi *kq, sa_v *ql) {
    sa_v a = v_abs(vh);
    sa_m neg = v_lt(vh, v_set1(0.0f));
    sa_v al = v_sel(neg, vl, v_neg(vl));            /* -|v| = -a + al */
    sa_vi k;
    sa_v mlo;
    sa_v m = sa_exp_core_lim(v_neg(a), al, lim, &k, &mlo);
    /* 1 + E only needs E when E > 2^-60: for |v| > 120 E's exponent is capped at -200 (E and
     * El -> 0, as they already are for lim = 126) so v_ldexp stays in range for wider lims */
    sa_vi kE = v_asint(v_sel(v_gt(a, v_set1(120.0f)), v_asfloat(vi_set1(-200)), v_asfloat(k)));
    sa_v E = v_ldexp(m, kE);
    sa_v El = v_ldexp(mlo, kE);
    sa_v one = v_set1(1.0f), zero = v_set1(0.0f);
    sa_v d = v_add(one, E);
    sa_v dl = v_add(v_add(v_sub(one, d), E), El);
    sa_v num = v_sel(neg, m, one);
    sa_v numl = v_sel(neg, mlo, zero);
    /* one division: r = 1/d, q = num r (within ~1 ulp of num/d), the residual of that q taken
     * exactly by fma and divided by d through r (its own error is 2^-24 of a 2^-23 term) */
    sa_v r = v_div(one, d);
    sa_v q = v_mul(num, r);
    sa_v res = v_add(v_fnma(q, d, num), v_fnma(q, dl, numl));
    *ql = v_mul(res, r);
    *kq = v_asint(v_sel(neg, v_asfloat(k), v_asfloat(vi_set1(0))));
    return q;
}
SA_INLINE sa_v sa_sigmoid_core(sa_v vh, sa_v vl, sa_vi *kq, sa_v *ql) {
    return sa_sigmoid_core_lim(vh, vl, 126.0f, kq, ql);
}

/* x^2 as an exact pair: x2 = h + l */
SA_INLINE sa_v sa_sqr2(sa_v x, sa_v *l) {
    sa_v h = v_mul(x, x);
    *l = v_fms(x, x, h);
    return h;
}

/* ------------------------------------------------------------------- gelu T as a pair
 * T(a) = th + *tl for a in [0.5, 20.5] from the tables above (piece A below 2.5, piece B
 * above), given a^2 = x2h + x2l exactly as nh = -x2h/2, nl = -x2l/2 (the gelu exp argument),
 * with less evaluation error than a plain float Horner (up to 1.2 * 2^-24 of T at
 * a = 0.5, where the terms of piece A in t = a - 1.5 = -1 all have one sign and the partial
 * sums of degree 0..2 are as large as T):
 *   - degrees 3..10 by Estrin in float (their rounding reaches T times t^3: <= 0.1 * 2^-24),
 *     then the steps of degree 2, 1, 0 compensated: h = c_j + h' t as a pair (TwoProd by fma,
 *     Fast2Sum with c_j: |h' t| < |c_j| on both pieces, checked), the low parts carried on;
 *   - piece B's t = 1/a^2 = fl(1/x2h) is up to 2^-24 off (x2h and the division rounded); its
 *     low part tlo = 1/(x2h + x2l) - t = t (R - x2l t), R = 1 - t x2h (exact: the remainder of
 *     a correctly rounded division), enters the last step as h1 tlo (T'(t) ~ h1 there, to ~10%,
 *     of a term <= 0.09 * 2^-24 of T).
 * Evaluation error of th + tl: ~0.03 * 2^-24 relative on piece A, ~0.1 * 2^-24 on piece B near
 * 2.5; the fit errors (0.157 / 0.266 * 2^-24, and piece B's growth beyond its fitted 14.5: 0.44
 * at 16, 1.1 at 20) remain. Position independent, exact operations only (bit-identical on
 * every ISA). */
#define SA_GELU_TC(j) v_sel(pa, v_set1(SA_GELU_TA[j]), v_set1(SA_GELU_TB[j]))
SA_INLINE sa_v sa_gelu_T2_(sa_v a, sa_v x2h, sa_v nh, sa_v nl, sa_v *tl, int piece_c) {
    sa_m pa = v_lt(a, v_set1(2.5f));
    sa_v tb = v_div(v_set1(1.0f), x2h);
    sa_v t = v_sel(pa, v_sub(a, v_set1(1.5f)), tb);
    /* tlo / 2 = tb (R/2 - x2l tb / 2), R/2 = 0.5 - tb x2h / 2 exactly; 0 on piece A */
    sa_v tlo = v_mul(tb, v_fma(nl, tb, v_fma(tb, nh, v_set1(0.5f))));
    tlo = v_sel(pa, v_set1(0.0f), tlo);
    /* degrees 3..10 (Estrin) */
    sa_v t2 = v_mul(t, t);
    sa_v e0 = v_fma(SA_GELU_TC(4), t, SA_GELU_TC(3));
    sa_v e1 = v_fma(SA_GELU_TC(6), t, SA_GELU_TC(5));
    sa_v e2 = v_fma(SA_GELU_TC(8), t, SA_GELU_TC(7));
    sa_v e3 = v_fma(SA_GELU_TC(10), t, SA_GELU_TC(9));
    sa_v h = v_fma(v_mul(t2, t2), v_fma(t2, e3, e2), v_fma(t2, e1, e0));
    /* degrees 2, 1, 0 as pairs h + hl: hh = fl(c + h t) by fma, and beside it its error
     * c + h t - hh = fl(h t + (c - hh)) up to 2^-24 of itself (c - hh is exact: checked over
     * both pieces' ranges); the low parts carried on as hl t */
    sa_v hl = v_set1(0.0f);
    for (int j = 2; j >= 0; j--) {
        sa_v c = SA_GELU_TC(j);
        sa_v hh = v_fma(h, t, c);
        sa_v lo = v_fma(h, t, v_sub(c, hh));
        if (j == 0) lo = v_fma(v_add(h, h), tlo, lo);
        hl = j < 2 ? v_fma(hl, t, lo) : lo;
        h = hh;
    }
    if (piece_c) {
        /* piece C, a >= 14.5: the asymptotic series T = (1 + v) / sqrt(2 pi),
         * v = -u + 3u^2 - 15u^3 + 105u^4 (u = 1/a^2 <= 0.0048: the next term is below
         * 2^-28 relative), as the pair C0H + (C0H v + C0L) */
        sa_m pc = v_ge(a, v_set1(14.5f));
        sa_v v = v_fma(v_fma(v_set1(105.0f), tb, v_set1(-15.0f)), tb, v_set1(3.0f));
        v = v_mul(v_fma(v, tb, v_set1(-1.0f)), tb);
        h = v_sel(pc, v_set1(0x1.988454p-2f), h);
        hl = v_sel(pc, v_fma(v_set1(0x1.988454p-2f), v, v_set1(-0x1.857936p-27f)), hl);
    }
    *tl = hl;
    return h;
}
#undef SA_GELU_TC
/* T on [0.5, 16] (pieces A and B; gelu's results vanish above 14.3) */
SA_INLINE sa_v sa_gelu_T2(sa_v a, sa_v x2h, sa_v nh, sa_v nl, sa_v *tl) {
    return sa_gelu_T2_(a, x2h, nh, nl, tl, 0);
}
/* T on [0.5, 20.5] with piece C above 14.5 (geglu: a large b keeps those results) */
SA_INLINE sa_v sa_gelu_T2c(sa_v a, sa_v x2h, sa_v nh, sa_v nl, sa_v *tl) {
    return sa_gelu_T2_(a, x2h, nh, nl, tl, 1);
}
#endif
