/* simdact's one list of functions.
 *
 * Every public function is exactly one SA_FN line. The dispatch tables (dispatch.c), the ufunc
 * objects (src/simdact/_core.pyx), simdact.functions() and therefore the tests and benchmarks
 * are all generated from this list, so they cannot drift apart.
 *
 *   SA_FN(name, kind, algo, ulp_f32, ulp_f64, ovf, doc)
 *
 *   name     public name; also the ufunc's __name__ (pickling relies on it).
 *   kind     SA_UNARY: elementwise y = f(x), a ufunc with 1 input and 1 output.
 *            SA_ROW:   a gufunc "(n)->(n)" over the last axis (any axis via axis=).
 *   algo     algorithm tag. The float32 kernel of function F with tag A compiled for ISA I is
 *            named sa_f32_F__A__I (for example sa_f32_sigmoid__rr2_p7_div__avx2), so a tag that
 *            no longer matches its kernel is a link error, not a silent drift.
 *   ulp_f32  max error budget in float32 ULPs of a float64 reference, over all finite float32
 *            inputs (the same number is written in the contract above the kernel).
 *   ulp_f64  max error budget of the float64 loop in float64 ULPs (mpmath samples).
 *   ovf      1 when a finite input can have a result beyond the float range (log_softmax of a
 *            row whose spread exceeds it). Only then does a call report the overflow flag, and
 *            such a kernel raises it only for a genuine overflow. With 0 the loops drop every
 *            flag the kernel's intermediates raised (saturated lanes may overflow harmlessly).
 *   doc      one-line formula used as the ufunc docstring's first line.
 *
 * float16 loops compute in float32 and round once: every one of the 2^16 inputs lands within
 * 1 float16 ULP of the exact result (SA_ULP_F16 below) for every function.
 */
#define SA_ULP_F16 1.0

/* Parametric functions and functions of two operands use two more lists, below the first:
 *
 *   SA_PFN(name, pname, np, d0, d1, algo, ulp_f32, ulp_f64, ovf, doc)
 *       a function with np (1 or 2) parameters that have defaults d0 (, d1) as in
 *       torch.nn.functional. It gives two ufuncs: `name(x)` with the defaults, and the
 *       parametric form `name_<pname>(x, p[, q])` whose parameters are broadcastable operands
 *       (pname names them in order, e.g. alpha, beta_threshold, min_max).
 *   SA_BFN(name, pname, algo, ulp_f32, ulp_f64, ovf, doc)
 *       a function of two operands with no default (prelu(x, slope), gated units (a, b)):
 *       one ufunc `name(x, p)`; pname names the second operand.
 *
 * Their kernels are sa_f32_pkernel / sa_f64_pkernel (kernels.h): x plus operands p, q with an
 * element stride of 1 or 0. Budgets hold over the parameter grids of the tests.
 *
 * Where the budgets come from: float32 budgets of unary functions (and of the defaults of the
 * parametric ones) cover their exhaustive maxima over all 2^32 inputs (kernels/tests/ulp_sweep.c
 * exhaustive), rounded up to 0.01 (0.05 for the catalogue); parametric grids and gated units
 * also hold the maxima of the strided sweep (2^22 patterns + windows per parameter tuple);
 * 0.5 / 0.51 where the kernel is proven correctly rounded / within 2^-21 of it. float64
 * budgets are the contract ceilings (measured: <= 1 ULP on mpmath samples).
 */
/* Gradients: one line per backward ufunc, in a fourth list at the end.
 *
 *   SA_GRAD(fwd, src, algo, ulp_f32, ulp_f64)          fwd an SA_FN SA_UNARY function
 *   SA_PGRAD(fwd, pname, src, algo, ulp_f32, ulp_f64)  fwd an SA_PFN (pname repeated from it)
 *   SA_BGRAD(fwd, algo, ulp_f32, ulp_f64)              fwd an SA_BFN: two outputs
 *   SA_RGRAD(fwd, src, algo, c_f32, c_f64)             fwd an SA_ROW function
 *
 *   src x: `<fwd>_backward(dy, x)` = dy * f'(x); src y: `<fwd>_backward_from_output(dy, y)`, the
 *   same gradient written as a function of the forward's output y. An SA_PGRAD gives the form
 *   with default parameters and `<fwd>_<pname>_backward(dy, x, p[, q])`; an SA_BGRAD gives
 *   `dx, dp = <fwd>_backward(dy, x, p)` (dp = dy * df/dp, elementwise: reduce it yourself).
 *   An SA_RGRAD is a gufunc (n),(n)->(n) over the last axis.
 *   Budgets: an elementwise gradient stays within ulp_f32 ULPs + 4 * 2^-24 * S of the float64
 *   reference, S the sum of the absolute values of the terms of the derivative formula (the
 *   second part matters only near the derivative's own zeros; tests/reference.py writes the
 *   terms next to each reference). A row gradient's component i stays within
 *   c * 2^-24 * |y_i| * (|dy_i| + sum_j |y_j dy_j|) (softmax) or c * 2^-24 * (|dy_i| +
 *   y_i sum_j |dy_j|) (log_softmax, y_i = softmax probability), c independent of n (sums are
 *   accumulated in float64). float64 loops: the same with 2^-53.
 */
