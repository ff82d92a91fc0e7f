/* f32_kernels.h — simdact's float32 kernels, written once over simd.h.
 *
 * Included by kernels/{scalar,avx2,avx512}/f32.c after defining SA_TARGET_SCALAR / _AVX2 /
 * _AVX512. Compile with -O2 -ffp-contract=off (every FMA is explicit) and never with
 * -ffast-math: the three builds then give bit-identical results.
 *
 * Common to every kernel:
 *   - y[i] depends on x[i] only (unary) or on the row (row kernels), never on the position:
 *     the n % SA_W tail runs the same vector code, padded in registers by masked loads and
 *     stores (simd.h: v_loadu_part / v_storeu_part);
 *     nothing outside [0, n) is read or written; x == y (in place) is allowed.
 *   - no per-element branches: regions are blended with masks.
 *   - errors are in float32 ULPs of a float64 reference: |y - ref| / 2^(max(e(ref),-126)-23),
 *     measured by kernels/tests/ulp_sweep.c (every 2^32/2^24-th-ish bit pattern by an odd
 *     stride plus dense windows around every branch point and threshold, plus specials).
 *   - the FP exception flags may be raised (the loops restore the caller's flags); MXCSR
 *     modes are never changed; subnormal inputs and outputs are handled exactly (no DAZ/FTZ
 *     assumption).
 */
#include "simd.h"
#include "f32_math.h"
#include "kernels.h"
#include <math.h>
#include <stdlib.h>

#include "f32_driver.h"
#include "f32_cores.h"

/* ============================================================================== relu
 * relu(x) = max(x, 0).  Algorithm: select(x <= 0, +0, x). Exact (0 ULP).
 * Max error measured (ulp_sweep, all three ISAs identical): exact (0 ULP).
 * Special values: relu(-0) = +0, relu(NaN) = NaN (the compare is false for NaN, so x passes),
 * relu(+inf) = +inf, relu(-inf) = +0, subnormals pass through unchanged. */
SA_DEF_UNARY(relu, select, sa_relu_v)

/* ============================================================================ sigmoid
 * sigmoid(x) = 1 / (1 + exp(-x)).
 * Max error measured (ulp_sweep exhaustive, all three ISAs identical): 0.7783 ULP over all 2^32 inputs (x = -0x1.5e9cfep+6, subnormal result); budget 0.78.
 * Algorithm (rr2_p7_div): e = exp(-|x|) (Cody-Waite reduction with ln2 in two constants,
 *   degree-7 polynomial, e = (m + mlo) * 2^k), then reflection: x >= 0: 1/(1 + e);
 *   x < 0: e/(1 + e) evaluated as (m/(1 + e)) * 2^k so a subnormal result is rounded once.
 *   The rounding error of 1 + e is carried (Fast2Sum) and corrected after the division.
 * Valid for all float32. Special values: sigmoid(+inf) = 1, sigmoid(-inf) = +0, NaN -> NaN,
 *   sigmoid(+-0) = 0.5; results go subnormal below x = -87.3 and round to 0 below -103.97. */
SA_DEF_UNARY(sigmoid, rr2_p7_div, sa_sigmoid_v)

/* =============================================================================== silu
 * silu(x) = x * sigmoid(x).
 * Max error measured (ulp_sweep exhaustive, all three ISAs identical): 0.7749 ULP over all 2^32 inputs (x = -0x1.6f9f56p+6); budget 0.78.
 * Algorithm (rr2_p7_div): the sigmoid core above gives sigmoid(x) = q * 2^kq with q normal;
 *   silu = (x * q) * 2^kq, scaled once at the very end, so for x < -87 (where sigmoid(x) is
 *   subnormal) the result keeps its bits down to the underflow point (x ~ -108.3).
 *   x > 100 -> x (exactly the rounded value).
 * Special values: silu(+inf) = +inf, silu(-inf) = -0 (and -0 for every x < -120, where the
 *   true value is far below the smallest subnormal), silu(+-0) = +-0, NaN -> NaN. */
SA_DEF_UNARY(silu, rr2_p7_div, sa_silu_v)

