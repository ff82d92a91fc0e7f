"""Fit gelu_fast's rational tail factor (kernels/f32_fast.h, SA_FX_GELU_PZ / SA_FX_GELU_DZ).

gelu_fast writes the upper tail Q(a) = Phi(-a) as exp(-a^2/2) R(a), R(a) = erfcx(a/sqrt 2)/2,
and approximates R on [0, A] by P(a)/D(a), P of degree m, D of degree n with D(0) = 1. This
script finds P and D by the differential-correction scheme: each round solves a linear
program, min t subject to |P(a_i) - R_i D(a_i)| <= (t - g(a_i)) R_i D_prev(a_i) on a dense
grid, D_prev the previous round's denominator (1 at first); the best round is kept. g is the
kernel's other error at a, as far as it grows with a (the exp's polynomial 2^-18.36, the
rounding of w = a^2/2 log2e + 1 and of a^2), so the fit spends its error where the exp
leaves room: the target is the kernel's total, not R's alone. Then the float32 coefficients
are evaluated the way the kernel does (Horner at z = -a with the odd coefficients negated, one
rounding per fma) over a dense float32 grid, and printed as C initialisers.

Needs numpy and scipy (the `test` extra). Usage: python tools/fit_gelu_rational.py [m n [A]]
(default 2 3 13.3: the fit in the kernel). Not part of the package or of CI.
"""
import sys

import numpy as np
from scipy.optimize import linprog
from scipy.special import erfcx

LOG2E = 1.4426950408889634


def target(a):
    """R(a) = Q(a) exp(a^2/2) = erfcx(a / sqrt 2) / 2 in float64."""
    return 0.5 * erfcx(a / np.sqrt(2.0))


def other_error(a):
    """The kernel's error besides R's that grows with a (relative, an upper estimate)."""
    w = a * a / 2 * LOG2E + 1
    ulp_w = 2.0 ** (np.floor(np.log2(w)) - 23)
    return 2.0 ** -18.36 + np.log(2.0) * ulp_w / 2 + a * a / 2 * 2.0 ** -24


def fit(m, n, amax, points=3000, rounds=30):
    """(max of R's relative error plus other_error, P, D), coefficients lowest degree first."""
    cheb = (1 - np.cos(np.linspace(0, np.pi, points))) / 2 * amax
    a = np.sort(np.concatenate([cheb, np.linspace(0, amax, points)]))
    r, g = target(a), other_error(a)
    V = np.vander(a, max(m, n) + 1, increasing=True)
    cols_p, cols_d = V[:, :m + 1], -(r[:, None] * V[:, 1:n + 1])
    cost = np.zeros(m + n + 2)
    cost[-1] = 1.0
    bounds = [(None, None)] * (m + n + 1) + [(0, None)]
    d_prev, best = np.ones_like(a), None
    for _ in range(rounds):
        s = (r * d_prev)[:, None]
        # P - r D <= (t - g) s and r D - P <= (t - g) s, with D's constant 1 on the right
        A_ub = np.vstack([np.hstack([cols_p, cols_d, -s]), np.hstack([-cols_p, -cols_d, -s])])
        b_ub = np.concatenate([r - g * s[:, 0], -r - g * s[:, 0]])
        sol = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs").x
        P, D = sol[:m + 1], np.concatenate([[1.0], sol[m + 1:m + n + 1]])
        d_prev = np.polyval(D[::-1], a)
        err = (np.abs(np.polyval(P[::-1], a) / d_prev / r - 1) + g).max()
        if best is None or err < best[0]:
            best = (err, P, D)
    return best


def horner_f32(coeffs, z):
    """The kernel's Horner steps in float32, h = fma(h, z, c): the product is exact in float64,
    the sum rounded there and then to float32 (twice, where the fma rounds once: a difference
    far below the figures printed)."""
    h = np.full_like(z, np.float32(coeffs[-1]))
    z64 = z.astype(np.float64)
    for c in coeffs[-2::-1]:
        h = (h.astype(np.float64) * z64 + np.float64(np.float32(c))).astype(np.float32)
    return h


def main(argv):
    m, n = (int(argv[0]), int(argv[1])) if len(argv) >= 2 else (2, 3)
    amax = float(argv[2]) if len(argv) >= 3 else 13.3
    err, P, D = fit(m, n, amax)
    # at z = -a: odd coefficients negated, rounded to float32 as the kernel holds them
    Pz = [np.float32(c if k % 2 == 0 else -c) for k, c in enumerate(P)]
    Dz = [np.float32(c if k % 2 == 0 else -c) for k, c in enumerate(D)]
    a = np.linspace(0.0, amax, 2_000_001).astype(np.float32)
    q = horner_f32(Pz, -a).astype(np.float64) / horner_f32(Dz, -a).astype(np.float64)
    a64 = a.astype(np.float64)
    rel = np.abs(q / target(a64) - 1)
    total = (rel + other_error(a64)).max()
    print(f"P {m} / D {n} on [0, {amax}]: R 2^{np.log2(rel.max()):.2f} relative in float32 "
          f"evaluation; with the exp's error 2^{np.log2(total):.2f} (the fit's own figure "
          f"2^{np.log2(err):.2f})")
    fmt = lambda cs: ", ".join(float(c).hex().replace("0000000p", "p") + "f" for c in cs)
    print(f"static const float SA_FX_GELU_PZ[{m + 1}] = {{{fmt(Pz)}}};")
    print(f"static const float SA_FX_GELU_DZ[{n + 1}] = {{{fmt(Dz)}}};")


if __name__ == "__main__":
    main(sys.argv[1:])
