"""References for the gradients of the piecewise functions and of the rows (simdact tests).

GRADS[name] = {"ref": ref, "mp": mp, "windows": windows} for

    relu_backward, relu_backward_from_output, hardsigmoid_backward, hardswish_backward,
    relu6_backward, relu6_backward_from_output, softsign_backward,
    leaky_relu_backward (+ _from_output), hardtanh_backward (+ _from_output),
    prelu_backward, reglu_backward (two outputs),
    softmax_backward, softmax_backward_from_output, log_softmax_backward,
    log_softmax_backward_from_output (rows).

Elementwise: ref(dy, v, *params) -> (value, S), float64 arrays (numpy broadcasting), value =
dy * f'(v) in float64 (an IEEE product: a zero derivative times an infinite dy gives NaN), S =
|dy| * (sum of |terms| of the derivative). NaN operands give NaN. Two-output entries (prelu,
reglu) return ((dx, S_dx), (dp, S_dp)). Parametric entries take the parameters explicitly:
leaky_relu_backward(dy, v, slope), hardtanh_backward(dy, v, min, max).
from_output entries take v = y, the forward's output (leaky_relu: valid for slope >= 0).

mp(dy, v, *params): mpmath value of the exact gradient (a tuple for two outputs), evaluated
at the caller's mpmath precision (the tests set mp.dps = 50).

Rows: ref(dy, v) takes 2-D arrays, works on the last axis and returns (dx, scale):
    softmax:     dx_i = y_i (dy_i - sum_j y_j dy_j),  scale_i = |y_i| (|dy_i| + sum_j |y_j dy_j|)
    log_softmax: dx_i = dy_i - p_i sum_j dy_j,        scale_i = |dy_i| + p_i sum_j |dy_j|
with y = p = softmax(x) (float64, tests/reference.py) for the x forms, y given / p = exp(y)
for the from-output forms. mp(dy_row, v_row) -> list of mpmath values.

windows: float values of the second operand around which the tests put dense windows (kinks,
zeros of the derivative; for parametric entries the union over reference.PARAM_GRID).
"""
import mpmath
import numpy as np

import reference as _ref

__all__ = ["GRADS"]


def _f(a):
    return np.asarray(a, dtype=np.float64)


def _nan_of(value, *ops):
    """value with NaN wherever an operand is NaN (the kernels' rule)."""
    bad = np.zeros(np.shape(value), dtype=bool)
    for o in ops:
        bad = bad | np.isnan(o)
    return np.where(bad, np.nan, value)


def _prod(dy, deriv, terms, *ops):
    """(dy * deriv, |dy| * terms) with NaN operands propagated."""
    with np.errstate(all="ignore"):
        value = dy * deriv
        s = np.abs(dy) * terms
    return _nan_of(value, dy, *ops), _nan_of(s, dy, *ops)


def _mpf(v):
    return mpmath.mpf(float(v))


# ---------------------------------------------------------------------------- elementwise
def _mask_grad(cond):
    """A derivative that is 1 where cond(v, *params), else 0."""
    def ref(dy, v, *params):
        dy, v = _f(dy), _f(v)
        params = [_f(p) for p in params]
        with np.errstate(all="ignore"):
            d = np.where(cond(v, *params), 1.0, 0.0)
        return _prod(dy, d, d, v, *params)

    def mp(dy, v, *params):
        return _mpf(dy) * (1 if cond(float(v), *[float(p) for p in params]) else 0)
    return ref, mp


_relu_ref, _relu_mp = _mask_grad(lambda v: v > 0)
_relu6_ref, _relu6_mp = _mask_grad(lambda v: (v > 0) & (v < 6) if isinstance(v, np.ndarray)
                                   else (0 < v < 6))
_htanh_ref, _htanh_mp = _mask_grad(lambda v, lo, hi: (v > lo) & (v < hi)
                                   if isinstance(v, np.ndarray) else (lo < v < hi))


def _hsig_ref(dy, x):
    dy, x = _f(dy), _f(x)
    inside = (x > -3) & (x < 3)
    d = np.where(inside, 1.0 / 6.0, 0.0)
    with np.errstate(all="ignore"):
        value = np.where(inside, dy / 6.0, dy * 0.0)
        s = np.abs(dy) * d
    return _nan_of(value, dy, x), _nan_of(s, dy, x)


