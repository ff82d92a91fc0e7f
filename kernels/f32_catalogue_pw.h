/* f32_catalogue_pw.h — simdact's piecewise float32 activations, written once over simd.h.
 *
 * Included by kernels/{scalar,avx2,avx512}/f32_catalogue_pw.c after defining SA_TARGET_SCALAR /
 * _AVX2 / _AVX512; compiled with -O2 -ffp-contract=off like every ISA file, so the three builds
 * are bit-identical (only exactly rounded operations, explicit FMAs, float64 parts through the
 * vd_* layer, no approximate reciprocals).
 *
 * Functions: leaky_relu(x, slope), prelu(x, slope), hardtanh(x, min_val, max_val),
 * reglu(a, b) (parametric, sa_f32_pkernel through SA_DEF_PARAM) and hardsigmoid, hardswish,
 * relu6, softsign (unary, SA_DEF_UNARY). No per-element branches: regions are blended with
 * masks, and every lane that a select throws away is first steered to a harmless operand
 * (slope * 0, a clamped x, a clamped |x|), so no discarded lane raises an overflow flag.
 * (The driver's NaN quieting in f32_driver.h is flag-free too: it ORs the quiet bit into x.)
 *
 * Errors are in float32 ULPs of the exact result (long double references, which are exact or
 * within 2^-64 relative for these formulas): |y - ref| / 2^(max(e(ref), -126) - 23), measured
 * by kernels/tests/catalogue_pw_sweep.c (2^24 strided bit patterns + dense windows around every
 * breakpoint + specials, over the parameter grids, all three ISAs bit-identical).
 *
 * Parameters are float32 operands (as torch uses them for float32 tensors): the exact result is
 * f(x, (float)p), so for example leaky_relu's default slope is the float 0.01f.
 *
 * Signed zeros (torch semantics, read off ATen's CPU kernels, see each contract):
 *   leaky_relu/prelu(+-0, s) = +-0 * s; relu6(-0) = +0; hardtanh(-0, min, max) = +0 when
 *   min = 0 (clamp's vector path: max(x, min) returns min unless x > min) and -0 when min < 0;
 *   hardswish(x <= -3) = -0 (x * 0); softsign(+-0) = +-0; reglu(a <= 0, b) = +0 * b.
 */
#include "simd.h"
#include "kernels.h"
#include "f32_driver.h"

/* ========================================================================== leaky_relu
 * leaky_relu(x, slope) = x if x > 0 else slope * x   (torch.nn.functional.leaky_relu,
 *   default negative_slope = 0.01 -> the float 0.01f).
 * Algorithm (select_mul): m = (x > 0 ? +0 : x); y = (x > 0 ? x : slope * m). One correctly
 *   rounded product: max error 0.5 ULP (exact for x > 0 and for power-of-two slopes).
 *   Max error measured (catalogue_pw_sweep, slopes 0.01 0.1 1 1.7 10 -0.01 -1 -10, all ISAs
 *   identical): 0.5 ULP (exact at slope +-1), every sampled result correctly rounded;
 *   budget 0.5.
 * Overflow: |slope| > 1 and x <= 0 can overflow genuinely (the one product, flag raised only
 *   then); lanes with x > 0 multiply slope by +0, never by x, so no spurious overflow.
 * Special values: NaN x -> NaN (driver); leaky_relu(+-0) = +-0 * slope (-0 for slope > 0,
 *   +0 for slope < 0); +inf -> +inf; -inf -> -inf * slope; NaN slope -> NaN for x <= 0 and x
 *   for x > 0 (torch's blend); subnormal inputs exact. Valid for all float32. */
SA_INLINE sa_v sa_pw_leaky_v(sa_v x, sa_v s, sa_v q)
{
    (void)q;
    const sa_v zero = v_set1(0.0f);
    sa_m pos = v_gt(x, zero);
    sa_v m = v_sel(pos, zero, x);
    return v_sel(pos, x, v_mul(s, m));
}
SA_DEF_PARAM(leaky_relu, select_mul, sa_pw_leaky_v)

/* =============================================================================== prelu
 * prelu(x, slope) = x if x > 0 else slope * x   (torch.nn.functional.prelu; slope is an
 *   operand broadcast against x, e.g. per channel).
 * Algorithm (select_mul): as leaky_relu (one correctly rounded product, +0 fed to the
 *   discarded lanes). Max error measured (catalogue_pw_sweep, same slope grid, per-element
 *   and broadcast slopes, all ISAs identical): 0.5 ULP (exact at slope +-1); budget 0.5.
 * Overflow: genuine only (|slope| > 1, x <= 0). Special values as leaky_relu. */