/* =============================================================================== tanh
 * tanh(x), odd: evaluated on a = |x|, the sign of x copied back (tanh(-0) = -0).
 * Max error measured (ulp_sweep exhaustive, all three ISAs identical): 0.7113 ULP over all 2^32 inputs (x = 0x1.1653e6p-1); budget 0.72.
 * Algorithm (p13_rr2_p7_div):
 *   a <  0.625: a + a^3 * P(a^2), P degree 5 (odd polynomial of degree 13, minimax relative).
 *   a >= 0.625: e = exp(-2a) = E + El, tanh = 1 - 2E/(1 + E); 2a is exact, 1 + E is carried
 *               as a Fast2Sum pair, the quotient as q + ql (one correction step), 1 - 2q as
 *               an exact pair, so only the final add rounds. Saturates to 1 (E underflows)
 *               for a > 9.01.
 * Special values: tanh(+-inf) = +-1, tanh(+-0) = +-0, NaN -> NaN, subnormal x -> x. */
SA_DEF_UNARY(tanh, p13_rr2_p7_div, sa_tanh_v)

/* ================================================================================ erf
 * erf(x), odd: evaluated on a = |x|, sign copied back (erf(-0) = -0).
 * Max error measured (ulp_sweep exhaustive, all three ISAs identical): 0.7500 ULP over all 2^32 inputs (x = 0x1.429dp-127, a subnormal result: the 0.75 bound of its two roundings); budget 0.76. Above the subnormal range: 0.7442 (x = 0x1.badaf4p-1, small piece), tail 0.7319 (x = 0x1.cfa172p-1).
 * Algorithm (p13_erfc_p9):
 *   a <  0.875: a * (2/sqrt(pi) + a^2 P(a^2)), P degree 5; a^2 = sh + sl exactly (fma);
 *               pp = a^2 P + C0L with the P0 a^2 term exact inside an fma (only s^2 P1(s), a
 *               small term, is rounded), w = C0H + pp as a Fast2Sum pair wh + wl, then
 *               fma(a, wh, a wl) rounds once. It runs on a * 2^64 (so a wl never underflows;
 *               the scaling back is exact for normal results and a second rounding for
 *               subnormal ones, 2x/sqrt(pi) < 2^-126: <= 0.75 ULP there).
 *   a >= 0.875: 1 - exp(-a^2) * Q(a - 2.3975), Q degree 9 (erfcx on [0.875, 3.92]); a^2 as an
 *               exact pair into the exp core (no rounded exp argument). Q's last Horner step
 *               is kept as a pair q0 + ql (its rounding error recovered by an fma: c0 - q0 is
 *               exact on [0.875, 4]), plus the rounding error of t = a - 2.3975 (a < 1 only)
 *               times Q'(t); erfc = (m + mlo) 2^k (q0 + ql) as a pair, and 1 - erfc by
 *               Fast2Sum: one final rounding. What remains: Q's fit (0.10 ULP near a = 0.9) and
 *               its float Horner steps of degree >= 1, weighted by erfc/erf <= 0.28.
 *   a >= 4:     1 (a is clamped to 4, where 1 - erfc(4) rounds to 1).
 * Special values: erf(+-inf) = +-1, erf(+-0) = +-0, NaN -> NaN, subnormal x -> 2x/sqrt(pi). */
SA_DEF_UNARY(erf, p13_erfc_p9, sa_erf_v)

