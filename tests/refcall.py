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


BF16_MAX_MIDPOINT = (2.0 - 2.0 ** -8) * 2.0 ** 127   # from here on bfloat16 rounds to inf


def ulp_err_bf16(y, r):
    """|y - r| / ulp_bf16(r), ulp_bf16(r) = 2^(max(floor(log2|r|), -126) - 7), with the NaN
    and overflow rules of reference.ulp_err32: where r rounds to +-inf in bfloat16, y must be
    exactly that inf."""
    y = np.asarray(y).astype(np.float64)
    r = np.asarray(r, dtype=np.float64)
    with np.errstate(all="ignore"):
        e = np.floor(np.log2(np.abs(r)))
        ulp = np.ldexp(1.0, (np.maximum(np.where(np.isfinite(e), e, -126), -126) - 7).astype(int))
        err = np.abs(y - r) / ulp
        over = np.abs(r) >= BF16_MAX_MIDPOINT
        err = np.where(over, np.where(y == np.copysign(np.inf, r), 0.0, np.inf), err)
        err = np.where(np.isnan(r) | np.isnan(y), np.where(np.isnan(r) & np.isnan(y), 0.0, np.inf),
                       err)
    return err
