"""`python -m simdact bench` on tiny sizes: the JSON's shape, missing peers, the ratios and targets
computed from the cell numbers, the README block (idempotent, nothing outside the markers
touched) and --from-json. No test looks at a timing value."""
import json

import numpy as np
import pytest

import simdact as sa
from simdact import _bench, _peers
from simdact.__main__ import main

# one function of each kind: unary with a fast tier, parametric at defaults, two-operand with a
# fast tier, rows
FUNCS = ["sigmoid", "elu_alpha", "swiglu", "softmax"]
README = "# title\n\nbefore\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\nafter\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("bench")
    (d / "README.md").write_text(README)
    mp = pytest.MonkeyPatch()
    mp.setattr(_bench, "BATCH_S", 0.001)
    try:
        assert main(["bench", *FUNCS, "--sizes", "1,1K", "--repeat", "1", "--threads", "1",
                     "--quiet", "--json", str(d / "b.json"), "--readme", str(d / "README.md")]) == 0
    finally:
        mp.undo()
    return d, json.loads((d / "b.json").read_text())


def test_json_shape(run):
    _, rep = run
    m = rep["meta"]
    assert m["kernel_hash"] == sa._core.KERNEL_HASH and m["cpu"] and m["date"]
    # the CPU is named with the SIMD levels it offers ("AMD EPYC" alone names two machines)
    assert m["cpu"].endswith("ISAs " + "/".join(sa.isa().available) + ")")
    assert m["command"].startswith("python -m simdact bench sigmoid")
    isas = sa.isa().available
    by = {}
    for r in rep["rows"]:
        by.setdefault(r["function"], []).append(r)
        assert {f"simdact[{i}]" for i in isas} <= set(r["impl"])
        assert isinstance(r["t_simdact"], float) and isinstance(r["copy"], float)
        assert (r["elements"] == 1) == ("negative" in r) == ("ratio_neg" in r)
        for k in _peers.PEERS:    # every peer accounted for: timed (maybe as a composition),
            assert any(i == k or i.startswith(k + " (") for i in r["impl"])   # "-" or missing
        for v in r["impl"].values():
            assert v is None or v == "missing" or isinstance(v, float) or v.startswith("error")
    assert set(by) == set(FUNCS)
    assert len(by["sigmoid"]) == 4                        # 2 sizes x out= given / not
    for name in ("sigmoid", "swiglu", "softmax"):        # fast tier beside the accurate one
        assert all({f"simdact-fast[{i}]" for i in isas} <= set(r["impl"]) and
                   isinstance(r["t_fast"], float) for r in by[name])
    assert all(r["t_fast"] is None for r in by["elu_alpha"])
    assert by["elu_alpha"][0]["params"] == {"alpha": 1.0} and by["elu_alpha"][0]["inputs"] == 1
    assert by["swiglu"][0]["inputs"] == 2
    assert {r["size"] for r in by["softmax"]} == {
        "1 (one row)", "1K rows of 128", "1K rows of 128, axis 0", "1K rows of 1024",
        "1K rows of 1024, axis 0"}
    if _peers.available()["torch"]:                       # a composition says so
        assert "torch (2 ops)" in by["swiglu"][0]["impl"]
    # targets: here only the 1-element one (1 thread, out= given), both tiers
    keys = {"target", "function", "case", "tier", "measured", "limit", "met"}
    assert rep["targets"] and all(keys <= set(t) for t in rep["targets"])
    assert {(t["function"], t["tier"]) for t in rep["targets"]} == {
        (f, tier) for f in FUNCS for tier in ("accurate", "fast") if
        tier == "accurate" or f != "elu_alpha"}


