"""Runs the kernel checks of tests/per_isa once per ISA level, each in its own interpreter with
SIMDACT_ISA forced. An ISA this CPU lacks is reported as skipped, never as passed."""
import os
import subprocess
import sys

import pytest

import simdact as sa

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.parametrize("isa", ["scalar", "avx2", "avx512"])
def test_kernels_on_isa(isa):
    if isa not in sa.isa().available:
        pytest.skip(f"this CPU/OS does not support {isa}")
    env = dict(os.environ, SIMDACT_ISA=isa, SIMDACT_PER_ISA_RUN="1")
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider",
         os.path.join(HERE, "per_isa")],
        env=env, capture_output=True, text=True, timeout=1800, cwd=HERE)
    print(r.stdout[-20000:])
    print(r.stderr[-5000:], file=sys.stderr)
    assert r.returncode == 0, f"per-ISA kernel tests failed under SIMDACT_ISA={isa}"
    assert " passed" in r.stdout and " failed" not in r.stdout
