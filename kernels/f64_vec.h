/* f64_vec.h — simdact's float64 SIMD kernels, written once over simd_f64.h.
 *
 * Included by kernels/{avx2,avx512}/f64_vec.c after defining SA_TARGET_AVX2 / SA_TARGET_AVX512
 * (4 / 8 lanes); the scalar ISA keeps the portable kernels of f64*.c. Each kernel is
 * sa_f64_<name>__<algo>__<isa>: the sa_f64_kernel signature for an SA_F64V line of registry.h
 * (a row kernel computes one row of n), the sa_f64_pkernel one for an SA_F64VP line
 * (parametric and gated functions). Compile with -O2 -ffp-contract=off (every
 * FMA is explicit) and never with -ffast-math.
 *
 * Common to every kernel:
 *   - the same semantics and special values as the portable kernel of the same function
 *     (f64*.c): NaN in -> the same NaN out, quieted (parametric: x, then p; q per function);
 *     +-inf give the limits; odd functions keep the sign of zero; subnormal results are kept
 *     (the final scaling by 2^k is the only rounding into the subnormal range);
 *   - y[i] depends on x[i] only (unary) or on the row (rows), never on the position: the
 *     n % W tail goes through the same vector code on a padded copy; rows are reduced in
 *     blocks of 8 elements (two AVX2 vectors, one AVX-512 vector) with a fixed-order final sum,
 *     so AVX2 and AVX-512 give bit-identical results for every kernel here; nothing outside
 *     [0, n) is read or written; x == y (in place) is allowed;
 *   - no per-element branches: regions are blended with masks; no approximate reciprocals; a
 *     parametric kernel may hand rare lanes (far tails, huge operands: "cold") to the portable
 *     kernel, one predicted branch per vector (SA_DEF_PARAM_D);
 *   - FP exception flags may be raised (the loops restore the caller's flags), except that
 *     log_softmax (registry ovf = 1) raises overflow only when a result overflows. MXCSR modes
 *     are never changed.
 *   - "max error measured": max |y - v| / ulp64(v) with v the exact (mpmath, 50 digits) value,
 *     over ~40000 random points per function (uniform on [-6, 6], [-40, 40], +-1.2, [0.5, 9],
 *     the tails [-745, -700], [-38.8, -30], [-27, -20], tiny and huge magnitudes) plus the
 *     tests' samples; the tests measure against v rounded once to double
 *     (tests/test_float64.py, every ISA; test_float64_simd_dense covers each branch region).
 *
 * Coefficients were fitted for simdact by Chebyshev interpolation at 50 digits (mpmath) and
 * rounded to double; "fit rel err" is the relative error of the polynomial with its
 * coefficients rounded (evaluated exactly, 300 points; for the erfcx pieces with coefficient 0
 * rounded too, which SA_D_ERFCX_LO then removes).
 */
#include "simd_f64.h"
#include "kernels.h"
#include <math.h>
#include <stdlib.h>

#define SA_KD_(name, algo, isa) SA_F64V_KERNEL(name, algo, isa)
#define SA_KD(name, algo) SA_KD_(name, algo, SA_F64_ISA)

/* ln 2 = LN2_HI + LN2_LO, LN2_HI on the 2^-42 grid so n LN2_HI is exact for |n| < 2^11 */
#define SA_D_LN2_HI 0x1.62e42fefa3800p-1
#define SA_D_LN2_LO 0x1.ef35793c76730p-45
#define SA_D_LOG2E 0x1.71547652b82fep+0
/* 2/sqrt(pi), 1/sqrt(2 pi), 1/sqrt(2) as hi + lo pairs */
#define SA_D_2RPI_HI 0x1.20dd750429b6dp+0
#define SA_D_2RPI_LO 0x1.1ae3a914fed80p-56
#define SA_D_R2PI_HI 0x1.9884533d43651p-2
#define SA_D_R2PI_LO -0x1.cbc0d30ebfd15p-56
#define SA_D_RSQ2_HI 0x1.6a09e667f3bcdp-1
#define SA_D_RSQ2_LO -0x1.bdd3413b26456p-55
/* gelu_tanh's 2u = c1 x + c3 x^3, the constants of f64_common.h */
#define SA_D_C1_HI 0x1.9884533d43651p+0
#define SA_D_C1_LO -0x1.cbc0d30ebfd15p-54
#define SA_D_C3_HI 0x1.2444f2a4d8b4bp-4
#define SA_D_C3_LO -0x1.6c843a29d1c70p-61
/* exp's argument clamp: exp(-1100) 2^k underflows to 0 for every factor used here, and
 * |n| <= 1587 keeps n LN2_HI exact and k inside d_ldexp's range */
#define SA_D_EXP_LIM 1100.0

/* exp: expm1(r) = r + r^2 P(r), |r| <= ln2/2, P degree 10; fit rel err 2^-57.6 */
static const double SA_D_EXP_P[11] = {0x1.0000000000000p-1, 0x1.5555555555557p-3,
    0x1.5555555555556p-5, 0x1.11111111100c9p-7, 0x1.6c16c16c162cap-10, 0x1.a01a01abf20adp-13,
    0x1.a01a01a6de478p-16, 0x1.71de0211bc37ep-19, 0x1.27e4db5238e9ap-22, 0x1.af4e2bbb50609p-26,
    0x1.1f732921c514bp-29};
/* erf(x) = x (2/sqrt(pi) + u P(u)), u = x^2 <= 0.5625, P degree 9; fit rel err of P 2^-53.5 */
static const double SA_D_ERF_P[10] = {-0x1.812746b0379e7p-2, 0x1.ce2f21a042b48p-4,
    -0x1.b82ce3127fe2ep-6, 0x1.565bcd0b45ba0p-8, -0x1.c02db2dcbcc18p-11, 0x1.f9a2ea35c746ap-14,
    -0x1.f4caa135cbdfap-17, 0x1.b94a493b2a0a3p-20, -0x1.57e91eb5ae33cp-23, 0x1.93868bf8b5f74p-27};
/* Phi(x) = 1/2 + x (1/sqrt(2 pi) + u P(u)), u = x^2 <= 1.06^2, P degree 10; fit rel err of P
 * 2^-53.2 */
static const double SA_D_PHI_P[11] = {-0x1.1058377e2cee0p-4, 0x1.46d04297691d9p-7,
    -0x1.37403f6ba0f73p-10, 0x1.e42b0d5201607p-14, -0x1.3ce8fabc8c5a4p-17, 0x1.658a2036488a7p-21,
    -0x1.62223602de2d6p-25, 0x1.38733e97e612fp-29, -0x1.f04a807b673ecp-34, 0x1.5fbe1a3a8923fp-38,
    -0x1.799578f4d9dd1p-43};
/* Phi(x) = B(x + 0.828125) on x in [-1.0625, -0.59375], degree 12; fit rel err 2^-57.0
 * (coefficients rounded); SA_D_PHI_B0_LO is the rounding error of coefficient 0 */
static const double SA_D_PHI_B[13] = {0x1.a161d1aeff9afp-3, 0x1.21edf33abe291p-2,
    0x1.e0321ad94af3fp-4, -0x1.e5dbc0997410ep-7, -0x1.726ca6ab696b0p-6, -0x1.8e9838e509f1bp-10,
    0x1.6f9cb90caf952p-9, 0x1.0cdcda880c7d8p-11, -0x1.036ee364c35a7p-12, -0x1.3092c750ca295p-14,
    0x1.0c11c073655adp-16, 0x1.d8f07d0d57d9dp-18, -0x1.7fbba54f972c0p-21};
#define SA_D_PHI_B0_LO 0x1.3496f458bfdf1p-58
/* erfcx(z) = exp(z^2) erfc(z): pieces i = 0..6 on z in [c_i - 1/4, c_i + 1/4], c_i = 1 + i/2,
 * erfcx = F_i(z - c_i); piece 7 on z in [4.25, 27.5]: z erfcx(z) = F_7(1/z^2 - c_7). Degree 13;
 * SA_D_ERFCX[j][i] is coefficient j of piece i, SA_D_ERFCX_LO[i] the rounding error of
 * coefficient 0. Fit rel errs 2^: -55.4 -53.7 -55.3 -54.8 -54.8 -56.1 -54.0 -54.1 */
static const double SA_D_ERFCX_C[8] = {0x1.0000000000000p+0, 0x1.8000000000000p+0,
    0x1.0000000000000p+1, 0x1.4000000000000p+1, 0x1.8000000000000p+1, 0x1.c000000000000p+1,
    0x1.0000000000000p+2, 0x1.d0950d3a46d72p-6};
static const double SA_D_ERFCX[14][8] __attribute__((aligned(64))) = {
    {0x1.b5d8780f956b2p-2, 0x1.494daffa2ad68p-2, 0x1.058671b52c776p-2, 0x1.afbb3f3b7343bp-3,
     0x1.6e9827d229d2dp-3, 0x1.3e0a99a0ee914p-3, 0x1.18932bf08e154p-3, 0x1.1ceeb831a04b9p-1},
    {-0x1.17c4e3f17c050p-2, -0x1.4f1988444caf7p-3, -0x1.b57034efd3f72p-4, -0x1.3086d7f01ac85p-4,
     -0x1.bd6ae4d14b16fp-5, -0x1.5285d2eb1ef74p-5, -0x1.094922737431ap-5, -0x1.0a9b185f01b76p-2},
    {0x1.3c27283c32c97p-3, 0x1.37ea271bc54b4p-4, 0x1.5672b9ea13de3p-5, 0x1.98958a7a8e4a2p-6,
     0x1.043fe1a98c0cdp-6, 0x1.5d581133378edp-7, 0x1.e9412fa33c74bp-8, 0x1.644699e49420dp-2},
    {-0x1.44837f8906ed6p-4, -0x1.0dc51d2941e68p-5, -0x1.fa9d3ac955d94p-7, -0x1.0632076809dfbp-7,
     -0x1.259061ba85692p-8, -0x1.5e5d7e9899181p-9, -0x1.b8b6382729f08p-10, -0x1.7af8ebb72c021p-1},
    {0x1.33cad0ef696d3p-5, 0x1.b65944f354081p-7, 0x1.64907215a50a7p-8, 0x1.435c04e20833cp-9,
     0x1.409cc2ed40179p-10, 0x1.5632136d8cdf3p-11, 0x1.8457bbe09429bp-12, 0x1.0e48655623a23p+1},
    {-0x1.10fcf1b57e2b2p-6, -0x1.513ed7600f9afp-8, -0x1.e028e8a56e4edp-10, -0x1.809ce8ab539e6p-11,
     -0x1.53dec9d089773p-12, -0x1.460abd6b25beap-13, -0x1.4f2981c3becbfp-14, -0x1.dbf102626dfd3p+2},
    {0x1.c8cb956cfd319p-8, 0x1.ee705e65da2ccp-10, 0x1.369ffa040aadep-11, 0x1.ba8a67cd49df2p-13,
     0x1.5e73930398277p-14, 0x1.2f839e53d9c62p-15, 0x1.1ba135eeec134p-16, 0x1.ecd3d4c62ac4fp+4},
    {-0x1.6af26502a0920p-9, -0x1.5b0abfdeed8dcp-11, -0x1.838221647d6dfp-13, -0x1.edd42396cc1bep-15,
     -0x1.6025103b4f365p-16, -0x1.146bc4063b66dp-17, -0x1.d7274797cce67p-19, -0x1.22b90ed9da7a8p+7},
    {0x1.135278c6adf22p-10, 0x1.d450b03973f8ep-13, 0x1.d37baff73b737p-15, 0x1.0bcba69ade959p-16,
     0x1.595f1dfcbedecp-18, 0x1.ed2a98b21a2c5p-20, 0x1.806c922b6a43ap-21, 0x1.7e47db1d5d928p+9},
    {-0x1.90827016ad70dp-12, -0x1.30c0f6f7a9ebap-14, -0x1.115d0325c4c02p-16,
     -0x1.1ad110e4eac67p-18, -0x1.4b1464c370fbap-20, -0x1.af5d66c3cb200p-22,
     -0x1.345efb72995e2p-23, -0x1.1380ce7dc5b04p+12},
    {0x1.18402ec8a7701p-13, 0x1.7f8b8be55a1bdp-16, 0x1.368fb3f8a4de5p-18, 0x1.234ae014eb990p-20,
     0x1.3695355eaeda6p-22, 0x1.724c510d7c961p-24, 0x1.e6ba3d2c480f1p-26, 0x1.aa22f1a7e6954p+14},
    {-0x1.7a89af13e75a7p-15, -0x1.d4062b3da1db0p-18, -0x1.577042148ee4cp-20,
     -0x1.250ff5c2aec57p-22, -0x1.1d75d322853c8p-24, -0x1.38428f1859d35p-26,
     -0x1.7a2dfdedbd37cp-28, -0x1.63a04bbadc0d4p+17},
    {0x1.fa04e02919ab7p-17, 0x1.1a6e98b132590p-19, 0x1.77db94bd75b52p-22, 0x1.24014b2e49183p-24,
     0x1.040ee1098d24dp-26, 0x1.0536910f483e2p-28, 0x1.23b7ffb7822afp-30, 0x1.76470629524fbp+20},
    {-0x1.43d516e3f33d7p-18, -0x1.45833b6754055p-21, -0x1.8b55993fc748bp-24,
     -0x1.19295ee184865p-26, -0x1.cc0208d036c59p-29, -0x1.a9edddcb14309p-31,
     -0x1.b8128891bd1f1p-33, -0x1.656e2302db4a4p+23},
};
static const double SA_D_ERFCX_LO[8] __attribute__((aligned(64))) = {0x1.be3dc7e79fecfp-58,
    0x1.3b40a919dfac9p-56, -0x1.3aacd8b2bdb08p-58, -0x1.9f1da9b2704f2p-58, -0x1.906ea343632f8p-58,
    -0x1.9027119ee3354p-60, 0x1.0981d557b68e8p-57, -0x1.fe14a72c10f6dp-56};