/* =============================================================================== gelu
 * gelu(x) = x * Phi(x) = x/2 * erfc(-x/sqrt(2))  (exact, erf-based GELU).
 * Max error measured (ulp_sweep exhaustive, all three ISAs identical): 0.8660 ULP over all 2^32 inputs (x = -0x1.400bb4p+1, piece B's fit error at its left end); budget 0.87.
 * Algorithm (p9_erfc_p10):
 *   |x| < 0.5:  x/2 + x^2 * (1/sqrt(2pi) + x^2 P(x^2)), P degree 3; x^2 = x2h + x2l exactly,
 *               x^2 (C + pp) as fl(x2h C) plus its exact rest (fma), added to x/2 by Fast2Sum:
 *               one final rounding (max 0.56 ULP).
 *   |x| >= 0.5: with a = |x| (clamped to 16), a * Phi(-a) = exp(-a^2/2) * T(a): a^2/2 as an
 *               exact hi + lo pair into the exp core (no rounded exp argument), T piecewise:
 *               degree 10 in (a - 1.5) on [0.5, 2.5], degree 8 in 1/a^2 on [2.5, 14.5],
 *               evaluated as a pair th + tl (sa_gelu_T2, f32_math.h: Estrin for degrees 3..10,
 *               the steps of degree 2, 1, 0 compensated, 1/a^2's rounding corrected), and
 *               G = (m + mlo)(th + tl) rounded once as g * 2^k:
 *               x < 0: gelu = -g * 2^k, scaled once at the end: relative accuracy holds down to
 *               the underflow point (x ~ -14.3); a subnormal result is rounded twice (<= 0.75
 *               ULP plus T's error; 0.785 measured below x = -13).
 *               x > 0: gelu = x - g * 2^k (= x above 5.4; 0.86 near x = 0.54, where g's own
 *               rounding costs up to 0.25 ULP).
 *               What remains: T's fit error (0.157 / 0.266 * 2^-24 relative on the pieces) and
 *               the exp core's (~2^-27), the final rounding.
 *   x < -16 -> -0 (the clamped tail underflows); x > 16 -> x.
 * Special values: gelu(+inf) = +inf, gelu(-inf) = -0, gelu(+-0) = +-0, NaN -> NaN. */
SA_DEF_UNARY(gelu, p9_erfc_p10, sa_gelu_v)

/* ========================================================================== gelu_tanh
 * gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) = x * sigmoid(v),
 * Max error measured (ulp_sweep exhaustive, all three ISAs identical): 0.7729 ULP over all 2^32 inputs (x = -0x1.43466p+3); budget 0.78.
 *   v = C1 x + C3 x^3, C1 = 2 sqrt(2/pi), C3 = 0.044715 C1.
 * Algorithm (hilo_rr2_p7_div): v is formed as an unevaluated pair vh + vl (constants split
 *   hi + lo, x^2 exact by fma, w = C1 + C3 x^2 by TwoSum, v = x w by fma), and the sigmoid core
 *   folds vl into the exp (exp(hi)(1 + lo)): no rounded exp argument. The result is
 *   (x * q) * 2^kq, scaled once at the end, so the negative tail keeps relative accuracy down
 *   to the underflow point (x ~ -11.3).
 *   x < -20 -> -0; x > 20 -> x (sigmoid(v) rounds to 1 above x ~ 4.5 already).
 * Special values: gelu_tanh(+inf) = +inf, (-inf) = -0, (+-0) = +-0, NaN -> NaN. */
SA_DEF_UNARY(gelu_tanh, hilo_rr2_p7_div, sa_gelu_tanh_v)

/* ========================================================================= row kernels */
/* pass 1 of every row kernel: sa_row_max (f32_cores.h) */

/* exp(x - mx) as float64 parts (lanes 0..SA_DW-1 in *lo, the rest in *hi; *hi unused with one
 * half): sa_exp_pair_d (f32_cores.h) on the TwoSum difference, 0 where x - mx < -110 (incl.
 * x = -inf); k in [-182, 0]. */
SA_INLINE void sa_exp_diff_d(sa_v x, sa_v mx, sa_vd *lo, sa_vd *hi) {
    sa_v dl, dh = sa_two_diff(x, mx, &dl);
    sa_vd e[2];
    sa_exp_pair_d(dh, dl, 126.0f, v_lt(dh, v_set1(-110.0f)), e);
    *lo = e[0];
    *hi = e[SA_DN - 1];
}

/* ============================================================================ softmax
 * softmax(x)_i = exp(x_i - max) / sum_j exp(x_j - max), one row x[0..n).
 * Max error measured (ulp_sweep, all three ISAs identical): 0.587 ULP (3000 random rows,
 *   n 1..4096, spreads up to 1e6, -inf entries); budget 0.7.
 * Algorithm (max_rr2_p7_f64sum): pass 1 max (NaN propagates); pass 2 d = x - max as an exact
 *   TwoSum pair, e = exp(dh + dl) (Cody-Waite, degree-7 polynomial) kept unrounded as the
 *   float64 value (m + mlo) * 2^k and summed in float64 into 16 partial sums (element i into
 *   partial i mod 16; the tail is padded with -inf, which contributes exactly 0), reduced in a
 *   fixed order: identical on every ISA; pass 3 takes the same float64 e (kept from pass 2, see
 *   SA_SMX_KEEP) and rounds e * (1/S) once to float32 (subnormal results included; 1/S and
 *   the product are float64 roundings, 2^-52 each). x == y is fine (pass 2 only reads x).
 * Special rows: any NaN -> all NaN; any +inf -> all NaN; all -inf -> all NaN; -inf entries in
 *   an otherwise finite row -> 0; n == 0 -> nothing; n == 1 finite -> [1]. */
