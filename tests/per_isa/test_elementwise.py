"""Elementwise ufuncs (unary, parametric, gated) under one forced ISA (SIMDACT_ISA), through
the public ufuncs: the public path runs the selected ISA's kernel, float16 over every input,
limits and signed zeros, layout independence, floating-point flags and threads.
(float32 budgets per ISA: tests/test_accuracy.py.)"""
import os

import numpy as np
import pytest

import simdact as sa
import reference as ref
from budgets import F16_CEILING, LIMITS, ZERO
from refcall import ref_call, ulp_err_bf16

ELEMENTWISE = [f for f in sa.functions() if f.kind != "row"]
IDS = [f.name for f in ELEMENTWISE]
ISA = os.environ["SIMDACT_ISA"]


def _ops(f, dtype=np.float32):
    """Operand tuples for f: () for unary ufuncs, PARAM_GRID's for parametric/gated ones."""
    if f.kind != "param":
        return [()]
    with np.errstate(over="ignore"):
        sets = [tuple(dtype(v) for v in ops) for ops in ref.PARAM_GRID[f.name]]
    return [o for o in sets if all(np.isfinite(v) for v in o)]   # 2^20 is no float16


def test_forced_isa_is_active():
    assert sa.isa().active == ISA


@pytest.fixture(scope="module")
def sweep():
    return ref.sweep_f32(2 ** 20, seed=5)


@pytest.mark.parametrize("f", ELEMENTWISE, ids=IDS)
def test_public_ufunc_runs_the_selected_kernel(f, sweep):
    for ops in _ops(f):
        y = f.ufunc(sweep, *ops)
        k = sa._core._kernel_f32(f.name, ISA, sweep, *ops)
        np.testing.assert_array_equal(y.view(np.uint32), k.view(np.uint32))


@pytest.mark.parametrize("f", [f for f in ELEMENTWISE if f.kind == "unary"],
                         ids=[f.name for f in ELEMENTWISE if f.kind == "unary"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_limits_nan_and_signed_zero(f, dtype):
    x = np.array([np.inf, -np.inf, 0.0, -0.0, np.nan, -np.nan], dtype=dtype)
    y = f.ufunc(x)
    for i, want in enumerate(LIMITS[f.name]):
        if want == ZERO:
            assert y[i] == 0, (i, y[i])
            continue
        w = dtype(want)
        assert y[i] == w and np.signbit(y[i]) == np.signbit(w), (x[i], y[i], w)
    assert np.isnan(y[4:]).all()


FAST_ELEMENTWISE = [f for f in sa.fast.functions() if f.kind != "row"]


@pytest.mark.parametrize("f", ELEMENTWISE + FAST_ELEMENTWISE,
                         ids=IDS + [f.name + "_fast" for f in FAST_ELEMENTWISE])
def test_nan_input_comes_back_quieted_with_its_bits(f):
    """f32_driver.h: a NaN x comes back as itself with the quiet bit set, sign and payload
    kept (quiet and signalling NaNs, both signs), in full vectors and in the padded tail, with
    no operand order of the compiler's deciding it (AVX-512 does it with vfixupimmps)."""
    bits = np.array([0x7fc00000, 0xffc00000, 0x7fc12345, 0xffbfffff, 0x7f800001, 0xff800001,
                     0x7fa5a5a5, 0xffffffff, 0x7fffffff, 0x7f812345], np.uint32)
    x = np.tile(bits, 4)[:37].view(np.float32)        # two full vectors and a tail on AVX-512
    for ops in _ops(f):
        y = f.ufunc(x, *ops)
        want = x.view(np.uint32) | np.uint32(0x00400000)
        np.testing.assert_array_equal(y.view(np.uint32), want, err_msg=f"{f.name} {ops}")


@pytest.mark.parametrize("f", [f for f in ELEMENTWISE if f.kind == "param"],
                         ids=[f.name for f in ELEMENTWISE if f.kind == "param"])
def test_parametric_nan_and_inf(f):
    x = np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -1.5], np.float32)
    for ops in _ops(f):
        y = f.ufunc(x, *ops)
        assert np.isnan(y[:2]).all()
        r = ref_call(f, x, ops)
        err = ref.ulp_err32(y, r)
        assert np.all(err <= f.ulp_f32), (ops, y, r)


