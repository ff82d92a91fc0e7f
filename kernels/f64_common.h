/* f64_common.h — float64 building blocks shared by the float64 kernel files (kernels/f64*.c):
 * error-free transformations, the sigmoid pair, and the constants needed as hi + lo pairs. */
#ifndef SA_F64_COMMON_H
#define SA_F64_COMMON_H
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

/* 1/sqrt(2) = R_HI + R_LO */
static const double R_HI = 0x1.6a09e667f3bcdp-1, R_LO = -0x1.bdd3413b26456p-55;
/* gelu_tanh's argument 2u = c1 x + c3 x^3: c1 = 2 sqrt(2/pi), c3 = 0.044715 c1, as pairs */
static const double C1_HI = 0x1.9884533d43651p+0, C1_LO = -0x1.cbc0d30ebfd15p-54;
static const double C3_HI = 0x1.2444f2a4d8b4bp-4, C3_LO = -0x1.6c843a29d1c70p-61;

/* c ? a : b by bit masks, never a branch: a random mix of regions costs no mispredictions
 * (the branchy piecewise loops took 3-6 ns per element on random data on a Zen 3; selecting,
 * 0.5-2, see f64_catalogue_pw.c). */
#if defined(__x86_64__) && defined(__SSE2__) /* _mm_cvtsi64_si128: x86-64 only */
/* x86-64: the mask built in an xmm register, a and b kept there (one register move, not
 * three) */
static inline double sa_dsel(int c, double a, double b)
{
    __m128d m = _mm_castsi128_pd(_mm_cvtsi64_si128(-(long long)(c != 0)));
    __m128d va = _mm_set_sd(a), vb = _mm_set_sd(b);
    return _mm_cvtsd_f64(_mm_or_pd(_mm_and_pd(m, va), _mm_andnot_pd(m, vb)));
}
#else
static inline double sa_dsel(int c, double a, double b)
{
    uint64_t ua, ub, m = (uint64_t)0 - (uint64_t)(c != 0);
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    ua = (ua & m) | (ub & ~m);
    memcpy(&a, &ua, sizeof a);
    return a;
}
#endif

/* s + e = a + b exactly (Knuth TwoSum, no ordering requirement). */
static inline double two_sum(double a, double b, double *e)
{
    double s = a + b;
    double bb = s - a;
    *e = (a - (s - bb)) + (b - bb);
    return s;
}

/* sigmoid(h + l) as a pair q + *lo (|l| << 1, h finite or +-inf or NaN).
 * e = exp(-|h|) (times (1 -+ l)), d + dl = 1 + e exactly (Fast2Sum, 1 >= e), then the quotient
 * num / (d + dl) with its division remainder from an FMA: the only errors left are exp's and
 * O(2^-104), so q + lo is good to ~0.5 ULP + exp's error once rounded. */
static inline double sig_pair(double h, double l, double *lo)
{
    if (h <= 0.0) {
        double E = exp(h);
        double el = E * l;
        double d = 1.0 + E;
        double dl = ((1.0 - d) + E) + el;
        double q = E / d;
        double r = fma(-q, d, E);
        *lo = ((r + el) - q * dl) / d;
        return q;
    } else {
        double E = exp(-h);
        double el = -E * l;
        double d = 1.0 + E;
        double dl = ((1.0 - d) + E) + el;
        double q = 1.0 / d;
        double r = fma(-q, d, 1.0);
        *lo = (r - q * dl) / d;
        return q;
    }
}

/* gelu_tanh's argument 2u = c1 v + c3 v^3 as a normalised double-double h + *l (v^3 and both
 * products error-free, the constants as pairs): an argument rounded to double would cost
 * |2u| 2^-53 relative error in exp(2u). */
static inline double gelu_tanh_arg(double v, double *l)
{
    double x2 = v * v, x2l = fma(v, v, -x2);
    double x3 = x2 * v, x3l = fma(x2, v, -x3) + x2l * v;
    double a = C1_HI * v, al = fma(C1_HI, v, -a) + C1_LO * v;
    double b = C3_HI * x3, bl = fma(C3_HI, x3, -b) + (C3_HI * x3l + C3_LO * x3);
    double sl, h = two_sum(a, b, &sl);
    double lo = sl + (al + bl);
    double hh = h + lo; /* renormalise */
    *l = lo - (hh - h);
    return hh;
}

/* Gradient kernels: NaN operands come back quieted (x + x) with the precedence x, dy, p, q (the
 * float32 drivers' rule, f32_driver.h); otherwise r. */
static inline double sa_grad_nan64(double dy, double x, double p, double q, double r)
{
    if (isnan(x))
        return x + x;
    if (isnan(dy))
        return dy + dy;
    if (isnan(p))
        return p + p;
    if (isnan(q))
        return q + q;
    return r;
}

#endif
