"""Float64 and mpmath references of the sigmoid family's gradients (tests/gradref.py reads
GRADS): sigmoid, tanh, silu, log_sigmoid, mish, softplus, swish, swiglu, and the from-output
forms of sigmoid and tanh.

GRADS[key] = {"ref": ref, "mp": mp, "windows": (x, ...)}
    ref(dy, v, *params) -> (value, S), float64 arrays (numpy broadcasting): value = dy * f'(v)
        from stable float64 formulas, S = |dy| * (sum of |terms| of the derivative formula
        quoted next to each reference: PyTorch's backward formula, so for sigmoid and tanh the
        formula in y, y - y^2 and 1 - y^2, whose cancellation PyTorch's own float64 result
        carries); swiglu returns ((da, S_da), (db, S_db)).
    mp(dy, v, *params) -> the mpmath value of the exact gradient (a tuple for swiglu); the
        caller sets the precision (50 digits). At infinite operands the limits as a float.
    windows: x values around which the tests put dense windows (derivative zeros, the points
        where results go subnormal or round to zero for the dy grid, the kernels' clamps).

Conventions (the kernels' contracts in kernels/f32_grad_sig.h): dx is the IEEE product of dy
and the exact derivative: f'(+-inf) are the limits (a zero limit times an infinite dy is NaN);
a derivative that is nonzero but below the double range at a finite x still counts as nonzero
(an infinite dy gives an infinity with the product's sign, a finite dy gives +-0): `_nz` keeps
such values as the smallest subnormal with the right sign. softplus tests the threshold on the
rounded product beta * x (PyTorch); swish at beta = 0 and infinite x uses the limit 1/2.
"""
import mpmath
import numpy as np
import scipy.special as sps

_TINY = 5e-324  # a nonzero derivative below the double range (see the docstring)
SILU_ZERO = -1.2784645427610738  # silu'(x) = 0
MISH_ZERO = -1.1924312145154952  # mish'(x) = 0


def _f(a):
    return np.asarray(a, dtype=np.float64)


def _nz(D, finite, negative):
    """D where it is nonzero; +-_TINY where it underflowed to 0 at a finite argument."""
    return np.where((D == 0) & finite, np.where(negative, -_TINY, _TINY), D)


def _sig_pair(v):
    """sigmoid(v), 1 - sigmoid(v), both with full relative accuracy."""
    return sps.expit(v), sps.expit(-v)


# ---- sigmoid: D = s (1 - s) = s - s^2 (PyTorch's formula in y = s: terms s, s^2) -----------
def _sigmoid_ref(dy, x):
    dy, x = _f(dy), _f(x)
    with np.errstate(all="ignore"):
        s, c = _sig_pair(x)
        D = _nz(s * c, np.isfinite(x), False)
        return dy * D, np.abs(dy) * s * (1.0 + s)


def _sigmoid_mp(dy, x):
    if mpmath.isinf(x):
        return float(dy) * 0.0
    A = mpmath.exp(-abs(mpmath.mpf(x)))
    return mpmath.mpf(dy) * A / (1 + A) ** 2


# ---- tanh: D = 1 - t^2 (PyTorch's formula in y = t: terms 1, t^2), evaluated as
# 4 A / (1 + A)^2, A = exp(-2|x|) --------------------------------------------------------------
def _tanh_ref(dy, x):
    dy, x = _f(dy), _f(x)
    with np.errstate(all="ignore"):
        A = np.exp(-2.0 * np.abs(x))
        D = _nz(4.0 * A / (1.0 + A) ** 2, np.isfinite(x), False)
        return dy * D, np.abs(dy) * (1.0 + np.tanh(x) ** 2)


def _tanh_mp(dy, x):
    if mpmath.isinf(x):
        return float(dy) * 0.0
    A = mpmath.exp(-2 * abs(mpmath.mpf(x)))
    return mpmath.mpf(dy) * 4 * A / (1 + A) ** 2


# ---- silu / swish: D = s + v s (1 - s), v = beta x (two terms) -------------------------------
def _dsilu(v, finite=None):
    """(D, sum |terms|) of silu'(v) = s + v s (1 - s), with the limits at +-inf (`finite`: the
    lanes where v is finite although it may have overflowed to +-inf, e.g. beta * x)."""
    if finite is None:
        finite = np.isfinite(v)
    with np.errstate(all="ignore"):
        s, c = _sig_pair(v)
        t2 = v * s * c
        D = s + t2
        D = np.where(v == np.inf, 1.0, np.where(v == -np.inf, 0.0, D))
        T = np.where(np.isinf(v), np.abs(D), np.abs(s) + np.abs(t2))
        D = _nz(D, finite, v < SILU_ZERO)
    return D, T


def _silu_ref(dy, x):
    dy, x = _f(dy), _f(x)
    D, T = _dsilu(x)
    with np.errstate(all="ignore"):
        return dy * D, np.abs(dy) * T


def _dsilu_mp(v):
    v = mpmath.mpf(v)
    s = 1 / (1 + mpmath.exp(-v))
    c = 1 / (1 + mpmath.exp(v))
    return s * (1 + v * c)