SA_DEF_PARAM(prelu, select_mul, sa_pw_leaky_v)

/* ============================================================================ hardtanh
 * hardtanh(x, min_val, max_val) = clamp(x, min_val, max_val) = min(max(x, min_val), max_val)
 *   (torch.nn.functional.hardtanh, defaults -1, 1; ATen: clamp).
 * Algorithm (select): t = (x > min ? x : min); y = (t < max ? t : max), i.e. exactly ATen's
 *   vectorized clamp (vec::minimum(vec::maximum(x, min), max) on maxps/minps), NaN bounds
 *   propagate. Exact (0 ULP, measured over (-1,1), (0,6), (-0.5,2), (-10,10)).
 * Special values: NaN x -> NaN (driver); NaN min or max -> NaN; min > max -> max (as torch);
 *   x = -0 with min = +0 -> +0 (maxps returns its second operand on equal zeros), -0 with
 *   min < 0 < max -> -0; +-inf -> max / min. Never overflows. */
SA_INLINE sa_v sa_pw_hardtanh_v(sa_v x, sa_v lo, sa_v hi)
{
    sa_v t = v_max(x, lo), r = v_min(t, hi); /* x > lo ? x : lo, t < hi ? t : hi */
    return v_sel(v_isnan(t), t, r);
}
SA_DEF_PARAM(hardtanh, select, sa_pw_hardtanh_v)

/* =============================================================================== reglu
 * reglu(a, b) = relu(a) * b   (GLU variant with a ReLU gate; torch: F.relu(a) * b).
 * Algorithm (select_mul): y = (a > 0 ? a : +0) * b. One correctly rounded product: max error
 *   0.5 ULP. Max error measured (catalogue_pw_sweep, b in +-2^-20, +-1, +-3.7, +-2^20, all
 *   ISAs identical): 0.5 ULP (exact at b = +-1, +-2^20; subnormal products included),
 *   every sampled result correctly rounded; budget 0.5.
 * Overflow: a * b overflows genuinely for large a and |b| > 1; that single product is the
 *   only operation that can overflow, so the flag is raised exactly for genuine overflow.
 * Special values: NaN a -> NaN (driver); NaN b -> NaN; a <= 0 (incl. -0, -inf) -> +0 * b
 *   (+0 for b >= +0, -0 for b < 0, NaN for b = +-inf, as the formula gives); a = +inf -> +-inf
 *   (NaN for b = 0). */
SA_INLINE sa_v sa_pw_reglu_v(sa_v a, sa_v b, sa_v q)
{
    (void)q;
    const sa_v zero = v_set1(0.0f);
    return v_mul(v_sel(v_gt(a, zero), a, zero), b);
}
SA_DEF_PARAM(reglu, select_mul, sa_pw_reglu_v)

/* ========================================================================= hardsigmoid
 * hardsigmoid(x) = 0 if x <= -3, 1 if x >= 3, else x/6 + 1/2  (torch.nn.functional.hardsigmoid;
 *   torch rounds (x + 3) and the division separately, this kernel rounds once).
 * Algorithm (pair_rem): float32 only, no float64 part (conversions to and from float64 set
 *   the speed on a Zen 4). c = clamp(x, -3, 3); s + sl = c + 3 exactly (Fast2Sum, |3| >= |c|);
 *   q = s C6 with C6 = float(1/6) (within one ulp of s/6); the remainder r = (s - 6 q) + sl:
 *   s - 6 q is exact (one fma: q is within an ulp of s/6, so the difference fits in 24 bits),
 *   adding sl rounds at most once, at 2^-24 of r; d = fma(r, C6, r C6L) ~ r/6 with C6 + C6L =
 *   1/6 to 2^-52; y = q + d, rounded once. Correctly rounded (0.5 ULP). At an exact tie (s/6 a
 *   float midpoint, which happens: x = 0x1.2p-21 gives 1/2 + 3 2^-25) r = 6 (m - q) is a small
 *   float, d = r/6 exactly (its error is far below its own half ulp), and y = q + d resolves the
 *   tie to even; a single C6 in place of the pair gets these ties wrong. Elsewhere d's error is
 *   below the distance of s/6 from any midpoint. Checked rather than only argued: kernels/tests/
 *   ulp_sweep.c (`exhaustive avx512 hardsigmoid`) finds every float32 input correctly rounded
 *   against the long double reference, and tests/per_isa/test_elementwise.py
 *   (test_hardsigmoid_ties_round_to_even) checks 65536 exact midpoints on every ISA.
 * Max error measured: 0.5 ULP (exact float midpoints, resolved to even, e.g. x = 0x1.f08p-15);
 *   budget 0.5.
 *   The clamp is one vrangeps on AVX-512 (v_clamp_sym): 12 -> 11 vector operations, 6.95 ->
 *   6.42 cycles / 16 elements at 1M (bench/kernel_cycles.c, the same bits for all 2^32 inputs).
 * Special values: hardsigmoid(+-0) = 0.5, x <= -3 and -inf -> +0, x >= 3 and +inf -> 1,
 *   NaN -> NaN: on AVX-512 by the driver's v_nan_or (the vrangeps clamp drops a NaN); on AVX2
 *   the max / min clamp hands it on as in hardswish, so no NaN select (SA_DEF_UNARY_NANPROP:
 *   0.20 -> 0.165 ns / element in L1 on a Zen 3, the same bits for all 2^32 inputs). Never
 *   overflows (clamped first, no flag from discarded lanes). */
