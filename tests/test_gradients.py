"""Backward ufuncs: accuracy on every ISA, bit-identity across ISAs, layout and thread
independence, special values, float16/bfloat16/float64, and PyTorch autograd when installed.

Budget of an elementwise gradient (issue 3, registry.h): |got - value| <= A * ulp(value) +
4 * eps * S, A the registry's ulp column, eps = 2^-24 (float32) or 2^-53 (float64), value and S
(|dy| times the sum of |terms| of the derivative formula) from the float64 reference in
tests/grad_ref_*.py. Rows: |got_i - value_i| <= c * eps * scale_i, c the registry column.
The public ufuncs run on each ISA in turn through simdact._core._testing_select_isa; an ISA this
CPU lacks is skipped, never passed.
"""
import math

import numpy as np
import pytest

import simdact as sa
import reference as ref
import gradref as gr
from refcall import ulp_err_bf16
from isas import ISAS, on_isa

GRADS = sa.gradients()
ELEMENTWISE = [g for g in GRADS if g.kind == "grad"]
ROWS = [g for g in GRADS if g.kind == "grad_row"]
DY_GRID = (1.0, -3.7, 1.1 * 2.0 ** -30, 1.3 * 2.0 ** 40)
F32_TINY = 2.0 ** -149
# Functions whose derivative is a function of the output (issue 3): each has _from_output.
FROM_OUTPUT = ("sigmoid", "tanh", "relu", "relu6", "leaky_relu", "hardtanh", "elu", "selu",
               "celu", "softmax", "log_softmax")


def _ids(gs):
    return [g.name for g in gs]


# ------------------------------------------------------------------ the registry is complete
def test_every_forward_function_has_its_backward():
    names = {g.name for g in GRADS}
    for f in sa.functions():
        assert f.name + "_backward" in names, f.name
    for base in FROM_OUTPUT:
        forms = [f.name for f in sa.functions() if gr.base_forward_name(f) == base]
        for n in forms:
            assert n + "_backward_from_output" in names, n


def test_every_gradient_has_a_reference_and_a_budget():
    for g in GRADS:
        e = gr.entry(g)
        assert callable(e["ref"]) and callable(e["mp"]), g.name
        assert 0 <= g.ulp_f32 <= 4.0 and 0 <= g.ulp_f64 <= 4.0, g.name
        assert g.ufunc.nout == (2 if g.forward in gr.TWO_OUTPUT else 1), g.name


def test_signatures():
    for g in GRADS:
        if g.kind == "grad_row":
            assert g.ufunc.signature == "(n),(n)->(n)"
        else:
            assert g.ufunc.signature is None
            assert g.ufunc.nin == 2 + len(g.params), g.name


# ------------------------------------------------------------------ float32 accuracy
def _x_points(g, n):
    fwd = gr.base_forward(g)
    ws = [ref.sweep_f32(n)]
    if fwd in ref.WINDOW_CENTERS or g.forward in ref.WINDOW_CENTERS:
        ws.append(ref.windows_f32(g.forward if g.forward in ref.WINDOW_CENTERS else fwd))
    ws += [ref._window(c, 256) for c in gr.entry(g).get("windows", ())]
    return np.concatenate(ws).astype(np.float32)


def _check(got, val, S, A, eps, ulpfn, dtype, what):
    err = ref._ulp_err(got, val, ulpfn, dtype)
    with np.errstate(all="ignore"):
        allow = A + 4.0 * eps * np.asarray(S, np.float64) / ulpfn(val)
    bad = ~(err <= np.where(np.isnan(allow), A, allow))
    if bad.any():
        i = np.flatnonzero(bad)[np.argmax(np.where(np.isfinite(err[bad]), err[bad], 1e300))]
        raise AssertionError(
            f"{what}: {bad.sum()} points over budget; worst at index {i}: got {got.flat[i]!r} "
            f"ref {np.asarray(val).flat[i]!r} err {err.flat[i]:.3f} ULP allowed "
            f"{np.broadcast_to(allow, err.shape).flat[i]:.3f}")


_ref_cache = {}


def _ref_cached(k, make):
    if k[0] not in {c[0] for c in _ref_cache}:
        _ref_cache.clear()
    if k not in _ref_cache:
        _ref_cache[k] = make()
    return _ref_cache[k]


def _outputs(res, nout):
    return res if nout == 2 else (res,)


