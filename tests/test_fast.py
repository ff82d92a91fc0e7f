"""The fast tier (simdact.fast): every ufunc of simdact.fast.functions() keeps its declared
relative-error bound on every ISA the CPU has, matches the accurate tier on NaN, +-inf and +-0,
gives results that do not depend on position, layout or threads, and pickles by name. The
unary kernels also give the same bits on every ISA.

Bound (registry.h, SA_FAST): |y - exact| <= 2^-bits |exact| wherever |exact| >= FLT_MIN, and
|y - exact| <= FLT_MIN below. The exact value is the accurate tier's float64 loop (within
2 float64 ULP of mpmath, test_float64.py) or tests/reference.py for rows.

Inputs: unary functions get >= 2^24 float32 bit patterns (reference.sweep_f32: an odd stride
over the 32-bit space) plus dense windows around the fast kernels' clamp and switch points and
the underflow points of the results; gated units get a differently seeded 2^21-point sweep at
each b of PARAM_GRID (2^24 patterns per function in all), plus the windows; softmax and
log_softmax get random rows of length 1..4096 with spreads up to 1e4 and 3e38. Each ISA runs the public ufunc
(simdact._core._testing_select_isa); ISAs the CPU lacks are skipped.
"""
import pickle

import numpy as np
import pytest

import simdact as sa
import simdact.fast as fast
from simdact._grids import PARAM_GRID
import reference as ref
from isas import ISAS, on_isa

FAST = fast.functions()
UNARY = [f for f in FAST if f.kind == "unary"]
GATED = [f for f in FAST if f.kind == "param"]
ROWS = [f for f in FAST if f.kind == "row"]
ELEMENTWISE = UNARY + GATED
TINY = float(np.finfo(np.float32).tiny)
# the list: each of these must have a fast variant
REQUIRED = {"gelu", "gelu_tanh", "erf", "sigmoid", "tanh", "silu", "swiglu", "geglu",
            "softmax", "mish"}


def _ids(fs):
    return [f.name for f in fs]


def _pairs(fs):
    return [pytest.param(f, isa, id=f"{f.name}-{isa}") for f in fs for isa in ISAS]


def accurate(f):
    return getattr(sa, f.name)


# ------------------------------------------------------------------------------ inputs
# around the fast kernels' clamps and switches (erf 3.1, tanh 5.8, gelu 15, geglu 20.5,
# gelu_tanh 30, exp clamps -110 / -200, sigmoid's -89.4 / 86.6 and the overflow of its e^-x at
# -88.72, the gated units' g(a) b lanes: a >= -80 (swiglu) or -12 (geglu) and |a| >= 2^-100,
# fx_gated) and the underflow points of the results (sigmoid -87.34, gelu -13.15, gelu_tanh
# -10.1, silu / mish -91.8)
_CENTERS = (0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.1, -3.1, 5.8, -5.8, 15.0, -15.0, 20.5,
            -20.5, 30.0, -30.0, -13.15, -10.1, -87.34, -91.8, -103.97, -110.0, -200.0, 88.72,
            -88.72, -89.4, 86.6, 1e-38, -1e-38,
            -80.0, -12.0, 2.0 ** -100, -(2.0 ** -100))
_HALF = 1024


def _window(c):
    if c == 0:
        k = np.arange(0, _HALF + 1, dtype=np.uint32).view(np.float32)
        return np.concatenate([k, -k])
    b = int(np.abs(np.float32(c)).view(np.uint32))
    w = np.arange(b - _HALF, b + _HALF + 1, dtype=np.uint32).view(np.float32)
    return w if c > 0 else -w


WINDOWS = np.concatenate([_window(c) for c in _CENTERS])


@pytest.fixture(scope="module")
def sweep():
    x = np.concatenate([ref.sweep_f32(2 ** 24), WINDOWS])
    assert np.isfinite(x).sum() >= 2 ** 24
    return x


_cache = {}


def _cached(key, make):
    """References of the latest function only: tests run function by function, ISA by ISA."""
    if key[0] not in {k[0] for k in _cache}:
        _cache.clear()
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


