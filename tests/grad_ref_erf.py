"""Float64 and mpmath references of the erf-family and expm1-unit gradients (test-only).

GRADS[key] = {"ref": ref, "mp": mp, "windows": centers}, key = the name of the default/unary
form (elu_backward covers elu_alpha_backward; the reference takes the parameters explicitly):

    ref(dy, v, *params) -> (value, S)       float64 arrays (broadcasting): value = dy * f'(v) by
                                            stable float64 formulas, S = |dy| * (sum of the
                                            absolute values of the terms of f'); two-output
                                            entries (geglu, geglu_tanh) give ((da, S), (db, S)).
    mp(dy, v, *params) -> mpmath value      the exact gradient (tuple for two outputs); the
                                            caller sets the precision (50 digits).
    windows                                 float x (or y) values the tests put dense windows
                                            around: zeros of f', branch points of the kernels,
                                            saturation / underflow points.

Conventions shared with the kernels (kernels/f32_grad_erf.h, kernels/f64_grad_erf.c): the
result is the IEEE product of dy and the exact derivative. At x = +-inf the derivative is its
limit (0 for erf, elu, selu, celu with alpha > 0; -0 for gelu and gelu_tanh at -inf, the limit
from below; 1 for gelu and gelu_tanh at +inf), so an infinite dy gives NaN there. At finite x a
derivative that underflows float64 is still nonzero: value = dy * (+-tiny) (an infinite dy gives
an infinity, never NaN). From-output forms are the formula in y, evaluated in float64.
"""
import math

import mpmath
import numpy as np
import scipy.special as sps

_2SQPI = 2.0 / math.sqrt(math.pi)
_ISQ2PI = 1.0 / math.sqrt(2.0 * math.pi)
_C1 = 2.0 * math.sqrt(2.0 / math.pi)                       # gelu_tanh: v = C1 x + C3 x^3
_C3 = 0.044715 * _C1
_SELU_S = float.fromhex("0x1.0cfabd6a91132p+0")             # torch's decimals, rounded once
_SELU_SA = float.fromhex("0x1.c212cc640f031p+0")            # scale * alpha, rounded once
_MP_SELU_S = "1.0507009873554804934193349852946"
_MP_SELU_A = "1.6732632423543772848170429916717"
_TINY = 5e-324


def _a(v):
    return np.asarray(v, dtype=np.float64)


def _finish(dy, x, d, sign, nz=True):
    """dy * d, with a derivative (nonzero where nz) that underflowed to 0 at a finite x kept as
    sign * tiny, and one that overflowed float64 at a finite x kept as 1e308 (the float32
    results are the same: dy * e^t overflows or is 0 for dy = 0)."""
    fin = np.isfinite(x)
    d = np.where((d == 0) & fin & nz, sign * _TINY, d)
    d = np.where(np.isinf(d) & fin, np.copysign(1e308, d), d)
    return dy * d


# ---------------------------------------------------------------------------------- erf
def _erf_d(x):
    return _2SQPI * np.exp(-x * x)


def ref_erf(dy, x):
    dy, x = np.broadcast_arrays(_a(dy), _a(x))
    with np.errstate(all="ignore"):
        val = _finish(dy, x, _erf_d(x), 1.0)
        return val, np.abs(val)


def mp_erf(dy, x):
    x = mpmath.mpf(x)
    return mpmath.mpf(dy) * 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x)


# ---------------------------------------------------------------------------------- gelu
def _gelu_terms(x):
    """(Phi(x), x phi(x)), limits at +-inf."""
    with np.errstate(all="ignore"):
        P = sps.ndtr(x)
        xp = np.where(np.isinf(x), 0.0, x * (_ISQ2PI * np.exp(-0.5 * x * x)))
    return P, xp


def _gelu_d(x):
    P, xp = _gelu_terms(x)
    d = P + xp
    d = np.where(x == -np.inf, -0.0, d)
    return d, np.abs(P) + np.abs(xp)


def ref_gelu(dy, x):
    dy, x = np.broadcast_arrays(_a(dy), _a(x))
    with np.errstate(all="ignore"):
        d, s = _gelu_d(x)
        return _finish(dy, x, d, np.where(x < 0, -1.0, 1.0)), np.abs(dy) * s


def _mp_big(x):
    # mpmath's erfc / exp of astronomically large arguments is slow or fails; beyond 1e6 the
    # derivatives are their limits to within e^-(5e11)
    return abs(x) > 1e6


def _mp_gelu_terms(x):
    return mpmath.ncdf(x), x * mpmath.npdf(x)


def mp_gelu(dy, x):
    dy, x = mpmath.mpf(dy), mpmath.mpf(x)
    if _mp_big(x):
        return dy if x > 0 else -dy * mpmath.mpf(2) ** -100000
    P, xp = _mp_gelu_terms(x)
    return dy * (P + xp)


