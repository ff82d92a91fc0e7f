/* simdact float64 kernels of the exponential-family catalogue: elu, celu, selu, softplus,
 * swish, mish, log_sigmoid and the gated units swiglu, geglu, geglu_tanh.
 *
 * Portable C on top of libm (exp, expm1, log1p, erfc), same conventions as kernels/f64.c:
 *   - "pair" h + l is an unevaluated sum with |l| <= ~2^-52 |h|;
 *   - FMAs are explicit (fma()); the file is compiled with -ffp-contract=off and the error-free
 *     transformations (two_sum, two_prod, division remainders) rely on it;
 *   - exponentials whose result would leave the double range but are multiplied / divided by
 *     something that brings the result back go through exp_split: exp(h + l) = E * 2^s with E in
 *     [2^-513, 2^513] (s a multiple of 512), the product rounded once, then scaled by ldexp (exact
 *     unless the result is subnormal or overflows, and then that is the result's own rounding).
 *     So no intermediate overflows spuriously and no normal result is rebuilt from a subnormal.
 *   - where long double has >= 64 bits and a 15-bit exponent (x86-64, aarch64 Linux) mish and
 *     geglu are evaluated in long double and rounded once (no double-only formula of them meets
 *     the 2 ULP budget without a pair-valued exp / erfc); -DSA_NO_LONG_DOUBLE or other targets
 *     take a plain double formula (errors given in the contracts).
 *
 * Parametric kernels have the sa_f64_pkernel shape: y[i] = f(x[i], p[i*ps], q[i*qs]).
 * On AVX2 / AVX-512 the float64 loops run the SIMD kernels of kernels/f64_vec.h instead
 * (registry.h SA_F64V / SA_F64VP lines); these remain the scalar ISA's and the portable
 * build's kernels, and the SIMD kernels' fallback for rare cold lanes (far tails, huge
 * operands).
 *
 * "Max error measured" = max |y - mp| / ulp64(mp), mp = the mpmath value (50 digits) rounded
 * once to double, over random and targeted points (tails, branch points, subnormals) and the
 * parameter grids of tests/reference.py PARAM_GRID, on x86-64 / glibc 2.36.
 *
 * Overflow: selu, softplus (|beta| < 1), celu (alpha < 0) and the gated units (|b| > 1) have
 * results beyond the double range for finite inputs. Those kernels raise the overflow flag only
 * when the true result rounds to +-inf: products are formed as (bounded factor) * (other factor)
 * last, large exponentials go through exp_split, and beta * x is never formed when it would
 * overflow. The other kernels never overflow at all.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include "kernels.h"
#include "f64_common.h"

#if LDBL_MANT_DIG >= 64 && LDBL_MAX_EXP >= 16384 && !defined(SA_NO_LONG_DOUBLE)
#define SA_CAT_LD 1
#endif

/* 512 ln 2 = KH + KL, KH on the 2^-36 grid: h - k*KH is exact for |h| < 2^16, |k| <= 64
 * (k*KH is exact and a multiple of ulp(h), and |h - k*KH| <= |h|). */
static const double KH = 0x1.62e42fefa3a00p+8, KL = -0x1.0ca86c3898d00p-40;
static const double INV_KH = 0x1.71547652b82fep-9; /* 1 / (512 ln 2) */
/* selu: scale = S_HI + S_LO, scale * alpha = SA_HI + SA_LO (torch's decimal constants) */
static const double S_HI = 0x1.0cfabd6a91132p+0, S_LO = 0x1.6fc7d272f2695p-55;
static const double SA_HI = 0x1.c212cc640f031p+0, SA_LO = 0x1.05161b045a1fep-56;

/* a value whose square overflows at run time (volatile: not folded at compile time) */
static volatile double sa_big = 0x1p1023;

/* exp(h + l) = (E + *lo) * 2^(*s), |h| < 2^15, |l| <= 2^-40 |h| + 2^-60: E = exp(r) with
 * r = h - k*512 ln2 in [-356, 356] (exact), the low parts folded in to first order. */
static inline double exp_split(double h, double l, double *lo, int *s)
{
    double k = nearbyint(h * INV_KH);
    double r = h - k * KH; /* exact */
    double E = exp(r);
    *lo = E * (l - k * KL);
    *s = 512 * (int)k;
    return E;
}

