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


def test_workers_use_the_callers_ftz_daz_mode():
    """With FTZ/DAZ set on the calling thread, a call split across threads gives the same bits
    as the same call on one thread: every worker computed in the caller's mode. The mode is the
    caller's to set; simdact never changes it (it is restored here)."""
    x = np.concatenate([np.linspace(-110, -80, 1 << 17, dtype=np.float32),
                        np.array([1e-40, -1e-40], np.float32)] * 2)
    default = sa.silu(x)
    old_threshold = sa._core._set_parallel_threshold(1024)
    old = sa._core._swap_mxcsr(0x1F80 | 0x8000 | 0x0040)
    if old == -1:
        sa._core._set_parallel_threshold(old_threshold)
        pytest.skip("no MXCSR on this CPU")
    try:
        with sa.set_num_threads(1):
            one = sa.silu(x)
        with sa.set_num_threads(2):
            sa._core._max_team_seen(True)
            two = sa.silu(x)
            team = sa._core._max_team_seen()
        mode_after = sa._core._swap_mxcsr(old)
    finally:
        sa._core._swap_mxcsr(old)
        sa._core._set_parallel_threshold(old_threshold)
    assert mode_after & 0x8040 == 0x8040, "simdact changed the caller's FTZ/DAZ mode"
    assert not np.array_equal(one.view(np.uint32), default.view(np.uint32)), \
        "FTZ/DAZ had no effect: the test would prove nothing"
    np.testing.assert_array_equal(two.view(np.uint32), one.view(np.uint32))
    if sa._core.has_openmp():
        assert team == 2