# ------------------------------------------------------------------------------ the check
def check_bound(x, y, r, bits, what=""):
    """y (float32) against the float64 reference r under the fast tier's contract; x and
    `what` only name the worst case. NaN must meet NaN; where r rounds to +-inf in float32 (a
    genuine overflow of a gated unit, or an infinite result) y must be that inf."""
    y = np.asarray(y)
    r = np.asarray(r, dtype=np.float64)
    assert y.dtype == np.float32
    with np.errstate(all="ignore"):
        d = np.abs(y.astype(np.float64) - r)          # NaN where y or r is NaN, or inf - inf
        ar = np.abs(r)
        lim = np.where(ar >= TINY, ar * 2.0 ** -bits, TINY)
        np.minimum(lim, 3.5e38, out=lim)              # an infinite r never passes by size
        idx = np.flatnonzero(~(d <= lim))
        if idx.size == 0:
            return
        yb, rb = y[idx], r[idx]
        rb32 = rb.astype(np.float32)
    ok = (np.isnan(yb) & np.isnan(rb)) | (np.isinf(rb32) & (yb == rb32))
    idx, yb, rb = idx[~ok], yb[~ok], rb[~ok]
    if idx.size:
        with np.errstate(all="ignore"):
            rel = np.abs(yb.astype(np.float64) - rb) / np.maximum(np.abs(rb), TINY)
        i = int(np.argmax(np.where(np.isnan(rel), np.inf, rel)))
        raise AssertionError(f"{what} {idx.size} results outside 2^-{bits} (relative; FLT_MIN "
                             f"absolute below FLT_MIN), worst 2^{np.log2(rel[i]):.2f} at "
                             f"x={x[idx[i]]!r}: {yb[i]!r} vs {rb[i]!r}")


def _part(x, k, parts):
    """the k-th of `parts` interleaved parts of the sweep (without its windows), plus the
    windows: the parts together hold every point of the sweep"""
    return np.concatenate([x[:-WINDOWS.size][k::parts], WINDOWS])


# ------------------------------------------------------------------------------ registry
def test_registry():
    names = [f.name for f in FAST]
    assert len(set(names)) == len(names)
    assert REQUIRED <= set(names), sorted(REQUIRED - set(names))
    kinds = {f.name: f.kind for f in sa.functions()}
    for f in FAST:
        assert f.kind == kinds[f.name], f.name
        assert f.rel_err_bits >= 14, f.name
        assert f.ufunc.nin == accurate(f).nin and f.ufunc.nout == accurate(f).nout
        assert f.ufunc.signature == accurate(f).signature
        assert f"2^-{f.rel_err_bits}" in f.ufunc.__doc__


@pytest.mark.parametrize("f", FAST, ids=_ids(FAST))
def test_names_repr_pickle(f):
    uf = f.ufunc
    assert uf.__name__ == f.name + "_fast"
    assert repr(uf) == f"<ufunc '{f.name}_fast'>"
    assert getattr(fast, f.name) is uf
    assert getattr(fast, f.name + "_fast") is uf
    assert pickle.loads(pickle.dumps(uf)) is uf
    assert uf is not accurate(f)


# ------------------------------------------------------------------------------ bounds
@pytest.mark.parametrize("f,isa", _pairs(UNARY))
def test_unary_bound(f, isa, sweep):
    r = _cached((f.name,), lambda: accurate(f)(sweep.astype(np.float64)))
    with on_isa(isa):
        y = f.ufunc(sweep)
    check_bound(sweep, y, r, f.rel_err_bits, f"{f.name} on {isa}:")


@pytest.mark.parametrize("isa", ISAS[1:])
@pytest.mark.parametrize("f", UNARY, ids=_ids(UNARY))
def test_unary_same_bits_on_every_isa(f, isa, sweep):
    """The unary fast kernels differ between ISAs only where f32_fast.h allows it (vscalefps
    against a two-step ldexp, both one rounding of the exact product; IEEE divisions
    everywhere), so they give the portable build's bits; kernels/f32_fast.h states it for every
    float32 input, from the exhaustive sweep's output hashes."""
    with on_isa("scalar"):
        a = f.ufunc(sweep)
    with on_isa(isa):
        b = f.ufunc(sweep)
    diff = np.flatnonzero(a.view(np.uint32) != b.view(np.uint32))
    assert diff.size == 0, (f"{f.name}: {diff.size} results differ, first at x="
                            f"{sweep[diff[0]]!r}: scalar {a[diff[0]]!r} vs {isa} {b[diff[0]]!r}")