@pytest.mark.parametrize("f", ELEMENTWISE, ids=IDS)
def test_float16_all_inputs(f):
    h = np.arange(2 ** 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    for ops in _ops(f, np.float16):
        with np.errstate(over="ignore"):
            y = f.ufunc(h, *ops)
        assert y.dtype == np.float16
        r = ref_call(f, h, ops, np.float16)
        err = ref.ulp_err16(y, r)
        i = int(np.argmax(err))
        assert np.all(err <= F16_CEILING), (ops, h[i], y[i], r[i], err[i])


@pytest.mark.parametrize("f", ELEMENTWISE, ids=IDS)
def test_bfloat16_all_inputs(f):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    bf16 = ml_dtypes.bfloat16
    b = np.arange(2 ** 16, dtype=np.uint32).astype(np.uint16).view(bf16)
    for ops in _ops(f):
        ob = tuple(np.asarray(o, np.float32).astype(bf16) for o in ops)
        if not all(np.isfinite(np.float32(o)) for o in ob):
            continue
        with np.errstate(over="ignore"):
            y = f.ufunc(b, *ob)
        assert y.dtype == bf16
        with np.errstate(invalid="ignore"):          # NaN patterns
            r = ref_call(f, b.astype(np.float32), [np.float32(o) for o in ob], np.float32)
        err = ulp_err_bf16(y.astype(np.float32), r)
        i = int(np.argmax(err))
        assert np.all(err <= 1.0), (ops, b[i], y[i], r[i], err[i])


SIZES = list(range(0, 4 * 64 + 2))   # 0 .. 4 x (the largest unrolled block, 64 B) + 1
BITS = {np.float16: np.uint16, np.float32: np.uint32, np.float64: np.uint64}


def _call(f, x, ops, **kw):
    return f.ufunc(x, *ops, **kw)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("f", ELEMENTWISE, ids=IDS)
def test_layout_gives_identical_bits(f, dtype):
    u = BITS[dtype]
    rng = np.random.default_rng(1)
    base = (rng.standard_normal(4096) * 8).astype(dtype)
    base[::37] = dtype(-100.5) if dtype != np.float16 else dtype(-12.5)   # tail results
    base[::53] = np.nan
    ops = _ops(f, dtype)[-1]
    # a parametric function also gets a per-element operand (per-channel parameters)
    opsets = [ops] + ([tuple((rng.uniform(0.1, 2, 4096)).astype(dtype) for _ in ops)]
                      if ops else [])
    for ops in opsets:
        def sl(o, idx):
            return o[idx] if np.ndim(o) else o
        want = _call(f, base, ops)
        assert want.dtype == dtype
        guard = np.full(SIZES[-1] + 32, dtype(7.0))
        for n in SIZES:     # every size: position and tail handling never change a value
            on = [sl(o, slice(0, n)) for o in ops]
            np.testing.assert_array_equal(_call(f, base[:n], on).view(u), want[:n].view(u))
            guard[:] = 7.0  # the (masked) tail writes its n % width lanes and nothing else
            _call(f, base[:n], on, out=guard[16:16 + n])
            np.testing.assert_array_equal(guard[16:16 + n].view(u), want[:n].view(u))
            assert (guard[:16] == 7).all() and (guard[16 + n:] == 7).all(), n
        for s in [-4, -3, -2, -1, 1, 2, 3, 4]:   # strides -4..4 on both sides
            for n in (0, 1, 7, 33, 257, 1000):
                idx = slice(None, None, s)
                xs = base[idx][:n]
                os_ = [sl(o, idx)[:n] if np.ndim(o) else o for o in ops]
                ref_bits = _call(f, xs.copy(), [np.copy(o) for o in os_]).view(u)
                np.testing.assert_array_equal(_call(f, xs, os_).view(u), ref_bits)
                out = np.full(abs(s) * max(n, 1), dtype(7.0))[::s][:n]
                _call(f, xs, os_, out=out)
                np.testing.assert_array_equal(out.view(u), ref_bits)
        b = np.broadcast_to(base[5:6], (300,))      # stride-0 input
        np.testing.assert_array_equal(
            _call(f, b, [np.broadcast_to(o[5:6], (300,)) if np.ndim(o) else o
                         for o in ops]).view(u),
            np.repeat(want[5:6], 300).view(u))
        a = base.copy()                              # in place, contiguous and strided
        _call(f, a, ops, out=a)
        np.testing.assert_array_equal(a.view(u), want.view(u))
        c = base.copy()
        _call(f, c[::-3], [sl(o, slice(None, None, -3)) for o in ops], out=c[::-3])
        np.testing.assert_array_equal(c[::-3].view(u), want[::-3].view(u))
        isz = np.dtype(dtype).itemsize              # misaligned: byte offsets 4..60 (2.. f16)
        raw = np.zeros(4096 * isz + 128, dtype=np.uint8)
        start = (-raw.ctypes.data) % 64
        o1000 = [sl(o, slice(0, 1000)) for o in ops]
        for off in range(isz, 64, isz):
            if off < 4 and isz > 2:
                continue
            v = raw[start + off:start + off + isz * 1000].view(dtype)
            v[:] = base[:1000]
            np.testing.assert_array_equal(_call(f, v, o1000).view(u), want[:1000].view(u))
            _call(f, v, o1000, out=v)
            np.testing.assert_array_equal(v.view(u), want[:1000].view(u))
        # the output 16 bytes past the input modulo 4 KiB (the layout for which the drivers
        # load each vector ahead of the previous store): the same bits, nothing else written
        pair = np.full(2 * 4096 + 64, dtype(7.0))
        d = 4096 + 16 // isz
        pair[:1000] = base[:1000]
        _call(f, pair[:1000], o1000, out=pair[d:d + 1000])
        np.testing.assert_array_equal(pair[d:d + 1000].view(u), want[:1000].view(u))
        np.testing.assert_array_equal(pair[:1000].view(u), base[:1000].view(u))
        assert (pair[1000:d] == 7).all() and (pair[d + 1000:] == 7).all()


@pytest.mark.parametrize("f", ELEMENTWISE, ids=IDS)
def test_no_spurious_floating_point_flags(f, sweep):
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 3.4e38, -3.4e38],
                        dtype=np.float32)
    half = sweep[np.abs(sweep) < 60000].astype(np.float16)
    for ops in _ops(f):
        if f.may_overflow:
            # only a genuine overflow may be reported: inputs whose results stay finite
            r = ref_call(f, sweep, ops)
            xs = sweep[np.abs(r) < 3e38]
            rs = ref_call(f, specials, ops)
            sp = specials[~(np.isfinite(specials) & ~(np.abs(rs) < 3e38))]
        else:
            xs, sp = sweep, specials
        with np.errstate(all="raise"):
            f.ufunc(xs, *ops)
            f.ufunc(sp, *ops)
            for n in range(1, 40):               # padded tails
                f.ufunc(sp[: n % len(sp) + 1], *ops)
            f.ufunc(xs[::-7], *ops)
        if not f.may_overflow:
            for ops16 in _ops(f, np.float16):
                with np.errstate(all="raise"):
                    f.ufunc(half, *ops16)


