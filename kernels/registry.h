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
 */
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
SA_FN(sigmoid,     SA_UNARY, rr2_p7_div,        0.8, 2.0, 0, "sigmoid(x) = 1 / (1 + exp(-x))")
SA_FN(tanh,        SA_UNARY, p13_rr2_p7_div,    0.7, 2.0, 0, "tanh(x), hyperbolic tangent")
SA_FN(silu,        SA_UNARY, rr2_p7_div,        0.8, 2.0, 0, "silu(x) = x * sigmoid(x)  (swish with beta = 1)")
SA_FN(erf,         SA_UNARY, p13_erfc_p9,       1.1, 2.0, 0, "erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt")
SA_FN(gelu,        SA_UNARY, p9_erfc_p10,       1.3, 2.0, 0, "gelu(x) = x * Phi(x) = x/2 * erfc(-x/sqrt(2))  (exact GELU, erf form)")
SA_FN(gelu_tanh,   SA_UNARY, hilo_rr2_p7_div,   0.8, 2.0, 0, "gelu_tanh(x) = x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))")
SA_FN(softmax,     SA_ROW,   max_rr2_p7_f64sum, 0.7, 2.0, 0, "softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x), over the last axis")
SA_FN(log_softmax, SA_ROW,   max_rr2_p7_log1p,  1.0, 2.0, 1, "log_softmax(x)_i = x_i - max x - log(sum_j exp(x_j - max x)), over the last axis")

/*     name          pname           np  d0    d1    algo             f32  f64  ovf doc */

/*     name          pname  algo             f32  f64  ovf doc */

#ifdef SA_PFN_LOCAL_
#undef SA_PFN
#undef SA_PFN_LOCAL_
#endif
#ifdef SA_BFN_LOCAL_
#undef SA_BFN
#undef SA_BFN_LOCAL_
#endif