#ifndef SA_GRAD
#define SA_GRAD(fwd, src, algo, u32, u64)
#define SA_GRAD_LOCAL_
#endif
#ifndef SA_PGRAD
#define SA_PGRAD(fwd, pname, src, algo, u32, u64)
#define SA_PGRAD_LOCAL_
#endif
#ifndef SA_BGRAD
#define SA_BGRAD(fwd, algo, u32, u64)
#define SA_BGRAD_LOCAL_
#endif
#ifndef SA_RGRAD
#define SA_RGRAD(fwd, src, algo, u32, u64)
#define SA_RGRAD_LOCAL_
#endif
#ifndef SA_FAST
#define SA_FAST(name, kind, algo, bits)
#define SA_FAST_LOCAL_
#endif
#ifndef SA_BFAST
#define SA_BFAST(name, algo, bits)
#define SA_BFAST_LOCAL_
#endif
#ifndef SA_F64V
#define SA_F64V(name, algo)
#define SA_F64V_LOCAL_
#endif
#ifndef SA_F64VP
#define SA_F64VP(name, algo)
#define SA_F64VP_LOCAL_
#endif
#ifndef SA_PFN
#define SA_PFN(name, pname, np, d0, d1, algo, u32, u64, ovf, doc)
#define SA_PFN_LOCAL_
#endif
#ifndef SA_BFN
#define SA_BFN(name, pname, algo, u32, u64, ovf, doc)
#define SA_BFN_LOCAL_
#endif

/*    name         kind      algo                f32  f64  ovf  doc */
SA_FN(relu,        SA_UNARY, select,            0.0, 0.0, 0, "relu(x) = max(x, 0); relu(-0) = +0, NaN stays NaN")
SA_FN(sigmoid,     SA_UNARY, rr2_p7_div,        0.78, 2.0, 0, "sigmoid(x) = 1 / (1 + exp(-x))")
SA_FN(tanh,        SA_UNARY, p13_rr2_p7_div,    0.72, 2.0, 0, "tanh(x), hyperbolic tangent")
SA_FN(silu,        SA_UNARY, rr2_p7_div,        0.78, 2.0, 0, "silu(x) = x * sigmoid(x)  (swish with beta = 1)")
SA_FN(erf,         SA_UNARY, p13_erfc_p9,       0.76, 2.0, 0, "erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt")
SA_FN(gelu,        SA_UNARY, p9_erfc_p10,       0.87, 2.0, 0, "gelu(x) = x * Phi(x) = x/2 * erfc(-x/sqrt(2))  (exact GELU, erf form)")
SA_FN(gelu_tanh,   SA_UNARY, hilo_rr2_p7_div,   0.78, 2.0, 0, "gelu_tanh(x) = x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))")
SA_FN(softmax,     SA_ROW,   max_rr2_p7_f64sum, 0.7, 2.0, 0, "softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x), over the last axis")
SA_FN(log_softmax, SA_ROW,   max_rr2_p7_log1p,  1.0, 2.0, 1, "log_softmax(x)_i = x_i - max x - log(sum_j exp(x_j - max x)), over the last axis")
/* the catalogue: functions without parameters */
SA_FN(hardsigmoid, SA_UNARY, pair_rem,          0.5, 1.0, 0, "hardsigmoid(x) = 0 for x <= -3, 1 for x >= 3, else x/6 + 1/2")
SA_FN(hardswish,   SA_UNARY, pair_rem_mul,      0.51, 1.0, 0, "hardswish(x) = x * hardsigmoid(x) = x (x + 3) / 6 on (-3, 3)")
SA_FN(relu6,       SA_UNARY, select,            0.0, 0.0, 0, "relu6(x) = min(max(x, 0), 6)")
SA_FN(softsign,    SA_UNARY, pair_rcpdiv,      0.51, 1.0, 0, "softsign(x) = x / (1 + |x|)")
SA_FN(selu,        SA_UNARY, rr2_p7_expm1,      0.8, 2.0, 1, "selu(x) = scale * (x if x > 0 else alpha * expm1(x)), alpha = 1.6732632423543772, scale = 1.0507009873554805")
SA_FN(mish,        SA_UNARY, rr2_p7_ratd,       0.61, 2.0, 0, "mish(x) = x * tanh(softplus(x))")
SA_FN(log_sigmoid, SA_UNARY, rr2_p7_log1pd,     0.59, 2.0, 0, "log_sigmoid(x) = log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))")