/* sum_{j < N} C[j] t^j (N <= 16, C a constant table) by Estrin: pairs C[2i] + C[2i+1] t, then
 * pairs of those with t^2, t^4, t^8: depth 4 or 5 where Horner has N - 1 dependent FMAs, for a
 * few more operations (the float64 kernels are chains of dependent steps, latency-bound; the
 * README's float64 paragraph has the figures). Fully unrolled: N is a constant. */
#define SA_D_ESTRIN(t, C, N, out)                                                \
    do {                                                                         \
        sa_d v_[16], p_ = (t);                                                   \
        int m_ = (N);                                                            \
        _Pragma("GCC unroll 16") for (int j_ = 0; j_ < (N); j_++) v_[j_] = d_set1((C)[j_]); \
        _Pragma("GCC unroll 4") for (int l_ = 0; l_ < 4 && m_ > 1; l_++) {      \
            _Pragma("GCC unroll 8") for (int j_ = 0; 2 * j_ < m_; j_++)          \
                v_[j_] = 2 * j_ + 1 < m_ ? d_fma(v_[2 * j_ + 1], p_, v_[2 * j_]) : v_[2 * j_]; \
            m_ = (m_ + 1) / 2;                                                   \
            if (m_ > 1) p_ = d_mul(p_, p_);                                      \
        }                                                                        \
        (out) = v_[0];                                                           \
    } while (0)

/* ------------------------------------------------------------------------ exp core
 * exp(hi + lo) = 2^k (1 + s + *e) with |s| <= 0.42, |*e| <= ~2^-52 |s|, k = *k an integral
 * double; hi is clamped to [-SA_D_EXP_LIM, SA_D_EXP_LIM] (NaN kept), |lo| <= ~2^-40.
 *   n = round(hi log2e); r = hi - n LN2_HI exactly (FMA; r and n LN2_HI fit 53 bits);
 *   rl = lo - n LN2_LO; expm1(r) = r + t, t = r^2 P(r) (degree 10, r^2 as an exact pair),
 *   s + e by Fast2Sum, and the low part of the argument folded in as (1 + s)(1 + rl).
 * Relative error of 1 + s + e: about 2^-60 (fit) + 2^-57 (rounding of t, |t| <= 0.07).
 * P by Estrin (SA_D_ESTRIN), as the other polynomials on constant tables here. */
SA_DINLINE sa_d sa_d_exp_red(sa_d hi, sa_d lo, sa_d *k, sa_d *e) {
    hi = d_clamp(hi, -SA_D_EXP_LIM, SA_D_EXP_LIM);
    sa_d n = d_round_fma(hi, d_set1(SA_D_LOG2E));
    sa_d r = d_fma(n, d_set1(-SA_D_LN2_HI), hi);
    sa_d rl = d_fma(n, d_set1(-SA_D_LN2_LO), lo);
    sa_d p, r2l, r2 = d_two_prod(r, r, &r2l);
    SA_D_ESTRIN(r, SA_D_EXP_P, 11, p);
    sa_d t = d_fma(r2, p, d_mul(r2l, p));
    sa_d sl, s = d_fast_two_sum(r, t, &sl);
    *e = d_add(sl, d_fma(s, rl, rl));
    *k = n;
    return s;
}

/* exp(hi + lo) = (m + *mlo) 2^k, m in [0.70, 1.42] */
SA_DINLINE sa_d sa_d_exp_core(sa_d hi, sa_d lo, sa_d *k, sa_d *mlo) {
    sa_d e, s = sa_d_exp_red(hi, lo, k, &e);
    sa_d l, m = d_fast_two_sum(d_set1(1.0), s, &l);
    *mlo = d_add(l, e);
    return m;
}

/* expm1(v) for v >= 0 (exact v, no low part) as a pair S + *Se:
 * 2^k (1 + s + e) - 1 = (2^k - 1) + 2^k s + 2^k e, 2^k - 1 and 2^k s exact (k in [0, 53]),
 * summed by TwoSum. Relative error ~2^-56 (the two terms never cancel by more than 1.4x). */
SA_DINLINE sa_d sa_d_expm1_pos(sa_d v, sa_d *Se) {
    sa_d k, e, s = sa_d_exp_red(v, d_set1(0.0), &k, &e);
    sa_d P = d_pow2i(k);
    sa_d el, S = d_two_sum(d_sub(P, d_set1(1.0)), d_mul(P, s), &el);
    *Se = d_fma(P, e, el);
    return S;
}

/* ------------------------------------------------------------------------ sigmoid core
 * sigma(vh + vl) = (q + *ql) 2^kq for |vl| <= ulp(vh), 2^kq returned as the two factors
 * *s1, *s2 of d_pow2_split: e = exp(-|v|) = (m + mlo) 2^k,
 *   v >= 0: 1 / (1 + e), kq = 0;   v < 0: e / (1 + e) = ((m + mlo) / (1 + e)) 2^k, kq = k;
 * 1 + e = d + dl exactly (Fast2Sum, e <= 1); with r = 1/d (the one division), q = num r and
 * one correction step from the FMA remainder, ql = (num - q d + numl - q dl) r: q + ql is the
 * quotient to ~2^-100 plus exp's error. Callers multiply by x before the single final scaling
 * by 2^kq, so no intermediate is subnormal. */
SA_DINLINE sa_d sa_d_sigmoid_core(sa_d vh, sa_d vl, sa_d *s1, sa_d *s2, sa_d *ql) {
    const sa_d one = d_set1(1.0), zero = d_set1(0.0);
    sa_d a = d_abs(vh);
    sa_dm neg = d_lt(vh, zero);
    sa_d al = d_sel(neg, vl, d_neg(vl)); /* -|v| = -a + al */
    sa_d k, mlo, m = sa_d_exp_core(d_neg(a), al, &k, &mlo);
    sa_d p1, p2;
    d_pow2_split(k, &p1, &p2);
    sa_d E = d_scale2(m, p1, p2), El = d_scale2(mlo, p1, p2);
    sa_d dl, d = d_fast_two_sum(one, E, &dl);
    dl = d_add(dl, El);
    sa_d num = d_sel(neg, m, one), numl = d_sel(neg, mlo, zero);
    sa_d r = d_div(one, d);
    sa_d q = d_mul(num, r);
    sa_d res = d_add(d_fnma(q, d, num), d_fnma(q, dl, numl));
    *ql = d_mul(res, r);
    *s1 = d_sel(neg, p1, one);
    *s2 = d_sel(neg, p2, one);
    return q;
}

/* ------------------------------------------------------------------------ erfcx core
 * erfcx(z) = exp(z^2) erfc(z) for z = zh + zl in [0.744, 27.5] as a pair F + *Fl, with
 * u = 1/z^2 (to ~2^-52 relative) supplied by the caller. Pieces (SA_D_ERFCX tables):
 * n = clamp(round(2 zh) - 2, 0, 7); n < 7: erfcx = F_n(s), s = (zh - c_n) + zl (zh - c_n exact,
 * Sterbenz); n = 7 (z >= 4.25): z erfcx(z) = F_7(u - c_7), returned as is (*is_u set: the
 * caller divides by z or folds 1/z in). Horner with 8-entry table lookups per coefficient (by
 * Estrin, which loads every coefficient up front, erf took 8.55 -> 9.23 ns / element); the
 * last step c0 + h s as a pair with c0's own rounding error (SA_D_ERFCX_LO) added, so the
 * result's error is the fit's (<= 2^-53.7 with rounded coefficients) plus ~|h s| 2^-53. */
SA_DINLINE sa_d sa_d_erfcx(sa_d zh, sa_d zl, sa_d u, sa_dm *is_u, sa_d *Fl) {
    sa_d n = d_round_fma(zh, d_set1(2.0));
    n = d_clamp(d_sub(n, d_set1(2.0)), 0.0, 7.0);
    n = d_sel(d_isnan(n), d_set1(0.0), n);
    sa_dtab ti = d_tab_index(d_asint(d_add(n, d_set1(0x1.8p52))));
    sa_d c = d_tab8(SA_D_ERFCX_C, ti);
    *is_u = d_ge(n, d_set1(7.0));
    sa_d s = d_sel(*is_u, d_sub(u, c), d_add(d_sub(zh, c), zl));
    sa_d h = d_tab8(SA_D_ERFCX[13], ti);
    for (int j = 12; j >= 1; j--) h = d_fma(h, s, d_tab8(SA_D_ERFCX[j], ti));
    sa_d pe, ph = d_two_prod(h, s, &pe);
    sa_d fe, f = d_fast_two_sum(d_tab8(SA_D_ERFCX[0], ti), ph, &fe);
    *Fl = d_add(fe, d_add(pe, d_tab8(SA_D_ERFCX_LO, ti)));
    return f;
}

/* ===================================================================== elementwise driver
 * SA_DEF_UNARY_D(name, algo, fn): fn(sa_d x) -> sa_d over full vectors, then the n % W tail
 * through fn on a copy padded with 1.0. A NaN input comes back as itself, quieted (bit
 * operations, the same bits x + x gives on x86), whatever fn made of it. */
SA_DINLINE sa_d sa_d_keep_nan(sa_d x, sa_d y) { return d_sel(d_isnan(x), d_quiet(x), y); }