@pytest.mark.parametrize("g", ELEMENTWISE, ids=_ids(ELEMENTWISE))
def test_float32_budget_every_isa_identical(g):
    """2^20 x patterns (+ windows) at dy = 1, every 4th at the other dy values, every operand
    tuple; the public ufunc on each ISA; bits identical across ISAs."""
    n_all = 2 ** 20 if not g.params or g.defaults else 2 ** 18
    x_all = _x_points(g, n_all)
    ran = 0
    for ops in gr.operand_sets(g):
        for j, d in enumerate(DY_GRID):
            x = x_all if j == 0 else x_all[::4]
            dy = np.full(x.shape, np.float32(d))
            first = None
            for isa in ISAS:
                if isa not in sa.isa().available:
                    continue
                with on_isa(isa), np.errstate(over="ignore"):   # huge dy: genuine overflow
                    v = gr.second_operand(g, x, ops)
                    got = _outputs(g.ufunc(dy, v, *gr.call_params(g, ops)), g.nout)
                r = _ref_cached((g.name, ops, j), lambda: _outputs(gr.reference(g, dy, v, ops),
                                                                  g.nout))
                for o in range(g.nout):
                    _check(got[o], r[o][0], r[o][1], g.ulp_f32, 2.0 ** -24, ref.ulp32,
                           np.float32, f"{g.name} output {o} on {isa}, dy={d}, ops={ops}")
                if first is None:
                    first = [a.view(np.uint32).copy() for a in got]
                else:
                    for o in range(g.nout):
                        diff = np.flatnonzero(got[o].view(np.uint32) != first[o])
                        assert diff.size == 0, (
                            f"{g.name} on {isa} differs from scalar at x={x[diff[0]]!r}")
                ran += 1
    assert ran > 0


def _rows(rng):
    for n in (1, 2, 3, 7, 16, 17, 33, 100, 1000, 1025, 4097):
        for scale in (1.0, 30.0, 3e3):
            x = (rng.standard_normal((3, n)) * scale).astype(np.float32)
            dy = (rng.standard_normal((3, n)) * rng.choice([1e-3, 1.0, 1e3])).astype(np.float32)
            yield x, dy
    x = np.array([[0.0, -np.inf, 1.0, -np.inf], [5.0, 5.0, 5.0, 5.0]], np.float32)
    yield x, np.array([[1.0, 2.0, -3.0, 4.0], [1.0, -1.0, 2.0, 0.5]], np.float32)


def _row_check(g, got, dy, v, c, eps, tiny, what):
    val, scale = gr.entry(g)["ref"](dy.astype(np.float64), v.astype(np.float64))
    with np.errstate(all="ignore"):
        err = np.abs(got.astype(np.float64) - val)
        ok = (err <= c * eps * scale + tiny) | (np.isnan(got) & np.isnan(val))
    assert ok.all(), (what, float(np.nanmax(err - c * eps * scale)), got[~ok][:4], val[~ok][:4])


@pytest.mark.parametrize("g", ROWS, ids=_ids(ROWS))
def test_rows_float32_budget_every_isa_identical(g):
    fwd = gr.FORWARD[g.forward].ufunc
    for x, dy in _rows(np.random.default_rng(3)):
        first = None
        for isa in ISAS:
            if isa not in sa.isa().available:
                continue
            with on_isa(isa):
                v = fwd(x) if g.from_output else x
                got = g.ufunc(dy, v)
            _row_check(g, got, dy, v, g.ulp_f32, 2.0 ** -24, F32_TINY, f"{g.name} on {isa}")
            if first is None:
                first = got.view(np.uint32).copy()
            else:
                assert np.array_equal(got.view(np.uint32), first), (g.name, isa, x.shape)


# ------------------------------------------------------------------ layout, threads, specials
def _sample(g, rng, n=5000):
    x = (rng.standard_normal(n) * 4).astype(np.float32)
    x[::97] = ref.F32_SPECIALS[np.arange(len(x[::97])) % len(ref.F32_SPECIALS)]
    dy = (rng.standard_normal(n) * 2).astype(np.float32)
    dy[::89] = np.float32(np.inf)
    ops = gr.operand_sets(g)[-1]
    return x, dy, ops