/* c1 * c2 * exp(h + l) with one rounding of the product and an exact scaling (c1, c2 finite
 * nonzero, |h| < 2^15): overflows / underflows only as the true result does. */
static double mul2_exp(double c1, double c2, double h, double l)
{
    int e1, e2, s;
    double m1 = frexp(c1, &e1), m2 = frexp(c2, &e2);
    double El, E = exp_split(h, l, &El, &s);
    double P = m1 * m2, Pl = fma(m1, m2, -P); /* exact */
    double Q = P * E, Ql = fma(P, E, -Q);
    return ldexp(Q + (Ql + (Pl * E + P * El)), e1 + e2 + s);
}

/* (h + l) * b rounded once; an overflowing leading product is returned as is (the correction
 * is far below its ULP). */
static inline double pair_mul(double h, double l, double b)
{
    double p = h * b;
    if (!(fabs(p) <= DBL_MAX))
        return p;
    double pl = fma(h, b, -p);
    return p + (pl + l * b);
}

/* |a * b| > 2^1000 (a, b not NaN), without forming the product. */
static inline int prod_huge(double a, double b)
{
    double aa = fabs(a), ab = fabs(b);
    if (aa < ab) {
        double t = aa;
        aa = ab;
        ab = t;
    }
    return aa > 1.0 && ab > 0x1p1000 / aa;
}

/* ---------------------------------------------------------------------------------------- */
/* elu(x, alpha) = x if x > 0 else alpha * expm1(x).
 * Algorithm: libm expm1 (true expm1, no cancellation near 0), times alpha, rounded once more:
 * error = expm1's + 0.5 ULP. Never overflows (|result| <= |alpha| for x <= 0).
 * Max error measured: 1 ULP (budget 2).
 * Special values: x > 0 (incl. +inf) -> x whatever alpha; elu(-0) = alpha * -0 (-0 for
 * alpha > 0); elu(-inf) = -alpha; NaN x -> NaN; NaN alpha -> NaN for x <= 0.
 * torch: F.elu(x, alpha) (torch evaluates expm1 too). */
void SA_F64_KERNEL(elu)(const double *x, const double *p, size_t ps, const double *q, size_t qs,
                        double *y, size_t n)
{
    (void)q;
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], a = p[i * ps];
        y[i] = (v > 0.0 || v != v) ? v : a * expm1(v);
    }
}

/* selu(x) = scale * (x if x > 0 else alpha * expm1(x)), torch's alpha = 1.6732632423543772848...,
 * scale = 1.0507009873554804934... (taken as these decimals).
 * Algorithm: x > 0: x * scale with scale as a pair, one rounding: fma(x, S_HI, x * S_LO);
 * x <= 0: (scale * alpha as a pair) * expm1(x): error = expm1's + 0.5 ULP.
 * Overflow: only x > DBL_MAX / scale (~1.711e308), where the true result overflows.
 * Max error measured: 1 ULP (budget 2).
 * Special values: selu(+-0) = +-0, selu(+inf) = +inf, selu(-inf) = -scale*alpha, NaN -> NaN.
 * torch: F.selu(x). */
void SA_F64_KERNEL(selu)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], r;
        if (v > 0.0 || v != v) {
            r = fma(v, S_HI, v * S_LO);
        } else {
            double e = expm1(v);
            r = fma(SA_HI, e, SA_LO * e);
        }
        y[i] = r;
    }
}

/* celu(x, alpha) = max(0, x) + min(0, alpha * expm1(x / alpha)) = x if x > 0 else
 * alpha * expm1(x / alpha) (alpha != 0; both signs of alpha give a result <= 0 for x <= 0).
 * Algorithm (x <= 0): t = x / alpha as a pair th + tl (FMA remainder r = x - th*alpha, exact,
 * tl = r / alpha); alpha * expm1(th + tl) = alpha*e + (1 + e)*r with e = expm1(th), the first
 * product as an exact pair: error = expm1's + 0.5 ULP.
 *   alpha > 0: t <= 0; x < -40 alpha -> -alpha (the rest is below 2^-57 relative); the quotient
 *     is only formed when it is bounded.
 *   alpha < 0: t >= 0 and the result alpha * e^t grows without bound: t > 709 goes through
 *     mul2_exp (alpha * exp(th + tl), exact scaling), so the overflow flag is raised only when
 *     the true result overflows (which is certain for t > 2^14 or t = +inf).
 *   |t| < 2^-56: x (alpha * expm1(t) = x (1 + t/2) rounds to x; also keeps subnormals exact).
 * torch computes expm1(x * (1/alpha)) with 1/alpha rounded; this kernel is the exact formula.
 * Max error measured: 1 ULP over alpha in {+-0.01, +-1, +-10, 0.1, 1.7} (budget 2).
 * Special values: x > 0 -> x; celu(-0) = -0; celu(-inf) = -alpha (alpha > 0), -inf (alpha < 0);
 * NaN in x -> NaN; NaN alpha -> NaN for x <= 0; alpha = 0 -> NaN (torch rejects alpha = 0).
 * torch: F.celu(x, alpha). */
