"""How a test computes the float64 reference of one simdact ufunc call.

A unary ufunc with default parameters (elu, leaky_relu, softplus, ...) passes its defaults to
the kernel in the precision of the loop: float32 (also for float16 data, which computes in
float32) or float64. Its reference is therefore the parametric reference at those rounded
defaults, e.g. leaky_relu on float32 data is exactly slope = float32(0.01)."""
import numpy as np

import reference as ref


def ref_call(f, x, ops=(), dtype=np.float32):
    """float64 reference of f.ufunc(x, *ops) for data of `dtype`."""
    x = np.asarray(x, dtype=np.float64)
    if f.kind == "unary" and f.defaults:
        pdt = np.float64 if dtype == np.float64 else np.float32
        pname = f.name + "_" + "_".join(f.params)
        return ref.REFS[pname](x, *[np.float64(pdt(d)) for d in f.defaults])
    return ref.REFS[f.name](x, *[np.float64(o) for o in ops])
