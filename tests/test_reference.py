"""The references themselves, checked against mpmath.

The float64 references (REFS, softmax, log_softmax) judge the float32 kernels in float32 ULPs,
so they must agree with mpmath to a small fraction of a float32 ULP (<= 0.01 here) everywhere
a float32 input can reach, tails included; where the float64 formula has no rounded argument
feeding a steep function it is held to <= 2 float64 ULP as well.
"""
import math

import numpy as np
import pytest

from reference import (MP, REFS, ROW, UNARY, WINDOW_CENTERS, WINDOW_HALF, log_softmax,
                       mp_log_softmax, mp_softmax, mp_to_float, softmax, sweep_f32, ulp16,
                       ulp32, ulp64, ulp_err16, ulp_err32, ulp_err64, windows_f32)

RNG_SEED = 20240601

# (lo, hi, count) float32 sample ranges per function: core, tails, saturation
RANGES = {
    "relu": [(-10, 10, 400), (-1e-38, 1e-38, 100)],
    "sigmoid": [(-110, 110, 800), (-110, -80, 400), (-20, 20, 400), (10, 20, 200)],
    "tanh": [(-10, 10, 600), (-1e-3, 1e-3, 300), (-1e-30, 1e-30, 100), (0.3, 0.8, 300),
             (8, 10, 200)],
    "silu": [(-110, 110, 800), (-110, -80, 400), (-20, 20, 400), (10, 20, 200)],
    "erf": [(-5, 5, 800), (-1e-3, 1e-3, 200), (-1e-30, 1e-30, 100), (0.8, 1.0, 200),
            (3.5, 4.2, 200), (-4.2, -3.5, 200)],
    "gelu": [(-14, 6, 800), (-14, -7, 600), (-14.5, -13, 300), (-1.5, 1.5, 300), (5, 10, 100)],
    "gelu_tanh": [(-14, 6, 800), (-14, -8, 500), (-11.5, -10.5, 300), (-5.5, -4.5, 200),
                  (-1.5, 1.5, 300)],
}

# float64 ULP bound where the float64 formula is not limited by a rounded argument:
# name -> (lo, hi) interval of x checked at <= ULP64_BOUND.get(name, 2) float64 ULP
ULP64_BOUND = {"erf": 4.0}  # scipy.special.erf (cephes) is 3 ULP near |x| = 0.9 (measured)
EXACT64 = {
    "relu": (-np.inf, np.inf),
    "sigmoid": (-np.inf, np.inf),
    "tanh": (-np.inf, np.inf),
    "silu": (-np.inf, np.inf),
    "erf": (-np.inf, np.inf),
    "gelu": (0.0, np.inf),       # x < 0: erfc(fl(-x/sqrt 2)) loses ~x^2 2^-53 relative
    "gelu_tanh": (-0.5, np.inf),  # the rounded tanh argument matters as soon as 2u << 0
}


def _points(name):
    rng = np.random.default_rng(RNG_SEED + UNARY.index(name))
    parts = [rng.uniform(lo, hi, k) for lo, hi, k in RANGES[name]]
    parts.append(rng.choice(windows_f32(name), 300))  # branch-point windows
    x = np.concatenate(parts).astype(np.float32)
    return x.astype(np.float64)


@pytest.fixture(scope="module", params=UNARY)
def sampled(request):
    name = request.param
    x = _points(name)
    ref64 = REFS[name](x)
    mp = np.array([MP[name](v) for v in x])
    return name, x, ref64, mp


def test_refs_vs_mpmath_f32_ulps(sampled):
    name, x, ref64, mp = sampled
    err = ulp_err32(ref64, mp)
    i = int(np.argmax(err))
    assert err[i] <= 0.01, f"{name}: {err[i]} float32 ULP at x={x[i]!r}"


def test_refs_vs_mpmath_f64_ulps(sampled):
    name, x, ref64, mp = sampled
    lo, hi = EXACT64[name]
    sel = (x >= lo) & (x <= hi)
    err = ulp_err64(ref64[sel], mp[sel])
    i = int(np.argmax(err))
    bound = ULP64_BOUND.get(name, 2.0)
    assert err[i] <= bound, f"{name}: {err[i]} float64 ULP at x={x[sel][i]!r}"