def ref_geglu(dy, a, b):
    dy, a, b = np.broadcast_arrays(_a(dy), _a(a), _a(b))
    with np.errstate(all="ignore"):
        d, s = _gelu_d(a)
        neg = np.where(a < 0, -1.0, 1.0)
        da = _finish(dy * b, a, d, neg)
        g = np.where(np.isinf(a), np.where(a > 0, a, -0.0), a * sps.ndtr(a))
        db = _finish(dy, a, g, neg, a != 0)
        return (da, np.abs(dy * b) * s), (db, np.abs(db))


def mp_geglu(dy, a, b):
    dy, a, b = mpmath.mpf(dy), mpmath.mpf(a), mpmath.mpf(b)
    if _mp_big(a):
        if a > 0:
            return dy * b, dy * a
        t = mpmath.mpf(2) ** -100000
        return -dy * b * t, -dy * t
    P, xp = _mp_gelu_terms(a)
    return dy * b * (P + xp), dy * a * P


# ----------------------------------------------------------------------------- gelu_tanh
def _gtanh_parts(x):
    with np.errstate(all="ignore"):
        v = _C1 * x + _C3 * x * x * x
        s, s2 = sps.expit(v), sps.expit(-v)
        vp = _C1 + 3.0 * _C3 * x * x
        t2 = np.where(np.isinf(x), 0.0, x * vp * s * s2)
    return s, t2


def _gtanh_d(x):
    s, t2 = _gtanh_parts(x)
    d = np.where(x == -np.inf, -0.0, s + t2)
    return d, np.abs(s) + np.abs(t2), s


def ref_gelu_tanh(dy, x):
    dy, x = np.broadcast_arrays(_a(dy), _a(x))
    with np.errstate(all="ignore"):
        d, s, _ = _gtanh_d(x)
        return _finish(dy, x, d, np.where(x < 0, -1.0, 1.0)), np.abs(dy) * s


def _mp_gtanh(x):
    """(sigma(v), x v' sigma(v) sigma(-v), x sigma(v))."""
    C1 = 2 * mpmath.sqrt(2 / mpmath.pi)
    C3 = mpmath.mpf("0.044715") * C1
    v = C1 * x + C3 * x ** 3
    s = 1 / (1 + mpmath.exp(-v))
    s2 = 1 / (1 + mpmath.exp(v))
    return s, x * (C1 + 3 * C3 * x ** 2) * s * s2, x * s


def mp_gelu_tanh(dy, x):
    dy, x = mpmath.mpf(dy), mpmath.mpf(x)
    if _mp_big(x):
        return dy if x > 0 else -dy * mpmath.mpf(2) ** -100000
    s, t2, _ = _mp_gtanh(x)
    return dy * (s + t2)


def ref_geglu_tanh(dy, a, b):
    dy, a, b = np.broadcast_arrays(_a(dy), _a(a), _a(b))
    with np.errstate(all="ignore"):
        d, s, sig = _gtanh_d(a)
        neg = np.where(a < 0, -1.0, 1.0)
        da = _finish(dy * b, a, d, neg)
        g = np.where(np.isinf(a), np.where(a > 0, a, -0.0), a * sig)
        db = _finish(dy, a, g, neg, a != 0)
        return (da, np.abs(dy * b) * s), (db, np.abs(db))


def mp_geglu_tanh(dy, a, b):
    dy, a, b = mpmath.mpf(dy), mpmath.mpf(a), mpmath.mpf(b)
    if _mp_big(a):
        if a > 0:
            return dy * b, dy * a
        t = mpmath.mpf(2) ** -100000
        return -dy * b * t, -dy * t
    s, t2, g = _mp_gtanh(a)
    return dy * b * (s + t2), dy * g


# ------------------------------------------------------------------------- expm1 units
def ref_selu(dy, x):
    dy, x = np.broadcast_arrays(_a(dy), _a(x))
    with np.errstate(all="ignore"):
        d = np.where(x > 0, _SELU_S, _SELU_SA * np.exp(np.where(x > 0, 0.0, x)))
        val = _finish(dy, x, d, 1.0)
        return val, np.abs(val)


def mp_selu(dy, x):
    dy, x = mpmath.mpf(dy), mpmath.mpf(x)
    s, a = mpmath.mpf(_MP_SELU_S), mpmath.mpf(_MP_SELU_A)
    if x > 0:
        return dy * s
    if _mp_big(x):
        return dy * mpmath.mpf(2) ** -100000
    return dy * s * a * mpmath.exp(x)


def ref_selu_y(dy, y):
    dy, y = np.broadcast_arrays(_a(dy), _a(y))
    with np.errstate(all="ignore"):
        pos = y > 0
        val = dy * np.where(pos, _SELU_S, y + _SELU_SA)
        return val, np.abs(dy) * np.where(pos, _SELU_S, np.abs(y) + _SELU_SA)


def mp_selu_y(dy, y):
    dy, y = mpmath.mpf(dy), mpmath.mpf(y)
    s, a = mpmath.mpf(_MP_SELU_S), mpmath.mpf(_MP_SELU_A)
    return dy * s if y > 0 else dy * (y + s * a)