/* (c + 3)/6 as q + d for c in [-3, 3] (hardsigmoid's algorithm above, also used by hardswish):
 * returns q, *d the correction */
SA_INLINE sa_v sa_pw_sixth(sa_v c, sa_v *d)
{
    const sa_v c6 = v_set1(0x1.555556p-3f), three = v_set1(3.0f);
    sa_v s = v_add(c, three);
    sa_v sl = v_sub(c, v_sub(s, three));
    sa_v q = v_mul(s, c6);
    sa_v r = v_add(v_fma(v_set1(-6.0f), q, s), sl);
    *d = v_fma(r, c6, v_mul(r, v_set1(-0x1.555556p-28f)));
    return q;
}
SA_INLINE sa_v sa_pw_hardsigmoid_v(sa_v x)
{
    sa_v d, q = sa_pw_sixth(v_clamp_sym(x, 3.0f), &d);
    return v_add(q, d);
}
/* max(-3, x) and min(3, .) hand a NaN x on, as in hardswish; vrangeps on AVX-512 drops it */
SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE(hardsigmoid, pair_rem, sa_pw_hardsigmoid_v)

/* =========================================================================== hardswish
 * hardswish(x) = x * hardsigmoid(x) = 0 if x <= -3, x if x >= 3, else x (x + 3) / 6
 *   (torch.nn.functional.hardswish; torch rounds three times and gives NaN at -inf and inf
 *   beyond 5.7e37 because it forms 6x; this kernel follows the mathematical formula).
 * Algorithm (pair_rem_mul): float32 only, as hardsigmoid (the float64 form it replaces, float(c
 *   (c + 3) C6_64), spent its time converting). c = clamp(x, -3, 3); s + sl = c + 3 exactly;
 *   q = s C6, r = fma(-6, q, s) + sl, d = fma(r, C6, r C6L): q + d = (c + 3)/6 to about 2^-46
 *   relative (hardsigmoid's pieces, before its final add); y = fma(c, q, c d), one rounding
 *   of c q plus a product below 2^-23 of it rounded at 2^-24 of itself. Relative error
 *   before the final rounding < 2^-45: max error 0.5 + 2^-21 ULP. Where the result is
 *   subnormal (|c| ~ 2^-125) c d underflows to 0 and y = c/2 rounded; the exact value
 *   c/2 + c^2/6 differs from it by far less than an ulp (at an odd c the tie c/2 goes to even
 *   where c^2/6 would break it: 0.5 ULP plus about 2^-125 ULP). Near x = -3 there is no
 *   cancellation: s = c + 3 is exact. x > 3: the multiplier is max(x, -3) = x while c = 3,
 *   where the pieces are exact, q = float(6 C6) = 1 and d = 0, so y = fma(x, 1, 3 * 0) = x
 *   (+inf included) with no select (two operations fewer than choosing x by a compare).
 * Max error measured (every float32 input against a long double reference, C harness; and
 *   catalogue_pw_sweep, all ISAs identical): 0.50000006 ULP (x = 0x1.ee30b4p-17); differs
 *   from the float64 form on 13 inputs; budget 0.51.
 * Special values: hardswish(+-0) = +-0; x <= -3 and -inf -> -0 (x * 0, the sign torch gives
 *   for finite x); x >= 3 -> x, +inf -> +inf; NaN -> NaN: max and min hand a NaN x on
 *   unchanged and every later operation has it (quieted) as its only NaN operand, so the
 *   driver's NaN select is left out (SA_DEF_UNARY_NANPROP): AVX-512 7.53 -> 6.56 cycles / 16
 *   elements at 1M on a Zen 4, AVX2 0.218 -> 0.178 ns / element in L1 on a Zen 3; the same
 *   bits for all 2^32 inputs. Never overflows. */