SPECIAL = {
    #            f(-inf)  f(+inf)  f(-0)  f(+0)
    "relu": (0.0, np.inf, 0.0, 0.0),
    "sigmoid": (0.0, 1.0, 0.5, 0.5),
    "tanh": (-1.0, 1.0, -0.0, 0.0),
    "silu": (-0.0, np.inf, -0.0, 0.0),
    "erf": (-1.0, 1.0, -0.0, 0.0),
    "gelu": (-0.0, np.inf, -0.0, 0.0),
    "gelu_tanh": (-0.0, np.inf, -0.0, 0.0),
}


def _same(a, b):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@pytest.mark.parametrize("name", UNARY)
def test_special_values(name):
    x = np.array([-np.inf, np.inf, -0.0, 0.0, np.nan])
    want = SPECIAL[name] + (np.nan,)
    for f in (REFS[name], lambda v: np.array([MP[name](t) for t in v])):
        got = f(x)
        for xi, g, w in zip(x, got, want):
            assert _same(g, w), f"{name}({xi}) = {g}, want {w}"


def test_relu_keeps_nan_payload_and_plus_zero():
    assert _same(REFS["relu"](np.array([-0.0]))[0], 0.0)
    assert MP["relu"](-5.0) == 0.0 and MP["relu"](2.5) == 2.5


@pytest.mark.parametrize("name", ["silu", "gelu", "gelu_tanh", "sigmoid"])
def test_far_negative_tail_is_tiny_not_nan(name):
    x = np.array([-1e30, -3.4e38, -1e300])
    y = REFS[name](x)
    assert np.all(y == 0) and not np.any(np.isnan(y))


def test_mp_to_float_rounds_once():
    import mpmath
    with mpmath.workdps(60):
        assert mp_to_float(mpmath.mpf(1) + mpmath.mpf(2) ** -53) == 1.0  # tie -> even
        assert mp_to_float(mpmath.mpf(1) + mpmath.mpf(2) ** -53 + mpmath.mpf(2) ** -80) \
            == 1.0 + 2.0 ** -52
        assert mp_to_float(mpmath.mpf(3) * mpmath.mpf(2) ** -1076) == 5e-324  # 0.75 -> 1
        assert mp_to_float(mpmath.mpf(2) ** -1075) == 0.0  # tie -> even 0
        assert mp_to_float(-mpmath.mpf(2) ** 1025) == -math.inf


# ---- rows ----------------------------------------------------------------------------------
def _rows():
    rng = np.random.default_rng(RNG_SEED)
    rows = []
    for k in range(40):
        n = int(rng.integers(1, 50))
        r = rng.normal(0.0, 10.0 ** rng.uniform(-2, 2.3), n)
        if k % 4 == 0:
            r[rng.integers(0, n)] = r.max()  # repeated maximum
        if k % 6 == 0:
            r[rng.integers(0, n)] = -np.inf
        rows.append(r.astype(np.float32).astype(np.float64))
    rows += [np.array([0.0, -1e-7, -2e-7]), np.array([0.0, -30.0]), np.array([0.0, -90.0, -104.0]),
             np.array([1.0, 1.0, 1.0]), np.array([5.0])]
    return rows


@pytest.mark.parametrize("which", ROW)
def test_rows_vs_mpmath(which):
    f, mpf = (softmax, mp_softmax) if which == "softmax" else (log_softmax, mp_log_softmax)
    for r in _rows():
        y = f(r)
        ref = np.array(mpf(r))
        e32 = ulp_err32(y, ref).max()
        e64 = ulp_err64(y, ref).max()
        assert e32 <= 0.01, (which, r, e32)
        if which == "log_softmax":
            # (x - max) is exact for float32 inputs, log1p((c-1) + T) keeps the maxima exact
            assert e64 <= 4.0, (which, r, e64)


@pytest.mark.parametrize("which", ROW)
def test_row_special_values(which):
    f, mpf = (softmax, mp_softmax) if which == "softmax" else (log_softmax, mp_log_softmax)
    cases = [
        ([np.nan, 1.0], [np.nan, np.nan]),
        ([np.inf, 1.0], [np.nan, np.nan]),
        ([-np.inf, -np.inf], [np.nan, np.nan]),
        ([2.0, -np.inf], [1.0, 0.0] if which == "softmax" else [0.0, -np.inf]),
    ]
    for row, want in cases:
        for got in (f(np.array(row)), mpf(row)):
            assert all(_same(g, w) for g, w in zip(got, want)), (which, row, got)


def test_row_axis_and_batch():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 5, 4))
    for f in (softmax, log_softmax):
        a = f(x, axis=1)
        b = np.moveaxis(f(np.moveaxis(x, 1, -1)), -1, 1)
        assert a.shape == x.shape and np.array_equal(a, b)
    assert np.allclose(softmax(x).sum(axis=-1), 1.0)
    assert np.allclose(np.exp(log_softmax(x)), softmax(x))