@pytest.mark.parametrize("f,isa", _pairs(GATED))
def test_gated_bound(f, isa, sweep):
    grid = PARAM_GRID[f.name]
    for k, (b,) in enumerate(grid):
        x = _part(sweep, k, len(grid))
        b = np.float32(b)
        with np.errstate(over="ignore"):
            r = _cached((f.name, k), lambda: accurate(f)(x.astype(np.float64), np.float64(b)))
            with on_isa(isa):
                y = f.ufunc(x, b)
        check_bound(x, y, r, f.rel_err_bits, f"{f.name}(x, b={b!r}) on {isa}:")


def test_gated_beyond_the_grid():
    """b far outside the grid: a subnormal a or gate times a huge b keeps its relative
    accuracy (the product is formed in float64 before any rounding), overflow gives inf."""
    x = np.concatenate([ref.sweep_f32(2 ** 18, seed=5), WINDOWS])
    for f in GATED:
        for b in (2.0 ** 100, -(2.0 ** -100), 3e38, -1e-38):
            b = np.float32(b)
            with np.errstate(over="ignore"):
                r = accurate(f)(x.astype(np.float64), np.float64(b))
                y = f.ufunc(x, b)
            check_bound(x, y, r, f.rel_err_bits, f"{f.name}(x, b={b!r}):")


def _rows(rng):
    lengths = list(range(1, 20)) + [31, 32, 33, 63, 64, 65, 1023, 1024, 1025, 4095, 4096]
    lengths += list(rng.integers(1, 4097, size=12))
    for n in lengths:
        yield (rng.standard_normal(n) * 3).astype(np.float32)
        yield (rng.standard_normal(n) * 300).astype(np.float32)
        yield rng.uniform(-1e4, 1e4, n).astype(np.float32)
        yield (rng.standard_normal(n) * 1e-3).astype(np.float32)
        s = rng.standard_normal(n).astype(np.float32)
        s[rng.integers(n)] = np.float32(60.0)              # one dominant max: S = 1 + tiny
        yield s
        s = np.full(n, np.float32(-95.482666))  # log_softmax at the max: -log1p(T), T's terms
        s[rng.integers(n)] = 0.0                 # subnormal (2^-12.2 relative rounding)
        yield s
        s = s + rng.integers(0, 2, n).astype(np.float32) * np.float32(95.482666)  # ties
        yield s
        t = rng.uniform(-100.0, 0.0, n).astype(np.float32)  # results down to the underflow
        t[rng.integers(n)] = np.float32(0.0)
        yield t
        u = np.full(n, np.float32(-3e38))                  # extremes: x - max overflows
        u[rng.integers(n)] = np.float32(3e38)
        yield u


@pytest.mark.parametrize("f,isa", _pairs(ROWS))
def test_row_bound(f, isa):
    rows = list(_rows(np.random.default_rng(11)))
    refs = [getattr(ref, f.name)(x.astype(np.float64)) for x in rows]
    with on_isa(isa):
        for x, r in zip(rows, refs):
            check_bound(x, f.ufunc(x), r, f.rel_err_bits, f"{f.name} row n={x.size} on {isa}:")


# ------------------------------------------------------------------------------ special values
def _same(y, r):
    """bit-equal, or both NaN"""
    y, r = np.asarray(y, np.float32), np.asarray(r, np.float32)
    return (y.view(np.uint32) == r.view(np.uint32)) | (np.isnan(y) & np.isnan(r))


@pytest.mark.parametrize("f,isa", _pairs(UNARY))
def test_unary_special_values(f, isa):
    x = np.array([np.inf, -np.inf, 0.0, -0.0, np.nan, -np.nan], np.float32)
    x = np.concatenate([x, np.uint32([0x7FC12345, 0xFF812345]).view(np.float32)])  # payloads
    want = accurate(f)(x)
    with on_isa(isa):
        y = f.ufunc(x)
    assert np.all(_same(y, want)), (x, y, want)


SATURATING = [f for f in UNARY if f.name in ("tanh", "erf")]