@pytest.mark.parametrize("f", [f for f in ELEMENTWISE if f.may_overflow],
                         ids=[f.name for f in ELEMENTWISE if f.may_overflow])
def test_genuine_overflow_is_reported(f):
    x = np.array([3.0e38, -3.0e38], np.float32)
    for ops in _ops(f):
        r = ref_call(f, x, ops)
        with np.errstate(over="ignore"):
            r32 = r.astype(np.float32)
        if not np.isinf(r32).any():
            continue
        with np.errstate(over="raise"):
            with pytest.raises(FloatingPointError, match="overflow"):
                f.ufunc(x, *ops)
        with np.errstate(over="ignore"):
            np.testing.assert_array_equal(f.ufunc(x, *ops), r32)


@pytest.mark.parametrize("f", ELEMENTWISE, ids=IDS)
def test_threads_never_change_a_bit(f):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(200_003) * 10).astype(np.float32)
    ops = _ops(f)[-1]
    ops16 = _ops(f, np.float16)[-1]
    old = sa._core._set_parallel_threshold(1000)
    try:
        with sa.set_num_threads(1):
            want = f.ufunc(x, *ops)
            want_s = f.ufunc(x[::3], *ops)
            want_h = f.ufunc(x.astype(np.float16), *ops16)
        for t in (2, 3, 4):
            with sa.set_num_threads(t):
                sa._core._max_team_seen(True)
                np.testing.assert_array_equal(f.ufunc(x, *ops).view(np.uint32),
                                              want.view(np.uint32))
                np.testing.assert_array_equal(f.ufunc(x[::3], *ops).view(np.uint32),
                                              want_s.view(np.uint32))
                np.testing.assert_array_equal(
                    f.ufunc(x.astype(np.float16), *ops16).view(np.uint16),
                    want_h.view(np.uint16))
                if sa._core.has_openmp():
                    assert sa._core._max_team_seen() == t
    finally:
        sa._core._set_parallel_threshold(old)