/*     name          pname           np  d0    d1    algo             f32  f64  ovf doc */
SA_PFN(leaky_relu,   slope,          1,  0.01, 0.0,  select_mul,      0.5, 1.0, 1, "leaky_relu(x, slope=0.01) = x if x > 0 else slope * x")
SA_PFN(hardtanh,     min_max,        2, -1.0,  1.0,  select,          0.0, 0.0, 0, "hardtanh(x, min=-1, max=1) = min(max(x, min), max)")
SA_PFN(elu,          alpha,          1,  1.0,  0.0,  rr2_p7_expm1,    0.82, 2.0, 0, "elu(x, alpha=1) = x if x > 0 else alpha * expm1(x)")
SA_PFN(celu,         alpha,          1,  1.0,  0.0,  rcp_rr2_p7_expm1, 0.82, 2.0, 1, "celu(x, alpha=1) = max(0, x) + min(0, alpha * expm1(x / alpha))")
SA_PFN(softplus,     beta_threshold, 2,  1.0, 20.0,  hilo_rr2_p7_log1pd, 0.61, 2.0, 1, "softplus(x, beta=1, threshold=20) = log1p(exp(beta x)) / beta, or x where beta x > threshold")
SA_PFN(swish,        beta,           1,  1.0,  0.0,  hilo_rr2_p7_div, 0.61, 2.0, 0, "swish(x, beta=1) = x * sigmoid(beta x)  (beta = 1: silu)")

/*     name          pname  algo             f32  f64  ovf doc */
SA_BFN(prelu,        slope, select_mul,      0.5, 1.0, 1, "prelu(x, slope) = x if x > 0 else slope * x  (slope an operand: per channel by broadcasting)")
SA_BFN(reglu,        b,     select_mul,      0.5, 1.0, 1, "reglu(a, b) = relu(a) * b")
SA_BFN(swiglu,       b,     rr2_p7_div_f64,  0.61, 3.0, 1, "swiglu(a, b) = silu(a) * b")
SA_BFN(geglu,        b,     p9_erfc_p10_f64, 0.85, 3.0, 1, "geglu(a, b) = gelu(a) * b  (exact erf GELU)")
SA_BFN(geglu_tanh,   b,     hilo_rr2_p7_div_f64, 0.62, 3.0, 1, "geglu_tanh(a, b) = gelu_tanh(a) * b")

/* Gradients.
 *      fwd          src  algo             f32  f64 */
SA_GRAD(relu,        x,   select,          0.0, 0.0)
SA_GRAD(relu,        y,   select,          0.0, 0.0)
/* sigmoid family */
SA_GRAD(sigmoid,     x,   rr2_p11d_div,    0.51, 2.0)
SA_GRAD(sigmoid,     y,   f64_mul,         0.51, 2.0)
SA_GRAD(tanh,        x,   rr2_p11d_div,    0.51, 2.0)
SA_GRAD(tanh,        y,   f64_mul,         0.51, 2.0)
SA_GRAD(silu,        x,   rr2_p11d_div,    0.51, 2.0)
SA_GRAD(log_sigmoid, x,   rr2_p11d_div,    0.51, 2.0)
SA_GRAD(mish,        x,   rr2_p11d_rat,    0.51, 2.0)
SA_PGRAD(softplus, beta_threshold, x, hilo_rr2_p11d_div, 0.51, 2.0)
SA_PGRAD(swish,    beta,           x, hilo_rr2_p11d_div, 0.51, 2.0)
SA_BGRAD(swiglu,   rr2_p11d_div,     0.51, 2.0)

