/* simdact float64 gradient kernels of the sigmoid family: sigmoid, tanh, silu, log_sigmoid,
 * mish, softplus, swish, swiglu and the from-output forms of sigmoid and tanh. Portable C on
 * libm (exp, frexp, ldexp), named sa_f64_<gradient>.
 *
 * Same semantics as the float32 kernels (f32_grad_sig.h): dx = dy * f'(x) as an IEEE product
 * (a zero derivative times an infinite dy is NaN, a nonzero one however small gives an
 * infinity, zeros take the product's sign); NaN operands come back quieted with the precedence
 * x, dy, p, q (sa_grad_nan64).
 *
 * Algorithm common to all: the one exponential A = exp(-|v|) from libm (~0.5 ULP), then the
 * derivative as a rational function of A in double-double (sa_dd below: ~2^-100 relative), and
 * dy times it rounded once (fma(dy, D.h, dy * D.l)). So the error is exp's, damped by the
 * derivative's condition in A (<= 1 away from its zeros), plus the final rounding: <= ~1 ULP.
 * Tails where A leaves the double range (|v| > 700) are written as dy M e^v with the
 * exponential split as E 2^k (sa_tail: E = exp(r), |r| <= ln2/2, the products on frexp-scaled
 * mantissas, one ldexp at the end), so a normal result is never rebuilt from a subnormal exp
 * and nothing overflows before the final scaling (genuine overflows only; a subnormal result
 * may be rounded twice, once to 53 bits and once by ldexp, which stays within 1 ULP).
 * "Max error measured" = max |got - mp| / ulp64(mp) minus the 4 * 2^-53 * S allowance near the
 * derivative's zeros, mp the mpmath value (50 digits), on ~1600 random and targeted x (tails
 * [-1600, -650] and [340, 1600], +-1e300, subnormals, the derivative zeros) with dy in {1,
 * -3.7e-5, 1e300, -1e-300, 3e-320} and the parameter grids of the tests plus extreme
 * parameters (beta = 1e-300, 1e300, 0; b = 1e300, 3e-320), on x86-64 / glibc: <= 1 ULP for
 * every kernel.
 */
#include <math.h>
#include <stddef.h>
#include "kernels.h"
#include "f64_common.h"

/* ---------------------------------------------------------------------- double-double */
typedef struct { double h, l; } sa_dd;

static inline sa_dd sa_mkdd(double h, double l)
{
    sa_dd r;
    r.h = h;
    r.l = l;
    return r;
}
static inline sa_dd sa_dd_norm(double s, double e)
{
    double h = s + e;
    return sa_mkdd(h, e - (h - s));
}
static inline sa_dd sa_dd_add(sa_dd a, sa_dd b)
{
    double e, s = two_sum(a.h, b.h, &e);
    return sa_dd_norm(s, e + (a.l + b.l));
}
static inline sa_dd sa_dd_mul(sa_dd a, sa_dd b)
{
    double p = a.h * b.h;
    return sa_dd_norm(p, fma(a.h, b.h, -p) + (a.h * b.l + a.l * b.h));
}
static inline sa_dd sa_dd_div(sa_dd a, sa_dd b)
{
    double q = a.h / b.h;
    double r = fma(-q, b.h, a.h) + (a.l - q * b.l);
    return sa_dd_norm(q, r / b.h);
}
static inline sa_dd sa_d(double a) { return sa_mkdd(a, 0.0); }
/* 1 + a as an exact pair */
static inline sa_dd sa_one_plus(double a)
{
    double e, s = two_sum(1.0, a, &e);
    return sa_mkdd(s, e);
}
/* dy * D rounded once (D in the normal range and <= ~2; an infinite dy times D.h alone, so a
 * zero D.l gives no NaN) */
static inline double sa_fin(double dy, sa_dd D)
{
    return isfinite(dy) ? fma(dy, D.h, dy * D.l) : dy * D.h;
}

/* ---------------------------------------------------------------------- scaled products */
/* fdlibm's ln 2 split: k * LN2H is exact for |k| < 2^20 */
static const double LN2H = 6.93147180369123816490e-01, LN2L = 1.90821492927058770002e-10;

/* exp(h + l) = (E + *El) 2^*k, E = exp(r) in [0.7, 1.42], r = h - k ln2 rounded (its error and l
 * folded in to first order), for h in [-4000, 4000]. */
