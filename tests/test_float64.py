"""float64 loops against mpmath (50 digits) on samples including the tails."""
import numpy as np
import pytest

import simdact as sa
import reference as ref
from budgets import F64_CEILING, base_name

UNARY = [f for f in sa.functions() if f.kind != "row"]
ROWS = [f for f in sa.functions() if f.kind == "row"]


def _samples(rng):
    core = rng.uniform(-6, 6, 400)
    wide = rng.uniform(-40, 40, 300)
    tiny = np.ldexp(rng.uniform(-1, 1, 100), rng.integers(-1070, -10, 100))
    huge = np.ldexp(rng.uniform(-1, 1, 50), rng.integers(10, 1023, 50))
    tails = np.concatenate([rng.uniform(-745, -700, 50), rng.uniform(-38.5, -30, 50),
                            rng.uniform(-27, -20, 50)])
    return np.concatenate([core, wide, tiny, huge, tails, [0.0, -0.0, 1e-300, -1e-300]])


def _grid(f):
    """All operand tuples would make mpmath slow: the first, a middle and the last."""
    if f.kind != "param":
        return [()]
    g = ref.PARAM_GRID[f.name]
    return [g[i] for i in sorted({0, len(g) // 2, len(g) - 1})]


@pytest.mark.parametrize("f", UNARY, ids=[f.name for f in UNARY])
def test_float64_against_mpmath(f):
    assert f.ulp_f64 <= F64_CEILING[base_name(f.name)]
    rng = np.random.default_rng(11)
    for ops in _grid(f):
        x = _samples(rng)
        if ops:
            x = x[::3]
        with np.errstate(over="ignore"):      # genuine overflows (celu, alpha < 0) are fine here
            y = f.ufunc(x, *ops)
        assert y.dtype == np.float64
        r = np.array([ref.MP[f.name](float(v), *ops) for v in x])
        err = ref.ulp_err64(y, r)
        i = int(np.argmax(err))
        assert np.all(err <= f.ulp_f64), \
            f"{err[i]:.2f} ULP at x={x[i]!r} {ops}: {y[i]!r} vs {r[i]!r}"


@pytest.mark.parametrize("f", ROWS, ids=[f.name for f in ROWS])
def test_float64_rows_against_mpmath(f):
    rng = np.random.default_rng(12)
    mpf = ref.mp_softmax if f.name == "softmax" else ref.mp_log_softmax
    for n in (1, 2, 3, 10, 100):
        for scale in (1.0, 30.0, 1e4):
            x = rng.standard_normal(n) * scale
            y = f.ufunc(x)
            r = np.array(mpf([float(v) for v in x]))
            err = ref.ulp_err64(y, r)
            assert np.all(err <= f.ulp_f64), (n, scale, float(err.max()))


@pytest.mark.parametrize("f", UNARY, ids=[f.name for f in UNARY])
def test_float64_layout_and_threads(f):
    x = np.random.default_rng(5).standard_normal(50_001) * 10
    ops = _grid(f)[-1]
    want = f.ufunc(x, *ops).view(np.uint64)
    np.testing.assert_array_equal(f.ufunc(x[::-2], *ops).view(np.uint64), want[::-2])
    old = sa._core._set_parallel_threshold(500)
    try:
        for t in (1, 2, 3):
            with sa.set_num_threads(t):
                np.testing.assert_array_equal(f.ufunc(x, *ops).view(np.uint64), want)
    finally:
        sa._core._set_parallel_threshold(old)