@pytest.mark.parametrize("f,isa", _pairs(SATURATING))
def test_odd_saturating_stay_within_one(f, isa, sweep):
    """tanh and erf: the fast rational is scaled to reach 1 at its clamp point, so it overshoots
    1 just below it but for the final clamp: no |y| above 1 anywhere, +-1 exactly beyond the
    clamp and at +-inf, and odd (y(-x) = -y(x), bit for bit)."""
    with on_isa(isa):
        y = f.ufunc(sweep)
        yn = f.ufunc(-sweep)
        far = f.ufunc(np.float32([6.0, 10.0, 1e30, np.inf, -6.0, -10.0, -1e30, -np.inf]))
    ok = ~np.isnan(sweep)
    assert np.abs(y[ok]).max() == 1.0
    np.testing.assert_array_equal(_bits(yn[ok]), _bits(-y[ok]))
    np.testing.assert_array_equal(far, np.float32([1, 1, 1, 1, -1, -1, -1, -1]))


@pytest.mark.parametrize("f,isa", _pairs(GATED))
def test_gated_special_values(f, isa):
    s = np.array([0.0, -0.0, np.inf, -np.inf, np.nan], np.float32)
    o = np.array([1.0, -1.0, 2.5, -2.5, -25.0, -150.0, -300.0, 3e38, -3e38, 1e-45], np.float32)
    a = np.concatenate([np.repeat(s, o.size + s.size), np.repeat(o, s.size)])
    b = np.concatenate([np.tile(np.concatenate([o, s]), s.size), np.tile(s, o.size)])
    with np.errstate(all="ignore"):
        want = accurate(f)(a, b)
        with on_isa(isa):
            y = f.ufunc(a, b)
    ok = _same(y, want)
    assert np.all(ok), list(zip(a[~ok], b[~ok], y[~ok], want[~ok]))


@pytest.mark.parametrize("f,isa", _pairs(ROWS))
def test_row_special_values(f, isa):
    inf, nan = np.inf, np.nan
    rows = [[nan, 1.0, 2.0], [1.0, inf, 2.0], [-inf, -inf], [-inf, 1.0, 2.0, -inf], [5.0],
            [-inf], [inf], [0.0, -0.0], [3e38, -3e38], [1.0] * 37 + [nan],
            # a NaN inside a full vector, below the row's max (the kernel's pass 1 passes it
            # over; its sum must still give a row of NaN), and a negative one in a later block
            [1.0] * 3 + [nan] + [2.0] * 60, [-1.0] * 150 + [-nan] + [0.5] * 49]
    with on_isa(isa):
        for row in rows:
            x = np.array(row, np.float32)
            y, want = f.ufunc(x), accurate(f)(x)
            exact = np.isnan(want) | (want == 0) | (want == 1) | (want == -np.inf)
            assert np.all(_same(y[exact], want[exact])), (row, y, want)
        assert f.ufunc(np.zeros(0, np.float32)).shape == (0,)


def test_nan_inputs_give_nan():
    x = np.uint32([0x7FC00000, 0xFFC00000, 0x7F800001, 0xFFBFFFFF]).view(np.float32)
    for f in UNARY:
        assert np.all(np.isnan(f.ufunc(x))), f.name
    for f in GATED:
        assert np.all(np.isnan(f.ufunc(x, np.float32(2.0)))), f.name
        assert np.all(np.isnan(f.ufunc(np.float32([1.0, -1.0]), np.float32(np.nan)))), f.name


# ------------------------------------------------------------------------------ flags
def test_overflow_flag_only_when_genuine():
    x = np.concatenate([ref.sweep_f32(2 ** 18, seed=3), WINDOWS])
    with np.errstate(over="raise"):
        for f in UNARY:
            f.ufunc(x)
        for f in GATED:
            f.ufunc(x, np.float32(1.0))
            f.ufunc(x, np.float32(-1.0))
            small = x[np.abs(x) < 1e30]
            f.ufunc(small, np.float32(3.7))
            f.ufunc(small, np.float32(2.0 ** 20))
        for f in ROWS:
            f.ufunc(np.float32([3e38, 0.0, -4e37, 1e38]))
    for f in ROWS:                  # log_softmax: 3e38 - (-3e38) is beyond the float range
        with np.errstate(over="raise"):
            if f.name == "log_softmax":
                with pytest.raises(FloatingPointError):
                    f.ufunc(np.float32([3e38, -3e38, 0.0, 1e38]))
            else:
                f.ufunc(np.float32([3e38, -3e38, 0.0, 1e38]))
    for f in GATED:
        with np.errstate(over="raise"), pytest.raises(FloatingPointError):
            f.ufunc(np.float32([3e38]), np.float32(2.0))