SA_INLINE sa_v sa_pw_hardswish_v(sa_v x)
{
    sa_v m = v_max(v_set1(-3.0f), x); /* the multiplier: x itself above 3 */
    sa_v c = v_min(v_set1(3.0f), m);  /* v_clamp(x, -3, 3) */
    sa_v d, q = sa_pw_sixth(c, &d);
    return v_fma(m, q, v_mul(c, d));
}
SA_DEF_UNARY_NANPROP(hardswish, pair_rem_mul, sa_pw_hardswish_v)

/* =============================================================================== relu6
 * relu6(x) = min(max(x, 0), 6) = hardtanh(x, 0, 6)  (torch.nn.functional.relu6).
 * Algorithm (select): t = (x > 0 ? x : +0); y = (t < 6 ? t : 6). Exact (0 ULP, measured).
 * Special values: relu6(-0) = +0 (torch's vectorized clamp: maxps(x, 0) returns +0 for x = -0;
 *   documented choice, max(-0, 0) = +0), relu6(+0) = +0, -inf -> +0, +inf -> 6, NaN -> NaN,
 *   subnormals pass through. */
SA_INLINE sa_v sa_pw_relu6_v(sa_v x)
{
    return v_min(v_max(x, v_set1(0.0f)), v_set1(6.0f)); /* x > 0 ? x : +0, t < 6 ? t : 6 */
}
SA_DEF_UNARY(relu6, select, sa_pw_relu6_v)

/* ============================================================================ softsign
 * softsign(x) = x / (1 + |x|)  (torch.nn.functional.softsign; torch rounds 1 + |x| and the
 *   quotient separately).
 * Algorithm (pair_rcpdiv): a = min(|x|, 2^30) (beyond 2^26 the result rounds to 1; the
 *   clamp keeps inf out of the arithmetic); d + dl = 1 + a exactly (Fast2Sum with the larger of
 *   a and 1 first: one max and one min instead of TwoSum's two extra subtractions); u = 1 / d
 *   (the one division), q = a u; r = a - q d by one fma (rounded once, 2^-24 relative);
 *   a / (d + dl) = q + (r - q dl) / (d + dl), evaluated as fma(fma(-q, dl, r), u, q). q is
 *   within 3 2^-24 relative of the quotient (u's rounding, q's and dl / d), so the correction
 *   is at most about 3 ulp of q, and it carries a relative error below 2^-22.4 (r's and its own
 *   rounding, and u against 1 / (d + dl)): the error is at most 0.5 + 2^-20.8 ULP. Only
 *   exactly rounded operations, so every ISA gives the same bits. (It was q = a / d with u
 *   from an integer seed and two Newton steps: four operations more for a bound of
 *   0.5 + 2^-17 ULP; 0.302 -> 0.260 ns / element in L1 on a Zen 3, AVX2,
 *   bench/kernel_cycles.c row 2048.)
 * Max error measured (every float32 input, AVX2 and scalar, against an 80-bit reference,
 *   kernels/tests/ulp_sweep.c exhaustive): 0.5000001 ULP (x = 0x1.c2fa7ep-7: the quotient
 *   2^-23.2 ulp past a midpoint); budget 0.51.
 * Special values: softsign(+-0) = +-0, +-inf -> +-1, subnormal x -> x (exact rounding of
 *   x - x|x|), NaN -> NaN. Never overflows. */
SA_INLINE sa_v sa_pw_softsign_v(sa_v x)
{
    const sa_v one = v_set1(1.0f), big = v_set1(0x1p30f);
    sa_v a = v_min(v_abs(x), big); /* a NaN x gives big here: the driver returns the NaN */
    sa_v d = v_add(one, a);
    sa_v dl = v_sub(v_min(a, one), v_sub(d, v_max(a, one))); /* Fast2Sum: larger first */
    sa_v u = v_div(one, d);
    sa_v q = v_mul(a, u);
    sa_v r = v_fnma(q, d, a);
    sa_v y = v_fma(v_fnma(q, dl, r), u, q);
    return v_copysign_pos(y, x);
}
SA_DEF_UNARY(softsign, pair_rcpdiv, sa_pw_softsign_v)