/* erf family and the expm1 units */
SA_GRAD(erf,         x,   sqr2_rr2_p7_f64, 0.59, 2.0)
SA_GRAD(gelu,        x,   p9_erfc_p10_f64, 0.56, 2.0)
SA_GRAD(gelu_tanh,   x,   hilo_rr2_p7_f64, 0.55, 2.0)
SA_GRAD(selu,        x,   rr2_p7_f64,      0.57, 2.0)
SA_GRAD(selu,        y,   f64_add,         0.51, 2.0)
SA_PGRAD(elu,  alpha, x,  rr2_p7_f64,      0.59, 2.0)
SA_PGRAD(elu,  alpha, y,  f64_add,         0.51, 2.0)
SA_PGRAD(celu, alpha, x,  div2_rr2_p7_f64, 0.6, 2.0)
SA_PGRAD(celu, alpha, y,  f64_div,         0.51, 2.0)
SA_BGRAD(geglu,           p9_erfc_p10_f64, 0.83, 2.0)
SA_BGRAD(geglu_tanh,      hilo_rr2_p7_f64, 0.59, 2.0)

/* piecewise functions and rows */
SA_GRAD(hardsigmoid, x,   select_div,      0.5, 0.5)
SA_GRAD(hardswish,   x,   f64_mul,         0.51, 0.51)
SA_GRAD(relu6,       x,   select,          0.0, 0.0)
SA_GRAD(relu6,       y,   select,          0.0, 0.0)
SA_GRAD(softsign,    x,   f64_div,         0.51, 0.51)
/*       fwd         pname    src  algo        f32  f64 */
SA_PGRAD(leaky_relu, slope,   x,   select_mul, 0.5, 0.5)
SA_PGRAD(leaky_relu, slope,   y,   select_mul, 0.5, 0.5)
SA_PGRAD(hardtanh,   min_max, x,   select,     0.0, 0.0)
SA_PGRAD(hardtanh,   min_max, y,   select,     0.0, 0.0)
/*       fwd         algo            f32  f64 */
SA_BGRAD(prelu,      select_mul,     0.5, 0.5)
SA_BGRAD(reglu,      select_mul_f64, 0.5, 0.5)
/*       fwd          src  algo               c_f32 c_f64 */
SA_RGRAD(softmax,     x,   max_rr2_p7_f64sum, 1.2,  3.0)
SA_RGRAD(softmax,     y,   f64sum,            1.01, 3.0)
SA_RGRAD(log_softmax, x,   max_rr2_p7_f64sum, 1.2,  3.0)
SA_RGRAD(log_softmax, y,   rr2_p7_f64sum,     1.2,  3.0)

/* float64 SIMD kernels: one line per SA_FN function (SA_UNARY or SA_ROW) whose float64 loop has
 * AVX2 / AVX-512 kernels (kernels/f64_vec.h, compiled per ISA from kernels/{avx2,avx512}/).
 *
 *   SA_F64V(name, algo)   kernels sa_f64_<name>__<algo>__avx2 and __avx512 (sa_f64_kernel)
 *
 * The float64 loop runs the active ISA's kernel; the scalar ISA, and every function without a
 * line here, keep the portable sa_f64_<name> (f64.c). Same semantics, special values and
 * ulp_f64 budget as the portable kernel; AVX2 and AVX-512 give identical bits.
 *      name         algo */
SA_F64V(relu,        select)
SA_F64V(sigmoid,     rr_p10_div)
SA_F64V(tanh,        rr_p10_expm1_div)
SA_F64V(silu,        rr_p10_div)
SA_F64V(erf,         p9_erfcx8_p13)
SA_F64V(gelu,        p10_erfcx8_p13)
SA_F64V(gelu_tanh,   dd_rr_p10_div)
SA_F64V(hardsigmoid, pair_rem)
SA_F64V(hardswish,   pair_rem_mul)
SA_F64V(softsign,    pair_rcp_div)
SA_F64V(selu,        rr_p10_expm1)
SA_F64V(mish,        rr_p10_ratio_div)
SA_F64V(relu6,       select)
SA_F64V(log_sigmoid, rr_p10_log1p_atanh)

