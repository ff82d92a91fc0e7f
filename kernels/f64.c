/* simdact float64 kernels: portable C on top of libm (exp, expm1, log1p, erf, erfc).
 *
 * One kernel per SA_FN line of registry.h, named sa_f64_<name>. These are the float64 kernels
 * of the scalar ISA, and of every ISA for functions without an SA_F64V line (the others run
 * the SIMD kernels of f64_vec.h on avx2 / avx512); they are scalar and aim at accuracy (budget:
 * 2 float64 ULP against mpmath), not speed.
 *
 * Conventions used below:
 *   - "pair" h + l is an unevaluated sum with |l| <= ~2^-52 |h| (double-double style).
 *   - FMAs are written explicitly with fma(): the file is compiled with -ffp-contract=off, and
 *     the error-free transformations (two_prod, two_sum) rely on no other contraction happening.
 *   - exp(t) for t near the underflow threshold is computed as exp(t + 512 ln2) * 2^-512, with
 *     512 ln2 split as K_HI + K_LO where t + K_HI is exact, so that results that are normal (or
 *     are multiplied by a large factor afterwards) are never built from a subnormal intermediate.
 *   - odd functions return x itself for x == +-0 (sign of zero kept).
 *
 * The "max error measured" figures are max |y - mp| / ulp64(mp), mp = the mpmath value (50
 * digits) rounded once to double, over ~5000 random and targeted points per function and three
 * seeds (tails and branch points included) on x86-64 / glibc 2.36.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include "kernels.h"
#include "f64_common.h"

/* 512 ln 2 = K_HI + K_LO, K_HI on the 2^-44 grid (so t + K_HI is exact for |t| in [256, 1024)) */
static const double K_HI = 0x1.62e42fefa39efp+8, K_LO = 0x1.abc9e3b39803fp-47;
static const double TWO_M512 = 0x1p-512;

/* gelu's erfc: glibc's double erfc is off by up to 3 ULP near z = 1.2 (measured), too much
 * for the 2 ULP budget, so where long double carries at least 64 bits and a wide exponent
 * (x86 extended, IEEE quad) erfc is taken in long double and the product is rounded once. */
#if LDBL_MANT_DIG >= 64 && LDBL_MAX_EXP >= 16384 && !defined(SA_NO_LONG_DOUBLE)
#define SA_ERFC_LD 1
#endif

/* 2/sqrt(pi) */
static const double TWO_OVER_SQRTPI = 0x1.20dd750429b6dp+0;
#ifndef SA_ERFC_LD
/* 1/sqrt(2 pi) = ISQ2PI_HI + ISQ2PI_LO */
static const double ISQ2PI_HI = 0x1.9884533d43651p-2, ISQ2PI_LO = -0x1.cbc0d30ebfd15p-56;
#endif

/* x * (q + lo) with one final rounding (two_prod of x*q, low parts folded in). */
static inline double mul_pair(double x, double q, double lo)
{
    double p = x * q;
    double pl = fma(x, q, -p);
    return p + (pl + x * lo);
}

/* x * exp(h + l) for h in [-1024, -256] (result possibly subnormal), computed as
 * (x * exp(h + K_HI) * (1 + l + K_LO)) * 2^-512 so no intermediate is subnormal. */
static inline double mul_exp_scaled(double x, double h, double l)
{
    double E = exp(h + K_HI); /* h + K_HI is exact */
    double p = x * E;
    double pl = fma(x, E, -p);
    return (p + (pl + p * (l + K_LO))) * TWO_M512;
}

/* gelu for -28 <= x <= 10 with libm's double erfc (see the gelu contract). */
static inline double gelu_dbl(double v)
{
    double nx = -v;
    double zh = nx * R_HI;
    double zl = fma(nx, R_HI, -zh) + nx * R_LO;
    double corr = zl * TWO_OVER_SQRTPI * exp(-zh * zh);
    double h = 0.5 * v;
    double E = erfc(zh);
    return fma(h, E, -(h * corr));
}

/* ---------------------------------------------------------------------------------------- */
/* relu(x) = max(x, 0).
 * Algorithm: select (sa_dsel, no branch). Exact (max error measured 0 ULP).
 * Special values: relu(-0) = +0, relu(NaN) = NaN (same payload), relu(+inf) = +inf, relu(-inf) = +0. */
void SA_F64_KERNEL(relu)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        y[i] = sa_dsel(v <= 0.0, 0.0, v);
    }
}

