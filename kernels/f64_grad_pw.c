/* simdact float64 gradient kernels of the piecewise functions (and the from-output forms and
 * row gradients): portable C, one per gradient line of registry.h, named sa_f64_<gradient>.
 * Same semantics as the float32 kernels (f32_grad_pw.h): dx = dy * f'(x) as an IEEE product;
 * NaN operands come back quieted with the precedence x, dy, p, q. */
#include <math.h>
#include <stddef.h>
#include "kernels.h"

/* NaN precedence x, dy, p, q (quieted by the addition); otherwise r. */
static inline double grad_nan(double dy, double x, double p, double q, double r)
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

/* relu'(x) = [x > 0]; exact. */
void SA_F64_KERNEL(relu_backward)(const double *dy, const double *x, const double *p, size_t ps,
                                  const double *q, size_t qs, double *dx, double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++)
        dx[i] = grad_nan(dy[i], x[i], p[0], q[0], dy[i] * (x[i] > 0.0 ? 1.0 : 0.0));
}

/* With y = relu(x): [y > 0]; exact. */
void SA_F64_KERNEL(relu_backward_from_output)(const double *dy, const double *y, const double *p,
                                              size_t ps, const double *q, size_t qs, double *dx,
                                              double *dp, size_t n)
{
    (void)ps, (void)qs, (void)dp;
    for (size_t i = 0; i < n; i++)
        dx[i] = grad_nan(dy[i], y[i], p[0], q[0], dy[i] * (y[i] > 0.0 ? 1.0 : 0.0));
}
