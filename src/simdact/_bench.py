"""`python -m simdact bench`: simdact against its peers, side by side in one run.

For every function, dtype (--dtype: float32 by default, float16 and float64 where asked; the
peers' arrays are of that dtype too, a peer without it is reported), size, thread count and
out= mode, on the same arrays: simdact's accurate
tier ("simdact[<isa>]") and fast tier ("simdact-fast[<isa>]", where `simdact.fast` has the
function) on every available ISA, the NumPy/SciPy formula a user would write, numexpr, PyTorch's
CPU kernels (aten `.out` ops into preallocated tensors) and ONNX Runtime's CPU provider (a model
per op, io_binding to preallocated buffers), all pinned to the same thread count, and
`np.copyto` as the memory-bandwidth floor (at 1 element also `np.negative`, numpy's own ufunc
overhead, and where the operands differ from its one array a NumPy call with the same operands:
`_numpy_same_shape`). Parametric forms run at their default parameters (the `*_<params>` ufuncs
with the defaults passed as scalars); two-operand functions (gated units, prelu) get a second random
operand b of the same shape. A peer without a single op for a function composes ops only under
a label saying so ("torch (2 ops)"). A peer that is not installed is reported as "missing"; a
peer without the function as "-", never silently dropped.

Timing is interleaved, since a machine's speed drifts over seconds: per cell every
implementation gets a batch length (calls lasting about BATCH_S = 20 ms, at least one call, so
a single call at 16M), then in each of `--repeat` rounds one batch of every implementation runs
on the same arrays (the order rotating by round); each keeps its best batch. Each batch starts
once the process is idle (`settle`): the worker threads of the implementation timed just before
spin for a while after their last call (measured on the Zen 3, 2 threads: libgomp's, simdact's
and torch's, about 10 ms; ONNX Runtime's about 40 ms), and on a 2-core machine a spinning thread
takes the core the next implementation's second thread needs (relu at 1M on 2 threads took
0.13 ns/element after ONNX Runtime and a fixed 10 ms pause, 0.06 after 50 ms). ns/element = batch
time / calls / elements; GB/s counts one read per input array and one write. t_simdact / t_fast
are the best ISA of each tier; ratio_peer(_fast) = over the fastest peer (< 1 is faster),
ratio_copy(_fast) = over np.copyto, ratio_neg(_fast) = over np.negative.

Targets of issue 5 ("targets" in the JSON, a summary after the table): at 1M elements, 1 thread,
out= given, accurate <= max(T_peer / 1.2, 1.05 T_copy) and fast <= max(T_peer / 1.5,
1.05 T_copy); 1 element <= 1.1x np.negative; 16M on all cores <= 1.10x np.copyto for every
function whose 1M 1-thread time is below the copy's 16M time (the others are listed as exempt);
gelu at 1M on 2 threads >= 1.8x its 1-thread speed; and issue 4's fast tier >= 1.5x the
accurate tier's speed at 1M on one thread. Benchmarks report; they never fail on a
timing.

Writes JSON (--json), an accuracy-vs-speed plot (--plot, needs matplotlib: x = ns/element at 1M
on one thread, y = max float32 ULP error on a strided sweep, log scale, one point per
implementation and tier; unary functions) and a Markdown block into a README between
`<!-- bench:start -->` and `<!-- bench:end -->` (--readme; --block NAME writes between
`<!-- NAME:start -->` and `<!-- NAME:end -->` instead, so a README can carry runs from more than
one machine). --from-json re-renders the table, the block and the plot from a saved JSON
without timing again.
"""
import json
import os
import platform
import sys
import time

import numpy as np

import simdact as sa
from . import _core, _peers

SIZES = {"1": 1, "1K": 1 << 10, "64K": 1 << 16, "1M": 1 << 20, "16M": 1 << 24}
DTYPES = ("float32", "float16", "float64")
TARGET_DTYPE = "float32"  # the issue's targets and the plot are float32's
ROW_LENGTHS = (128, 1024, 32768)
BATCH_S = 0.02
SETTLE_S = 0.01  # seconds idle before each timed batch, at least (`settle`)
SETTLE_STEP_S, SETTLE_MAX_S = 0.005, 0.25
SMALL_N, SMALL_SPLIT = 1, 4  # shorter and more batches up to SMALL_N elements (time_interleaved)
# (tier, implementation prefix, time field, field suffix, T_peer divisor of the 1M target)
TIERS = (("accurate", "simdact[", "t_simdact", "", 1.2),
         ("fast", "simdact-fast[", "t_fast", "_fast", 1.5))