def test_missing_peer_reported(monkeypatch):
    real = _peers.make

    def make(peer, *a, **k):
        if peer == "torch":
            raise _peers.PeerMissing("torch")
        return real(peer, *a, **k)
    monkeypatch.setattr(_peers, "make", make)
    monkeypatch.setattr(_bench, "BATCH_S", 0.001)
    f = next(f for f in sa.functions() if f.name == "tanh")
    (cell,) = _bench.bench_function(f, [("1K", 1024)], [1], [True], [sa.isa().active], 1)
    assert cell["impl"]["torch"] == "missing"
    assert cell["fastest_peer"] != "torch"


def _cell(**kw):
    c = dict(function="gelu", size="1M", elements=1 << 20, shape=[1 << 20], axis=-1, threads=1,
             out=True, dtype="float32", inputs=1, params={}, copy=0.1,
             impl={"simdact[avx2]": 0.5, "simdact[avx512]": 0.4, "simdact-fast[avx2]": 0.3,
                   "simdact-fast[avx512]": 0.25, "numpy": 2.0, "numexpr": None,
                   "torch": 0.6, "onnxruntime (2 ops)": 0.45, "other": "missing",
                   "bad": "error: RuntimeError"})
    c.update(kw)
    _bench._ratios(c)
    return c


def test_ratios_from_cell_numbers():
    c = _cell()
    assert c["t_simdact"] == 0.4 and c["t_fast"] == 0.25
    assert (c["fastest_peer"], c["t_peer"]) == ("onnxruntime (2 ops)", 0.45)
    assert c["ratio_peer"] == pytest.approx(0.4 / 0.45)
    assert c["ratio_peer_fast"] == pytest.approx(0.25 / 0.45)
    assert c["ratio_copy"] == pytest.approx(4.0) and c["ratio_copy_fast"] == pytest.approx(2.5)
    assert c["target"] == pytest.approx(max(0.45 / 1.2, 0.105)) and c["target_met"] is False
    assert c["target_fast"] == pytest.approx(max(0.45 / 1.5, 0.105)) and c["target_met_fast"]
    assert c["gbps"] == pytest.approx(8 / 0.4)
    one = _cell(size="1", elements=1, shape=[1], negative=0.5)
    assert one["ratio_neg"] == pytest.approx(0.8) and "target" not in one
    assert "target" not in _cell(threads=2) and "target" not in _cell(out=False)


def test_summary_targets():
    rows = [_cell(),
            _cell(size="1", elements=1, negative=0.3),                       # 0.4/0.3 > 1.1
            _cell(threads=2, impl={"simdact[avx2]": 0.2, "numpy": 1.0}),     # 2x speed-up
            _cell(size="16M", elements=1 << 24, threads=2, copy=0.5,
                  impl={"simdact[avx2]": 0.52, "numpy": 1.0}),               # 1.04x copy
            _cell(function="mish", size="16M", elements=1 << 24, threads=2, copy=0.35,
                  impl={"simdact[avx2]": 0.5, "numpy": 1.0}),
            _cell(function="mish", impl={"simdact[avx2]": 4.0, "numpy": 5.0}),
            _cell(function="tanh", size="16M", elements=1 << 24, threads=2, copy=0.35,
                  impl={"simdact[avx2]": 0.5, "numpy": 1.0})]                # no 1M cell
    ts = {(t["target"].split(":")[0], t["function"], t["tier"]): t
          for t in _bench.summary_targets(rows, cores=2)}
    neg = ts[("1 element", "gelu", "accurate")]
    assert neg["measured"] == pytest.approx(0.4 / 0.3) and neg["met"] is False
    thr = ts[("1M, 2 threads", "gelu", "accurate")]
    assert thr["measured"] == pytest.approx(2.0) and thr["met"] is True
    c16 = ts[("16M, 2 threads", "gelu", "accurate")]
    assert c16["measured"] == pytest.approx(0.52 / 0.5) and c16["met"] is True
    exempt = ts[("16M, 2 threads", "mish", "accurate")]       # 1M time 4.0 >= copy 0.35
    assert exempt["met"] is None and exempt["note"].startswith("exempt")
    unchecked = ts[("16M, 2 threads", "tanh", "accurate")]
    assert unchecked["met"] is False and "not measured" in unchecked["note"]
    assert ts[("1M, 1 thread", "gelu", "fast")]["met"] is True
    speedup = ts[("fast tier at 1M, 1 thread", "gelu", "fast")]        # issue 4: >= 1.5x
    assert speedup["measured"] == pytest.approx(0.4 / 0.25) and speedup["met"] is True
    lines = _bench.summary_lines(list(ts.values()))
    assert any("not met: gelu 1.33" in s for s in lines)


