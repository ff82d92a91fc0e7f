/* simdact float64 gradient kernels of the piecewise functions (and the from-output forms and
 * row gradients): portable C, one per gradient line of registry.h, named sa_f64_<gradient>.
 * Same semantics as the float32 kernels (f32_grad_pw.h): dx = dy * f'(x) as an IEEE product;
 * NaN operands come back quieted with the precedence x, dy, p, q. */
#include <math.h>
#include <stddef.h>
#include "kernels.h"
#include "f64_common.h"

/* relu'(x) = [x > 0]; exact. */
void SA_F64_KERNEL(relu_backward)(const double *dy, const double *x, const double *p, size_t ps,
                                  const double *q, size_t qs, double *dx, double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++)
        dx[i] = sa_grad_nan64(dy[i], x[i], p[0], q[0], dy[i] * (x[i] > 0.0 ? 1.0 : 0.0));
}

/* With y = relu(x): [y > 0]; exact. */
void SA_F64_KERNEL(relu_backward_from_output)(const double *dy, const double *y, const double *p,
                                              size_t ps, const double *q, size_t qs, double *dx,
                                              double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++)
        dx[i] = sa_grad_nan64(dy[i], y[i], p[0], q[0], dy[i] * (y[i] > 0.0 ? 1.0 : 0.0));
}

/* ------------------------------------------------------------------ piecewise gradients
 * Same formulas, kinks and special values as the float32 kernels (f32_grad_pw.h). A product
 * with a 0/1 derivative is exact; dy * slope, dy * x, dy / 6 are correctly rounded; the others
 * are formed with error-free transformations and rounded once more (contracts below). */

#define SA_G64_LOOP(...)                                                                     \
    for (size_t i = 0; i < n; i++) {                                                         \
        double d = dy[i], v = x[i], pp = p[i * ps], qq = q[i * qs];                           \
        (void)pp, (void)qq;                                                                  \
        double r;                                                                            \
        __VA_ARGS__                                                                          \
        dx[i] = sa_grad_nan64(d, v, pp, qq, r);                                              \
    }

/* hardsigmoid'(x) = 1/6 on (-3, 3), else 0: dy / 6 (correctly rounded, 0.5 ULP) or dy * 0.
 * (The float64 elementwise figures below: mpmath at ~5000 points per kernel and parameter,
 * windows at the kinks, dy scales 2^-1000..2^1000 and specials; all measured <= 0.5 ULP.) */
void SA_F64_KERNEL(hardsigmoid_backward)(const double *dy, const double *x, const double *p,
                                         size_t ps, const double *q, size_t qs, double *dx,
                                         double *dp, size_t n)
{
    (void)dp;
    SA_G64_LOOP({ r = (v > -3.0 && v < 3.0) ? d / 6.0 : d * 0.0; })
}

/* hardswish'(x) = 0 (x <= -3), (2x + 3)/6 (-3 < x < 3), 1 (x >= 3) (torch >= pytorch#148049).
 * Algorithm: th + tl = 2x + 3 exactly (TwoSum); g = (th + tl)/6 as gh + gl (quotient, exact
 * FMA remainder); dx = fma(dy, gh, dy * gl), one rounding of a value good to ~2^-104: max error
 * 0.5 + 2^-49 ULP (measured 0.5). g <= 1.5: dy * gh overflows only genuinely.
 * Special values: x <= -3, -inf, x = -1.5 -> dy * (+0) (NaN for infinite dy); x >= 3, +inf -> dy;
 * infinite dy -> dy * g. */
void SA_F64_KERNEL(hardswish_backward)(const double *dy, const double *x, const double *p,
                                       size_t ps, const double *q, size_t qs, double *dx,
                                       double *dp, size_t n)
{
    (void)dp;
    SA_G64_LOOP({
        if (v <= -3.0)
            r = d * 0.0;
        else if (v >= 3.0)
            r = d;
        else {
            double tl, th = two_sum(v + v, 3.0, &tl);
            double gh = th / 6.0;
            double gl = (fma(-gh, 6.0, th) + tl) / 6.0;
            r = isinf(d) ? d * gh : fma(d, gh, d * gl); /* inf * gl could be inf - inf */
        }
    })
}

/* relu6'(x) = [0 < x < 6]; exact. */
void SA_F64_KERNEL(relu6_backward)(const double *dy, const double *x, const double *p,
                                   size_t ps, const double *q, size_t qs, double *dx,
                                   double *dp, size_t n)
{
    (void)dp;
    SA_G64_LOOP({ r = d * ((v > 0.0 && v < 6.0) ? 1.0 : 0.0); })
}