NEG_LIMIT, COPY16M_LIMIT, THREADS2_LIMIT = 1.1, 1.10, 1.8
FAST_SPEEDUP = 1.5  # issue 4: a fast variant not clearly faster is not shipped


def markers(name="bench"):
    """The README markers of block `name` (--block): the AVX-512 run is `bench`."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def cpu_model():
    """The CPU as committed results name it: the model name, and on Linux its family, model and
    stepping and the SIMD levels simdact can use on it ("AMD EPYC" names both a Zen 3 with
    AVX2 only and a Zen 4 with AVX-512)."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break                             # the first processor's entry is enough
                key, _, value = line.partition(":")
                info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    name = info.get("model name") or platform.processor() or platform.machine()
    details = [f"{label} {info[k]}" for k, label in
               (("cpu family", "family"), ("model", "model"), ("stepping", "stepping")) if k in info]
    try:
        from ._core import available_isas
        details.append("ISAs " + "/".join(available_isas()))
    except ImportError:
        pass
    return f"{name} ({', '.join(details)})" if details else name


# ------------------------------------------------------------------ timing
def settle(clock=time.process_time, sleep=time.sleep):
    """Wait until no thread of this process is running: SETTLE_S, then steps of SETTLE_STEP_S
    until one passes with less than a fifth of a core's CPU time used by the whole process (a
    worker thread spinning after its last call uses a whole core), at most SETTLE_MAX_S in all.
    Returns the seconds slept."""
    sleep(SETTLE_S)
    waited = SETTLE_S
    while waited < SETTLE_MAX_S:
        c0 = clock()
        sleep(SETTLE_STEP_S)
        waited += SETTLE_STEP_S
        if clock() - c0 < SETTLE_STEP_S / 5:
            break
    return waited


def _batch_calls(call, batch_s=BATCH_S):
    """Calls per batch so that a batch lasts about batch_s (at least one call)."""
    call()                                    # warm-up (allocations, ORT binding, caches)
    k = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(k):
            call()
        dt = time.perf_counter() - t0
        if dt >= batch_s / 10 or k >= 1 << 20:
            return max(1, round(k * batch_s / max(dt, 1e-9)))
        k *= 10


def time_interleaved(impls, n_elem, repeat):
    """impls: {name: (call, setup or None)}. Returns {name: best ns/element over `repeat`
    rounds of one batch each, or "error: <type>" for a call that raised}; `setup` (selecting
    an ISA) runs before each batch, untimed. Up to SMALL_N elements (calls of about a
    microsecond, where batches of one call differed by up to 2x between rounds on this VM) the
    batches are SMALL_SPLIT times shorter and SMALL_SPLIT times as many rounds run: the same
    timed total, more chances for each implementation to get a quiet batch."""
    split = SMALL_SPLIT if n_elem <= SMALL_N else 1
    batch_s, repeat = BATCH_S / split, repeat * split
    res, calls = {}, {}
    for k, (call, setup) in impls.items():
        try:
            if setup:
                setup()
            calls[k] = _batch_calls(call, batch_s)
            res[k] = float("inf")
        except Exception as e:               # a peer that fails on this case
            res[k] = f"error: {type(e).__name__}"
    keys = list(calls)
    for r in range(repeat if keys else 0):
        for k in keys[r % len(keys):] + keys[:r % len(keys)]:
            call, setup = impls[k]
            if setup:
                setup()
            settle()
            t0 = time.perf_counter()
            for _ in range(calls[k]):
                call()
            res[k] = min(res[k], (time.perf_counter() - t0) / calls[k])
    return {k: v * 1e9 / n_elem if isinstance(v, float) else v for k, v in res.items()}


