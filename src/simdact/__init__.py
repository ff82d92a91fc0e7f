"""simdact: activation functions as real NumPy ufuncs, with hand-written AVX2/AVX-512 kernels.

    >>> import numpy as np, simdact as sa
    >>> x = np.linspace(-4, 4, 9, dtype=np.float32)
    >>> y = sa.gelu(x)                 # a numpy.ufunc: broadcasting, out=, where=, dtype=
    >>> p = sa.softmax(x)              # gufunc (n)->(n); axis= picks the axis

The ISA is chosen once at import (the best this CPU supports); SIMDACT_ISA=scalar|avx2|avx512
forces one. Every function, its kind, algorithm and accuracy budget: simdact.functions().
"""
from collections import namedtuple as _namedtuple

from . import _core

__version__ = "0.1.0"

IsaInfo = _namedtuple("IsaInfo", "active available")
FunctionInfo = _namedtuple(
    "FunctionInfo",
    "name kind signature params defaults doc algorithm ulp_f32 ulp_f64 ulp_f16 may_overflow ufunc")
FunctionInfo.__doc__ = """One registry entry. kind: 'unary' (y = f(x); params then lists the
parameters fixed at their defaults), 'row' (gufunc (n)->(n)) or 'param' (y = f(x, *params),
the parameters being broadcastable operands)."""
GradientInfo = _namedtuple(
    "GradientInfo",
    "name forward from_output kind signature nin nout params defaults algorithm ulp_f32 "
    "ulp_f64 ufunc")
GradientInfo.__doc__ = """One backward ufunc. forward: the name of the forward ufunc it
differentiates; from_output: its second operand is the forward's output y (else x); kind
'grad' (elementwise: (dy, x, *params) -> dx, or (dx, dp) when nout == 2) or 'grad_row' (gufunc
(n),(n)->(n)); params: parameter operands after x (defaults: the fixed values of a default
form). Budgets: see kernels/registry.h (ULPs + a term allowance; rows: the constant c)."""


def isa():
    """The active ISA level and every level this CPU and OS support, e.g.
    IsaInfo(active='avx512', available=('scalar', 'avx2', 'avx512'))."""
    return IsaInfo(_core.active_isa(), _core.available_isas())


def _build_registry():
    infos, grads = [], []
    for name, e in _core.UFUNCS.items():
        globals()[name] = e["ufunc"]
        if e["tier"] == "fast":
            continue
        if e["forward"] is not None:
            grads.append(GradientInfo(
                name=name, forward=e["forward"], from_output=e["from_output"], kind=e["kind"],
                signature=e["ufunc"].signature, nin=e["ufunc"].nin, nout=e["ufunc"].nout,
                params=e["op_params"], defaults=e["defaults"], algorithm=e["algorithm"],
                ulp_f32=e["ulp_f32"], ulp_f64=e["ulp_f64"], ufunc=e["ufunc"]))
            continue
        infos.append(FunctionInfo(
            name=name, kind=e["kind"], signature=e["ufunc"].signature, params=e["params"],
            defaults=e["defaults"], doc=e["doc"], algorithm=e["algorithm"], ulp_f32=e["ulp_f32"],
            ulp_f64=e["ulp_f64"], ulp_f16=_core.ULP_F16, may_overflow=e["may_overflow"],
            ufunc=e["ufunc"]))
    return tuple(infos), tuple(grads)


_FUNCTIONS, _GRADIENTS = _build_registry()

from . import fast  # noqa: E402  (the fast tier, simdact.fast.<name>)


def functions():
    """The registry (kernels/registry.h) as Python data: one FunctionInfo per public function,
    in registry order. Tests, the accuracy tool and the benchmarks iterate over this."""
    return _FUNCTIONS


def gradients():
    """Every backward ufunc (<f>_backward, <f>_backward_from_output, ...) as GradientInfo, in
    registry order."""
    return _GRADIENTS


class _ThreadSetting:
    """Returned by set_num_threads(): the new count is already in force; used as a context
    manager it restores the previous setting on exit."""

    def __init__(self, previous):
        self._previous = previous

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _core.set_num_threads(self._previous)
        return False

    def __repr__(self):
        return f"<simdact threads: {get_num_threads()}>"


def set_num_threads(n):
    """Set the OpenMP team size simdact's loops use (n >= 1), or None to follow the OpenMP
    default again (OMP_NUM_THREADS, threadpoolctl). Thread count never changes a result bit.

        sa.set_num_threads(2)            # from now on
        with sa.set_num_threads(1):      # only inside the block
            ...
    """
    previous = _core.get_num_threads_setting()
    if n is None:
        n = 0
    elif isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads() takes an integer >= 1 or None, got {n!r}")
    _core.set_num_threads(n)
    return _ThreadSetting(previous)


def get_num_threads():
    """The team size a large call would use now."""
    return _core.get_num_threads()


__all__ = ["fast", "isa", "functions", "gradients", "set_num_threads", "get_num_threads", "IsaInfo",
           "FunctionInfo", "GradientInfo"] + [f.name for f in _FUNCTIONS + _GRADIENTS]
