"""pytest-benchmark suite for regression tracking (not part of the test run; never fails on a
timing). One benchmark per registered function, so a new function is benchmarked the moment it
is registered:

    pip install ".[bench]" && python -m pytest bench --benchmark-columns=min,median,ops
"""
import numpy as np
import pytest

import simdact as sa

SIZES = [1, 1024, 1 << 16, 1 << 20]
FUNCS = sa.functions()


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("f", FUNCS, ids=[f.name for f in FUNCS])
def test_float32_out(benchmark, f, n):
    x = (np.random.default_rng(0).standard_normal(n) * 3).astype(np.float32)
    if f.kind == "row" and n >= 1024:
        x = x.reshape(-1, 1024)
    out = np.empty_like(x)
    benchmark.extra_info.update(isa=sa.isa().active, threads=sa.get_num_threads(), n=n)
    benchmark(f.ufunc, x, out=out)


@pytest.mark.parametrize("n", SIZES)
def test_copy_floor(benchmark, n):
    x = np.ones(n, np.float32)
    out = np.empty_like(x)
    benchmark(np.copyto, out, x)
