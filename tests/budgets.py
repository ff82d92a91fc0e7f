"""Accuracy ceilings from the issues (the contract), independent of the registry.

The registry (kernels/registry.h, exposed as simdact.functions()) carries each function's own
budget next to its kernel; the tests check measured <= registry budget <= these ceilings.
"""
import math

import mpmath

_EXP_LOG = ["sigmoid", "tanh", "silu", "erf", "gelu", "gelu_tanh", "softmax", "log_softmax",
            "elu", "selu", "celu", "softplus", "mish", "log_sigmoid", "swish", "softsign"]
_EXACTISH = ["relu", "leaky_relu", "prelu", "hardsigmoid", "hardswish", "hardtanh", "relu6"]
_GATED = ["swiglu", "geglu", "geglu_tanh", "reglu"]

# float32 ULPs over all finite float32 inputs (softmax-like: per element, random rows);
# a parametric form shares its function's ceiling (name_<params> -> name).
# issue 4: <= 1.0 ULP for every exp/log/erf-based function (met by all: the largest is gelu's
# 0.87), <= 3 for gated units (a product after the activation).
F32_CEILING = {**{n: 1.0 for n in _EXP_LOG}, **{n: 1.0 for n in _EXACTISH},
               **{n: 3.0 for n in _GATED}, "relu": 0.0}
F64_CEILING = {n: 2.0 for n in F32_CEILING}
F64_CEILING.update({n: 3.0 for n in _GATED})
F16_CEILING = 1.0


def base_name(name):
    """elu_alpha -> elu, softplus_beta_threshold -> softplus; other names unchanged."""
    for n in sorted(F32_CEILING, key=len, reverse=True):
        if name == n or name.startswith(n + "_"):
            return n
    raise KeyError(name)


_SELU_A = "1.6732632423543772848170429916717"
_SELU_S = "1.0507009873554804934193349852946"
with mpmath.workdps(50):
    _SELU_LIMIT = float(mpmath.mpf(_SELU_S) * mpmath.mpf(_SELU_A))   # scale * alpha, rounded once
INF = math.inf
# Mathematical limits and values at signed zero, from the formulas (not from simdact):
# (f(+inf), f(-inf), f(+0), f(-0)); ZERO: a zero of either sign (the formula leaves the sign
# open, e.g. hardswish(-inf) = -inf * 0 taken as its limit).
ZERO = "+-0"
LIMITS = {
    "relu": (INF, 0.0, 0.0, 0.0),
    "sigmoid": (1.0, 0.0, 0.5, 0.5),
    "tanh": (1.0, -1.0, 0.0, -0.0),
    "silu": (INF, -0.0, 0.0, -0.0),
    "erf": (1.0, -1.0, 0.0, -0.0),
    "gelu": (INF, -0.0, 0.0, -0.0),
    "gelu_tanh": (INF, -0.0, 0.0, -0.0),
    "elu": (INF, -1.0, 0.0, -0.0),
    "selu": (INF, -_SELU_LIMIT, 0.0, -0.0),
    "celu": (INF, -1.0, 0.0, -0.0),
    "softplus": (INF, 0.0, math.log(2.0), math.log(2.0)),
    "mish": (INF, -0.0, 0.0, -0.0),
    "log_sigmoid": (ZERO, -INF, -math.log(2.0), -math.log(2.0)),
    "swish": (INF, -0.0, 0.0, -0.0),
    "leaky_relu": (INF, -INF, 0.0, -0.0),
    "hardsigmoid": (1.0, 0.0, 0.5, 0.5),
    "hardswish": (INF, ZERO, 0.0, ZERO),
    "hardtanh": (1.0, -1.0, 0.0, -0.0),
    "relu6": (6.0, 0.0, 0.0, ZERO),
    "softsign": (1.0, -1.0, 0.0, -0.0),
}