static inline double sa_exp_red(double h, double l, double *El, int *k)
{
    double kd = nearbyint(h * 0x1.71547652b82fep0);
    double e, r = two_sum(h - kd * LN2H, -kd * LN2L, &e); /* h - kd LN2H is exact */
    double E = exp(r);
    *El = E * (l + e);
    *k = (int)kd;
    return E;
}

/* u * W * D * 2^s rounded once (up to a second rounding by ldexp when the result is
 * subnormal), for any finite u and pairs W, D: the factors are scaled to [0.5, 1) by frexp,
 * multiplied in double-double and the exponents added, so no intermediate over/underflows.
 * Infinite operands: the plain IEEE product (u W.h) D.h. */
static double sa_prod(double u, sa_dd W, sa_dd D, int s)
{
    if (!(isfinite(u) && isfinite(W.h) && isfinite(D.h)) || u == 0.0 || W.h == 0.0 ||
        D.h == 0.0)
        return (u * W.h) * D.h;
    double au = fabs(u), aw = fabs(W.h), ad = fabs(D.h);
    if (s == 0 && au < 0x1p400 && aw < 0x1p400 && ad < 4.0 && au > 0x1p-400 &&
        aw > 0x1p-400 && ad > 0x1p-400) /* no intermediate can over/underflow */
        return sa_dd_mul(sa_dd_mul(sa_d(u), W), D).h;
    int eu, ew, ed;
    double um = frexp(u, &eu);
    double wh = frexp(W.h, &ew), wl = ldexp(W.l, -ew);
    double dh = frexp(D.h, &ed), dl = ldexp(D.l, -ed);
    sa_dd R = sa_dd_mul(sa_dd_mul(sa_d(um), sa_mkdd(wh, wl)), sa_mkdd(dh, dl));
    return ldexp(R.h, eu + ew + ed + s);
}

/* u * w * M * exp(h + l) for h <= -700 (any, -inf included: clamped at -4000 where the result
 * is +-0 for every finite u, w, and +-inf for infinite ones), rounded once as sa_prod. */
static double sa_tail(double u, double w, sa_dd M, double h, double l)
{
    if (h < -4000.0)
        h = -4000.0, l = 0.0;
    int k;
    double El, E = sa_exp_red(h, l, &El, &k);
    return sa_prod(u, sa_d(w), sa_dd_mul(M, sa_mkdd(E, El)), k);
}

/* ------------------------------------------------------------------------ the kernels */
#define SA_GARGS                                                                            \
    const double *dy, const double *x, const double *p, size_t ps, const double *q, size_t qs, \
        double *dx, double *dp, size_t n

/* sigmoid'(x) = A / (1 + A)^2, A = exp(-|x|): exp's error times (1 - A)/(1 + A), plus the
 * final rounding. |x| > 700: dy e^-|x| (the factor (1 + A)^-2 is 1 - 2^-1009).
 * Max error measured: 1 ULP (budget 2). Special values: x = +-inf -> dy * 0. */
void SA_F64_KERNEL(sigmoid_backward)(SA_GARGS)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], a = fabs(v), g = dy[i], r;
        if (isinf(v)) {
            r = g * 0.0;
        } else if (a > 700.0) {
            r = sa_tail(g, 1.0, sa_d(1.0), -a, 0.0);
        } else {
            double A = exp(-a);
            sa_dd d = sa_one_plus(A);
            r = sa_fin(g, sa_dd_div(sa_d(A), sa_dd_mul(d, d)));
        }
        dx[i] = sa_grad_nan64(g, v, p[0], q[0], r);
    }
}

/* With y = sigmoid(x): dy * y * (1 - y) (the formula in y, any double y): (1 - y) exact as a
 * pair, the products in double-double, rounded once (sa_prod where |y| is huge, so nothing
 * overflows before the final rounding). Max error measured: 1 ULP (budget 2).
 * Special values: y = 0, 1 -> dy * 0. */
void SA_F64_KERNEL(sigmoid_backward_from_output)(SA_GARGS)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double y = x[i], g = dy[i], r;
        sa_dd om = sa_one_plus(-y);
        if (fabs(y) < 0x1p500)
            r = sa_fin(g, sa_dd_mul(sa_d(y), om));
        else
            r = sa_prod(g, sa_d(y), om, 0);
        dx[i] = sa_grad_nan64(g, y, p[0], q[0], r);
    }
}