/* sigmoid(x) = 1 / (1 + exp(-x)).
 * Algorithm: e = exp(-|x|); x <= 0: e / (1 + e), x > 0: 1 / (1 + e), where 1 + e is kept as an
 * exact pair and the division is corrected with its FMA remainder (sig_pair): error = exp's
 * error + final rounding. For x < -708.4 the result is subnormal and is exp's own subnormal
 * result (1 + e rounds to 1).
 * Max error measured: 1 ULP (budget 2).
 * Special values: sigmoid(-inf) = +0, sigmoid(+inf) = 1, sigmoid(+-0) = 0.5, NaN -> NaN. */
void SA_F64_KERNEL(sigmoid)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double lo, q = sig_pair(x[i], 0.0, &lo);
        y[i] = q + lo;
    }
}

/* tanh(x).
 * Algorithm: odd, on a = |x|: a < 2^-28 -> x (tanh x = x(1 - x^2/3) rounds to x);
 * a > 22 -> +-1; else q = expm1(2a) (2a exact), tanh = q / (q + 2) with q + 2 as an exact pair
 * and the division corrected by its FMA remainder: error = expm1's relative error scaled by
 * 2/(q+2) <= 1, plus the final rounding.
 * Max error measured: 1 ULP (glibc tanh itself: 2) (budget 2).
 * Special values: tanh(+-0) = +-0, tanh(+-inf) = +-1, NaN -> NaN. */
void SA_F64_KERNEL(tanh)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], a = fabs(v), t;
        if (!(a >= 0x1p-28)) {
            t = v; /* tiny, zero or NaN */
        } else if (a > 22.0) {
            t = 1.0;
            t = copysign(t, v);
        } else {
            double q = expm1(2.0 * a);
            double dl, d = two_sum(q, 2.0, &dl);
            double s = q / d;
            double r = fma(-s, d, q);
            s = s + (r - s * dl) / d;
            t = copysign(s, v);
        }
        y[i] = t;
    }
}

/* silu(x) = x * sigmoid(x).
 * Algorithm: x * (q + lo) with sigmoid as the pair of sig_pair and one final rounding
 * (two_prod). x < -700: sigmoid(x) = exp(x) to within 2^-1000, computed as
 * x * exp(x + 512 ln2) * 2^-512 so the result, normal down to x ~ -715, is never rebuilt from a
 * subnormal exp. x < -760 -> -0; x > 40 -> x (sigmoid rounds to 1 and x*(1 - e^-x) rounds to x).
 * Max error measured: 1 ULP, tail x in [-760, -700] included (budget 2).
 * Special values: silu(+-0) = +-0, silu(-inf) = -0, silu(+inf) = +inf, NaN -> NaN. */
void SA_F64_KERNEL(silu)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], r;
        if (v == 0.0 || v > 40.0 || v != v) {
            r = v;
        } else if (v < -700.0) {
            r = (v < -760.0) ? -0.0 : mul_exp_scaled(v, v, 0.0);
        } else {
            double lo, q = sig_pair(v, 0.0, &lo);
            r = mul_pair(v, q, lo);
        }
        y[i] = r;
    }
}

/* erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt.
 * Algorithm: libm erf (glibc: rational approximations per interval, 1 - erfc tail).
 * Max error measured: 1 ULP (budget 2).
 * Special values: erf(+-0) = +-0, erf(+-inf) = +-1, NaN -> NaN. */
void SA_F64_KERNEL(erf)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = erf(x[i]);
}

/* gelu(x) = x/2 * erfc(-x/sqrt(2)).
 * Algorithm:
 *   z = -x/sqrt(2) as a pair zh + zl (FMA), erfc(zh + zl) = erfc(zh) - zl * 2/sqrt(pi) *
 *   exp(-zh^2) (the erfc argument rounding would otherwise cost ~2 z^2 2^-53 relative in the
 *   tail), then (x/2) * that, rounded once.
 *   0 < x <= 10: in double (glibc's erfc of a negative argument is within 1 ULP).
 *   Where long double has >= 64 bits and a 15-bit exponent (x86-64, aarch64 Linux), x < 0 is
 *   done in long double with erfcl/expl down to -40 (no subnormal intermediates; error
 *   ~0.5 ULP; ~250 ns per element on x86-64). Elsewhere (or with -DSA_NO_LONG_DOUBLE):
 *   -28 <= x <= 10: the same with libm's double erfc (glibc: up to 3 ULP near z = 1.2, so up
 *     to ~3.5 ULP there; 2 ULP elsewhere);
 *   -40 <= x < -28: asymptotic series, gelu(x) = -exp(-x^2/2)/sqrt(2 pi) * F(1/x^2),
 *     F(u) = sum_k (-1)^k (2k-1)!! u^k (12 terms; next term < 2^-64), with x^2/2 as an exact pair
 *     and exp scaled by 2^512 so results down to the subnormal range are built from a normal exp.
 *   x > 10 -> x; x < -40 -> -0 (the true value is below 2^-1075).
 * Max error measured: 1 ULP with long double (x from -40 to 10) (budget 2);
 *   3 ULP with -DSA_NO_LONG_DOUBLE (at x ~ -26, glibc erfc).
 * Special values: gelu(+-0) = +-0, gelu(-inf) = -0, gelu(+inf) = +inf, NaN -> NaN. */