def test_readme_block_idempotent(run, tmp_path):
    d, rep = run
    text = (d / "README.md").read_text()
    head, rest = text.split("<!-- bench:start -->")
    block, tail = rest.split("<!-- bench:end -->")
    assert head == README.split("<!-- bench:start -->")[0]
    assert tail == README.split("<!-- bench:end -->")[1]
    first = block.strip().splitlines()[0]
    assert "python -m simdact bench" in first and rep["meta"]["cpu"] in first
    assert sa._core.KERNEL_HASH in first and rep["meta"]["date"] in first
    assert "old" not in block
    p = tmp_path / "R.md"
    p.write_text(text)
    _bench.write_readme(p, _bench.render_block(rep))
    assert p.read_text() == text
    _bench.write_readme(p, _bench.render_block(rep))
    assert p.read_text() == text
    with pytest.raises(SystemExit):
        _bench.replace_block("no markers here", "x")


def test_readme_block_by_name(run, tmp_path):
    """--block NAME writes a second machine's run into its own block, the bench block kept."""
    d, rep = run
    p = tmp_path / "R.md"
    p.write_text("a\n<!-- bench:start -->\nkept\n<!-- bench:end -->\nb\n"
                 "<!-- other:start -->\nold\n<!-- other:end -->\nc\n")
    assert main(["bench", "--from-json", str(d / "b.json"), "--readme", str(p),
                 "--block", "other"]) == 0
    text = p.read_text()
    assert "<!-- bench:start -->\nkept\n<!-- bench:end -->" in text
    other = text.split("<!-- other:start -->")[1].split("<!-- other:end -->")[0]
    assert "old" not in other and other.strip() == _bench.render_block(rep).strip()
    assert text.startswith("a\n") and text.endswith("\nc\n")
    with pytest.raises(SystemExit):
        main(["bench", "--from-json", str(d / "b.json"), "--readme", str(p), "--block", "none"])


def test_from_json_reproduces_block(run, tmp_path, capsys):
    d, _ = run
    p = tmp_path / "README.md"
    p.write_text(README)
    assert main(["bench", "--from-json", str(d / "b.json"), "--readme", str(p)]) == 0
    assert p.read_text() == (d / "README.md").read_text()
    assert "sigmoid" in capsys.readouterr().out


def test_block_table_from_cell_numbers():
    rep = dict(meta=dict(command="python -m simdact bench gelu", date="2000-01-01", cpu="CPU X",
                         kernel_hash="abc"),
               rows=[_cell(), _cell(function="relu", impl={"simdact[avx2]": 0.2, "numpy": None})])
    rep["targets"] = _bench.summary_targets(rep["rows"], 2)
    b = _bench.render_block(rep, "docs/bench/p.png")
    assert ("| gelu | 0.400 | 0.250 | onnxruntime (2 ops) 0.450 | 0.100 | 0.89 (0.56) | no (yes) |"
            in b)
    assert "| relu | 0.200 | - | - | 0.100 | - | - |" in b
    assert b.endswith("![accuracy against speed](docs/bench/p.png)")


def test_accuracy_points_fast_tier():
    f = [f for f in sa.functions() if f.name == "sigmoid"]
    pts = _bench.accuracy_points(f, stride=1000003)
    assert pts[("sigmoid", "simdact")] <= f[0].ulp_f32
    assert pts[("sigmoid", "simdact-fast")] >= 0
    assert all(v >= 0 for v in pts.values())


