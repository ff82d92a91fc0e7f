"""The public surface: real ufuncs, what NumPy gives them (broadcasting, out=, where=, dtype=,
pickling, __array_ufunc__), the ISA report and its override, and errors on bad input."""
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import simdact as sa

NAMES = ["relu", "sigmoid", "tanh", "silu", "gelu", "gelu_tanh", "erf", "softmax", "log_softmax"]
ALL = sa.functions()


def test_every_public_name_is_a_ufunc():
    assert set(NAMES) <= {f.name for f in ALL}
    for f in ALL:
        uf = getattr(sa, f.name)
        assert type(uf) is np.ufunc and uf is f.ufunc
        nin = 1 + (len(f.params) if f.kind == "param" else 0)
        assert uf.__name__ == f.name and uf.nin == nin and uf.nout == 1
        assert uf.types == [c * nin + "->" + c for c in "efd"]
        assert uf.signature == ("(n)->(n)" if f.kind == "row" else None)
        assert f.name in sa.__all__
        assert "ULP" in uf.__doc__


@pytest.mark.parametrize("f", ALL, ids=[f.name for f in ALL])
def test_pickle_roundtrip_is_the_same_object(f):
    assert pickle.loads(pickle.dumps(f.ufunc)) is f.ufunc


def test_isa_report():
    info = sa.isa()
    assert info.active in info.available
    assert info.available[0] == "scalar"
    assert set(info.available) <= {"scalar", "avx2", "avx512"}


def _import_with_isa(value):
    env = dict(os.environ, SIMDACT_ISA=value)
    return subprocess.run([sys.executable, "-c", "import simdact as sa; print(sa.isa().active)"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_unknown_isa_raises_at_import():
    r = _import_with_isa("sse9")
    assert r.returncode != 0
    assert "SIMDACT_ISA='sse9'" in r.stderr and "scalar, avx2, avx512" in r.stderr


@pytest.mark.parametrize("isa", ["scalar", "avx2", "avx512"])
def test_forcing_an_isa(isa):
    r = _import_with_isa(isa)
    if isa in sa.isa().available:
        assert r.returncode == 0 and r.stdout.strip() == isa
    else:
        assert r.returncode != 0 and "supports only" in r.stderr


def test_broadcasting_out_where_dtype():
    x = np.linspace(-5, 5, 12, dtype=np.float32).reshape(3, 4)
    want = sa.gelu(x)
    # broadcasting through a size-1 axis and a scalar
    assert sa.gelu(x[:, :1] * np.ones((1, 4), np.float32)).shape == (3, 4)
    assert np.asarray(sa.gelu(np.float32(1.5))).dtype == np.float32
    # out=
    out = np.empty_like(x)
    r = sa.gelu(x, out=out)
    assert r is out
    np.testing.assert_array_equal(out, want)
    # where=: untouched elements keep their previous value
    out = np.full_like(x, 42.0)
    mask = x > 0
    sa.gelu(x, out=out, where=mask)
    np.testing.assert_array_equal(out[mask], want[mask])
    assert np.all(out[~mask] == 42.0)
    # dtype= selects the float64 loop; ints cast to float64
    d = sa.gelu(x, dtype=np.float64)
    assert d.dtype == np.float64
    np.testing.assert_array_equal(d, sa.gelu(x.astype(np.float64)))
    assert sa.sigmoid(np.arange(3)).dtype == np.float64
    assert sa.sigmoid(np.arange(3, dtype=np.float16)).dtype == np.float16
    # reductions make no sense for these ufuncs and NumPy says so
    with pytest.raises((ValueError, TypeError)):
        sa.gelu.reduce(x)


def test_gufunc_axis_and_broadcast():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 7)).astype(np.float32)
    p = sa.softmax(x, axis=1)
    assert p.shape == x.shape
    np.testing.assert_array_equal(p, np.moveaxis(sa.softmax(np.moveaxis(x, 1, -1)), -1, 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    out = np.empty_like(x)
    assert sa.log_softmax(x, out=out) is out


def test_bad_input_errors_before_writing():
    x = np.linspace(-1, 1, 8, dtype=np.float32)
    out = np.full(8, 9.0, np.float32)
    with pytest.raises(TypeError):
        sa.gelu(x.astype(np.complex64), out=out)
    with pytest.raises(TypeError):
        sa.gelu(np.array(["a", "b"]))
    with pytest.raises(ValueError):
        sa.gelu(x, out=np.empty(7, np.float32))
    with pytest.raises(TypeError):
        sa.gelu(x, out=np.empty(8, np.int32))     # float -> int is not a same_kind cast
    with pytest.raises(ValueError):
        sa.softmax(x.reshape(2, 4), out=np.empty((4, 2), np.float32))
    assert np.all(out == 9.0)
    with pytest.raises(TypeError):
        sa.softmax(x, x, x)                         # one input, one output
    with pytest.raises(TypeError):
        sa.gelu(np.array([1.0, 2.0], dtype=object))


def test_array_ufunc_protocol_is_honoured():
    class Wrapped:
        def __init__(self, a):
            self.a = a

        def __array_ufunc__(self, ufunc, method, *inputs, **kw):
            args = [i.a if isinstance(i, Wrapped) else i for i in inputs]
            return ("wrapped", getattr(ufunc, method)(*args, **kw))

    tag, y = sa.silu(Wrapped(np.ones(3, np.float32)))
    assert tag == "wrapped"
    np.testing.assert_array_equal(y, sa.silu(np.ones(3, np.float32)))


def test_dask_and_xarray_when_installed():
    da = pytest.importorskip("dask.array")
    x = np.random.default_rng(0).standard_normal((64, 32)).astype(np.float32)
    d = da.from_array(x, chunks=(16, 32))
    np.testing.assert_array_equal(sa.gelu(d).compute(), sa.gelu(x))
    np.testing.assert_array_equal(sa.softmax(d).compute(), sa.softmax(x))
    xr = pytest.importorskip("xarray")
    a = xr.DataArray(x, dims=("b", "n"))
    np.testing.assert_array_equal(sa.gelu(a).values, sa.gelu(x))


def test_set_num_threads_validation_and_context():
    before = sa.get_num_threads()
    for bad in (0, -1, 1.5, "2", True):
        with pytest.raises(ValueError):
            sa.set_num_threads(bad)
    with sa.set_num_threads(1):
        assert sa.get_num_threads() == 1
        with sa.set_num_threads(3):
            assert sa.get_num_threads() == (3 if sa._core.has_openmp() else 1)
        assert sa.get_num_threads() == 1
    assert sa.get_num_threads() == before


@pytest.mark.parametrize("argv", [["info"], ["demo", "--size", "4096", "--repeat", "1"],
                                  ["threads", "--repeat", "1"]])
def test_command_line_tools_run(argv, capsys):
    from simdact.__main__ import main
    assert main(argv) == 0
    out = capsys.readouterr().out
    if argv[0] == "threads" and (sa.get_num_threads() < 2 or not sa._core.has_openmp()):
        assert "nothing to measure" in out
        return
    for f in sa.functions():
        assert f.name in out