void SA_F64_KERNEL(gelu)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], r;
        if (v == 0.0 || v > 10.0 || v != v) {
            r = v;
        } else if (v < -40.0) {
            r = -0.0;
#ifdef SA_ERFC_LD
        } else if (v > 0.0) {
            r = gelu_dbl(v); /* erfc of a negative argument: glibc within 1 ULP (measured) */
        } else {
            /* no subnormal intermediate in long double: one path down to -40 */
            double nx = -v;
            double zh = nx * R_HI;
            double zl = fma(nx, R_HI, -zh) + nx * R_LO;
            long double zhl = zh;
            long double corr = (long double)zl * 1.12837916709551257389615890312154517L
                               * expl(-zhl * zhl);
            long double E = erfcl(zhl);
            r = (double)((long double)(0.5 * v) * (E - corr));
        }
#else
        } else if (v < -28.0) {
            {
                double p = v * v, pl = fma(v, v, -p);
                double sh = 0.5 * p, sl = 0.5 * pl; /* x^2/2 = sh + sl exactly */
                double u = 1.0 / p;
                /* g = F(u) - 1 */
                double g = -1.0 + u * (3.0 + u * (-15.0 + u * (105.0 + u * (-945.0 + u * (10395.0
                    + u * (-135135.0 + u * (2027025.0 + u * (-34459425.0 + u * (654729075.0
                    + u * (-13749310575.0 + u * 316234143225.0))))))))));
                g = u * g;
                /* c * (1 + g) * (1 - sl) with c = 1/sqrt(2 pi) as a pair; g, sl small */
                double gg = g - sl - g * sl;
                double c = ISQ2PI_HI + fma(ISQ2PI_HI, gg, ISQ2PI_LO * (1.0 + gg));
                /* -exp(-sh) * c, exp scaled by 2^512 (-sh + K_HI is exact) */
                r = -mul_exp_scaled(c, -sh, 0.0);
            }
        } else {
            r = gelu_dbl(v);
        }
#endif
        y[i] = r;
    }
}

/* gelu_tanh(x) = x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) = x * sigmoid(2u),
 * 2u = c1 x + c3 x^3, c1 = 2 sqrt(2/pi), c3 = 0.044715 c1 (0.044715 taken as the exact decimal).
 * Algorithm: 2u as a double-double pair h + l (x^3 and both products error-free, constants as
 * pairs): an argument rounded to double would cost |2u| 2^-53 relative (~50 ULP at x = -11).
 * Then x * sigmoid(h + l) via sig_pair and one final rounding. h < -700: x * exp(h + l) with
 * the 2^512 scaling (the result is normal while sigmoid(2u) is already subnormal).
 * x > 10 -> x; x < -25 -> -0 (true value < 2^-1075).
 * Max error measured: 1 ULP, tail x ~ -22 included (budget 2).
 * Special values: gelu_tanh(+-0) = +-0, gelu_tanh(-inf) = -0, gelu_tanh(+inf) = +inf,
 * NaN -> NaN. */
void SA_F64_KERNEL(gelu_tanh)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], r;
        if (v == 0.0 || v > 10.0 || v != v) {
            r = v;
        } else if (v < -25.0) {
            r = -0.0;
        } else {
            double l, h = gelu_tanh_arg(v, &l);
            if (h < -700.0) {
                r = (h < -1000.0) ? -0.0 : mul_exp_scaled(v, h, l);
            } else {
                double lo, q = sig_pair(h, l, &lo);
                r = mul_pair(v, q, lo);
            }
        }
        y[i] = r;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Row helpers shared by softmax and log_softmax.
 * Pass 1: m = max of the row; returns 0 if the row has a NaN or +inf, or is all -inf (the caller
 * then writes NaN everywhere). */
