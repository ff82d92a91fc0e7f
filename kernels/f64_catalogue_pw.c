/* simdact float64 kernels of the piecewise catalogue: leaky_relu, prelu, hardtanh, reglu
 * (parametric, sa_f64_pkernel) and hardsigmoid, hardswish, relu6, softsign (sa_f64_kernel).
 *
 * Portable scalar C: the scalar ISA's and the portable build's float64 kernels (AVX2 /
 * AVX-512 run kernels/f64_vec.h's, registry.h SA_F64V / SA_F64VP lines). Compiled with
 * -ffp-contract=off; FMAs are explicit fma() calls. Budgets in float64 ULPs of the exact
 * result; "measured" figures come from kernels/tests/catalogue_pw_sweep.c (random and
 * targeted samples against long double references on x86-64, where long double carries 64
 * bits, so the figures resolve ~2^-11 float64 ULP). Semantics, parameter handling and signed
 * zeros are those of the float32 kernels (see kernels/f32_catalogue_pw.h): y[i] = f(x[i],
 * p[i * ps], q[i * qs]) with ps, qs in {0, 1}. A NaN x returns a quiet NaN (x + x, sign and
 * payload kept), a test that is predicted (NaNs are rare; x + x on every element would raise
 * a spurious overflow at DBL_MAX). The other regions are selected by sa_dsel (f64_common.h),
 * not by branches that random data would mispredict (3-6 ns per element on a Zen 3), except in
 * hardswish and softsign, whose fma() calls (libm on baseline x86-64) spill every register:
 * there the branches cost less than computing every region (hardswish on x ~ N(0, 1): 3.0 ns
 * branching, 4.6 selecting). A value computed outside its region may raise flags, which the
 * loops discard; the overflow flag of leaky_relu, prelu and reglu (registry ovf = 1) is
 * reported, and there the only product formed is the result's own.
 */
#include <math.h>
#include <stddef.h>
#include "kernels.h"
#include "f64_common.h" /* two_sum, sa_dsel */

/* (h + l) / 6 with one final rounding of a corrected quotient: q = h/6, r = h - 6q exact
 * (FMA), result q + (r + l)/6; the correction is below one ulp of q, so the error is at most
 * 0.5 ulp + 2^-50 ulp. */
static inline double pw_div6(double h, double l)
{
    double q = h / 6.0;
    double r = fma(-q, 6.0, h);
    return q + (r + l) / 6.0;
}

/* leaky_relu(x, slope) = x if x > 0 else slope * x (torch.nn.functional.leaky_relu, default
 * slope 0.01). Algorithm: select, one correctly rounded product (0.5 ULP; measured 0.5).
 * Overflow only genuinely (|slope| > 1, x <= 0): for x > 0 the product is slope * 0.
 * Special values: +-0 -> +-0 * slope; NaN x -> NaN; -inf -> -inf * slope. */
void SA_F64_KERNEL(leaky_relu)(const double *x, const double *p, size_t ps, const double *q,
                               size_t qs, double *y, size_t n)
{
    (void)q;
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (v != v) { /* a predicted branch: v + v on every element would overflow at DBL_MAX */
            y[i] = v + v;
            continue;
        }
        double s = p[i * ps] * sa_dsel(v > 0.0, 0.0, v); /* no product for x > 0 */
        y[i] = sa_dsel(v > 0.0, v, s);
    }
}

/* prelu(x, slope) = x if x > 0 else slope * x (torch.nn.functional.prelu, slope an operand).
 * Same algorithm, error (0.5 ULP; measured 0.5) and special values as leaky_relu. */
void SA_F64_KERNEL(prelu)(const double *x, const double *p, size_t ps, const double *q,
                          size_t qs, double *y, size_t n)
{
    SA_F64_KERNEL(leaky_relu)(x, p, ps, q, qs, y, n);
}

/* hardtanh(x, min_val, max_val) = min(max(x, min_val), max_val) (torch hardtanh = clamp,
 * defaults -1, 1). Exact (0 ULP). t = x > min ? x : min; t < max ? t : max (torch's vector
 * clamp): hardtanh(-0, 0, max) = +0, hardtanh(-0, min < 0, max > 0) = -0; NaN x, min or max
 * -> NaN; min > max -> max. */
void SA_F64_KERNEL(hardtanh)(const double *x, const double *p, size_t ps, const double *q,
                             size_t qs, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], lo = p[i * ps], hi = q[i * qs];
        if (v != v) {
            y[i] = v + v;
            continue;
        }
        double t = sa_dsel(v > lo, v, lo);
        y[i] = sa_dsel(t != t || t < hi, t, hi);
    }
}

