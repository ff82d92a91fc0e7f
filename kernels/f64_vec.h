/* f64_vec.h — simdact's float64 SIMD kernels, written once over simd_f64.h.
 *
 * Included by kernels/{avx2,avx512}/f64_vec.c after defining SA_TARGET_AVX2 / SA_TARGET_AVX512
 * (4 / 8 lanes); the scalar ISA keeps the portable kernels of f64.c. Each kernel is
 * sa_f64_<name>__<algo>__<isa> with the sa_f64_kernel signature, one per SA_F64V line of
 * registry.h (a row kernel computes one row of n). Compile with -O2 -ffp-contract=off (every
 * FMA is explicit) and never with -ffast-math.
 *
 * Common to every kernel:
 *   - the same semantics and special values as the portable kernel of the same function
 *     (f64.c): NaN in -> the same NaN out, quieted; +-inf give the limits; odd functions keep
 *     the sign of zero; subnormal results are kept (the final scaling by 2^k is the only
 *     rounding into the subnormal range);
 *   - y[i] depends on x[i] only (unary) or on the row (rows), never on the position: the
 *     n % W tail goes through the same vector code on a padded copy; rows are reduced in
 *     blocks of 8 elements (two AVX2 vectors, one AVX-512 vector) with a fixed-order final sum,
 *     so AVX2 and AVX-512 give bit-identical results for every kernel here; nothing outside
 *     [0, n) is read or written; x == y (in place) is allowed;
 *   - no per-element branches: regions are blended with masks; no approximate reciprocals;
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

/* Horner on a constant table, highest degree last */
#define SA_D_HORNER(t, C, N, out)                                                \
    do {                                                                         \
        sa_d h_ = d_set1((C)[(N)-1]);                                            \
        for (int j_ = (N)-2; j_ >= 0; j_--) h_ = d_fma(h_, (t), d_set1((C)[j_])); \
        (out) = h_;                                                              \
    } while (0)

/* ------------------------------------------------------------------------ exp core
 * exp(hi + lo) = 2^k (1 + s + *e) with |s| <= 0.42, |*e| <= ~2^-52 |s|, k = *k an integral
 * double; hi is clamped to [-SA_D_EXP_LIM, SA_D_EXP_LIM] (NaN kept), |lo| <= ~2^-40.
 *   n = round(hi log2e); r = hi - n LN2_HI exactly (FMA; r and n LN2_HI fit 53 bits);
 *   rl = lo - n LN2_LO; expm1(r) = r + t, t = r^2 P(r) (degree 10, r^2 as an exact pair),
 *   s + e by Fast2Sum, and the low part of the argument folded in as (1 + s)(1 + rl).
 * Relative error of 1 + s + e: about 2^-60 (fit) + 2^-57 (rounding of t, |t| <= 0.07). */
