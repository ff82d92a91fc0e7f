"""simdact's fast tier: `simdact.fast.<name>` is a real numpy.ufunc (its __name__ is
`<name>_fast`, so reprs and pickles tell the tiers apart) computing the same function as
`simdact.<name>` with a declared relative-error bound instead of the accurate tier's ULP budget,
for speed. Which functions have one, their bounds and algorithms: simdact.fast.functions().

    >>> import simdact as sa
    >>> sa.fast.gelu(x)                  # |error| <= 2^-bits |exact| (see its docstring)
"""
from collections import namedtuple as _namedtuple

from . import _core

FastInfo = _namedtuple("FastInfo", "name ufunc kind signature params algorithm rel_err_bits")
FastInfo.__doc__ = """One fast-tier ufunc: name is the accurate function's name; |y - exact| <=
2^-rel_err_bits |exact| wherever |exact| >= FLT_MIN (the smallest normal float32)."""


def _build():
    infos = []
    for name, e in _core.UFUNCS.items():
        if e["tier"] != "fast":
            continue
        uf = e["ufunc"]
        globals()[e["base"]] = uf
        globals()[name] = uf               # pickling finds simdact.fast.<name>_fast
        infos.append(FastInfo(e["base"], uf, e["kind"], uf.signature, e["op_params"],
                              e["algorithm"], e["fast_bits"]))
    return tuple(infos)


_FAST = _build()


def functions():
    """The fast-tier ufuncs as FastInfo, in registry order."""
    return _FAST


__all__ = ["functions", "FastInfo"] + [f.name for f in _FAST]
