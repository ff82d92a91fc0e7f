/* simdact float64 gradient kernels of the erf family (erf, gelu, gelu_tanh, geglu, geglu_tanh)
 * and of the expm1 units (elu, selu, celu): portable C, one per gradient line of registry.h,
 * named sa_f64_<gradient>.
 *
 * Same semantics as the float32 kernels (f32_grad_erf.h): dx = dy * f'(x) as an IEEE product
 * (a zero derivative, i.e. a limit at x = +-inf, times an infinite or NaN dy gives NaN; the sign
 * of a zero result follows the product); NaN operands come back quieted with the precedence x,
 * dy, p, q (sa_grad_nan64), for both outputs of the gated units.
 *
 * Where long double has >= 64 bits and a 15-bit exponent (x86-64, aarch64 Linux), each gradient
 * is evaluated in long double, products with dy (and b) included, and rounded to double once:
 * the long double range holds every derivative and product (exp down to e^-3600, dy * b up to
 * 2^2048) without scaling, and its 11 extra bits make the result ~0.5 ULP (+ libm's long double
 * error, a few 2^-64). Arguments are formed without rounding where it would matter: x^2 and
 * x^2/2 as exact double pairs (exp(-h)(1 - l)), -x/sqrt(2) as a pair with erfc's first-order
 * correction, gelu_tanh's argument as the double-double pair of f64_common.h, x/alpha with its
 * fmal remainder. Beyond the cutoffs below the true |result| is < 2^-1100 for every double dy
 * (and b): the kernels then return dy (* b) * (+-2^-600) * 2^-600, i.e. +-0 with the right sign,
 * and +-inf for an infinite dy (the derivative is nonzero there).
 * With -DSA_NO_LONG_DOUBLE (or where long double is double) the same code runs in double: up to
 * 4.4 ULP with the cancellation allowance (measured: gelu_tanh 4.4, geglu_tanh 3.5, gelu 2.7,
 * geglu 2.5, erf 1.8, selu 1.6, elu 1.5, celu 1.0, from-output forms <= 0.6), and derivatives
 * below the double range flush to 0 (tails |x| > ~27 for erf, ~38 for gelu, x < -745 for
 * elu / selu); not the path of x86-64 / aarch64 Linux builds.
 *
 * "Max error measured" = max |y - mp| / ulp64(mp) (mp the exact mpmath value at 50 digits),
 * plain where f' has no zero, else with the allowance 4 * 2^-53 * (S - |f'|) of the budget rule
 * (the cancellation part of S only); ~1000 random and targeted points per gradient (tails, zeros
 * of f', branch points, subnormal and huge x) times dy in {1, -3.7e-5, 3 * 2^-1070,
 * 1.3 * 2^900, -0.7 * 2^1000} and the parameter / b grids, x86-64 / glibc 2.36 (long double).
 *
 * Overflow: only where |dy * f'| (or |dy b f'|, |dy f|) exceeds DBL_MAX: the products are
 * formed in long double and only the final conversion can overflow.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include "kernels.h"
#include "f64_common.h"

#if LDBL_MANT_DIG >= 64 && LDBL_MAX_EXP >= 16384 && !defined(SA_NO_LONG_DOUBLE)
typedef long double sa_ld;
#define SA_EXPL expl
#define SA_ERFCL erfcl
#define SA_FMAL fmal
#define SA_GLD 1
#else
typedef double sa_ld;
#define SA_EXPL exp
#define SA_ERFCL erfc
#define SA_FMAL fma
#endif

/* 2/sqrt(pi), 1/sqrt(2 pi) */
static const sa_ld K_2SQPI = 1.12837916709551257389615890312154517L;
static const sa_ld K_ISQ2PI = 0.398942280401432677939946059934381868L;
/* selu: scale, scale * alpha (torch's decimal constants) */
static const sa_ld K_SELU_S = 1.0507009873554804934193349852946L;
static const sa_ld K_SELU_SA = 1.75809934084737685994021752081231934L;

/* dy * c * (sign * tiny), for a derivative below every double result's reach (|dy c| <= 2^2048):
 * +-0 with the sign of the product for finite operands, +-inf for an infinite one (NaN for
 * inf * 0, as the product would be); no overflow flag (dy * c is not formed when finite). */
static inline double tiny2(double dy, double c, double sign)
{
    if (isinf(dy) || isinf(c))
        return dy * c * sign;
    return copysign(0.0, dy) * c * sign;
}