void SA_F64_KERNEL(celu)(const double *x, const double *p, size_t ps, const double *q, size_t qs,
                         double *y, size_t n)
{
    (void)q;
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], a = p[i * ps], r;
        if (v > 0.0 || v != v) {
            r = v;
        } else if (a != a || a == 0.0) {
            r = a != a ? a : NAN;
        } else if (a > 0.0 && v * 0.025 < -a) {
            r = -a; /* t < -40 (x = -inf included) */
        } else {
            double th = v / a; /* a > 0: |th| <= 40; a < 0: may overflow only genuinely */
            if (fabs(th) < 0x1p-56) {
                r = v;
            } else if (th <= 709.0) {
                double rm = fma(-th, a, v);
                double e = expm1(th);
                double pr = a * e;
                if (!(fabs(pr) <= DBL_MAX)) {
                    r = pr;
                } else {
                    double pl = fma(a, e, -pr);
                    r = pr + (pl + (1.0 + e) * rm);
                }
            } else if (th <= 0x1p14) {
                double tl = fma(-th, a, v) / a;
                r = mul2_exp(a, 1.0, th, tl); /* expm1 = exp here (e^-709 relative) */
            } else {
                r = a * (sa_big * sa_big); /* |alpha| e^t > 2^-1074 e^16384: overflow */
            }
        }
        y[i] = r;
    }
}

/* softplus(x, beta, threshold) = x if beta*x > threshold else log1p(exp(beta*x)) / beta.
 * Algorithm: u = beta*x as an exact pair uh + ul (FMA); the threshold test is on the exact
 * product. s(u) = log1p(exp(u)) in the stable form:
 *   u > 0:  u + log1p(exp(-u)), summed as a pair (TwoSum) with ul * (1 - sigmoid(-u));
 *   -700 <= u <= 0: log1p(E) + ul E/(1+E), E = exp(uh) (error: exp's, damped by
 *     E/((1+E) log1p E) <= 1);
 *   u < -700: s = exp(u) (log1p(E) = E(1 - E/2), E < 2^-1000), divided by beta with the exact
 *     2^s scaling of exp_split (tiny beta may bring it back to the normal range);
 *   |u| > 2^1000 (never formed): x if u > 0, else +-0 (sign of beta).
 * then s / beta with the division remainder from an FMA (one rounding of the pair quotient).
 * With long double (64-bit mantissa, 15-bit exponent), -700 <= u <= 2^1000 is instead done as
 * max(u, 0) + log1pl(expl(-|u|)) + ul sigmoid(u) and s / beta in long double, rounded once
 * (the double path loses up to ~1.5 ULP when s and s / beta sit in different binades).
 * Overflow: only s / beta for tiny |beta|, and only when the true result overflows.
 * Max error measured: 1 ULP over the PARAM_GRID (beta, threshold) pairs and beta in
 * {1e-300, 1e-310, -1, 0.5 with threshold inf} (budget 2); 2 ULP with -DSA_NO_LONG_DOUBLE.
 * Special values: NaN x or beta -> NaN; NaN threshold -> the log1p form (the comparison is
 * false, as in torch); softplus(+inf) = +inf (beta > 0), softplus(-inf) = +0 (beta > 0);
 * beta = 0 -> log(2)/0 = +inf for finite x (as torch).
 * torch: F.softplus(x, beta, threshold) (torch compares the rounded product). */
