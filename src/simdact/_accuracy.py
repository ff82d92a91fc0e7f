"""`python -m simdact accuracy`: the measured accuracy of every function, ISA and dtype.

float32: a compiled sweep (kernels/accuracy.c) of float32 bit patterns through the kernels of
every available ISA against the function's float64 kernel (itself within 2 float64 ULP of
mpmath, tests/test_float64.py), computed once per chunk and shared by the ISAs. The default
sweep takes every 257th pattern (16.7M inputs); --exhaustive takes all 2^32. Parametric and
two-operand functions are swept at every operand tuple of their grid (simdact._grids).
Reported per (function, operands, ISA): max ULP error and the first input where it occurs,
the worst error in the tails (|exact| < 1e-30: tiny and subnormal results), mean ULP error,
the share of correctly rounded results, and a hash of all outputs (equal hashes: bit-identical
ISAs). Rows (softmax, log_softmax): random rows against a float64 formula.
float16 / bfloat16: all 2^16 inputs through the ufunc against the float64 loop.
float64: samples against mpmath, when mpmath is installed.
Special values: NaN, +-inf, +-0, the extreme normals and subnormals and each function's
saturation points, checked against the float64 loop (value within budget, NaN-ness and the sign
of a zero).
Peers: PyTorch's and ONNX Runtime's float32 CPU kernels on the same sweep, when installed.

The exit status is 1 when any measured error exceeds the function's registry budget.
"""
import hashlib
import json
import sys
import time

import numpy as np

import simdact as sa
from . import _core
from ._grids import PARAM_GRID

CHUNK = 4096
DEFAULT_STRIDE = 257          # odd: visits 2^32 / 257 distinct patterns over every binade
F16_ULP_BUDGET = 1.0

# Inputs where functions saturate or change branch (float32 values), checked exactly.
SATURATION = {
    "sigmoid": (16.635532, -87.33655, -88.72284, -103.27893, -103.97208),
    "tanh": (9.010913, -9.010913, 2.0 ** -12),
    "silu": (-87.33655, -103.97208, -110.0),
    "erf": (3.9192059, -3.9192059),
    "gelu": (5.7, -13.0, -14.0),
    "gelu_tanh": (-10.0, -13.0, 5.0),
    "softplus": (20.0, -103.97208, 88.72284),
    "log_sigmoid": (-20.0, 103.97208, 88.72284),
    "mish": (-103.97208, 20.0, 1e10),
    "elu": (-17.32868, -87.33655, -103.97208),
    "selu": (-17.32868, -103.97208),
    "celu": (-17.32868, -103.97208),
    "swish": (-87.33655, -103.97208),
    "hardsigmoid": (-3.0, 3.0),
    "hardswish": (-3.0, 3.0),
    "relu6": (6.0,),
    "hardtanh": (-1.0, 1.0),
}
_F32 = np.finfo(np.float32)
SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, _F32.tiny, -_F32.tiny, _F32.max,
                     -_F32.max, 2.0 ** -149, -(2.0 ** -149), _F32.tiny - 2.0 ** -149,
                     -(_F32.tiny - 2.0 ** -149)], dtype=np.float32)


def _progress(label, done, total, t0, stream=sys.stderr):
    if not stream.isatty() and done < total:
        return
    width = 28
    frac = done / total if total else 1.0
    bar = "#" * int(width * frac) + "." * (width - int(width * frac))
    eta = (time.perf_counter() - t0) * (1 - frac) / frac if frac > 0 else 0.0
    end = "\n" if done >= total else ""
    stream.write(f"\r  {label:<36} [{bar}] {100 * frac:5.1f}%  eta {eta:5.0f}s{end}")
    stream.flush()


def _base(f):
    """Family name of a registry entry (elu for elu_alpha)."""
    suffix = "_" + "_".join(f.params) if f.params else ""
    if f.kind == "param" and suffix and f.name.endswith(suffix):
        return f.name[: -len(suffix)]
    return f.name


def _operand_sets(f):
    if f.kind == "param":
        return [tuple(float(np.float32(v)) for v in ops) for ops in PARAM_GRID[f.name]]
    return [()]