#define SA_DEF_UNARY_D(name, algo, fn)                                                    \
    SA_DINLINE sa_d name##_dnan_(sa_d v) { return sa_d_keep_nan(v, fn(v)); }               \
    void SA_KD(name, algo)(const double *x, double *y, size_t n) {                        \
        size_t i = 0;                                                                     \
        for (; i + SA_F64W <= n; i += SA_F64W) d_storeu(y + i, name##_dnan_(d_loadu(x + i))); \
        if (i < n) {                                                                      \
            double buf_[SA_F64W];                                                         \
            size_t r_ = n - i, j_;                                                        \
            for (j_ = 0; j_ < SA_F64W; j_++) buf_[j_] = j_ < r_ ? x[i + j_] : 1.0;        \
            d_storeu(buf_, name##_dnan_(d_loadu(buf_)));                                  \
            for (j_ = 0; j_ < r_; j_++) y[i + j_] = buf_[j_];                             \
        }                                                                                 \
    }

/* ================================================================================ sigmoid
 * sigmoid(x) = 1 / (1 + exp(-x)).
 * Algorithm (rr_p10_div): the sigmoid core above with vl = 0, y = (q + ql) 2^kq, rounded once
 *   (a subnormal result: q + ql rounded, then scaled: <= 0.5 ULP + 2^-52 relative).
 * Max error measured: 0.64 ULP from the exact value (x = -708.85, a subnormal result), 1 ULP
 *   from the once-rounded mpmath value (the tests' measure); budget 2.
 * Special values: sigmoid(-inf) = +0, sigmoid(+inf) = 1, sigmoid(+-0) = 0.5, NaN -> NaN;
 *   subnormal below x = -708.4, 0 below -745.2. */
SA_DINLINE sa_d sa_d_sigmoid_v(sa_d x) {
    sa_d s1, s2, ql, q = sa_d_sigmoid_core(x, d_set1(0.0), &s1, &s2, &ql);
    return d_scale2(d_add(q, ql), s1, s2);
}
SA_DEF_UNARY_D(sigmoid, rr_p10_div, sa_d_sigmoid_v)

/* =================================================================================== silu
 * silu(x) = x * sigmoid(x).
 * Algorithm (rr_p10_div): the sigmoid core, y = fma(x, q, x ql) 2^kq: rounded once, scaled
 *   once (normal down to x ~ -715 although sigmoid(x) is subnormal there).
 *   x > 40 -> x (sigmoid rounds to 1 and x (1 - e^-x) to x); x < -800 -> -0.
 * Max error measured: 0.72 ULP from the exact value (x = -715.03, near the subnormal range);
 *   1 ULP from the rounded mpmath value; budget 2.
 * Special values: silu(+-0) = +-0, silu(-inf) = -0, silu(+inf) = +inf, NaN -> NaN. */
SA_DINLINE sa_d sa_d_silu_v(sa_d x) {
    sa_d s1, s2, ql, q = sa_d_sigmoid_core(x, d_set1(0.0), &s1, &s2, &ql);
    sa_d y = d_scale2(d_fma(x, q, d_mul(x, ql)), s1, s2);
    y = d_sel(d_lt(x, d_set1(-800.0)), d_set1(-0.0), y);
    return d_sel(d_gt(x, d_set1(40.0)), x, y);
}
SA_DEF_UNARY_D(silu, rr_p10_div, sa_d_silu_v)

/* =================================================================================== tanh
 * tanh(x), odd.
 * Algorithm (rr_p10_expm1_div): on a = |x|, S = expm1(2a) as a pair (sa_d_expm1_pos, 2a
 *   exact, clamped at 50), tanh = S / (S + 2) with S + 2 as an exact pair and the division
 *   corrected by its FMA remainder (q = S (1/D), one division): error = expm1's relative error
 *   times 2/(S+2) <= 1, plus the final rounding. One formula for every a: tiny a gives
 *   S/2 = a exactly (S = 2a).
 * Max error measured: 0.62 ULP from the exact value (|x| ~ 0.17); 1 ULP from the rounded
 *   mpmath value; budget 2.
 * Special values: tanh(+-0) = +-0, tanh(+-inf) = +-1, NaN -> NaN. */
SA_DINLINE sa_d sa_d_tanh_v(sa_d x) {
    sa_d a = d_abs(x);
    sa_d Se, S = sa_d_expm1_pos(d_min_num(d_add(a, a), 50.0), &Se);
    sa_d Dl, D = d_two_sum(S, d_set1(2.0), &Dl);
    Dl = d_add(Dl, Se);
    sa_d r = d_div(d_set1(1.0), D);
    sa_d q = d_mul(S, r);
    sa_d res = d_add(d_fnma(q, D, S), d_fnma(q, Dl, Se));
    sa_d t = d_add(q, d_mul(res, r));
    return d_copysign_pos(t, x);
}
SA_DEF_UNARY_D(tanh, rr_p10_expm1_div, sa_d_tanh_v)

/* ==================================================================================== erf
 * erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt, odd.
 * Algorithm (p9_erfcx8_p13), on a = |x|:
 *   a < 0.75: erf = a (2/sqrt(pi) + u P(u)), u = a^2, P degree 9 (SA_D_ERF_P), the constant as
 *     a pair: fma(a, C_HI, a (C_LO + u P(u))), |u P| <= 0.16 C;
 *   0.75 <= a < 6: erf = 1 - erfc(a), erfc(a) = exp(-a^2) erfcx(a) (a^2 as an exact pair, the
 *     erfcx core, the product kept as a pair P + Pl, divided by a on the z >= 4.25 piece), and
 *     1 - P - Pl with Fast2Sum (erfc <= 0.29: its ~2^-52 relative error costs <= 0.3 ULP);
 *   a >= 6 -> 1 (erfc(6) < 2^-55).
 * Max error measured: 0.79 ULP from the exact value (|x| ~ 0.74, top of the polynomial);
 *   1 ULP from the rounded mpmath value; budget 2.
 * Special values: erf(+-0) = +-0, erf(+-inf) = +-1, NaN -> NaN. */
SA_DINLINE sa_d sa_d_erf_v(sa_d x) {
    const sa_d one = d_set1(1.0);
    sa_d a = d_abs(x);
    /* small */
    sa_d u = d_mul(a, a), p;
    SA_D_ESTRIN(u, SA_D_ERF_P, 10, p);
    sa_d ys = d_fma(a, d_set1(SA_D_2RPI_HI), d_mul(a, d_fma(u, p, d_set1(SA_D_2RPI_LO))));
    /* erfc region */
    sa_d z = d_min_num(a, 6.0);
    sa_d z2l, z2 = d_two_prod(z, z, &z2l);
    sa_d k, mlo, m = sa_d_exp_core(d_neg(z2), d_neg(z2l), &k, &mlo);
    sa_dm is_u;
    sa_d rz = d_div(one, z);
    sa_d Fl, F = sa_d_erfcx(z, d_set1(0.0), d_mul(rz, rz), &is_u, &Fl);
    sa_d Pe, P = d_two_prod(m, F, &Pe);
    sa_d Pl = d_add(Pe, d_fma(m, Fl, d_mul(mlo, F)));
    sa_d w = d_pow2i(k);
    w = d_sel(is_u, d_mul(w, rz), w); /* 2^k, or 2^k / z (erfc < 2^-28 there) */
    P = d_mul(P, w);
    Pl = d_mul(Pl, w);
    sa_d e, h = d_fast_two_sum(one, d_neg(P), &e);
    sa_d yt = d_add(h, d_sub(e, Pl));
    sa_d y = d_sel(d_lt(a, d_set1(0.75)), ys, yt);
    y = d_sel(d_ge(a, d_set1(6.0)), one, y);
    return d_copysign_pos(y, x);
}
SA_DEF_UNARY_D(erf, p9_erfcx8_p13, sa_d_erf_v)

/* =================================================================================== gelu
 * gelu(x) = x Phi(x) = x/2 erfc(-x/sqrt(2)).
 * Algorithm (p10_erfcx8_p13), a = |x|:
 *   -0.6 < x < 1.06: Phi(x) = 1/2 + x (c0 + u P(u)), u = x^2, P degree 10 (SA_D_PHI_P),
 *     c0 = 1/sqrt(2 pi) as a pair, 1/2 + x c0 as an exact pair (two_prod, Fast2Sum), y = x Phi
 *     rounded once (fma(x, Ph, x Pl));
 *   -1.06 < x <= -0.6: Phi(x) = B(x + 0.828125) (degree 12, SA_D_PHI_B, last step as a pair):
 *     1/2 + x c0 + ... cancels there (Phi(-1.06) = 0.145), costing up to 1.2 ULP;
 *   a >= 1.06: g = (a/2) erfc(z), z = a/sqrt(2) = zh + zl (FMA), = (a/2) exp(-a^2/2) erfcx(z)
 *     with a^2/2 as an exact pair and the erfcx core at (zh, zl); on the z >= 4.25 piece
 *     g = exp(-a^2/2) F_7 / sqrt(2) (a cancels; 1/sqrt(2) as a pair). g = M (m + mlo)(F + Fl)
 *     2^k rounded once before the final scaling (which is the only rounding into the
 *     subnormal range, x ~ -37.5 .. -38.6); x < 0: y = -g; x > 0: y = x - g (g <= 0.15 x).
 *   a is clamped at 38.75 (gelu(-38.75) rounds to -0; x - g = x for x > 8.3).
 * No long double: ~100x faster than the portable gelu's x < 0 path.
 * Max error measured: 0.74 ULP from the exact value (x = -37.6, a subnormal result); 0.72 on
 *   (-1.1, -0.55); 1 ULP from the rounded mpmath value; budget 2.
 * Special values: gelu(+-0) = +-0, gelu(-inf) = -0, gelu(+inf) = +inf, NaN -> NaN. */
/* Phi(x) = F + *Fl for -1.06 < x < 1.06 (the two polynomials above, selected) */
SA_DINLINE sa_d sa_d_gelu_phi(sa_d x, sa_d *Fl) {
    /* small */
    sa_d u = d_mul(x, x), p;
    SA_D_ESTRIN(u, SA_D_PHI_P, 11, p);
    sa_d pe, ph = d_two_prod(x, d_set1(SA_D_R2PI_HI), &pe);
    sa_d fe, f = d_fast_two_sum(d_set1(0.5), ph, &fe);
    sa_d fl = d_add(fe, d_fma(x, d_fma(u, p, d_set1(SA_D_R2PI_LO)), pe));
    /* -1.06 < x <= -0.6: Phi by its own polynomial (no cancellation in 1/2 + x c0 + ...) */
    sa_d sb = d_add(x, d_set1(0.828125)); /* exact (Sterbenz) */
    sa_d hb;
    SA_D_ESTRIN(sb, (SA_D_PHI_B + 1), 12, hb);
    sa_d be, bh = d_two_prod(hb, sb, &be);
    sa_d bfe, bf = d_fast_two_sum(d_set1(SA_D_PHI_B[0]), bh, &bfe);
    sa_d bfl = d_add(bfe, d_add(be, d_set1(SA_D_PHI_B0_LO)));
    sa_dm mid = d_le(x, d_set1(-0.6));
    *Fl = d_sel(mid, bfl, fl);
    return d_sel(mid, bf, f);
}
/* the tail's g = (a/2) erfc(|x|/sqrt 2) = (M (P + *Pl) + *Ml P) 2^k, a = min(|x|, 38.75) */
SA_DINLINE sa_d sa_d_gelu_tail(sa_d x, sa_d *P, sa_d *Pl, sa_d *Ml, sa_d *k) {
    sa_d ac = d_min_num(d_abs(x), 38.75);
    sa_d zh = d_mul(ac, d_set1(SA_D_RSQ2_HI));
    sa_d zl = d_fma(ac, d_set1(SA_D_RSQ2_LO), d_fms(ac, d_set1(SA_D_RSQ2_HI), zh));
    sa_d a2l, a2 = d_two_prod(ac, ac, &a2l);
    const sa_d mhalf = d_set1(-0.5);
    sa_d mlo, m = sa_d_exp_core(d_mul(a2, mhalf), d_mul(a2l, mhalf), k, &mlo);
    sa_dm is_u;
    sa_d Fl, F = sa_d_erfcx(zh, zl, d_div(d_set1(2.0), a2), &is_u, &Fl);
    sa_d Pe;
    *P = d_two_prod(m, F, &Pe);
    *Pl = d_add(Pe, d_fma(m, Fl, d_mul(mlo, F)));
    *Ml = d_sel(is_u, d_set1(SA_D_RSQ2_LO), d_set1(0.0));
    return d_sel(is_u, d_set1(SA_D_RSQ2_HI), d_mul(ac, d_set1(0.5)));
}
SA_DINLINE sa_d sa_d_gelu_v(sa_d x) {
    sa_d Fl, F = sa_d_gelu_phi(x, &Fl);
    sa_d ys = d_fma(x, F, d_mul(x, Fl));
    sa_d P, Pl, Ml, k, M = sa_d_gelu_tail(x, &P, &Pl, &Ml, &k);
    sa_d g = d_ldexp(d_fma(M, P, d_fma(M, Pl, d_mul(Ml, P))), k);
    sa_d yt = d_sel(d_lt(x, d_set1(0.0)), d_neg(g), d_sub(x, g));
    return d_sel(d_lt(d_abs(x), d_set1(1.06)), ys, yt);
}
SA_DEF_UNARY_D(gelu, p10_erfcx8_p13, sa_d_gelu_v)

/* ============================================================================== gelu_tanh
 * gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) = x sigmoid(2u),
 * 2u = c1 x + c3 x^3 (the constants of f64_common.h).
 * Algorithm (dd_rr_p10_div): 2u as a double-double h + l, the same operations as
 *   f64_common.h's gelu_tanh_arg (x^3 and both products error-free); the sigmoid core at
 *   (h, l); y = fma(x, q, x ql) 2^kq, rounded once, scaled once.
 *   x > 10 -> x; x < -25 -> -0 (the true value is below 2^-1075).
 * Max error measured: 0.72 ULP from the exact value (x = -21.18, a subnormal result); 1 ULP
 *   from the rounded mpmath value; budget 2.
 * Special values: gelu_tanh(+-0) = +-0, gelu_tanh(-inf) = -0, gelu_tanh(+inf) = +inf,
 *   NaN -> NaN. */
SA_DINLINE sa_d sa_d_gelu_tanh_arg(sa_d v, sa_d *l) {
    sa_d x2l, x2 = d_two_prod(v, v, &x2l);
    sa_d x3 = d_mul(x2, v);
    sa_d x3l = d_add(d_fms(x2, v, x3), d_mul(x2l, v));
    sa_d c1h = d_set1(SA_D_C1_HI), c3h = d_set1(SA_D_C3_HI);
    sa_d a = d_mul(c1h, v);
    sa_d al = d_add(d_fms(c1h, v, a), d_mul(d_set1(SA_D_C1_LO), v));
    sa_d b = d_mul(c3h, x3);
    sa_d bl = d_add(d_fms(c3h, x3, b), d_add(d_mul(c3h, x3l), d_mul(d_set1(SA_D_C3_LO), x3)));
    sa_d sl, h = d_two_sum(a, b, &sl);
    sa_d lo = d_add(sl, d_add(al, bl));
    sa_d hh = d_add(h, lo);
    *l = d_sub(lo, d_sub(hh, h));
    return hh;
}
SA_DINLINE sa_d sa_d_gelu_tanh_v(sa_d x) {
    sa_d xc = d_clamp(x, -25.0, 10.0);
    sa_d l, h = sa_d_gelu_tanh_arg(xc, &l);
    sa_d s1, s2, ql, q = sa_d_sigmoid_core(h, l, &s1, &s2, &ql);
    sa_d y = d_scale2(d_fma(xc, q, d_mul(xc, ql)), s1, s2);
    y = d_sel(d_lt(x, d_set1(-25.0)), d_set1(-0.0), y);
    return d_sel(d_gt(x, d_set1(10.0)), x, y);
}
SA_DEF_UNARY_D(gelu_tanh, dd_rr_p10_div, sa_d_gelu_tanh_v)

/* ============================================================================ relu, relu6
 * relu(x) = x > 0 ? x : +0; relu6(x) = min(relu(x), 6) (algo select): exact, relu(-0) = +0,
 * relu6(+inf) = 6, NaN -> NaN (the driver). The portable kernels' semantics (f64.c,
 * f64_catalogue_pw.c). */
SA_DINLINE sa_d sa_d_relu_v(sa_d x) { return d_sel(d_gt(x, d_set1(0.0)), x, d_set1(0.0)); }
SA_DEF_UNARY_D(relu, select, sa_d_relu_v)
SA_DINLINE sa_d sa_d_relu6_v(sa_d x) { return d_min_num(sa_d_relu_v(x), 6.0); }
SA_DEF_UNARY_D(relu6, select, sa_d_relu6_v)

/* ============================================================================ hardsigmoid
 * hardsigmoid(x) = 0 if x <= -3, 1 if x >= 3, else (x + 3)/6.
 * Algorithm (pair_rem, the float32 kernel's, f32_catalogue_pw.h): c = clamp(x, -3, 3);
 *   s + sl = c + 3 exactly (Fast2Sum, |3| >= |c|); q = s C6 with C6 = double(1/6); the
 *   remainder r = (s - 6 q) + sl (s - 6 q exact by one FMA: q is within an ulp of s/6; adding
 *   sl rounds at 2^-53 of r); d = fma(r, C6, r C6L) ~ r/6 (C6 + C6L = 1/6 to 2^-110); y = q + d,
 *   rounded once. q + d is s/6 to ~2^-104 relative: 0.5 ULP + 2^-50 at most (an exact tie
 *   resolves to even: there r/6 is exact). No division (the portable kernel's two divisions
 *   and libm fma() calls cost 5.4 ns per element).
 * Max error measured: 0.48 ULP from the exact value; 0.5 from the once-rounded mpmath value (the
 *   tests' measure); budget 1 (ulp_f64).
 * Special values: +-0 -> 0.5, x <= -3 and -inf -> +0, x >= 3 and +inf -> 1 (6 C6 rounds to 1
 *   exactly), NaN -> NaN. */
#define SA_D_C6 0x1.5555555555555p-3
#define SA_D_C6L 0x1.5555555555555p-57
/* (c + 3)/6 = q + *d for c in [-3, 3] (hardsigmoid's algorithm above; also hardswish's) */
SA_DINLINE sa_d sa_d_sixth(sa_d c, sa_d *d) {
    const sa_d three = d_set1(3.0), c6 = d_set1(SA_D_C6);
    sa_d sl, s = d_fast_two_sum(three, c, &sl);
    sa_d q = d_mul(s, c6);
    sa_d r = d_add(d_fma(d_set1(-6.0), q, s), sl);
    *d = d_fma(r, c6, d_mul(r, d_set1(SA_D_C6L)));
    return q;
}
SA_DINLINE sa_d sa_d_hardsigmoid_v(sa_d x) {
    sa_d d, q = sa_d_sixth(d_clamp(x, -3.0, 3.0), &d);
    return d_add(q, d);
}
SA_DEF_UNARY_D(hardsigmoid, pair_rem, sa_d_hardsigmoid_v)

/* ============================================================================== hardswish
 * hardswish(x) = x * hardsigmoid(x) = 0 if x <= -3, x if x >= 3, else x (x + 3)/6.
 * Algorithm (pair_rem_mul, as float32): m = max(x, -3), c = min(m, 3); q + d = (c + 3)/6 from
 *   sa_d_sixth (~2^-104 relative); y = fma(m, q, c d): one rounding of m q plus a term below
 *   2^-51 of it rounded at 2^-53 of itself: 0.5 ULP + 2^-100. No cancellation near -3 (c + 3 is
 *   exact). x > 3: m = x, c = 3, q = 6 C6 = 1 exactly and d = 0, so y = x (+inf included).
 * Max error measured: 0.5 ULP from the exact value (a subnormal result); budget 1 (ulp_f64).
 * Special values: +-0 -> +-0; x <= -3 and -inf -> -0 (fma(-3, 0, -3 * 0)), as the portable
 *   kernel; x >= 3 -> x; NaN -> NaN. Never overflows. */
SA_DINLINE sa_d sa_d_hardswish_v(sa_d x) {
    sa_d m = d_sel(d_lt(x, d_set1(-3.0)), d_set1(-3.0), x); /* the multiplier: x above 3 */
    sa_d c = d_min_num(m, 3.0);
    sa_d d, q = sa_d_sixth(c, &d);
    return d_fma(m, q, d_mul(c, d));
}
SA_DEF_UNARY_D(hardswish, pair_rem_mul, sa_d_hardswish_v)

/* =============================================================================== softsign
 * softsign(x) = x / (1 + |x|).
 * Algorithm (pair_rcp_div): a = min(|x|, 2^600) (beyond 2^54 the result rounds to 1; the clamp
 *   keeps inf out of the arithmetic); D + Dl = 1 + a exactly (Fast2Sum, the larger of 1 and a
 *   first); u = 1/D (the one division); q = a u; the remainder a - q D is exact (FMA; q is
 *   within two ulps of a/D), so a/(D + Dl) = q + ((a - q D) - q Dl)/(D + Dl), the correction
 *   taken times u: y = q + corr, rounded once. Error 0.5 ULP + 2^-50.
 * Max error measured: 0.5 ULP from the exact value; budget 1 (ulp_f64).
 * Special values: +-0 -> +-0, +-inf -> +-1, subnormal x -> x, NaN -> NaN. Never overflows. */
SA_DINLINE sa_d sa_d_softsign_v(sa_d x) {
    const sa_d one = d_set1(1.0);
    sa_d a = d_min_num(d_abs(x), 0x1p600);
    sa_d D = d_add(one, a);
    sa_d Dl = d_sub(d_min_num(a, 1.0), d_sub(D, d_sel(d_gt(a, one), a, one)));
    sa_d u = d_div(one, D);
    sa_d q = d_mul(a, u);
    sa_d res = d_add(d_fnma(q, D, a), d_mul(d_neg(q), Dl));
    return d_copysign_pos(d_fma(res, u, q), x);
}
SA_DEF_UNARY_D(softsign, pair_rcp_div, sa_d_softsign_v)

/* =================================================================================== selu
 * selu(x) = scale * (x if x > 0 else alpha * expm1(x)), torch's decimal alpha and scale.
 * Algorithm (rr_p10_expm1): x > 0: fma(x, S_HI, x S_LO) with scale = S_HI + S_LO (one
 *   rounding). x <= 0: v = max(x, -60) (expm1 is -1 to 2^-86 below), exp(v) = 2^k (1 + s + e)
 *   from the exp core (k <= 0); expm1(v) = (2^k - 1) + 2^k s + 2^k e with 2^k - 1 = T + Tl
 *   (Fast2Sum, exact) and 2^k s exact, summed by TwoSum into S + Sl (no cancellation beyond
 *   what the pair keeps: for k = 0 the sum is s itself); then (SA_HI + SA_LO) (S + Sl) with one
 *   rounding, SA = scale * alpha as a pair. Error: exp's ~2^-56 relative + 0.5 ULP.
 *   The result is <= 0 for x <= 0: it gets x's sign bit (selu(-0) = -0, where 2^0 - 1 + s
 *   gives +0).
 * Max error measured: 0.63 ULP from the exact value (x = -0.296); 1 ULP from the once-rounded
 *   mpmath value; budget 2 (ulp_f64).
 * Special values: selu(+-0) = +-0, +inf -> +inf, -inf -> -scale * alpha, NaN -> NaN.
 *   Overflow only for x > DBL_MAX / scale, where the true result overflows. */
/* expm1(x) for x <= 0 as a pair S + *Sl (selu's algorithm above; also elu's): x > 0 is
 * computed at 0, x < -60 at -60 */
SA_DINLINE sa_d sa_d_expm1_neg(sa_d x, sa_d *Sl) {
    sa_d v = d_sel(d_lt(x, d_set1(-60.0)), d_set1(-60.0), x);
    sa_d k, e, s = sa_d_exp_red(d_sel(d_gt(x, d_set1(0.0)), d_set1(0.0), v), d_set1(0.0), &k, &e);
    sa_d P = d_pow2i(k);
    sa_d Tl, T = d_fast_two_sum(d_set1(-1.0), P, &Tl);
    sa_d S = d_two_sum(T, d_mul(P, s), Sl);
    *Sl = d_add(*Sl, d_fma(P, e, Tl));
    return S;
}
SA_DINLINE sa_d sa_d_selu_v(sa_d x) {
    sa_d xp = d_sel(d_gt(x, d_set1(0.0)), x, d_set1(0.0)); /* x * scale only where used */
    sa_d pos = d_fma(xp, d_set1(0x1.0cfabd6a91132p+0), d_mul(xp, d_set1(0x1.6fc7d272f2695p-55)));
    sa_d Sl, S = sa_d_expm1_neg(x, &Sl);
    const sa_d sah = d_set1(0x1.c212cc640f031p+0), sal = d_set1(0x1.05161b045a1fep-56);
    sa_d neg = d_fma(sah, S, d_fma(sah, Sl, d_mul(sal, S)));
    neg = d_copysign_pos(d_abs(neg), x); /* <= 0 for x <= 0; the sign of a zero x */
    return d_sel(d_gt(x, d_set1(0.0)), pos, neg);
}
SA_DEF_UNARY_D(selu, rr_p10_expm1, sa_d_selu_v)

/* =================================================================================== mish
 * mish(x) = x tanh(softplus(x)) = x N / D with E = exp(-|x|):
 *   x >= 0: N = 1 + 2E, D = 1 + 2E + 2E^2 (tanh(log(1 + e^x)) with e^-x = E);
 *   x < 0:  N = E (2 + E), D = E (2 + E) + 2 (the same with e^x = E).
 * Algorithm (rr_p10_ratio_div): E = (m + mlo) 2^k from the exp core, scaled to E + El; N and D
 *   as pairs (TwoSum / exact products; for x < 0, N is kept unscaled, (m + mlo)(2 + E), and 2^k
 *   applied at the end as in silu); the quotient q + ql by one division and an FMA remainder
 *   correction (the sigmoid core's step); y = fma(x, q, x ql) 2^k(x < 0), rounded once, scaled
 *   once. N / D has condition <= 1 in E, so the error is exp's ~2^-56 plus the final rounding.
 *   x > 20 -> x (1 - N/D < 2^-56); x < -800 -> -0.
 * Max error measured: 0.80 ULP from the exact value where the result is subnormal (|x| just
 *   above 2^-1022: x ql underflows before the final FMA, a second rounding), 1 ULP from the
 *   once-rounded mpmath value elsewhere; budget 2 (ulp_f64).
 * Special values: mish(+-0) = +-0, +inf -> +inf, -inf -> -0, NaN -> NaN. Never overflows. */
SA_DINLINE sa_d sa_d_mish_v(sa_d x) {
    const sa_d one = d_set1(1.0), two = d_set1(2.0), zero = d_set1(0.0);
    sa_dm neg = d_lt(x, zero);
    sa_d k, mlo, m = sa_d_exp_core(d_neg(d_abs(x)), zero, &k, &mlo);
    sa_d p1, p2;
    d_pow2_split(k, &p1, &p2);
    sa_d E = d_scale2(m, p1, p2), El = d_scale2(mlo, p1, p2);
    /* x >= 0: N = 1 + 2E, D = N + 2E^2 */
    sa_d E2l, E2 = d_two_prod(E, E, &E2l);
    sa_d Npl, Np = d_two_sum(one, d_add(E, E), &Npl);
    Npl = d_fma(two, El, Npl);
    sa_d Dpl, Dp = d_two_sum(Np, d_add(E2, E2), &Dpl);
    Dpl = d_add(Dpl, d_add(Npl, d_fma(two, E2l, d_mul(d_mul(d_set1(4.0), E), El))));
    /* x < 0: S = 2 + E, N = (m + mlo) S (unscaled), D = E S + 2 */
    sa_d Sl, S = d_fast_two_sum(two, E, &Sl);
    Sl = d_add(Sl, El);
    sa_d Nnl, Nn = d_two_prod(m, S, &Nnl);
    Nnl = d_add(Nnl, d_fma(m, Sl, d_mul(mlo, S)));
    sa_d Pl, P = d_two_prod(E, S, &Pl);
    sa_d Dnl, Dn = d_two_sum(two, P, &Dnl);
    Dnl = d_add(Dnl, d_add(Pl, d_fma(E, Sl, d_mul(El, S))));
    sa_d num = d_sel(neg, Nn, Np), numl = d_sel(neg, Nnl, Npl);
    sa_d den = d_sel(neg, Dn, Dp), denl = d_sel(neg, Dnl, Dpl);
    sa_d r = d_div(one, den);
    sa_d q = d_mul(num, r);
    sa_d res = d_add(d_fnma(q, den, num), d_fnma(q, denl, numl));
    sa_d ql = d_mul(res, r);
    sa_d y = d_scale2(d_fma(x, q, d_mul(x, ql)), d_sel(neg, p1, one), d_sel(neg, p2, one));
    y = d_copysign_pos(d_abs(y), x); /* x's sign (-0 too: fma(-0, q, -0 ql) may give +0) */
    y = d_sel(d_lt(x, d_set1(-800.0)), d_set1(-0.0), y);
    return d_sel(d_gt(x, d_set1(20.0)), x, y);
}
SA_DEF_UNARY_D(mish, rr_p10_ratio_div, sa_d_mish_v)

/* ========================================================================== log1p core
 * log(1 + E + El) for E in [0, 1], |El| <= 2^-40 E (the exp core's m + mlo), as L + *Ll:
 *   E + El renormalised (Fast2Sum: the series below squares the leading part only);
 *   T + Tl = 1 + E + El (Fast2Sum); T in [1, 2]: m = T or T/2 (above sqrt 2), j = 0 or 1, so
 *   m in [0.707, 1.415] (exact halving); log m = 2 atanh f, f = (m - 1)/(m + 1) as a pair
 *   fh + fl (m - 1: T/2 - 1 exact by Sterbenz, or E + El itself for j = 0; m + 1 by TwoSum;
 *   one division and its FMA remainder),
 *   |f| <= 0.1716; 2 atanh f = 2 fh + 2 fl + fh z P(z), z = fh^2 <= 0.0295, P the series
 *   2/3 + 2z/5 + ... + 2z^11/25 (12 terms; the rest is below 2^-60 relative: no fit needed);
 *   L = j LN2_HI + 2 fh by TwoSum, the rest in *Ll. Relative error ~2^-60 plus E's own. */
static const double SA_D_ATANH_P[12] = {
    0x1.5555555555555p-1, 0x1.999999999999ap-2, 0x1.2492492492492p-2, 0x1.c71c71c71c71cp-3,
    0x1.745d1745d1746p-3, 0x1.3b13b13b13b14p-3, 0x1.1111111111111p-3, 0x1.e1e1e1e1e1e1ep-4,
    0x1.af286bca1af28p-4, 0x1.8618618618618p-4, 0x1.642c8590b2164p-4, 0x1.47ae147ae147bp-4};
SA_DINLINE sa_d sa_d_log1p_unit(sa_d E, sa_d El, sa_d *Ll) {
    const sa_d one = d_set1(1.0), half = d_set1(0.5);
    E = d_fast_two_sum(E, El, &El); /* the exp core's low part reaches 2^-40 E: renormalised */
    sa_d Tl, T = d_fast_two_sum(one, E, &Tl);
    Tl = d_add(Tl, El);
    sa_dm up = d_gt(T, d_set1(0x1.6a09e667f3bcdp+0));
    sa_d j = d_sel(up, one, d_set1(0.0));
    sa_d m = d_sel(up, d_mul(T, half), T), ml = d_sel(up, d_mul(Tl, half), Tl);
    /* m - 1 + ml: (T/2 - 1, exact) + Tl/2 above sqrt 2, else E + El itself (T - 1 + Tl would
     * round E's low bits away where E is tiny) */
    sa_d num = d_sel(up, d_sub(m, one), E), numl = d_sel(up, ml, El);
    sa_d Dl, D = d_two_sum(m, one, &Dl);
    Dl = d_add(Dl, ml);
    sa_d r = d_div(one, D);
    sa_d fh = d_mul(num, r);
    sa_d res = d_add(d_fnma(fh, D, num), d_fnma(fh, Dl, numl));
    sa_d fl = d_mul(res, r);
    sa_d z = d_mul(fh, fh), P;
    SA_D_ESTRIN(z, SA_D_ATANH_P, 12, P);
    sa_d Se, S = d_two_sum(d_mul(j, d_set1(SA_D_LN2_HI)), d_add(fh, fh), &Se);
    *Ll = d_add(Se, d_fma(j, d_set1(SA_D_LN2_LO), d_fma(d_mul(fh, z), P, d_add(fl, fl))));
    return S;
}

/* =========================================================================== log_sigmoid
 * log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|)).
 * Algorithm (rr_p10_log1p_atanh): E + El = exp(-|x|) (exp core, scaled), L + Ll = log1p(E)
 *   (the core above); y = (min(x, 0) - L) - Ll, the first difference by TwoSum (both terms of
 *   one sign: no cancellation). x > 40: y = -E (log1p(E) = E (1 - E/2), E < 2^-57; a subnormal
 *   result for x > 708, rounded once before its scaling); x < -40: y = x (log1p(e^x) is below
 *   ulp(x) / 2^15). Error: exp's ~2^-56 (damped: d log1p(E) / log1p(E) <= dE / E) + 0.5 ULP.
 * Max error measured: 0.69 ULP from the exact value (x = 708.7, a subnormal result);
 *   budget 2 (ulp_f64).
 * Special values: log_sigmoid(+-0) = -log 2, +inf -> -0, -inf -> -inf, NaN -> NaN. */
SA_DINLINE sa_d sa_d_log_sigmoid_v(sa_d x) {
    const sa_d zero = d_set1(0.0);
    sa_d k, mlo, m = sa_d_exp_core(d_neg(d_abs(x)), zero, &k, &mlo);
    sa_d p1, p2;
    d_pow2_split(k, &p1, &p2);
    sa_d E = d_scale2(m, p1, p2), El = d_scale2(mlo, p1, p2);
    sa_d Ll, L = sa_d_log1p_unit(E, El, &Ll);
    sa_d e, s = d_two_sum(d_sel(d_lt(x, zero), x, zero), d_neg(L), &e);
    sa_d y = d_add(s, d_sub(e, Ll));
    y = d_sel(d_gt(x, d_set1(40.0)), d_neg(d_scale2(d_add(m, mlo), p1, p2)), y);
    return d_sel(d_lt(x, d_set1(-40.0)), x, y);
}
SA_DEF_UNARY_D(log_sigmoid, rr_p10_log1p_atanh, sa_d_log_sigmoid_v)

/* ===================================================================== parametric driver
 * SA_DEF_PARAM_D(name, algo, fn, pnan): the sa_f64_pkernel y[i] = f(x[i], p[i ps], q[i qs]) (ps, qs
 * in {0, 1}; q is a dummy zero for one-parameter functions). fn(x, p, q, &cold) -> y over full
 * vectors; the n % W tail on copies padded with the last element (a padding lane raises no
 * flag the last element does not). Lanes fn marks cold (rare regions: far tails, huge
 * operands) are recomputed by the portable kernel sa_f64_<name> (out of line, the W lanes of
 * that vector, the cold ones blended in): a lane's result never depends on its neighbours.
 * NaN: x comes back quieted (bit operations), then p where pnan is 1 (softplus, swish, the
 * gated units: a NaN p gives NaN for every x); otherwise fn keeps the portable kernel's NaN
 * semantics itself (leaky_relu, elu, celu: a NaN parameter matters only for x <= 0; hardtanh:
 * a NaN min or max gives NaN; softplus: a NaN threshold compares false, as in torch). */
#define SA_DEF_PARAM_D(name, algo, fn, pnan)                                                 \
    static __attribute__((noinline, cold)) sa_d name##_pcold_(sa_d x, sa_d p, sa_d q,         \
                                                              sa_dm cold, sa_d y) {           \
        double bx_[SA_F64W], bp_[SA_F64W], bq_[SA_F64W], by_[SA_F64W];                        \
        d_storeu(bx_, x);                                                                     \
        d_storeu(bp_, p);                                                                     \
        d_storeu(bq_, q);                                                                     \
        SA_F64_KERNEL(name)(bx_, bp_, 1, bq_, 1, by_, SA_F64W);                               \
        return d_sel(cold, d_loadu(by_), y);                                                  \
    }                                                                                         \
    SA_DINLINE sa_d name##_pv_(sa_d x, sa_d p, sa_d q) {                                      \
        sa_dm cold;                                                                           \
        sa_d y = fn(x, p, q, &cold);                                                          \
        if (dm_any(cold))                                                                     \
            y = name##_pcold_(x, p, q, cold, y);                                              \
        if (pnan)                                                                             \
            y = d_sel(d_isnan(p), d_quiet(p), y);                                             \
        return d_sel(d_isnan(x), d_quiet(x), y);                                              \
    }                                                                                         \
    void SA_KD(name, algo)(const double *x, const double *p, size_t ps, const double *q,      \
                           size_t qs, double *y, size_t n) {                                  \
        if (n == 0)                                                                           \
            return;                                                                           \
        const sa_d pb = d_set1(p[0]), qb = d_set1(q[0]);                                      \
        size_t i = 0;                                                                         \
        for (; i + SA_F64W <= n; i += SA_F64W)                                                \
            d_storeu(y + i, name##_pv_(d_loadu(x + i), ps ? d_loadu(p + i) : pb,              \
                                       qs ? d_loadu(q + i) : qb));                            \
        if (i < n) {                                                                          \
            double bx_[SA_F64W], bp_[SA_F64W], bq_[SA_F64W];                                  \
            size_t r_ = n - i;                                                                \
            for (size_t j_ = 0; j_ < SA_F64W; j_++) {                                         \
                size_t s_ = i + (j_ < r_ ? j_ : r_ - 1);                                      \
                bx_[j_] = x[s_];                                                              \
                bp_[j_] = p[s_ * ps];                                                         \
                bq_[j_] = q[s_ * qs];                                                         \
            }                                                                                 \
            d_storeu(bx_, name##_pv_(d_loadu(bx_), d_loadu(bp_), d_loadu(bq_)));              \
            for (size_t j_ = 0; j_ < r_; j_++)                                                \
                y[i + j_] = bx_[j_];                                                          \
        }                                                                                     \
    }