def test_hardsigmoid_ties_round_to_even():
    """hardsigmoid is correctly rounded, exact float midpoints included: x = 3 o 2^k (o odd)
    makes (x + 3) / 6 = (o 2^k + 1) / 2 exact in float64, and for many of them a float32
    midpoint, which must round to the neighbour with an even last bit (a kernel that multiplies
    by a rounded 1/6 without correcting breaks these ties one way)."""
    o = np.arange(1, 1 << 16, 2, dtype=np.float64)
    x = np.concatenate([o * 3.0 * 2.0 ** k for k in range(-30, -1)])
    x = np.concatenate([x, -x])
    x = x[np.abs(x) < 3.0]
    x = x[x.astype(np.float32).astype(np.float64) == x].astype(np.float32)
    v = (x.astype(np.float64) + 3.0) / 6.0          # exact: o 2^k + 1 fits in 53 bits
    f = v.astype(np.float32)
    g = np.nextafter(f, np.where(v > f, np.float32(2), np.float32(-1)).astype(np.float32))
    tie = (f.astype(np.float64) != v) & ((f.astype(np.float64) + g.astype(np.float64)) / 2 == v)
    assert tie.sum() > 10000
    lo, hi = np.minimum(f, g)[tie], np.maximum(f, g)[tie]
    want = np.where(lo.view(np.uint32) % 2 == 0, lo, hi)
    np.testing.assert_array_equal(sa.hardsigmoid(x[tie]).view(np.uint32), want.view(np.uint32))


def test_celu_extreme_alpha():
    """celu_alpha keeps its budget for tiny, subnormal and huge alpha (x / alpha formed through
    a scaled reciprocal: the remainder of an unscaled quotient went subnormal, 127 ULP at alpha
    = -1e-41 and 0.92 at 1e-30 before), and alpha = +-0 / +-inf give their documented values."""
    f = next(g for g in sa.functions() if g.name == "celu_alpha")
    rng = np.random.default_rng(11)
    z = -np.exp2(rng.uniform(-40.0, np.log2(300.0), 200000))     # x / alpha over the core range
    for a in (1e-30, -1e-30, -1e-41, 1e-45, 3e-39, 1e20, 3e38, -2.5e37):
        al = np.float32(a)
        with np.errstate(over="ignore", under="ignore"):
            x = (z * np.float64(al)).astype(np.float32)
            x = np.concatenate([x, -x, ref.sweep_f32(2 ** 18, seed=11)])
            y = sa.celu_alpha(x, al)
        err = ref.ulp_err32(y, ref_call(f, x, (al,)))
        i = int(np.argmax(err))
        assert err[i] <= f.ulp_f32, (a, x[i], y[i], err[i])
    x = np.array([-np.inf, -3e38, -5.0, -1e-45, -0.0, 0.0, 1e-45, 2.0, np.inf], np.float32)
    for al in (np.float32(0.0), np.float32(-0.0)):
        want = np.where(x < 0, al, x).astype(np.float32)
        np.testing.assert_array_equal(sa.celu_alpha(x, al).view(np.uint32), want.view(np.uint32))
    for al in (np.float32(np.inf), np.float32(-np.inf)):
        np.testing.assert_array_equal(sa.celu_alpha(x, al).view(np.uint32), x.view(np.uint32))


def test_softplus_unit_beta_shortcut_gives_the_general_bits(sweep):
    """softplus with one beta = 1 and one threshold >= 16 for a whole call runs
    -log_sigmoid(-x) (f32_catalogue_exp.h); its bits must be the general code's, which a beta
    array (of ones) takes. On the sweep plus dense windows around the switch points (0, the
    thresholds, 103 where results reach 0, 200)."""
    w = np.concatenate([np.linspace(-1.0, 1.0, 4001), np.linspace(14.0, 22.0, 4001),
                        np.linspace(100.0, 106.0, 4001), np.linspace(195.0, 205.0, 4001),
                        [0.0, np.inf, 1e-45, 3e38, np.nan]])
    x = np.concatenate([sweep, w, -w]).astype(np.float32)
    ones = np.ones(x.size, np.float32)
    for th in (16.0, 20.0, 1e30, np.inf):
        th = np.float32(th)
        with np.errstate(all="ignore"):
            general = sa.softplus_beta_threshold(x, ones, th)
            short = sa.softplus_beta_threshold(x, np.float32(1.0), th)
        np.testing.assert_array_equal(short.view(np.uint32), general.view(np.uint32))
    np.testing.assert_array_equal(sa.softplus(x).view(np.uint32),
                                  sa.softplus_beta_threshold(x, ones, ones * 20).view(np.uint32))
