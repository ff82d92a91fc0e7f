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