/* ===================================================== leaky_relu, prelu, hardtanh, reglu
 * The piecewise parametric functions: selects and at most one product, so exact (hardtanh)
 * or correctly rounded (0.5 ULP), with the portable kernels' semantics
 * (f64_catalogue_pw.c):
 *   leaky_relu(x, slope) = prelu(x, slope) = x if x > 0 else slope x (algo select_mul; the
 *     product formed with 0 in place of x > 0: slope = inf gives no NaN there; overflow only
 *     genuinely, |slope| > 1);
 *   hardtanh(x, min, max) = t < max ? t : max with t = x > min ? x : min (select; torch's
 *     clamp: min > max -> max; hardtanh(-0, 0, max) = +0);
 *   reglu(a, b) = (a > 0 ? a : +0) b (select_mul).
 * Max error measured: 0 ULP from the once-rounded mpmath value (tests/test_float64.py). */
SA_DINLINE sa_d sa_d_leaky_p(sa_d x, sa_d s, sa_d q, sa_dm *cold) {
    (void)q;
    sa_dm pos = d_gt(x, d_set1(0.0));
    *cold = d_lt(q, q); /* never */
    return d_sel(pos, x, d_mul(s, d_sel(pos, d_set1(0.0), x)));
}
SA_DEF_PARAM_D(leaky_relu, select_mul, sa_d_leaky_p, 0)
SA_DEF_PARAM_D(prelu, select_mul, sa_d_leaky_p, 0)