@pytest.mark.parametrize("f,isa", _pairs(ROWS))
def test_nan_row_with_huge_spread_raises_no_flag(f, isa):
    """A row holding a NaN is all NaN with no overflow reported, even where its other elements
    are 6e38 apart (x - max would overflow: the fast kernels' pass 1 skips the NaN test only
    where the max is too small for that), alone, in row groups and over axis 0; the rows beside
    it keep the bits they have without it."""
    rng = np.random.default_rng(5)
    for n in (3, 40, 300, 1000):
        x = (rng.standard_normal((9, n)) * 10).astype(np.float32)
        x[4] = np.float32(-3e38)
        x[4, 1] = np.float32(3e38)
        x[4, n - 2] = np.nan
        with on_isa(isa):
            good = f.ufunc(np.delete(x, 4, axis=0))
            with np.errstate(over="raise"):
                alone = f.ufunc(x[4])
                rows, cols = f.ufunc(x), f.ufunc(x.T, axis=0).T
        assert np.isnan(alone).all()
        for y in (rows, cols):
            assert np.isnan(y[4]).all()
            np.testing.assert_array_equal(_bits(np.delete(y, 4, axis=0)), _bits(good))


# ------------------------------------------------------------------------------ layout
def _mixed(n, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(n) * rng.choice([0.1, 1.0, 5.0, 30.0, 100.0], n)).astype(np.float32)
    x[::97] = np.nan
    x[1::89] = np.inf
    x[2::83] = -np.inf
    x[3::79] = -0.0
    x[4::73] = 1e-40
    return x


def _bits(a):
    return np.ascontiguousarray(a).view(np.uint32)


@pytest.mark.parametrize("f", ELEMENTWISE, ids=_ids(ELEMENTWISE))
def test_elementwise_position_layout_threads(f):
    x = _mixed(3001, 1)
    ops = (np.float32(-3.7),) if f.kind == "param" else ()
    with np.errstate(all="ignore"):
        base = f.ufunc(x, *ops)
        for off in range(1, 18):                                   # every tail length
            np.testing.assert_array_equal(_bits(f.ufunc(x[off:], *ops)), _bits(base[off:]))
            np.testing.assert_array_equal(_bits(f.ufunc(x[:-off], *ops)), _bits(base[:-off]))
        for s in (2, 3, -1, -5):                                   # strided views
            np.testing.assert_array_equal(_bits(f.ufunc(x[::s], *ops)), _bits(base[::s]))
        m = x[:3000].reshape(60, 50).T                             # a non-contiguous 2-D view
        np.testing.assert_array_equal(_bits(f.ufunc(m, *ops)), _bits(base[:3000].reshape(60, 50).T))
        z = x.copy()                                               # in place
        f.ufunc(z, *ops, out=z)
        np.testing.assert_array_equal(_bits(z), _bits(base))
        if f.kind == "param":                                      # b as a full array
            bb = np.full_like(x, ops[0])
            np.testing.assert_array_equal(_bits(f.ufunc(x, bb)), _bits(base))
            bx = _mixed(3001, 2)                                   # and operands swapped in
            per = np.array([f.ufunc(x[i:i + 1], bx[i:i + 1])[0] for i in range(0, 3001, 7)])
            np.testing.assert_array_equal(_bits(f.ufunc(x, bx)[::7]), _bits(per))
        big = np.tile(x, 100)
        old = sa._core._set_parallel_threshold(1024)
        try:
            with sa.set_num_threads(1):
                one = f.ufunc(big, *ops)
            with sa.set_num_threads(2):
                two = f.ufunc(big, *ops)
        finally:
            sa._core._set_parallel_threshold(old)
    np.testing.assert_array_equal(_bits(one), _bits(np.tile(base, 100)))
    np.testing.assert_array_equal(_bits(two), _bits(one))


