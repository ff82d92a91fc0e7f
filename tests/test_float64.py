"""float64 loops against mpmath (50 digits) on samples including the tails, on every ISA this
CPU has (the float64 SIMD kernels of kernels/f64_vec.h on avx2 / avx512, the portable ones on
scalar), and their independence of position and layout."""
import numpy as np
import pytest

import simdact as sa
import reference as ref
from budgets import F64_CEILING, LIMITS, ZERO, base_name
from isas import on_isa

UNARY = [f for f in sa.functions() if f.kind != "row"]
ROWS = [f for f in sa.functions() if f.kind == "row"]
BY_NAME = {f.name: f for f in sa.functions()}
ISAS = sa.isa().available
# the elementwise functions with float64 SIMD kernels (registry.h SA_F64V / SA_F64VP lines)
SIMD64 = [n for n in sa._core._f64_simd_functions() if BY_NAME[n].kind != "row"]
SIMD64_UNARY = [n for n in SIMD64 if BY_NAME[n].kind == "unary"]


def each_isa(fn):
    """{isa: fn()} for every available ISA."""
    out = {}
    for isa in ISAS:
        with on_isa(isa):
            out[isa] = fn()
    return out


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
            ys = each_isa(lambda: f.ufunc(x, *ops))
        r = np.array([ref.MP[f.name](float(v), *ops) for v in x])
        for isa, y in ys.items():
            assert y.dtype == np.float64
            err = ref.ulp_err64(y, r)
            i = int(np.argmax(err))
            assert np.all(err <= f.ulp_f64), \
                f"{isa}: {err[i]:.2f} ULP at x={x[i]!r} {ops}: {y[i]!r} vs {r[i]!r}"


@pytest.mark.parametrize("f", ROWS, ids=[f.name for f in ROWS])
def test_float64_rows_against_mpmath(f):
    rng = np.random.default_rng(12)
    mpf = ref.mp_softmax if f.name == "softmax" else ref.mp_log_softmax
    # 1025: over softmax's SA_D_KEEP (f64_vec.h), so its scratch row is malloc'd; scale 400:
    # results down in the subnormal range and below
    for n in (1, 2, 3, 10, 100, 1025):
        for scale in (1.0, 30.0, 400.0, 1e4):
            x = rng.standard_normal(n) * scale
            if n >= 10:
                x[3] = x.max()                # a repeated maximum
                x[5] = -np.inf                # -inf entries: 0 / -inf
            r = np.array(mpf([float(v) for v in x]))
            for isa, y in each_isa(lambda: f.ufunc(x)).items():
                err = ref.ulp_err64(y, r)
                assert np.all(err <= f.ulp_f64), (isa, n, scale, float(err.max()))


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


