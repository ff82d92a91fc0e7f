"""float32 accuracy of every kernel on every ISA, against float64 references validated against
mpmath (test_reference.py). The references are computed once per function and shared by the
ISAs; each (function, ISA) pair is its own test, and an ISA this CPU lacks is skipped.

Unary functions: >= 2^24 float32 bit patterns (an odd stride over the whole 32-bit space) plus
dense windows around every branch point and saturation threshold, plus special values.
Parametric and gated functions: every 4th point of that sweep (>= 2^22) plus the windows at
every operand tuple of PARAM_GRID (the default forms get the full sweep).
Row functions: random rows of length 1..4096, huge spreads included.
"""
import numpy as np
import pytest

import simdact as sa
import reference as ref
from budgets import F32_CEILING, base_name
from refcall import ref_call

ISAS = ["scalar", "avx2", "avx512"]
FUNCS = sa.functions()
ELEMENTWISE = [f for f in FUNCS if f.kind != "row"]
ROWS = [f for f in FUNCS if f.kind == "row"]


def _pairs(funcs):
    return [pytest.param(f, isa, id=f"{f.name}-{isa}") for f in funcs for isa in ISAS]


_cache = {}


def _cached(key, make):
    """References of the latest function only (all its operand tuples): tests run function by
    function, ISA by ISA, so each reference is computed once and shared by the ISAs."""
    if key[0] not in {k[0] for k in _cache}:
        _cache.clear()
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


@pytest.fixture(scope="module")
def sweep():
    x = ref.sweep_f32(2 ** 24)
    assert np.isfinite(x).sum() >= 2 ** 24
    return x


def _operand_sets(f):
    if f.kind == "param":
        return [tuple(np.float32(v) for v in ops) for ops in ref.PARAM_GRID[f.name]]
    return [()]


def _worst(x, y, r, err, ops):
    i = int(np.argmax(np.where(np.isnan(err), -1, err)))
    return (f"{err[i]:.4f} ULP at x={x[i]!r} operands={tuple(float(o) for o in ops)}: "
            f"y={y[i]!r} ref={r[i]!r}")


def _require(isa):
    if isa not in sa.isa().available:
        pytest.skip(f"this CPU/OS/build does not support {isa}")


def test_registry_budgets_within_the_contract():
    for f in FUNCS:
        assert 0 <= f.ulp_f32 <= F32_CEILING[base_name(f.name)], f.name


@pytest.mark.parametrize("f,isa", _pairs(ELEMENTWISE))
def test_float32_budget(f, isa, sweep):
    """2^24 sweep + windows for every unary ufunc (the defaults of a parametric function
    included); each operand tuple of a parametric form gets every 4th point of the sweep
    (>= 2^22) + the windows, which keeps the run short: its defaults already had the 2^24."""
    _require(isa)
    windows = ref.windows_f32(f.name)
    for ops in _operand_sets(f):
        x = np.concatenate([sweep if not ops else sweep[::4], windows])
        r = _cached((f.name, ops), lambda: ref_call(f, x, ops))
        y = sa._core._kernel_f32(f.name, isa, x, *ops)
        err = ref.ulp_err32(y, r)
        assert np.all(err <= f.ulp_f32), _worst(x, y, r, err, ops)


def _rows(rng):
    lengths = list(range(1, 40)) + [63, 64, 65, 127, 128, 129, 1000, 1023, 1024, 1025, 4095,
                                     4096] + list(rng.integers(1, 4097, size=40))
    for n in lengths:
        yield (rng.standard_normal(n) * 3).astype(np.float32)            # typical logits
        yield (rng.standard_normal(n) * 300).astype(np.float32)          # big spread
        yield rng.uniform(-1e4, 1e4, n).astype(np.float32)               # huge spread
        yield (rng.standard_normal(n) * 1e-3).astype(np.float32)         # nearly uniform
        s = rng.standard_normal(n).astype(np.float32)                    # one dominant max:
        s[rng.integers(n)] = np.float32(60.0)                            # S = 1 + tiny
        yield s
        t = np.full(n, np.float32(-3e38))                                # extremes
        t[rng.integers(n)] = np.float32(3e38)
        yield t


ROW_REF = {"softmax": ref.softmax, "log_softmax": ref.log_softmax}


@pytest.mark.parametrize("f,isa", _pairs(ROWS))
def test_float32_budget_on_random_rows(f, isa):
    _require(isa)
    for x in _rows(np.random.default_rng(7)):
        y = sa._core._kernel_f32(f.name, isa, x)
        r = ROW_REF[f.name](x.astype(np.float64))
        err = ref.ulp_err32(y, r)
        assert np.all(err <= f.ulp_f32), (len(x), float(err.max()), x[np.argmax(err)])
