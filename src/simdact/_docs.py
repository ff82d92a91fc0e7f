"""Hand-written reference text for every function in simdact's registry, as Python data.

`python -m simdact docs --write docs/functions.md` renders docs/functions.md from this text
plus the live registry (simdact.functions(): ufunc names, kind, algorithm tag, budgets,
overflow flag), so the figures on that page always come from the registry.

One FunctionDoc per base name (the name of the registry's first ufunc of the function: `elu`
covers `elu` and `elu_alpha`). Besides the text, every entry carries its derivative as float64
Python callables, which tests/test_docs.py compares with a finite difference of the float64
ufunc, so the documented derivatives are checked, not just written:

    derivative(x, *params)         dy/dx, elementwise (for the row functions softmax and
                                   log_softmax: the Jacobian-vector product J(x) v, called as
                                   derivative(x, v) on one row)
    param_derivatives(x, *params)  tuple of dy/dp, one per parameter operand (the second
                                   operand of prelu and of the gated units included), or None

`params` must name the registry's parameters in order, with the registry's defaults (None
where the function has no default); render() checks it. Special values are taken from the
kernels' contract comments (kernels/f32_kernels.h, kernels/f32_catalogue_exp.h,
kernels/f32_catalogue_pw.h) and README.md.
"""
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Param", "FunctionDoc", "DOCS", "render", "resolve", "COMMAND"]

COMMAND = "python -m simdact docs --write docs/functions.md"


@dataclass(frozen=True)
class Param:
    name: str
    default: object          # float, or None for an operand without a default
    meaning: str


@dataclass(frozen=True)
class FunctionDoc:
    formula: str
    derivative_text: str
    torch: str
    algorithm: str
    special: tuple
    derivative: object                  # callable, float64
    params: tuple = ()
    param_derivatives: object = None    # callable returning a tuple, or None
    sample_params: tuple = ()           # parameter tuples for the derivative test
    note: str = ""


# ----------------------------------------------------------------- float64 helpers
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_GT_C = math.sqrt(2.0 / math.pi)          # gelu_tanh: tanh(c (x + k x^3))
_GT_K = 0.044715
_erf = np.vectorize(math.erf, otypes=[float])


def _a(x):
    return np.asarray(x, dtype=np.float64)


def _sig(x):
    x = _a(x)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _dsig(x):
    s = _sig(x)
    return s * (1.0 - s)


def _phi(x):                      # standard normal density
    x = _a(x)
    return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _Phi(x):                      # standard normal distribution function
    return 0.5 * (1.0 + _erf(_a(x) / math.sqrt(2.0)))


def _silu(x):
    return _a(x) * _sig(x)


def _dsilu(x):
    s = _sig(x)
    return s * (1.0 + _a(x) * (1.0 - s))


def _gelu(x):
    return _a(x) * _Phi(x)


def _dgelu(x):
    return _Phi(x) + _a(x) * _phi(x)


def _gelu_tanh(x):
    x = _a(x)
    return 0.5 * x * (1.0 + np.tanh(_GT_C * (x + _GT_K * x ** 3)))


def _dgelu_tanh(x):
    x = _a(x)
    t = np.tanh(_GT_C * (x + _GT_K * x ** 3))
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _GT_C * (1.0 + 3.0 * _GT_K * x * x)


def _softplus1(x):                # log(1 + e^x), stable
    x = _a(x)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _softmax(x):
    x = _a(x)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _jvp_softmax(x, v):
    s = _softmax(x)
    v = _a(v)
    return s * (v - (s * v).sum(axis=-1, keepdims=True))


def _jvp_log_softmax(x, v):
    s = _softmax(x)
    v = _a(v)
    return v - (s * v).sum(axis=-1, keepdims=True)


def _d_mish(x):
    x = _a(x)
    t = np.tanh(_softplus1(x))
    return t + x * (1.0 - t * t) * _sig(x)


def _d_softplus(x, beta, threshold):
    x, beta = _a(x), _a(beta)
    return np.where(beta * x > threshold, 1.0, _sig(beta * x))


def _dp_softplus(x, beta, threshold):
    x, beta = _a(x), _a(beta)
    lin = beta * x > threshold
    sp = _softplus1(beta * x) / beta
    d_beta = np.where(lin, 0.0, (x * _sig(beta * x) - sp) / beta)
    return d_beta, np.zeros_like(d_beta)


def _d_celu(x, alpha):
    x, alpha = _a(x), _a(alpha)
    return np.where(x > 0, 1.0, np.exp(np.where(x > 0, 0.0, x / alpha)))


def _dp_celu(x, alpha):
    x, alpha = _a(x), _a(alpha)
    z = np.where(x > 0, 0.0, x / alpha)
    return (np.where(x > 0, 0.0, np.expm1(z) - z * np.exp(z)),)


def _d_swish(x, beta):
    x, beta = _a(x), _a(beta)
    s = _sig(beta * x)
    return s + beta * x * s * (1.0 - s)


def _dp_swish(x, beta):
    x, beta = _a(x), _a(beta)
    return (x * x * _dsig(beta * x),)


def _d_hardtanh(x, lo, hi):
    x = _a(x)
    return np.where((x > lo) & (x < hi), 1.0, 0.0)


def _dp_hardtanh(x, lo, hi):
    x = _a(x)
    return np.where(x < lo, 1.0, 0.0), np.where(x > hi, 1.0, 0.0)


def _d_leaky(x, slope):
    x = _a(x)
    return np.where(x > 0, 1.0, slope + 0.0 * x)