void SA_F64_KERNEL(softplus)(const double *x, const double *p, size_t ps, const double *q,
                             size_t qs, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], b = p[i * ps], t = q[i * qs], r;
        if (v != v || b != b) {
            r = v + b;
        } else if (prod_huge(v, b)) {
            r = ((v > 0) == (b > 0)) ? v : 0.0 / b;
        } else {
            double uh = b * v, ul = fma(b, v, -uh);
            double sh, sl;
            if (uh > t || (uh == t && ul > 0.0)) {
                y[i] = v;
                continue;
            }
#ifdef SA_CAT_LD
            if (uh >= -700.0) {
                /* s = max(u, 0) + log1p(exp(-|u|)) + ul sigmoid(uh) in long double, then s / beta
                 * in long double (no overflow there) and one rounding to double */
                long double E = expl(-fabsl((long double)uh));
                long double L = log1pl(E);
                long double sg = (uh > 0.0) ? 1.0L / (1.0L + E) : E / (1.0L + E);
                long double sv = (uh > 0.0 ? (long double)uh : 0.0L) + (L + ul * sg);
                y[i] = (double)(sv / b);
                continue;
            }
#endif
            if (uh > 0.0) {
                double E = exp(-uh);
                double L = log1p(E);
                double e;
                sh = two_sum(uh, L, &e);
                sl = e + ul * (1.0 / (1.0 + E));
            } else if (uh >= -700.0) {
                double E = exp(uh);
                sh = log1p(E);
                sl = ul * E / (1.0 + E);
            } else {
                if (uh < -3000.0) { /* e^u / beta < 2^-4328 * 2^1074 */
                    y[i] = 0.0 / b;
                    continue;
                }
                int eb, s;
                double mb = frexp(b, &eb);
                double El, E = exp_split(uh, ul, &El, &s);
                double qq = E / mb;
                double rm = fma(-qq, mb, E);
                y[i] = ldexp(qq + (rm + El) / mb, s - eb);
                continue;
            }
            double qq = sh / b;
            if (!(fabs(qq) <= DBL_MAX)) {
                r = qq;
            } else {
                double rm = fma(-qq, b, sh);
                r = qq + (rm + sl) / b;
            }
        }
        y[i] = r;
    }
}

/* swish(x, beta) = x * sigmoid(beta * x) (beta = 1: silu).
 * Algorithm: u = beta*x as an exact pair uh + ul (FMA), sigmoid(uh + ul) as a pair (sig_pair:
 * exp(-|uh|), 1 + e kept exact, FMA-corrected quotient), x * that pair rounded once.
 * uh < -700: sigmoid(u) = exp(u) to 2^-1000 relative, x * exp(u) via mul2_exp (exact scaling:
 * results near the subnormal range are not built from a subnormal exp); uh < -1800: +-0.
 * |u| > 2^1000 (never formed): x if u > 0, +-0 (sign of x) if u < 0.
 * Never overflows (|result| <= |x|).
 * Max error measured: 1 ULP over beta in {0.01, 0.1, 1, 1.7, 10, -1} (budget 2).
 * Special values: swish(+-0) = +-0; x = +-inf: x if beta*x > 0 (or beta = 0), +-0 (sign of x)
 * if beta*x < 0; NaN x or beta -> NaN.
 * torch: x * torch.sigmoid(beta * x) (F.silu for beta = 1). */
void SA_F64_KERNEL(swish)(const double *x, const double *p, size_t ps, const double *q, size_t qs,
                          double *y, size_t n)
{
    (void)q;
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], b = p[i * ps], r;
        if (v != v || b != b) {
            r = v + b;
        } else if (v == 0.0 || b == 0.0) {
            r = v * 0.5; /* exact (x subnormal: 0.5 x rounds once, as sigmoid(0) x) */
        } else if (prod_huge(v, b)) {
            r = ((v > 0) == (b > 0)) ? v : copysign(0.0, v);
        } else {
            double uh = b * v, ul = fma(b, v, -uh);
            if (uh < -700.0) {
                r = (uh < -1800.0) ? copysign(0.0, v) : mul2_exp(v, 1.0, uh, ul);
            } else {
                double lo, s = sig_pair(uh, ul, &lo);
                double pr = v * s;
                r = pr + (fma(v, s, -pr) + v * lo);
            }
        }
        y[i] = r;
    }
}