def _hsig_mp(dy, x):
    return _mpf(dy) / 6 if -3 < float(x) < 3 else _mpf(dy) * 0


def _hswish_ref(dy, x):
    # torch >= pytorch#148049 (torch 2.13): 0 at x = -3 and 1 at x = 3
    dy, x = _f(dy), _f(x)
    with np.errstate(all="ignore"):
        xc = np.clip(x, -3.0, 3.0)
        d = np.where(x <= -3, 0.0, np.where(x < 3, (2.0 * xc + 3.0) / 6.0, 1.0))
        t = np.where(x <= -3, 0.0, np.where(x < 3, np.abs(xc) / 3.0 + 0.5, 1.0))
    return _prod(dy, d, t, x)


def _hswish_mp(dy, x):
    x = float(x)
    if x <= -3:
        d = mpmath.mpf(0)
    elif x < 3:
        d = mpmath.mpf(x) / 3 + mpmath.mpf(1) / 2
    else:
        d = mpmath.mpf(1)
    return _mpf(dy) * d


def _softsign_ref(dy, x):
    dy, x = _f(dy), _f(x)
    with np.errstate(all="ignore"):
        u = 1.0 + np.abs(x)
        value = dy / u / u               # two roundings (2^-52), no overflow of u^2
        s = np.abs(value)
    return _nan_of(value, dy, x), _nan_of(s, dy, x)


def _softsign_mp(dy, x):
    u = 1 + abs(_mpf(x))
    return _mpf(dy) / (u * u)


def _leaky_ref(dy, v, slope):
    dy, v, slope = _f(dy), _f(v), _f(slope)
    d = np.where(v > 0, 1.0, slope)
    return _prod(dy, d, np.abs(d), v, slope)


def _leaky_mp(dy, v, slope):
    return _mpf(dy) * (1 if float(v) > 0 else _mpf(slope))


def _prelu_ref(dy, x, slope):
    dy, x, slope = _f(dy), _f(x), _f(slope)
    pos = x > 0
    d = np.where(pos, 1.0, slope)
    dsl = np.where(pos, 0.0, x)
    return _prod(dy, d, np.abs(d), x, slope), _prod(dy, dsl, np.abs(dsl), x, slope)


def _prelu_mp(dy, x, slope):
    dy, x = _mpf(dy), float(x)
    if x > 0:
        return dy, dy * 0
    return dy * _mpf(slope), dy * mpmath.mpf(x)


def _reglu_ref(dy, a, b):
    dy, a, b = _f(dy), _f(a), _f(b)
    g = np.where(a > 0, 1.0, 0.0)
    r = np.where(a > 0, a, 0.0)
    with np.errstate(all="ignore"):
        da = dy * b * g
        sa = np.abs(dy * b) * g
        db = dy * r
        sb = np.abs(db)
    return ((_nan_of(da, dy, a, b), _nan_of(sa, dy, a, b)),
            (_nan_of(db, dy, a, b), _nan_of(sb, dy, a, b)))


def _reglu_mp(dy, a, b):
    dy, b = _mpf(dy), _mpf(b)
    if float(a) > 0:
        return dy * b, dy * mpmath.mpf(float(a))
    return dy * b * 0, dy * 0


# ---------------------------------------------------------------------------------- rows
def _rows(a):
    return np.atleast_2d(_f(a))


def _softmax_from_p(dy, p):
    with np.errstate(all="ignore"):
        s = np.sum(p * dy, axis=-1, keepdims=True)
        dx = p * (dy - s)
        scale = np.abs(p) * (np.abs(dy) + np.sum(np.abs(p * dy), axis=-1, keepdims=True))
    return dx, scale


def _softmax_bwd_ref(dy, x):
    dy, x = _rows(dy), _rows(x)
    return _softmax_from_p(dy, _ref.softmax(x, axis=-1))


def _softmax_bwd_y_ref(dy, y):
    return _softmax_from_p(_rows(dy), _rows(y))


def _log_softmax_from_p(dy, p):
    with np.errstate(all="ignore"):
        g = np.sum(dy, axis=-1, keepdims=True)
        dx = dy - p * g
        scale = np.abs(dy) + p * np.sum(np.abs(dy), axis=-1, keepdims=True)
    return dx, scale


