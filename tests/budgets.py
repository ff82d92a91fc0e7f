"""Accuracy ceilings from the issues (the contract), independent of the registry.

The registry (kernels/registry.h, exposed as simdact.functions()) carries each function's own
budget next to its kernel; the tests check measured <= registry budget <= these ceilings.
"""
# float32 ULPs over all finite float32 inputs (softmax-like: per element, random rows)
F32_CEILING = {
    "relu": 0.0,
    "sigmoid": 2.0, "tanh": 2.0, "silu": 2.0, "erf": 2.0, "gelu": 2.0, "gelu_tanh": 2.0,
    "softmax": 2.0, "log_softmax": 2.0,
}
F64_CEILING = {name: 2.0 for name in F32_CEILING}
F16_CEILING = 1.0

# Mathematical limits at +-inf and the sign of f(+-0): (f(+inf), f(-inf), f(+0), f(-0)).
LIMITS = {
    "relu": (float("inf"), 0.0, 0.0, 0.0),
    "sigmoid": (1.0, 0.0, 0.5, 0.5),
    "tanh": (1.0, -1.0, 0.0, -0.0),
    "silu": (float("inf"), -0.0, 0.0, -0.0),
    "erf": (1.0, -1.0, 0.0, -0.0),
    "gelu": (float("inf"), -0.0, 0.0, -0.0),
    "gelu_tanh": (float("inf"), -0.0, 0.0, -0.0),
}