def _dp_leaky(x, slope):
    x = _a(x)
    return (np.where(x > 0, 0.0, x) + 0.0 * _a(slope),)


def _gated(act, dact):
    return (lambda a, b: _a(b) * dact(a),
            lambda a, b: (act(a) + 0.0 * _a(b),))


_NAN = "NaN in any operand gives NaN out"

# ----------------------------------------------------------------------------- the entries
DOCS = {
    "relu": FunctionDoc(
        formula="relu(x) = max(x, 0)",
        derivative_text="relu′(x) = 1 for x > 0, 0 for x < 0 (kink at 0; PyTorch's autograd "
                        "uses 0 there)",
        torch="torch.nn.functional.relu(x)",
        algorithm="a select: x ≤ 0 gives +0, anything else passes; exact.",
        special=("relu(−0) = +0, relu(−inf) = +0, relu(+inf) = +inf",
                 "NaN → NaN (same payload, quieted); subnormals pass through unchanged"),
        derivative=lambda x: np.where(_a(x) > 0, 1.0, 0.0)),
    "sigmoid": FunctionDoc(
        formula="σ(x) = 1 / (1 + e^(−x))",
        derivative_text="σ′(x) = σ(x) · (1 − σ(x))",
        torch="torch.sigmoid(x)",
        algorithm="e = exp(−|x|) by Cody–Waite reduction (ln 2 in two constants) and a "
                  "degree-7 polynomial, kept as mantissa·2^k; reflection 1/(1+e) or e/(1+e) "
                  "with the rounding of 1 + e carried (Fast2Sum); a subnormal result is "
                  "rounded once.",
        special=("σ(±0) = 0.5, σ(+inf) = 1, σ(−inf) = +0, NaN → NaN",
                 "float32 results go subnormal below x ≈ −87.3 and round to +0 below "
                 "x ≈ −103.97"),
        derivative=_dsig),
    "tanh": FunctionDoc(
        formula="tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x))",
        derivative_text="tanh′(x) = 1 − tanh²(x)",
        torch="torch.tanh(x)",
        algorithm="odd, on a = |x|: a < 0.625 an odd minimax polynomial of degree 13; "
                  "otherwise 1 − 2E/(1 + E) with E = exp(−2a) and the quotient carried as a "
                  "pair, so only the final add rounds; saturates to 1 above a ≈ 9.01.",
        special=("tanh(±0) = ±0, tanh(±inf) = ±1, NaN → NaN",
                 "subnormal x → x"),
        derivative=lambda x: 1.0 - np.tanh(_a(x)) ** 2),
    "silu": FunctionDoc(
        formula="silu(x) = x · σ(x) = x / (1 + e^(−x))",
        derivative_text="silu′(x) = σ(x) · (1 + x · (1 − σ(x)))",
        torch="torch.nn.functional.silu(x)",
        algorithm="the sigmoid core gives σ(x) = q·2^k with q normal; y = (x·q)·2^k scaled "
                  "once at the end, so the negative tail keeps its bits down to the "
                  "underflow point (x ≈ −108.3); x > 100 → x.",
        special=("silu(±0) = ±0, silu(+inf) = +inf, silu(−inf) = −0 (and −0 for every "
                 "x < −120), NaN → NaN",),
        derivative=_dsilu),
    "erf": FunctionDoc(
        formula="erf(x) = 2/√π ∫₀ˣ e^(−t²) dt",
        derivative_text="erf′(x) = 2/√π · e^(−x²)",
        torch="torch.erf(x)",
        algorithm="odd, on a = |x|: a < 0.875 a·(2/√π + a²P(a²)) with 2/√π split hi + lo; "
                  "a ≥ 0.875: 1 − e^(−a²)·Q(a − 2.3975) (a² as an exact pair, Q of degree "
                  "9); a ≥ 4: 1.",
        special=("erf(±0) = ±0, erf(±inf) = ±1, NaN → NaN",
                 "subnormal x → 2x/√π (rounded)"),
        derivative=lambda x: 2.0 / math.sqrt(math.pi) * np.exp(-_a(x) ** 2)),
    "gelu": FunctionDoc(
        formula="gelu(x) = x · Φ(x) = x/2 · erfc(−x/√2)   (Φ the standard normal CDF; exact "
                "GELU, erf form)",
        derivative_text="gelu′(x) = Φ(x) + x · φ(x),   φ(x) = e^(−x²/2) / √(2π)",
        torch='torch.nn.functional.gelu(x)  (approximate="none", the default)',
        algorithm="|x| < 0.5: x/2 + x²·(1/√(2π) + x²P(x²)); |x| ≥ 0.5: a·Φ(−a) = "
                  "e^(−a²/2)·T(a) with a²/2 an exact hi + lo pair into the exp core and T "
                  "piecewise (degree 10 / degree 8 in 1/a²); the negative tail kept as "
                  "mantissa·2^k and scaled once; x < −20 → −0, x > 20 → x.",
        special=("gelu(±0) = ±0, gelu(+inf) = +inf, gelu(−inf) = −0, NaN → NaN",
                 "float32: relative accuracy holds down to the underflow point (x ≈ −14.3)"),
        derivative=_dgelu),
    "gelu_tanh": FunctionDoc(
        formula="gelu_tanh(x) = x/2 · (1 + tanh(u)),   u = √(2/π) · (x + 0.044715 x³)   "
                "(= x · σ(2u))",
        derivative_text="gelu_tanh′(x) = ½(1 + tanh u) + x/2 · (1 − tanh² u) · √(2/π) · "
                        "(1 + 3 · 0.044715 x²)",
        torch='torch.nn.functional.gelu(x, approximate="tanh")',
        algorithm="x · σ(v), v = 2u formed as an unevaluated pair vh + vl (constants split "
                  "hi + lo, x² exact by FMA) and folded into the exp of the sigmoid core "
                  "(no rounded exp argument); (x·q)·2^k scaled once at the end; x < −20 → "
                  "−0, x > 20 → x.",
        special=("gelu_tanh(±0) = ±0, gelu_tanh(+inf) = +inf, gelu_tanh(−inf) = −0, "
                 "NaN → NaN",
                 "float32: relative accuracy holds down to the underflow point (x ≈ −11.3)"),
        derivative=_dgelu_tanh),
    "softmax": FunctionDoc(
        formula="softmax(x)ᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m),   m = maxⱼ xⱼ, over one axis "
                "(`axis=`, default the last)",
        derivative_text="Jacobian ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ); Jacobian-vector product "
                        "J v = s ⊙ (v − ⟨s, v⟩),   s = softmax(x)",
        torch="torch.nn.functional.softmax(x, dim=-1)",
        algorithm="three passes per row: the max (NaN propagates); e = exp(x − m) with "
                  "x − m an exact TwoSum pair, kept unrounded in float64 and summed into 16 "
                  "float64 partial sums reduced in a fixed order (bit-identical on every "
                  "ISA) and kept (on the stack, or a malloc'd row past 4096 elements) for the "
                  "third pass: e · (1/S) rounded once to float32. The float64 kernel keeps "
                  "its exp pair the same way (scaled by 2^600 so it stays normal).",
        special=("a row holding a NaN or a +inf, or a row of only −inf, is all NaN "
                 "(matches PyTorch)",
                 "−inf entries in an otherwise finite row give exactly 0",
                 "an empty axis gives an empty result; a row of one finite value gives [1]",
                 "never overflows (every element ≤ 1)"),
        derivative=_jvp_softmax),
    "log_softmax": FunctionDoc(
        formula="log_softmax(x)ᵢ = xᵢ − m − log Σⱼ e^(xⱼ − m),   m = maxⱼ xⱼ, over one axis "
                "(`axis=`, default the last)",
        derivative_text="Jacobian ∂yᵢ/∂xⱼ = δᵢⱼ − sⱼ; Jacobian-vector product "
                        "J v = v − ⟨s, v⟩ (the scalar subtracted from every element),   "
                        "s = softmax(x)",
        torch="torch.nn.functional.log_softmax(x, dim=-1)",
        algorithm="max; T = Σ e^(xⱼ − m) over the elements below the max (float64 partial "
                  "sums, fixed order) and c = the count of elements equal to the max; "
                  "L = log1p((c − 1) + T) in float64, so the max elements do not cancel; "
                  "y = (xᵢ − m) − L in float64, rounded once.",
        special=("a row holding a NaN or a +inf, or a row of only −inf, is all NaN "
                 "(matches PyTorch)",
                 "−inf entries in an otherwise finite row give −inf",
                 "an empty axis gives an empty result; a row of one finite value gives [0]",
                 "may overflow: a row whose spread exceeds the float range has results "
                 "beyond it (genuine overflow, flag raised)"),
        derivative=_jvp_log_softmax),
    "hardsigmoid": FunctionDoc(
        formula="hardsigmoid(x) = 0 for x ≤ −3, 1 for x ≥ 3, x/6 + 1/2 in between",
        derivative_text="hardsigmoid′(x) = 1/6 on (−3, 3), 0 for |x| > 3 (kinks at ±3)",
        torch="torch.nn.functional.hardsigmoid(x)",
        algorithm="c = clamp(x, −3, 3); (c + 3)/6 in float32 as q + d: c + 3 as an exact "
                  "pair, q = s · fl(1/6), the remainder exact by an FMA, d = r/6 with 1/6 as "
                  "two floats; y = q + d rounded once: correctly rounded, ties to even "
                  "included (proof in the kernel contract; PyTorch rounds twice).",
        special=("hardsigmoid(±0) = 0.5, x ≤ −3 and −inf → +0, x ≥ 3 and +inf → 1, "
                 "NaN → NaN",
                 "never overflows"),
        derivative=lambda x: np.where(np.abs(_a(x)) < 3, 1.0 / 6.0, 0.0)),
    "hardswish": FunctionDoc(
        formula="hardswish(x) = x · hardsigmoid(x) = 0 for x ≤ −3, x for x ≥ 3, "
                "x(x + 3)/6 in between",
        derivative_text="hardswish′(x) = (2x + 3)/6 on (−3, 3), 0 for x < −3, 1 for x > 3 "
                        "(kinks at ±3)",
        torch="torch.nn.functional.hardswish(x)",
        algorithm="c = clamp(x, −3, 3); (c + 3)/6 as hardsigmoid's q + d, then "
                  "y = fma(max(x, −3), q, c·d), rounded once (error ≤ 0.5 + 2^−21 ULP); "
                  "x > 3 → x with no select (q = 1, d = 0 there).",
        special=("hardswish(±0) = ±0; x ≤ −3 and −inf → −0 (PyTorch's x·relu6(x + 3)/6 "
                 "gives NaN at −inf and for x beyond 5.7e37)",
                 "x ≥ 3 → x, +inf → +inf, NaN → NaN; never overflows"),
        derivative=lambda x: np.where(_a(x) > 3, 1.0,
                                      np.where(_a(x) < -3, 0.0, (2.0 * _a(x) + 3.0) / 6.0))),
    "relu6": FunctionDoc(
        formula="relu6(x) = min(max(x, 0), 6) = hardtanh(x, 0, 6)",
        derivative_text="relu6′(x) = 1 on (0, 6), 0 outside (kinks at 0 and 6)",
        torch="torch.nn.functional.relu6(x)",
        algorithm="two selects (PyTorch's vectorized clamp); exact.",
        special=("relu6(±0) = +0, −inf → +0, +inf → 6, NaN → NaN",
                 "subnormals pass through"),
        derivative=lambda x: np.where((_a(x) > 0) & (_a(x) < 6), 1.0, 0.0)),
    "softsign": FunctionDoc(
        formula="softsign(x) = x / (1 + |x|)",
        derivative_text="softsign′(x) = 1 / (1 + |x|)²",
        torch="torch.nn.functional.softsign(x)",
        algorithm="a = min(|x|, 2^30); 1 + a as an exact pair (Fast2Sum, the larger "
                  "first); u = 1/(1 + a) by the one division, q = a·u, corrected by its FMA "
                  "remainder times u; sign of x copied back (≤ 0.5 + 2^−20.8 ULP, 0.5000001 "
                  "measured; PyTorch rounds twice).",
        special=("softsign(±0) = ±0, softsign(±inf) = ±1, NaN → NaN",
                 "subnormal x → x; never overflows"),
        derivative=lambda x: 1.0 / (1.0 + np.abs(_a(x))) ** 2),
    "selu": FunctionDoc(
        formula="selu(x) = scale · x for x > 0, scale · α · (e^x − 1) for x ≤ 0,   "
                "α = 1.6732632423543772848, scale = 1.0507009873554804934",
        derivative_text="selu′(x) = scale for x > 0, scale · α · e^x for x < 0 (kink at 0: "
                        "the left derivative is scale·α ≈ 1.758)",
        torch="torch.nn.functional.selu(x)",
        algorithm="expm1 core (Cody–Waite, degree-7 polynomial, never exp(x) − 1) on "
                  "min(x, 0); scale·max(x, 0) + (scale·α)·expm1(min(x, 0)) in float64 with "
                  "float64 constants, rounded once.",
        special=("selu(±0) = ±0, selu(+inf) = +inf, selu(−inf) = −scale·α (rounded: "
                 "≈ −1.7581), NaN → NaN",
                 "may overflow: x > FLT_MAX / scale gives +inf (genuine, flag raised)"),
        derivative=lambda x: np.where(_a(x) > 0, _SELU_SCALE,
                                      _SELU_SCALE * _SELU_ALPHA * np.exp(np.minimum(_a(x), 0)))),
    "mish": FunctionDoc(
        formula="mish(x) = x · tanh(softplus(x)) = x · n / (n + 2),   n = e^x (e^x + 2)",
        derivative_text="mish′(x) = tanh(sp(x)) + x · (1 − tanh²(sp(x))) · σ(x),   "
                        "sp(x) = log(1 + e^x)",
        torch="torch.nn.functional.mish(x)",
        algorithm="A = exp(−|x|) exactly in float64 from the exp core; tanh(softplus) as a "
                  "rational function of A (A(A + 2)/(A(A + 2) + 2) for x ≤ 0, "
                  "(1 + 2A)/(1 + 2A + 2A²) for x > 0: no e^x, no overflow), times x in "
                  "float64, rounded once; x < −120 → −0.",
        special=("mish(±0) = ±0, mish(+inf) = +inf, mish(−inf) = −0, NaN → NaN",
                 "float32: full relative accuracy down to the underflow point (x ≈ −107.5)"),
        derivative=_d_mish),
    "log_sigmoid": FunctionDoc(
        formula="log_sigmoid(x) = log σ(x) = −softplus(−x) = min(x, 0) − log(1 + e^(−|x|))",
        derivative_text="log_sigmoid′(x) = 1 − σ(x) = σ(−x)",
        torch="torch.nn.functional.logsigmoid(x)",
        algorithm="E = exp(−|x|) exactly in float64 from the exp core; "
                  "min(x, 0) − log1p(E) in float64 (2 atanh(E/(2 + E)) by a minimax polynomial, 2^-33), "
                  "rounded once.",
        special=("log_sigmoid(±0) = −log 2, log_sigmoid(+inf) = −0, log_sigmoid(−inf) = "
                 "−inf, NaN → NaN",
                 "float32: results for x > 87 are tiny negative numbers, subnormal above "
                 "87.3, −0 above 103.3, kept to full relative accuracy"),
        derivative=lambda x: _sig(-_a(x))),
    "leaky_relu": FunctionDoc(
        formula="leaky_relu(x, slope) = x for x > 0, slope · x for x ≤ 0",
        derivative_text="∂/∂x = 1 for x > 0, slope for x < 0 (kink at 0; PyTorch's autograd "
                        "uses slope there);   ∂/∂slope = x for x ≤ 0, 0 for x > 0",
        torch="torch.nn.functional.leaky_relu(x, negative_slope=0.01)",
        params=(Param("slope", 0.01, "the slope for x ≤ 0 (PyTorch: negative_slope); any "
                                     "sign; float32 loops use the float 0.01f"),),
        algorithm="one select and one correctly rounded product (0.5 ULP); the discarded "
                  "lanes multiply slope by +0, so only a genuine overflow raises a flag.",
        special=("leaky_relu(±0) = ±0 · slope (−0 for slope > 0, +0 for slope < 0), "
                 "+inf → +inf, −inf → −inf · slope",
                 "NaN x → NaN; NaN slope → NaN for x ≤ 0, x for x > 0",
                 "may overflow only with |slope| > 1 and x ≤ 0 (genuine; impossible at the "
                 "default slope)"),
        derivative=_d_leaky, param_derivatives=_dp_leaky,
        sample_params=((0.25,), (-0.3,), (1.7,))),
    "hardtanh": FunctionDoc(
        formula="hardtanh(x, min, max) = min(max(x, min), max) = clamp(x, min, max)",
        derivative_text="∂/∂x = 1 on (min, max), 0 outside;   ∂/∂min = 1 for x < min, "
                        "0 otherwise;   ∂/∂max = 1 for x > max, 0 otherwise (kinks at min and "
                        "max)",
        torch="torch.nn.functional.hardtanh(x, min_val=-1.0, max_val=1.0)",
        params=(Param("min", -1.0, "lower bound (PyTorch: min_val)"),
                Param("max", 1.0, "upper bound (PyTorch: max_val)")),
        algorithm="two selects, exactly PyTorch's vectorized clamp (max then min, NaN "
                  "bounds propagate); exact.",
        special=("hardtanh(−0) = −0 when min < 0 < max, +0 when min = +0",
                 "±inf → max / min; min > max → max (as PyTorch)",
                 "NaN x, min or max → NaN; never overflows"),
        derivative=_d_hardtanh, param_derivatives=_dp_hardtanh,
        sample_params=((-0.5, 2.0), (-2.0, 3.0))),
    "elu": FunctionDoc(
        formula="elu(x, α) = x for x > 0, α · (e^x − 1) for x ≤ 0",
        derivative_text="∂/∂x = 1 for x > 0, α · e^x for x < 0 (continuous at 0 only for "
                        "α = 1);   ∂/∂α = e^x − 1 for x ≤ 0, 0 for x > 0",
        torch="torch.nn.functional.elu(x, alpha=1.0)",
        params=(Param("alpha", 1.0, "α, the saturation value −α for x → −inf; any sign "
                                    "(α < 0 gives results in [0, −α))"),),
        algorithm="expm1 core (Cody–Waite, degree-7 polynomial, expm1 = ((1 − 2^−n) + s)·2^n "
                  "in float64, never exp(x) − 1) on min(x, 0); α·expm1 in float64, rounded "
                  "once; x < −87.5 → −α.",
        special=("elu(±0) = α · (±0) (elu(−0) = −0 for α > 0), elu(+inf) = +inf, "
                 "elu(−inf) = −α",
                 "NaN x → NaN; NaN α → NaN for x ≤ 0, x for x > 0",
                 "never overflows (|elu(x, α)| ≤ max(x, |α|))"),
        derivative=lambda x, alpha: np.where(_a(x) > 0, 1.0,
                                             _a(alpha) * np.exp(np.minimum(_a(x), 0))),
        param_derivatives=lambda x, alpha: (np.where(_a(x) > 0, 0.0, np.expm1(
            np.minimum(_a(x), 0))) + 0.0 * _a(alpha),),
        sample_params=((0.5,), (1.7,), (-1.0,))),
    "celu": FunctionDoc(
        formula="celu(x, α) = max(0, x) + min(0, α · (e^(x/α) − 1)) = x for x > 0, "
                "α · (e^(x/α) − 1) for x ≤ 0",
        derivative_text="∂/∂x = 1 for x > 0, e^(x/α) for x < 0 (continuous at 0 for every "
                        "α);   ∂/∂α = e^(x/α) − 1 − (x/α) · e^(x/α) for x ≤ 0, 0 for x > 0",
        torch="torch.nn.functional.celu(x, alpha=1.0)",
        params=(Param("alpha", 1.0, "α, the saturation value −α for x → −inf (α > 0); "
                                    "α < 0 is accepted (the result then grows like "
                                    "|α| e^(x/α)); α = 0 gives 0 for x < 0 (PyTorch "
                                    "rejects α = 0)"),),
        algorithm="z = x/α as an exact-enough pair (quotient plus FMA remainder), so the "
                  "exp argument is not rounded; expm1 core as elu; α·expm1 in float64, "
                  "rounded once; |x| > 256|α| saturates without forming x/α.",
        special=("celu(±0) = ±0, celu(+inf) = +inf, celu(−inf) = −α (α > 0) or −inf "
                 "(α < 0), NaN → NaN",
                 "may overflow only for α < 0 and x < 0 where |α| e^(x/α) exceeds the float "
                 "range (genuine; impossible at the default α)"),
        derivative=_d_celu, param_derivatives=_dp_celu,
        sample_params=((0.5,), (1.7,), (-1.3,))),
    "softplus": FunctionDoc(
        formula="softplus(x, β, threshold) = log(1 + e^(βx)) / β, or x where βx > threshold",
        derivative_text="∂/∂x = σ(βx) where βx ≤ threshold, 1 where βx > threshold;   "
                        "∂/∂β = (x · σ(βx) − softplus(x, β)) / β where βx ≤ threshold, 0 "
                        "otherwise;   ∂/∂threshold = 0 (away from the switch βx = threshold, "
                        "where the value jumps by log1p(e^(−threshold))/β)",
        torch="torch.nn.functional.softplus(x, beta=1.0, threshold=20.0)",
        params=(Param("beta", 1.0, "β, the sharpness (softplus → relu as β → inf); β = 0 "
                                   "gives +inf (log 2 / 0, as PyTorch)"),
                Param("threshold", 20.0, "above this value of βx (tested on the float32 "
                                         "product, as PyTorch) the result is x itself")),
        algorithm="v = βx as an exact FMA pair, E = exp(−|v|) exactly in float64 from the "
                  "exp core, y = (v > 0 ? x : 0) + log1p(E)/β in float64 (log1p as in "
                  "log_sigmoid; no rounded v divided back), rounded once; |βx| > 200 "
                  "saturates, decided without a product that could overflow. One β = 1 "
                  "and one threshold ≥ 16 for a whole call (the defaults) compute "
                  "−log_sigmoid(−x) instead: the same bits, faster.",
        special=("softplus(+inf) = +inf, softplus(−inf) = +0 (β > 0), NaN → NaN",
                 "|βx| > 200: x for βx > 0, ±0 (sign of β) for βx < 0",
                 "may overflow only genuinely (L/β for a tiny β, e.g. log 2 / β beyond the "
                 "float range; impossible at the defaults)"),
        derivative=_d_softplus, param_derivatives=_dp_softplus,
        sample_params=((0.5, 20.0), (2.0, 5.0), (1.7, 50.0))),
    "swish": FunctionDoc(
        formula="swish(x, β) = x · σ(βx)   (β = 1: silu)",
        derivative_text="∂/∂x = σ(βx) + βx · σ(βx) · (1 − σ(βx));   "
                        "∂/∂β = x² · σ(βx) · (1 − σ(βx))",
        torch="x * torch.sigmoid(beta * x)  (β = 1: torch.nn.functional.silu(x); PyTorch "
              "has no swish with β)",
        params=(Param("beta", 1.0, "β, any sign; β = 0 gives x/2"),),
        algorithm="v = βx as an exact FMA pair folded into the exp of a wide sigmoid core "
                  "(|v| ≤ 200) as (q + ql)·2^k; y = x·(q + ql)·2^k in float64, rounded once "
                  "(full relative accuracy to the underflow point for any β).",
        special=("swish(±0) = ±0; swish(+inf) = +inf (β > 0) / +0 (β < 0); swish(−inf) = "
                 "−0 (β > 0) / −inf (β < 0); NaN → NaN",
                 "|βx| > 200: x (βx > 0) or ±0 (βx < 0)",
                 "never overflows (|swish(x)| ≤ |x|)"),
        derivative=_d_swish, param_derivatives=_dp_swish,
        sample_params=((0.5,), (1.7,), (-1.0,))),
    "prelu": FunctionDoc(
        formula="prelu(x, slope) = x for x > 0, slope · x for x ≤ 0",
        derivative_text="∂/∂x = 1 for x > 0, slope for x < 0 (kink at 0);   ∂/∂slope = x "
                        "for x ≤ 0, 0 for x > 0",
        torch="torch.nn.functional.prelu(x, weight)  (PyTorch applies weight along dim 1; "
              "here slope broadcasts by NumPy's rules, e.g. slope[:, None, None] for NCHW)",
        params=(Param("slope", None, "an operand broadcast against x (per channel by "
                                     "broadcasting, or a scalar); no default"),),
        algorithm="as leaky_relu: one select and one correctly rounded product (0.5 ULP).",
        special=("prelu(±0, s) = ±0 · s, +inf → +inf, −inf → −inf · s",
                 "NaN x → NaN; NaN slope → NaN for x ≤ 0, x for x > 0",
                 "may overflow only with |slope| > 1 and x ≤ 0 (genuine)"),
        derivative=_d_leaky, param_derivatives=_dp_leaky,
        sample_params=((0.25,), (-0.3,), (1.7,))),
    "reglu": FunctionDoc(
        formula="reglu(a, b) = relu(a) · b = max(a, 0) · b   (gate activation on the first "
                "operand)",
        derivative_text="∂/∂a = b for a > 0, 0 for a < 0 (kink at 0);   ∂/∂b = relu(a)",
        torch="torch.nn.functional.relu(a) * b",
        params=(Param("b", None, "the second (linear) operand, broadcast against a"),),
        algorithm="(a > 0 ? a : +0) · b, one correctly rounded product (0.5 ULP).",
        special=("a ≤ 0 (including −0 and −inf) → +0 · b: +0 for b ≥ +0, −0 for b < 0, "
                 "NaN for b = ±inf",
                 "a = +inf → ±inf (NaN for b = 0); NaN a or b → NaN",
                 "may overflow: a · b beyond the float range (genuine)"),
        derivative=lambda a, b: np.where(_a(a) > 0, _a(b), 0.0),
        param_derivatives=lambda a, b: (np.maximum(_a(a), 0.0) + 0.0 * _a(b),),
        sample_params=((-1.7,), (0.6,), (2.5,))),
    "swiglu": FunctionDoc(
        formula="swiglu(a, b) = silu(a) · b = a · σ(a) · b   (gate activation on the first "
                "operand)",
        derivative_text="∂/∂a = b · σ(a) · (1 + a · (1 − σ(a)));   ∂/∂b = silu(a)",
        torch="torch.nn.functional.silu(a) * b",
        params=(Param("b", None, "the second (linear) operand, broadcast against a "
                                 "(LLaMA MLP: swiglu(gate_proj(x), up_proj(x)))"),),
        algorithm="wide sigmoid core; (a·b)·(q + ql)·2^k in float64 (a·b exact), rounded "
                  "once: silu(a) is never rounded on its own, so a subnormal silu(a) times a "
                  "large b keeps its bits; a < −200 → ±0 (sign of a·b).",
        special=("(+inf, b) → +inf · b, (−inf, b) → −0 · b, (±0, b) → ±0 · b, NaN → NaN",
                 "may overflow: |silu(a) · b| beyond the float range (genuine)"),
        derivative=_gated(_silu, _dsilu)[0], param_derivatives=_gated(_silu, _dsilu)[1],
        sample_params=((-1.7,), (0.6,), (2.5,))),
    "geglu": FunctionDoc(
        formula="geglu(a, b) = gelu(a) · b = a · Φ(a) · b   (exact erf GELU on the first "
                "operand)",
        derivative_text="∂/∂a = b · (Φ(a) + a · φ(a));   ∂/∂b = gelu(a)",
        torch="torch.nn.functional.gelu(a) * b",
        params=(Param("b", None, "the second (linear) operand, broadcast against a"),),
        algorithm="gelu's pieces finished in float64 and multiplied by b before the single "
                  "rounding (a subnormal gelu(a) is never rounded before the product).",
        special=("(+inf, b) → +inf · b, (−inf, b) → −0 · b, (±0, b) → ±0 · b, NaN → NaN",
                 "may overflow: |gelu(a) · b| beyond the float range (genuine)"),
        derivative=_gated(_gelu, _dgelu)[0], param_derivatives=_gated(_gelu, _dgelu)[1],
        sample_params=((-1.7,), (0.6,), (2.5,))),
    "geglu_tanh": FunctionDoc(
        formula="geglu_tanh(a, b) = gelu_tanh(a) · b   (tanh-approximated GELU on the first "
                "operand)",
        derivative_text="∂/∂a = b · gelu_tanh′(a) (see gelu_tanh);   ∂/∂b = gelu_tanh(a)",
        torch='torch.nn.functional.gelu(a, approximate="tanh") * b',
        params=(Param("b", None, "the second (linear) operand, broadcast against a"),),
        algorithm="the sigmoid argument of gelu_tanh as an exact-enough pair (a clamped to "
                  "[−30, 30]), then as swiglu: (a·b)·(q + ql)·2^k in float64, rounded once.",
        special=("(+inf, b) → +inf · b, (−inf, b) → −0 · b, (±0, b) → ±0 · b, NaN → NaN",
                 "may overflow: |gelu_tanh(a) · b| beyond the float range (genuine)"),
        derivative=_gated(_gelu_tanh, _dgelu_tanh)[0],
        param_derivatives=_gated(_gelu_tanh, _dgelu_tanh)[1],
        sample_params=((-1.7,), (0.6,), (2.5,))),
}