def _silu_mp(dy, x):
    if mpmath.isinf(x):
        return float(dy) * (1.0 if x > 0 else 0.0)
    return mpmath.mpf(dy) * _dsilu_mp(x)


def _swish_ref(dy, x, beta):
    dy, x, beta = _f(dy), _f(x), _f(beta)
    with np.errstate(all="ignore"):
        v = beta * x
        D, T = _dsilu(v, np.isfinite(x) & np.isfinite(beta))
        half = np.isnan(v) & (beta == 0) & np.isinf(x)  # swish = x/2: the limit 1/2
        D = np.where(half, 0.5, D)
        T = np.where(half, 0.5, T)
        return dy * D, np.abs(dy) * T


def _swish_mp(dy, x, beta):
    x, beta = float(x), float(beta)
    if np.isinf(x) or np.isinf(beta):
        v = x * beta
        D = 1.0 if v > 0 else 0.0 if v < 0 else (0.5 if beta == 0 else float("nan"))
        return float(dy) * D
    return mpmath.mpf(dy) * _dsilu_mp(mpmath.mpf(beta) * mpmath.mpf(x))


# ---- log_sigmoid: D = 1 - s = sigmoid(-x) (one term) ----------------------------------------
def _log_sigmoid_ref(dy, x):
    dy, x = _f(dy), _f(x)
    with np.errstate(all="ignore"):
        D = _nz(sps.expit(-x), np.isfinite(x), False)
        val = dy * D
        return val, np.abs(val)


def _log_sigmoid_mp(dy, x):
    if mpmath.isinf(x):
        return float(dy) * (0.0 if x > 0 else 1.0)
    return mpmath.mpf(dy) / (1 + mpmath.exp(mpmath.mpf(x)))


# ---- mish: D = t + x s (1 - t^2), t = tanh(softplus(x)) (two terms) -------------------------
def _mish_ref(dy, x):
    """With A = exp(-|x|) (no overflow, no cancellation but at the zero):
    x <= 0: t = A (A + 2) / Q, Q = A^2 + 2A + 2; x s (1 - t^2) = 4 x A (1 + A) / Q^2;
    x >  0: t = (1 + 2A) / Q, Q = 2A^2 + 2A + 1; x s (1 - t^2) = 4 x A^2 (1 + A) / Q^2."""
    dy, x = _f(dy), _f(x)
    with np.errstate(all="ignore"):
        A = np.exp(-np.abs(x))
        neg = x <= 0
        Q = np.where(neg, A * A + 2 * A + 2, 2 * A * A + 2 * A + 1)
        t = np.where(neg, A * (A + 2), 1 + 2 * A) / Q
        t2 = 4 * np.clip(x, -1e4, 1e4) * A * (1 + A) * np.where(neg, 1.0, A) / (Q * Q)
        D = t + t2
        D = np.where(x == np.inf, 1.0, np.where(x == -np.inf, 0.0, D))
        T = np.where(np.isinf(x), np.abs(D), np.abs(t) + np.abs(t2))
        D = _nz(D, np.isfinite(x), x < MISH_ZERO)
        return dy * D, np.abs(dy) * T


def _mish_mp(dy, x):
    if mpmath.isinf(x):
        return float(dy) * (1.0 if x > 0 else 0.0)
    x = mpmath.mpf(x)
    sp = mpmath.log1p(mpmath.exp(x))
    t = mpmath.tanh(sp)
    s = 1 / (1 + mpmath.exp(-x))
    return mpmath.mpf(dy) * (t + x * s / mpmath.cosh(sp) ** 2)


# ---- softplus: D = 1 if beta x > threshold else sigmoid(beta x) (one term) ------------------
def _softplus_ref(dy, x, beta, threshold):
    dy, x, beta, threshold = _f(dy), _f(x), _f(beta), _f(threshold)
    with np.errstate(all="ignore"):
        v = beta * x  # may overflow to +-inf for finite float64 operands: still nonzero
        D = np.where(v > threshold, 1.0,
                     _nz(sps.expit(v), np.isfinite(x) & np.isfinite(beta), False))
        val = dy * D
        return val, np.abs(val)


def _softplus_mp(dy, x, beta, threshold):
    x, beta, threshold = float(x), float(beta), float(threshold)
    v = x * beta  # PyTorch compares the rounded product
    if v > threshold:
        return mpmath.mpf(dy)
    if np.isinf(x) or np.isinf(beta):
        return float(dy) * (0.0 if v < 0 else float("nan"))
    return mpmath.mpf(dy) / (1 + mpmath.exp(-mpmath.mpf(beta) * mpmath.mpf(x)))


# ---- swiglu(a, b) = silu(a) b: da = dy b silu'(a) (two terms), db = dy silu(a) (one) ---------
def _mul3(u, w, D):
    """u * w * D without an overflow of u * w where the product is finite (float64 operands)."""
    with np.errstate(all="ignore"):
        mu, eu = np.frexp(u)
        mw, ew = np.frexp(w)
        scaled = np.ldexp(mu * mw * D, (eu + ew).astype(np.int32))
        return np.where(np.isfinite(u) & np.isfinite(w) & np.isfinite(D), scaled, (u * w) * D)