static int row_max(const double *x, size_t n, double *m)
{
    double mx = -INFINITY;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (v != v || v == INFINITY)
            bad = 1;
        if (v > mx)
            mx = v;
    }
    *m = mx;
    return !(bad || mx == -INFINITY);
}

/* exp(x - m) for x <= m finite or -inf, with d = x - m as an exact pair (TwoSum) folded in:
 * exp(dh) (1 + dl). Sets *is_max when x == m. */
static inline double exp_diff(double v, double m, double *lo)
{
    double dl, dh = two_sum(v, -m, &dl);
    if (!(dh > -746.0)) { /* underflows to 0; also x = -inf or x - m = -inf */
        *lo = 0.0;
        return 0.0;
    }
    double E = exp(dh);
    *lo = E * dl;
    return E;
}

static void row_nan(double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = NAN;
}

/* softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j, one contiguous row.
 * Algorithm: 3 passes. (1) max; (2) e_i = exp(dh)(1 + dl) with x_i - m = dh + dl exact, stored
 * in y (rounded once by FMA), and S = c + T summed with TwoSum compensation over the exact pairs
 * (c = number of maxima, each contributing exactly 1); (3) y_i = e_i / (S_hi + S_lo) with the
 * division remainder from an FMA.
 * Max error measured: 1 ULP (rows of 1..60, scales 1e-3..1e3, extreme rows) (budget 2).
 * Special values: a row containing NaN or +inf -> all NaN; a row of all -inf -> all NaN;
 * -inf entries of an otherwise finite row -> 0; n == 0 -> nothing. In place (x == y) allowed. */
void SA_F64_KERNEL(softmax)(const double *x, double *y, size_t n)
{
    double m;
    if (n == 0)
        return;
    if (!row_max(x, n, &m)) {
        row_nan(y, n);
        return;
    }
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double lo, e = exp_diff(x[i], m, &lo);
        double err;
        s = two_sum(s, e, &err);
        c += err + lo;
        y[i] = e + lo;
    }
    double sh = s + c;
    double sl = c - (sh - s);
    for (size_t i = 0; i < n; i++) {
        double e = y[i];
        double q = e / sh;
        double r = fma(-q, sh, e);
        y[i] = q + (r - q * sl) / sh;
    }
}

/* log_softmax(x)_i = (x_i - m) - log(S), S = sum_j exp(x_j - m), one contiguous row.
 * Algorithm: (1) max m; (2) S = c + T, c = number of maxima (exactly 1 each), T = compensated
 * sum over the others of exp(dh)(1 + dl); L = log(S) = log1p(a) with a = (c - 1) + T as a pair
 * (a_hi, a_lo), corrected by a_lo / (1 + a_hi): the maxima get -L without cancelling;
 * (3) y_i = dh + dl - L, summed with TwoSum and rounded once.
 * Max error measured: 1 ULP (same rows) (budget 2).
 * Special values: a row containing NaN or +inf -> all NaN; a row of all -inf -> all NaN; -inf
 * entries of an otherwise finite row -> -inf; n == 0 -> nothing. In place (x == y) allowed. */
void SA_F64_KERNEL(log_softmax)(const double *x, double *y, size_t n)
{
    double m;
    if (n == 0)
        return;
    if (!row_max(x, n, &m)) {
        row_nan(y, n);
        return;
    }
    double t = 0.0, tc = 0.0, cnt = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (v == m) {
            cnt += 1.0;
            continue;
        }
        double lo, e = exp_diff(v, m, &lo);
        double err;
        t = two_sum(t, e, &err);
        tc += err + lo;
    }
    /* a = (cnt - 1) + t + tc */
    double al, ah = two_sum(cnt - 1.0, t, &al);
    al += tc;
    double a = ah + al;
    al = al - (a - ah);
    double L = log1p(a) + al / (1.0 + a);
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        double dl, dh = two_sum(v, -m, &dl);
        if (!(dh > -INFINITY) || !(dh < INFINITY)) {
            y[i] = dh - L; /* x - m overflowed or x = -inf: -inf */
            continue;
        }
        double e, s = two_sum(dh, -L, &e);
        y[i] = s + (e + dl);
    }
}