_COMMON_SPECIAL = (
    "Common to every function: NaN in gives NaN out (quieted, sign and payload kept); no call "
    "reports a floating-point flag for valid input except a genuine overflow in the functions "
    "marked *may overflow*; FTZ/DAZ are never changed.")


# ----------------------------------------------------------------------------- rendering
def resolve(functions):
    """Group registry entries by documented base name: {base: [FunctionInfo, ...]} in
    registry order. Raises ValueError when a registry function has no entry in DOCS, when an
    entry of DOCS is not in the registry, or when an entry's parameters do not match the
    registry's names and defaults."""
    groups = {}
    missing = []
    for f in functions:
        base = f.name
        if base not in DOCS and f.kind == "param" and f.params:
            suffix = "_" + "_".join(f.params)
            if f.name.endswith(suffix) and f.name[:-len(suffix)] in DOCS:
                base = f.name[:-len(suffix)]
        if base not in DOCS:
            missing.append(f.name)
            continue
        groups.setdefault(base, []).append(f)
    if missing:
        raise ValueError(
            "registry function(s) without an entry in src/simdact/_docs.py DOCS: "
            + ", ".join(missing) + " (add the hand-written text, then run `" + COMMAND + "`)")
    stale = [name for name in DOCS if name not in groups]
    if stale:
        raise ValueError(
            "src/simdact/_docs.py DOCS has entries that are not in the registry: "
            + ", ".join(stale))
    for base, fs in groups.items():
        doc = DOCS[base]
        names = tuple(p.name for p in doc.params)
        for f in fs:
            if tuple(f.params) != names:
                raise ValueError(f"_docs.py: {base} documents parameters {names}, the registry "
                                 f"gives {f.name} the parameters {tuple(f.params)}")
            if f.defaults and tuple(float(d) for d in f.defaults) != tuple(
                    float(p.default) for p in doc.params):
                raise ValueError(f"_docs.py: {base} documents defaults "
                                 f"{tuple(p.default for p in doc.params)}, the registry has "
                                 f"{tuple(f.defaults)}")
        if not any(f.defaults for f in fs) and any(p.default is not None for p in doc.params):
            raise ValueError(f"_docs.py: {base} documents defaults, the registry has none")
    return groups