/* pass 2's e for pass 3 of R rows: on the stack while R (n + 16) doubles fit in
 * SA_SMX_KEEP + 32, else malloc'd, and computed again only if that allocation fails (the same
 * values either way). Computing it again (the accurate exp twice) cost more than half the time
 * of a long row (softmax over rows of 32768); keeping it costs 8 bytes per element of L2
 * traffic. */
#define SA_SMX_KEEP 4096
/* Passes 2 and 3 of R rows, R up to 2 (SA_DEF_ROWS, f32_driver.h: the row kernel and the
 * row-group kernel softmax_rows around it) */
SA_INLINE void sa_softmax_rows(const float *const *x, float *const *y, const float *mx,
                               size_t n, const int R) {
    double stack_keep[SA_SMX_KEEP + 32], *heap = NULL, *keep[2] = {NULL, NULL};
    if ((size_t)R * (n + 16) <= SA_SMX_KEEP + 32)
        keep[0] = stack_keep;
    else
        keep[0] = heap = (double *)malloc((size_t)R * (n + 16) * sizeof(double));
    if (keep[0]) keep[1] = keep[0] + n + 16;
    sa_v vmx[2];
    sa_vd acc[2][SA_NACC], elo, ehi, S[2];
#pragma GCC unroll 2
    for (int r = 0; r < R; r++) {
        vmx[r] = v_set1(mx[r]);
        for (int j = 0; j < SA_NACC; j++) acc[r][j] = vd_set1(0.0);
    }
    /* pass 2: S = sum of exp(x - max), float64 partials i mod 16 (y is not written: x may be y) */
    const ptrdiff_t pf = sa_next_rows(x, n, R); /* sa_prefetch_row, f32_driver.h */
    for (size_t i = 0; i < n; i += 16) {
#pragma GCC unroll 2
        for (int r = 0; r < R; r++) sa_prefetch_row(x[r], i, pf);
        for (int q = 0; q < 16 / SA_W; q++) {
#pragma GCC unroll 2
            for (int r = 0; r < R; r++) {
                sa_exp_diff_d(sa_load_pad(x[r], i + q * SA_W, n, -INFINITY), vmx[r], &elo, &ehi);
                acc[r][q * SA_DN] = vd_add(acc[r][q * SA_DN], elo);
#if SA_DN == 2
                acc[r][q * SA_DN + 1] = vd_add(acc[r][q * SA_DN + 1], ehi);
#endif
                if (keep[r]) {
                    vd_storeu(keep[r] + i + q * SA_W, elo);
#if SA_DN == 2
                    vd_storeu(keep[r] + i + q * SA_W + SA_DW, ehi);
#endif
                }
            }
        }
    }
#pragma GCC unroll 2
    for (int r = 0; r < R; r++) S[r] = vd_set1(1.0 / sa_acc_sum(acc[r]));
    /* pass 3: the same float64 e times 1/S, rounded once */
#pragma GCC unroll 2
    for (int r = 0; r < R; r++) {
        for (size_t i = 0; i < n; i += SA_W) {
            size_t t = n - i < SA_W ? n - i : SA_W;
            if (keep[r]) {
                elo = vd_loadu(keep[r] + i);
#if SA_DN == 2
                ehi = vd_loadu(keep[r] + i + SA_DW);
#endif
            } else
                sa_exp_diff_d(sa_load_pad(x[r], i, n, -INFINITY), vmx[r], &elo, &ehi);
            sa_store_part(y[r] + i, t, v_from_vd(vd_mul(elo, S[r]), vd_mul(ehi, S[r])));
        }
    }
    free(heap);
}
SA_DEF_ROWS(softmax, max_rr2_p7_f64sum, sa_softmax_rows, 2)