/* exp(-(h + l)) for a pair h + l (|l| <= ulp(h)/2), h >= 0 */
static inline sa_ld exp_neg_pair(double h, double l)
{
    return SA_EXPL(-(sa_ld)h) * (1.0L - (sa_ld)l);
}

/* Phi(v) = erfc(-v/sqrt 2)/2 with -v/sqrt 2 = zh + zl: erfc(zh) - zl 2/sqrt(pi) exp(-zh^2) */
static inline sa_ld cdf_ld(double v)
{
    double nx = -v;
    double zh = nx * R_HI;
    double zl = fma(nx, R_HI, -zh) + nx * R_LO;
    sa_ld z = zh;
    return 0.5L * (SA_ERFCL(z) - (sa_ld)zl * K_2SQPI * SA_EXPL(-z * z));
}

/* phi(v) = exp(-v^2/2) / sqrt(2 pi), v^2/2 as an exact pair */
static inline sa_ld pdf_ld(double v)
{
    double h = v * v, l = fma(v, v, -h);
    return K_ISQ2PI * exp_neg_pair(0.5 * h, 0.5 * l);
}

/* ---------------------------------------------------------------------------------------- */
/* erf_backward: dx = dy * 2/sqrt(pi) exp(-x^2).
 * Algorithm: x^2 = h + l exactly (fma); dy * 2/sqrt(pi) * exp(-h) (1 - l) in long double, rounded
 *   once. |x| > 60: dy * tiny (exp(-3600) is 0 for any double dy).
 * Max error measured: 0.50 ULP (correctly rounded at every sample; budget 2).
 * Special values: x = +-inf -> dy * 0 (NaN for infinite dy); x = +-0 -> dy * 2/sqrt(pi).
 * torch: erf's backward, 2/sqrt(pi) * exp(-x^2) * grad. */
void SA_F64_KERNEL(erf_backward)(const double *dy, const double *x, const double *p, size_t ps,
                                 const double *q, size_t qs, double *dx, double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], d = dy[i], a = fabs(v), r;
        if (a == INFINITY) {
            r = d * 0.0;
        } else if (a > 60.0) {
            r = tiny2(d, 1.0, 1.0);
        } else {
            double h = v * v, l = fma(v, v, -h);
            r = (double)((sa_ld)d * K_2SQPI * exp_neg_pair(h, l));
        }
        dx[i] = sa_grad_nan64(d, v, p[0], q[0], r);
    }
}

/* gelu'(v) = Phi(v) + v phi(v) in long double (finite v with -70 <= v <= 40) */
static inline sa_ld gelu_d_ld(double v)
{
    return cdf_ld(v) + (sa_ld)v * pdf_ld(v);
}

/* gelu_backward: dx = dy * (Phi(x) + x phi(x)).
 * Algorithm: Phi from erfcl with the argument pair, phi from expl with x^2/2 as an exact pair,
 *   the sum and the product with dy in long double, rounded once. x > 40: gelu' = 1 (the rest
 *   is < e^-800); x < -70: dy * (-tiny) (|gelu'| < e^-2400).
 *   gelu' has a zero at x = -0.75179152: there the error is relative to S = |dy| (Phi + |x| phi)
 *   (a few 2^-64 S in long double).
 * Max error measured: 0.500 ULP (budget 2; with the cancellation allowance near the zero).
 * Special values: x = +inf -> dy; x = -inf -> dy * -0; x = +-0 -> dy / 2.
 * torch: gelu_backward(grad, x) = grad * (cdf + x * pdf). */
void SA_F64_KERNEL(gelu_backward)(const double *dy, const double *x, const double *p, size_t ps,
                                  const double *q, size_t qs, double *dx, double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], d = dy[i], r;
        if (v > 40.0) {
            r = d;
        } else if (v == -INFINITY) {
            r = d * -0.0;
        } else if (v < -70.0) {
            r = tiny2(d, 1.0, -1.0);
        } else {
            r = (double)((sa_ld)d * gelu_d_ld(v));
        }
        dx[i] = sa_grad_nan64(d, v, p[0], q[0], r);
    }
}

/* geglu_backward: da = dy b gelu'(a), db = dy gelu(a), gelu(a) = a Phi(a).
 * Algorithm: as gelu_backward, dy * b * gelu'(a) and dy * a * Phi(a) in long double, each
 *   rounded once. a > 40: (dy b, dy a); a < -70: tiny products of the right sign.
 * Max error measured: da 0.443 ULP, db 0.500 ULP over the b grid (budget 2).
 * Overflow: only where |dy b gelu'(a)| or |dy gelu(a)| exceeds DBL_MAX.
 * Special values: a = +inf -> (dy b, dy * inf); a = -inf -> (dy b * -0, dy * -0); a = +-0 ->
 *   (dy b / 2, dy * +-0).
 * torch: the autograd of F.gelu(a) * b. */