@pytest.mark.parametrize("g", ELEMENTWISE, ids=_ids(ELEMENTWISE))
def test_overflow_flag_only_for_a_genuine_overflow(g):
    """The gradients report overflow (a large dy times a derivative > 1 can overflow), so
    their kernels must not raise it anywhere else: over a sweep whose exact results stay below
    FLT_MAX / 2, a call under errstate(over='raise') must not raise; where the exact result is
    beyond the float range, it must."""
    x = _x_points(g, 2 ** 16)
    for ops in gr.operand_sets(g)[:4]:
        for d in (1.0, -3.7, 2.0 ** 100):
            dy = np.full(x.shape, np.float32(d))
            with np.errstate(all="ignore"):
                v = gr.second_operand(g, x, ops)
            r = _outputs(gr.reference(g, dy, v, ops), g.nout)
            finite = np.ones(x.shape, bool)
            for o in range(g.nout):
                with np.errstate(invalid="ignore"):
                    finite &= ~(np.abs(r[o][0]) > 1.7e38)
            with np.errstate(over="raise", invalid="ignore", divide="ignore", under="ignore"):
                g.ufunc(dy[finite], v[finite], *gr.call_params(g, ops))
            over = np.flatnonzero(np.abs(r[0][0]) > 3.5e38)
            if over.size:
                with np.errstate(over="raise", invalid="ignore", divide="ignore"):
                    with pytest.raises(FloatingPointError):
                        g.ufunc(dy[over[:8]], v[over[:8]], *gr.call_params(g, ops))


def _bits(a):
    return a.view(np.dtype(f"u{a.dtype.itemsize}"))


def _check_strided_and_in_place(g, dy, v, cp, base):
    """Every operand strided (the outputs too), and dx written in place into dy: base's bits."""
    outs = tuple(np.moveaxis(np.empty((3,) + dy.shape, dy.dtype), 0, -1)[..., 2]
                 for _ in range(g.nout))
    g.ufunc(np.stack([dy, dy], axis=-1)[..., 1], np.stack([v, v], axis=-1)[..., 0], *cp,
            out=outs)
    for a, b in zip(outs, base):
        assert np.array_equal(_bits(a), _bits(b)), "strided"
    d2 = dy.copy()
    res = _outputs(g.ufunc(d2, v, *cp, out=(d2,) + tuple(np.empty_like(dy) for _ in
                                                          range(g.nout - 1))), g.nout)
    assert np.array_equal(_bits(res[0]), _bits(base[0])), "in place"


@pytest.mark.parametrize("g", ELEMENTWISE, ids=_ids(ELEMENTWISE))
@np.errstate(over="ignore")     # specials times a large b or alpha: genuine overflows
def test_layout_and_threads_do_not_change_bits(g):
    rng = np.random.default_rng(11)
    x, dy, ops = _sample(g, rng, 70001)
    v = gr.second_operand(g, x, ops)
    cp = gr.call_params(g, ops)
    base = _outputs(g.ufunc(dy, v, *cp), g.nout)
    _check_strided_and_in_place(g, dy, v, cp, base)
    # broadcast parameters as full arrays
    if cp:
        full = [np.full(x.shape, o, np.float32) for o in cp]
        res = _outputs(g.ufunc(dy, v, *full), g.nout)
        for a, b in zip(res, base):
            assert np.array_equal(a.view(np.uint32), b.view(np.uint32)), "parameter arrays"
    # threads
    old = sa._core._set_parallel_threshold(1)
    try:
        with sa.set_num_threads(2):
            res = _outputs(g.ufunc(dy, v, *cp), g.nout)
    finally:
        sa._core._set_parallel_threshold(old)
    for a, b in zip(res, base):
        assert np.array_equal(a.view(np.uint32), b.view(np.uint32)), "threads"
    # odd lengths (tails) give the same bits as the long call
    for n in (1, 3, 15, 17, 31):
        res = _outputs(g.ufunc(dy[5:5 + n], v[5:5 + n], *cp), g.nout)
        for a, b in zip(res, base):
            assert np.array_equal(a.view(np.uint32), b[5:5 + n].view(np.uint32)), f"tail {n}"