def _sweep(ufunc_name, isas, stride, ops, budget, label, progress, nthreads=0):
    """The whole strided sweep of one entry at one operand tuple, in up to 64 engine calls
    (for the progress bar), merged in chunk order: one record per ISA."""
    count = -(-(2 ** 32) // stride)
    calls = max(1, min(64, count // (CHUNK * 16)))
    step = -(-(-(-count // calls)) // CHUNK) * CHUNK
    acc = None
    t0 = time.perf_counter()
    for k0 in range(0, count, step):
        part = _core._accuracy_sweep(ufunc_name, list(isas), 0, stride, k0,
                                     min(step, count - k0), budget, ops, nthreads)
        acc = part if acc is None else [_merge(a, b) for a, b in zip(acc, part)]
        if progress:
            _progress(label, min(k0 + step, count), count, t0)
    return acc


def _label(name, ops):
    return name + ("(" + ", ".join(f"{o:g}" for o in ops) + ")" if ops else "")


def sweep_f32(f, isas, stride, progress=True, nthreads=0):
    """One record per (operand tuple, ISA) for elementwise function f."""
    out = []
    for ops in _operand_sets(f):
        acc = _sweep(f.name, isas, stride, ops, f.ulp_f32, _label(f.name, ops), progress,
                     nthreads)
        for r in acc:
            n = max(r["n_finite"], 1)
            out.append(dict(
                function=f.name, operands=list(ops), isa=r["isa"], dtype="float32",
                points=int(r["n_finite"]), max_ulp=r["max_err"], at=float(r["worst_x"]),
                at_hex=float(r["worst_x"]).hex(), mean_ulp=r["sum_err"] / n,
                correctly_rounded=r["n_cr"] / n, tail_max_ulp=r["tail_max"],
                tail_points=int(r["n_tail"]), over_budget=int(r["n_over"]),
                budget=f.ulp_f32, hash=f"{r['hash'] & (2 ** 64 - 1):016x}",
                ok=r["n_over"] == 0))
    return out


def _merge(a, b):
    """Later call b after a (chunk order), as the engine merges chunks."""
    m = dict(a)
    if b["max_err"] > a["max_err"] or a["worst_k"] is None:
        for k in ("max_err", "worst_k", "worst_x", "worst_y", "worst_ref"):
            m[k] = b[k]
    if b["max_rel"] > a["max_rel"]:
        m["max_rel"], m["rel_x"] = b["max_rel"], b["rel_x"]
    if b["tail_max"] > a["tail_max"] or (a["n_tail"] == 0 and b["n_tail"] > 0):
        m["tail_max"], m["tail_x"] = b["tail_max"], b["tail_x"]
    for k in ("sum_err", "n_finite", "n_cr", "n_over", "n_tail"):
        m[k] = a[k] + b[k]
    m["hash"] = (a["hash"] + b["hash"]) & (2 ** 64 - 1)
    return m


def sweep_fast(fi, isas, stride, progress=True, nthreads=0):
    """The fast tier: max relative error where |exact| >= FLT_MIN, against the accurate
    function's float64 kernel; bound 2^-bits."""
    ops_sets = [tuple(float(np.float32(v)) for v in ops) for ops in PARAM_GRID[fi.name]] \
        if fi.params else [()]
    out = []
    name = fi.ufunc.__name__
    for ops in ops_sets:
        for r in _sweep(name, isas, stride, ops, float("inf"), _label(name, ops), progress,
                        nthreads):
            rel = r["max_rel"]
            out.append(dict(function=fi.name, tier="fast", operands=list(ops), isa=r["isa"],
                            dtype="float32", points=int(r["n_finite"]), max_rel=rel,
                            max_rel_log2=float(np.log2(rel)) if rel > 0 else -np.inf,
                            at=float(r["rel_x"]), bound_bits=fi.rel_err_bits,
                            hash=f"{r['hash'] & (2 ** 64 - 1):016x}",
                            ok=bool(rel <= 2.0 ** -fi.rel_err_bits)))
    return out


def _ulp(r, emin, mant):
    r = np.abs(np.asarray(r, np.float64))
    with np.errstate(all="ignore"):
        _, e = np.frexp(r)
        e = np.maximum(np.where(r > 0, e.astype(np.int64) - 1, emin), emin)
        return np.where(np.isinf(r), np.inf, np.ldexp(1.0, (e - mant).astype(np.int32)))


def ulp_err(y, ref, dtype, emin, mant):
    """|y - ref| / ulp(ref) in `dtype` ULPs, NaN and overflow rules of the engine."""
    y = np.asarray(y).astype(np.float64)
    ref = np.asarray(ref, np.float64)
    with np.errstate(all="ignore"):
        rt = ref.astype(dtype).astype(np.float64)
        err = np.abs(y - ref) / _ulp(ref, emin, mant)
        ny, nr = np.isnan(y), np.isnan(ref)
        err = np.where(ny | nr, np.where(ny & nr, 0.0, np.inf), err)
        err = np.where(np.isinf(rt) & ~nr, np.where(y == rt, 0.0, np.inf), err)
    return err


def rows_f32(f, isas):
    """softmax / log_softmax on random rows (lengths 1..4096, huge spreads) against float64."""
    rng = np.random.default_rng(7)
    out = []
    rows = []
    for n in (1, 2, 3, 7, 16, 33, 100, 1000, 1024, 4096):
        for scale in (1.0, 30.0, 3e3, 1e-3):
            rows.append((rng.standard_normal((4, n)) * scale).astype(np.float32))
    old = _core.active_isa()
    try:
        for isa in isas:
            _core._testing_select_isa(isa)
            worst, at, h = 0.0, None, 0
            for x in rows:
                y = f.ufunc(x)
                xd = x.astype(np.float64)
                m = xd.max(axis=-1, keepdims=True)
                e = np.exp(xd - m)
                if f.name == "softmax":
                    r = e / e.sum(axis=-1, keepdims=True)
                else:
                    # log(sum) = log1p((c - 1) + T), T over the elements below the max: the
                    # max elements' results (~ -T) keep their relative accuracy
                    top = xd == m
                    t = np.where(top, 0.0, e).sum(axis=-1, keepdims=True)
                    c = top.sum(axis=-1, keepdims=True)
                    r = (xd - m) - np.log1p((c - 1) + t)
                err = ulp_err(y, r, np.float32, -126, 23)
                if err.max() > worst:
                    worst, at = float(err.max()), x.shape[-1]
                # a digest, not hash(): str/bytes hashes are salted per process, and the
                # committed JSON must not change when the same kernels are swept again
                d = int.from_bytes(hashlib.blake2b(y.tobytes(), digest_size=8).digest(), "little")
                h = (h * 1000003 + d) & (2 ** 64 - 1)
            out.append(dict(function=f.name, operands=[], isa=isa, dtype="float32",
                            points=int(sum(r.size for r in rows)), max_ulp=worst,
                            at=f"row length {at}", budget=f.ulp_f32, hash=f"{h:016x}",
                            ok=worst <= f.ulp_f32))
    finally:
        _core._testing_select_isa(old)
    return out


def _half_formats():
    fmts = [("float16", np.float16, -14, 10)]
    if _core.BFLOAT16 is not None:
        fmts.append(("bfloat16", _core.BFLOAT16, -126, 7))
    return fmts


def halves(f):
    """All 2^16 inputs of float16 (and bfloat16) against the float64 loop."""
    out = []
    for name, dt, emin, mant in _half_formats():
        x = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(dt)
        ops = _operand_sets(f)[0]
        with np.errstate(all="ignore"):
            if f.kind == "row":
                x = x[np.isfinite(x.astype(np.float32))][:4096].reshape(4, -1)
            opsd = [np.asarray(o).astype(dt) for o in ops]
            y = f.ufunc(x, *opsd)
            r = f.ufunc(x.astype(np.float64), *[o.astype(np.float64) for o in opsd])
        e = ulp_err(y.astype(np.float32), r, dt, emin, mant)
        i = int(np.argmax(e))
        out.append(dict(function=f.name, operands=list(ops), isa=_core.active_isa(),
                        dtype=name, points=int(e.size), max_ulp=float(e.max()),
                        at=float(x.ravel()[i].astype(np.float32)), budget=F16_ULP_BUDGET,
                        ok=bool(e.max() <= F16_ULP_BUDGET)))
    return out


def specials(f):
    """Special values and saturation points against the float64 loop (value within the
    budget, NaN-ness, and the sign of a zero result)."""
    if f.kind == "row":
        return []
    sat = np.array(SATURATION.get(_base(f), ()), dtype=np.float32)
    x = np.concatenate([SPECIALS, sat, -sat])
    rows = []
    for ops in _operand_sets(f)[:3]:
        with np.errstate(all="ignore"):
            y = f.ufunc(x, *[np.float32(o) for o in ops])
            if f.kind == "unary" and f.params:
                # a default form: its float32 loop runs the defaults rounded to float32 (torch
                # semantics), so the reference is the parametric form at those same values
                full = getattr(sa, f"{f.name}_{'_'.join(f.params)}")
                r = full(x.astype(np.float64), *[float(np.float32(d)) for d in f.defaults])
            else:
                r = f.ufunc(x.astype(np.float64), *ops)
            rt = r.astype(np.float32)  # the exact value rounded: beyond the range it is +-inf
        e = ulp_err(y, r, np.float32, -126, 23)
        for xi, yi, ri, ei in zip(x, y, rt, e):
            zero_ok = not (yi == 0 and ri == 0 and np.signbit(yi) != np.signbit(ri))
            rows.append(dict(function=f.name, operands=list(ops), x=float(xi), y=float(yi),
                             expected=float(ri), ulp=float(ei),
                             ok=bool(ei <= f.ulp_f32 and zero_ok)))
    return rows


def float64_mp(f, n=400):
    """float64 loop against mpmath (50 digits) on samples including tails; None without
    mpmath or without a formula here."""
    try:
        import mpmath
    except ImportError:
        return None
    mp = _mp_formula(f, mpmath)
    if mp is None:
        return None
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(n // 2) * 4, rng.uniform(-750, 750, n // 4),
                        np.geomspace(1e-300, 700, n // 8), -np.geomspace(1e-300, 700, n // 8)])
    out = []
    for ops in _operand_sets(f)[:3]:
        y = f.ufunc(x, *ops)
        with mpmath.workdps(50):
            exact = [mp(mpmath.mpf(float(v)), *[mpmath.mpf(o) for o in ops]) for v in x]
            # |y - exact| in float64 ULPs of the exact value, the difference taken in mpmath
            # (not against exact rounded to float64, which would quantize the error to 0, 1..)
            ulp = _ulp(np.array([float(v) for v in exact]), -1022, 52)
            e = np.array([float(abs(mpmath.mpf(float(yi)) - ex)) if np.isfinite(yi)
                          and mpmath.isfinite(ex) else (0.0 if float(yi) == float(ex) or
                                                        (np.isnan(yi) and mpmath.isnan(ex))
                                                        else np.inf)
                          for yi, ex in zip(y, exact)]) / ulp
        i = int(np.argmax(e))
        out.append(dict(function=f.name, operands=list(ops), isa=_core.active_isa(),
                        dtype="float64", points=int(x.size), max_ulp=float(e[i]),
                        at=float(x[i]), budget=f.ulp_f64, ok=bool(e[i] <= f.ulp_f64)))
    return out


def _mp_formula(f, mp):
    sig = lambda z: 1 / (1 + mp.exp(-z))  # noqa: E731
    phi = lambda z: mp.erfc(-z / mp.sqrt(2)) / 2  # noqa: E731
    gt = lambda x: x * sig(2 * mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x ** 3))  # noqa
    with mp.workdps(50):  # at the default 53 bits they would be rounded: ~1 ULP off in selu
        sa_ = mp.mpf("1.6732632423543772848170429916717")
        ss = mp.mpf("1.0507009873554804934193349852946")
    sp = lambda x: x + mp.log1p(mp.exp(-x)) if x > 0 else mp.log1p(mp.exp(x))  # noqa: E731
    table = {
        "sigmoid": sig, "tanh": mp.tanh, "silu": lambda x: x * sig(x), "erf": mp.erf,
        "gelu": lambda x: x * phi(x), "gelu_tanh": gt,
        "selu": lambda x: ss * (x if x > 0 else sa_ * mp.expm1(x)),
        "mish": lambda x: x * mp.tanh(sp(x)), "log_sigmoid": lambda x: -sp(-x),
        "softsign": lambda x: x / (1 + abs(x)),
        "elu": lambda x: x if x > 0 else mp.expm1(x),
        "elu_alpha": lambda x, a: x if x > 0 else a * mp.expm1(x),
        "swish": lambda x: x * sig(x), "swish_beta": lambda x, b: x * sig(b * x),
        "softplus": lambda x: sp(x) if x <= 20 else x,
        "swiglu": lambda a, b: a * sig(a) * b, "geglu": lambda a, b: a * phi(a) * b,
        "geglu_tanh": lambda a, b: gt(a) * b,
    }
    return table.get(f.name)


def peer_stride(stride):
    return max(4 * stride + 1, 67)


def peer_accuracy(f, stride, peer):
    """A peer's float32 CPU kernel (simdact._peers: PyTorch, ONNX Runtime) on a sparser
    strided sweep (peer_stride(stride): odd, so every exponent and mantissa parity is visited;
    at least 67 so --exhaustive stays in memory) against our float64 loop; None when the peer
    is missing or has no equivalent."""
    from . import _peers
    ps = peer_stride(stride)
    count = -(-(2 ** 32) // ps)
    bits = (np.arange(count, dtype=np.uint64) * np.uint64(ps)).astype(np.uint32)
    x = bits.view(np.float32)
    x = x[np.isfinite(x)]
    try:
        fn = _peers.make(peer, f.name, np.float32, 1, x.shape)
    except _peers.PeerMissing:
        return None
    if fn is None:
        return None
    y = np.empty_like(x)
    with np.errstate(all="ignore"):
        fn(x, y)
        r = f.ufunc(x.astype(np.float64))
    e = ulp_err(y, r, np.float32, -126, 23)
    tail = np.abs(r) < 1e-30
    i = int(np.argmax(e))
    return dict(function=f.name, peer=f"{peer} {_peers.available()[peer]}", points=int(x.size),
                max_ulp=float(e[i]), at=float(x[i]),
                tail_max_ulp=float(e[tail].max()) if tail.any() else 0.0)


def run(names=None, exhaustive=False, stride=None, isas=None, progress=True, peers=True,
        grid_stride=None,
        stream=sys.stdout):
    """Measure; print the tables to `stream`; return the JSON-able report."""
    avail = sa.isa().available
    isas = [i for i in (isas or avail) if i in avail]
    stride = 1 if exhaustive else (stride or DEFAULT_STRIDE)
    # operand grids of parametric and two-operand forms (8 tuples each): the default stride
    # even with --exhaustive, unless --grid-stride says otherwise
    grid_stride = grid_stride or (DEFAULT_STRIDE if exhaustive else stride)
    funcs = [f for f in sa.functions() if names is None or f.name in names or _base(f) in names]
    report = dict(tool="python -m simdact accuracy", simdact=sa.__version__,
                  isas=isas, stride=stride, grid_stride=grid_stride, kernel_hash=getattr(_core, "KERNEL_HASH", None),
                  float32=[], rows=[], halves=[], float64=[], specials=[], peers=[], fast=[])
    for f in funcs:
        if f.kind == "row":
            report["rows"] += rows_f32(f, isas)
        else:
            report["float32"] += sweep_f32(f, isas, grid_stride if f.kind == "param" else stride,
                                           progress)
            if peers and not f.params:
                for peer in ("torch", "onnxruntime"):
                    p = peer_accuracy(f, stride, peer)
                    if p:
                        report["peers"].append(p)
        report["halves"] += halves(f)
        report["specials"] += specials(f)
        r64 = float64_mp(f)
        if r64:
            report["float64"] += r64
    for fi in sa.fast.functions():
        if (names is None or fi.name in names) and fi.kind != "row":
            report["fast"] += sweep_fast(fi, isas, grid_stride if fi.params else stride,
                                         progress)
    print_report(report, stream)
    report["ok"] = _all_ok(report)
    return report


def _all_ok(rep):
    return all(r["ok"] for k in ("float32", "rows", "halves", "float64", "specials", "fast")
               for r in rep[k])


def _ops(r):
    return "(" + ", ".join(f"{o:g}" for o in r["operands"]) + ")" if r["operands"] else ""


def print_report(rep, stream=sys.stdout):
    w = stream.write
    what = "all 2^32 bit patterns" if rep["stride"] == 1 else (
        f"every {rep['stride']}th bit pattern")
    if rep.get("grid_stride") != rep["stride"]:
        what += f" (operand grids: every {rep['grid_stride']}th)"
    w(f"float32: {what} against the float64 kernel; tail = |exact| < 1e-30; CR = correctly "
      f"rounded\n")
    w("(ISAs joined by '=' gave bit-identical outputs: equal hashes of every output)\n")
    w(f"{'function':<30} {'ISAs':<18} {'max ULP':>8} {'at x':>15} {'tail ULP':>9} {'mean':>7} "
      f"{'CR %':>7} {'budget':>7}\n")
    by = {}
    for r in rep["float32"]:
        by.setdefault((r["function"], tuple(r["operands"])), []).append(r)
    for (name, _), rs in by.items():
        # ISAs with the same output hash gave the same bits: one line for them
        groups = {}
        for r in rs:
            groups.setdefault(r["hash"], []).append(r)
        for grp in groups.values():
            r = grp[0]
            isa = "=".join(g["isa"] for g in grp)
            flag = "" if r["ok"] else "  OVER BUDGET"
            w(f"{name + _ops(r):<30} {isa:<18} {r['max_ulp']:>8.4f} {r['at']:>15.8g} "
              f"{r['tail_max_ulp']:>9.4f} {r['mean_ulp']:>7.4f} "
              f"{100 * r['correctly_rounded']:>7.3f} {r['budget']:>7g}"
              f"{'' if len(groups) == 1 else '  ISAs DIFFER'}{flag}\n")
    for r in rep["rows"]:
        w(f"{r['function']:<30} {r['isa']:<18} {r['max_ulp']:>8.4f} {r['at']:>15} "
          f"{'':>9} {'':>7} {'':>7} {r['budget']:>7g}  {'' if r['ok'] else 'OVER BUDGET'}\n")
    if rep["halves"]:
        w(f"\n16-bit formats, all 2^16 inputs, in ULPs of the format (budget {F16_ULP_BUDGET:g})\n")
        for r in rep["halves"]:
            w(f"{r['function'] + _ops(r):<34} {r['dtype']:<9} {r['max_ulp']:>8.4f} at "
              f"{r['at']:<14.6g}{'' if r['ok'] else ' OVER BUDGET'}\n")
    if rep["float64"]:
        w("\nfloat64 against mpmath (50 digits), samples including tails\n")
        for r in rep["float64"]:
            w(f"{r['function'] + _ops(r):<34} {r['max_ulp']:>8.4f} at {r['at']:<24.17g} budget "
              f"{r['budget']:g}{'' if r['ok'] else ' OVER BUDGET'}\n")
    if rep["specials"]:
        bad = [r for r in rep["specials"] if not r["ok"]]
        w(f"\nspecial values and saturation points: {len(rep['specials']) - len(bad)} of "
          f"{len(rep['specials'])} pass\n")
        for r in bad:
            w(f"  FAIL {r['function']}{_ops(r)}({r['x']!r}) = {r['y']!r}, expected "
              f"{r['expected']!r}\n")
    if rep["fast"]:
        w("\nfast tier (simdact.fast): max relative error where |exact| >= FLT_MIN, log2\n")
        for r in rep["fast"]:
            w(f"{r['function'] + _ops(r):<30} {r['isa']:<8} {r['max_rel_log2']:>8.2f} at "
              f"{r['at']:<14.6g} bound -{r['bound_bits']}"
              f"{'' if r['ok'] else '  OVER BOUND'}\n")
    if rep["peers"]:
        w(f"\npeers, float32, every {peer_stride(rep['stride'])}th bit pattern: max ULP / tails "
          "(|exact| < 1e-30), simdact's figures from the sweep above\n")
        ours = {r["function"]: r for r in rep["float32"] if not r["operands"]}
        for p in rep["peers"]:
            o = ours.get(p["function"])
            w(f"{p['function']:<20} {p['peer']:<18} {p['max_ulp']:>12.4g} at {p['at']:<14.6g}"
              f" tails {p['tail_max_ulp']:>12.4g}   simdact {o['max_ulp']:.4f} / "
              f"{o['tail_max_ulp']:.4f}\n" if o else "\n")


def redo_float64(path, stream=sys.stdout):
    """A committed report (--json) with its float64 section measured again by this build, the
    rest kept; printed, returned. Refused unless this build has the report's kernel hash (the
    float32 sweeps stay valid only for those sources) and runs the ISA its float64 section was
    measured on."""
    with open(path) as fh:
        rep = json.load(fh)
    if rep.get("kernel_hash") != getattr(_core, "KERNEL_HASH", None):
        raise SystemExit(f"{path} was measured on kernels {rep.get('kernel_hash')}, this build "
                         f"is {getattr(_core, 'KERNEL_HASH', None)}: run the full sweep")
    isa = {r["isa"] for r in rep["float64"]}
    if isa and isa != {_core.active_isa()}:
        raise SystemExit(f"{path}'s float64 section was measured on {sorted(isa)}, the active "
                         f"ISA is {_core.active_isa()} (SIMDACT_ISA)")
    rep["float64"] = [r for f in sa.functions() if f.kind != "row" for r in float64_mp(f) or []]
    print_report(rep, stream)
    rep["ok"] = _all_ok(rep)
    return rep


def main(args):
    import io
    names = set(args.functions) if args.functions else None
    buf = io.StringIO()
    if args.redo_float64:
        rep = redo_float64(args.redo_float64, stream=buf)
    else:
        rep = run(names, exhaustive=args.exhaustive, stride=args.stride, isas=args.isa,
                  progress=not args.quiet, peers=not args.no_peers, stream=buf,
                  grid_stride=args.grid_stride)
    sys.stdout.write(buf.getvalue())
    if args.readme:
        from ._bench import cpu_model
        from .__main__ import _write_readme_block
        head = (f"{time.strftime('%Y-%m-%d')}, {cpu_model()}, kernel hash "
                f"{rep['kernel_hash']}, simdact {rep['simdact']}\n")
        _write_readme_block(args.readme, "accuracy", head + buf.getvalue())
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rep, fh, indent=1, default=float)
        print(f"wrote {args.json}", file=sys.stderr)
    return 0 if rep["ok"] else 1


def add_parser(sub):
    a = sub.add_parser("accuracy", help="measure every function's error on every ISA and dtype")
    a.add_argument("functions", nargs="*", help="names (default: every function)")
    a.add_argument("--exhaustive", action="store_true", help="all 2^32 float32 inputs")
    a.add_argument("--grid-stride", type=int, default=None,
                   help="stride for the operand grids of parametric / two-operand forms "
                        f"(default: --stride, or {DEFAULT_STRIDE} with --exhaustive)")
    a.add_argument("--stride", type=int, default=None,
                   help=f"pattern stride of the float32 sweep (default {DEFAULT_STRIDE})")
    a.add_argument("--isa", action="append", help="restrict to this ISA (repeatable)")
    a.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    a.add_argument("--redo-float64", metavar="PATH",
                   help="reload a --json report of this kernel hash, measure its float64 "
                        "section again (mpmath samples), keep the rest")
    a.add_argument("--no-peers", action="store_true", help="skip the PyTorch / ONNX Runtime comparison")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.add_argument("--readme", metavar="PATH",
                   help="also write the tables into PATH's accuracy block (README.md)")
    return a