def ref_elu(dy, x, alpha):
    dy, x, alpha = np.broadcast_arrays(_a(dy), _a(x), _a(alpha))
    with np.errstate(all="ignore"):
        pos = x > 0
        d = np.where(pos, 1.0, alpha * np.exp(np.where(pos, 0.0, x)))
        d = np.where(x == -np.inf, alpha * 0.0, d)
        val = _finish(dy, x, d, np.where(alpha < 0, -1.0, 1.0), alpha != 0)
        return val, np.abs(val)


def mp_elu(dy, x, alpha):
    dy, x, alpha = mpmath.mpf(dy), mpmath.mpf(x), mpmath.mpf(alpha)
    if x > 0:
        return dy
    if _mp_big(x):
        return dy * alpha * mpmath.mpf(2) ** -100000
    return dy * alpha * mpmath.exp(x)


def ref_elu_y(dy, y, alpha):
    dy, y, alpha = np.broadcast_arrays(_a(dy), _a(y), _a(alpha))
    with np.errstate(all="ignore"):
        pos = y > 0
        val = dy * np.where(pos, 1.0, y + alpha)
        return val, np.abs(dy) * np.where(pos, 1.0, np.abs(y) + np.abs(alpha))


def mp_elu_y(dy, y, alpha):
    dy, y, alpha = mpmath.mpf(dy), mpmath.mpf(y), mpmath.mpf(alpha)
    return dy if y > 0 else dy * (y + alpha)


def ref_celu(dy, x, alpha):
    dy, x, alpha = np.broadcast_arrays(_a(dy), _a(x), _a(alpha))
    with np.errstate(all="ignore"):
        pos = x > 0
        t = np.where(pos | (x == 0), 0.0, x / alpha)       # x = +-0: exp(0) = 1 for any alpha
        d = np.where(pos, 1.0, np.exp(t))
        val = _finish(dy, x, d, 1.0, alpha != 0)
        return val, np.abs(val)


def mp_celu(dy, x, alpha):
    dy, x, alpha = mpmath.mpf(dy), mpmath.mpf(x), mpmath.mpf(alpha)
    if x >= 0:
        return dy
    if alpha == 0:
        return dy * (0 if mpmath.sign(alpha) >= 0 else mpmath.inf)
    t = x / alpha
    if t < -1e6:
        return dy * mpmath.mpf(2) ** -100000
    if t > 1e6:
        return dy * mpmath.mpf(2) ** 100000
    return dy * mpmath.exp(t)


def ref_celu_y(dy, y, alpha):
    dy, y, alpha = np.broadcast_arrays(_a(dy), _a(y), _a(alpha))
    with np.errstate(all="ignore"):
        pos = y > 0
        q = np.where(pos, 0.0, y / np.where(pos, 1.0, alpha))
        val = dy * (q + 1.0)
        return val, np.abs(dy) * (np.abs(q) + 1.0)


def mp_celu_y(dy, y, alpha):
    dy, y, alpha = mpmath.mpf(dy), mpmath.mpf(y), mpmath.mpf(alpha)
    return dy if y > 0 else dy * (y / alpha + 1)


_GELU_ZERO = -0.75179152469356446    # Phi(x) = -x phi(x)
_GTANH_ZERO = -0.75246142207101626   # sigma(v) (1 + x v' sigma(-v)) = 0

GRADS = {
    "erf_backward": {"ref": ref_erf, "mp": mp_erf,
                     "windows": (0.0, 9.34, -9.34, 13.9, 17.5)},
    "gelu_backward": {"ref": ref_gelu, "mp": mp_gelu,
                      "windows": (_GELU_ZERO, 0.5, -0.5, 2.5, -2.5, -13.2, -14.5, -19.8,
                                  24.5, -24.5)},
    "gelu_tanh_backward": {"ref": ref_gelu_tanh, "mp": mp_gelu_tanh,
                           "windows": (_GTANH_ZERO, -9.9, -11.3, -13.6, -16.3, 30.0, -30.0)},
    "geglu_backward": {"ref": ref_geglu, "mp": mp_geglu,
                       "windows": (_GELU_ZERO, 0.5, -0.5, 2.5, -2.5, -14.5, -19.8, -24.5)},
    "geglu_tanh_backward": {"ref": ref_geglu_tanh, "mp": mp_geglu_tanh,
                            "windows": (_GTANH_ZERO, -11.3, -13.6, -16.3, -30.0)},
    "selu_backward": {"ref": ref_selu, "mp": mp_selu, "windows": (0.0, -87.3, -103.9, -193.5)},
    "selu_backward_from_output": {"ref": ref_selu_y, "mp": mp_selu_y,
                                  "windows": (0.0, -_SELU_SA)},
    "elu_backward": {"ref": ref_elu, "mp": mp_elu, "windows": (0.0, -87.3, -103.9, -194.0)},
    "elu_backward_from_output": {"ref": ref_elu_y, "mp": mp_elu_y, "windows": (0.0, -1.0)},
    "celu_backward": {"ref": ref_celu, "mp": mp_celu, "windows": (0.0, -87.3, -103.9, -194.0)},
    "celu_backward_from_output": {"ref": ref_celu_y, "mp": mp_celu_y, "windows": (0.0, -1.0)},
}