void SA_F64_KERNEL(geglu_backward)(const double *dy, const double *x, const double *p, size_t ps,
                                   const double *q, size_t qs, double *dx, double *dp, size_t n)
{
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], d = dy[i], b = p[i * ps], ra, rb;
        if (v > 40.0) {
            ra = (double)((sa_ld)d * b);
            rb = (double)((sa_ld)d * v);
        } else if (v == -INFINITY) {
            ra = d * (b * -0.0);
            rb = d * -0.0;
        } else if (v < -70.0) {
            ra = tiny2(d, b, -1.0);
            rb = tiny2(d, 1.0, -1.0);
        } else {
            sa_ld P = cdf_ld(v);
            ra = (double)((sa_ld)d * b * (P + (sa_ld)v * pdf_ld(v)));
            rb = (double)((sa_ld)d * ((sa_ld)v * P));
        }
        double b0 = p[i * ps], q0 = q[0];
        dx[i] = sa_grad_nan64(d, v, b0, q0, ra);
        dp[i] = sa_grad_nan64(d, v, b0, q0, rb);
    }
}

/* gelu_tanh pieces for finite |v| <= 35: E = exp(-|u|) with u = c1 v + c3 v^3 (the double-double
 * pair of f64_common.h, folded into expl as exp(-|h|)(1 -+ l)), D = 1 + E, N = sigma(u) D
 * (1 for u >= 0, E for u < 0); gelu_tanh' = (N D + v u' E) / D^2, u' = c1 + 3 c3 v^2. */
static inline void gtanh_parts(double v, sa_ld *E, sa_ld *D, sa_ld *N)
{
    double l, h = gelu_tanh_arg(v, &l);
    *E = h < 0.0 ? SA_EXPL((sa_ld)h) * (1.0L + (sa_ld)l) : exp_neg_pair(h, l);
    *D = 1.0L + *E;
    *N = h < 0.0 ? *E : 1.0L;
}
static inline sa_ld gtanh_d_ld(double v, sa_ld E, sa_ld D, sa_ld N)
{
    sa_ld c1 = (sa_ld)C1_HI + (sa_ld)C1_LO, c3 = (sa_ld)C3_HI + (sa_ld)C3_LO;
    sa_ld vv = v;
    sa_ld vp = vv * (c1 + 3.0L * c3 * (vv * vv));
    return (N * D + vp * E) / (D * D);
}

/* gelu_tanh_backward: dx = dy * (sigma(u) + x u' sigma(u) sigma(-u)), u = c1 x + c3 x^3
 *   (the two terms of torch's 0.5 (1 + tanh) + 0.5 x (1 - tanh^2) sqrt(2/pi) (1 + 3k x^2)).
 * Algorithm: the rational form above in long double (E = exp(-|u|) from the double-double u),
 *   times dy, rounded once. x > 35: 1; x < -35: dy * (-tiny) (|gelu_tanh'| < e^-3000).
 *   Zero at x = -0.75246142: error relative to S = |dy| (sigma + |x u'| sigma sigma(-u)).
 * Max error measured: 0.481 ULP (budget 2).
 * Special values: x = +inf -> dy; x = -inf -> dy * -0; x = +-0 -> dy / 2.
 * torch: gelu_backward(grad, x, approximate='tanh'). */
void SA_F64_KERNEL(gelu_tanh_backward)(const double *dy, const double *x, const double *p,
                                       size_t ps, const double *q, size_t qs, double *dx,
                                       double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], d = dy[i], r;
        if (v > 35.0) {
            r = d;
        } else if (v == -INFINITY) {
            r = d * -0.0;
        } else if (v < -35.0) {
            r = tiny2(d, 1.0, -1.0);
        } else {
            sa_ld E, D, N;
            gtanh_parts(v, &E, &D, &N);
            r = (double)((sa_ld)d * gtanh_d_ld(v, E, D, N));
        }
        dx[i] = sa_grad_nan64(d, v, p[0], q[0], r);
    }
}