def _dense(rng, name):
    """Dense samples over the branch regions and tails of the SIMD kernels (f64_vec.h); a
    parametric form (elu_alpha) takes its base function's tails."""
    name = base_name(name)
    parts = [rng.uniform(-1.2, 1.2, 300), rng.uniform(-6, 9, 300),
             np.ldexp(rng.uniform(-1, 1, 60), rng.integers(-1074, -20, 60))]
    tails = {
        "sigmoid": [rng.uniform(-746, -700, 200), rng.uniform(20, 40, 50)],
        "silu": [rng.uniform(-760, -700, 200), rng.uniform(30, 45, 50)],
        "tanh": [rng.uniform(0.1, 0.5, 150), rng.uniform(15, 23, 50)],
        "erf": [rng.uniform(0.7, 0.8, 100), rng.uniform(3.5, 6.2, 150)],
        "gelu": [rng.uniform(-1.1, -0.55, 150), rng.uniform(-38.7, -30, 200),
                 rng.uniform(4, 9, 100), rng.uniform(-7, -5.5, 100)],
        "gelu_tanh": [rng.uniform(-25.5, -18, 200), rng.uniform(5, 11, 50)],
        "hardsigmoid": [rng.uniform(-3.2, -2.8, 150), np.array([3.0, -3.0, 1e-17, 6.0])],
        "hardswish": [rng.uniform(-3.2, -2.8, 150), np.array([3.0, -3.0, 1e-17, 6.0])],
        "softsign": [np.ldexp(rng.uniform(-1, 1, 100), rng.integers(20, 1023, 100)),
                     np.array([1.0, 2.0 ** 53, 2.0 ** 54, 2.0 ** 600, 2.0 ** 1000])],
        "selu": [rng.uniform(-0.4, 0.4, 150), rng.uniform(-70, -30, 100)],
        "mish": [rng.uniform(-810, -690, 200), rng.uniform(15, 25, 50)],
        "log_sigmoid": [rng.uniform(-45, -35, 50), rng.uniform(35, 45, 50),
                        rng.uniform(700, 760, 100), rng.uniform(0.3, 0.4, 100)],
        # beta x near -700 (cold below), around the threshold, tiny E = e^-|u|
        "softplus": [rng.uniform(-760, -650, 150), rng.uniform(-45, -25, 100),
                     rng.uniform(19, 21, 50), np.array([20.0, -20.0, 2000.0, 1e300])],
        "relu": [np.array([np.inf, -np.inf, 1e308, -1e308])],
        "relu6": [rng.uniform(5.5, 6.5, 50), np.array([np.inf, -np.inf, 6.0])],
        "leaky_relu": [np.array([np.inf, -np.inf, 1e308, -1e308])],
        "hardtanh": [rng.uniform(-1.1, -0.9, 50), rng.uniform(0.9, 1.1, 50)],
        "reglu": [np.array([np.inf, -np.inf, 1e308, 5e-324])],
        "prelu": [np.array([np.inf, -np.inf, 1e308, 5e-324])],
        "elu": [rng.uniform(-0.4, 0.4, 150), rng.uniform(-70, -30, 100)],
        "celu": [rng.uniform(-0.4, 0.4, 150), rng.uniform(-70, -30, 100),
                 rng.uniform(-450, -350, 50)],
        # beta x beyond the exp core's range, where the portable kernel takes over (cold lanes)
        "swish": [rng.uniform(-760, -690, 150), rng.uniform(-1200, -900, 50),
                  np.ldexp(rng.uniform(0.5, 1, 20), rng.integers(600, 1023, 20))],
        "swiglu": [rng.uniform(-760, -690, 150), rng.uniform(38, 42, 50)],
        "geglu_tanh": [rng.uniform(-25.5, -17, 200), rng.uniform(9, 11, 50)],
        "geglu": [rng.uniform(-38.8, -30, 200), rng.uniform(-1.1, -0.55, 100),
                  rng.uniform(9, 11, 50), rng.uniform(1.0, 1.1, 50)],
    }[name]
    x = np.concatenate(parts + tails)
    return np.concatenate([x, -x])


@pytest.mark.parametrize("name", SIMD64)
def test_float64_simd_dense(name):
    """Branch regions and tails (subnormal results included) on every ISA, at the first,
    a middle and the last operand tuple of a parametric form's grid."""
    f = BY_NAME[name]
    x = _dense(np.random.default_rng(21), name)
    for ops in _grid(f):
        r = np.array([ref.MP[name](float(v), *ops) for v in x])
        with np.errstate(over="ignore"):      # genuine overflows (gated units, |b| > 1)
            ys = each_isa(lambda: f.ufunc(x, *ops))
        for isa, y in ys.items():
            err = ref.ulp_err64(y, r)
            i = int(np.argmax(err))
            assert np.all(err <= f.ulp_f64), \
                f"{isa}: {err[i]:.2f} ULP at x={x[i]!r} {ops}: {y[i]!r} vs {r[i]!r}"


@pytest.mark.parametrize("name", SIMD64_UNARY)
def test_float64_specials_every_isa(name):
    """Limits, signed zeros, and NaN in -> the same NaN out, quieted (sign and payload kept)."""
    nans = np.array([0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000001,
                     0xFFF4000000000123], np.uint64).view(np.float64)
    x = np.concatenate([[np.inf, -np.inf, 0.0, -0.0], nans])
    for isa, y in each_isa(lambda: getattr(sa, name)(x)).items():
        want = LIMITS[name]
        for i in range(4):
            if want[i] == ZERO:       # a zero of either sign
                assert y[i] == 0, (isa, x[i], y[i])
            else:
                assert y[i] == want[i] and np.signbit(y[i]) == np.signbit(want[i]), \
                    (isa, x[i], y[i])
        assert np.isnan(y[4:]).all(), isa
        if isa != "scalar":   # the SIMD kernels: bit-exact quieting (portable: libm's NaN)
            np.testing.assert_array_equal(y[4:].view(np.uint64),
                                          nans.view(np.uint64) | np.uint64(1 << 51))