/* mish(x) = x * tanh(softplus(x)) = x * n / (n + 2), n = e (e + 2), e = exp(x)
 * (tanh(log(1 + e)) = ((1+e)^2 - 1) / ((1+e)^2 + 1)).
 * Algorithm: x >= 20: x (1 - tanh(softplus x) = 2/(n+2) < 2^-56); x < -760: -0 (|x e^x| <
 * 2^-1075); otherwise with long double (64-bit mantissa, 15-bit exponent: no under/overflow for
 * x in [-760, 20]) e, n, n/(n+2) and x * that, rounded once to double: ~0.5 ULP.
 * Without long double: the same in double (n/(n+2) has condition <= 2 in e): 2 ULP measured.
 * Never overflows.
 * Max error measured: 1 ULP (long double path) (budget 2).
 * Special values: mish(+-0) = +-0, mish(+inf) = +inf, mish(-inf) = -0, NaN -> NaN.
 * torch: F.mish(x). */
void SA_F64_KERNEL(mish)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], r;
        if (v != v || v >= 20.0 || v == 0.0) {
            r = v;
        } else if (v < -760.0) {
            r = -0.0;
        } else {
#ifdef SA_CAT_LD
            long double e = expl((long double)v);
            long double nn = e * (e + 2.0L);
            r = (double)((long double)v * (nn / (nn + 2.0L)));
#else
            if (v < -700.0) {
                r = mul2_exp(v, 1.0, v, 0.0); /* n/(n+2) = e (1 + O(e)) */
            } else {
                double e = exp(v);
                double nn = e * (e + 2.0);
                r = v * (nn / (nn + 2.0));
            }
#endif
        }
        y[i] = r;
    }
}

/* log_sigmoid(x) = log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|)).
 * Algorithm: x > 0: -log1p(exp(-x)) (error: exp's, damped by log1p's condition <= 1, + log1p's);
 * x <= 0: x - log1p(exp(x)), both terms of one sign (no cancellation). For x > 708 the result is
 * -exp(-x), subnormal, as rounded by exp. Never overflows.
 * Max error measured: 1 ULP (budget 2).
 * Special values: log_sigmoid(+-0) = -log 2, log_sigmoid(+inf) = -0, log_sigmoid(-inf) = -inf,
 * NaN -> NaN.
 * torch: F.logsigmoid(x). */
void SA_F64_KERNEL(log_sigmoid)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], r;
        if (v > 0.0) {
            r = -log1p(exp(-v));
        } else {
            r = v - log1p(exp(v)); /* NaN -> NaN, -inf -> -inf */
        }
        y[i] = r;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Gated units: y = act(a) * b with a = x[i], b = p[i*ps] (q ignored). act(a) is kept as a pair
 * (or in long double) and multiplied by b once, so the only roundings are act's own error and
 * the final one; a subnormal-range act(a) times a large b is built with exact scaling.
 * Overflow: only when |act(a) * b| truly exceeds DBL_MAX (act(a) is formed before the multiply,
 * |act(a)| <= |a|); never in intermediates. */

/* act(a) * b for |a| < 2^-60, act(a) = a/2 (1 + O(a)) for silu, gelu and gelu_tanh: (b/2) * a
 * rounded once (b/2 exact unless b is subnormal, and then the result is 0); keeps a subnormal a
 * times a large b exact. */
static inline double tiny_gate(double a, double b)
{
    return (0.5 * b) * a;
}

/* swiglu(a, b) = silu(a) * b = a * sigmoid(a) * b.
 * Algorithm: a > 40: a * b (silu(a) = a (1 - e^-a), e^-40 < 2^-57); -700 <= a <= 40: silu(a)
 * as a pair (sig_pair + two_prod), times b once; -1800 <= a < -700: a * b * exp(a) via mul2_exp;
 * a < -1800: -0 * b.
 * Max error measured: 1 ULP over b in {+-2^-20, +-1, +-3.7, +-2^20} (budget 3).
 * Special values: a = +-0 -> +-0 * b; a = -inf -> -0 * b; a = +inf -> inf * b; NaN -> NaN.
 * torch: F.silu(a) * b. */
void SA_F64_KERNEL(swiglu)(const double *x, const double *p, size_t ps, const double *q,
                           size_t qs, double *y, size_t n)
{
    (void)q;
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double a = x[i], b = p[i * ps], r;
        if (a != a || b != b) {
            r = a + b;
        } else if (a > 40.0 || a == 0.0) {
            r = a * b;
        } else if (fabs(a) < 0x1p-60) {
            r = tiny_gate(a, b);
        } else if (a < -700.0) {
            r = (a < -1800.0 || b == 0.0 || !(fabs(b) <= DBL_MAX)) ? -0.0 * b
                                                                    : mul2_exp(a, b, a, 0.0);
        } else {
            double lo, s = sig_pair(a, 0.0, &lo);
            double h = a * s, l = fma(a, s, -h) + a * lo;
            r = pair_mul(h, l, b);
        }
        y[i] = r;
    }
}