SA_DINLINE sa_d sa_d_hardtanh_p(sa_d x, sa_d lo, sa_d hi, sa_dm *cold) {
    *cold = d_lt(x, x); /* never */
    sa_d t = d_sel(d_gt(x, lo), x, lo); /* a NaN min: t = min */
    sa_d y = d_sel(d_isnan(t), d_quiet(t), d_sel(d_lt(t, hi), t, hi));
    return d_sel(d_isnan(hi), d_quiet(hi), y); /* NaN min or max -> NaN */
}
SA_DEF_PARAM_D(hardtanh, select, sa_d_hardtanh_p, 0)

SA_DINLINE sa_d sa_d_reglu_p(sa_d a, sa_d b, sa_d q, sa_dm *cold) {
    (void)q;
    *cold = d_lt(a, a); /* never */
    return d_mul(d_sel(d_gt(a, d_set1(0.0)), a, d_set1(0.0)), b);
}
SA_DEF_PARAM_D(reglu, select_mul, sa_d_reglu_p, 1)

/* ==================================================================================== elu
 * elu(x, alpha) = x if x > 0 else alpha expm1(x).
 * Algorithm (rr_p10_expm1): expm1(max(x, -60)) as a pair S + Sl (sa_d_expm1_neg, selu's),
 *   y = fma(alpha, S, alpha Sl): one rounding (the portable kernel rounds expm1 and the product
 *   separately). x = +-0 -> alpha x (the signed zero of the product). Cold: a non-finite alpha
 *   (the pair's low part would give inf - inf). Error: exp's ~2^-56 + 0.5 ULP.
 * Max error measured: 0.57 ULP from the exact value (x = -0.345, alpha = 0.1; over the tests'
 *   alpha grid); budget 2 (ulp_f64).
 * Special values: x > 0 (+inf included) -> x; elu(-inf) = -alpha; never overflows. */