def test_log_softmax_max_element_does_not_cancel():
    r = np.array([0.0, -40.0])
    y = log_softmax(r)
    assert y[0] == -math.exp(-40.0) * (1 - 0.5 * math.exp(-40.0)) or \
        abs(y[0] + math.exp(-40.0)) <= 2 * ulp64(math.exp(-40.0))


# ---- ULP measures ----------------------------------------------------------------------------
def test_ulp_sizes():
    assert ulp32(1.0) == 2.0 ** -23 and ulp32(1.999) == 2.0 ** -23 and ulp32(2.0) == 2.0 ** -22
    assert ulp32(-3.0) == 2.0 ** -22
    assert ulp32(0.0) == 2.0 ** -149 and ulp32(1e-40) == 2.0 ** -149
    assert ulp32(2.0 ** -126) == 2.0 ** -149
    assert ulp64(1.0) == 2.0 ** -52 and ulp64(0.0) == 5e-324
    assert ulp16(1.0) == 2.0 ** -10 and ulp16(0.0) == 2.0 ** -24 and ulp16(65504.0) == 32.0
    assert np.array_equal(ulp32(np.array([1.0, 4.0])), [2.0 ** -23, 2.0 ** -21])


def test_ulp_err_rules():
    nan, inf = np.nan, np.inf
    y = np.array([nan, nan, 1.0, inf, -inf, 1.0 + 2 ** -23, 3.4e38, inf, inf, 0.0])
    r = np.array([nan, 1.0, nan, inf, inf, 1.0, 3.5e38, 3.5e38, 3.4e38, 1e-45])
    e = ulp_err32(y.astype(np.float32), r)
    assert e[0] == 0 and e[1] == inf and e[2] == inf and e[3] == 0 and e[4] == inf
    assert e[5] == 1.0
    assert e[6] == inf and e[7] == 0  # float32(3.5e38) = inf
    assert e[8] == inf
    assert abs(e[9] - 1e-45 / 2 ** -149) < 1e-12
    assert ulp_err64(np.array([1.0 + 2 ** -52]), np.array([1.0]))[0] == 1.0
    assert ulp_err64(np.array([inf]), np.array([inf]))[0] == 0.0
    e16 = ulp_err16(np.array([1.0, 65504.0, inf], dtype=np.float16), np.array([1.0 + 2 ** -11, 65504.0, 70000.0]))
    assert e16[0] == 0.5 and e16[1] == 0 and e16[2] == 0


# ---- input sets ------------------------------------------------------------------------------
def test_sweep_f32_covers_bit_space():
    n = 2 ** 16
    x = sweep_f32(n, seed=3)
    assert x.dtype == np.float32 and x.size >= n
    fin = x[np.isfinite(x)]
    assert fin.size >= n
    bits = x.view(np.uint32)
    assert np.any(bits >> 31) and np.any(~bits >> 31 & 1)  # both signs
    exps = np.unique((bits >> 23) & 0xFF)
    assert exps.size > 200  # all binades, roughly
    for v in (np.inf, -np.inf, np.finfo(np.float32).max, np.finfo(np.float32).tiny):
        assert np.any(x == v)
    assert np.any(np.isnan(x))
    assert np.any((x == 0) & np.signbit(x)) and np.any((x == 0) & ~np.signbit(x))
    assert np.any(bits == 1) and np.any(bits == 0x807FFFFF)
    assert not np.array_equal(sweep_f32(n, seed=4), x)


@pytest.mark.parametrize("name", UNARY + ROW)
def test_windows_are_dense(name):
    x = windows_f32(name)
    assert x.dtype == np.float32 and np.all(np.isfinite(x))
    assert np.all(np.diff(x) >= 0)
    for c in WINDOW_CENTERS[name]:
        c32 = np.float32(c)
        nxt = np.nextafter(c32, np.float32(np.inf))
        assert np.any(x == c32) and np.any(x == nxt)
    assert x.size >= (2 * WINDOW_HALF) * len(WINDOW_CENTERS[name]) // 2


# ---- activation catalogue ------------------------------------------------------------------
from reference import (CATALOGUE, DEFAULTS, GATED, NOPERANDS, PARAM, PARAM_GRID,  # noqa: E402
                       UNARY_CAT)

