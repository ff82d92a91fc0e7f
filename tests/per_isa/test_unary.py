"""Elementwise kernels under one forced ISA (SIMDACT_ISA), through the public ufuncs:
accuracy over >= 2^24 float32 bit patterns plus dense windows and special values, float16
exhaustively, limits and signed zeros, layout independence and floating-point flags."""
import os

import numpy as np
import pytest

import simdact as sa
import reference as ref
from budgets import F16_CEILING, F32_CEILING, LIMITS

UNARY = [f for f in sa.functions() if f.kind == "unary"]
IDS = [f.name for f in UNARY]


def test_forced_isa_is_active():
    assert sa.isa().active == os.environ["SIMDACT_ISA"]


@pytest.fixture(scope="module")
def sweep():
    x = ref.sweep_f32(2 ** 24)
    assert x.dtype == np.float32 and np.isfinite(x).sum() >= 2 ** 24
    return x


def _worst(x, y, r, err):
    i = int(np.nanargmax(np.where(np.isnan(err), -1, err)))
    return f"max {err[i]:.3f} ULP at x={x[i]!r} (y={y[i]!r}, ref={r[i]!r})"


@pytest.mark.parametrize("f", UNARY, ids=IDS)
def test_float32_budget_over_sweep(f, sweep):
    assert f.ulp_f32 <= F32_CEILING[f.name], "registry budget above the issue's ceiling"
    x = np.concatenate([sweep, ref.windows_f32(f.name)])
    y = f.ufunc(x)
    assert y.dtype == np.float32
    r = ref.REFS[f.name](x.astype(np.float64))
    err = ref.ulp_err32(y, r)
    assert np.all(err <= f.ulp_f32), _worst(x, y, r, err)


@pytest.mark.parametrize("f", UNARY, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_limits_nan_and_signed_zero(f, dtype):
    pinf, ninf, pz, nz = LIMITS[f.name]
    x = np.array([np.inf, -np.inf, 0.0, -0.0, np.nan, -np.nan], dtype=dtype)
    y = f.ufunc(x)
    expect = np.array([pinf, ninf, pz, nz], dtype=dtype)
    np.testing.assert_array_equal(y[:4], expect)
    np.testing.assert_array_equal(np.signbit(y[:4]), np.signbit(expect))
    assert np.isnan(y[4:]).all()


@pytest.mark.parametrize("f", UNARY, ids=IDS)
def test_float16_all_inputs(f):
    h = np.arange(2 ** 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    y = f.ufunc(h)
    assert y.dtype == np.float16
    r = ref.REFS[f.name](h.astype(np.float64))
    err = ref.ulp_err16(y, r)
    assert np.all(err <= F16_CEILING), _worst(h, y, r, err)
    assert np.array_equal(np.isnan(y), np.isnan(r))


SIZES = list(range(0, 4 * 64 + 2))   # 0 .. 4 x (the largest unrolled block, 64 B) + 1
BITS = {np.float16: np.uint16, np.float32: np.uint32, np.float64: np.uint64}


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("f", UNARY, ids=IDS)
def test_layout_gives_identical_bits(f, dtype):
    u = BITS[dtype]
    rng = np.random.default_rng(1)
    base = (rng.standard_normal(4096) * 8).astype(dtype)
    base[::37] = dtype(-100.5) if dtype != np.float16 else dtype(-12.5)   # tail results
    base[::53] = np.nan
    want = f.ufunc(base)
    assert want.dtype == dtype
    # every size, contiguous: position and tail handling never change a value
    for n in SIZES:
        np.testing.assert_array_equal(f.ufunc(base[:n]).view(u), want[:n].view(u))
    # strides -4..4 on both sides
    for s in [-4, -3, -2, -1, 1, 2, 3, 4]:
        for n in (0, 1, 7, 33, 257, 1000):
            xs = base[::s][:n]
            ref_bits = f.ufunc(xs.copy()).view(u)
            np.testing.assert_array_equal(f.ufunc(xs).view(u), ref_bits)
            out = np.full(abs(s) * max(n, 1), dtype(7.0))[::s][:n]
            f.ufunc(xs, out=out)
            np.testing.assert_array_equal(out.view(u), ref_bits)
    # broadcast (stride 0) input
    b = np.broadcast_to(base[5:6], (300,))
    np.testing.assert_array_equal(f.ufunc(b).view(u), np.repeat(want[5:6], 300).view(u))
    # in place, contiguous and strided
    a = base.copy()
    f.ufunc(a, out=a)
    np.testing.assert_array_equal(a.view(u), want.view(u))
    c = base.copy()
    f.ufunc(c[::-3], out=c[::-3])
    np.testing.assert_array_equal(c[::-3].view(u), want[::-3].view(u))
    # misaligned: data at byte offsets 4..60 from a 64-byte boundary (2..62 for float16)
    isz = np.dtype(dtype).itemsize
    raw = np.zeros(4096 * isz + 128, dtype=np.uint8)
    start = (-raw.ctypes.data) % 64
    for off in range(max(isz, 2), 64, max(isz, 2)):
        if off % isz:
            continue
        v = raw[start + off:start + off + isz * 1000].view(dtype)
        v[:] = base[:1000]
        np.testing.assert_array_equal(f.ufunc(v).view(u), want[:1000].view(u))
        o = np.empty(1000 + 1, dtype)[1:] if isz < 8 else np.empty(1000, dtype)
        f.ufunc(v, out=o)
        np.testing.assert_array_equal(o.view(u), want[:1000].view(u))
        f.ufunc(v, out=v)
        np.testing.assert_array_equal(v.view(u), want[:1000].view(u))


@pytest.mark.parametrize("f", UNARY, ids=IDS)
def test_no_spurious_floating_point_flags(f, sweep):
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 3.4e38, -3.4e38],
                        dtype=np.float32)
    half = sweep[np.abs(sweep) < 65504].astype(np.float16)
    with np.errstate(all="raise"):
        f.ufunc(sweep)                       # none of these functions can overflow
        f.ufunc(specials)
        for n in range(1, 40):               # masked / padded tails
            f.ufunc(specials[: n % len(specials) + 1])
        f.ufunc(half)
        f.ufunc(sweep[::-7])


@pytest.mark.parametrize("f", UNARY, ids=IDS)
def test_threads_never_change_a_bit(f):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(200_003) * 10).astype(np.float32)
    old = sa._core._set_parallel_threshold(1000)
    try:
        with sa.set_num_threads(1):
            want = f.ufunc(x)
            want_s = f.ufunc(x[::3])
            want_h = f.ufunc(x.astype(np.float16))
        for t in (2, 3, 4):
            with sa.set_num_threads(t):
                sa._core._max_team_seen(True)
                np.testing.assert_array_equal(f.ufunc(x).view(np.uint32), want.view(np.uint32))
                np.testing.assert_array_equal(f.ufunc(x[::3]).view(np.uint32),
                                              want_s.view(np.uint32))
                np.testing.assert_array_equal(f.ufunc(x.astype(np.float16)).view(np.uint16),
                                              want_h.view(np.uint16))
                if sa._core.has_openmp():
                    assert sa._core._max_team_seen() == t
    finally:
        sa._core._set_parallel_threshold(old)
