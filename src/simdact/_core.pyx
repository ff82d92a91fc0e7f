# cython: language_level=3
"""simdact's compiled core: creates one numpy.ufunc per registry entry (kernels/registry.h).

Every public function is a real ufunc (gufunc "(n)->(n)" for row functions) whose inner loops
are the generic C loops of kernels/loops.c; the ufunc's data pointer is the function's registry
entry, and the kernels behind it were chosen once, here, at import.
"""
import os

cimport numpy as cnp
from numpy cimport PyUFuncGenericFunction, npy_intp

cnp.import_array()
cnp.import_ufunc()

cdef extern from "numpy/ndarraytypes.h":
    enum:
        NPY_HALF
        NPY_FLOAT
        NPY_DOUBLE

cdef extern from "numpy/ufuncobject.h":
    int PyUFunc_RegisterLoopForType(cnp.ufunc ufunc, int usertype, PyUFuncGenericFunction function,
                                    const int *arg_types, void *data) except -1
    object PyUFunc_FromFuncAndDataAndSignature(
        PyUFuncGenericFunction *func, void **data, char *types, int ntypes, int nin, int nout,
        int identity, const char *name, const char *doc, int unused, const char *signature)
    int PyUFunc_None

cdef extern from "dispatch.h":
    ctypedef void (*sa_f32_kernel)(const float *, float *, size_t)
    ctypedef void (*sa_f32_pkernel)(const float *, const float *, size_t, const float *, size_t,
                                    float *, size_t)
    ctypedef struct sa_func_info:
        int id
        const char *name
        int kind
        const char *algo
        double ulp_f32
        double ulp_f64
        int may_overflow
        const char *doc
        int np
        const char *params
        double dflt[2]
        int fwd
        int src
        int tier
        int fast_bits
    enum:
        SA_NFUNC
        SA_NISA
        SA_UNARY
        SA_ROW
        SA_PDEFAULT
        SA_PARAM
        SA_GUNARY
        SA_GPDEFAULT
        SA_GPARAM
        SA_GBIN
        SA_GROW
        SA_ULP_F16
    const sa_func_info sa_funcs[]
    const char *const sa_isa_names[]
    int sa_available_isas()
    int sa_select_isa(int isa)
    int sa_active_isa()
    sa_f32_kernel sa_f32_kernel_for(int id, int isa)
    sa_f32_pkernel sa_f32_pkernel_for(int id, int isa)
    int sa_f64_simd_line(int id)
    int sa_nin(int id)
    int sa_nout(int id)

cdef extern from *:
    """
    #ifndef SA_KERNEL_HASH
    #define SA_KERNEL_HASH "unknown"
    #endif
    static const char *sa_kernel_hash = SA_KERNEL_HASH;
    """
    const char *sa_kernel_hash