/* With y = relu6(x): [0 < y < 6]; exact. */
void SA_F64_KERNEL(relu6_backward_from_output)(const double *dy, const double *x,
                                               const double *p, size_t ps, const double *q,
                                               size_t qs, double *dx, double *dp, size_t n)
{
    SA_F64_KERNEL(relu6_backward)(dy, x, p, ps, q, qs, dx, dp, n);
}

/* softsign'(x) = 1/(1 + |x|)^2.
 * Algorithm: uh + ul = 1 + |x| exactly (TwoSum); q1 + q1l = dy / u (quotient, exact FMA
 * remainder), then (q1 + q1l) / u the same way, rounded once: ~0.5 + 2^-50 ULP (measured 0.5).
 * Dividing twice by u >= 1 never overflows (u^2 could, for |x| > 2^512).
 * Special values: x = +-inf -> dy * 0 (NaN for infinite dy); x = +-0 -> dy. */
void SA_F64_KERNEL(softsign_backward)(const double *dy, const double *x, const double *p,
                                      size_t ps, const double *q, size_t qs, double *dx,
                                      double *dp, size_t n)
{
    (void)dp;
    SA_G64_LOOP({
        double a = fabs(v);
        if (isinf(a)) {
            r = d * 0.0;
        } else if (isinf(d)) {
            r = d; /* inf times a positive derivative */
        } else {
            double ul, uh = two_sum(1.0, a, &ul);
            double q1 = d / uh;
            double q1l = (fma(-q1, uh, d) - q1 * ul) / uh;
            double q2 = q1 / uh;
            double q2l = (fma(-q2, uh, q1) + q1l - q2 * ul) / uh;
            r = q2 + q2l;
        }
    })
}

/* leaky_relu'(x) = 1 (x > 0), slope (x <= 0): one correctly rounded product (0.5 ULP). */
void SA_F64_KERNEL(leaky_relu_backward)(const double *dy, const double *x, const double *p,
                                        size_t ps, const double *q, size_t qs, double *dx,
                                        double *dp, size_t n)
{
    (void)dp;
    (void)qs;
    SA_G64_LOOP({ r = d * (v > 0.0 ? 1.0 : pp); })
}

/* With y = leaky_relu(x, slope): dy * (y > 0 ? 1 : slope); valid for slope >= 0. */
void SA_F64_KERNEL(leaky_relu_backward_from_output)(const double *dy, const double *x,
                                                    const double *p, size_t ps, const double *q,
                                                    size_t qs, double *dx, double *dp, size_t n)
{
    SA_F64_KERNEL(leaky_relu_backward)(dy, x, p, ps, q, qs, dx, dp, n);
}

/* hardtanh'(x) = [min < x < max]; exact. */
void SA_F64_KERNEL(hardtanh_backward)(const double *dy, const double *x, const double *p,
                                      size_t ps, const double *q, size_t qs, double *dx,
                                      double *dp, size_t n)
{
    (void)dp;
    SA_G64_LOOP({ r = d * ((v > pp && v < qq) ? 1.0 : 0.0); })
}

/* With y = hardtanh(x, min, max): [min < y < max]; exact. */
void SA_F64_KERNEL(hardtanh_backward_from_output)(const double *dy, const double *x,
                                                  const double *p, size_t ps, const double *q,
                                                  size_t qs, double *dx, double *dp, size_t n)
{
    SA_F64_KERNEL(hardtanh_backward)(dy, x, p, ps, q, qs, dx, dp, n);
}

/* prelu: dx = dy * (x > 0 ? 1 : slope), dslope = dy * (x > 0 ? 0 : x); correctly rounded. */
void SA_F64_KERNEL(prelu_backward)(const double *dy, const double *x, const double *p,
                                   size_t ps, const double *q, size_t qs, double *dx,
                                   double *dp, size_t n)
{
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double d = dy[i], v = x[i], s = p[i * ps];
        double a = d * (v > 0.0 ? 1.0 : s), b = d * (v > 0.0 ? 0.0 : v);
        dx[i] = sa_grad_nan64(d, v, s, q[0], a);
        dp[i] = sa_grad_nan64(d, v, s, q[0], b);
    }
}

/* reglu: da = dy * (b * [a > 0]) (b * 0/1 exact, then one rounding, no intermediate overflow),
 * db = dy * relu(a); both correctly rounded. */
