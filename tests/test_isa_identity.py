"""Every ISA's float32 kernels give bit-identical results: the kernels are written once over
kernels/simd.h with correctly rounded operations only. Compared in one process through the
per-ISA kernel entry points; ISAs this CPU lacks are skipped, never passed."""
import numpy as np
import pytest

import simdact as sa
import reference as ref

ISAS = ["scalar", "avx2", "avx512"]
FUNCS = sa.functions()


@pytest.fixture(scope="module")
def inputs():
    x = ref.sweep_f32(2 ** 22, seed=3)
    return x


@pytest.mark.parametrize("isa", ISAS[1:])
@pytest.mark.parametrize("f", FUNCS, ids=[f.name for f in FUNCS])
def test_isa_matches_portable_bits(f, isa, inputs):
    if isa not in sa.isa().available:
        pytest.skip(f"this CPU/OS does not support {isa}")
    ops_sets = [()]
    if f.kind != "row":
        x = np.concatenate([inputs, ref.windows_f32(f.name)])
        rows = [x]
        if f.kind == "param":
            ops_sets = [tuple(np.float32(v) for v in o) for o in ref.PARAM_GRID[f.name]]
    else:
        rng = np.random.default_rng(9)
        rows = [(rng.standard_normal(n) * s).astype(np.float32)
                for n in (1, 5, 16, 17, 100, 1000, 4097) for s in (1.0, 100.0, 1e4)]
    for x in rows:
        for ops in ops_sets:
            a = sa._core._kernel_f32(f.name, "scalar", x, *ops)
            b = sa._core._kernel_f32(f.name, isa, x, *ops)
            diff = np.flatnonzero(a.view(np.uint32) != b.view(np.uint32))
            assert diff.size == 0, (f"{diff.size} results differ, first at x={x[diff[0]]!r} "
                                    f"{ops}: scalar {a[diff[0]]!r} vs {isa} {b[diff[0]]!r}")


def test_kernel_entry_rejects_bad_requests():
    x = np.ones(4, np.float32)
    with pytest.raises(KeyError):
        sa._core._kernel_f32("nope", "scalar", x)
    with pytest.raises(ValueError):
        sa._core._kernel_f32("gelu", "sse9", x)
    with pytest.raises(TypeError):
        sa._core._kernel_f32("gelu", "scalar", x.astype(np.float64))