/* The same for the parametric kernels (sa_f64_pkernel) of SA_PFN / SA_BFN functions: every
 * entry whose float64 kernel is sa_f64_<name> (the default and parametric forms, a fast tier's
 * float64 loop) runs the active ISA's kernel.
 *
 *   SA_F64VP(name, algo)  kernels sa_f64_<name>__<algo>__avx2 and __avx512 (sa_f64_pkernel)
 *      name         algo */
SA_F64VP(leaky_relu,  select_mul)
SA_F64VP(prelu,       select_mul)
SA_F64VP(hardtanh,    select)
SA_F64VP(reglu,       select_mul)
SA_F64VP(elu,         rr_p10_expm1)
SA_F64VP(celu,        div_rr_p10_expm1)
SA_F64VP(softplus,    dd_rr_p10_log1p_atanh)
SA_F64VP(swish,       dd_rr_p10_div)
SA_F64VP(swiglu,      rr_p10_div_dd)
SA_F64VP(geglu_tanh,  dd_rr_p10_div_dd)
SA_F64VP(geglu,       p10_erfcx8_p13_dd)
SA_F64V(softmax,     max_rr_p10_ddsum)
SA_F64V(log_softmax, max_rr_p10_log1p_newton)


#ifdef SA_GRAD_LOCAL_
#undef SA_GRAD
#undef SA_GRAD_LOCAL_
#endif
#ifdef SA_PGRAD_LOCAL_
#undef SA_PGRAD
#undef SA_PGRAD_LOCAL_
#endif
#ifdef SA_BGRAD_LOCAL_
#undef SA_BGRAD
#undef SA_BGRAD_LOCAL_
#endif
#ifdef SA_RGRAD_LOCAL_
#undef SA_RGRAD
#undef SA_RGRAD_LOCAL_
#endif
/* The fast tier: one line per function with a fast float32 kernel, a second ufunc
 * `simdact.fast.<name>` (__name__ `<name>_fast`), trading the accurate tier's ULP budget for a
 * relative-error bound and speed.
 *
 *   SA_FAST(name, kind, algo, bits)   name an SA_FN function of that kind (SA_UNARY, SA_ROW)
 *   SA_BFAST(name, algo, bits)        name an SA_BFN function (gated units)
 *
 *   Kernels sa_f32_<name>_fast__<algo>__<isa> (same signature as the accurate kernel). bits:
 *   |y - exact| <= 2^-bits |exact| wherever |exact| >= FLT_MIN (the smallest normal), for every
 *   finite float32 input; below FLT_MIN, |y - exact| <= FLT_MIN. NaN, +-inf and +-0 as the
 *   accurate tier. The fast kernels may use approximations that differ between
 *   ISAs (the bound holds on each). float64 inputs run the accurate float64 kernel; float16 and
 *   bfloat16 compute with the fast float32 kernel.
 *       name         kind      algo           bits */
SA_FAST(sigmoid,     SA_UNARY, fl2_p4_div,    14)
SA_FAST(tanh,        SA_UNARY, rat2_3_div,    14)
SA_FAST(silu,        SA_UNARY, fl2_p4_div,    14)
SA_FAST(erf,         SA_UNARY, rat2_4_div,    14)
SA_FAST(gelu,        SA_UNARY, exp_rat2_3_div, 14)
SA_FAST(gelu_tanh,   SA_UNARY, fl2_p4_div,    14)
SA_FAST(mish,        SA_UNARY, fl2_p4_div,    14)
SA_FAST(softmax,     SA_ROW,   max_fl2_p4_f64sum, 14)
SA_FAST(log_softmax, SA_ROW,   max_fl2_p4_f64sum_log1p, 14)
SA_BFAST(swiglu,               fl2_p4_div_scaled, 14)
SA_BFAST(geglu,                exp_rat2_3_div_scaled, 14)

#ifdef SA_FAST_LOCAL_
#undef SA_FAST
#undef SA_FAST_LOCAL_
#endif
#ifdef SA_BFAST_LOCAL_
#undef SA_BFAST
#undef SA_BFAST_LOCAL_
#endif
#ifdef SA_F64V_LOCAL_
#undef SA_F64V
#undef SA_F64V_LOCAL_
#endif
#ifdef SA_F64VP_LOCAL_
#undef SA_F64VP
#undef SA_F64VP_LOCAL_
#endif
#ifdef SA_PFN_LOCAL_
#undef SA_PFN
#undef SA_PFN_LOCAL_
#endif
#ifdef SA_BFN_LOCAL_
#undef SA_BFN
#undef SA_BFN_LOCAL_
#endif