/* ======================================================================== log_softmax
 * log_softmax(x)_i = x_i - max - log(sum_j exp(x_j - max)), one row.
 * Max error measured (ulp_sweep, all three ISAs identical): 0.958 ULP (same rows); budget 1.0.
 * Algorithm (max_rr2_p7_log1p): pass 1 max; pass 2 over the elements below the max,
 *   T = sum exp(x_j - max) (TwoSum difference, exp as in softmax, float64 partial sums i mod 16,
 *   fixed-order reduction), and c = count of elements equal to the max (an integer count of
 *   the compare masks: exact, as are the column kernel's float64 partial sums of 1s, so both
 *   give the same c); L = log(c + T) = log1p((c - 1) + T) (sa_log1p_vd, float64), so the max
 *   elements do not cancel; pass 3 y = ((double)x_i - max) - L in float64, rounded once.
 * Special rows: any NaN -> all NaN; any +inf -> all NaN; all -inf -> all NaN; -inf entries in
 *   an otherwise finite row -> -inf; n == 0 -> nothing; n == 1 finite -> [0]. */
/* Passes 2 and 3 of R rows, R up to 2 (SA_DEF_ROWS, f32_driver.h: the row kernel and the
 * row-group kernel log_softmax_rows around it) */
SA_INLINE void sa_log_softmax_rows(const float *const *x, float *const *y, const float *mx,
                                   size_t n, const int R) {
    sa_v vmx[2];
    sa_vd acc[2][SA_NACC], L[2], dmx[2];
    size_t cnt[2];
#pragma GCC unroll 2
    for (int r = 0; r < R; r++) {
        vmx[r] = v_set1(mx[r]);
        cnt[r] = 0;
        for (int j = 0; j < SA_NACC; j++) acc[r][j] = vd_set1(0.0);
    }
    const ptrdiff_t pf = sa_next_rows(x, n, R); /* sa_prefetch_row, f32_driver.h */
    for (size_t i = 0; i < n; i += 16) {
#pragma GCC unroll 2
        for (int r = 0; r < R; r++) sa_prefetch_row(x[r], i, pf);
        for (int q = 0; q < 16 / SA_W; q++) {
#pragma GCC unroll 2
            for (int r = 0; r < R; r++) {
                /* T in float64 from the unrounded (m + mlo)·2^k: for the max element
                 * y = -log1p(T) inherits T's relative error, so float32-rounded terms would
                 * cost 0.5 ULP. */
                sa_v v = sa_load_pad(x[r], i + q * SA_W, n, -INFINITY);
                sa_m at_max = v_eq(v, vmx[r]);
                sa_vd elo, ehi;
                sa_exp_diff_d(v_sel(at_max, v_set1(-INFINITY), v), vmx[r], &elo, &ehi);
                acc[r][q * SA_DN] = vd_add(acc[r][q * SA_DN], elo);
#if SA_DN == 2
                acc[r][q * SA_DN + 1] = vd_add(acc[r][q * SA_DN + 1], ehi);
#endif
                cnt[r] += (size_t)m_count(at_max);
            }
        }
    }
    double a[4], l[4]; /* sa_log1p_rows' shape (up to four rows) */
#pragma GCC unroll 2
    for (int r = 0; r < R; r++) {
        double T = sa_acc_sum(acc[r]), c = (double)cnt[r];
        a[r] = (c - 1.0) + T;
        dmx[r] = vd_set1((double)mx[r]);
    }
    sa_log1p_rows(a, l, R, 1);
#pragma GCC unroll 2
    for (int r = 0; r < R; r++) L[r] = vd_set1(l[r]);
#pragma GCC unroll 2
    for (int r = 0; r < R; r++) {
        size_t i = 0;
        SA_ROW_PASS_AHEAD(x[r], n, i, v,
                          v_storeu(y[r] + i, v_from_vd(vd_sub(vd_sub(vd_lo(v), dmx[r]), L[r]),
                                                       vd_sub(vd_sub(vd_hi(v), dmx[r]), L[r]))));
        if (i < n) {
            sa_v v = v_loadu_part(x[r] + i, n - i, 0.0f);
            v_storeu_part(y[r] + i, v_from_vd(vd_sub(vd_sub(vd_lo(v), dmx[r]), L[r]),
                                              vd_sub(vd_sub(vd_hi(v), dmx[r]), L[r])), n - i);
        }
    }
}
SA_DEF_ROWS(log_softmax, max_rr2_p7_log1p, sa_log_softmax_rows, 2)