# float32 sample ranges per catalogue name (x in units of 1 unless noted): core, tails
_CAT_RANGES = {
    "exp": [(-20, 20, 120), (-120, 0, 80), (-110, -85, 60), (0, 100, 40)],
    "sat": [(-20, 20, 120), (-120, 120, 80), (-110, -85, 40), (85, 110, 40), (15, 50, 40)],
    "pw": [(-12, 12, 200), (-1e5, 1e5, 40), (-3.5, -2.5, 40), (2.5, 3.5, 40)],
    "big": [(-12, 12, 120), (-3.4e38, 3.4e38, 60), (-1e-37, 1e-37, 40), (3e7, 2e8, 40)],
}
_KIND = {
    "elu": "exp", "selu": "exp", "celu": "exp", "softplus": "sat", "mish": "sat",
    "log_sigmoid": "sat", "swish": "sat", "leaky_relu": "big", "hardsigmoid": "pw",
    "hardswish": "pw", "hardtanh": "pw", "relu6": "pw", "softsign": "big",
    "elu_alpha": "exp", "celu_alpha": "exp", "softplus_beta_threshold": "sat",
    "swish_beta": "sat", "leaky_relu_slope": "big", "hardtanh_min_max": "pw", "prelu": "big",
    "swiglu": "sat", "geglu": "sat", "geglu_tanh": "sat", "reglu": "pw",
}