@pytest.mark.parametrize("g", ELEMENTWISE + ROWS, ids=_ids(ELEMENTWISE + ROWS))
@np.errstate(over="ignore", invalid="ignore")
def test_float16_layout_does_not_change_bits(g):
    """float16 operands contiguous (converted in place), strided (gathered) and in place into
    dy give the same bits; rows also over axis 0."""
    rng = np.random.default_rng(12)
    if g in ROWS:
        x = (rng.standard_normal((5, 300)) * 3).astype(np.float16)
        dy, cp = rng.standard_normal((5, 300)).astype(np.float16), ()
        v = gr.FORWARD[g.forward].ufunc(x) if g.from_output else x
    else:
        x32, dy32, ops = _sample(g, rng, 3001)
        x, dy = x32.astype(np.float16), dy32.astype(np.float16)
        v = gr.second_operand(g, x, ops).astype(np.float16)
        cp = tuple(np.float16(o) if not g.defaults else o for o in gr.call_params(g, ops))
    base = _outputs(g.ufunc(dy, v, *cp), g.nout)
    for a in base:
        assert a.dtype == np.float16
    _check_strided_and_in_place(g, dy, v, cp, base)
    if g in ROWS:
        t = g.ufunc(np.ascontiguousarray(dy.T), np.ascontiguousarray(v.T), axes=[0, 0, 0])
        assert np.array_equal(_bits(t.T), _bits(base[0])), "axis 0"


@pytest.mark.parametrize("g", ROWS, ids=_ids(ROWS))
def test_rows_layout_in_place_and_axes(g):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((6, 37)) * 5).astype(np.float32)
    dy = rng.standard_normal((6, 37)).astype(np.float32)
    v = gr.FORWARD[g.forward].ufunc(x) if g.from_output else x
    base = g.ufunc(dy, v)
    t = g.ufunc(np.ascontiguousarray(dy.T), np.ascontiguousarray(v.T), axes=[0, 0, 0])
    assert np.array_equal(t.T.view(np.uint32), base.view(np.uint32))
    s = g.ufunc(dy[:, ::-1].copy()[:, ::-1], np.asfortranarray(v))
    assert np.array_equal(s.view(np.uint32), base.view(np.uint32))
    d2 = dy.copy()
    g.ufunc(d2, v, out=d2)
    assert np.array_equal(d2.view(np.uint32), base.view(np.uint32))
    old = sa._core._set_parallel_threshold(1)
    try:
        with sa.set_num_threads(2):
            th = g.ufunc(dy, v)
    finally:
        sa._core._set_parallel_threshold(old)
    assert np.array_equal(th.view(np.uint32), base.view(np.uint32))


def test_special_values_follow_the_ieee_product():
    """x in the specials, dy in {0, +-1, +-inf, NaN, huge}: NaN exactly where the float64
    reference is NaN, infinities with the reference's sign, the rest within budget."""
    x = ref.F32_SPECIALS
    dys = np.array([0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 3e38], np.float32)
    X, D = (a.ravel() for a in np.meshgrid(x, dys))
    for g in ELEMENTWISE:
        for ops in gr.operand_sets(g)[:2]:
            v = gr.second_operand(g, X, ops)
            with np.errstate(over="ignore"):      # dy = 3e38: genuine overflows
                got = _outputs(g.ufunc(D, v, *gr.call_params(g, ops)), g.nout)
            r = _outputs(gr.reference(g, D, v, ops), g.nout)
            for o in range(g.nout):
                _check(got[o], r[o][0], r[o][1], g.ulp_f32, 2.0 ** -24, ref.ulp32, np.float32,
                       f"{g.name} specials, output {o}, ops={ops}")


def test_bad_input_is_rejected_before_writing():
    g = GRADS[0].ufunc
    out = np.full(4, 7.0, np.float32)
    with pytest.raises(ValueError):
        g(np.ones(4, np.float32), np.ones(3, np.float32), out=out)
    with pytest.raises(TypeError):
        g(np.ones(4, np.float32), np.array(["a"] * 4), out=out)
    assert (out == 7.0).all()