def _log_softmax_bwd_ref(dy, x):
    dy, x = _rows(dy), _rows(x)
    return _log_softmax_from_p(dy, _ref.softmax(x, axis=-1))


def _log_softmax_bwd_y_ref(dy, y):
    with np.errstate(all="ignore"):
        p = np.exp(_rows(y))
    return _log_softmax_from_p(_rows(dy), p)


def _mp_probs(x):
    """softmax of a finite-max row at the current mpmath precision (None: a NaN row)."""
    x = [float(v) for v in x]
    if any(v != v or v == float("inf") for v in x) or all(v == float("-inf") for v in x):
        return None
    m = mpmath.mpf(max(x))
    e = [mpmath.exp(mpmath.mpf(v) - m) if v != float("-inf") else mpmath.mpf(0) for v in x]
    s = mpmath.fsum(e)
    return [v / s for v in e]


def _mp_softmax_dx(dy, p):
    dy = [_mpf(v) for v in dy]
    s = mpmath.fsum(a * b for a, b in zip(p, dy))
    return [a * (b - s) for a, b in zip(p, dy)]


def _mp_log_softmax_dx(dy, p):
    dy = [_mpf(v) for v in dy]
    g = mpmath.fsum(dy)
    return [b - a * g for a, b in zip(p, dy)]


def _softmax_bwd_mp(dy, x):
    p = _mp_probs(x)
    return [mpmath.nan] * len(dy) if p is None else _mp_softmax_dx(dy, p)


def _softmax_bwd_y_mp(dy, y):
    return _mp_softmax_dx(dy, [_mpf(v) for v in y])


def _log_softmax_bwd_mp(dy, x):
    p = _mp_probs(x)
    return [mpmath.nan] * len(dy) if p is None else _mp_log_softmax_dx(dy, p)


def _log_softmax_bwd_y_mp(dy, y):
    return _mp_log_softmax_dx(dy, [mpmath.exp(_mpf(v)) for v in y])


_HARDTANH_W = (-1.0, 1.0, 0.0, 6.0, -0.5, 2.0, -10.0, 10.0)   # reference.PARAM_GRID bounds
_ROW_W = (0.0, 1.0, -1.0, -16.6, -87.3, -103.97, -240.0, -300.0)


def _e(ref, mp, windows):
    return {"ref": ref, "mp": mp, "windows": tuple(windows)}


GRADS = {
    "relu_backward": _e(_relu_ref, _relu_mp, (0.0,)),
    "relu_backward_from_output": _e(_relu_ref, _relu_mp, (0.0,)),
    "hardsigmoid_backward": _e(_hsig_ref, _hsig_mp, (-3.0, 3.0, 0.0)),
    "hardswish_backward": _e(_hswish_ref, _hswish_mp, (-3.0, -1.5, 3.0, 0.0)),
    "relu6_backward": _e(_relu6_ref, _relu6_mp, (0.0, 6.0)),
    "relu6_backward_from_output": _e(_relu6_ref, _relu6_mp, (0.0, 6.0)),
    "softsign_backward": _e(_softsign_ref, _softsign_mp, (0.0, 1.0, -1.0)),
    "leaky_relu_backward": _e(_leaky_ref, _leaky_mp, (0.0,)),
    "leaky_relu_backward_from_output": _e(_leaky_ref, _leaky_mp, (0.0,)),
    "hardtanh_backward": _e(_htanh_ref, _htanh_mp, _HARDTANH_W),
    "hardtanh_backward_from_output": _e(_htanh_ref, _htanh_mp, _HARDTANH_W),
    "prelu_backward": _e(_prelu_ref, _prelu_mp, (0.0,)),
    "reglu_backward": _e(_reglu_ref, _reglu_mp, (0.0,)),
    "softmax_backward": _e(_softmax_bwd_ref, _softmax_bwd_mp, _ROW_W),
    "softmax_backward_from_output": _e(_softmax_bwd_y_ref, _softmax_bwd_y_mp, (0.0, 1.0, 0.5)),
    "log_softmax_backward": _e(_log_softmax_bwd_ref, _log_softmax_bwd_mp, _ROW_W),
    "log_softmax_backward_from_output": _e(_log_softmax_bwd_y_ref, _log_softmax_bwd_y_mp,
                                           (0.0, -16.6, -87.3, -103.97, -240.0)),
}