/* geglu_tanh_backward: da = dy b gelu_tanh'(a), db = dy gelu_tanh(a) = dy a N / D.
 * Algorithm: the gelu_tanh pieces in long double, products with dy (and b) there, each rounded
 *   once. a > 35: (dy b, dy a); a < -35: tiny products of the right sign.
 * Max error measured: da 0.407 ULP, db 0.500 ULP over the b grid (budget 2).
 * Overflow: only where a result exceeds DBL_MAX.
 * Special values: a = +inf -> (dy b, dy * inf); a = -inf -> (dy b * -0, dy * -0); a = +-0 ->
 *   (dy b / 2, dy * +-0).
 * torch: the autograd of F.gelu(a, approximate='tanh') * b. */
void SA_F64_KERNEL(geglu_tanh_backward)(const double *dy, const double *x, const double *p,
                                        size_t ps, const double *q, size_t qs, double *dx,
                                        double *dp, size_t n)
{
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], d = dy[i], b = p[i * ps], ra, rb;
        if (v > 35.0) {
            ra = (double)((sa_ld)d * b);
            rb = (double)((sa_ld)d * v);
        } else if (v == -INFINITY) {
            ra = d * (b * -0.0);
            rb = d * -0.0;
        } else if (v < -35.0) {
            ra = tiny2(d, b, -1.0);
            rb = tiny2(d, 1.0, -1.0);
        } else {
            sa_ld E, D, N;
            gtanh_parts(v, &E, &D, &N);
            ra = (double)((sa_ld)d * b * gtanh_d_ld(v, E, D, N));
            rb = (double)((sa_ld)d * ((sa_ld)v * N / D));
        }
        double b0 = p[i * ps], q0 = q[0];
        dx[i] = sa_grad_nan64(d, v, b0, q0, ra);
        dp[i] = sa_grad_nan64(d, v, b0, q0, rb);
    }
}

/* selu_backward: dx = dy * (scale for x > 0, scale alpha e^x for x <= 0).
 * Algorithm: long double constants and expl, times dy, rounded once. x < -2500: dy * tiny.
 * Max error measured: 0.50 ULP (correctly rounded at every sample; budget 2).
 * Overflow: only |dy| scale > DBL_MAX.
 * Special values: x = +inf -> dy scale; x = -inf -> dy * 0; x = +-0 -> dy scale alpha.
 * torch: elu_backward(grad, alpha, scale, 1, is_result=False, x). */
void SA_F64_KERNEL(selu_backward)(const double *dy, const double *x, const double *p, size_t ps,
                                  const double *q, size_t qs, double *dx, double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], d = dy[i], r;
        if (v > 0.0) {
            r = (double)((sa_ld)d * K_SELU_S);
        } else if (v == -INFINITY) {
            r = d * 0.0;
        } else if (v < -2500.0) {
            r = tiny2(d, 1.0, 1.0);
        } else {
            r = (double)((sa_ld)d * K_SELU_SA * SA_EXPL((sa_ld)v));
        }
        dx[i] = sa_grad_nan64(d, v, p[0], q[0], r);
    }
}

/* selu_backward_from_output: dx = dy * (scale for y > 0, y + scale alpha for y <= 0).
 * Algorithm: in long double (y + scale alpha with the constant to 64 bits), rounded once.
 * Max error measured: 0.50 ULP (correctly rounded at every sample; budget 2).
 * Special values: y = +inf -> dy scale; y = -inf -> dy * -inf.
 * torch: elu_backward(grad, alpha, scale, 1, is_result=True, y). */
void SA_F64_KERNEL(selu_backward_from_output)(const double *dy, const double *y, const double *p,
                                              size_t ps, const double *q, size_t qs, double *dx,
                                              double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = y[i], d = dy[i], r;
        if (v > 0.0)
            r = (double)((sa_ld)d * K_SELU_S);
        else
            r = (double)((sa_ld)d * ((sa_ld)v + K_SELU_SA));
        dx[i] = sa_grad_nan64(d, v, p[0], q[0], r);
    }
}

/* elu_backward (alpha = p): dx = dy * (1 for x > 0, alpha e^x for x <= 0).
 * Algorithm: dy * alpha * expl(x) in long double, rounded once. x < -2500: dy alpha * tiny.
 * Max error measured: 0.501 ULP over the alpha grid (budget 2).
 * Overflow: only |dy alpha e^x| > DBL_MAX.
 * Special values: x = +inf -> dy; x = -inf -> dy * (alpha * 0); x = +-0 -> dy alpha.
 * torch: elu_backward(grad, alpha, 1, 1, is_result=False, x). */