def _cat_points(name, scale=1.0, k=1):
    rng = np.random.default_rng(RNG_SEED + 1000 + CATALOGUE.index(name))
    parts = [rng.uniform(lo, hi, max(4, n // k)) * scale for lo, hi, n in _CAT_RANGES[_KIND[name]]]
    parts.append(rng.choice(windows_f32(name), max(20, 120 // k)).astype(np.float64))
    parts.append(np.array([0.0, -0.0, 1e-45, -1e-45, 1e-40, -1e-40]))
    x = np.concatenate(parts)
    x = np.clip(x, -3.4e38, 3.4e38).astype(np.float32)
    return x.astype(np.float64)


def _cat_cases():
    for name in CATALOGUE:
        if NOPERANDS[name] == 0:
            yield name, ()
        else:
            for ops in PARAM_GRID[name]:
                yield name, ops


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_refs_vs_mpmath_f32_ulps(name):
    grid = PARAM_GRID.get(name, [()])
    for ops in grid:
        ops32 = tuple(float(np.float32(o)) for o in ops)  # the float32 kernels' operands
        scale = 1.0
        if name in ("softplus_beta_threshold", "swish_beta"):
            scale = 1.0 / abs(ops32[0]) if abs(ops32[0]) < 1 else 1.0
        if name == "celu_alpha" and ops32[0] > 0:
            scale = ops32[0] if ops32[0] > 1 else 1.0
        x = _cat_points(name, scale, k=max(1, len(grid) // 2))
        y = REFS[name](x, *ops32)
        mp = np.array([MP[name](v, *ops32) for v in x])
        err = ulp_err32(y, mp)
        # REFS is float64: where the exact value overflows float32, REFS must round to that inf
        with np.errstate(over="ignore"):
            mp32, y32 = mp.astype(np.float32), y.astype(np.float32)
        err = np.where(np.isinf(mp32), np.where(y32 == mp32, 0, np.inf), err)
        i = int(np.argmax(err))
        assert err[i] <= 0.01, f"{name}{ops32}: {err[i]} float32 ULP at x={x[i]!r}"


def test_catalogue_refs_broadcast_and_defaults():
    x = np.linspace(-30, 30, 61)
    for name, (pname, dflt) in DEFAULTS.items():
        assert np.array_equal(REFS[name](x), REFS[pname](x, *dflt), equal_nan=True), name
        for v in (-2.5, 0.5, 25.0):
            assert MP[name](v) == MP[pname](v, *dflt), name
    # operands broadcast against x (per-channel parameters)
    xs = x.reshape(61, 1)
    a = np.array([0.1, 1.0, 10.0])
    y = REFS["prelu"](xs, a)
    assert y.shape == (61, 3) and np.array_equal(y[:, 1], REFS["leaky_relu_slope"](x, 1.0))
    y = REFS["softplus_beta_threshold"](xs, a, 20.0)
    assert y.shape == (61, 3)
    assert REFS["hardtanh_min_max"](xs, np.array([-1.0, 0.0]), np.array([1.0, 6.0])).shape \
        == (61, 2)
    assert set(PARAM_GRID) == set(PARAM + GATED)
    for name in PARAM + GATED:
        assert all(len(ops) == NOPERANDS[name] for ops in PARAM_GRID[name])


CAT_SPECIAL = {
    # name: (operands, f(-inf), f(+inf), f(-0), f(+0))
    "elu": ((), -1.0, np.inf, -0.0, 0.0),
    "selu": ((), -1.7580993408473768, np.inf, -0.0, 0.0),  # -scale * alpha, rounded once
    "celu": ((), -1.0, np.inf, -0.0, 0.0),
    "softplus": ((), 0.0, np.inf, math.log(2), math.log(2)),
    "mish": ((), -0.0, np.inf, -0.0, 0.0),
    "log_sigmoid": ((), -np.inf, -0.0, -math.log(2), -math.log(2)),
    "swish": ((), -0.0, np.inf, -0.0, 0.0),
    "leaky_relu": ((), -np.inf, np.inf, -0.0, 0.0),
    "hardsigmoid": ((), 0.0, 1.0, 0.5, 0.5),
    "hardswish": ((), -0.0, np.inf, -0.0, 0.0),
    "hardtanh": ((), -1.0, 1.0, -0.0, 0.0),
    "relu6": ((), 0.0, 6.0, -0.0, 0.0),
    "softsign": ((), -1.0, 1.0, -0.0, 0.0),
    "elu_alpha": ((-2.0,), 2.0, np.inf, 0.0, -0.0),
    "celu_alpha": ((-2.0,), -np.inf, np.inf, -0.0, 0.0),
    "softplus_beta_threshold": ((-1.0, 20.0), -np.inf, -0.0, -math.log(2), -math.log(2)),
    "swish_beta": ((-1.0,), -np.inf, 0.0, -0.0, 0.0),
    "leaky_relu_slope": ((-2.0,), np.inf, np.inf, 0.0, -0.0),
    "hardtanh_min_max": ((0.0, 6.0), 0.0, 6.0, -0.0, 0.0),
    "prelu": ((0.25,), -np.inf, np.inf, -0.0, 0.0),
    "swiglu": ((-2.0,), 0.0, -np.inf, 0.0, -0.0),
    "geglu": ((2.0,), -0.0, np.inf, -0.0, 0.0),
    "geglu_tanh": ((2.0,), -0.0, np.inf, -0.0, 0.0),
    "reglu": ((-2.0,), -0.0, -np.inf, -0.0, -0.0),
}


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_special_values(name):
    ops, *want = CAT_SPECIAL[name]
    x = np.array([-np.inf, np.inf, -0.0, 0.0, np.nan])
    want = list(want) + [np.nan]
    for f in (lambda v: REFS[name](v, *ops), lambda v: np.array([MP[name](t, *ops) for t in v])):
        got = f(x)
        for xi, g, w in zip(x, got, want):
            assert _same(g, w), f"{name}{ops}({xi}) = {g}, want {w}"


def test_catalogue_tails_and_branches():
    # mpmath values at a few exact points (torch semantics)
    assert MP["hardswish"](-3.0) == 0.0 and MP["hardswish"](3.0) == 3.0
    assert MP["hardsigmoid"](1.5) == 0.75
    assert MP["softplus"](20.0) == MP["softplus_beta_threshold"](20.0, 1.0, 20.0) != 20.0
    assert MP["softplus"](20.000002) == 20.000002  # beta * x > threshold: x itself
    import mpmath
    with mpmath.workdps(50):
        b = mpmath.mpf(0.1)
        want = mp_to_float(mpmath.log1p(mpmath.exp(3 * b)) / b)
    assert MP["softplus_beta_threshold"](3.0, 0.1, 20.0) == want
    assert MP["celu_alpha"](-1e5, -0.01) == -np.inf  # alpha < 0 overflows
    assert MP["leaky_relu_slope"](-3e38, 10.0) == -3e39  # float64 finite; float32 overflows
    assert 0.0 > MP["log_sigmoid"](700.0) > -1e-300
    assert 0.0 > MP["mish"](-700.0) > -1e-290
    y = REFS["swish_beta"](np.array([-1e30, 1e30]), 1.0)
    assert y[0] == 0 and y[1] == 1e30
    assert np.all(np.isfinite(REFS["softsign"](np.array([3.4e38, -3.4e38, 1e308]))))
    assert REFS["softplus_beta_threshold"](np.array([-1e30]), 0.01, 20.0)[0] == 0.0


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_windows_are_dense(name):
    x = windows_f32(name)
    assert x.dtype == np.float32 and np.all(np.isfinite(x))
    assert np.all(np.diff(x) >= 0)
    for c in WINDOW_CENTERS[name]:
        c32 = np.float32(c)
        assert np.any(x == c32)