cdef extern from "loops.h":
    void sa_loop_unary_f16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_unary_f32(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_unary_f64(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_unary_bf16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_param_bf16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_row_bf16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_param_f16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_param_f32(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_param_f64(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_row_f16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_row_f32(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_row_f64(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_grad_f16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_grad_f32(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_grad_f64(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_grad_bf16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_rgrad_f16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_rgrad_f32(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_rgrad_f64(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_loop_rgrad_bf16(char **, const npy_intp *, const npy_intp *, void *) noexcept nogil
    void sa_set_num_threads(int n)
    int sa_get_num_threads_setting()
    int sa_get_num_threads()
    int sa_has_openmp()
    npy_intp sa_set_parallel_threshold(npy_intp n)
    npy_intp sa_get_parallel_threshold()
    int sa_max_team_seen(int reset)
    void sa_loops_init()
    void sa_loops_refresh_isa()
    long sa_debug_swap_mxcsr(long value)
    long sa_debug_get_mxcsr()

# Loop tables, type tables and data pointers must outlive every ufunc: module-level statics.
# Loop order e, f, d: NumPy picks the first loop the inputs cast to safely (ints land on d).
cdef PyUFuncGenericFunction unary_loops[3]
cdef PyUFuncGenericFunction row_loops[3]
cdef PyUFuncGenericFunction param_loops[3]
cdef PyUFuncGenericFunction grad_loops[3]
cdef PyUFuncGenericFunction rgrad_loops[3]
cdef char loop_types[6]
cdef char param2_types[9]
cdef char param3_types[12]
cdef char nargs_types[6][18]    # nargs_types[k]: k arguments of one type, per loop (e, f, d)
cdef void *loop_data[SA_NFUNC][3]
cdef list _keepalive = []

unary_loops[0] = <PyUFuncGenericFunction>sa_loop_unary_f16
unary_loops[1] = <PyUFuncGenericFunction>sa_loop_unary_f32
unary_loops[2] = <PyUFuncGenericFunction>sa_loop_unary_f64
row_loops[0] = <PyUFuncGenericFunction>sa_loop_row_f16
row_loops[1] = <PyUFuncGenericFunction>sa_loop_row_f32
row_loops[2] = <PyUFuncGenericFunction>sa_loop_row_f64
param_loops[0] = <PyUFuncGenericFunction>sa_loop_param_f16
param_loops[1] = <PyUFuncGenericFunction>sa_loop_param_f32
param_loops[2] = <PyUFuncGenericFunction>sa_loop_param_f64
grad_loops[0] = <PyUFuncGenericFunction>sa_loop_grad_f16
grad_loops[1] = <PyUFuncGenericFunction>sa_loop_grad_f32
grad_loops[2] = <PyUFuncGenericFunction>sa_loop_grad_f64
rgrad_loops[0] = <PyUFuncGenericFunction>sa_loop_rgrad_f16
rgrad_loops[1] = <PyUFuncGenericFunction>sa_loop_rgrad_f32
rgrad_loops[2] = <PyUFuncGenericFunction>sa_loop_rgrad_f64
for _j, _t in enumerate((NPY_HALF, NPY_FLOAT, NPY_DOUBLE)):
    for _n in range(6):
        for _k in range(_n):
            nargs_types[_n][_n * _j + _k] = _t
    for _k in range(3):
        param2_types[3 * _j + _k] = _t
    for _k in range(4):
        param3_types[4 * _j + _k] = _t
loop_types[0] = NPY_HALF
loop_types[1] = NPY_HALF
loop_types[2] = NPY_FLOAT
loop_types[3] = NPY_FLOAT
loop_types[4] = NPY_DOUBLE
loop_types[5] = NPY_DOUBLE

# sha256 prefix of the kernel sources this extension was built from (setup.py)
KERNEL_HASH = sa_kernel_hash.decode()
ISA_NAMES = tuple(sa_isa_names[i].decode() for i in range(SA_NISA))
ULP_F16 = float(SA_ULP_F16)


def available_isas():
    """The ISA levels this CPU (CPUID) and OS (XGETBV) support, lowest first."""
    cdef int mask = sa_available_isas()
    return tuple(ISA_NAMES[i] for i in range(SA_NISA) if (mask >> i) & 1)


def active_isa():
    return ISA_NAMES[sa_active_isa()]


def _choose_isa():
    avail = available_isas()
    forced = os.environ.get("SIMDACT_ISA", "").strip().lower()
    if forced:
        if forced not in ISA_NAMES:
            raise ValueError(
                f"SIMDACT_ISA={forced!r} is not an ISA level simdact knows; "
                f"use one of {', '.join(ISA_NAMES)}")
        if forced not in avail:
            raise RuntimeError(
                f"SIMDACT_ISA={forced!r} was requested but this CPU/OS supports only "
                f"{', '.join(avail)}")
        name = forced
    else:
        name = avail[-1]
    if sa_select_isa(ISA_NAMES.index(name)) != 0:
        raise RuntimeError(f"simdact could not select ISA {name!r}")


_choose_isa()
sa_loops_init()


def _docstring(name, formula, kind, algo, ulp_f32, ulp_f64, params, defaults):
    if kind == SA_ROW:
        shape = ("A generalized ufunc with signature (n)->(n): it works along one axis (`axis=`, "
                 "default the last) and broadcasts over the others.")
    elif kind == SA_PARAM:
        shape = (f"A numpy.ufunc of x and {', '.join(params)}: the operands broadcast against "
                 f"each other (a per-channel parameter is an array, a shared one a scalar).")
    else:
        shape = "An elementwise numpy.ufunc: broadcasting, out=, where=, dtype= come from NumPy."
        if params:
            shape += (" Parameters at their defaults: " +
                      ", ".join(f"{p}={d:g}" for p, d in zip(params, defaults)) + ".")
    return (f"{formula}\n\n{shape}\n\n"
            f"Loops: float16, float32, float64 (other inputs are cast; integers use float64).\n"
            f"Accuracy (max error vs a float64 reference): float32 {ulp_f32:g} ULP, "
            f"float64 {ulp_f64:g} ULP, float16 {ULP_F16:g} ULP.\n"
            f"Float32 algorithm: {algo}.\n")


def _grad_docstring(name, fwd, src, kind, algo, ulp_f32, ulp_f64, params, defaults, nout):
    v = "y" if src else "x"
    ops = ", ".join(("dy", v) + params)
    if kind == SA_GROW:
        what = (f"The backward pass of {fwd} along the last axis: dx = J^T dy, J the Jacobian "
                f"of {fwd} at the row" + (" whose output is y" if src else " x") + ".")
        shape = "A generalized ufunc with signature (n),(n)->(n) (`axes=` picks other axes)."
        acc = (f"Accuracy: component i within {ulp_f32:g} * 2^-24 * (the size of its terms) in "
               f"float32, {ulp_f64:g} * 2^-53 * (the same) in float64 (see registry.h).")
    else:
        res = "dx, dp" if nout == 2 else "dx"
        what = (f"{name}({ops}) -> {res}: the backward pass of {fwd}, dx = dy * {fwd}'"
                + ("(x) written in the output y = " + fwd + "(x)." if src else "(x)."))
        if nout == 2:
            what += (f" dp = dy * d{fwd}/d{params[0]} elementwise; a parameter's gradient is "
                     f"its sum over the broadcast axes (e.g. dp.sum(axis=...)).")
        shape = "An elementwise numpy.ufunc: broadcasting, out=, where=, dtype= come from NumPy."
        if defaults:
            shape += (" Parameters at their defaults: " +
                      ", ".join(f"{p}={d:g}" for p, d in zip(params, defaults)) + ".")
        acc = (f"Accuracy: within {ulp_f32:g} float32 ULP + 4 * 2^-24 * (sum of |terms| of the "
               f"derivative formula) of a float64 reference; float64 {ulp_f64:g} ULP + the same "
               f"with 2^-53.")
    return (f"{what}\n\n{shape}\n\nLoops: float16, float32, float64.\n{acc}\n"
            f"Float32 algorithm: {algo}.\n")


def _fast_docstring(fwd, formula, kind, algo, bits, params):
    ops = ", ".join(("x (n)" if kind == SA_ROW else "x",) + params)
    return (f"{fwd}_fast({ops}): the fast tier of simdact.{fwd}. {formula}\n\n"
            f"Relative error <= 2^-{bits} wherever the exact result is >= the smallest normal "
            f"float32 (within 2^-126 of it below), on every finite float32 input; "
            f"NaN, +-inf and +-0 as simdact.{fwd}. float64 inputs use the accurate float64 "
            f"kernel.\nFloat32 algorithm: {algo}.\n")


_KIND_NAMES = {SA_UNARY: "unary", SA_ROW: "row", SA_PDEFAULT: "unary", SA_PARAM: "param",
               SA_GUNARY: "grad", SA_GPDEFAULT: "grad", SA_GPARAM: "grad", SA_GBIN: "grad",
               SA_GROW: "grad_row"}


def _make_ufuncs():
    cdef int i, nin, nout
    cdef const sa_func_info *f
    cdef const sa_func_info *fw
    cdef PyUFuncGenericFunction *loops
    cdef char *types
    cdef const char *signature
    out = {}
    for i in range(SA_NFUNC):
        f = &sa_funcs[i]
        for j in range(3):
            loop_data[i][j] = <void *>f
        name = f.name.decode()
        grad = f.kind >= SA_GUNARY
        fw = &sa_funcs[f.fwd] if (grad or f.tier) else f
        params = tuple(p for p in fw.params.decode().split("_") if p) if fw.np else ()
        if f.kind in (SA_PDEFAULT, SA_GPDEFAULT):
            defaults = tuple([fw.dflt[k] for k in range(fw.np)])
        else:
            defaults = ()
        nin = sa_nin(i)
        nout = sa_nout(i)
        if grad:
            fwd = fw.name.decode()
            doc = _grad_docstring(name, fwd, f.src, f.kind, f.algo.decode(), f.ulp_f32,
                                  f.ulp_f64, params if f.kind in (SA_GPARAM, SA_GBIN) else (),
                                  defaults, nout).encode()
        elif f.tier:
            fwd = fw.name.decode()
            doc = _fast_docstring(fwd, fw.doc.decode(), f.kind, f.algo.decode(), f.fast_bits,
                                  params).encode()
        else:
            fwd = None
            doc = _docstring(name, f.doc.decode(), f.kind, f.algo.decode(), f.ulp_f32,
                             f.ulp_f64, params, defaults).encode()
        _keepalive.append(doc)
        signature = NULL
        types = &nargs_types[nin + nout][0]
        if f.kind == SA_ROW:
            loops = &row_loops[0]
            signature = b"(n)->(n)"
        elif f.kind == SA_PARAM:
            loops = &param_loops[0]
        elif f.kind == SA_GROW:
            loops = &rgrad_loops[0]
            signature = b"(n),(n)->(n)"
        elif grad:
            loops = &grad_loops[0]
        else:
            loops = &unary_loops[0]
        uf = PyUFunc_FromFuncAndDataAndSignature(
            loops, loop_data[i], types, 3, nin, nout, PyUFunc_None, f.name, doc, 0, signature)
        try:   # NumPy >= 2.2: pickle finds <module>.<name> directly
            uf.__module__ = "simdact.fast" if f.tier else "simdact"
        except (AttributeError, TypeError):
            pass
        out[name] = dict(ufunc=uf, kind=_KIND_NAMES[f.kind],
                         doc=(fw.doc if f.tier else f.doc).decode(),
                         tier="fast" if f.tier else "accurate", fast_bits=f.fast_bits,
                         algorithm=f.algo.decode(), ulp_f32=f.ulp_f32, ulp_f64=f.ulp_f64,
                         may_overflow=bool(f.may_overflow), params=params, defaults=defaults,
                         forward=fwd if grad else None, base=fwd if f.tier else name,
                         from_output=bool(grad and f.src),
                         op_params=params if f.kind in (SA_PARAM, SA_GPARAM, SA_GBIN) else ())
    return out


UFUNCS = _make_ufuncs()


def _register_bfloat16():
    """Loops for ml_dtypes.bfloat16 on every ufunc, when ml_dtypes is installed (the optional
    `bf16` extra): compute in float32, round once to bfloat16 (nearest even, subnormals kept).
    Returns the bfloat16 dtype, or None without ml_dtypes."""
    try:
        import ml_dtypes
    except ImportError:
        return None
    import numpy as np
    cdef int bf16 = np.dtype(ml_dtypes.bfloat16).num
    cdef int argtypes[4]
    cdef int i, k, nargs
    cdef PyUFuncGenericFunction loop
    cdef const sa_func_info *f
    for i in range(SA_NFUNC):
        f = &sa_funcs[i]
        uf = UFUNCS[f.name.decode()]["ufunc"]
        if f.kind == SA_ROW:
            loop = <PyUFuncGenericFunction>sa_loop_row_bf16
        elif f.kind == SA_GROW:
            loop = <PyUFuncGenericFunction>sa_loop_rgrad_bf16
        elif f.kind >= SA_GUNARY:
            loop = <PyUFuncGenericFunction>sa_loop_grad_bf16
        elif f.kind == SA_PARAM:
            loop = <PyUFuncGenericFunction>sa_loop_param_bf16
        else:
            loop = <PyUFuncGenericFunction>sa_loop_unary_bf16
        nargs = uf.nin + uf.nout
        for k in range(nargs):
            argtypes[k] = bf16
        PyUFunc_RegisterLoopForType(uf, bf16, loop, argtypes, <void *>f)
    return np.dtype(ml_dtypes.bfloat16)


BFLOAT16 = _register_bfloat16()


# ------------------------------------------------------------------ threads
def set_num_threads(int n):
    sa_set_num_threads(n)


def get_num_threads_setting():
    return sa_get_num_threads_setting()


def get_num_threads():
    return sa_get_num_threads()


def has_openmp():
    return bool(sa_has_openmp())


def _set_parallel_threshold(npy_intp n):
    """Testing/tuning hook: work (elements) below which calls stay on one thread.
    Returns the previous value."""
    return sa_set_parallel_threshold(n)


def _get_parallel_threshold():
    return sa_get_parallel_threshold()


def _max_team_seen(bint reset=False):
    """Largest OpenMP team a simdact loop has run since the last reset."""
    return sa_max_team_seen(reset)


def _swap_mxcsr(long value):
    """Tests only: set the calling thread's MXCSR, return the old value (-1: not x86)."""
    return sa_debug_swap_mxcsr(value)


def _f64_simd_functions():
    """The functions whose float64 loop has SIMD kernels of its own on avx2 / avx512
    (registry.h SA_F64V / SA_F64VP lines, read back from the dispatch table), whether or not this
    build compiled them in (a portable build lists them too: its tests then check the portable
    kernels on the same samples). Fast tiers are left out (they run their forward's)."""
    return [sa_funcs[i].name.decode() for i in range(SA_NFUNC)
            if sa_funcs[i].tier == 0 and sa_f64_simd_line(i)
            and sa_funcs[i].kind in (SA_UNARY, SA_ROW, SA_PDEFAULT, SA_PARAM)]


def _testing_select_isa(name):
    """Tests only: make ISA `name` the active one for every ufunc of this process and return
    the previous one's name. The ISA is otherwise chosen once at import; tests use this to run
    the public ufuncs on each ISA in one process (restore the old one afterwards)."""
    if name not in ISA_NAMES:
        raise ValueError(f"unknown ISA {name!r}")
    old = active_isa()
    if sa_select_isa(ISA_NAMES.index(name)) != 0:
        raise RuntimeError(f"ISA {name!r} is not available on this CPU")
    sa_loops_refresh_isa()
    return old


def _kernel_f32(name, isa, cnp.ndarray x, *operands):
    """Run one ISA's float32 kernel directly on a contiguous 1-D float32 array (a row for row
    functions); a parametric function takes its operands as float32 scalars or arrays of x's
    length. For tests that compare ISAs bit for bit in one process; the public ufuncs always
    use the ISA chosen at import."""
    cdef int i, k
    cdef sa_f32_kernel fn = NULL
    cdef sa_f32_pkernel pfn = NULL
    cdef const sa_func_info *f
    cdef cnp.ndarray y, p, q
    cdef size_t ps = 0, qs = 0
    import numpy as np
    names = [sa_funcs[k].name.decode() for k in range(SA_NFUNC)]
    if name not in names:
        raise KeyError(name)
    if isa not in ISA_NAMES:
        raise ValueError(f"unknown ISA {isa!r}")
    i = names.index(name)
    f = &sa_funcs[i]
    if x.dtype != np.float32 or not x.flags.c_contiguous or x.ndim != 1:
        raise TypeError("x must be a 1-D contiguous float32 array")
    if f.kind == SA_PARAM:
        if len(operands) != f.np:
            raise TypeError(f"{name} takes {f.np} operand(s) after x")
        ops = []
        for o in operands:
            a = np.asarray(o, dtype=np.float32)
            if a.ndim == 1:
                a = np.ascontiguousarray(a)
            if a.ndim == 0:
                a = a.reshape(1)
                ops.append((a, 0))
            elif a.shape == (x.shape[0],):
                ops.append((a, 1))
            else:
                raise ValueError("operands must be scalars or arrays of x's length")
        if f.np == 1:
            ops.append((np.zeros(1, np.float32), 0))
        p, ps = ops[0]
        q, qs = ops[1]
    elif f.kind == SA_PDEFAULT:
        p = np.array([f.dflt[0]], np.float32)
        q = np.array([f.dflt[1]], np.float32)
    elif operands:
        raise TypeError(f"{name} takes no operands after x")
    if f.kind == SA_PARAM or f.kind == SA_PDEFAULT:
        pfn = sa_f32_pkernel_for(i, ISA_NAMES.index(isa))
        if pfn == NULL:
            raise RuntimeError(f"ISA {isa!r} is not available on this CPU")
    else:
        fn = sa_f32_kernel_for(i, ISA_NAMES.index(isa))
        if fn == NULL:
            raise RuntimeError(f"ISA {isa!r} is not available on this CPU")
    y = np.empty_like(x)
    old = sa_debug_get_mxcsr()
    if pfn != NULL:
        pfn(<const float *>cnp.PyArray_DATA(x), <const float *>cnp.PyArray_DATA(p), ps,
            <const float *>cnp.PyArray_DATA(q), qs, <float *>cnp.PyArray_DATA(y),
            <size_t>x.shape[0])
    else:
        fn(<const float *>cnp.PyArray_DATA(x), <float *>cnp.PyArray_DATA(y), <size_t>x.shape[0])
    if old != -1:
        sa_debug_swap_mxcsr(old)     # drop whatever flags the kernel raised
    return y


# ------------------------------------------------------------------ accuracy engine
cdef extern from "accuracy.h":
    ctypedef unsigned long long uint64_t
    ctypedef struct sa_acc_stats:
        double max_err
        uint64_t worst_k
        float worst_x
        float worst_y
        double worst_ref
        double tail_max
        float tail_x
        uint64_t n_tail
        double max_rel
        float rel_x
        double sum_err
        uint64_t n_finite
        uint64_t n_cr
        uint64_t n_over
        uint64_t hash
    int sa_acc_sweep(int id, const float *ops, const int *isas, int nisa, uint64_t start,
                     uint64_t stride, uint64_t k0, uint64_t count, double budget, int nthreads,
                     sa_acc_stats *out) nogil


def _accuracy_sweep(name, isas, unsigned long long start, unsigned long long stride,
                    unsigned long long k0, unsigned long long count, double budget,
                    ops=(), int nthreads=0):
    """The compiled sweep of `python -m simdact accuracy` (kernels/accuracy.c): float32 patterns
    start + k * stride (mod 2^32), k in [k0, k0 + count) (k0 a multiple of 4096), through the
    float32 kernels of `isas` against the entry's float64 kernel. Returns one dict per ISA."""
    cdef int ids[3]
    cdef sa_acc_stats res[3]
    cdef float fops[2]
    cdef int i, rc, fid, nisa = len(isas)
    names = [sa_funcs[i].name.decode() for i in range(SA_NFUNC)]
    if name not in names:
        raise KeyError(name)
    fid = names.index(name)
    if not 1 <= nisa <= 3:
        raise ValueError("one to three ISAs")
    if k0 % 4096:
        raise ValueError("k0 must be a multiple of 4096")
    for i in range(nisa):
        if isas[i] not in ISA_NAMES:
            raise ValueError(f"unknown ISA {isas[i]!r}")
        ids[i] = ISA_NAMES.index(isas[i])
    fops[0] = ops[0] if len(ops) > 0 else 0.0
    fops[1] = ops[1] if len(ops) > 1 else 0.0
    old = sa_debug_get_mxcsr()
    with nogil:
        rc = sa_acc_sweep(fid, fops, ids, nisa, start, stride, k0, count, budget, nthreads, res)
    if old != -1:
        sa_debug_swap_mxcsr(old)
    if rc == -1:
        raise ValueError(f"{name}: not an elementwise float32 function")
    if rc == -2:
        raise RuntimeError("an ISA is not available on this CPU")
    if rc == -3:
        raise MemoryError()
    out = []
    for i in range(nisa):
        r = res[i]
        out.append(dict(isa=isas[i], max_err=r.max_err,
                        worst_k=None if r.worst_k == 0xFFFFFFFFFFFFFFFF else r.worst_k,
                        worst_x=r.worst_x, worst_y=r.worst_y, worst_ref=r.worst_ref,
                        tail_max=r.tail_max, tail_x=r.tail_x, n_tail=r.n_tail,
                        max_rel=r.max_rel, rel_x=r.rel_x,
                        sum_err=r.sum_err, n_finite=r.n_finite, n_cr=r.n_cr, n_over=r.n_over,
                        hash=r.hash))
    return out