void SA_F64_KERNEL(elu_backward)(const double *dy, const double *x, const double *p, size_t ps,
                                 const double *q, size_t qs, double *dx, double *dp, size_t n)
{
    (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], d = dy[i], a = p[i * ps], r;
        if (v > 0.0)
            r = d;
        else if (v == -INFINITY)
            r = d * (a * 0.0);
        else if (v < -2500.0)
            r = tiny2(d, a, 1.0);
        else
            r = (double)((sa_ld)d * a * SA_EXPL((sa_ld)v));
        dx[i] = sa_grad_nan64(d, v, a, q[0], r);
    }
}

/* elu_backward_from_output (alpha = p): dx = dy * (1 for y > 0, y + alpha for y <= 0).
 * Algorithm: long double, rounded once. Max error measured: 0.500 ULP (budget 2).
 * Special values: y = +inf -> dy; y = -inf -> dy * -inf.
 * torch: elu_backward(grad, alpha, 1, 1, is_result=True, y). */
void SA_F64_KERNEL(elu_backward_from_output)(const double *dy, const double *y, const double *p,
                                             size_t ps, const double *q, size_t qs, double *dx,
                                             double *dp, size_t n)
{
    (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = y[i], d = dy[i], a = p[i * ps], r;
        r = v > 0.0 ? d : (double)((sa_ld)d * ((sa_ld)v + a));
        dx[i] = sa_grad_nan64(d, v, a, q[0], r);
    }
}

/* celu_backward (alpha = p): dx = dy * (1 for x > 0, exp(x / alpha) for x <= 0).
 * Algorithm: t = x / alpha in long double and tl = fmal(-t, alpha, x) / alpha (the remainder is
 *   exact, and cannot underflow in the long double range even for subnormal alpha), so
 *   exp(x / alpha) = expl(t) (1 + tl) with no rounded argument; times dy, rounded once.
 *   t < -2500: dy * tiny; t > 2000: dy e^2000 (overflows for every nonzero double dy, as the
 *   true result; dy = 0 gives 0).
 * Max error measured: 0.500 ULP over the alpha grid (budget 2).
 * Overflow: only alpha < 0 with dy e^(x/alpha) > DBL_MAX.
 * Special values: x > 0 (incl. +inf) -> dy; x = +-0 -> dy; x = -inf or alpha = +-0 (x < 0): the
 *   limit of exp(x/alpha), +0 (alpha > 0 or +0) or +inf (alpha < 0 or -0), times dy.
 * torch: elu_backward(grad, alpha, 1, 1/alpha, is_result=False, x) (torch rounds 1/alpha). */
void SA_F64_KERNEL(celu_backward)(const double *dy, const double *x, const double *p, size_t ps,
                                  const double *q, size_t qs, double *dx, double *dp, size_t n)
{
    (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], d = dy[i], a = p[i * ps], r;
        if (v > 0.0 || v == 0.0) {
            r = d;
        } else if (v == -INFINITY || a == 0.0) {
            r = d * (signbit(a) ? INFINITY : 0.0);
        } else if (isinf(a)) {
            r = d; /* exp(-+0) */
        } else {
            sa_ld t = (sa_ld)v / (sa_ld)a;
            if (t < -2500.0L) {
                r = tiny2(d, 1.0, 1.0);
            } else if (t > 2000.0L) {
                r = d == 0.0 ? d : (double)((sa_ld)d * SA_EXPL(2000.0L));
            } else {
                sa_ld tl = SA_FMAL(-t, (sa_ld)a, (sa_ld)v) / (sa_ld)a;
                r = (double)((sa_ld)d * (SA_EXPL(t) * (1.0L + tl)));
            }
        }
        dx[i] = sa_grad_nan64(d, v, a, q[0], r);
    }
}

/* celu_backward_from_output (alpha = p): dx = dy * (1 for y > 0, y / alpha + 1 for y <= 0).
 * Algorithm: long double, rounded once. Max error measured: 0.500 ULP (budget 2).
 * Special values: y = +inf -> dy; alpha = 0: y / 0 (NaN at y = 0; torch rejects alpha = 0).
 * torch: elu_backward(grad, alpha, 1, 1/alpha, is_result=True, y) = grad (1/alpha) (y + alpha). */
void SA_F64_KERNEL(celu_backward_from_output)(const double *dy, const double *y, const double *p,
                                              size_t ps, const double *q, size_t qs, double *dx,
                                              double *dp, size_t n)
{
    (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++) {
        double v = y[i], d = dy[i], a = p[i * ps], r;
        r = v > 0.0 ? d : (double)((sa_ld)d * ((sa_ld)v / (sa_ld)a + 1.0L));
        dx[i] = sa_grad_nan64(d, v, a, q[0], r);
    }
}