def _registry_line(f):
    """The registry's one-line formula (its doc column)."""
    return f.doc


def _operands(f):
    if f.kind == "row":
        return "x (n)"
    if f.kind == "param":
        return ", ".join(("x",) + tuple(f.params))
    return "x"


def _call(f):
    if f.kind == "unary" and f.params:
        fixed = ", ".join(f"{p} = {d:g}" for p, d in zip(f.params, f.defaults))
        return f"`{f.name}(x)` ({fixed})"
    if f.kind == "row":
        return f"`{f.name}(x, axis=-1)`"
    return f"`{f.name}({_operands(f)})`"


def _yes(b):
    return "yes" if b else "no"


def _grad_operands(g):
    v = "y" if g.from_output else "x"
    ins = ", ".join(("dy", v) + tuple(g.params))
    if g.kind == "grad_row":
        return f"dy (n), {v} (n)", "dx (n)"
    return ins, ("dx, d" + g.params[0]) if g.nout == 2 else "dx"


def _grad_budget(g, eps):
    c = g.ulp_f32 if eps == 24 else g.ulp_f64
    if g.kind == "grad_row":
        return f"{c:g} · 2^-{eps} · scale"
    return f"{c:g} ULP + 4 · 2^-{eps} · S"


def _grad_rows(gradients, fs):
    names = {f.name for f in fs}
    rows = []
    for g in gradients:
        if g.forward in names:
            ins, outs = _grad_operands(g)
            rows.append(f"| `{g.name}` | {ins} | {outs} | `{g.algorithm}` | "
                        f"{_grad_budget(g, 24)} | {_grad_budget(g, 53)} |")
    return rows


