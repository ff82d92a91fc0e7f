"""Running the public ufuncs on each ISA in one process (tests only)."""
import contextlib

import pytest

import simdact as sa

ISAS = ["scalar", "avx2", "avx512"]


@contextlib.contextmanager
def on_isa(name):
    """Run the public ufuncs on ISA `name` through the private hook, restoring the previous ISA
    afterwards; an ISA this CPU lacks is skipped, never passed."""
    if name not in sa.isa().available:
        pytest.skip(f"this CPU/OS/build does not support {name}")
    old = sa._core._testing_select_isa(name)
    try:
        yield
    finally:
        sa._core._testing_select_isa(old)