SA_DINLINE sa_d sa_d_elu_p(sa_d x, sa_d a, sa_d q, sa_dm *cold) {
    (void)q;
    *cold = d_ge(d_abs(a), d_set1(INFINITY));
    sa_d Sl, S = sa_d_expm1_neg(x, &Sl);
    sa_d y = d_fma(a, S, d_mul(a, Sl));
    y = d_sel(d_eq(x, d_set1(0.0)), d_mul(a, x), y);
    return d_sel(d_gt(x, d_set1(0.0)), x, y);
}
SA_DEF_PARAM_D(elu, rr_p10_expm1, sa_d_elu_p, 0)

/* =================================================================================== celu
 * celu(x, alpha) = x if x > 0 else alpha expm1(x / alpha).
 * Algorithm (div_rr_p10_expm1): t = x / alpha = th + rm / alpha with th the quotient and
 *   rm = x - th alpha exact (FMA); expm1(th) = S + Sl: sa_d_expm1_neg for th <= 0 (alpha > 0);
 *   for th > 0 (alpha < 0), 2^k - 1 + 2^k s + 2^k e from the exp core summed by TwoSums (2^k - 1
 *   is inexact beyond k = 53), computed only for vectors that have such a lane; then
 *   alpha expm1(t) = alpha (S + Sl) + (1 + S) rm to first order in rm / alpha, rounded once:
 *   fma(alpha, S, fma(alpha, Sl, (1 + S) rm)). alpha > 0 and x < -40 alpha -> -alpha (the rest
 *   is below 2^-57 relative; x = -inf included); |th| < 2^-56 -> x (zeros and subnormals
 *   exact). x / alpha is formed only where it is used and cannot overflow (|x| <= 2^1000
 *   |alpha|): the overflow flag stays genuine (registry ovf = 1). Cold (the portable kernel):
 *   alpha = 0 or infinite, alpha < 0 with th > 700 or |x| > 2^1000 |alpha| (alpha e^t with
 *   exact scaling, overflow only where the true result overflows). Error: exp's ~2^-56 +
 *   0.5 ULP.
 * Max error measured: 0.63 ULP from the exact value (x = -0.376, alpha = -1; over the tests'
 *   alpha grid, both signs); budget 2 (ulp_f64).
 * Special values: as the portable kernel: x > 0 -> x, celu(-0) = -0, celu(-inf) = -alpha. */
SA_DINLINE sa_d sa_d_celu_p(sa_d x, sa_d a, sa_d q, sa_dm *cold) {
    (void)q;
    const sa_d zero = d_set1(0.0);
    sa_dm apos = d_gt(a, zero), sat = dm_and(apos, d_lt(d_mul(x, d_set1(0.025)), d_neg(a)));
    /* x / alpha only where it cannot overflow (|x| <= 2^1000 |alpha|) and is used */
    sa_dm huge = d_gt(d_mul(d_abs(x), d_set1(0x1p-1000)), d_abs(a));
    sa_d th = d_div(d_sel(dm_or(dm_or(sat, huge), d_gt(x, zero)), zero, x), a);
    sa_dm big_t = dm_and(d_gt(th, d_set1(700.0)), d_le(x, zero)); /* alpha < 0, e^t beyond */
    *cold = dm_or(dm_or(d_eq(a, zero), d_ge(d_abs(a), d_set1(INFINITY))),
                  dm_or(dm_and(huge, d_le(a, zero)), big_t));
    sa_d rm = d_fnma(th, a, x);
    sa_d Sl, S = sa_d_expm1_neg(th, &Sl);
    sa_dm up = dm_and(d_gt(th, zero), d_le(x, zero)); /* alpha < 0: t >= 0 */
    if (dm_any(up)) { /* only then: a vector of alpha > 0 skips this */
        /* expm1(th), th in [0, 700]: 2^k (1 + s + e) - 1 with 2^k - 1 by TwoSum (not exact
         * beyond k = 53, where sa_d_expm1_pos would lose it) */
        sa_d k, e, sp = sa_d_exp_red(d_clamp(th, 0.0, 700.0), zero, &k, &e);
        sa_d P = d_pow2i(k);
        sa_d Tl, T = d_two_sum(P, d_set1(-1.0), &Tl);
        sa_d Spl, Sp = d_two_sum(T, d_mul(P, sp), &Spl);
        S = d_sel(up, Sp, S);
        Sl = d_sel(up, d_add(Spl, d_fma(P, e, Tl)), Sl);
    }
    sa_d y = d_fma(a, S, d_fma(a, Sl, d_mul(d_add(d_set1(1.0), S), rm)));
    y = d_sel(d_lt(d_abs(th), d_set1(0x1p-56)), x, y); /* before: th = 0 in masked lanes */
    y = d_sel(sat, d_neg(a), y);
    return d_sel(d_gt(x, zero), x, y);
}
SA_DEF_PARAM_D(celu, div_rr_p10_expm1, sa_d_celu_p, 0)

/* =============================================================================== softplus
 * softplus(x, beta, threshold) = x if beta x > threshold else log1p(exp(beta x)) / beta.
 * Algorithm (dd_rr_p10_log1p_atanh): u = beta x as an exact pair uh + ul (FMA), the threshold
 *   test on the exact product (uh > t, or uh = t and ul > 0); s(u) = max(u, 0) +
 *   log1p(exp(-|u|)) + ul sigmoid(u): E + El = exp(-|uh|), L + Ll = log1p(E) (sa_d_log1p_unit),
 *   max(uh, 0) + L by TwoSum, the low parts added (sigmoid(u) to ~2^-52: it only weighs ul);
 *   then s / beta with one division of 1 by beta: q = S (1/beta), the remainder S - q beta exact
 *   (FMA), y = q + (rem + Sl) / beta, rounded once. Error: exp's ~2^-56 relative + 0.5 ULP.
 *   Cold (the portable kernel): |x| > 2^100 or |beta| > 2^900 (beta x is formed only where it
 *   cannot overflow: a spurious overflow flag would be reported, registry ovf = 1),
 *   uh < -700 (e^u / beta with exact scaling, results near the subnormal range), |beta| <
 *   2^-900 (s / beta may overflow: genuine flags from the portable kernel's long double).
 * Max error measured: 0.53 ULP from the exact value (over the tests' (beta, threshold) grid);
 *   budget 2 (ulp_f64).
 * Special values: NaN x or beta -> NaN; NaN threshold -> the log1p form (as torch);
 *   softplus(+inf) = +inf, softplus(-inf) = +0 (beta > 0), beta = 0 -> +inf (cold lanes). */
SA_DINLINE sa_d sa_d_softplus_p(sa_d x, sa_d b, sa_d t, sa_dm *cold) {
    const sa_d zero = d_set1(0.0), one = d_set1(1.0);
    sa_d ab = d_abs(b);
    /* beta x is formed only where it cannot overflow (|x| <= 2^100, |beta| <= 2^900) */
    sa_dm big = dm_or(d_gt(d_abs(x), d_set1(0x1p100)), d_gt(ab, d_set1(0x1p900)));
    b = d_sel(big, one, b);
    sa_d ul, uh = d_two_prod(b, d_sel(big, zero, x), &ul);
    *cold = dm_or(dm_or(d_lt(uh, d_set1(-700.0)), big), d_lt(ab, d_set1(0x1p-900)));
    sa_dm over = dm_or(d_gt(uh, t), dm_and(d_eq(uh, t), d_gt(ul, zero)));
    sa_d uc = d_clamp(uh, -700.0, 0x1p1000);
    sa_d k, mlo, m = sa_d_exp_core(d_neg(d_abs(uc)), zero, &k, &mlo);
    sa_d p1, p2;
    d_pow2_split(k, &p1, &p2);
    sa_d E = d_scale2(m, p1, p2), El = d_scale2(mlo, p1, p2);
    sa_d Ll, L = sa_d_log1p_unit(E, El, &Ll);
    sa_dm pos = d_gt(uc, zero);
    sa_d sig = d_div(d_sel(pos, one, E), d_add(one, E));
    sa_d Se, S = d_two_sum(d_sel(pos, uc, zero), L, &Se);
    sa_d Sl = d_add(Se, d_fma(ul, sig, Ll));
    sa_d rb = d_div(one, b);
    sa_d q = d_mul(S, rb);
    sa_d y = d_fma(d_add(d_fnma(q, b, S), Sl), rb, q);
    return d_sel(over, x, y);
}
SA_DEF_PARAM_D(softplus, dd_rr_p10_log1p_atanh, sa_d_softplus_p, 1)