_GRAD_INTRO = (
    "Backward ufuncs: `f_backward(dy, x)` returns dy · f′(x) (the IEEE product: a zero "
    "derivative times an infinite or NaN dy is NaN); where the derivative is a function of the "
    "output, `f_backward_from_output(dy, y)` takes y = f(x) instead of x. A parametric form "
    "has its own backward, `f_<params>_backward(dy, x, p…)`; a function of two operands "
    "returns both gradients, `dx, dp = f_backward(dy, x, p)` with dp = dy · ∂f/∂p elementwise "
    "(a parameter shared across axes gets the sum of dp over them, e.g. PReLU's per-channel "
    "slope: `dp.sum(axis=(0, 2, 3))`). Budgets: S is |dy| times the sum of the absolute "
    "values of the terms of the derivative formula (the allowance matters only near the "
    "derivative's own zeros); for softmax scale_i = |y_i| (|dy_i| + Σ_j |y_j dy_j|), for "
    "log_softmax scale_i = |dy_i| + p_i Σ_j |dy_j| (p the probabilities), independent of the "
    "row length. Kinks follow PyTorch's backward formulas.")


def render(functions, gradients=()):
    """The markdown page for `functions` (simdact.functions()) and their backward ufuncs
    (simdact.gradients()). Deterministic."""
    groups = resolve(functions)
    out = [f"<!-- generated by `{COMMAND}` from src/simdact/_docs.py and the registry "
           f"(kernels/registry.h via simdact.functions()); do not edit by hand -->",
           "# simdact function reference",
           "",
           f"*Generated by `{COMMAND}`: the text comes from `src/simdact/_docs.py`, every "
           "figure (ufunc names, kinds, algorithm tags, error budgets, the overflow column) "
           "from the live registry. `tests/test_docs.py` fails when this file is stale and "
           "checks every derivative below against a finite difference of the float64 "
           "ufunc.*",
           "",
           "Budgets are the maximum error against a float64 reference in ULPs of the "
           "output type (float32 over all finite float32 inputs; float64 and float16 as "
           "described in README.md). *May overflow*: a finite input can have a result "
           "beyond the float range; only then does a call raise the overflow flag, and "
           "only for a genuine overflow. A function with parameters is two ufuncs: "
           "`f(x)` with PyTorch's defaults (float32 values in the float32/float16 loops, "
           "e.g. 0.01f) and `f_<params>(x, p[, q])` whose parameters are broadcastable "
           "operands.",
           "",
           _COMMON_SPECIAL,
           "",
           _GRAD_INTRO,
           "",
           "## Index",
           "",
           "| function | ufuncs | PyTorch |",
           "|---|---|---|"]
    for base, fs in groups.items():
        torch = DOCS[base].torch.split("  (")[0]
        out.append(f"| [`{base}`](#{base}) | " + ", ".join(f"`{f.name}`" for f in fs)
                   + f" | `{torch}` |")
    for base, fs in groups.items():
        d = DOCS[base]
        out += ["", f"## {base}", "",
                "Ufuncs: " + "; ".join(_call(f) for f in fs) + ".", "",
                "| ufunc | operands | kind | float32 algorithm | float32 ULP | float64 ULP "
                "| float16 ULP | may overflow |",
                "|---|---|---|---|---|---|---|---|"]
        for f in fs:
            out.append(f"| `{f.name}` | {_operands(f)} | {f.kind} | `{f.algorithm}` | "
                       f"{f.ulp_f32:g} | {f.ulp_f64:g} | {f.ulp_f16:g} | "
                       f"{_yes(f.may_overflow)} |")
        out += ["",
                f"- **Formula:** {d.formula}",
                f"- **Derivative:** {d.derivative_text}",
                "- **Backward:**", "",
                "  | ufunc | operands | outputs | float32 algorithm | float32 budget "
                "| float64 budget |",
                "  |---|---|---|---|---|---|"]
        out += ["  " + r for r in _grad_rows(gradients, fs)]
        out += ["",
                f"- **PyTorch:** `{d.torch.split('  (')[0]}`"
                + (f" ({d.torch.split('  (', 1)[1]}" if "  (" in d.torch else "")]
        if d.params:
            out.append("- **Parameters:**")
            for p in d.params:
                dflt = "no default" if p.default is None else f"default {p.default:g}"
                out.append(f"  - `{p.name}` ({dflt}): {p.meaning}")
        else:
            out.append("- **Parameters:** none")
        out.append("- **Special values and signed zeros:**")
        out += [f"  - {s}" for s in d.special]
        out.append(f"- **Algorithm (float32):** {d.algorithm}")
        out.append(f"- **Registry line:** `{_registry_line(fs[0])}`")
        if d.note:
            out.append(f"- **Note:** {d.note}")
    return "\n".join(out) + "\n"