/* tanh'(x) = 4 A / (1 + A)^2, A = exp(-2|x|) (2|x| exact). |x| > 350: 4 dy e^-2|x|.
 * Max error measured: 1 ULP (budget 2). Special values: x = +-inf -> dy * 0. */
void SA_F64_KERNEL(tanh_backward)(SA_GARGS)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], a = fabs(v), g = dy[i], r;
        if (isinf(v)) {
            r = g * 0.0;
        } else if (a > 350.0) {
            r = sa_tail(g, 4.0, sa_d(1.0), a > 3000.0 ? -6000.0 : -2.0 * a, 0.0);
        } else {
            double A = exp(-2.0 * a);
            sa_dd d = sa_one_plus(A);
            r = sa_fin(g, sa_dd_div(sa_d(4.0 * A), sa_dd_mul(d, d)));
        }
        dx[i] = sa_grad_nan64(g, v, p[0], q[0], r);
    }
}

/* With y = tanh(x): dy * (1 - y^2) = dy (1 - y)(1 + y), both factors exact pairs, rounded
 * once (sa_prod where |y| is huge). Max error measured: 1 ULP (budget 2).
 * Special values: y = +-1 -> dy * 0. */
void SA_F64_KERNEL(tanh_backward_from_output)(SA_GARGS)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double y = x[i], g = dy[i], r;
        sa_dd om = sa_one_plus(-y), op = sa_one_plus(y);
        if (fabs(y) < 0x1p500)
            r = sa_fin(g, sa_dd_mul(om, op));
        else
            r = sa_prod(g, om, op, 0);
        dx[i] = sa_grad_nan64(g, y, p[0], q[0], r);
    }
}

/* silu'(x) as a pair, |x| <= 700 (v = x, vl = its low part; A = exp(-|v + vl|) as a pair):
 *   v >= 0: (1 + A (1 + v)) / (1 + A)^2;  v < 0: A (1 + A + v) / (1 + A)^2. */
static inline sa_dd sa_dsilu_dd(double v, double vl, sa_dd A)
{
    sa_dd d = sa_dd_add(sa_d(1.0), A);
    sa_dd ov = sa_dd_add(sa_one_plus(v), sa_d(vl)); /* 1 + v */
    sa_dd N = v >= 0.0 ? sa_dd_add(sa_d(1.0), sa_dd_mul(A, ov))
                       : sa_dd_mul(A, sa_dd_add(A, ov));
    return sa_dd_div(N, sa_dd_mul(d, d));
}

/* silu'(x) = s (1 + x (1 - s)): sa_dsilu_dd with A = exp(-|x|). x > 700: 1 (exactly as
 * rounded); x < -700: dy (1 + x) e^x (relative error 2^-1000; x clamped at -4000, where the
 * result is +-0 for every finite dy). The zero at x = -1.2784645
 * cancels in double-double (exp's error times A remains, inside 4 * 2^-53 * S).
 * Max error measured: 1 ULP (budget 2).
 * Special values: x = +inf -> dy, x = -inf -> dy * 0. */
void SA_F64_KERNEL(silu_backward)(SA_GARGS)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], g = dy[i], r;
        if (v == -INFINITY)
            r = g * 0.0;
        else if (v > 700.0)
            r = g;
        else if (v < -700.0)
            r = sa_tail(g, 1.0, sa_one_plus(fmax(v, -4000.0)), fmax(v, -4000.0), 0.0);
        else
            r = sa_fin(g, sa_dsilu_dd(v, 0.0, sa_d(exp(-fabs(v)))));
        dx[i] = sa_grad_nan64(g, v, p[0], q[0], r);
    }
}

/* log_sigmoid'(x) = sigmoid(-x) = (x >= 0 ? A : 1) / (1 + A), A = exp(-|x|), quotient in
 * double-double. x > 700: dy e^-x. Max error measured: 1 ULP (budget 2).
 * Special values: x = +inf -> dy * 0, x = -inf -> dy. */
void SA_F64_KERNEL(log_sigmoid_backward)(SA_GARGS)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], g = dy[i], r;
        if (v == INFINITY) {
            r = g * 0.0;
        } else if (v > 700.0) {
            r = sa_tail(g, 1.0, sa_d(1.0), -v, 0.0);
        } else {
            double A = exp(-fabs(v));
            r = sa_fin(g, sa_dd_div(sa_d(v >= 0.0 ? A : 1.0), sa_one_plus(A)));
        }
        dx[i] = sa_grad_nan64(g, v, p[0], q[0], r);
    }
}

