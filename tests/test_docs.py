"""docs/functions.md is generated, complete, and its derivatives are real.

- regenerating the page from src/simdact/_docs.py and the live registry gives exactly the
  committed docs/functions.md (a registry change without regenerating fails here);
- every registered ufunc name appears on the page; _docs and the registry cover each other;
- every documented derivative (the float64 callables in _docs) matches a central finite
  difference of the float64 ufunc, with respect to x and to every parameter operand.
"""
import os

import numpy as np
import pytest

import simdact as sa
from simdact import _docs

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "docs",
                    "functions.md")

# points away from every kink / switch of the documented functions and parameter grids
XS = np.array([-3.7, -2.2, -1.3, -0.6, -0.15, 0.35, 0.8, 1.7, 2.6, 4.1])
RTOL, ATOL = 1e-6, 1e-9


def _fd(fn, x, h=2.0 ** -17):
    """Central difference of fn at x (float64), divided by the actual step."""
    xp, xm = x + h * np.maximum(1.0, np.abs(x)), x - h * np.maximum(1.0, np.abs(x))
    return (fn(xp) - fn(xm)) / (xp - xm)


def _close(got, want, what):
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=what)


def test_page_is_up_to_date():
    assert os.path.exists(PAGE), f"docs/functions.md is missing: run `{_docs.COMMAND}`"
    with open(PAGE, encoding="utf-8") as f:
        committed = f.read()
    fresh = _docs.render(sa.functions(), sa.gradients())
    assert fresh == committed, (
        f"docs/functions.md is stale (the registry or src/simdact/_docs.py changed): "
        f"regenerate it with `{_docs.COMMAND}` from the repository root")


def test_render_is_deterministic():
    assert _docs.render(sa.functions(), sa.gradients()) == _docs.render(sa.functions(), sa.gradients())


def test_first_line_names_the_command():
    first = _docs.render(sa.functions(), sa.gradients()).splitlines()[0]
    assert "generated" in first and _docs.COMMAND in first


def test_every_ufunc_on_the_page():
    with open(PAGE, encoding="utf-8") as f:
        page = f.read()
    for f in sa.functions():
        assert f"`{f.name}`" in page, f.name
        assert f"| `{f.name}` | " in page, f"{f.name} has no registry row"


def test_docs_and_registry_cover_each_other():
    groups = _docs.resolve(sa.functions())
    assert set(groups) == set(_docs.DOCS)
    assert sum(len(v) for v in groups.values()) == len(sa.functions())


def test_missing_entry_is_a_clear_error(monkeypatch):
    docs = dict(_docs.DOCS)
    del docs["mish"]
    monkeypatch.setattr(_docs, "DOCS", docs)
    with pytest.raises(ValueError, match="_docs.py.*mish"):
        _docs.render(sa.functions(), sa.gradients())


def _cases():
    """(id, ufunc, base doc, params) for every ufunc: defaults for the default forms, the
    entry's sample_params for the parametric ones."""
    out = []
    for base, fs in _docs.resolve(sa.functions()).items():
        d = _docs.DOCS[base]
        for f in fs:
            if f.kind == "param":
                for ps in d.sample_params:
                    out.append(pytest.param(f, d, tuple(ps), id=f"{f.name}{ps}"))
            else:
                out.append(pytest.param(f, d, tuple(f.defaults), id=f.name))
    return out


@pytest.mark.parametrize("f, d, params", _cases())
def test_derivative_matches_finite_difference(f, d, params):
    if f.kind == "row":
        rng = np.random.default_rng(1)
        for n in (1, 2, 7):
            x = rng.standard_normal((3, n)) * 2.0
            v = rng.standard_normal((3, n))
            h = 2.0 ** -17
            fd = (f.ufunc(x + h * v) - f.ufunc(x - h * v)) / (2 * h)
            _close(d.derivative(x, v), fd, f"{f.name}: J v, n = {n}")
        return
    uf = f.ufunc
    p64 = [np.float64(p) for p in params]
    if f.kind == "param":
        call = lambda x, *ps: uf(x, *ps)          # noqa: E731
    else:
        call = lambda x, *ps: uf(x)               # noqa: E731 (defaults built in)
    _close(d.derivative(XS, *p64), _fd(lambda x: call(x, *p64), XS), f"{f.name}: d/dx")
    if f.kind == "param":
        assert d.param_derivatives is not None, f"{f.name}: no param_derivatives in _docs"
        parts = d.param_derivatives(XS, *p64)
        assert len(parts) == len(p64)
        for k, part in enumerate(parts):
            def g(pk, k=k):
                ps = list(p64)
                ps[k] = pk
                return uf(XS, *ps)
            pk = np.full_like(XS, p64[k])
            _close(part, _fd(g, pk), f"{f.name}: d/d{f.params[k]}")