/* reglu(a, b) = relu(a) * b. One correctly rounded product (0.5 ULP; measured 0.5);
 * overflow only genuinely (the product itself). a <= 0 -> +0 * b (signed zero of b, NaN for
 * b = +-inf); NaN a or b -> NaN. */
void SA_F64_KERNEL(reglu)(const double *x, const double *p, size_t ps, const double *q,
                          size_t qs, double *y, size_t n)
{
    (void)q;
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (v != v) { /* predicted; v + v on every element would overflow at DBL_MAX */
            y[i] = v + v;
            continue;
        }
        y[i] = sa_dsel(v > 0.0, v, 0.0) * p[i * ps];
    }
}

/* hardsigmoid(x) = 0 if x <= -3, 1 if x >= 3, else x/6 + 1/2 = (x + 3)/6.
 * Algorithm: s + e = x + 3 exactly (TwoSum), then (s + e)/6 by a quotient corrected with its
 * exact FMA remainder: max error 0.5 + 2^-50 ULP (measured 0.5); budget 0.51.
 * Special values: +-0 -> 0.5, -3 and below (-inf) -> +0, 3 and above (+inf) -> 1, NaN -> NaN. */
void SA_F64_KERNEL(hardsigmoid)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], e;
        if (v != v) {
            y[i] = v + v;
            continue;
        }
        double c = sa_dsel(v > 3.0, 3.0, sa_dsel(v < -3.0, -3.0, v)); /* x clamped to [-3, 3] */
        double s = two_sum(c, 3.0, &e);
        y[i] = pw_div6(s, e); /* exactly 0 at c = -3, 1 at c = 3 */
    }
}

/* hardswish(x) = 0 if x <= -3, x if x >= 3, else x (x + 3) / 6.
 * Algorithm: s + e = x + 3 exactly (TwoSum); x (s + e) = p + pl with p = x s, pl = (x s - p)
 * (FMA, exact) + x e (rounded, relative 2^-53 of a term below ulp(p)); then (p + pl)/6 by
 * pw_div6. No cancellation near -3 (s + e is exact). Max error 0.5 + 2^-49 ULP (measured
 * 0.5); budget 0.51.
 * Special values: +-0 -> +-0, x <= -3 and -inf -> -0 (x * 0), x >= 3 -> x (+inf -> +inf),
 * NaN -> NaN. Never overflows. */
void SA_F64_KERNEL(hardswish)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], e;
        if (v != v)
            y[i] = v + v;
        else if (v <= -3.0)
            y[i] = -0.0;
        else if (v >= 3.0)
            y[i] = v;
        else if (v == 0.0)
            y[i] = v;
        else {
            double s = two_sum(v, 3.0, &e);
            double p = v * s;
            double pl = fma(v, s, -p) + v * e;
            y[i] = pw_div6(p, pl);
        }
    }
}

/* relu6(x) = min(max(x, 0), 6). Exact (0 ULP). relu6(-0) = +0 (as the float32 kernel and
 * torch's vectorized clamp), -inf -> +0, +inf -> 6, NaN -> NaN. */
void SA_F64_KERNEL(relu6)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (v != v) {
            y[i] = v + v;
            continue;
        }
        y[i] = sa_dsel(v > 0.0, sa_dsel(v < 6.0, v, 6.0), 0.0); /* -0 -> +0 */
    }
}

/* softsign(x) = x / (1 + |x|).
 * Algorithm: a = min(|x|, 2^60) (beyond 2^54 the result rounds to 1); d + dl = 1 + a exactly
 * (TwoSum); q = a/d, r = a - q d exact (FMA); result q + fma(-q, dl, r)/d with the sign of x.
 * Max error 0.5 + 2^-50 ULP (measured 0.5005, the 2^-11 ULP resolution of
 * the long double reference); budget 0.51.
 * Special values: +-0 -> +-0, +-inf -> +-1, subnormal x -> x, NaN -> NaN. */
void SA_F64_KERNEL(softsign)(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i], dl;
        if (v != v) {
            y[i] = v + v;
            continue;
        }
        double a = fabs(v);
        if (a > 0x1p60)
            a = 0x1p60;
        double d = two_sum(1.0, a, &dl);
        double q = a / d;
        double r = fma(-q, d, a);
        y[i] = copysign(q + fma(-q, dl, r) / d, v);
    }
}