@pytest.mark.parametrize("f", UNARY, ids=[f.name for f in UNARY])
def test_float64_position_independent(f):
    """Every ISA: a value never depends on its position (tail handling), the layout
    (strided, reversed, misaligned, in place) or the ISA among avx2 / avx512."""
    rng = np.random.default_rng(8)
    base = rng.standard_normal(300) * 12
    base[::7] = rng.uniform(-745, -700, base[::7].size)     # tails / subnormal results
    base[::11] = np.nan
    base[::13] = -0.0
    ops = _grid(f)[-1]
    u = np.uint64
    res = {}
    for isa in ISAS:
        with on_isa(isa), np.errstate(over="ignore"):
            want = f.ufunc(base, *ops)
            for n in range(0, 40):
                np.testing.assert_array_equal(f.ufunc(base[:n], *ops).view(u), want[:n].view(u))
            for o in range(1, 9):                       # every start position in a vector
                np.testing.assert_array_equal(f.ufunc(base[o:], *ops).view(u), want[o:].view(u))
            for s in (2, 3, -1, -5):
                np.testing.assert_array_equal(f.ufunc(base[::s], *ops).view(u),
                                              want[::s].view(u))
            buf = np.zeros(base.size * 8 + 1, np.uint8)   # misaligned
            mis = buf[1:].view(np.float64)
            mis[:] = base
            f.ufunc(mis, *ops, out=mis)
            np.testing.assert_array_equal(mis.view(u), want.view(u))
        res[isa] = want
    if "avx2" in res and "avx512" in res:
        np.testing.assert_array_equal(res["avx2"].view(u), res["avx512"].view(u))


PARAMS = [f for f in UNARY if f.kind == "param"]


@pytest.mark.parametrize("f", PARAMS, ids=[f.name for f in PARAMS])
def test_float64_operand_arrays(f):
    """Every ISA: parameter operands given as arrays (contiguous, strided, reversed; NaN among
    them) give each element the bits of the call with that element's operands as scalars,
    whatever its neighbours (the SIMD kernels' cold lanes and tail padding included), and NaN
    exactly where the portable kernels give NaN (a NaN softplus threshold is no NaN result)."""
    rng = np.random.default_rng(31)
    n = 203
    x = np.concatenate([rng.standard_normal(n - 40) * 12, rng.uniform(-760, -690, 20),
                        rng.uniform(-1200, -900, 10), [np.nan, np.inf, -np.inf, 0.0, -0.0,
                                                       1e-310, 1e300, -1e300, 3.0, -3.0]])
    rng.shuffle(x)
    grid = ref.PARAM_GRID[f.name]
    pick = rng.integers(0, len(grid), n)
    ops = [np.array([grid[k][j] for k in pick]) for j in range(f.ufunc.nin - 1)]
    ops[0][7] = np.nan
    ops[-1][11] = np.nan                  # softplus: a NaN threshold compares false (as torch)
    u = np.uint64
    with on_isa("scalar"), np.errstate(all="ignore"):
        nan_portable = np.isnan(f.ufunc(x, *ops))
    for isa in ISAS:
        with on_isa(isa), np.errstate(all="ignore"):
            want = np.array([f.ufunc(x[i:i + 1], *[o[i:i + 1] for o in ops])[0]
                             for i in range(n)])
            np.testing.assert_array_equal(f.ufunc(x, *ops).view(u), want.view(u), err_msg=isa)
            np.testing.assert_array_equal(np.isnan(want), nan_portable, err_msg=isa)
            wide = [np.repeat(o, 2)[::2] for o in ops]           # strided operands
            np.testing.assert_array_equal(f.ufunc(x, *wide).view(u), want.view(u),
                                          err_msg=isa)
            np.testing.assert_array_equal(f.ufunc(x[::-1], *[o[::-1] for o in ops]).view(u),
                                          want[::-1].view(u), err_msg=isa)   # negative strides


OVF = [f for f in UNARY if f.may_overflow]
_EXTREMES = np.concatenate([[1.7976931348623157e308, 1.75e308, 2.0 ** 600, 750.0, 700.0, 40.0,
                             1.0, 5e-324, 0.0], np.geomspace(1e-320, 1e308, 97)])


