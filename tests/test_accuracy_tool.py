"""`python -m simdact accuracy`: runs, reports every ISA with identical output hashes, writes
JSON, and its figures agree with an independent numpy measurement."""
import json
import os
import subprocess
import sys

import numpy as np

import simdact as sa
import reference as ref


def test_tool_runs_and_writes_json(tmp_path):
    out = tmp_path / "acc.json"
    r = subprocess.run([sys.executable, "-m", "simdact", "accuracy", "sigmoid", "prelu",
                        "softmax", "--stride", "1000003", "--quiet", "--json", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    rep = json.loads(out.read_text())
    assert rep["ok"] is True
    isas = set(sa.isa().available)
    sig = [x for x in rep["float32"] if x["function"] == "sigmoid"]
    assert {x["isa"] for x in sig} == isas
    assert len({x["hash"] for x in sig}) == 1          # bit-identical ISAs
    assert {tuple(x["operands"]) for x in rep["float32"] if x["function"] == "prelu"} == {
        tuple(float(np.float32(v)) for v in ops) for ops in sa._grids.PARAM_GRID["prelu"]}
    assert any(x["dtype"] == "float16" for x in rep["halves"])
    assert rep["specials"] and all(x["ok"] for x in rep["specials"])
    assert "sigmoid" in r.stdout and "OVER BUDGET" not in r.stdout


def test_engine_agrees_with_numpy_measurement():
    stride = 65537
    rec = sa._core._accuracy_sweep("gelu", [sa.isa().active], 0, stride, 0,
                                   -(-(2 ** 32) // stride), 1.25)[0]
    bits = (np.arange(-(-(2 ** 32) // stride), dtype=np.uint64) * np.uint64(stride)).astype(
        np.uint32)
    x = bits.view(np.float32)
    fin = np.isfinite(x)
    err = ref.ulp_err32(sa.gelu(x[fin]), ref.REFS["gelu"](x[fin].astype(np.float64)))
    assert rec["n_finite"] == fin.sum()
    assert abs(rec["max_err"] - err.max()) < 1e-3
    assert abs(rec["sum_err"] / rec["n_finite"] - err.mean()) < 1e-4


def test_row_sweep_hash_is_the_same_in_every_process():
    """The committed exhaustive.json carries a hash of the row sweep's outputs; sweeping the same
    kernels again must give the same value (Python's hash() of bytes is salted per process)."""
    code = ("from simdact import _accuracy as a; import simdact as sa; "
            "f = [g for g in sa.functions() if g.name == 'softmax'][0]; "
            "print(a.rows_f32(f, ['scalar'])[0]['hash'])")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}
                           ).stdout.strip() for seed in ("1", "2")}
    assert len(outs) == 1 and len(next(iter(outs))) == 16, outs
