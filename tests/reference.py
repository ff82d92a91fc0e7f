"""Float64 and mpmath references for simdact's tests (test-only: numpy, scipy, mpmath).

API
---
REFS[name](x)            float64 ndarray -> float64 ndarray, stable float64 formulas, for the
                         unary functions relu, sigmoid, tanh, silu, erf, gelu, gelu_tanh.
softmax(x, axis=-1)      float64 stable softmax / log_softmax (rows with NaN or +inf, or all
log_softmax(x, axis=-1)  -inf, give NaN; -inf entries give 0 / -inf).
MP[name](x)              mpmath (50 digits) value of the unary function at the float x, rounded
                         once to a Python float (correct rounding, subnormals included).
mp_softmax(row), mp_log_softmax(row)
                         same for one row: list of Python floats.
ulp32(r), ulp64(r), ulp16(r)
                         size of one float32 / float64 / float16 ULP at the float64 value(s) r
                         (the ULP of the binade of r, never below the subnormal spacing).
ulp_err32(y, ref), ulp_err64(y, ref_mp), ulp_err16(y, ref)
                         |y - ref| / ulpXX(ref) as a float64 ndarray, with: both NaN -> 0;
                         NaN vs non-NaN -> inf; where ref rounded to the target type is +-inf,
                         0 if y equals that inf else inf.
sweep_f32(n_points=2**24, seed=0)
                         float32 inputs: an odd stride over all 2^32 bit patterns (>= n_points
                         finite values), plus +-inf, NaN, +-0, extreme normals and subnormals.
windows_f32(name)        float32 inputs: dense windows (2 * WINDOW_HALF + 1 consecutive float32
                         values each) around the branch points and saturation thresholds of
                         the function `name` (any simdact function, row functions included).
UNARY, ROW               the function names covered.

Activation catalogue (torch.nn.functional semantics and defaults)
-----------------------------------------------------------------
UNARY_CAT   default forms, REFS[name](x) / MP[name](x): elu, selu, celu, softplus, mish,
            log_sigmoid, swish, leaky_relu, hardsigmoid, hardswish, hardtanh, relu6, softsign.
PARAM       parametric forms, REFS[name](x, *ops) / MP[name](x, *ops):
            elu_alpha(x, alpha), celu_alpha(x, alpha), softplus_beta_threshold(x, beta,
            threshold), swish_beta(x, beta), leaky_relu_slope(x, slope),
            hardtanh_min_max(x, min_val, max_val), prelu(x, slope).
GATED       swiglu(a, b) = silu(a) b, geglu(a, b) = gelu(a) b (erf GELU),
            geglu_tanh(a, b) = gelu_tanh(a) b, reglu(a, b) = relu(a) b.
CATALOGUE = UNARY_CAT + PARAM + GATED; NOPERANDS[name] = number of operands after x.
DEFAULTS[name] = (parametric name, torch default operands) for elu, celu, softplus, swish,
            leaky_relu, hardtanh, relu6 (relu6 = hardtanh_min_max(x, 0, 6)).
PARAM_GRID[name] = list of operand tuples the tests sweep, for every PARAM and GATED name.
REFS operands broadcast against x (numpy); MP takes scalars, evaluates at 50 digits and rounds
once; at NaN / +-inf inputs MP returns the float64 formula's value (REFS: NaN propagates
through the branch that uses it, +-inf give the mathematical limits); an exact zero result
gets the sign the IEEE formula gives (elu(-0) = -0, hardswish(x <= -3) = x * 0 = -0,
hardtanh / relu6 return x itself within [min, max], so relu6(-0) = -0).
WINDOW_CENTERS / windows_f32 cover every catalogue name (parametric names: the union of the
branch points over PARAM_GRID).
"""
import math

import mpmath
import numpy as np
import scipy.special as sps

__all__ = [
    "UNARY", "ROW", "REFS", "MP", "softmax", "log_softmax", "mp_softmax", "mp_log_softmax",
    "ulp16", "ulp32", "ulp64", "ulp_err16", "ulp_err32", "ulp_err64",
    "sweep_f32", "windows_f32", "WINDOW_HALF", "WINDOW_CENTERS", "mp_to_float",
    "UNARY_CAT", "PARAM", "GATED", "CATALOGUE", "NOPERANDS", "DEFAULTS", "PARAM_GRID",
]