@pytest.mark.parametrize("f", ROWS, ids=_ids(ROWS))
def test_row_position_layout_threads(f):
    rng = np.random.default_rng(4)
    m = (rng.standard_normal((40, 1037)) * 20).astype(np.float32)
    m[3, 5] = -np.inf
    base = np.stack([f.ufunc(r.copy()) for r in m])
    np.testing.assert_array_equal(_bits(f.ufunc(m)), _bits(base))
    for off in range(1, 18):                                       # row start offsets
        buf = np.zeros(m.size + off, np.float32)
        buf[off:] = m.ravel()
        np.testing.assert_array_equal(_bits(f.ufunc(buf[off:].reshape(m.shape))), _bits(base))
    np.testing.assert_array_equal(_bits(f.ufunc(m.T, axis=0)), _bits(base.T))
    np.testing.assert_array_equal(_bits(f.ufunc(m[:, ::-1])), _bits(np.stack(
        [f.ufunc(r[::-1].copy()) for r in m])))
    z = m.copy()
    f.ufunc(z, out=z)
    np.testing.assert_array_equal(_bits(z), _bits(base))
    big = np.tile(m, (20, 1))
    old = sa._core._set_parallel_threshold(1024)
    try:
        with sa.set_num_threads(1):
            one = f.ufunc(big)
        with sa.set_num_threads(2):
            two = f.ufunc(big)
    finally:
        sa._core._set_parallel_threshold(old)
    np.testing.assert_array_equal(_bits(one), _bits(np.tile(base, (20, 1))))
    np.testing.assert_array_equal(_bits(two), _bits(one))


@pytest.mark.parametrize("f", [sa.softmax, sa.log_softmax, fast.softmax, fast.log_softmax],
                         ids=["softmax", "log_softmax", "softmax_fast", "log_softmax_fast"])
@pytest.mark.parametrize("isa", ISAS)
def test_rows_ignore_the_sign_of_zero(f, isa):
    """-0 and +0 are the same number: rows whose max is a zero give the same bits whichever
    signs their zeros carry, on the row, pair and column paths. (log_softmax_fast tells the
    elements below the max by the sign bit of x - max, which is -0 for x = -0 and a max of +0
    unless pass 2 subtracts the max as -0: then those elements would be summed with the terms
    below the max, rounding them away.)"""
    rng = np.random.default_rng(12)
    for n in (7, 64, 100, 300, 1030):
        # terms of about 2^-24.5 beside a few maxima: T is lost if summed with a 1
        x = -rng.uniform(16.5, 17.5, (8, n)).astype(np.float32)
        for r in range(8):
            x[r, rng.choice(n, rng.integers(2, 5), replace=False)] = 0.0
        pos, neg, mix = x, x.copy(), x.copy()                      # pos: zeros are +0
        neg[neg == 0] = np.float32(-0.0)
        mix[(mix == 0) & (rng.random(mix.shape) < 0.5)] = np.float32(-0.0)
        with on_isa(isa):
            want = f(pos)
            for v in (neg, mix):
                np.testing.assert_array_equal(_bits(f(v)), _bits(want))
                np.testing.assert_array_equal(_bits(np.stack([f(r) for r in v])), _bits(want))
                vt = np.ascontiguousarray(v.T)
                o = np.empty_like(vt)
                f(vt, axis=0, out=o)
                np.testing.assert_array_equal(_bits(o.T), _bits(want))


# ------------------------------------------------------------------------------ dtypes
@pytest.mark.parametrize("f", UNARY + GATED, ids=_ids(UNARY + GATED))
def test_float16_within_one_ulp(f):
    x16 = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    for b in ((np.float16(1.0), np.float16(-3.7), np.float16(2.0 ** -20))
              if f.kind == "param" else (None,)):
        ops = () if b is None else (b,)
        with np.errstate(all="ignore"):
            y = f.ufunc(x16, *ops)
            r = accurate(f)(x16.astype(np.float64), *(np.float64(o) for o in ops))
        assert y.dtype == np.float16
        err = ref.ulp_err16(y, r)
        i = int(np.argmax(err))
        assert err[i] <= 1.0, (f.name, ops, x16[i], y[i], r[i])


@pytest.mark.parametrize("f", ROWS, ids=_ids(ROWS))
def test_row_float16_within_one_ulp(f):
    rng = np.random.default_rng(8)
    for n in (1, 7, 100, 1000):
        x16 = (rng.standard_normal((5, n)) * 4).astype(np.float16)
        y = f.ufunc(x16)
        r = getattr(ref, f.name)(x16.astype(np.float64))
        assert y.dtype == np.float16
        assert np.all(ref.ulp_err16(y, r) <= 1.0), n


@pytest.mark.parametrize("f", FAST, ids=_ids(FAST))
def test_float64_runs_the_accurate_kernel(f):
    x = _mixed(513, 3).astype(np.float64)
    ops = (np.float64(1.7),) if f.kind == "param" else ()
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(f.ufunc(x, *ops), accurate(f)(x, *ops))
