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