SA_DINLINE sa_d sa_d_exp_red(sa_d hi, sa_d lo, sa_d *k, sa_d *e) {
    hi = d_clamp(hi, -SA_D_EXP_LIM, SA_D_EXP_LIM);
    sa_d n = d_round_fma(hi, d_set1(SA_D_LOG2E));
    sa_d r = d_fma(n, d_set1(-SA_D_LN2_HI), hi);
    sa_d rl = d_fma(n, d_set1(-SA_D_LN2_LO), lo);
    sa_d p;
    SA_D_HORNER(r, SA_D_EXP_P, 11, p);
    sa_d r2l, r2 = d_two_prod(r, r, &r2l);
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
    sa_d res = d_add(d_fma(d_neg(q), d, num), d_fma(d_neg(q), dl, numl));
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
 * caller divides by z or folds 1/z in). Horner with 8-entry table lookups per coefficient; the
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
    sa_d res = d_add(d_fma(d_neg(q), D, S), d_fma(d_neg(q), Dl, Se));
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
    SA_D_HORNER(u, SA_D_ERF_P, 10, p);
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
SA_DINLINE sa_d sa_d_gelu_v(sa_d x) {
    sa_d a = d_abs(x);
    /* small */
    sa_d u = d_mul(x, x), p;
    SA_D_HORNER(u, SA_D_PHI_P, 11, p);
    sa_d pe, ph = d_two_prod(x, d_set1(SA_D_R2PI_HI), &pe);
    sa_d fe, f = d_fast_two_sum(d_set1(0.5), ph, &fe);
    sa_d fl = d_add(fe, d_fma(x, d_fma(u, p, d_set1(SA_D_R2PI_LO)), pe));
    sa_d ys = d_fma(x, f, d_mul(x, fl));
    /* -1.06 < x <= -0.6: Phi by its own polynomial (no cancellation in 1/2 + x c0 + ...) */
    sa_d sb = d_add(x, d_set1(0.828125)); /* exact (Sterbenz) */
    sa_d hb;
    SA_D_HORNER(sb, (SA_D_PHI_B + 1), 12, hb);
    sa_d be, bh = d_two_prod(hb, sb, &be);
    sa_d bfe, bf = d_fast_two_sum(d_set1(SA_D_PHI_B[0]), bh, &bfe);
    sa_d bfl = d_add(bfe, d_add(be, d_set1(SA_D_PHI_B0_LO)));
    sa_d yb = d_fma(x, bf, d_mul(x, bfl));
    ys = d_sel(d_le(x, d_set1(-0.6)), yb, ys);
    /* tail */
    sa_d ac = d_min_num(a, 38.75);
    sa_d zh = d_mul(ac, d_set1(SA_D_RSQ2_HI));
    sa_d zl = d_fma(ac, d_set1(SA_D_RSQ2_LO), d_fms(ac, d_set1(SA_D_RSQ2_HI), zh));
    sa_d a2l, a2 = d_two_prod(ac, ac, &a2l);
    const sa_d mhalf = d_set1(-0.5);
    sa_d k, mlo, m = sa_d_exp_core(d_mul(a2, mhalf), d_mul(a2l, mhalf), &k, &mlo);
    sa_dm is_u;
    sa_d Fl, F = sa_d_erfcx(zh, zl, d_div(d_set1(2.0), a2), &is_u, &Fl);
    sa_d Pe, P = d_two_prod(m, F, &Pe);
    sa_d Pl = d_add(Pe, d_fma(m, Fl, d_mul(mlo, F)));
    sa_d M = d_sel(is_u, d_set1(SA_D_RSQ2_HI), d_mul(ac, d_set1(0.5)));
    sa_d Ml = d_sel(is_u, d_set1(SA_D_RSQ2_LO), d_set1(0.0));
    sa_d g = d_ldexp(d_fma(M, P, d_fma(M, Pl, d_mul(Ml, P))), k);
    sa_d yt = d_sel(d_lt(x, d_set1(0.0)), d_neg(g), d_sub(x, g));
    return d_sel(d_lt(a, d_set1(1.06)), ys, yt);
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
 *   to S = Sh + Sl (>= 1: the max contributes exactly 1); y is not written (x may be y);
 *   (3) the same exp recomputed, y_i = ((m_i + mlo_i) / S) 2^k_i: q = m_i (1/Sh), corrected
 *   by its FMA remainder (times 1/Sh) and rounded once before the scaling (the only rounding
 *   into the subnormal range).
 * Max error measured: 0.54 ULP from the exact value (rows of 1..400, spreads 1e-3..1e5);
 *   1 ULP from the rounded mpmath value; budget 2.
 * Special rows: any NaN -> all NaN; any +inf -> all NaN; all -inf -> all NaN; -inf entries of
 *   an otherwise finite row -> 0; n == 0 -> nothing. In place (x == y) allowed. */
void SA_KD(softmax, max_rr_p10_ddsum)(const double *x, double *y, size_t n) {
    double mxs;
    if (n == 0) return;
    if (!sa_d_row_max(x, n, &mxs)) { sa_d_row_nan(y, n); return; }
    const sa_d mx = d_set1(mxs), zero = d_set1(0.0);
    sa_d acc[SA_D_NV], cmp[SA_D_NV], v[SA_D_NV];
    for (int q = 0; q < SA_D_NV; q++) acc[q] = cmp[q] = zero;
    for (size_t i = 0; i < n; i += SA_D_BLK) {
        sa_d_load_block(x, i, n, -INFINITY, v);
        for (int q = 0; q < SA_D_NV; q++) {
            sa_d k, mlo, m = sa_d_exp_diff(v[q], mx, &k, &mlo), p1, p2, err;
            d_pow2_split(k, &p1, &p2);
            acc[q] = d_two_sum(acc[q], d_scale2(m, p1, p2), &err);
            cmp[q] = d_add(cmp[q], d_add(err, d_scale2(mlo, p1, p2)));
        }
    }
    double sl, sh = sa_d_reduce_pair(acc, cmp, &sl);
    const sa_d Sh = d_set1(sh), Sl = d_set1(sl), rS = d_set1(1.0 / sh);
    for (size_t i = 0; i < n; i += SA_D_BLK) {
        sa_d_load_block(x, i, n, -INFINITY, v);
        for (int q = 0; q < SA_D_NV; q++) {
            sa_d k, mlo, m = sa_d_exp_diff(v[q], mx, &k, &mlo);
            sa_d qq = d_mul(m, rS);
            sa_d res = d_add(d_fma(d_neg(qq), Sh, m), d_fma(d_neg(qq), Sl, mlo));
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
    double tl, th = sa_d_reduce_pair(acc, cmp, &tl), cl;
    double c = sa_d_reduce_pair(cnt, (const sa_d[SA_D_NV]){zero}, &cl) + cl; /* exact integer */
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