/* ================================================================================== swish
 * swish(x, beta) = x sigmoid(beta x).
 * Algorithm (dd_rr_p10_div): u = beta x as an exact pair uh + ul (FMA); the sigmoid core at
 *   (uh, ul): sigmoid(u) = (q + ql) 2^k; y = fma(x, q 2^k1, x ql 2^k1) 2^k2 (2^k = 2^k1 2^k2,
 *   q 2^k1 <= 1: no intermediate overflows for |x| up to DBL_MAX, one rounding before the
 *   final scaling). beta = 0 or x = 0 -> x/2 (sigmoid(0) x); |uh| > 2^1000 -> x (u > 0) or
 *   +-0 (u < 0, the sign of x). Cold (the portable kernel): uh < -1000, where the exp core's
 *   clamp would cut e^u while |x| e^u may still be normal.
 * Max error measured: 0.53 ULP from the exact value (over the tests' beta grid); budget 2
 *   (ulp_f64).
 * Special values: swish(+-0) = +-0; x = +-inf: x if beta x > 0, +-0 if < 0; never overflows. */
SA_DINLINE sa_d sa_d_swish_p(sa_d x, sa_d b, sa_d q, sa_dm *cold) {
    (void)q;
    const sa_d zero = d_set1(0.0);
    sa_d ul, uh = d_two_prod(b, x, &ul);
    sa_dm huge = d_gt(d_abs(uh), d_set1(0x1p1000));
    sa_d lim = d_sel(d_gt(uh, zero), x, d_copysign_pos(zero, x)); /* |u| huge: x or +-0 */
    *cold = d_lt(uh, d_set1(-1000.0));
    uh = d_sel(huge, zero, uh);
    ul = d_sel(huge, zero, ul);
    sa_d s1, s2, ql, qq = sa_d_sigmoid_core(uh, ul, &s1, &s2, &ql);
    sa_d y = d_mul(d_fma(x, d_mul(qq, s1), d_mul(x, d_mul(ql, s1))), s2);
    y = d_sel(huge, lim, y);
    return d_sel(dm_or(d_eq(x, zero), d_eq(b, zero)), d_mul(x, d_set1(0.5)), y);
}
SA_DEF_PARAM_D(swish, dd_rr_p10_div, sa_d_swish_p, 1)

/* ========================================================================== gated units
 * swiglu(a, b) = silu(a) b, geglu_tanh(a, b) = gelu_tanh(a) b.
 * Algorithm (rr_p10_div_dd / dd_rr_p10_div_dd): act(a) = a sigmoid(w) with w = a (swiglu) or
 *   gelu_tanh's 2u as a double-double: the sigmoid core, G + Gl = a (q + ql) 2^k as a pair
 *   (two_prod; act(a) is normal wherever the kernel runs it, so the scaling is exact but for
 *   Gl's tail), then (G + Gl) b with one rounding: p = G b, y = p + (fma(G, b, -p) + Gl b)
 *   (p itself when it is not finite). a large (> 40 / > 10) -> a b; |a| < 2^-60 -> (b/2) a
 *   (a subnormal a times a large b stays exact); a = 0 -> a b. Cold (the portable kernel,
 *   exact scaling of tiny act(a) times a large b): w < -700 (a < -700; a < -18.5 for
 *   gelu_tanh) and |b| > 2^1000 (b is replaced by 1 in those lanes, and a b or (b/2) a is
 *   formed only where it is the result: the overflow flag is raised only by a genuine
 *   overflow, tests/test_float64.py test_float64_overflow_flag_only_when_genuine).
 * Max error measured (from the exact value, over the tests' b grid): swiglu 0.53 ULP (1.05 on
 *   cold lanes, the portable kernel's), geglu_tanh 0.74 ULP (a = -21.19, w near -700); budget 3.
 * Special values: a = +-0 -> +-0 b; a = +inf -> inf b; a = -inf -> -0 b (cold); NaN -> NaN;
 *   overflow only when the true result overflows. */
/* (G + Gl) b rounded once for act(a) = G + Gl; a > big -> a b, |a| < 2^-60 -> (b/2) a,
 * a = 0 -> a b (geglu's too) */
SA_DINLINE sa_d sa_d_gate_mul(sa_d a, sa_d G, sa_d Gl, sa_d b, sa_d big) {
    const sa_d zero = d_set1(0.0);
    sa_d p = d_mul(G, b);
    sa_d y = d_add(p, d_fma(Gl, b, d_fms(G, b, p)));
    y = d_sel(d_le(d_abs(p), d_set1(1.7976931348623157e308)), y, p);
    sa_dm tiny = d_lt(d_abs(a), d_set1(0x1p-60));
    y = d_sel(tiny, d_mul(d_mul(b, d_set1(0.5)), d_sel(tiny, a, zero)), y);
    sa_dm plain = dm_or(d_gt(a, big), d_eq(a, zero));
    return d_sel(plain, d_mul(d_sel(plain, a, zero), b), y); /* a b only where it is the result */
}
/* The gated units' cold lanes: those of far (the activation's far negative tail) and those
 * with |b| > 2^1000; returns b with 1 in place of a huge b (no product of it on a cold lane) */
SA_DINLINE sa_d sa_d_gate_cold(sa_dm far, sa_d b, sa_dm *cold) {
    sa_dm bbig = d_gt(d_abs(b), d_set1(0x1p1000));
    *cold = dm_or(far, bbig);
    return d_sel(bbig, d_set1(1.0), b);
}
/* a: the operand, ac: a clamped to the kernel's range, (w, wl): sigmoid's argument at ac */
SA_DINLINE sa_d sa_d_gate(sa_d a, sa_d ac, sa_d b, sa_d w, sa_d wl, sa_d big, sa_dm *cold) {
    b = sa_d_gate_cold(d_lt(w, d_set1(-700.0)), b, cold);
    sa_d s1, s2, ql, q = sa_d_sigmoid_core(w, wl, &s1, &s2, &ql);
    sa_d Ge, G = d_two_prod(ac, q, &Ge);
    sa_d Gl = d_fma(ac, ql, Ge);
    return sa_d_gate_mul(a, d_scale2(G, s1, s2), d_scale2(Gl, s1, s2), b, big);
}
SA_DINLINE sa_d sa_d_swiglu_p(sa_d a, sa_d b, sa_d q, sa_dm *cold) {
    (void)q;
    sa_d ac = d_clamp(a, -1000.0, 40.0);
    return sa_d_gate(a, ac, b, ac, d_set1(0.0), d_set1(40.0), cold);
}
SA_DEF_PARAM_D(swiglu, rr_p10_div_dd, sa_d_swiglu_p, 1)

SA_DINLINE sa_d sa_d_geglu_tanh_p(sa_d a, sa_d b, sa_d q, sa_dm *cold) {
    (void)q;
    sa_d ac = d_clamp(a, -25.0, 10.0);
    sa_d l, h = sa_d_gelu_tanh_arg(ac, &l);
    return sa_d_gate(a, ac, b, h, l, d_set1(10.0), cold);
}
SA_DEF_PARAM_D(geglu_tanh, dd_rr_p10_div_dd, sa_d_geglu_tanh_p, 1)

/* ================================================================================== geglu
 * geglu(a, b) = gelu(a) b (exact erf GELU).
 * Algorithm (p10_erfcx8_p13_dd): gelu(a) as a pair from gelu's pieces (sa_d_gelu_phi,
 *   sa_d_gelu_tail): |a| < 1.06: a (F + Fl) by two_prod; otherwise g = (M (P + Pl) + Ml P) 2^k
 *   as a pair (two_prod, exact scaling while gelu(a) is normal), gelu = -g (a < 0) or a - g
 *   (TwoSum); then times b once (sa_d_gate_mul). a > 10 -> a b; |a| < 2^-60 -> (b/2) a. Cold
 *   (the portable kernel, long double): a < -37 (gelu(a) near the subnormal range) and
 *   |b| > 2^1000. The tail is evaluated at 2 in lanes that do not use it (2 / a^2 would raise
 *   a spurious overflow for |a| < 2^-511: registry ovf = 1). No long double on the SIMD lanes:
 *   the portable kernel takes 187 ns per element on a Zen 3.
 * Max error measured: 0.58 ULP from the exact value (a = -0.62, over the tests' b grid); 1 ULP
 *   from the once-rounded mpmath value; budget 3 (ulp_f64).
 * Special values: as swiglu. */
SA_DINLINE sa_d sa_d_geglu_p(sa_d a, sa_d b, sa_d q, sa_dm *cold) {
    (void)q;
    const sa_d zero = d_set1(0.0);
    b = sa_d_gate_cold(d_lt(a, d_set1(-37.0)), b, cold);
    sa_d as = d_clamp(a, -2.0, 2.0); /* the polynomial piece: |a| < 1.06 (no a^2 overflow) */
    sa_d Fl, F = sa_d_gelu_phi(as, &Fl);
    sa_d Hl, H = d_two_prod(as, F, &Hl);
    Hl = d_fma(as, Fl, Hl);
    sa_dm small = d_lt(d_abs(a), d_set1(1.06));
    /* the tail at a only where it is used: 2 / a^2 would overflow for |a| < 2^-511 */
    sa_d P, Pl, Ml, k, M = sa_d_gelu_tail(d_sel(small, d_set1(2.0), a), &P, &Pl, &Ml, &k);
    sa_d ge, g = d_two_prod(M, P, &ge);
    sa_d gl = d_add(ge, d_fma(M, Pl, d_mul(Ml, P)));
    sa_d p1, p2;
    d_pow2_split(k, &p1, &p2);
    g = d_scale2(g, p1, p2);
    gl = d_scale2(gl, p1, p2);
    sa_d te, t = d_two_sum(d_sel(d_lt(a, zero), zero, a), d_neg(g), &te);
    sa_d h = d_sel(small, H, t), l = d_sel(small, Hl, d_sub(te, gl));
    return sa_d_gate_mul(a, h, l, b, d_set1(10.0));
}
SA_DEF_PARAM_D(geglu, p10_erfcx8_p13_dd, sa_d_geglu_p, 1)

/* ================================================================================== rows
 * Rows are processed in blocks of SA_D_BLK = 8 elements (SA_D_NV vectors), the tail padded;
 * every per-lane partial is kept for lane index i mod 8 and the 8 partials are reduced in
 * index order, so AVX2 and AVX-512 give the same bits. */
#define SA_D_BLK 8
#define SA_D_NV (SA_D_BLK / SA_F64W)

/* Loads block i (elements i .. i+7) of x, padding positions >= n with `pad`. */
SA_DINLINE void sa_d_load_block(const double *x, size_t i, size_t n, double pad, sa_d v[SA_D_NV]) {
    if (i + SA_D_BLK <= n) {
        for (int q = 0; q < SA_D_NV; q++) v[q] = d_loadu(x + i + q * SA_F64W);
        return;
    }
    double b[SA_D_BLK];
    for (size_t j = 0; j < SA_D_BLK; j++) b[j] = i + j < n ? x[i + j] : pad;
    for (int q = 0; q < SA_D_NV; q++) v[q] = d_loadu(b + q * SA_F64W);
}

SA_DINLINE void sa_d_store_block(double *y, size_t i, size_t n, const sa_d v[SA_D_NV]) {
    if (i + SA_D_BLK <= n) {
        for (int q = 0; q < SA_D_NV; q++) d_storeu(y + i + q * SA_F64W, v[q]);
        return;
    }
    double b[SA_D_BLK];
    for (int q = 0; q < SA_D_NV; q++) d_storeu(b + q * SA_F64W, v[q]);
    for (size_t j = 0; i + j < n; j++) y[i + j] = b[j];
}

