"""`python -m simdact bench`: simdact against its peers, side by side in one run.

For every function (default parameters), size, thread count and out= mode, on the same arrays:
simdact on every available ISA, the NumPy/SciPy formula a user would write, numexpr, PyTorch's
CPU kernels (aten `.out` ops into preallocated tensors) and ONNX Runtime's CPU provider (a
one-node model per op, io_binding to preallocated buffers), all pinned to the same thread
count, and `np.copyto` as the memory-bandwidth floor. A peer that is not installed is reported
as missing; a peer without the function is reported as "-", never silently dropped.

Timing: each cell is the best of `--repeat` batches, a batch running the call enough times to
last about 20 ms (at least once); ns/element = batch time / calls / elements. GB/s counts one
read and one write per element. ratio/peer: simdact's time over the fastest peer's (< 1 is
faster); ratio/copy: over np.copyto's on the same arrays.

Writes JSON (--json) and an accuracy-vs-speed plot (--plot, needs matplotlib): x = ns/element
at 1M elements on one thread, y = max float32 ULP error on a strided sweep (log scale), one
point per implementation. Benchmarks report; they never fail on a timing.
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
ROW_LENGTHS = (128, 1024, 32768)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _time(call, n_elem, repeat, target=0.02):
    call()                                    # warm-up (allocations, ORT binding, caches)
    t0 = time.perf_counter()
    call()
    once = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, int(target / once))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(reps):
            call()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best * 1e9 / n_elem


def _cases(f, sizes):
    """(label, shape, axis) per size: rows for softmax-like functions."""
    if f.kind != "row":
        return [(lab, (n,), -1) for lab, n in sizes]
    out = []
    for lab, n in sizes:
        for r in ROW_LENGTHS:
            if n >= r:
                out.append((f"{lab} rows of {r}", (n // r, r), -1))
                out.append((f"{lab} rows of {r}, axis 0", (r, n // r), 0))
    return out


def _simdact_call(f, x, out, axis, with_out):
    kw = {"axis": axis} if f.kind == "row" else {}
    if with_out:
        return lambda: f.ufunc(x, out=out, **kw)
    return lambda: f.ufunc(x, **kw)


def bench_function(f, sizes, threads_list, outs, isas, repeat, dtype=np.float32, log=None):
    rows = []
    rng = np.random.default_rng(0)
    for label, shape, axis in _cases(f, sizes):
        n = int(np.prod(shape))
        x = (rng.standard_normal(shape) * 3).astype(dtype)
        out = np.empty_like(x)
        for threads in threads_list:
            for with_out in outs:
                cell = dict(function=f.name, size=label, elements=n, shape=list(shape),
                            axis=axis, threads=threads, out=with_out, dtype=np.dtype(dtype).name,
                            impl={})
                with sa.set_num_threads(threads):
                    old = _core.active_isa()
                    try:
                        for isa in isas:
                            _core._testing_select_isa(isa)
                            cell["impl"][f"simdact[{isa}]"] = _time(
                                _simdact_call(f, x, out, axis, with_out), n, repeat)
                    finally:
                        _core._testing_select_isa(old)
                    for peer in _peers.PEERS:
                        try:
                            fn = _peers.make(peer, f.name, dtype, threads, shape, axis)
                        except _peers.PeerMissing:
                            cell["impl"][peer] = "missing"
                            continue
                        if fn is None:
                            cell["impl"][peer] = None
                            continue
                        call = (lambda fn=fn: fn(x, out)) if with_out else (
                            lambda fn=fn: fn(x, np.empty_like(x)))
                        try:
                            cell["impl"][peer] = _time(call, n, repeat)
                        except Exception as e:       # a peer that fails on this case
                            cell["impl"][peer] = f"error: {type(e).__name__}"
                    copy = (lambda: np.copyto(out, x)) if with_out else (lambda: x.copy())
                    cell["copy"] = _time(copy, n, repeat)
                _ratios(cell)
                rows.append(cell)
                if log:
                    log(cell)
    return rows


def _ratios(cell):
    peers = {k: v for k, v in cell["impl"].items()
             if not k.startswith("simdact") and isinstance(v, float)}
    best_peer = min(peers.items(), key=lambda kv: kv[1]) if peers else (None, None)
    ours = min(v for k, v in cell["impl"].items() if k.startswith("simdact"))
    cell["fastest_peer"], cell["t_peer"] = best_peer
    cell["t_simdact"] = ours
    cell["ratio_peer"] = ours / best_peer[1] if best_peer[1] else None
    cell["ratio_copy"] = ours / cell["copy"]
    itemsize = np.dtype(cell["dtype"]).itemsize
    cell["gbps"] = 2 * itemsize / ours if ours > 0 else None
    # issue 5 target at 1M, 1 thread, out= given: <= max(T_peer / 1.2, 1.05 T_copy)
    if best_peer[1]:
        cell["target"] = max(best_peer[1] / 1.2, 1.05 * cell["copy"])
        cell["target_met"] = ours <= cell["target"]


def _fmt(v):
    if isinstance(v, float):
        return f"{v:8.3f}"
    if v is None:
        return f"{'-':>8}"
    return f"{'missing' if v == 'missing' else 'error':>8}"


def print_table(rows, stream=sys.stdout):
    w = stream.write
    if not rows:
        return
    impls = []
    for r in rows:
        for k in r["impl"]:
            if k not in impls:
                impls.append(k)
    w("ns/element (lower is better); ratio/peer = best simdact / fastest peer, "
      "ratio/copy = best simdact / np.copyto\n")
    head = (f"{'function':<12} {'size':<22} {'thr':>3} {'out':>3} "
            + " ".join(f"{k[:8]:>8}" for k in impls)
            + f" {'copy':>8} {'GB/s':>6} {'r/peer':>6} {'r/copy':>6}")
    w(head + "\n")
    for r in rows:
        rp = f"{r['ratio_peer']:6.2f}" if r.get("ratio_peer") else f"{'-':>6}"
        w(f"{r['function']:<12} {r['size']:<22} {r['threads']:>3} {'yes' if r['out'] else 'no':>3} "
          + " ".join(_fmt(r["impl"].get(k)) for k in impls)
          + f" {r['copy']:8.3f} {r['gbps'] or 0:6.1f} {rp} {r['ratio_copy']:6.2f}\n")


def accuracy_points(funcs, stride=4099):
    """Max float32 ULP error on a strided sweep per implementation, for the plot: simdact from
    the compiled engine, peers through the same callables as the timings."""
    from . import _accuracy
    pts = {}
    count = -(-(2 ** 32) // stride)
    bits = (np.arange(count, dtype=np.uint64) * np.uint64(stride)).astype(np.uint32)
    xs = bits.view(np.float32)
    xs = xs[np.isfinite(xs)]
    for f in funcs:
        if f.kind == "row":
            continue
        rec = _core._accuracy_sweep(f.name, [sa.isa().active], 0, stride, 0, count, f.ulp_f32)
        pts[(f.name, "simdact")] = rec[0]["max_err"]
        with np.errstate(all="ignore"):
            ref = f.ufunc(xs.astype(np.float64))
        for peer in _peers.PEERS:
            try:
                fn = _peers.make(peer, f.name, np.float32, 1, xs.shape)
            except _peers.PeerMissing:
                continue
            if fn is None:
                continue
            y = np.empty_like(xs)
            with np.errstate(all="ignore"):
                fn(xs, y)
            e = _accuracy.ulp_err(y, ref, np.float32, -126, 23)
            pts[(f.name, peer)] = float(np.max(e))
    return pts


def plot(rows, acc, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sel = [r for r in rows if r["elements"] == 1 << 20 and r["threads"] == 1 and r["out"]
           and r["axis"] == -1]
    fig, ax = plt.subplots(figsize=(9, 6))
    markers = {"simdact": "o", "numpy": "s", "numexpr": "^", "torch": "D", "onnxruntime": "v"}
    for r in sel:
        for impl, t in r["impl"].items():
            if not isinstance(t, float):
                continue
            key = "simdact" if impl.startswith("simdact") else impl
            u = acc.get((r["function"], key))
            if u is None:
                continue
            ax.scatter(t, max(u, 0.05), marker=markers.get(key, "x"),
                       color=f"C{list(markers).index(key) if key in markers else 5}",
                       label=key)
            ax.annotate(r["function"], (t, max(u, 0.05)), fontsize=6, alpha=0.7)
    h, l = ax.get_legend_handles_labels()
    uniq = dict(zip(l, h))
    ax.legend(uniq.values(), uniq.keys())
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ns per element (1M float32, 1 thread, out= given)")
    ax.set_ylabel("max error, float32 ULPs (strided sweep, tails included; 0 shown at 0.05)")
    ax.set_title(f"simdact vs peers: accuracy against speed ({cpu_model()})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(args):
    funcs = [f for f in sa.functions()
             if (not args.functions or f.name in args.functions) and f.kind != "param"]
    sizes = [(s, SIZES[s]) for s in (args.sizes.split(",") if args.sizes else SIZES)]
    nmax = os.cpu_count() or 1
    threads = sorted({1, nmax}) if not args.threads else [int(t) for t in args.threads.split(",")]
    outs = [True] if args.out_only else [True, False]
    isas = list(sa.isa().available if not args.isa else args.isa)
    meta = dict(tool="python -m simdact bench", cpu=cpu_model(), machine=platform.machine(),
                simdact=sa.__version__, numpy=np.__version__, peers=_peers.available(),
                kernel_hash=getattr(_core, "KERNEL_HASH", None), isas=isas,
                date=time.strftime("%Y-%m-%d"))
    print(f"CPU: {meta['cpu']}; peers: " + ", ".join(
        f"{k} {v or 'missing'}" for k, v in meta["peers"].items()), file=sys.stderr)
    rows = []
    for f in funcs:
        rows += bench_function(f, sizes, threads, outs, isas, args.repeat,
                               log=(lambda c: print(f"  {c['function']} {c['size']} "
                                                    f"t={c['threads']} out={c['out']}",
                                                    file=sys.stderr)) if not args.quiet else None)
    print_table(rows)
    rep = dict(meta=meta, rows=rows)
    if args.plot:
        acc = accuracy_points(funcs)
        rep["accuracy"] = [dict(function=k[0], impl=k[1], max_ulp=v) for k, v in acc.items()]
        try:
            plot(rows, acc, args.plot)
            print(f"wrote {args.plot}", file=sys.stderr)
        except ImportError:
            print("matplotlib is not installed: no plot", file=sys.stderr)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rep, fh, indent=1)
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def add_parser(sub):
    b = sub.add_parser("bench", help="simdact against NumPy, numexpr, PyTorch, ONNX Runtime")
    b.add_argument("functions", nargs="*", help="names (default: every function)")
    b.add_argument("--sizes", help="comma list of " + ",".join(SIZES) + " (default: all)")
    b.add_argument("--threads", help="comma list of thread counts (default: 1 and all cores)")
    b.add_argument("--isa", action="append", help="restrict simdact to this ISA (repeatable)")
    b.add_argument("--out-only", action="store_true", help="only calls with out= given")
    b.add_argument("--repeat", type=int, default=5)
    b.add_argument("--json", metavar="PATH")
    b.add_argument("--plot", metavar="PNG", help="accuracy-vs-speed plot (matplotlib)")
    b.add_argument("--quiet", action="store_true")
    return b