def test_settle_waits_while_the_process_is_busy():
    """A batch starts only once no other thread of the process runs (a peer's worker spinning
    after its last call would take the core a 2-thread implementation needs): a process busy
    on one core for 60 ms (fake clocks) is waited for, then at most one more step."""
    now = [0.0]
    def sleep(s):
        now[0] += s
    busy_until = 0.06
    waited = _bench.settle(clock=lambda: min(now[0], busy_until), sleep=sleep)
    assert busy_until <= waited <= busy_until + 2 * _bench.SETTLE_STEP_S + 1e-9
    now[0] = 1.0                                    # idle from the start: the minimum
    waited = _bench.settle(clock=lambda: min(now[0], busy_until), sleep=sleep)
    assert waited == pytest.approx(_bench.SETTLE_S + _bench.SETTLE_STEP_S)


def test_settle_sees_a_real_spinning_thread():
    """The same with a real thread spinning 60 ms (GIL released in numpy). A VM may stall
    that thread for a step (no CPU time then), so the best of three attempts counts."""
    import threading
    import time
    spin_s = 0.06
    def spin():
        a = np.ones(1 << 16)
        t_end = time.perf_counter() + spin_s
        while time.perf_counter() < t_end:
            np.sqrt(a, out=a)
    best = 0.0
    for _ in range(3):
        _bench.settle()                             # earlier tests' workers stop spinning
        t = threading.Thread(target=spin)
        t.start()
        best = max(best, _bench.settle())
        t.join()
        if best >= spin_s - _bench.SETTLE_STEP_S:
            break
    assert best >= spin_s - _bench.SETTLE_STEP_S


def test_settle_gives_up_at_its_limit():
    now = [0.0]
    def sleep(s):
        now[0] += s
    busy = lambda: now[0]                           # one core busy for ever
    waited = _bench.settle(clock=busy, sleep=sleep)
    assert _bench.SETTLE_MAX_S <= waited < _bench.SETTLE_MAX_S + _bench.SETTLE_STEP_S + 1e-9


def test_block_has_a_table_per_dtype_and_targets_only_for_float32():
    rows = [_cell(), _cell(dtype="float16"), _cell(dtype="float64", function="relu")]
    assert "target" in rows[0] and "target" not in rows[1] and "target" not in rows[2]
    rep = dict(meta=dict(command="c", date="2000-01-01", cpu="CPU X", kernel_hash="abc"),
               rows=rows, targets=_bench.summary_targets(rows, 2))
    assert {t["function"] for t in rep["targets"]} == {"gelu"}
    b = _bench.render_block(rep)
    f32, f16, f64 = (b.index(f"\n{d}, 1M elements") for d in ("float32", "float16", "float64"))
    assert f32 < f16 < f64
    assert "| gelu | 0.400 | 0.250 | onnxruntime (2 ops) 0.450 | 0.100 | 0.89 (0.56) | no (yes) |" in b
    assert "| gelu | 0.400 | 0.250 | onnxruntime (2 ops) 0.450 | 0.100 | 0.89 (0.56) |\n" in b[f16:f64]
    assert "| relu | 0.400 |" in b[f64:]


def test_dtype_option(tmp_path, monkeypatch):
    monkeypatch.setattr(_bench, "BATCH_S", 0.001)
    out = tmp_path / "d.json"
    assert main(["bench", "sigmoid", "--sizes", "1K", "--repeat", "1", "--threads", "1",
                 "--out-only", "--dtype", "float16,float64", "--quiet", "--json", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert [r["dtype"] for r in rep["rows"]] == ["float16", "float64"]
    assert "--dtype float16,float64" in rep["meta"]["command"]
    assert rep["targets"] == []
    for r in rep["rows"]:
        assert isinstance(r["t_simdact"], float) and isinstance(r["t_fast"], float)
    with pytest.raises(SystemExit, match="unknown dtype"):
        main(["bench", "sigmoid", "--dtype", "float8", "--quiet"])
