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
"""
import math

import mpmath
import numpy as np
import scipy.special as sps

__all__ = [
    "UNARY", "ROW", "REFS", "MP", "softmax", "log_softmax", "mp_softmax", "mp_log_softmax",
    "ulp16", "ulp32", "ulp64", "ulp_err16", "ulp_err32", "ulp_err64",
    "sweep_f32", "windows_f32", "WINDOW_HALF", "WINDOW_CENTERS", "mp_to_float",
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
