"""Threads: the default follows OpenMP (OMP_NUM_THREADS, threadpoolctl), the runtime is visible
to threadpoolctl, and fork/forkserver/spawn children never hang."""
import multiprocessing as mp
import os
import subprocess
import sys

import numpy as np
import pytest

import simdact as sa

needs_openmp = pytest.mark.skipif(not sa._core.has_openmp(), reason="built without OpenMP")


@needs_openmp
def test_default_follows_omp_num_threads():
    code = "import simdact as sa; print(sa.get_num_threads())"
    for n in ("1", "3"):
        env = dict(os.environ, OMP_NUM_THREADS=n)
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == n


@needs_openmp
def test_threadpoolctl_sees_and_limits_the_runtime():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    info = threadpoolctl.threadpool_info()
    assert any(i["user_api"] == "openmp" for i in info), info
    with sa.set_num_threads(None):
        with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
            assert sa.get_num_threads() == 1


@needs_openmp
def test_large_call_really_uses_a_team():
    x = np.random.default_rng(0).standard_normal(1 << 18).astype(np.float32)
    old = sa._core._set_parallel_threshold(1024)
    try:
        with sa.set_num_threads(2):
            sa._core._max_team_seen(True)
            sa.gelu(x)
            assert sa._core._max_team_seen() == 2
        with sa.set_num_threads(1):
            sa._core._max_team_seen(True)
            sa.gelu(x)
            assert sa._core._max_team_seen() == 1
    finally:
        sa._core._set_parallel_threshold(old)


def _child(q):
    import numpy as np
    import simdact as sa
    x = np.linspace(-8, 8, 1 << 18, dtype=np.float32)
    old = sa._core._set_parallel_threshold(1024)
    y = sa.gelu(x)
    sa._core._set_parallel_threshold(old)
    q.put(float(y.sum()))


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_children_after_parallel_use_do_not_hang(method):
    if method not in mp.get_all_start_methods():
        pytest.skip(f"{method} not available here")
    x = np.linspace(-8, 8, 1 << 18, dtype=np.float32)
    old = sa._core._set_parallel_threshold(1024)
    try:
        with sa.set_num_threads(2):
            want = float(sa.gelu(x).sum())    # the parent has an OpenMP pool now
        ctx = mp.get_context(method)
        q = ctx.Queue()
        p = ctx.Process(target=_child, args=(q,))
        p.start()
        p.join(120)
        assert not p.is_alive(), f"{method} child hung"
        assert p.exitcode == 0
        assert q.get(timeout=10) == want
    finally:
        sa._core._set_parallel_threshold(old)