@pytest.mark.parametrize("f", OVF, ids=[f.name for f in OVF])
def test_float64_overflow_flag_only_when_genuine(f):
    """Every ISA: on extreme inputs and every operand tuple of the grid, the overflow flag is
    raised exactly when a result truly overflows (no intermediate of a SIMD lane, a padding
    lane or a cold lane's recomputation raises it on its own)."""
    x = np.concatenate([_EXTREMES, -_EXTREMES])
    for ops in _grid(f) if f.kind != "param" else ref.PARAM_GRID[f.name]:
        r = np.array([ref.MP[f.name](float(v), *ops) for v in x])
        safe = x[np.isfinite(r) | np.isnan(r)]
        for isa in ISAS:
            with on_isa(isa), np.errstate(over="raise", invalid="ignore", divide="ignore",
                                          under="ignore"):
                f.ufunc(safe, *ops)
                for v in safe:
                    f.ufunc(np.array([v]), *ops)
                if safe.size < x.size:
                    with pytest.raises(FloatingPointError, match="overflow"):
                        f.ufunc(x, *ops)


@pytest.mark.parametrize("f", ROWS, ids=[f.name for f in ROWS])
def test_float64_rows_position_independent(f):
    """A row's values do not depend on the row's layout or position in the batch, and rows
    of every length 0..40 agree with the same row computed inside a longer batch."""
    rng = np.random.default_rng(9)
    u = np.uint64
    res = {}
    for isa in ISAS:
        with on_isa(isa):
            for n in range(0, 41):
                x = rng.standard_normal((5, n)) * 20
                if n > 2:
                    x[1, 2] = -np.inf
                want = np.stack([f.ufunc(row.copy()) for row in x])
                np.testing.assert_array_equal(f.ufunc(x).view(u), want.view(u))
                np.testing.assert_array_equal(f.ufunc(x.T.copy(), axis=0).view(u),
                                              want.T.view(u))
                np.testing.assert_array_equal(f.ufunc(x[::-1, ::-1]).view(u),
                                              np.stack([f.ufunc(r[::-1].copy())
                                                        for r in x[::-1]]).view(u))
            res[isa] = f.ufunc(np.random.default_rng(10).standard_normal((64, 37)) * 5)
            # rows either side of softmax's SA_D_KEEP (1024, f64_vec.h: the kept exp on the
            # stack / malloc'd), in place and not, alone and in a batch
            for n in (1024, 1025, 5000):
                x = rng.standard_normal((3, n)) * 300
                want = np.stack([f.ufunc(row.copy()) for row in x])
                np.testing.assert_array_equal(f.ufunc(x).view(u), want.view(u))
                f.ufunc(x, out=x)
                np.testing.assert_array_equal(x.view(u), want.view(u))
    if "avx2" in res and "avx512" in res:
        np.testing.assert_array_equal(res["avx2"].view(u), res["avx512"].view(u))


@pytest.mark.parametrize("f", ROWS, ids=[f.name for f in ROWS])
def test_float64_special_rows_and_flags(f):
    """Special rows on every ISA; log_softmax reports overflow only for a genuine one."""
    inf, nan = np.inf, np.nan
    for isa in ISAS:
        with on_isa(isa), np.errstate(all="raise"):
            for row in ([1.0, nan, 2.0], [1.0, inf, 2.0], [-inf, -inf]):
                assert np.isnan(f.ufunc(np.array(row))).all(), (isa, row)
            assert f.ufunc(np.zeros((3, 0))).shape == (3, 0)
            one = 1.0 if f.name == "softmax" else 0.0
            np.testing.assert_array_equal(f.ufunc(np.array([5.0])), [one])
            y = f.ufunc(np.array([0.0, -inf, 0.0]))
            want = [0.5, 0.0, 0.5] if f.name == "softmax" else [-np.log(2.0), -inf, -np.log(2.0)]
            np.testing.assert_array_equal(y, want)
            f.ufunc(np.random.default_rng(1).standard_normal((7, 300)) * 300)   # no flag
            f.ufunc(np.array([-1.7e308, 1.7e308, 0.0, 1.0]) * 0.5)            # no flag
        x = np.array([-1.7e308, 1.7e308])
        if f.may_overflow:
            with on_isa(isa), np.errstate(all="raise"):
                with pytest.raises(FloatingPointError, match="overflow"):
                    f.ufunc(x)
        with on_isa(isa), np.errstate(over="ignore"):
            y = f.ufunc(x)
        assert y[1] == one and y[0] == (-inf if f.name == "log_softmax" else 0.0), (isa, y)