void SA_F64_KERNEL(reglu_backward)(const double *dy, const double *x, const double *p,
                                   size_t ps, const double *q, size_t qs, double *dx,
                                   double *dp, size_t n)
{
    (void)qs;
    for (size_t i = 0; i < n; i++) {
        double d = dy[i], a = x[i], b = p[i * ps];
        double da = d * (b * (a > 0.0 ? 1.0 : 0.0)), db = d * (a > 0.0 ? a : 0.0);
        dx[i] = sa_grad_nan64(d, a, b, q[0], da);
        dp[i] = sa_grad_nan64(d, a, b, q[0], db);
    }
}

/* ------------------------------------------------------------------------ row gradients
 * softmax_backward(dy, x)_i = y_i (dy_i - sum_j y_j dy_j), y = softmax(x);
 * log_softmax_backward(dy, x)_i = dy_i - p_i sum_j dy_j, p = softmax(x); and the from-output
 * forms (y given; p = exp(y)). One contiguous row; dx may alias dy or the second operand.
 *
 * Probabilities are kept as mant * 2^k / S (mant = exp(r) in [0.7, 1.42] from libm after a
 * Cody-Waite reduction of x - max, taken as an exact TwoSum pair; S = sum_j e_j): never
 * rounded into the subnormal range, so y_j dy_j and y_i (dy_i - s) keep full relative
 * accuracy where y_j < 2^-1022 but the product is a normal number (|dy| large). Sums are
 * compensated (error-free products by FMA, TwoSum accumulation): the bound does not grow
 * with n. Each result is one final rounding (an ldexp) of a value good to a few 2^-53.
 * Bound: c 2^-53 |y_i| (|dy_i| + sum_j |y_j dy_j|) (softmax) or c 2^-53 (|dy_i| + p_i
 * sum_j |dy_j|) (log_softmax), c <= ~3 (exp's rounding, the quotient by S, the final
 * rounding), plus one subnormal ULP where the result is subnormal. Measured (mpmath, 450
 * rows of 1..200, spreads 0.01..3000, -inf entries, dy scales 2^-1000..2^1000): c = 1.90
 * (softmax_backward), 0.99 (_from_output), 1.29 (log_softmax_backward), 1.80 (_from_output);
 * budget 3.
 * Every NaN result is the default NaN; rows of x with NaN / +inf / all -inf -> all NaN (the
 * forward's rule); -inf entries have probability 0 (0 * an infinite dy -> NaN, the formula).
 * Intermediates never overflow for finite operands except where the result does (dy - s
 * and p_i G are formed halved when they would). */

static inline double g64_canon(double r) { return r != r ? NAN : r; }

#define G64_LOG2E 0x1.71547652b82fep0
/* ln 2 = LN2HI + LN2LO, LN2HI with 20 trailing zero bits: k LN2HI is exact for |k| < 2^20 */
static const double G64_LN2HI = 0x1.62e42fee00000p-1, G64_LN2LO = 0x1.a39ef35793c76p-33;
#define G64_KLIM 3000.0 /* e^-3000 * DBL_MAX is far below every subnormal */

/* exp(dh + dl) = mant * 2^k, mant = exp(r) in [0.7, 1.42] (libm), |dh| <= G64_KLIM finite,
 * |dl| <= ulp(dh): r = (dh - k LN2HI) + (dl - k LN2LO), the first difference exact. */
static inline double g64_exp_k(double dh, double dl, int *k)
{
    double kd = nearbyint(dh * G64_LOG2E);
    double r = dh - kd * G64_LN2HI;
    *k = (int)kd;
    return exp(r + (dl - kd * G64_LN2LO));
}

/* the row max; 0 if the row has a NaN or +inf, or is all -inf (the caller writes NaN) */
static int g64_row_max(const double *x, size_t n, double *m)
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

/* is x far below the max m (x - m < -KLIM, or x = -inf)? x - m itself is not formed (it
 * could overflow); m - KLIM rounds by at most ulp(m)/2, harmless either way */
static inline int g64_far(double v, double m) { return !(v >= m - G64_KLIM); }

/* exp(x - m) = mant * 2^k (mant = 0, k = 0 for far x) */
static inline double g64_exp_diff(double v, double m, int *k)
{
    if (g64_far(v, m)) {
        *k = 0;
        return 0.0;
    }
    double dl, dh = two_sum(v, -m, &dl);
    return g64_exp_k(dh, dl, k);
}
/* the k of g64_exp_diff (the same expression) */
static inline int g64_k_of(double v, double m)
{
    return g64_far(v, m) ? 0 : (int)nearbyint((v - m) * G64_LOG2E);
}

