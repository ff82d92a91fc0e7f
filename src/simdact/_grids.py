"""The operand grids over which the budgets of parametric and two-operand functions are
measured (issue 3: parameters {0.01, 0.1, 1, 1.7, 10} and their sign where it may be
negative; gated units: b in {+-2^-20, +-1, +-3.7, +-2^20}). Shared by the tests and by
`python -m simdact accuracy`, keyed by ufunc name."""

_GRID_POS = (0.01, 0.1, 1.0, 1.7, 10.0)
_GRID_NEG = (-0.01, -1.0, -10.0)
_GATED_B = (2.0 ** -20, -(2.0 ** -20), 1.0, -1.0, 3.7, -3.7, 2.0 ** 20, -(2.0 ** 20))

PARAM_GRID = {
    # torch accepts any alpha for elu (only in-place elu rejects alpha < 0), any nonzero alpha
    # for celu; celu with alpha < 0 grows like |alpha| e^(x/alpha) and overflows.
    "elu_alpha": [(a,) for a in _GRID_POS + _GRID_NEG],
    "celu_alpha": [(a,) for a in _GRID_POS + _GRID_NEG],
    "softplus_beta_threshold": [(b, 20.0) for b in _GRID_POS] + [(1.0, 5.0), (1.0, 50.0)],
    "swish_beta": [(b,) for b in _GRID_POS + (-1.0,)],
    "leaky_relu_slope": [(s,) for s in _GRID_POS + _GRID_NEG],
    "prelu": [(s,) for s in _GRID_POS + _GRID_NEG],
    "hardtanh_min_max": [(-1.0, 1.0), (0.0, 6.0), (-0.5, 2.0), (-10.0, 10.0)],
    **{g: [(b,) for b in _GATED_B] for g in ("swiglu", "geglu", "geglu_tanh", "reglu")},
}