/* mish'(x) = t + x s (1 - t^2) with A = exp(-|x|) (f32_grad_sig.h has the derivation):
 *   x <= 0: A [(A + 2) Q + 4 x (1 + A)] / Q^2, Q = A^2 + 2A + 2;
 *   x >  0: [(1 + 2A) Q + 4 x A^2 (1 + A)] / Q^2, Q = 2A^2 + 2A + 1;
 * in double-double. x > 700: 1; x < -700: dy (1 + x) e^x (relative error 2^-1000; x clamped at
 * -4000). The zero
 * near x = -1.1924 cancels in double-double.
 * Max error measured: 1 ULP (budget 2).
 * Special values: x = +inf -> dy, x = -inf -> dy * 0, x = +-0 -> 0.6 dy (rounded). */
void SA_F64_KERNEL(mish_backward)(SA_GARGS)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], g = dy[i], r;
        if (v == -INFINITY) {
            r = g * 0.0;
        } else if (v > 700.0) {
            r = g;
        } else if (v < -700.0) {
            r = sa_tail(g, 1.0, sa_one_plus(fmax(v, -4000.0)), fmax(v, -4000.0), 0.0);
        } else {
            sa_dd A = sa_d(exp(-fabs(v)));
            sa_dd two = sa_d(2.0), one = sa_d(1.0);
            sa_dd A2 = sa_dd_mul(A, A), opA = sa_dd_add(one, A), N, Q;
            if (v <= 0.0) {
                Q = sa_dd_add(sa_dd_add(A2, sa_dd_add(A, A)), two);
                N = sa_dd_add(sa_dd_mul(sa_dd_add(A, two), Q), sa_dd_mul(sa_d(4.0 * v), opA));
                N = sa_dd_mul(A, N);
            } else {
                Q = sa_dd_add(sa_dd_add(sa_dd_add(A2, A2), sa_dd_add(A, A)), one);
                N = sa_dd_add(sa_dd_mul(sa_dd_add(one, sa_dd_add(A, A)), Q),
                              sa_dd_mul(sa_d(4.0 * v), sa_dd_mul(A2, opA)));
            }
            r = sa_fin(g, sa_dd_div(N, sa_dd_mul(Q, Q)));
        }
        dx[i] = sa_grad_nan64(g, v, p[0], q[0], r);
    }
}

/* |beta x| > 2000, tested without forming beta x (scaled factors: no overflow). Beyond,
 * dy e^(beta x) is below 2^-1800 for every finite dy. */
static inline int sa_bx_big(double v, double b)
{
    return (fabs(v) * 0x1p-512) * (fabs(b) * 0x1p-512) > 2000.0 * 0x1p-1024;
}

/* softplus'(x; beta, threshold) = 1 if fl(beta x) > threshold else sigmoid(beta x) (PyTorch's
 * rule, the rounded double product compared). sigmoid(u) for the exact product u = uh + ul
 * (fma) as a pair (sig_pair: exp(-|uh|) folded with ul, 1 + e exact, FMA-corrected quotient),
 * times dy rounded once; uh < -700: dy e^u (sa_tail). |beta x| > 2000 (never formed): u > 0 ->
 * dy; u < 0 -> dy if the scaled product exceeds threshold 2^-1024, else dy e^-4000 (+-0, or
 * +-inf for infinite dy).
 * Max error measured: 1 ULP (budget 2).
 * Special values: x or beta infinite: beta x = +inf -> dy, -inf -> dy * 0, NaN (0 * inf) -> NaN
 * (PyTorch's formula); beta = 0 -> dy / 2. */
void SA_F64_KERNEL(softplus_backward)(SA_GARGS)
{
    (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], b = p[i * ps], t = q[i * qs], g = dy[i], r;
        if (isinf(v) || isinf(b)) {
            double u = v * b; /* +-inf or NaN: no finite product formed */
            r = g * (u > 0.0 ? 1.0 : u < 0.0 ? 0.0 : u);
        } else if (sa_bx_big(v, b)) {
            int up = (v > 0.0) == (b > 0.0);
            if (up || (v * 0x1p-512) * (b * 0x1p-512) > t * 0x1p-1024)
                r = g;
            else
                r = sa_tail(g, 1.0, sa_d(1.0), -INFINITY, 0.0);
        } else {
            double uh = b * v, ul = fma(b, v, -uh);
            if (uh > t) {
                r = g;
            } else if (uh < -700.0) {
                r = sa_tail(g, 1.0, sa_d(1.0), uh, ul);
            } else {
                double lo, s = sig_pair(uh, ul, &lo);
                r = sa_fin(g, sa_mkdd(s, lo));
            }
        }
        dx[i] = sa_grad_nan64(g, v, b, t, r);
    }
}