def _swiglu_ref(dy, a, b):
    dy, a, b = _f(dy), _f(a), _f(b)
    D, T = _dsilu(a)
    with np.errstate(all="ignore"):
        s = sps.expit(a)
        silu = np.where(a == -np.inf, -0.0, a * s)
        silu = _nz(silu, np.isfinite(a) & (a != 0), a < 0)
        da = _mul3(dy, b, D)
        db = dy * silu
        return (da, np.abs(_mul3(dy, b, T))), (db, np.abs(db))


def _swiglu_mp(dy, a, b):
    if mpmath.isinf(a):
        if a > 0:
            return (mpmath.mpf(dy) * mpmath.mpf(b), float(dy) * float("inf"))
        return (float(dy) * 0.0 * float(b), float(dy) * -0.0)
    a = mpmath.mpf(a)
    s = 1 / (1 + mpmath.exp(-a))
    g = mpmath.mpf(dy)
    return (g * mpmath.mpf(b) * _dsilu_mp(a), g * a * s)


# ---- from the output y: sigmoid dy y (1 - y) (terms y, y^2), tanh dy (1 - y^2) (terms 1, y^2)
def _sigmoid_y_ref(dy, y):
    dy, y = _f(dy), _f(y)
    with np.errstate(all="ignore"):
        return _mul3(dy, y, 1.0 - y), np.abs(dy) * (np.abs(y) + y * y)


def _sigmoid_y_mp(dy, y):
    if mpmath.isinf(y) or mpmath.isinf(dy):
        return float(dy) * float(y) * (1.0 - float(y))
    y = mpmath.mpf(y)
    return mpmath.mpf(dy) * y * (1 - y)


def _tanh_y_ref(dy, y):
    dy, y = _f(dy), _f(y)
    with np.errstate(all="ignore"):
        return _mul3(dy, 1.0 - y, 1.0 + y), np.abs(dy) * (1.0 + y * y)


def _tanh_y_mp(dy, y):
    if mpmath.isinf(y) or mpmath.isinf(dy):
        return float(dy) * (1.0 - float(y) * float(y))
    y = mpmath.mpf(y)
    return mpmath.mpf(dy) * (1 - y * y)


_TAIL = (-16.6, -87.3, -88.72, -103.97, -110.0, -150.0, -190.0, -193.0, -200.0)
_BETAS = (0.01, 0.1, 1.0, 1.7, 10.0, -1.0)

GRADS = {
    "sigmoid_backward": {
        "ref": _sigmoid_ref, "mp": _sigmoid_mp,
        "windows": (0.0, 1.0, -1.0, 0.625) + _TAIL + tuple(-c for c in _TAIL)},
    "sigmoid_backward_from_output": {
        "ref": _sigmoid_y_ref, "mp": _sigmoid_y_mp, "windows": (0.0, 1.0, -1.0, 16.6, -16.6)},
    "tanh_backward": {
        "ref": _tanh_ref, "mp": _tanh_mp,
        "windows": (0.0, 0.625, -0.625, 9.0, -9.0, 44.0, -44.0, 52.0, 96.5, -96.5, 100.0,
                    -100.0)},
    "tanh_backward_from_output": {
        "ref": _tanh_y_ref, "mp": _tanh_y_mp, "windows": (0.0, 0.5, 1.0, -1.0, 9.0, -9.0)},
    "silu_backward": {
        "ref": _silu_ref, "mp": _silu_mp,
        "windows": (SILU_ZERO, 0.0, 1.0, -1.0, 16.6, 36.0, 200.0) + _TAIL},
    "log_sigmoid_backward": {
        "ref": _log_sigmoid_ref, "mp": _log_sigmoid_mp,
        "windows": (0.0, 1.0, -1.0, -16.6) + tuple(-c for c in _TAIL)},
    "mish_backward": {
        "ref": _mish_ref, "mp": _mish_mp,
        "windows": (MISH_ZERO, 0.0, 1.0, -1.0, 9.0, 16.6, 18.0, 200.0) + _TAIL},
    "softplus_backward": {
        "ref": _softplus_ref, "mp": _softplus_mp,
        "windows": (0.0, 1.0, -1.0, 5.0, 20.0, 50.0, 16.6) + _TAIL},
    "swish_backward": {
        "ref": _swish_ref, "mp": _swish_mp,
        "windows": (0.0, 1.0, -1.0) + tuple(float(np.float32(SILU_ZERO / b)) for b in _BETAS)
        + _TAIL},
    "swiglu_backward": {
        "ref": _swiglu_ref, "mp": _swiglu_mp,
        "windows": (SILU_ZERO, 0.0, 1.0, -1.0, 16.6, 200.0, -250.0, -280.0, -290.0, -300.0)
        + _TAIL},
}