# ------------------------------------------------------------------ 16-bit formats
@pytest.mark.parametrize("g", ELEMENTWISE, ids=_ids(ELEMENTWISE))
@np.errstate(over="ignore")     # 16-bit results beyond the format: genuine
def test_float16_all_inputs(g):
    x = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    for ops in gr.operand_sets(g, np.float32)[:2]:
        ops16 = tuple(np.float16(o) for o in ops) if not g.defaults else ops
        for d in (1.0, -3.7):
            dy = np.full(x.shape, np.float16(d))
            cp = gr.call_params(g, ops16)
            with np.errstate(all="ignore"):
                v = gr.FORWARD[g.forward].ufunc(x, *cp) if g.from_output else x
            got = _outputs(g.ufunc(dy, v, *cp), g.nout)
            assert got[0].dtype == np.float16
            r = _outputs(gr.reference(g, dy, v, ops16), g.nout)
            for o in range(g.nout):
                _check(got[o], r[o][0], r[o][1], 1.0, 2.0 ** -24, ref.ulp16, np.float16,
                       f"{g.name} float16, dy={d}, ops={ops16}")


@pytest.mark.parametrize("g", ELEMENTWISE, ids=_ids(ELEMENTWISE))
@np.errstate(over="ignore")     # 16-bit results beyond the format: genuine
def test_bfloat16_all_inputs(g):
    if sa._core.BFLOAT16 is None:
        pytest.skip("ml_dtypes is not installed (the bf16 extra)")
    bf = sa._core.BFLOAT16
    x = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(bf)
    ops = gr.operand_sets(g, np.float32)[0]
    opsb = tuple(np.asarray(o).astype(bf) for o in ops) if not g.defaults else ops
    cp = gr.call_params(g, opsb)
    dy = np.full(x.shape, -3.7).astype(bf)
    with np.errstate(all="ignore"):
        v = gr.FORWARD[g.forward].ufunc(x, *cp) if g.from_output else x
    got = _outputs(g.ufunc(dy, v, *cp), g.nout)
    assert got[0].dtype == bf
    r = _outputs(gr.reference(g, dy.astype(np.float32), v.astype(np.float32),
                              tuple(np.float32(o) for o in opsb)), g.nout)
    for o in range(g.nout):
        val, S = r[o]
        err = ulp_err_bf16(got[o].astype(np.float32), val)
        with np.errstate(all="ignore"):
            e = np.floor(np.log2(np.abs(val)))
            ulp = np.ldexp(1.0, (np.maximum(np.where(np.isfinite(e), e, -126), -126) - 7)
                           .astype(int))
            allow = 1.0 + 4.0 * 2.0 ** -24 * S / ulp
        assert np.all(err <= np.where(np.isnan(allow), 1.0, allow)), (g.name, o)


# ------------------------------------------------------------------ float64 against mpmath
def _f64_points(g):
    rng = np.random.default_rng(1)
    pts = [np.linspace(-40, 40, 81), rng.standard_normal(60) * 5, rng.uniform(-800, 800, 20),
           np.array([0.0, -0.0, 1e-300, -1e-300, 5e-324, -5e-324, 1e300, -1e300, 700.0,
                     -700.0, 745.0, -745.0, 3.0, -3.0, 6.0])]
    pts += [np.array([c * (1 + k * 2.0 ** -40) for k in (-1, 0, 1)])
            for c in gr.entry(g).get("windows", ())]
    return np.concatenate(pts)


@pytest.mark.parametrize("g", ELEMENTWISE, ids=_ids(ELEMENTWISE))
def test_float64_against_mpmath(g):
    import mpmath
    x = _f64_points(g)
    mpf = gr.entry(g)["mp"]
    for ops in gr.operand_sets(g, np.float64)[:3]:
        for d in (1.0, -3.7e-5):
            dy = np.full(x.shape, d)
            v = gr.second_operand(g, x, ops)
            got = _outputs(g.ufunc(dy, v, *gr.call_params(g, ops)), g.nout)
            _, *_ = got
            r = _outputs(gr.reference(g, dy, v, ops), g.nout)
            with mpmath.workdps(50):
                mp = [_outputs(mpf(d, float(vi), *[float(o) for o in ops]), g.nout) for vi in v]
            for o in range(g.nout):
                exact = np.array([ref.mp_to_float(m[o]) if isinstance(m[o], mpmath.mpf)
                                  else float(m[o]) for m in mp])
                _check(got[o], exact, r[o][1], g.ulp_f64, 2.0 ** -53, ref.ulp64, np.float64,
                       f"{g.name} float64 output {o}, dy={d}, ops={ops}")