# ------------------------------------------------------------------ the grid
def _cases(f, sizes):
    """(label, shape, axis) per size: rows for softmax-like functions (one row below the
    shortest row length)."""
    if f.kind != "row":
        return [(lab, (n,), -1) for lab, n in sizes]
    out = []
    for lab, n in sizes:
        for r in ROW_LENGTHS:
            if n >= r:
                out.append((f"{lab} rows of {r}", (n // r, r), -1))
                out.append((f"{lab} rows of {r}, axis 0", (r, n // r), 0))
        if n < ROW_LENGTHS[0]:
            out.append((f"{lab} (one row)", (1, n), -1))
    return out


def _default_form(f, funcs):
    """The unary form whose defaults a parametric `<name>_<params>` ufunc runs with, or None
    (a two-operand function)."""
    for g in funcs:
        if g.kind == "unary" and g.params and f.name == "_".join((g.name,) + tuple(g.params)):
            return g
    return None


def _operands(f, funcs, shape, dtype, rng):
    """(simdact's operands after x, the peers' arrays after x, the name peers know, JSON
    description)."""
    if f.kind != "param":
        return [], [], f.name, {}
    g = _default_form(f, funcs)
    if g is not None:
        return ([np.dtype(dtype).type(v) for v in g.defaults], [], g.name,
                dict(zip(g.params, g.defaults)))
    b = rng.standard_normal(shape).astype(dtype)
    return [b], [b], f.name, {f.params[0]: "random array, x's shape"}


def _numpy_same_shape(f, x, ops, out, axis, with_out):
    """At 1 element, a call of NumPy's own with the same operands as `f`'s where that differs
    from np.negative's one array: (label, call) or None. It shows what NumPy's machinery costs
    for that shape of call, which no loop can go below: np.add for one more operand (a scalar
    parameter or an array), the three-operand clip ufunc for two scalar parameters, and
    np.vecdot (a gufunc over rows) for the row functions."""
    if f.kind == "row":
        o = np.empty(x.shape[:-1], x.dtype)
        return "np.vecdot", ((lambda: np.vecdot(x, x, axis=axis, out=o)) if with_out else
                             (lambda: np.vecdot(x, x, axis=axis)))
    if len(ops) == 1:
        return "np.add", _ufunc_call(np.add, [x] + ops, out, {}, with_out)
    if len(ops) == 2:
        from numpy._core import umath
        return "clip ufunc", _ufunc_call(umath.clip, [x] + ops, out, {}, with_out)
    return None


def _ufunc_call(uf, args, out, kw, with_out):
    if with_out:
        return lambda: uf(*args, out=out, **kw)
    return lambda: uf(*args, **kw)


def bench_function(f, sizes, threads_list, outs, isas, repeat, dtype=np.float32, log=None):
    rows = []
    rng = np.random.default_rng(0)
    funcs = sa.functions()
    fast = {fi.name: fi for fi in sa.fast.functions()}.get(f.name)
    tiers = [("simdact", f.ufunc)] + ([("simdact-fast", fast.ufunc)] if fast else [])
    for label, shape, axis in _cases(f, sizes):
        n = int(np.prod(shape))
        x = (rng.standard_normal(shape) * 3).astype(dtype)
        out = np.empty_like(x)
        ops, arrays, peer_name, params = _operands(f, funcs, shape, dtype, rng)
        kw = {"axis": axis} if f.kind == "row" else {}
        for threads in threads_list:
            for with_out in outs:
                cell = dict(function=f.name, size=label, elements=n, shape=list(shape),
                            axis=axis, threads=threads, out=with_out, dtype=np.dtype(dtype).name,
                            inputs=1 + len(arrays), params=params)
                impls, untimed = {}, {}
                for tier, uf in tiers:
                    for isa in isas:
                        impls[f"{tier}[{isa}]"] = (
                            _ufunc_call(uf, [x] + ops, out, kw, with_out),
                            lambda isa=isa: _core._testing_select_isa(isa))
                for peer in _peers.PEERS:
                    try:
                        fn = _peers.make(peer, peer_name, dtype, threads, shape, axis)
                    except _peers.PeerMissing:
                        impls[peer] = untimed[peer] = "missing"
                        continue
                    if fn is None:
                        impls[peer] = untimed[peer] = None
                        continue
                    impls[_peers.label(peer, fn)] = (
                        (lambda fn=fn: fn(x, *arrays, out)) if with_out else
                        (lambda fn=fn: fn(x, *arrays, np.empty_like(x))), None)
                impls["copy"] = ((lambda: np.copyto(out, x)) if with_out else
                                 (lambda: x.copy()), None)
                if n == 1:
                    impls["np.negative"] = _ufunc_call(np.negative, [x], out, {}, with_out), None
                    same = _numpy_same_shape(f, x, ops, out, axis, with_out)
                    if same:
                        cell["numpy_same_call"] = same[0]
                        impls["numpy_same"] = same[1], None
                old = _core.active_isa()
                with sa.set_num_threads(threads):
                    try:
                        times = time_interleaved(
                            {k: v for k, v in impls.items() if k not in untimed}, n, repeat)
                    finally:
                        _core._testing_select_isa(old)
                times.update(untimed)
                cell["impl"] = {k: times[k] for k in impls}
                cell["copy"] = cell["impl"].pop("copy")
                if n == 1:
                    cell["negative"] = cell["impl"].pop("np.negative")
                    if "numpy_same" in cell["impl"]:
                        cell["numpy_same"] = cell["impl"].pop("numpy_same")
                _ratios(cell)
                rows.append(cell)
                if log:
                    log(cell)
    return rows


def _ratios(cell):
    """Per tier: best time, ratios to the fastest peer, the copy and np.negative, and the 1M
    target where it applies (1M elements, 1 thread, out= given)."""
    impl = cell["impl"]
    peers = {k: v for k, v in impl.items()
             if not k.startswith("simdact") and isinstance(v, float)}
    cell["fastest_peer"], cell["t_peer"] = (min(peers.items(), key=lambda kv: kv[1])
                                            if peers else (None, None))
    itemsize = np.dtype(cell["dtype"]).itemsize
    for tier, prefix, tkey, sfx, div in TIERS:
        ts = [v for k, v in impl.items() if k.startswith(prefix) and isinstance(v, float)]
        t = cell[tkey] = min(ts) if ts else None
        if t is None:
            continue
        cell["ratio_peer" + sfx] = t / cell["t_peer"] if cell["t_peer"] else None
        cell["ratio_copy" + sfx] = t / cell["copy"] if isinstance(cell["copy"], float) else None
        if isinstance(cell.get("negative"), float):
            cell["ratio_neg" + sfx] = t / cell["negative"]
        if isinstance(cell.get("numpy_same"), float):
            cell["ratio_same" + sfx] = t / cell["numpy_same"]
        if (cell["t_peer"] and isinstance(cell["copy"], float) and cell["out"]
                and cell["threads"] == 1 and cell["elements"] == SIZES["1M"]
                and cell["dtype"] == TARGET_DTYPE):
            cell["target" + sfx] = max(cell["t_peer"] / div, 1.05 * cell["copy"])
            cell["target_met" + sfx] = t <= cell["target" + sfx]
    t = cell["t_simdact"]
    cell["gbps"] = (cell["inputs"] + 1) * itemsize / t if t else None


def summary_targets(rows, cores):
    """Issue 5's targets as a list of {target, function, case, tier, measured, limit, met}
    (met None and a note where a target does not apply)."""
    out = []
    sel = {(r["function"], r["size"], r["threads"]): r for r in rows
           if r["out"] and r["dtype"] == TARGET_DTYPE}

    def add(target, r, tier, measured, limit, met, note=None):
        d = dict(target=target, function=r["function"], case=r["size"], tier=tier,
                 measured=measured, limit=limit, met=met)
        if note:
            d["note"] = note
        out.append(d)

    for (fn, size, threads), r in sel.items():
        for tier, _, tkey, sfx, div in TIERS:
            t = r.get(tkey)
            if t is None:
                continue
            if "target" + sfx in r:
                add(f"1M, 1 thread: ns/element <= max(T_peer/{div}, 1.05 T_copy)", r, tier,
                    t, r["target" + sfx], r["target_met" + sfx])
            if r["elements"] == 1 and threads == 1 and "ratio_neg" + sfx in r:
                m = r["ratio_neg" + sfx]
                same = r.get("ratio_same" + sfx)
                note = (f"{same:.2f}x {r['numpy_same_call']} with the same operands"
                        if same is not None else None)
                add(f"1 element: <= {NEG_LIMIT}x np.negative", r, tier, m, NEG_LIMIT,
                    m <= NEG_LIMIT, note)
            if r["elements"] == SIZES["16M"] and threads == cores and r.get("ratio_copy" + sfx):
                m, note, met = r["ratio_copy" + sfx], None, None
                small = sel.get((fn, size.replace("16M", "1M", 1), 1), {}).get(tkey)
                if small is None:
                    note = "1M 1-thread time not measured: applies unchecked"
                elif small >= r["copy"]:
                    note = (f"exempt: 1M 1-thread time {small:.3f} >= the copy's 16M time "
                            f"{r['copy']:.3f} ns/element")
                if not (note or "").startswith("exempt"):
                    met = m <= COPY16M_LIMIT
                add(f"16M, {cores} threads: <= {COPY16M_LIMIT}x np.copyto", r, tier, m,
                    COPY16M_LIMIT, met, note)
            if (tier == "fast" and r["elements"] == SIZES["1M"] and threads == 1
                    and r.get("t_simdact")):
                m = r["t_simdact"] / t
                add(f"fast tier at 1M, 1 thread: >= {FAST_SPEEDUP}x the accurate tier's speed", r,
                    tier, m, FAST_SPEEDUP, m >= FAST_SPEEDUP)
            one = sel.get((fn, size, 1), {}).get(tkey)
            if fn == "gelu" and size == "1M" and threads == 2 and one:
                m = one / t
                add(f"1M, 2 threads: >= {THREADS2_LIMIT}x the 1-thread speed", r, tier, m,
                    THREADS2_LIMIT, m >= THREADS2_LIMIT)
    return out


# ------------------------------------------------------------------ text output
def _fmt(v, w=8):
    if isinstance(v, float):
        return f"{v:{w}.3f}"
    return f"{'-' if v is None else 'missing' if v == 'missing' else 'error':>{w}}"


def _short(k):
    return (k.replace("simdact-fast", "fast").replace("simdact", "acc")
            .replace("onnxruntime", "ort").replace(" ops)", "").replace(" (", "x"))


def print_table(rows, stream=None):
    """One block per function (its own implementation columns): ns/element; '-' = the peer
    has no such function; acc[isa] / fast[isa] = simdact's tiers, torchxN = N torch ops."""
    w = (stream or sys.stdout).write
    w("ns/element (lower is better); r/peer = best simdact (accurate) / fastest peer, "
      "f/peer = best fast tier / fastest peer, r/copy = / np.copyto, r/neg = / np.negative\n")
    head = None
    for r in rows:
        impls = list(r["impl"])
        if (r["function"], impls) != head:
            head = (r["function"], impls)
            wid = [max(8, len(_short(k))) for k in impls]
            w("\n" + f"{'function':<16} {'size':<22} {'dtype':<7} {'thr':>3} {'out':>3} "
              + " ".join(f"{_short(k):>{n}}" for k, n in zip(impls, wid))
              + f" {'copy':>8} {'neg':>8} {'GB/s':>6} {'r/peer':>6} {'f/peer':>6}"
              f" {'r/copy':>6} {'r/neg':>6}\n")
        rat = " ".join(f"{r[k]:6.2f}" if r.get(k) else f"{'-':>6}" for k in
                       ("ratio_peer", "ratio_peer_fast", "ratio_copy", "ratio_neg"))
        w(f"{r['function']:<16} {r['size']:<22} {r['dtype']:<7} {r['threads']:>3} "
          f"{'yes' if r['out'] else 'no':>3} "
          + " ".join(_fmt(r["impl"][k], n) for k, n in zip(impls, wid))
          + f" {_fmt(r['copy'])} {_fmt(r['negative']) if 'negative' in r else ' ' * 8}"
          f" {r['gbps'] or 0:6.1f} {rat}\n")


def _tgt_line(target, tier, items):
    """One summary line per target and tier: how many met, the others with their figures."""
    met = [t for t in items if t["met"]]
    miss = [t for t in items if t["met"] is False]
    exempt = [t for t in items if t["met"] is None]
    s = f"{target} ({tier}): met by {len(met)} of {len(met) + len(miss)}"
    if exempt:
        s += f" ({len(exempt)} exempt)"
    if miss:
        s += "; not met: " + ", ".join(
            t["function"] + (f" [{t['case']}]" if "row" in t["case"] else "")
            + f" {t['measured']:.3g}"
            + ("" if f"{t['limit']:g}" in target else f" (limit {t['limit']:.3g})")
            + (f" ({t['note']})" if t.get("note") else "")
            for t in miss)
    return s


def summary_lines(targets):
    kinds = list(dict.fromkeys(t["target"].split(":")[0] for t in targets))
    groups = {}
    for t in sorted(targets, key=lambda t: (kinds.index(t["target"].split(":")[0]),
                                            t["tier"] != "accurate")):
        groups.setdefault((t["target"], t["tier"]), []).append(t)
    return [_tgt_line(k[0], k[1], v) for k, v in groups.items()]


# ------------------------------------------------------------------ README block
def _peer_cell(r):
    return f"{r['fastest_peer']} {r['t_peer']:.3f}" if r["fastest_peer"] else "-"


def _pair(a, b, fmt):
    """`a (b)`: the accurate tier's figure and the fast tier's in parentheses."""
    f = (lambda v: "-" if v is None else fmt(v))
    return f(a) + ("" if b is None else f" ({f(b)})")


def render_block(rep, plot_link=None):
    """The Markdown between the README markers: deterministic for the same report. A table
    per dtype timed (1M elements, 1 thread, out= given): float32's with the targets, the
    others (--dtype) with their ratios only."""
    m = rep["meta"]
    lines = [f"_Generated by `python -m simdact bench --readme` from the timings of "
             f"`{m['command']}` on {m['date']}; CPU: {m['cpu']}; simdact KERNEL_HASH "
             f"`{m['kernel_hash']}`. Do not edit: re-run it (or `--from-json`)._"]
    yes = (lambda v: "yes" if v else "no")
    for dt in DTYPES:
        sel = [r for r in rep["rows"] if r["elements"] == SIZES["1M"] and r["threads"] == 1
               and r["out"] and r["dtype"] == dt]
        if not sel:
            continue
        f32 = dt == TARGET_DTYPE
        lines += ["", f"{dt}, 1M elements, 1 thread, out= given; ns per element (lower is "
                  "better); fast = `simdact.fast`" + (
                      "; the ratio and the target (accurate ≤ max(T_peer / 1.2, 1.05 T_copy), "
                      "fast ≤ max(T_peer / 1.5, 1.05 T_copy)) are the accurate tier's, the fast "
                      "tier's in parentheses." if f32 else
                      " (float16: the fast float32 kernels between conversions; float64: the "
                      "accurate float64 kernels in both tiers); the ratio is the accurate tier's, "
                      "the fast tier's in parentheses (no targets: they are float32's)."), "",
                  "| function | simdact | fast | fastest peer | copy | ratio to peer |"
                  + (" target met |" if f32 else ""),
                  "|---|---:|---:|---|---:|---:|" + ("---|" if f32 else "")]
        for r in sel:
            name = r["function"] + (f" ({r['size'][3:]})" if r["size"] != "1M" else "")
            fast = r.get("t_fast")
            met = _pair(r.get("target_met"), r.get("target_met_fast") if fast else None, yes)
            ratio = _pair(r.get("ratio_peer"), r.get("ratio_peer_fast"), "{:.2f}".format)
            lines.append(f"| {name} | {r['t_simdact']:.3f} | "
                         f"{'-' if fast is None else f'{fast:.3f}'} | {_peer_cell(r)} | "
                         f"{r['copy']:.3f} | {ratio if r['t_peer'] else '-'} |"
                         + (f" {met if r['t_peer'] else '-'} |" if f32 else ""))
    if rep["targets"]:
        lines += ["", "Targets:", ""] + [f"- {s}" for s in summary_lines(rep["targets"])]
    if plot_link:
        lines += ["", f"![accuracy against speed]({plot_link})"]
    return "\n".join(lines)


def replace_block(doc, block, name="bench"):
    """`doc` with the text between the markers of block `name` replaced by `block`."""
    begin, end = markers(name)
    if begin not in doc or end not in doc.split(begin, 1)[1]:
        raise SystemExit(f"no {begin} ... {end} block")
    head, rest = doc.split(begin, 1)
    return f"{head}{begin}\n{block}\n{end}{rest.split(end, 1)[1]}"


def write_readme(path, block, name="bench"):
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(replace_block(doc, block, name))


# ------------------------------------------------------------------ accuracy and plot
def accuracy_points(funcs, stride=4099):
    """Max float32 ULP error on a strided sweep per implementation, for the plot (unary
    functions): the accurate tier from the compiled engine; the fast tier and the peers through
    numpy, against the float64 ufunc."""
    from . import _accuracy
    fast = {fi.name: fi for fi in sa.fast.functions()}
    pts = {}
    count = -(-(2 ** 32) // stride)
    bits = (np.arange(count, dtype=np.uint64) * np.uint64(stride)).astype(np.uint32)
    xs = bits.view(np.float32)
    xs = xs[np.isfinite(xs)]
    for f in funcs:
        if f.kind != "unary":
            continue
        rec = _core._accuracy_sweep(f.name, [sa.isa().active], 0, stride, 0, count, f.ulp_f32)
        pts[(f.name, "simdact")] = rec[0]["max_err"]
        with np.errstate(all="ignore"):
            ref = f.ufunc(xs.astype(np.float64))
        cands = ([("simdact-fast", lambda x, o, uf=fast[f.name].ufunc: uf(x, out=o))]
                 if f.name in fast else [])
        for peer in _peers.PEERS:
            try:
                fn = _peers.make(peer, f.name, np.float32, 1, xs.shape)
            except _peers.PeerMissing:
                continue
            if fn is not None:
                cands.append((_peers.label(peer, fn), fn))
        for key, fn in cands:
            y = np.empty_like(xs)
            with np.errstate(all="ignore"):
                fn(xs, y)
            pts[(f.name, key)] = float(np.max(_accuracy.ulp_err(y, ref, np.float32, -126, 23)))
    return pts


def plot(rows, acc, path, cpu):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sel = [r for r in rows if r["elements"] == SIZES["1M"] and r["threads"] == 1 and r["out"]
           and r["axis"] == -1 and r["dtype"] == TARGET_DTYPE]
    fig, ax = plt.subplots(figsize=(9, 6))
    markers = {"simdact": "o", "simdact-fast": "P", "numpy": "s", "numexpr": "^", "torch": "D",
               "onnxruntime": "v"}
    for r in sel:
        for impl, t in r["impl"].items():
            key = impl.split("[")[0]
            u = acc.get((r["function"], key))
            if not isinstance(t, float) or u is None:
                continue
            base, y = key.split(" (")[0], min(max(u, 0.05), 1e10)
            ax.scatter(t, y, marker=markers.get(base, "x"),
                       color=f"C{list(markers).index(base) if base in markers else 6}",
                       label=key)
            ax.annotate(r["function"], (t, y), fontsize=6, alpha=0.7)
    h, lab = ax.get_legend_handles_labels()
    uniq = dict(zip(lab, h))
    ax.legend(uniq.values(), uniq.keys(), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ns per element (1M float32, 1 thread, out= given)")
    ax.set_ylabel("max error, float32 ULPs (strided sweep, tails included; 0 shown at 0.05, "
                  "inf at 1e10)", fontsize=8)
    ax.set_title(f"simdact vs peers: accuracy against speed ({cpu})", fontsize=10)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------ command line
def _command(args):
    """The timing run as a command line (the options that change the data)."""
    parts = ["python -m simdact bench"] + list(args.functions)
    parts += [f"--{k} {getattr(args, k)}" for k in ("sizes", "threads", "dtype")
              if getattr(args, k)]
    parts += [f"--isa {i}" for i in args.isa or []]
    parts += ["--out-only"] if args.out_only else []
    return " ".join(parts + [f"--repeat {args.repeat}"])


def run(args):
    """Time the grid: the report (meta, rows, targets)."""
    funcs = sa.functions()
    unknown = set(args.functions) - {f.name for f in funcs}
    if unknown:
        raise SystemExit(f"unknown function(s): {', '.join(sorted(unknown))}")
    funcs = [f for f in funcs if not args.functions or f.name in args.functions]
    sizes = [(s, SIZES[s]) for s in (args.sizes.split(",") if args.sizes else SIZES)]
    cores = os.cpu_count() or 1
    threads = (sorted({1, min(2, cores), cores}) if not args.threads
               else [int(t) for t in args.threads.split(",")])
    outs = [True] if args.out_only else [True, False]
    dtypes = args.dtype.split(",") if args.dtype else [TARGET_DTYPE]
    bad = set(dtypes) - set(DTYPES)
    if bad:
        raise SystemExit(f"unknown dtype(s): {', '.join(sorted(bad))} (known: "
                         f"{', '.join(DTYPES)})")
    isas = list(sa.isa().available if not args.isa else args.isa)
    meta = dict(tool="python -m simdact bench", command=_command(args), cpu=cpu_model(),
                machine=platform.machine(), cores=cores, simdact=sa.__version__,
                numpy=np.__version__, peers=_peers.available(),
                kernel_hash=getattr(_core, "KERNEL_HASH", None), isas=isas,
                date=time.strftime("%Y-%m-%d"))
    print(f"CPU: {meta['cpu']}; peers: " + ", ".join(
        f"{k} {v or 'missing'}" for k, v in meta["peers"].items()), file=sys.stderr)
    log = None if args.quiet else (lambda c: print(
        f"  {c['function']} {c['size']} {c['dtype']} t={c['threads']} out={c['out']}",
        file=sys.stderr))
    rows = []
    for f in funcs:
        for dt in dtypes:
            rows += bench_function(f, sizes, threads, outs, isas, args.repeat, np.dtype(dt),
                                   log=log)
    return dict(meta=meta, rows=rows, targets=summary_targets(rows, cores))


def main(args):
    if args.from_json:
        with open(args.from_json, encoding="utf-8") as fh:
            rep = json.load(fh)
    else:
        rep = run(args)
    print_table(rep["rows"])
    print("\ntargets:\n" + ("\n".join(summary_lines(rep["targets"])) if rep["targets"] else
                            "none: the targets are float32's, at 1M, 1 and 16M elements"))
    if args.plot:
        if "accuracy" in rep:
            acc = {(a["function"], a["impl"]): a["max_ulp"] for a in rep["accuracy"]}
        else:
            names = {r["function"] for r in rep["rows"]}
            acc = accuracy_points([f for f in sa.functions() if f.name in names])
            rep["accuracy"] = [dict(function=k[0], impl=k[1], max_ulp=v) for k, v in acc.items()]
        try:
            plot(rep["rows"], acc, args.plot, rep["meta"]["cpu"])
            print(f"wrote {args.plot}", file=sys.stderr)
        except ImportError:
            print("matplotlib is not installed: no plot", file=sys.stderr)
    if args.readme:
        link = (os.path.relpath(args.plot, os.path.dirname(os.path.abspath(args.readme)))
                .replace(os.sep, "/") if args.plot else None)
        write_readme(args.readme, render_block(rep, link), args.block)
        print(f"wrote the {args.block} block of {args.readme}", file=sys.stderr)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rep, fh, indent=1)
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def add_parser(sub):
    b = sub.add_parser("bench", help="simdact against NumPy, numexpr, PyTorch, ONNX Runtime")
    b.add_argument("functions", nargs="*", help="names (default: every function)")
    b.add_argument("--sizes", help="comma list of " + ",".join(SIZES) + " (default: all)")
    b.add_argument("--threads", help="comma list of thread counts (default: 1, 2 and all cores)")
    b.add_argument("--dtype", help="comma list of " + ",".join(DTYPES) + " (default: float32; "
                   "the targets and the plot are float32's, the README block shows the others "
                   "at 1M on one thread)")
    b.add_argument("--isa", action="append", help="restrict simdact to this ISA (repeatable)")
    b.add_argument("--out-only", action="store_true", help="only calls with out= given")
    b.add_argument("--repeat", type=int, default=5, help="interleaved rounds per cell")
    b.add_argument("--json", metavar="PATH")
    b.add_argument("--plot", metavar="PNG", help="accuracy-vs-speed plot (matplotlib)")
    b.add_argument("--readme", metavar="PATH",
                   help="write the Markdown summary between PATH's bench markers")
    b.add_argument("--block", default="bench", metavar="NAME",
                   help="the README block --readme writes: <!-- NAME:start --> ... "
                        "<!-- NAME:end --> (default: bench)")
    b.add_argument("--from-json", metavar="PATH",
                   help="render the table / --readme / --plot from a saved --json, no timing")
    b.add_argument("--quiet", action="store_true")
    return b
