"""pytest-benchmark suite for regression tracking (not part of the test run; never fails on a
timing). One benchmark per registered function and tier (`gelu` accurate, `gelu_fast` the
simdact.fast tier), so a new function is benchmarked the moment it is registered:

    pip install ".[bench]" && python -m pytest bench --benchmark-columns=min,median,ops
"""
import numpy as np
import pytest

import simdact as sa

SIZES = [1, 1024, 1 << 16, 1 << 20]
FUNCS = sa.functions() + sa.fast.functions()     # both tiers: ids gelu, gelu_fast
GRADS = sa.gradients()


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("f", FUNCS, ids=[f.ufunc.__name__ for f in FUNCS])
def test_float32_out(benchmark, f, n):
    x = (np.random.default_rng(0).standard_normal(n) * 3).astype(np.float32)
    if f.kind == "row" and n >= 1024:
        x = x.reshape(-1, 1024)
    out = np.empty_like(x)
    ops = [np.float32(0.5)] * (len(f.params) if f.kind == "param" else 0)
    benchmark.extra_info.update(isa=sa.isa().active, threads=sa.get_num_threads(), n=n,
                                tier="fast" if f.ufunc.__name__.endswith("_fast") else "accurate")
    benchmark(f.ufunc, x, *ops, out=out)


@pytest.mark.parametrize("dtype", ["float16", "float64"])
@pytest.mark.parametrize("f", FUNCS, ids=[f.ufunc.__name__ for f in FUNCS])
def test_other_dtypes_out(benchmark, f, dtype):
    """1M elements of float16 (the float32 kernels between conversions) and float64 (the float64
    kernels), as `python -m simdact bench --dtype float16,float64` times them."""
    n = 1 << 20
    x = (np.random.default_rng(0).standard_normal(n) * 3).astype(dtype)
    if f.kind == "row":
        x = x.reshape(-1, 1024)
    out = np.empty_like(x)
    ops = [np.dtype(dtype).type(0.5)] * (len(f.params) if f.kind == "param" else 0)
    benchmark.extra_info.update(isa=sa.isa().active, threads=sa.get_num_threads(), n=n,
                                dtype=dtype)
    benchmark(f.ufunc, x, *ops, out=out)


ROWS = [f for f in FUNCS if f.kind == "row"]


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("f", ROWS, ids=[f.ufunc.__name__ for f in ROWS])
def test_rows_axis0_out(benchmark, f, dtype):
    """Rows on a non-last axis (1024 x 1024, axis 0): float32 goes through the column kernels,
    float16 through them after a widening copy of each block of columns, float64 through the
    tile gather (README, "float16 and float64")."""
    x = (np.random.default_rng(0).standard_normal((1024, 1024)) * 3).astype(dtype)
    out = np.empty_like(x)
    benchmark.extra_info.update(isa=sa.isa().active, threads=sa.get_num_threads(),
                                n=x.size, dtype=dtype, axis=0)
    benchmark(f.ufunc, x, axis=0, out=out)


@pytest.mark.parametrize("f", [f for f in FUNCS if f.kind == "unary"],
                         ids=[f.ufunc.__name__ for f in FUNCS if f.kind == "unary"])
def test_float32_out_16_bytes_past_input_mod_4k(benchmark, f):
    """1M elements, the output 16 bytes past the input modulo 4 KiB: the layout of two arrays
    malloc'd one after the other from the heap (4 KiB aliasing, see the README)."""
    n = 1 << 20
    pair = np.zeros(2 * n + 4096 + 16, np.float32)
    x, out = pair[:n], pair[n + 4096 + 4:2 * n + 4096 + 4]
    x[:] = np.random.default_rng(0).standard_normal(n) * 3
    benchmark.extra_info.update(isa=sa.isa().active, threads=sa.get_num_threads(), n=n,
                                layout="out 16 bytes past x mod 4 KiB")
    benchmark(f.ufunc, x, out=out)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("g", GRADS, ids=[g.name for g in GRADS])
def test_backward_float32_out(benchmark, g, n):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(n) * 3).astype(np.float32)
    dy = rng.standard_normal(n).astype(np.float32)
    if g.kind == "grad_row" and n >= 1024:
        x, dy = x.reshape(-1, 1024), dy.reshape(-1, 1024)
    outs = tuple(np.empty_like(x) for _ in range(g.nout))
    ops = [np.float32(0.5)] * len(g.params)
    benchmark.extra_info.update(isa=sa.isa().active, threads=sa.get_num_threads(), n=n)
    benchmark(g.ufunc, dy, x, *ops, out=outs)


@pytest.mark.parametrize("n", SIZES)
def test_copy_floor(benchmark, n):
    x = np.ones(n, np.float32)
    out = np.empty_like(x)
    benchmark(np.copyto, out, x)