@pytest.mark.parametrize("g", ROWS, ids=_ids(ROWS))
def test_rows_float64_against_mpmath(g):
    import mpmath
    rng = np.random.default_rng(9)
    fwd = gr.FORWARD[g.forward].ufunc
    for n in (1, 5, 40):
        x = rng.standard_normal(n) * 20
        dy = rng.standard_normal(n)
        v = fwd(x) if g.from_output else x
        got = g.ufunc(dy, v)
        with mpmath.workdps(50):
            exact = np.array(gr.entry(g)["mp"](list(dy), list(v)), np.float64)
        _, scale = gr.entry(g)["ref"](dy[None], v[None])
        err = np.abs(got - exact)
        assert np.all(err <= g.ulp_f64 * 2.0 ** -53 * scale[0] + 2.0 ** -1074), (g.name, n)


# ------------------------------------------------------------------ PyTorch autograd
def test_against_torch_autograd_float64():
    """Our float64 gradients against torch.autograd's, on a grid through every kink, within
    1e-12 of the size of the derivative's terms (the formulas differ in rounding only)."""
    torch = pytest.importorskip("torch")
    import torch_grads
    rng = np.random.default_rng(2)
    x = np.concatenate([np.linspace(-12, 12, 2401), [0.0, -3.0, 3.0, 6.0, -1.0, 1.0, 20.0,
                                                     -20.0, 1e-3, -1e-3]])
    dy = rng.standard_normal(x.shape)
    checked = set()
    for g in GRADS:
        for ops in gr.operand_sets(g, np.float64)[:3]:
            if g.kind == "grad_row":
                xs, dys = x[:2401].reshape(49, 49), dy[:2401].reshape(49, 49)
            else:
                xs, dys = x, dy
            want = torch_grads.torch_grad(torch, gr.base_forward(g), xs, dys, ops)
            v = gr.second_operand(g, xs, ops)
            got = _outputs(g.ufunc(dys, v, *gr.call_params(g, ops)), g.nout)
            if g.kind == "grad_row":
                tol = [1e-12 * gr.entry(g)["ref"](dys, v)[1] + 1e-300]
            else:
                r = _outputs(gr.reference(g, dys, v, ops), g.nout)
                tol = [1e-12 * r[o][1] + 1e-300 for o in range(g.nout)]
            if gr.base_forward(g) == "prelu":   # torch's weight gradient is the sum
                got = (got[0], np.sum(got[1]))
                tol[1] = np.sum(tol[1])
            base = gr.base_forward(g)
            if base in torch_grads.TORCH_RTOL:
                rtol = torch_grads.TORCH_RTOL[base](xs, ops if ops else g.defaults)
                tol = [t + rtol * np.abs(w) for t, w in zip(tol, want)]
            keep = xs >= torch_grads.TORCH_X_MIN.get(base, -np.inf)
            for o, w in enumerate(want):
                ok = (np.abs(got[o] - w) <= tol[o]) | (np.isnan(got[o]) & np.isnan(w))
                if np.ndim(ok):                 # (prelu's weight gradient is a sum)
                    ok |= ~keep
                assert np.all(ok), (g.name, ops, o, xs.ravel()[np.flatnonzero(~np.ravel(ok))[:5]])
            checked.add(g.name)
    assert checked == {g.name for g in GRADS}


# ------------------------------------------------------------------ ufunc protocol
def test_gradients_pickle_and_dispatch_through_array_ufunc():
    import pickle
    da = pytest.importorskip("dask.array")
    for g in GRADS:
        assert pickle.loads(pickle.dumps(g.ufunc)) is g.ufunc
        assert getattr(sa, g.name) is g.ufunc
    rng = np.random.default_rng(4)
    x = rng.standard_normal((64, 16)).astype(np.float32)
    dy = rng.standard_normal((64, 16)).astype(np.float32)
    for g in ELEMENTWISE:
        if g.nout > 1:      # dask's __array_ufunc__ handles single-output ufuncs only
            continue
        ops = gr.call_params(g, gr.operand_sets(g)[-1])
        v = gr.second_operand(g, x, gr.operand_sets(g)[-1])
        want = _outputs(g.ufunc(dy, v, *ops), g.nout)
        lazy = _outputs(g.ufunc(da.from_array(dy, chunks=(16, 16)),
                                da.from_array(v, chunks=(16, 16)), *ops), g.nout)
        for a, b in zip(lazy, want):
            assert isinstance(a, da.Array)
            assert np.array_equal(a.compute().view(np.uint32), b.view(np.uint32)), g.name