/* Pass 1: the row max; 0 when the row has a NaN or a +inf or is all -inf (then all NaN). */
static int sa_d_row_max(const double *x, size_t n, double *mx) {
    sa_d m[SA_D_NV], v[SA_D_NV];
    sa_dm bad = d_lt(d_set1(1.0), d_set1(0.0));
    const sa_d inf = d_set1(INFINITY);
    for (int q = 0; q < SA_D_NV; q++) m[q] = d_set1(-INFINITY);
    for (size_t i = 0; i < n; i += SA_D_BLK) {
        sa_d_load_block(x, i, n, -INFINITY, v);
        for (int q = 0; q < SA_D_NV; q++) {
            bad = dm_or(bad, dm_or(d_isnan(v[q]), d_eq(v[q], inf)));
            m[q] = d_sel(d_gt(v[q], m[q]), v[q], m[q]);
        }
    }
    double b[SA_D_BLK], r = -INFINITY;
    for (int q = 0; q < SA_D_NV; q++) d_storeu(b + q * SA_F64W, m[q]);
    for (int j = 0; j < SA_D_BLK; j++) r = b[j] > r ? b[j] : r;
    *mx = r;
    return !dm_any(bad) && r > -INFINITY;
}

static void sa_d_row_nan(double *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = NAN;
}

/* exp(x - mx) for x <= mx (finite, or -inf) with x - mx = dh + dl exact (TwoSum):
 * (m + *mlo) 2^k, 0 once dh < -SA_D_EXP_LIM (x = -inf, or x - mx overflowed: dl zeroed so no
 * NaN from the TwoSum of an infinity gets in). */
SA_DINLINE sa_d sa_d_exp_diff(sa_d v, sa_d mx, sa_d *k, sa_d *mlo) {
    sa_d dl, dh = d_two_sum(v, d_neg(mx), &dl);
    dl = d_sel(d_ge(dh, d_set1(-SA_D_EXP_LIM)), dl, d_set1(0.0));
    return sa_d_exp_core(dh, dl, k, mlo);
}

/* Sum of the lanes of the pair (s, c) per block position, in index order: (hi, *lo). */
static double sa_d_reduce_pair(const sa_d s[SA_D_NV], const sa_d c[SA_D_NV], double *lo) {
    double bs[SA_D_BLK], bc[SA_D_BLK];
    for (int q = 0; q < SA_D_NV; q++) {
        d_storeu(bs + q * SA_F64W, s[q]);
        d_storeu(bc + q * SA_F64W, c[q]);
    }
    double h = 0.0, l = 0.0;
    for (int j = 0; j < SA_D_BLK; j++) {
        double t = h + bs[j], bb = t - h;
        l += ((h - (t - bb)) + (bs[j] - bb)) + bc[j];
        h = t;
    }
    double t = h + l;
    *lo = l - (t - h);
    return t;
}

/* ================================================================================ softmax
 * softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j, one row.
 * Algorithm (max_rr_p10_ddsum): (1) max; (2) S = sum of e_j = (m_j + mlo_j) 2^k_j, x_j - m as
 *   an exact pair (TwoSum) folded into the exp, each term as the pair (E, El) added by TwoSum
 *   into per-position partials (i mod 8) with the errors compensated, reduced in index order
 *   to S = Sh + Sl (>= 1: the max contributes exactly 1); each e_j is kept as the pair
 *   (m_j, mlo_j) 2^(k_j + 600), m_j's part in y, mlo_j's in a scratch row (exact scalings
 *   wherever e_j >= 2^-1076, the only e_j whose y_j is not 0: both parts stay normal; x may
 *   be y, each block is read before it is written);
 *   (3) y_i = (e_i / S) 2^-600: q = m_i (1/Sh), corrected by its FMA remainder (times 1/Sh)
 *   and rounded once before the scaling (the only rounding into the subnormal range). The
 *   scaled pair gives the bits of the pair scaled by 2^k_i (the same 53-bit q, the same final
 *   scaling), so keeping e_j only spares pass 3 the second exp; where the scratch row cannot be
 *   had (rows over SA_D_KEEP elements and no memory) pass 3 recomputes the exp.
 * Max error measured: 0.54 ULP from the exact value (rows of 1..400, spreads 1e-3..1e5);
 *   1 ULP from the rounded mpmath value; budget 2.
 * Special rows: any NaN -> all NaN; any +inf -> all NaN; all -inf -> all NaN; -inf entries of
 *   an otherwise finite row -> 0; n == 0 -> nothing. In place (x == y) allowed. */
#define SA_D_KEEP 1024 /* rows up to this long keep mlo on the stack, longer ones malloc */
void SA_KD(softmax, max_rr_p10_ddsum)(const double *x, double *y, size_t n) {
    double mxs;
    if (n == 0) return;
    if (!sa_d_row_max(x, n, &mxs)) { sa_d_row_nan(y, n); return; }
    double stack_lo[SA_D_KEEP];
    double *lo = n <= SA_D_KEEP ? stack_lo : (double *)malloc(n * sizeof(double));
    const sa_d mx = d_set1(mxs), zero = d_set1(0.0), ofs = d_set1(600.0);
    sa_d acc[SA_D_NV], cmp[SA_D_NV], v[SA_D_NV], vl[SA_D_NV];
    for (int q = 0; q < SA_D_NV; q++) acc[q] = cmp[q] = zero;
    for (size_t i = 0; i < n; i += SA_D_BLK) {
        sa_d_load_block(x, i, n, -INFINITY, v);
        for (int q = 0; q < SA_D_NV; q++) {
            sa_d k, mlo, m = sa_d_exp_diff(v[q], mx, &k, &mlo), p1, p2, err;
            d_pow2_split(k, &p1, &p2);
            acc[q] = d_two_sum(acc[q], d_scale2(m, p1, p2), &err);
            cmp[q] = d_add(cmp[q], d_add(err, d_scale2(mlo, p1, p2)));
            sa_d p = d_pow2i(d_add(k, ofs));
            v[q] = d_mul(m, p);
            vl[q] = d_mul(mlo, p);
        }
        if (lo) {
            sa_d_store_block(y, i, n, v);
            sa_d_store_block(lo, i, n, vl);
        }
    }
    double sl, sh = sa_d_reduce_pair(acc, cmp, &sl);
    const sa_d Sh = d_set1(sh), Sl = d_set1(sl), rS = d_set1(1.0 / sh);
    if (lo) {
        const sa_d down = d_set1(0x1p-600); /* one rounding, as d_ldexp's second factor */
        for (size_t i = 0; i < n; i += SA_D_BLK) {
            sa_d_load_block(y, i, n, 0.0, v);
            sa_d_load_block(lo, i, n, 0.0, vl);
            for (int q = 0; q < SA_D_NV; q++) {
                sa_d qq = d_mul(v[q], rS);
                sa_d res = d_add(d_fnma(qq, Sh, v[q]), d_fnma(qq, Sl, vl[q]));
                v[q] = d_mul(d_fma(res, rS, qq), down);
            }
            sa_d_store_block(y, i, n, v);
        }
        if (lo != stack_lo)
            free(lo);
        return;
    }
    for (size_t i = 0; i < n; i += SA_D_BLK) {
        sa_d_load_block(x, i, n, -INFINITY, v);
        for (int q = 0; q < SA_D_NV; q++) {
            sa_d k, mlo, m = sa_d_exp_diff(v[q], mx, &k, &mlo);
            sa_d qq = d_mul(m, rS);
            sa_d res = d_add(d_fnma(qq, Sh, m), d_fnma(qq, Sl, mlo));
            v[q] = d_ldexp(d_fma(res, rS, qq), k);
        }
        sa_d_store_block(y, i, n, v);
    }
}

/* ============================================================================ log_softmax
 * log_softmax(x)_i = (x_i - m) - log(S), S = sum_j exp(x_j - m), one row.
 * Algorithm (max_rr_p10_log1p_newton): (1) max m; (2) T = sum over the non-maxima of
 *   exp(x_j - m) as in softmax (pairs, per-position partials, index-order reduction) and
 *   c = the number of maxima (each exactly 1); a = (c - 1) + T as a pair; L0 = log1p(a) (libm,
 *   once per row), then one Newton step with this file's expm1 as a pair:
 *   L = L0 + (a - expm1(L0)) / (1 + a), so L is good to ~2^-100 relative and the maxima get
 *   -L without cancelling; (3) y_i = ((x_i - m) - L) with x_i - m and the difference by
 *   TwoSum, rounded once.
 * Max error measured: 0.53 ULP from the exact value (same rows); 0 ULP from the rounded
 *   mpmath value on the tests' rows; budget 2.
 * Overflow (registry ovf = 1): raised only when x_i - m itself overflows (the result is -inf:
 *   a spread beyond the double range); no other operation can overflow (the exp arguments
 *   are <= 0, the padded lanes hold -inf or m).
 * Special rows: any NaN -> all NaN; any +inf -> all NaN; all -inf -> all NaN; -inf entries of
 *   an otherwise finite row -> -inf; n == 0 -> nothing; n == 1 finite -> [0]. In place ok. */
void SA_KD(log_softmax, max_rr_p10_log1p_newton)(const double *x, double *y, size_t n) {
    double mxs;
    if (n == 0) return;
    if (!sa_d_row_max(x, n, &mxs)) { sa_d_row_nan(y, n); return; }
    const sa_d mx = d_set1(mxs), zero = d_set1(0.0), one = d_set1(1.0);
    const sa_d ninf = d_set1(-INFINITY);
    sa_d acc[SA_D_NV], cmp[SA_D_NV], cnt[SA_D_NV], v[SA_D_NV];
    for (int q = 0; q < SA_D_NV; q++) acc[q] = cmp[q] = cnt[q] = zero;
    for (size_t i = 0; i < n; i += SA_D_BLK) {
        sa_d_load_block(x, i, n, -INFINITY, v);
        for (int q = 0; q < SA_D_NV; q++) {
            sa_dm at_max = d_eq(v[q], mx);
            sa_d k, mlo, m = sa_d_exp_diff(d_sel(at_max, ninf, v[q]), mx, &k, &mlo), p1, p2, err;
            d_pow2_split(k, &p1, &p2);
            acc[q] = d_two_sum(acc[q], d_scale2(m, p1, p2), &err);
            cmp[q] = d_add(cmp[q], d_add(err, d_scale2(mlo, p1, p2)));
            cnt[q] = d_add(cnt[q], d_sel(at_max, one, zero));
        }
    }
    double tl, th = sa_d_reduce_pair(acc, cmp, &tl);
    /* c: small exact integers in every lane, so a plain sum (the compensated reduction above
     * is a chain of eight TwoSums: rows of 128, Zen 3, 4.94 -> 4.86 ns per element) */
    double cb[SA_D_BLK], c = 0.0;
    for (int q = 0; q < SA_D_NV; q++) d_storeu(cb + q * SA_F64W, cnt[q]);
    for (int j = 0; j < SA_D_BLK; j++) c += cb[j];
    /* a = (c - 1) + T as a normalised pair */
    double ah = (c - 1.0) + th, bb = ah - (c - 1.0);
    double al = (((c - 1.0) - (ah - bb)) + (th - bb)) + tl;
    double a = ah + al;
    al = al - (a - ah);
    double L0 = log1p(a);
    /* Newton: L = L0 + (a - expm1(L0)) / (1 + a), expm1(L0) as a pair (L0 >= 0) */
    double xb[SA_F64W], xe[SA_F64W];
    sa_d Xe, X = sa_d_expm1_pos(d_set1(L0), &Xe);
    d_storeu(xb, X);
    d_storeu(xe, Xe);
    double dh = a - xb[0], dd = dh - a;
    double de = ((a - (dh - dd)) + (-xb[0] - dd)) + (al - xe[0]);
    const sa_d L = d_set1(L0), Lc = d_set1((dh + de) / (1.0 + a));
    for (size_t i = 0; i < n; i += SA_D_BLK) {
        sa_d_load_block(x, i, n, mxs, v);
        for (int q = 0; q < SA_D_NV; q++) {
            sa_d dl, d = d_two_sum(v[q], d_neg(mx), &dl);
            sa_d e, s = d_two_sum(d, d_neg(L), &e);
            sa_d r = d_add(s, d_sub(d_add(e, dl), Lc));
            /* x - m = -inf (x = -inf, or an overflow): -inf */
            v[q] = d_sel(d_ge(d, d_set1(-1.7976931348623157e308)), r, d_sub(d, L));
        }
        sa_d_store_block(y, i, n, v);
    }
}
