"""How the tests find and call the float64 reference of one backward ufunc.

The references live in tests/grad_ref_*.py, each defining GRADS = {key: {"ref", "mp",
"windows"}} (format: the docstring of those modules). The key of a gradient is the name of its
default/unary form: `elu_alpha_backward` and `elu_backward` share `elu_backward` (the reference
takes the parameters explicitly), `_from_output` forms have their own key.
"""
import glob
import importlib
import os

import numpy as np

import simdact as sa
import reference as ref

GRAD_REFS = {}
for _path in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "grad_ref_*.py"))):
    GRAD_REFS.update(importlib.import_module(os.path.basename(_path)[:-3]).GRADS)

FORWARD = {f.name: f for f in sa.functions()}


def base_forward_name(f):
    """A forward function's family name (FunctionInfo f): elu for elu_alpha, softplus for
    softplus_beta_threshold; prelu, swiglu, ... unchanged."""
    suffix = "_" + "_".join(f.params) if f.params else ""
    if f.kind == "param" and suffix and f.name.endswith(suffix):
        return f.name[: -len(suffix)]
    return f.name


def base_forward(g):
    return base_forward_name(FORWARD[g.forward])


# Forward functions of two operands (prelu, gated units): their backward has two outputs.
TWO_OUTPUT = {f.name for f in sa.functions() if f.kind == "param" and base_forward_name(f) == f.name}


def key(g):
    return base_forward(g) + ("_backward_from_output" if g.from_output else "_backward")


def entry(g):
    return GRAD_REFS[key(g)]


def operand_sets(g, dtype=np.float32):
    """Parameter tuples a test sweeps for gradient g: none (unary), the forward's defaults in
    the loop's precision (default forms: the reference sees exactly what the kernel sees), or
    the forward's PARAM_GRID (parametric and two-operand forms)."""
    if g.defaults:
        pdt = np.float64 if dtype == np.float64 else np.float32
        return [tuple(pdt(d) for d in g.defaults)]
    if g.params:
        return [tuple(dtype(v) for v in ops) for ops in ref.PARAM_GRID[g.forward]]
    return [()]


def call_params(g, ops):
    """Operands to pass to the ufunc itself (a default form takes none)."""
    return () if g.defaults else ops


def second_operand(g, x, ops):
    """What the caller passes after dy: x, or the forward's output (computed by simdact in the
    same dtype) for a `_from_output` gradient."""
    if not g.from_output:
        return x
    fwd = FORWARD[g.forward].ufunc
    with np.errstate(all="ignore"):
        return fwd(x, *call_params(g, ops))


def reference(g, dy, v, ops):
    """float64 (value, S) — or ((dx, S), (dp, S)) for two outputs — at the operands as the
    kernel sees them."""
    with np.errstate(all="ignore"):
        f64 = [np.asarray(a, dtype=np.float64) for a in (dy, v)]
        return entry(g)["ref"](*f64, *[np.float64(o) for o in ops])