/* ===================================================================== column kernels
 * softmax / log_softmax of SA_COLS (16) adjacent columns at once: element i of column c at
 * x[i xs + c], written to y[i ys + c] (a non-last axis of a C-ordered array; the loops call
 * these instead of gathering 16 strided rows into a buffer and back, which cost more than the
 * kernel itself). Each lane runs the row kernel's arithmetic for its column: the same exp
 * (sa_exp_diff_d is lane-wise), element i into float64 partial i mod 16 in the same order, the
 * same fixed-order reduction (sa_sum16, here lane-wise), the same float64 division, log1p and
 * final rounding; the max is exact in any order (and where it is a zero of either sign, the
 * results do not depend on its sign). So a column gives the bits its row gives, on every ISA;
 * tests/per_isa/test_rows.py checks axis 0 against the transposed copy's last axis.
 * Special columns as the row kernels: any NaN or +inf, or all -inf -> all NaN.
 * x == y is fine (element i is read before it is written, and only by its own step).
 * The columns of one call are one cache line of each of n rows a whole row apart, a stride the
 * hardware prefetchers do not follow: pass 1 prefetches the next 16 columns' line of each row
 * (the loops' next call), pass 3 the next output line (a prefetch never faults). */
/* pass 1 is sa_cols_max; SA_CQ, SA_CP, sa_acc_add, sa_cols_join: f32_cores.h */

/* exp(x_i - mx) of the 16 columns of element i as float64 vectors e[SA_CP] */
SA_INLINE void sa_cols_exp(const float *xi, const sa_v *mx, sa_vd *e) {
    for (int q = 0; q < SA_CQ; q++) {
        sa_vd lo, hi;
        sa_exp_diff_d(v_loadu(xi + q * SA_W), mx[q], &lo, &hi);
        e[q * SA_DN] = lo;
#if SA_DN == 2
        e[q * SA_DN + 1] = hi;
#else
        (void)hi;
#endif
    }
}
/* lane-wise sa_sum16 of the partials acc[p * SA_CP + j], p = 0..15, into s[j] */
static void sa_cols_sum16(const sa_vd *acc, sa_vd *s) {
    for (int j = 0; j < SA_CP; j++) {
        sa_vd a[8];
        for (int p = 0; p < 8; p++) a[p] = vd_add(acc[p * SA_CP + j], acc[(p + 8) * SA_CP + j]);
        for (int p = 0; p < 4; p++) a[p] = vd_add(a[p], a[p + 4]);
        s[j] = vd_add(vd_add(a[0], a[2]), vd_add(a[1], a[3]));
    }
}

void SA_K(softmax_cols, max_rr2_p7_f64sum)(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys,
                                           size_t n, void *keep_) {
    if (n == 0) return;
    sa_v mx[SA_CQ];
    sa_m good[SA_CQ];
    sa_cols_max(x, xs, n, mx, good);
    sa_vd acc[16 * SA_CP], e[SA_CP], inv[SA_CP];
    sa_vd *keep = (sa_vd *)keep_; /* the loops' room for pass 2's e, or NULL: recompute it */
    const int kept = keep != NULL;
    for (int j = 0; j < 16 * SA_CP; j++) acc[j] = vd_set1(0.0);
    for (size_t i = 0; i < n; i++) {
        sa_cols_exp(x + (ptrdiff_t)i * xs, mx, e);
        sa_vd *a = acc + (i % 16) * SA_CP;
        for (int j = 0; j < SA_CP; j++) a[j] = vd_add(a[j], e[j]);
        if (kept)
            for (int j = 0; j < SA_CP; j++) vd_storeu((double *)(keep + i * SA_CP + j), e[j]);
    }
    sa_cols_sum16(acc, inv);
    for (int j = 0; j < SA_CP; j++) inv[j] = vd_div(vd_set1(1.0), inv[j]);
    for (size_t i = 0; i < n; i++) {
        __builtin_prefetch(y + (ptrdiff_t)i * ys + SA_COLS, 1);
        if (kept)
            for (int j = 0; j < SA_CP; j++) e[j] = vd_loadu((const double *)(keep + i * SA_CP + j));
        else
            sa_cols_exp(x + (ptrdiff_t)i * xs, mx, e);
        for (int j = 0; j < SA_CP; j++) e[j] = vd_mul(e[j], inv[j]);
        for (int q = 0; q < SA_CQ; q++)
            v_storeu(y + (ptrdiff_t)i * ys + q * SA_W,
                     v_sel(good[q], sa_cols_join(e, q), v_set1(NAN)));
    }
}