/* 64 when some |dy_j| > 2^960: the sums over dy are then formed scaled by 2^-64, so that no
 * partial sum of n < 2^63 terms can overflow (an overflow flag would be spurious) */
static int g64_sum_shift(const double *dy, size_t n)
{
    double mx = 0.0;
    for (size_t j = 0; j < n; j++)
        if (fabs(dy[j]) > mx)
            mx = fabs(dy[j]);
    return mx > 0x1p960 ? 64 : 0;
}

/* double-double accumulator */
typedef struct { double s, c; } g64_acc;
static inline void g64_add(g64_acc *a, double hi, double lo)
{
    double e;
    a->s = two_sum(a->s, hi, &e);
    a->c += e + lo;
}
static inline double g64_get(const g64_acc *a, double *lo)
{
    if (!isfinite(a->s)) { /* an infinite or NaN term: the plain sum (TwoSum would give NaN) */
        *lo = 0.0;
        return a->s;
    }
    double h = a->s + a->c;
    *lo = a->c - (h - a->s);
    return h;
}

/* a * b * 2^k as hi + *lo (a in [0, 1.42], k <= ~0): the product error-free by FMA, b halved
 * first when it is huge so that a * b cannot overflow */
static inline double g64_mul2k(double a, double b, int k, double *lo)
{
    if (fabs(b) > 0x1p1000) {
        b *= 0.5;
        k += 1;
    }
    double p = a * b;
    *lo = isfinite(p) ? ldexp(fma(a, b, -p), k) : 0.0;
    return ldexp(p, k);
}

/* (hh + hl) / (sh + sl), a double-double quotient rounded to double (~2^-104 + 1 rounding) */
static inline double g64_div(double hh, double hl, double sh, double sl, double *lo)
{
    double q = hh / sh;
    *lo = (fma(-q, sh, hh) + hl - q * sl) / sh;
    return q;
}

void SA_F64_KERNEL(softmax_backward)(const double *dy, const double *x, double *dx,
                                     double *scratch, size_t n)
{
    double m;
    if (n == 0)
        return;
    if (!g64_row_max(x, n, &m)) {
        for (size_t i = 0; i < n; i++)
            dx[i] = NAN;
        return;
    }
    /* pass 1: mant_j into scratch, S = sum e_j, T = sum e_j dy_j (times 2^-kT) */
    int kT = g64_sum_shift(dy, n);
    g64_acc S = {0.0, 0.0}, T = {0.0, 0.0};
    for (size_t j = 0; j < n; j++) {
        int k;
        double mt = g64_exp_diff(x[j], m, &k), lo;
        scratch[j] = mt;
        g64_add(&S, ldexp(mt, k), 0.0);
        double hi = g64_mul2k(mt, dy[j], k - kT, &lo);
        g64_add(&T, hi, lo);
    }
    double sl, sh = g64_get(&S, &sl), tl, th = g64_get(&T, &tl);
    double vl, vh = g64_div(th, tl, sh, sl, &vl); /* s = T / S, |s| <= max |dy| */
    vh = ldexp(vh, kT);
    vl = ldexp(vl, kT);
    /* pass 2: dx_i = (mant_i / S) (dy_i - s) 2^k_i */
    for (size_t i = 0; i < n; i++) {
        double d = dy[i];
        int k = g64_k_of(x[i], m); /* pass 1's k */
        double yl, yh = g64_div(scratch[i], 0.0, sh, sl, &yl); /* mant / S */
        double el, eh = two_sum(d, -vh, &el), r;
        el -= vl;
        if ((!isfinite(eh) && isfinite(d) && isfinite(vh)) || fabs(eh) > 0x1p1000) {
            eh = two_sum(d * 0.5, -vh * 0.5, &el); /* dy - s would overflow: halved */
            el -= vl * 0.5;
            k += 1;
        }
        if (isfinite(eh))
            r = fma(yh, eh, yh * el + yl * eh);
        else
            r = yh * eh; /* an infinite or NaN dy or s */
        dx[i] = g64_canon(ldexp(r, k));
    }
}