/* geglu_tanh(a, b) = gelu_tanh(a) * b = a * sigmoid(c1 a + c3 a^3) * b (see gelu_tanh in f64.c).
 * Algorithm: 2u = c1 a + c3 a^3 as a double-double pair (x^3 and both products error-free,
 * constants as pairs); a * sigmoid(2u) as a pair, times b once. 2u < -700: a * b * exp(2u) via
 * mul2_exp; a > 10: a * b; a < -40 (2u < -4600): -0 * b.
 * Max error measured: 1 ULP over the b grid (budget 3).
 * Special values: as swiglu.
 * torch: F.gelu(a, approximate='tanh') * b. */
void SA_F64_KERNEL(geglu_tanh)(const double *x, const double *p, size_t ps, const double *q,
                               size_t qs, double *y, size_t n)
{
    (void)q;
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], b = p[i * ps], r;
        if (v != v || b != b) {
            r = v + b;
        } else if (v > 10.0 || v == 0.0) {
            r = v * b;
        } else if (fabs(v) < 0x1p-60) {
            r = tiny_gate(v, b);
        } else if (v < -40.0) {
            r = -0.0 * b;
        } else {
            double l, h = gelu_tanh_arg(v, &l);
            if (h < -700.0) {
                r = (b == 0.0 || !(fabs(b) <= DBL_MAX)) ? -0.0 * b : mul2_exp(v, b, h, l);
            } else {
                double lo, s = sig_pair(h, l, &lo);
                double g = v * s, gl = fma(v, s, -g) + v * lo;
                r = pair_mul(g, gl, b);
            }
        }
        y[i] = r;
    }
}

/* geglu(a, b) = gelu(a) * b = a/2 * erfc(-a/sqrt(2)) * b (exact erf GELU).
 * Algorithm: z = -a/sqrt(2) as a pair zh + zl; erfc(zh + zl) = erfc(zh) - zl 2/sqrt(pi)
 * exp(-zh^2). With long double (64-bit mantissa, 15-bit exponent): erfcl/expl, the products
 * a/2 * erfc * b in long double (no under/overflow for |a| <= 60 and any double b), rounded
 * once: ~0.5 ULP; the long double range also keeps the overflow flag genuine (raised by the
 * final conversion only). a > 10: a * b; a < -60: -0 * b (|gelu(a)| < 2^-2600).
 * Without long double (-DSA_NO_LONG_DOUBLE): gelu in double (glibc erfc: up to ~3.5 ULP) times
 * b for a >= -38 and -0 * b below: WRONG in the tail a < -28 (gelu(a) underflows before the
 * multiply by b; no asymptotic tail as in f64.c's gelu yet) -- x86-64 / aarch64 Linux only use
 * the long double path.
 * Max error measured: 1 ULP (long double path) over the b grid (budget 3).
 * Special values: as swiglu.
 * torch: F.gelu(a) * b. */
void SA_F64_KERNEL(geglu)(const double *x, const double *p, size_t ps, const double *q,
                          size_t qs, double *y, size_t n)
{
    (void)q;
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], b = p[i * ps], r;
        if (v != v || b != b) {
            r = v + b;
        } else if (v > 10.0 || v == 0.0) {
            r = v * b;
        } else if (fabs(v) < 0x1p-60) {
            r = tiny_gate(v, b);
        } else if (v < -60.0) {
            r = -0.0 * b;
        } else {
            double nx = -v;
            double zh = nx * R_HI;
            double zl = fma(nx, R_HI, -zh) + nx * R_LO;
#ifdef SA_CAT_LD
            long double zhl = zh;
            long double corr = (long double)zl * 1.12837916709551257389615890312154517L
                               * expl(-zhl * zhl);
            long double E = erfcl(zhl);
            r = (double)((long double)(0.5 * v) * (E - corr) * (long double)b);
#else
            if (v < -38.0) {
                r = -0.0 * b;
            } else {
                double corr = zl * 0x1.20dd750429b6dp+0 * exp(-zh * zh);
                double h = 0.5 * v;
                double E = erfc(zh);
                double g = fma(h, E, -(h * corr));
                r = g * b;
            }
#endif
        }
        y[i] = r;
    }
}