/* log_softmax_cols counts the elements at the max per column in a float vector (whole
 * numbers, exact up to 2^24) flushed into float64 every SA_COLS_CNT elements: the same count
 * as a float64 add per element, which took two conversions and two float64 adds per vector and
 * a partial array in memory (the loops' axis-0 path of 128 x 8192 / 1024 x 1024: 2.14 / 2.25
 * -> 2.03 / 2.17 ns per element, bench/kernel_cycles.c `cols` on the Zen 3, same bits) */
#define SA_COLS_CNT 4096
void SA_K(log_softmax_cols, max_rr2_p7_log1p)(const float *x, ptrdiff_t xs, float *y,
                                             ptrdiff_t ys, size_t n, void *keep) {
    (void)keep; /* pass 3 needs no exp */
    if (n == 0) return;
    sa_v mx[SA_CQ];
    sa_m good[SA_CQ];
    sa_cols_max(x, xs, n, mx, good);
    sa_vd acc[16 * SA_CP], e[SA_CP], L[SA_CP], dmx[SA_CP];
    sa_v cf[SA_CQ]; /* elements at the max per column: whole numbers, exact in float up to
                     * 2^24, flushed into float64 every SA_COLS_CNT elements (into L) */
    for (int j = 0; j < 16 * SA_CP; j++) acc[j] = vd_set1(0.0);
    for (int j = 0; j < SA_CP; j++) L[j] = vd_set1(0.0);
    for (int q = 0; q < SA_CQ; q++) cf[q] = v_set1(0.0f);
    for (size_t i = 0; i < n; i++) {
        const float *xi = x + (ptrdiff_t)i * xs;
        sa_vd *a = acc + (i % 16) * SA_CP;
        for (int q = 0; q < SA_CQ; q++) {
            sa_v v = v_loadu(xi + q * SA_W);
            sa_m at_max = v_eq(v, mx[q]);
            sa_vd lo, hi;
            sa_exp_diff_d(v_sel(at_max, v_set1(-INFINITY), v), mx[q], &lo, &hi);
            a[q * SA_DN] = vd_add(a[q * SA_DN], lo);
#if SA_DN == 2
            a[q * SA_DN + 1] = vd_add(a[q * SA_DN + 1], hi);
#else
            (void)hi;
#endif
            cf[q] = v_add(cf[q], v_sel(at_max, v_set1(1.0f), v_set1(0.0f)));
        }
        if ((i + 1) % SA_COLS_CNT == 0 || i + 1 == n)
            for (int q = 0; q < SA_CQ; q++) {
                sa_acc_add(L, q, cf[q]);
                cf[q] = v_set1(0.0f);
            }
    }
    sa_cols_sum16(acc, e);
    for (int j = 0; j < SA_CP; j++) /* L = log1p((c - 1) + T) per lane, c held in L */
        L[j] = sa_log1p_vd(vd_add(vd_sub(L[j], vd_set1(1.0)), e[j]), 1);
    for (int q = 0; q < SA_CQ; q++) {
        dmx[q * SA_DN] = vd_lo(mx[q]);
#if SA_DN == 2
        dmx[q * SA_DN + 1] = vd_hi(mx[q]);
#endif
    }
    for (size_t i = 0; i < n; i++) {
        const float *xi = x + (ptrdiff_t)i * xs;
        __builtin_prefetch(y + (ptrdiff_t)i * ys + SA_COLS, 1);
        for (int q = 0; q < SA_CQ; q++) {
            sa_v v = v_loadu(xi + q * SA_W);
            e[q * SA_DN] = vd_sub(vd_sub(vd_lo(v), dmx[q * SA_DN]), L[q * SA_DN]);
#if SA_DN == 2
            e[q * SA_DN + 1] = vd_sub(vd_sub(vd_hi(v), dmx[q * SA_DN + 1]), L[q * SA_DN + 1]);
#endif
            v_storeu(y + (ptrdiff_t)i * ys + q * SA_W,
                     v_sel(good[q], sa_cols_join(e, q), v_set1(NAN)));
        }
    }
}