UNARY = ("relu", "sigmoid", "tanh", "silu", "erf", "gelu", "gelu_tanh")
ROW = ("softmax", "log_softmax")

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_C = 0.044715


# ---------------------------------------------------------------------------------------------
# float64 references
def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _relu(x):
    x = _f64(x)
    return np.where((x > 0) | np.isnan(x), x, 0.0)


def _sigmoid(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        y = sps.expit(x)
        # expit computes 1/(1 + exp(-x)); below -700 exp(-x) overflows before the result
        # (subnormal in float64) does: sigmoid(x) = exp(x) / (1 + exp(x)) = exp(x) there.
        tail = x < -700.0
        if np.any(tail):
            y = np.where(tail, np.exp(np.where(tail, x, 0.0)), y)
    return y


def _tanh(x):
    return np.tanh(_f64(x))


def _silu(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        y = x * _sigmoid(x)
    return np.where(x == -np.inf, -0.0, y)


def _erf(x):
    return sps.erf(_f64(x))


def _gelu(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        y = 0.5 * x * sps.erfc(-x / math.sqrt(2.0))
    return np.where(x == -np.inf, -0.0, y)


def _gelu_tanh(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        y = x * sps.expit(2.0 * _SQRT_2_OVER_PI * (x + _GELU_TANH_C * x * x * x))
    return np.where(x == -np.inf, -0.0, y)


REFS = {
    "relu": _relu,
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "silu": _silu,
    "erf": _erf,
    "gelu": _gelu,
    "gelu_tanh": _gelu_tanh,
}


def _row_prep(x, axis):
    x = np.moveaxis(_f64(x), axis, -1)
    bad = np.any(np.isnan(x) | (x == np.inf), axis=-1, keepdims=True)
    m = np.max(np.where(np.isnan(x), -np.inf, x), axis=-1, keepdims=True)
    bad = bad | (m == -np.inf)
    m = np.where(bad, 0.0, m)
    return x, m, bad


def softmax(x, axis=-1):
    """Stable float64 softmax along `axis`: exp(x - max) / sum(exp(x - max))."""
    x, m, bad = _row_prep(x, axis)
    with np.errstate(all="ignore"):
        e = np.exp(x - m)
        y = e / np.sum(e, axis=-1, keepdims=True)
    y = np.where(bad, np.nan, y)
    return np.moveaxis(y, -1, axis)


def log_softmax(x, axis=-1):
    """Stable float64 log_softmax along `axis`: (x - max) - log1p((c - 1) + T), c = number of
    maxima, T = sum of exp(x - max) over the other elements (the maxima do not cancel)."""
    x, m, bad = _row_prep(x, axis)
    with np.errstate(all="ignore"):
        d = x - m
        is_max = d == 0
        c = np.sum(is_max, axis=-1, keepdims=True)
        t = np.sum(np.where(is_max, 0.0, np.exp(d)), axis=-1, keepdims=True)
        y = d - np.log1p((c - 1) + t)
    y = np.where(bad, np.nan, y)
    return np.moveaxis(y, -1, axis)


# ---------------------------------------------------------------------------------------------
# mpmath references
MP_DPS = 50  # every mpmath evaluation below runs under workdps(MP_DPS)


def mp_to_float(v):
    """Round an mpmath real to the nearest float64 once (ties to even), subnormals and
    overflow included."""
    v = mpmath.mpf(v)
    if mpmath.isnan(v):
        return math.nan
    if mpmath.isinf(v):
        return math.inf if v > 0 else -math.inf
    if v == 0:
        return 0.0
    a = abs(v)
    if a < mpmath.ldexp(1, -1022):
        k = int(mpmath.nint(mpmath.ldexp(a, 1074)))  # nint: round half to even
        r = math.ldexp(float(k), -1074)
    else:
        with mpmath.workprec(53):
            r = float(+a)  # mpmath rounds to 53 bits to nearest-even; float() is then exact
    return r if v > 0 else -r


def _mp_sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def _mp_gelu(x):
    if abs(x) > 1e6:
        # mpmath's erfc fails on huge arguments; erfc(-x/sqrt 2) is 2 or 0 within e^-(5e11)
        return x if x > 0 else mpmath.mpf(0)
    return x / 2 * mpmath.erfc(-x / mpmath.sqrt(2))


def _mp_gelu_tanh_arg(x):
    return 2 * mpmath.sqrt(2 / mpmath.pi) * (x + mpmath.mpf("0.044715") * x ** 3)


_MP_FORMULAS = {
    "relu": lambda x: x if x > 0 else mpmath.mpf(0),
    "sigmoid": _mp_sigmoid,
    "tanh": mpmath.tanh,
    "silu": lambda x: x * _mp_sigmoid(x),
    "erf": mpmath.erf,
    "gelu": lambda x: _mp_gelu(x),
    "gelu_tanh": lambda x: x * _mp_sigmoid(_mp_gelu_tanh_arg(x)),
}

# values at the special inputs: (f(-inf), f(+inf)); odd functions keep the sign of zero
_LIMITS = {
    "relu": (0.0, math.inf),
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "silu": (-0.0, math.inf),
    "erf": (-1.0, 1.0),
    "gelu": (-0.0, math.inf),
    "gelu_tanh": (-0.0, math.inf),
}
_ZERO = {"relu": lambda z: 0.0, "sigmoid": lambda z: 0.5}


def _make_mp(name):
    f = _MP_FORMULAS[name]
    lo, hi = _LIMITS[name]
    zero = _ZERO.get(name, lambda z: z)

    def g(x):
        x = float(x)
        if math.isnan(x):
            return math.nan
        if math.isinf(x):
            return hi if x > 0 else lo
        if x == 0.0:
            return zero(x)
        with mpmath.workdps(MP_DPS):
            r = mp_to_float(f(mpmath.mpf(x)))
        if r == 0.0 and name in ("silu", "gelu", "gelu_tanh", "tanh", "erf"):
            r = math.copysign(0.0, x)  # odd-ish functions: underflow keeps the sign of x
        return r

    g.__name__ = "mp_" + name
    return g


MP = {name: _make_mp(name) for name in UNARY}


def _mp_row_special(row):
    row = [float(v) for v in row]
    if any(math.isnan(v) or v == math.inf for v in row) or all(v == -math.inf for v in row):
        return row, None
    return row, max(row)


def mp_softmax(row):
    """softmax of one row at 50 digits, each element rounded once to float64 (list of floats)."""
    row, m = _mp_row_special(row)
    if m is None:
        return [math.nan] * len(row)
    with mpmath.workdps(MP_DPS):
        e = [mpmath.exp(mpmath.mpf(v) - mpmath.mpf(m)) if v != -math.inf else mpmath.mpf(0)
             for v in row]
        s = mpmath.fsum(e)
        return [mp_to_float(v / s) for v in e]


def mp_log_softmax(row):
    """log_softmax of one row at 50 digits, each element rounded once (list of floats)."""
    row, m = _mp_row_special(row)
    if m is None:
        return [math.nan] * len(row)
    with mpmath.workdps(MP_DPS):
        mm = mpmath.mpf(m)
        c = sum(1 for v in row if v == m)
        # log(S) = log1p((c - 1) + sum over the non-maxima): exact for S = 1 + tiny
        t = mpmath.fsum(mpmath.exp(mpmath.mpf(v) - mm) for v in row
                        if v != -math.inf and v != m)
        ls = mpmath.log1p((c - 1) + t)
        return [mp_to_float(mpmath.mpf(v) - mm - ls) if v != -math.inf else -math.inf
                for v in row]


# ---------------------------------------------------------------------------------------------
# ULP measures
def _ulp(r, emin, mant):
    r = np.abs(_f64(r))
    with np.errstate(all="ignore"):
        _, e = np.frexp(r)  # r = f * 2^e, f in [0.5, 1): floor(log2 r) = e - 1 (exact)
        e = np.where(r > 0, e.astype(np.int64) - 1, emin)
        e = np.maximum(e, emin)
        u = np.ldexp(1.0, (e - mant).astype(np.int32))
        return np.where(np.isinf(r), np.inf, u)


def ulp32(r):
    """2^(max(floor(log2|r|), -126) - 23)."""
    return _ulp(r, -126, 23)


def ulp64(r):
    """2^(max(floor(log2|r|), -1022) - 52)."""
    return _ulp(r, -1022, 52)


def ulp16(r):
    """2^(max(floor(log2|r|), -14) - 10)."""
    return _ulp(r, -14, 10)


def _ulp_err(y, ref, ulpfn, dtype):
    y = np.asarray(y).astype(np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    y, ref = np.broadcast_arrays(y, ref)
    with np.errstate(all="ignore"):
        ref_t = ref.astype(dtype).astype(np.float64)  # ref rounded to the target type
        err = np.abs(y - ref) / ulpfn(ref)
        ny, nr = np.isnan(y), np.isnan(ref)
        err = np.where(ny | nr, np.inf, err)
        err = np.where(ny & nr, 0.0, err)
        tinf = np.isinf(ref_t)
        err = np.where(tinf, np.where(y == ref_t, 0.0, np.inf), err)
    return np.asarray(err, dtype=np.float64)


def ulp_err32(y, ref):
    """|y - ref| / ulp32(ref); NaN/inf rules in the module docstring."""
    return _ulp_err(y, ref, ulp32, np.float32)


def ulp_err64(y, ref_mp):
    """|y - ref_mp| / ulp64(ref_mp), ref_mp the once-rounded mpmath value."""
    return _ulp_err(y, ref_mp, ulp64, np.float64)


def ulp_err16(y, ref):
    """|y - ref| / ulp16(ref), y float16 (or its float values)."""
    return _ulp_err(y, ref, ulp16, np.float16)


# ---------------------------------------------------------------------------------------------
# input sets
F32_SPECIALS = np.array(
    [np.inf, -np.inf, np.nan, 0.0, -0.0,
     np.finfo(np.float32).tiny, -np.finfo(np.float32).tiny,
     np.finfo(np.float32).max, -np.finfo(np.float32).max],
    dtype=np.float32)
_SUB_BITS = np.array([0x00000001, 0x80000001, 0x007FFFFF, 0x807FFFFF], dtype=np.uint32)
F32_SPECIALS = np.concatenate([F32_SPECIALS, _SUB_BITS.view(np.float32)])


def sweep_f32(n_points=2 ** 24, seed=0):
    """Every `stride`-th float32 bit pattern (stride odd, so the walk visits distinct patterns
    spread over all signs and exponents) from a seed-dependent start, at least n_points of
    them; non-finite patterns dropped, then the specials (+-inf, NaN, +-0, +-smallest and
    largest normals, +-smallest and largest subnormals) appended."""
    # 255/256 of the patterns are finite: aim 1% above n_points so >= n_points survive
    stride = max(1, int(0.99 * 2 ** 32) // int(n_points))
    if stride % 2 == 0:
        stride -= 1
    stride = max(stride, 1)
    count = -(-(2 ** 32) // stride)  # ceil: one full turn over the 2^32 patterns
    start = int(np.random.default_rng(seed).integers(0, stride)) if seed is not None else 0
    k = np.arange(count, dtype=np.uint64)
    bits = ((np.uint64(start) + k * np.uint64(stride)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    x = bits.view(np.float32)
    x = x[np.isfinite(x)]
    return np.concatenate([x, F32_SPECIALS])


WINDOW_HALF = 2048

_COMMON = (0.0, 1.0, -1.0)
WINDOW_CENTERS = {
    "relu": _COMMON + (1e-38, -1e-38),
    "sigmoid": _COMMON + (87.3, -87.3, 88.72, -88.72, 103.0, -103.0, 103.97, -103.97,
                          16.6, -16.6, 0.5, -0.5, 9.0, -9.0),
    "tanh": _COMMON + (0.55, -0.55, 0.625, -0.625, 9.0, -9.0, 9.01, -9.01, 2.0 ** -12,
                       -(2.0 ** -12), 0.35, -0.35, 44.0, -44.0),
    "silu": _COMMON + (-87.0, -87.3, -88.72, -103.0, -103.97, -104.5, -110.0, 16.6, -16.6,
                       87.3, 88.72),
    "erf": _COMMON + (0.9, -0.9, 0.84375, -0.84375, 1.25, -1.25, 2.0, -2.0, 3.9, -3.9,
                      3.92, -3.92, 0.5, -0.5),
    "gelu": _COMMON + (-14.0, -13.75, -13.5, -13.25, -13.0, -7.5, -5.7, 5.7, -2.0, 2.0,
                       -3.0, 3.0, -10.0, -12.0),
    "gelu_tanh": _COMMON + (-11.0, -10.5, -10.0, -9.0, -5.0, 5.0, -3.0, 3.0, -2.0, 2.0,
                            -12.0, -13.0),
    "softmax": _COMMON + (-87.3, -88.72, -103.0, -103.97, -16.6),
    "log_softmax": _COMMON + (-87.3, -88.72, -103.0, -103.97, -16.6),
}


def _window(center, half):
    c = np.float32(center)
    if c == 0:
        k = np.arange(0, half + 1, dtype=np.uint32)
        pos = k.view(np.float32)
        return np.concatenate([pos, -pos])
    b = np.int64(np.abs(c).view(np.uint32))
    k = np.arange(max(b - half, 0), min(b + half, 0x7F7FFFFF) + 1, dtype=np.int64)
    w = k.astype(np.uint32).view(np.float32)
    return w if c > 0 else -w


def windows_f32(name):
    """Sorted unique float32 inputs: 2 * WINDOW_HALF + 1 consecutive float32 values around each
    of WINDOW_CENTERS[name]."""
    ws = [_window(c, WINDOW_HALF) for c in WINDOW_CENTERS[name]]
    bits = np.unique(np.concatenate(ws).view(np.uint32))  # on bits: keeps both -0 and +0
    x = bits.view(np.float32)
    return x[np.argsort(x, kind="stable")]


# =============================================================================================
# Activation catalogue: elu, selu, celu, softplus, mish, log_sigmoid, swish, leaky_relu,
# hardsigmoid, hardswish, hardtanh, relu6, softsign (default forms), their parametric forms,
# prelu and the gated units. Torch semantics and defaults (torch.nn.functional).
_SELU_ALPHA_S = "1.6732632423543772848170429916717"  # torch's decimals, taken as exact
_SELU_SCALE_S = "1.0507009873554804934193349852946"
with mpmath.workdps(60):
    _SELU_SCALE_F = float(mpmath.mpf(_SELU_SCALE_S))
    _SA = mpmath.mpf(_SELU_ALPHA_S) * mpmath.mpf(_SELU_SCALE_S)
    _SELU_SA_F = float(_SA)                # scale * alpha = _SELU_SA_F + _SELU_SA_LO
    _SELU_SA_LO = float(_SA - _SELU_SA_F)
    # scale = _SELU_S26 + _SELU_SLO with _SELU_S26 on 26 bits: x * _SELU_S26 is exact for
    # float32 x, so x * scale is rounded once (matters at the float32 overflow threshold)
    _SELU_S26 = float(mpmath.ldexp(mpmath.nint(mpmath.ldexp(mpmath.mpf(_SELU_SCALE_S), 25)), -25))
    _SELU_SLO = float(mpmath.mpf(_SELU_SCALE_S) - _SELU_S26)

UNARY_CAT = ("elu", "selu", "celu", "softplus", "mish", "log_sigmoid", "swish", "leaky_relu",
             "hardsigmoid", "hardswish", "hardtanh", "relu6", "softsign")
PARAM = ("elu_alpha", "celu_alpha", "softplus_beta_threshold", "swish_beta",
         "leaky_relu_slope", "hardtanh_min_max", "prelu")
GATED = ("swiglu", "geglu", "geglu_tanh", "reglu")
CATALOGUE = UNARY_CAT + PARAM + GATED
# number of operands after x, per catalogue name
NOPERANDS = {**{k: 0 for k in UNARY_CAT},
             "elu_alpha": 1, "celu_alpha": 1, "softplus_beta_threshold": 2, "swish_beta": 1,
             "leaky_relu_slope": 1, "hardtanh_min_max": 2, "prelu": 1,
             **{k: 1 for k in GATED}}
# torch defaults: default-form name -> (parametric name, default operands)
DEFAULTS = {
    "elu": ("elu_alpha", (1.0,)),
    "celu": ("celu_alpha", (1.0,)),
    "softplus": ("softplus_beta_threshold", (1.0, 20.0)),
    "swish": ("swish_beta", (1.0,)),
    "leaky_relu": ("leaky_relu_slope", (0.01,)),
    "hardtanh": ("hardtanh_min_max", (-1.0, 1.0)),
    "relu6": ("hardtanh_min_max", (0.0, 6.0)),
}

# the operand grids live in the package (the accuracy tool sweeps the same ones)
from simdact._grids import PARAM_GRID  # noqa: E402
assert set(PARAM_GRID) == set(PARAM + GATED)


# ---- float64 references ---------------------------------------------------------------------
def _elu_alpha(x, alpha):
    x, alpha = np.broadcast_arrays(_f64(x), _f64(alpha))
    with np.errstate(all="ignore"):
        return np.where(x > 0, x, alpha * np.expm1(np.where(x > 0, 0.0, x)))


def _selu(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        neg = np.expm1(np.where(x > 0, 0.0, x))
        neg = neg * _SELU_SA_F + neg * _SELU_SA_LO
        pos = np.where(np.isinf(x), x, x * _SELU_S26 + x * _SELU_SLO)
        return np.where(x > 0, pos, neg)


def _celu_alpha(x, alpha):
    x, alpha = np.broadcast_arrays(_f64(x), _f64(alpha))
    with np.errstate(all="ignore"):
        t = np.where(x > 0, 0.0, x) / alpha
        return np.where(x > 0, x, alpha * np.expm1(t))


def _softplus_core(u):
    """log1p(exp(u)) = max(u, 0) + log1p(exp(-|u|))."""
    with np.errstate(all="ignore"):
        return np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def _softplus_beta_threshold(x, beta, threshold):
    x, beta, threshold = np.broadcast_arrays(_f64(x), _f64(beta), _f64(threshold))
    with np.errstate(all="ignore"):
        u = beta * x
        s = _softplus_core(u) / beta
        # -inf * beta < 0: log1p(0) / beta = +-0; u = NaN from 0 * inf stays NaN
        return np.where(u > threshold, x, s)


def _log_sigmoid(x):
    x = _f64(x)
    return -_softplus_core(-x)


def _mish(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        y = x * np.tanh(_softplus_core(x))
    return np.where(x == -np.inf, -0.0, y)


def _swish_beta(x, beta):
    x, beta = np.broadcast_arrays(_f64(x), _f64(beta))
    with np.errstate(all="ignore"):
        u = beta * x
        u = np.where(np.isinf(x) & (beta == 0), 0.0, u)  # x/2 -> +-inf
        y = x * _sigmoid(u)
        return np.where(np.isinf(x) & (u < 0), np.copysign(0.0, x), y)


def _leaky_relu_slope(x, slope):
    x, slope = np.broadcast_arrays(_f64(x), _f64(slope))
    with np.errstate(all="ignore"):
        return np.where(x > 0, x, slope * x)


def _hardsigmoid(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        y = x / 6.0 + 0.5
        y = np.where(x <= -3.0, 0.0, np.where(x >= 3.0, 1.0, y))
    return y


def _hardswish(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        y = x * (x + 3.0) / 6.0
        # x * hardsigmoid(x): -0 (x * 0) for x <= -3 (torch's x * min(max(x+3, 0), 6) / 6,
        # except torch's -inf * 0 = NaN: the limit -0 here)
        y = np.where(x <= -3.0, -0.0, np.where(x >= 3.0, x, y))
    return y


def _hardtanh_min_max(x, min_val, max_val):
    x, lo, hi = np.broadcast_arrays(_f64(x), _f64(min_val), _f64(max_val))
    # torch: min(max(x, min_val), max_val); x within [min, max] (-0 included) is returned as is
    m = np.where(x < lo, lo, x)
    return np.where(m > hi, hi, m)


def _softsign(x):
    x = _f64(x)
    with np.errstate(all="ignore"):
        y = x / (1.0 + np.abs(x))
    return np.where(np.isinf(x), np.copysign(1.0, x), y)


def _gated(act):
    def g(a, b):
        a, b = np.broadcast_arrays(_f64(a), _f64(b))
        with np.errstate(all="ignore"):
            return act(a) * b
    return g


_CAT_PARAM_REFS = {
    "elu_alpha": _elu_alpha,
    "celu_alpha": _celu_alpha,
    "softplus_beta_threshold": _softplus_beta_threshold,
    "swish_beta": _swish_beta,
    "leaky_relu_slope": _leaky_relu_slope,
    "hardtanh_min_max": _hardtanh_min_max,
    "prelu": _leaky_relu_slope,
    "swiglu": _gated(_silu),
    "geglu": _gated(_gelu),
    "geglu_tanh": _gated(_gelu_tanh),
    "reglu": _gated(_relu),
}


def _with_defaults(pname, dflt):
    def f(x):
        return _CAT_PARAM_REFS[pname](x, *dflt)
    return f


REFS.update(_CAT_PARAM_REFS)
REFS.update({
    "selu": _selu,
    "mish": _mish,
    "log_sigmoid": _log_sigmoid,
    "hardsigmoid": _hardsigmoid,
    "hardswish": _hardswish,
    "softsign": _softsign,
})
REFS.update({name: _with_defaults(pn, d) for name, (pn, d) in DEFAULTS.items()})


# ---- mpmath references ----------------------------------------------------------------------
_EXP_CLAMP = 100000  # exp arguments beyond +-1e5 are clamped: e^-1e5 is far below every ULP


def _mpe(z):
    return mpmath.exp(max(min(z, _EXP_CLAMP), -_EXP_CLAMP))


def _mp_sig(z):
    return 1 / (1 + _mpe(-z))


def _mp_softplus_core(u):
    if u > 0:
        return u + mpmath.log1p(_mpe(-u))
    return mpmath.log1p(_mpe(u))


def _mp_elu(x, alpha):
    return x if x > 0 else alpha * mpmath.expm1(max(x, -_EXP_CLAMP))


def _mp_celu(x, alpha):
    if x > 0:
        return x
    t = x / alpha
    if t > _EXP_CLAMP:
        return alpha * mpmath.inf
    return alpha * mpmath.expm1(max(t, -_EXP_CLAMP))


def _mp_softplus(x, beta, threshold):
    u = beta * x
    if u > threshold:
        return x
    return _mp_softplus_core(u) / beta


_MP_CAT = {
    "elu_alpha": _mp_elu,
    "celu_alpha": _mp_celu,
    "softplus_beta_threshold": _mp_softplus,
    "swish_beta": lambda x, beta: x * _mp_sig(beta * x),
    "leaky_relu_slope": lambda x, s: x if x > 0 else s * x,
    "prelu": lambda x, s: x if x > 0 else s * x,
    "hardtanh_min_max": lambda x, lo, hi: min(max(x, lo), hi),
    "swiglu": lambda a, b: a * _mp_sig(a) * b,
    "geglu": lambda a, b: _mp_gelu(a) * b,
    "geglu_tanh": lambda a, b: a * _mp_sig(2 * mpmath.sqrt(2 / mpmath.pi)
                                           * (a + mpmath.mpf("0.044715") * a ** 3)) * b,
    "reglu": lambda a, b: (a if a > 0 else 0) * b,
    "selu": lambda x: mpmath.mpf(_SELU_SCALE_S) * (
        x if x > 0 else mpmath.mpf(_SELU_ALPHA_S) * mpmath.expm1(max(x, -_EXP_CLAMP))),
    "mish": lambda x: x * mpmath.tanh(_mp_softplus_core(x)),
    "log_sigmoid": lambda x: -_mp_softplus_core(-x),
    "hardsigmoid": lambda x: 0 if x <= -3 else (1 if x >= 3 else x / 6 + mpmath.mpf(1) / 2),
    "hardswish": lambda x: 0 if x <= -3 else (x if x >= 3 else x * (x + 3) / 6),
    "softsign": lambda x: x / (1 + abs(x)),
}
for _n, (_pn, _d) in DEFAULTS.items():
    _MP_CAT[_n] = (lambda pn, d: lambda x: _MP_CAT[pn](x, *[mpmath.mpf(v) for v in d]))(_pn, _d)


def _make_mp_cat(name):
    f = _MP_CAT[name]
    ref = REFS[name]

    def g(x, *ops):
        args = [float(x)] + [float(o) for o in ops]
        if not all(math.isfinite(v) for v in args):
            # NaN / inf inputs: the float64 formula with its limits (see REFS)
            return float(ref(*args))
        with mpmath.workdps(MP_DPS):
            v = f(*[mpmath.mpf(a) for a in args])
            r = mp_to_float(v)
        if r == 0.0:
            if v != 0:
                r = math.copysign(0.0, float(mpmath.sign(v)))  # underflow keeps the sign
            else:
                r = float(ref(*args))  # an exact zero: its sign as the formula gives it
                r = r if r == 0.0 else 0.0
        return r

    g.__name__ = "mp_" + name
    return g


MP.update({name: _make_mp_cat(name) for name in CATALOGUE})


# ---- windows --------------------------------------------------------------------------------
_F32_MAX = float(np.finfo(np.float32).max)
_EXP_TAIL = (-16.6, -87.3, -88.72, -103.0, -103.97, -110.0)


def _scaled(cs, factors):
    return tuple(sorted({float(np.float32(c * f)) for c in cs for f in factors
                         if abs(c * f) <= _F32_MAX}))


_SILU_C = (0.0, 1.0, -1.0, -87.0, -87.3, -88.72, -103.0, -103.97, -104.5, -110.0, 16.6, -16.6,
           87.3, 88.72)
_ALPHAS = [a for (a,) in PARAM_GRID["elu_alpha"]]
_SLOPES = [s for (s,) in PARAM_GRID["leaky_relu_slope"]]
WINDOW_CENTERS.update({
    "elu": _COMMON + _EXP_TAIL + (1e-38, -1e-38),
    "elu_alpha": _COMMON + _EXP_TAIL + (1e-38, -1e-38),
    "selu": _COMMON + _EXP_TAIL + (1e-38, -1e-38, 3.2e38, _F32_MAX / 1.0507009873554805),
    "celu": _COMMON + _EXP_TAIL + (1e-38, -1e-38),
    "celu_alpha": _COMMON + (1e-38, -1e-38)
    + _scaled(_EXP_TAIL, [a for a in _ALPHAS if a > 0])
    # alpha < 0: alpha e^(x/alpha) overflows float32 at x = alpha (88.72 - ln|alpha|)
    + tuple(float(np.float32(a * (88.72 - math.log(-a)))) for a in _ALPHAS if a < 0)
    + _scaled((-16.6, -1.0), [a for a in _ALPHAS if a < 0]),
    "softplus": _COMMON + (20.0, -20.0, 16.6, -16.6, 8.0, -87.3, -88.72, -103.0, -103.97,
                           -110.0, 88.72),
    "softplus_beta_threshold": _COMMON
    + _scaled((16.6, -16.6, -87.3, -103.97, -110.0), [1 / b for b, _ in
                                                       PARAM_GRID["softplus_beta_threshold"]])
    + tuple(sorted({float(np.float32(t / b)) for b, t in PARAM_GRID["softplus_beta_threshold"]})),
    "mish": _COMMON + (-1.19, 9.0, 16.6, 20.0, 44.0, 88.72, 1e10, -16.6, -87.3, -88.72, -103.0,
                       -103.97, -110.0),
    "log_sigmoid": _COMMON + (16.6, -16.6, 87.3, 88.72, 103.0, 103.97, 110.0, -88.72, 37.0),
    "swish": _SILU_C,
    "swish_beta": _COMMON + _scaled(_SILU_C[3:], [1 / b for (b,) in PARAM_GRID["swish_beta"]]),
    "leaky_relu": _COMMON + (1e-38, -1e-38),
    "leaky_relu_slope": _COMMON + (1e-38, -1e-38)
    + tuple(-_F32_MAX / abs(s) for s in _SLOPES if abs(s) > 1),
    "prelu": _COMMON + (1e-38, -1e-38)
    + tuple(-_F32_MAX / abs(s) for s in _SLOPES if abs(s) > 1),
    "hardsigmoid": _COMMON + (3.0, -3.0),
    "hardswish": _COMMON + (3.0, -3.0, -1.5),
    "hardtanh": _COMMON,
    "hardtanh_min_max": _COMMON + (6.0, -0.5, 2.0, -10.0, 10.0),
    "relu6": _COMMON + (6.0,),
    "softsign": _COMMON + (2.0 ** 24, -(2.0 ** 24), 1e38, -1e38, 3.4e38, -3.4e38, 1e-38),
    "swiglu": _SILU_C + (-120.0, -125.0),
    "geglu": WINDOW_CENTERS["gelu"] + (-15.0, -16.0),
    "geglu_tanh": WINDOW_CENTERS["gelu_tanh"] + (-14.0, -15.0),
    "reglu": WINDOW_CENTERS["relu"],
})