void SA_F64_KERNEL(softmax_backward_from_output)(const double *dy, const double *y, double *dx,
                                                 double *scratch, size_t n)
{
    (void)scratch;
    if (n == 0)
        return;
    g64_acc T = {0.0, 0.0};
    for (size_t j = 0; j < n; j++) {
        double p = y[j] * dy[j];
        g64_add(&T, p, fma(y[j], dy[j], -p));
    }
    double vl, vh = g64_get(&T, &vl);
    for (size_t i = 0; i < n; i++) {
        double d = dy[i], yi = y[i], r;
        double el, eh = two_sum(d, -vh, &el);
        if (!isfinite(eh) && isfinite(d) && isfinite(vh))
            r = fma(yi, d, -(yi * vh)) - yi * vl; /* dy - s overflows: two roundings */
        else if (!isfinite(eh))
            r = yi * eh;
        else
            r = fma(yi, eh, yi * (el - vl));
        dx[i] = g64_canon(r);
    }
}

/* dx_i = dy_i - p_i G, p_i = mant_i 2^k_i / S, G = sum dy_j; mant_i from mants[] (x form: k
 * recomputed from x_i - m) or from exp(v_i) (mants == NULL: from-output form, S = 1).
 * G is formed scaled by 2^-kG (g64_sum_shift); p_i G beyond the float64 range is subtracted
 * from dy_i in the scaled domain. */
static void g64_log_softmax_rows(const double *dy, const double *v, double m,
                                 const double *mants, double sh, double sl, double *dx, size_t n)
{
    g64_acc G = {0.0, 0.0};
    int kG = g64_sum_shift(dy, n);
    for (size_t j = 0; j < n; j++)
        g64_add(&G, ldexp(dy[j], -kG), 0.0);
    double gl, gh = g64_get(&G, &gl);
    for (size_t i = 0; i < n; i++) {
        double d = dy[i], t, tl;
        int k = 0;
        double mt;
        if (!mants) {
            double yi = v[i];
            if (yi > G64_KLIM) /* exp(y) beyond every float64: inf * G */
                mt = INFINITY;
            else if (!(yi > -G64_KLIM))
                mt = yi != yi ? yi : 0.0;
            else
                mt = g64_exp_k(yi, 0.0, &k);
        } else {
            mt = mants[i];
            k = g64_k_of(v[i], m);
        }
        if (isinf(mt)) {
            t = mt * gh;
            tl = 0.0;
        } else {
            double ql, qh = g64_div(mt, 0.0, sh, sl, &ql); /* mant / S */
            double g = gh, g2 = gl;
            int kk = k + kG;
            if (fabs(g) > 0x1p1000) {
                g *= 0.5;
                g2 *= 0.5;
                kk += 1;
            }
            double p = qh * g;
            double pl = fma(qh, g, -p) + (qh * g2 + ql * g);
            if (kk > 0 && fabs(p) >= ldexp(1.0, 1023 - kk)) {
                /* p_i G beyond the float64 range: subtract in the scaled domain */
                double dd = ldexp(d, -kk);
                double el2, eh2 = two_sum(dd, -p, &el2);
                dx[i] = g64_canon(ldexp(eh2 + (el2 - pl), kk));
                continue;
            }
            t = ldexp(p, kk);
            tl = ldexp(pl, kk);
        }
        double el, eh = two_sum(d, -t, &el);
        double r = (isfinite(eh) && isfinite(t)) ? eh + (el - tl) : d - t;
        dx[i] = g64_canon(r);
    }
}

void SA_F64_KERNEL(log_softmax_backward)(const double *dy, const double *x, double *dx,
                                         double *scratch, size_t n)
{
    double m;
    if (n == 0)
        return;
    if (!g64_row_max(x, n, &m)) {
        for (size_t i = 0; i < n; i++)
            dx[i] = NAN;
        return;
    }
    g64_acc S = {0.0, 0.0};
    for (size_t j = 0; j < n; j++) {
        int k;
        double mt = g64_exp_diff(x[j], m, &k);
        scratch[j] = mt;
        g64_add(&S, ldexp(mt, k), 0.0);
    }
    double sl, sh = g64_get(&S, &sl);
    g64_log_softmax_rows(dy, x, m, scratch, sh, sl, dx, n);
}

void SA_F64_KERNEL(log_softmax_backward_from_output)(const double *dy, const double *y,
                                                     double *dx, double *scratch, size_t n)
{
    (void)scratch;
    if (n == 0)
        return;
    g64_log_softmax_rows(dy, y, 0.0, NULL, 1.0, 0.0, dx, n);
}
