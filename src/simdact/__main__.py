"""python -m simdact info | demo | threads | docs"""
import argparse
import contextlib
import io
import platform
import sys
import time

import numpy as np

import simdact as sa
from simdact._bench import cpu_model


def _numpy_formulas():
    """Plain NumPy formulas a user would write without simdact (float32 in, float32 out)."""
    f32 = np.float32

    def sigmoid(x):
        return (f32(1) / (f32(1) + np.exp(-x))).astype(np.float32)

    def silu(x):
        return x * sigmoid(x)

    def gelu_tanh(x):
        c = f32(np.sqrt(2 / np.pi))
        return f32(0.5) * x * (f32(1) + np.tanh(c * (x + f32(0.044715) * x * x * x)))

    def softmax(x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def log_softmax(x):
        d = x - x.max(axis=-1, keepdims=True)
        return d - np.log(np.exp(d).sum(axis=-1, keepdims=True))

    forms = {"relu": lambda x: np.maximum(x, f32(0)), "sigmoid": sigmoid, "tanh": np.tanh,
             "silu": silu, "gelu_tanh": gelu_tanh, "softmax": softmax,
             "log_softmax": log_softmax}
    try:
        from scipy import special
        forms["erf"] = special.erf
        forms["gelu"] = lambda x: (f32(0.5) * x * special.erfc(-x / f32(np.sqrt(2)))
                                   ).astype(np.float32)
    except ImportError:
        pass
    return forms


def _best_time(fn, repeat):
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def cmd_info(args):
    info = sa.isa()
    print(f"simdact {sa.__version__}  ISA: {info.active}  (available: {', '.join(info.available)})")
    print(f"threads: {sa.get_num_threads()}  OpenMP: {sa._core.has_openmp()}  "
          f"parallel threshold: {sa._core._get_parallel_threshold()} elements")
    print(f"{'function':<24} {'kind':<6} {'algorithm':<20} {'f32 ULP':>8} {'f64 ULP':>8} "
          f"{'f16 ULP':>8}")
    for f in sa.functions():
        print(f"{f.name:<24} {f.kind:<6} {f.algorithm:<20} {f.ulp_f32:>8g} {f.ulp_f64:>8g} "
              f"{f.ulp_f16:>8g}")
    print(f"\n{'backward':<40} {'operands':<16} {'algorithm':<20} {'f32 A':>6} {'f64 A':>6}")
    for g in sa.gradients():
        ops = ", ".join(("dy", "y" if g.from_output else "x") + tuple(g.params))
        print(f"{g.name:<40} {ops:<16} {g.algorithm:<20} {g.ulp_f32:>6g} {g.ulp_f64:>6g}")


def cmd_demo(args):
    """A short timing demo: simdact vs the plain NumPy formula, float32, out= given.
    (The full peer benchmark is a separate tool.)"""
    cmd_info(args)
    rng = np.random.default_rng(0)
    n = args.size
    x = (rng.standard_normal(n) * 3).astype(np.float32)
    rows = x.reshape(-1, 1024) if n % 1024 == 0 else x.reshape(1, -1)
    out = np.empty_like(x)
    forms = _numpy_formulas()
    threads = sorted({1, sa.get_num_threads()})
    print(f"\nfloat32, n = {n}, best of {args.repeat}; ns per element "
          f"(softmax: rows of {rows.shape[-1]})")
    hdr = f"{'function':<24}" + "".join(f" {'simdact/' + str(t) + 't':>12}" for t in threads)
    print(hdr + f" {'numpy':>10} {'speedup':>8}")
    for f in sa.functions():
        arg = rows if f.kind == "row" else x
        # parametric forms: one per-element operand array per parameter (0.5 everywhere)
        ops = [np.full_like(x, 0.5)] * len(f.params) if f.kind == "param" else []
        o = out.reshape(arg.shape)
        ts = []
        for t in threads:
            with sa.set_num_threads(t):
                ts.append(_best_time(lambda: f.ufunc(arg, *ops, out=o), args.repeat) / n * 1e9)
        ref = forms.get(f.name)
        if ref is not None:
            with np.errstate(all="ignore"):
                tn = _best_time(lambda: ref(arg), args.repeat) / n * 1e9
            tail = f" {tn:>10.3f} {tn / min(ts):>7.1f}x"
        else:
            tail = f" {'-':>10} {'':>8}"
        print(f"{f.name:<24}" + "".join(f" {t:>12.3f}" for t in ts) + tail)
    tc = _best_time(lambda: np.copyto(out, x), args.repeat) / n * 1e9
    print(f"{'np.copyto':<24} {tc:>12.3f}   (memory bandwidth floor)")


def cmd_threads(args):
    """Measure where an OpenMP team starts to pay: for each function and size, the best time on
    one thread and on all threads (the parallel threshold forced to 1 for the latter). The
    default threshold in kernels/loops.c is the smallest size at which every function is at
    least as fast with the team."""
    nt = sa.get_num_threads()
    if nt < 2 or not sa._core.has_openmp():
        print("only one thread available: nothing to measure")
        return
    sizes = [1 << k for k in range(10, 19)]
    rng = np.random.default_rng(0)
    print(f"time on {nt} threads / time on 1 thread, float32 (below 1: the team is faster)")
    print(f"{'function':<24}" + "".join(f" {n:>9}" for n in sizes))
    old = sa._core._set_parallel_threshold(1)
    first_ok = {}
    try:
        for f in sa.functions():
            cells = []
            for n in sizes:
                x = (rng.standard_normal(n) * 3).astype(np.float32)
                ops = [np.full_like(x, 0.5)] * len(f.params) if f.kind == "param" else []
                if f.kind == "row":
                    x = x.reshape(-1, 128)
                o = np.empty_like(x)
                with sa.set_num_threads(1):
                    t1 = _best_time(lambda: f.ufunc(x, *ops, out=o), args.repeat)
                with sa.set_num_threads(nt):
                    tn = _best_time(lambda: f.ufunc(x, *ops, out=o), args.repeat)
                cells.append(tn / t1)
            ok = [n for n, r in zip(sizes, cells) if r <= 1.0]
            first_ok[f.name] = ok[0] if ok else None
            print(f"{f.name:<24}" + "".join(f" {r:>9.2f}" for r in cells))
    finally:
        sa._core._set_parallel_threshold(old)
    worst = max((v for v in first_ok.values() if v is not None), default=None)
    print(f"smallest size where every function gains from the team: {worst} "
          f"(current threshold {old})")


def cmd_docs(args):
    """Render docs/functions.md from src/simdact/_docs.py and the live registry: print it, or
    write it to --write PATH."""
    from . import _docs
    try:
        text = _docs.render(sa.functions(), sa.gradients())
    except ValueError as e:
        raise SystemExit(f"python -m simdact docs: {e}")
    if args.write:
        with open(args.write, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"wrote {args.write}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _write_readme_block(path, name, text):
    """Replace the text between <!-- NAME:start --> and <!-- NAME:end --> in `path`."""
    begin, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    with open(path) as f:
        doc = f.read()
    if begin not in doc or end not in doc:
        raise SystemExit(f"{path} has no {begin} ... {end} block")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    block = (f"{begin}\n<!-- generated by `python -m simdact {name} --readme`; do not edit -->\n"
             f"```\n{text.rstrip()}\n```\n{end}")
    with open(path, "w") as f:
        f.write(head + block + tail)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m simdact")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("info", help="ISA, threads and the function registry")
    d = sub.add_parser("demo", help="short timing demo against plain NumPy formulas")
    d.add_argument("--size", type=int, default=1 << 20)
    d.add_argument("--repeat", type=int, default=20)
    d.add_argument("--readme", metavar="PATH",
                   help="also write the output into PATH's demo block (README.md)")
    t = sub.add_parser("threads", help="measure the size where threads start to pay")
    t.add_argument("--repeat", type=int, default=200)
    o = sub.add_parser("docs", help="render docs/functions.md from _docs.py and the registry")
    o.add_argument("--write", metavar="PATH", help="write the page to PATH instead of printing")
    from . import _accuracy, _bench
    _accuracy.add_parser(sub)
    _bench.add_parser(sub)
    args = p.parse_args(argv)
    if args.cmd == "accuracy":
        return _accuracy.main(args)
    if args.cmd == "bench":
        return _bench.main(args)
    run = {"info": cmd_info, "demo": cmd_demo, "threads": cmd_threads, "docs": cmd_docs}[args.cmd]
    if getattr(args, "readme", None):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            print(f"CPU: {cpu_model()}, {platform.system()} {platform.machine()}, "
                  f"numpy {np.__version__}, {time.strftime('%Y-%m-%d')}")
            run(args)
        sys.stdout.write(buf.getvalue())
        _write_readme_block(args.readme, args.cmd, buf.getvalue())
    else:
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