/* swish'(x; beta) = s (1 + u (1 - s)), u = beta x = uh + ul exact (fma), s = sigmoid(u):
 * sa_dsilu_dd at u with A = exp(-|uh|) (1 -+ ul) as a pair. uh > 700: 1; uh < -700:
 * dy (1 + u) e^u (sa_tail); |beta x| > 2000 (never formed): dy for u > 0, the tail at u = -4000
 * for u < 0 (-+0, or -+inf for infinite dy). The zero at u = -1.2784645 cancels in double-double.
 * Max error measured: 1 ULP (budget 2).
 * Special values: x or beta infinite: u = +inf -> dy, -inf -> dy * 0, 0 * inf -> dy / 2 for
 * beta = 0 (the limit of d(x/2)/dx), NaN for x = 0; beta = 0 or x = 0 -> dy / 2. */
void SA_F64_KERNEL(swish_backward)(SA_GARGS)
{
    (void)q, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], b = p[i * ps], g = dy[i], r;
        if (isinf(v) || isinf(b)) {
            double u = v * b;
            r = g * (u > 0.0 ? 1.0 : u < 0.0 ? 0.0 : b == 0.0 ? 0.5 : u);
        } else if (sa_bx_big(v, b)) {
            if ((v > 0.0) == (b > 0.0))
                r = g;
            else
                r = sa_tail(g, 1.0, sa_d(-3999.0), -INFINITY, 0.0);
        } else {
            double uh = b * v, ul = fma(b, v, -uh);
            if (uh > 700.0) {
                r = g;
            } else if (uh < -700.0) {
                r = sa_tail(g, 1.0, sa_dd_add(sa_one_plus(uh), sa_d(ul)), uh, ul);
            } else {
                double E = exp(-fabs(uh));
                sa_dd A = sa_mkdd(E, uh > 0.0 ? -E * ul : E * ul);
                r = sa_fin(g, sa_dsilu_dd(uh, ul, A));
            }
        }
        dx[i] = sa_grad_nan64(g, v, b, 0.0, r);
    }
}

/* swiglu(a, b) = silu(a) b: da = dy b silu'(a), db = dy a sigmoid(a), each a product of three
 * rounded once (sa_prod: nothing overflows or underflows before the final rounding).
 * silu'(a) as silu_backward, sigmoid(a) = (a >= 0 ? 1 : A) / (1 + A) in double-double;
 * a > 700: silu' = sigmoid = 1; a < -700: silu' = (1 + a) e^a, sigmoid = e^a (sa_tail).
 * Overflow: genuine only. Max error measured: 1 ULP (budget 2).
 * Special values: a = +inf -> da = dy b, db = dy * inf; a = -inf -> da = dy * 0 * b,
 * db = dy * -0. */
void SA_F64_KERNEL(swiglu_backward)(SA_GARGS)
{
    (void)q, (void)qs;
    for (size_t i = 0; i < n; i++) {
        double a = x[i], b = p[i * ps], g = dy[i], ra, rb;
        if (a == -INFINITY) {
            ra = (g * 0.0) * b;
            rb = g * -0.0;
        } else if (a > 700.0) {
            ra = sa_prod(g, sa_d(b), sa_d(1.0), 0);
            rb = g * a; /* sigmoid(a) = 1 - 2^-1009: dy a rounded once */
        } else if (a < -700.0) {
            double ac = a < -4000.0 ? -4000.0 : a;
            ra = sa_tail(g, b, sa_one_plus(ac), ac, 0.0);
            rb = sa_tail(g, ac, sa_d(1.0), ac, 0.0);
        } else {
            double A = exp(-fabs(a));
            sa_dd S = sa_dd_div(sa_d(a >= 0.0 ? 1.0 : A), sa_one_plus(A));
            ra = sa_prod(g, sa_d(b), sa_dsilu_dd(a, 0.0, sa_d(A)), 0);
            rb = sa_prod(g, sa_d(a), S, 0);
        }
        dx[i] = sa_grad_nan64(g, a, b, 0.0, ra);
        dp[i] = sa_grad_nan64(g, a, b, 0.0, rb);
    }
}
