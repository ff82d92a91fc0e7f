/* f32_fast.h — simdact's fast tier (simdact.fast.<name>): float32 kernels with a declared
 * relative-error bound (registry.h, SA_FAST / SA_BFAST, column bits) instead of the accurate
 * tier's ULP budget, written once over simd.h and compiled per ISA from
 * kernels/{scalar,avx2,avx512}/f32_fast.c.
 *
 * Contract of every kernel here: |y - exact| <= 2^-bits |exact| wherever |exact| >= FLT_MIN, on
 * every finite float32 input; below FLT_MIN, |y - exact| <= FLT_MIN; NaN in -> NaN out (the
 * driver), +-inf and +-0 as the accurate tier. No flag other than a genuine overflow matters
 * (the loops restore the caller's flags). Same rules as the accurate kernels otherwise (no
 * per-element branches, position independent, -ffp-contract=off with explicit FMAs).
 *
 * Unlike the accurate kernels these may differ between ISAs, and the gated units do (their final
 * product, fx_mul_scale). The unary ones give the same bits on AVX-512, AVX2 and the scalar
 * build over every float32 input (the sweep's output hashes): the scaling by 2^n is vscalefps
 * on AVX-512 and a two-step ldexp elsewhere, both one rounding of the exact product, and the
 * quotients are IEEE divisions. The bound holds on each ISA.
 *
 * Every quotient is one IEEE division (v_div), not a hardware reciprocal refined by Newton
 * steps: on Zen 4 vdivps issues every 6 cycles (zmm) on the divider, beside the two FMA pipes
 * these kernels are bound by, while vrcp14ps and its Newton step took three slots of those
 * pipes and the product a fourth (AVX2's vrcpps needed two steps). For the same reason the
 * helpers below are one instruction where AVX-512 has one (vrangeps for -min(|x|, c),
 * vfixupimmps for the NaN pass-through in f32_driver.h). Measured in cycles per 16 elements
 * in L1 on that CPU (bench/kernel_cycles.c row, 2048 elements, the minimum over processes),
 * AVX-512: sigmoid 13.1 -> 11.0, tanh 13.1 -> 11.0, silu 16.4 -> 12.2,
 * gelu 24.9 -> 20.4, gelu_tanh 22.4 -> 17.2, mish 21.6 -> 17.5; AVX2: sigmoid 28.6 -> 21.0,
 * tanh 18.5 -> 12.7.
 *
 * Errors quoted in the contracts are max |y - exact| / |exact| (log2) over |exact| >= FLT_MIN,
 * measured against the float64 kernels on every float32 input (2^32) on AVX-512, and on AVX2
 * and the scalar build where a contract says so (ISA-dependent where they differ: the worst is
 * quoted; where a contract says the bits are the same, tests/test_fast.py checks it), with
 * simdact._accuracy.sweep_fast at stride 1 (`python -m simdact accuracy --exhaustive` runs it
 * for the ISAs it is given).
 */
#include "simd.h"
#include "f32_math.h"
#include "kernels.h"
#include "f32_driver.h"
#include "f32_cores.h"
#include <math.h>

/* ============================================================= ISA-specific primitives
 *   (the scaling of the unary kernels' exp is in fx_exp2_e, below)
 *   fx_scale_1p(a, n, k)  the same where only 1 + result matters: below 2^-126 the result
 *                      may be any value in [0, 2^-126 a] (k clamped at -126 on AVX2 / scalar:
 *                      one exponent build, no two-step scaling).
 *   (v_min, v_max from simd.h: with a NaN operand both give the second operand on every
 *                      ISA; the kernels that carry a NaN x to their result instead of the
 *                      driver's select (SA_DEF_UNARY_NANPROP) and softmax_fast's pass 2
 *                      (SA_DEF_ROWS_SUMNAN) rely on it, with the bound first.) */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v fx_scale_1p(sa_v a, sa_v n, sa_vi k) { (void)k; return _mm512_scalef_ps(a, n); }
#elif defined(SA_TARGET_AVX2)
SA_INLINE sa_v fx_scale_1p(sa_v a, sa_v n, sa_vi k) {
    (void)n;
    return v_mul(a, v_pow2i(_mm256_max_epi32(k, _mm256_set1_epi32(-126))));
}
#else
SA_INLINE sa_v fx_scale_1p(sa_v a, sa_v n, sa_vi k) {
    (void)n;
    return v_mul(a, v_pow2i(k < -126 ? -126 : k));
}
#endif

/* -min(|x|, c) for c > 0 (the exp argument of the sigmoid family, clamped where exp rounds
 * to 0): one vrangeps on AVX-512 (imm 0x0E: the operand of smaller magnitude, sign bit set),
 * elsewhere the sign bit set, then max with -c. A NaN x gives a number here (-c on AVX2;
 * vrangeps answers the bound): the kernels that skip the driver's NaN select take x's NaN to
 * the result another way (see the NaN paragraph above sigmoid_fast). */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v fx_negabs_min(sa_v x, float c) { return _mm512_range_ps(x, _mm512_set1_ps(c), 0x0E); }
#else
SA_INLINE sa_v fx_negabs_min(sa_v x, float c) {
    return v_max(v_asfloat(vi_or(v_asint(x), vi_set1((int32_t)0x80000000u))), v_set1(-c));
}
#endif

/* exp(z) = p * 2^n for z in [-332, 0] (callers clamp), the reduction the fast kernels'
 * algorithm names call fl2 (base 2, split at the floor): w = z log2e - 1 rounded once (one
 * fma), n = floor(w), f = w - n in [0, 1), p = 2^(f + 1) = 2 + f P(f), P of degree 3 (2^f
 * minimax relative on [0, 1) with the constant term fixed at 1, its coefficients doubled:
 * 2^-18.4 relative, 2^-18.36 as evaluated in float; exp(0) = 2 2^-1 exactly). Since w <= -1,
 * f = w - n is exact (for w in (-1, 0), as z log2e alone would give near z = 0, 1 + w would
 * round, and vreduceps rounds it down where a subtraction rounds to nearest). The rounding of
 * w (and of log2e, 2^-26.2 relative) is an absolute error of the exponent, (|z log2e| + 1)
 * 2^-24 at most, so a relative error of exp of (|z log2e| + 1) 2^-24.5: 2^-17.5 at z = -87.3
 * (exp(z) still normal). AVX-512: f is one vreduceps (round down, no fraction bits) and *n
 * is w itself: every caller scales by vscalefps, which takes floor(n) (fx_scale, fx_scale_1p;
 * fx_mul_scale floors it first); AVX2 / scalar: n = vroundps / floorf, k = (int)n,
 * f = w - n. The same p and floor(n) on every ISA. (It replaced n = round(z log2e) by a magic
 * constant, r = z - n ln2_hi by one fma and exp(r) of degree 4: one operation more on
 * AVX-512. Cycles per 16 elements in L1 on a Zen 4, AVX-512 (bench/kernel_cycles.c row 2048):
 * sigmoid_fast 11.0 -> 10.3, silu_fast 11.8 -> 11.0, mish_fast 17.5 -> 16.5, gelu_tanh_fast
 * 17.2 -> 16.6, gelu_fast 20.4 -> 19.4.) */
/* twice the 2^f coefficients 0x1.62d6d0p-1, 0x1.ee2374p-3, 0x1.abfe7ep-5, 0x1.b7ea5cp-7 */
static const float SA_FX_EXP2[4] = {0x1.62d6d0p+0f, 0x1.ee2374p-2f, 0x1.abfe7ep-4f, 0x1.b7ea5cp-6f};
/* p = two + f P(f) for f in [0, 1), P's coefficients C (lowest degree first): 2^(f + 1) for
 * C = SA_FX_EXP2, two = 2; the same Horner steps scaled by a power of 2 s for C = s SA_FX_EXP2,
 * two = 2 s (each step's result exactly s times the unscaled one while all are normal) */
SA_INLINE sa_v fx_exp2_poly(sa_v f, const float *C, float two) {
    sa_v p;
    SA_HORNER(f, C, 4, p);
    return v_fma(f, p, v_set1(two));
}
SA_INLINE sa_v fx_exp2_pn(sa_v w, sa_v *n, sa_vi *k) {
    sa_v f;
#if defined(SA_TARGET_AVX512)
    *n = w;
    *k = _mm512_setzero_si512(); /* unused on AVX-512 */
    f = _mm512_reduce_ps(w, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
#elif defined(SA_TARGET_AVX2)
    sa_v fl = _mm256_floor_ps(w);
    *n = fl;
    *k = _mm256_cvttps_epi32(fl);
    f = v_sub(w, fl);
#else
    sa_v fl = floorf(w);
    *n = fl;
    *k = (sa_vi)fl;
    f = v_sub(w, fl);
#endif
    return fx_exp2_poly(f, SA_FX_EXP2, 2.0f);
}
SA_INLINE sa_v fx_exp_pn(sa_v z, sa_v *n, sa_vi *k) {
    return fx_exp2_pn(v_fma(z, v_set1(SA_LOG2E), v_set1(-1.0f)), n, k);
}
/* exp(-s/2) for s = a^2 >= 0 without forming -s/2: w = s (-log2e/2) - 1 (the constant is
 * exactly half of float log2e, so w is fx_exp_pn's w for z = -s/2, rounded once) (gelu_fast,
 * geglu_fast). */
SA_INLINE sa_v fx_halfneg_w(sa_v s) { return v_fma(s, v_set1(-0.5f * SA_LOG2E), v_set1(-1.0f)); }
SA_INLINE sa_v fx_exp_halfneg_pn(sa_v s, sa_v *n, sa_vi *k) { return fx_exp2_pn(fx_halfneg_w(s), n, k); }
/* e = p 2^n of fx_exp2_pn rounded once, for w in [-190, -1] (the unary kernels; subnormal and
 * zero results as one rounding of the exact product): vscalefps on AVX-512. Elsewhere p is
 * formed 2^-64 times smaller, the same Horner steps with every coefficient (and the final 2)
 * scaled by 2^-64: each step's result is then exactly 2^-64 times the other's (all normal, the
 * smallest about 2^-94), so p' = p 2^-64 exactly; the factor 2^(n + 64) comes from
 * t = n + (1.5 2^23 + 191), exact, whose low 9 bits are its exponent field n + 191 (in [1,
 * 190]; sign and mantissa 0), shifted into place; and the one product p' 2^(n + 64) is the
 * one rounding. The same bits as vscalefps, with one conversion, one integer add and one
 * product fewer than the integer add of n + 64 to p's exponent field and the product by 2^-64
 * it replaces (on the Zen 3 these kernels are bound by the two FMA pipes, which take the
 * products, fmas and blends, and the divider beside one of them); and a NaN w stays NaN (p' is
 * NaN, the factor never: a power of 2, +-0 or +-inf), where an integer add to p's bits could
 * make it a number (the sigmoid family relies on it to skip the driver's NaN select; figures
 * above sigmoid_fast). */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v fx_exp2_e(sa_v w) {
    sa_v n;
    sa_vi k;
    sa_v p = fx_exp2_pn(w, &n, &k);
    return _mm512_scalef_ps(p, n);
}
#else
/* 2^(w + 1) s 2^(bias - 127) with n = floor(w), f = w - n: p s = two + f P(f) by fx_exp2_pn's
 * Horner steps on coefficients C = s SA_FX_EXP2 (two = 2 s, s a power of 2), times the factor
 * 2^(n + bias - 127) whose exponent field n + bias is the low 9 bits of t = n + 1.5 2^23 + bias
 * (exact), shifted into place: one rounding, the product (fx_exp2_e, fx_exp2_big) */
SA_INLINE sa_v fx_exp2_mulbits(sa_v w, const float *C, float two, float bias) {
#if defined(SA_TARGET_AVX2)
    sa_v fl = _mm256_floor_ps(w);
#else
    sa_v fl = floorf(w);
#endif
    sa_v p = fx_exp2_poly(v_sub(w, fl), C, two);
    sa_v t = v_add(fl, v_set1(0x1.8p23f + bias));
    return v_mul(p, v_asfloat(vi_sll(v_asint(t), 23)));
}
static const float SA_FX_EXP2_LO[4] = {0x1.62d6d0p-64f, 0x1.ee2374p-66f, 0x1.abfe7ep-68f,
                                       0x1.b7ea5cp-70f}; /* SA_FX_EXP2 2^-64 */
SA_INLINE sa_v fx_exp2_e(sa_v w) { return fx_exp2_mulbits(w, SA_FX_EXP2_LO, 0x1p-63f, 191.0f); }
#endif
/* exp(z) for z in [-131, 0], rounded once as fx_exp2_e; fx_exp_halfneg_e(s) = exp(-s/2) for
 * s in [0, 262] (fx_exp_halfneg_pn's w) */
SA_INLINE sa_v fx_exp_e(sa_v z) { return fx_exp2_e(v_fma(z, v_set1(SA_LOG2E), v_set1(-1.0f))); }
SA_INLINE sa_v fx_exp_halfneg_e(sa_v s) { return fx_exp2_e(fx_halfneg_w(s)); }
/* An odd function that saturates at 1: f(x) = x P(x^2) / Q(x^2) on x clamped to [-X, X]
 * (coefficient tables lowest degree first, np and nq entries, Horner in float; P is scaled so
 * that the quotient at X rounds to 1 or just above), then clamped to [-1, 1]: f(+-X) and every
 * |x| >= X give +-1 exactly, and no |f| exceeds 1. The clamp of x (no lane overflows) and the
 * sign come with x itself: no |x|, no select, no copysign. On AVX2 and in the portable build
 * both clamps are a max and a min with the bound first, which hand a NaN x on, and every other
 * operation has it (quieted) as its only NaN operand, so the caller skips the driver's NaN
 * select; on AVX-512 each clamp is one vrangeps, which answers the bound for a NaN, and the
 * driver puts the NaN back (SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE; tanh_fast, erf_fast). */
SA_INLINE sa_v fx_odd_rational(sa_v x, const float *P_, int np, const float *Q_, int nq, float X) {
    sa_v xc = v_clamp_sym(x, X);
    sa_v s = v_mul(xc, xc);
    sa_v P, Q;
    SA_HORNER(s, P_, np, P);
    SA_HORNER(s, Q_, nq, Q);
    return v_clamp_sym(v_div(v_mul(xc, P), Q), 1.0f);
}
#define SA_FX_ZERO v_set1(0.0f)
/* The sign select of gelu_fast takes the sign bit of x as the mask where it means x < 0
 * (m_signbit: on AVX2 the vector itself, no compare). The two differ at x = -0 only, where
 * both sides give the same bits (gelu multiplies by x = -0 either way), and at NaN, where both
 * sides are NaN x (below) or the driver replaces the lane: the same bits as the compare for
 * every float32 input (the exhaustive sweep's output hashes). In L1 on a Zen 3
 * (bench/kernel_cycles.c row / param 2048, ns per element), the sign bit for the compare:
 * sigmoid_fast 0.384 -> 0.375, silu_fast 0.418 -> 0.398, mish_fast 0.589 -> 0.573,
 * swiglu_fast 0.587 -> 0.552, geglu_fast 0.812 -> 0.794. silu_fast and gelu_tanh_fast later
 * replaced theirs by a max (a max runs beside the FMA pipes, a blend on them), sigmoid_fast
 * its by no split, and silu_fast, gelu_tanh_fast and mish_fast then left the split
 * altogether (see silu_fast). */
/* NaN through the sigmoid family without the driver's NaN select (compare, or and blend on
 * AVX2, vfixupimmps on AVX-512). x86's NaN rules: an operation never makes a NaN of its own
 * from a NaN operand but hands that operand on quieted (sign and payload kept), the first
 * of two; max and min answer their second operand when either is NaN. So a value formed from
 * x alone is x quieted or a number (fx_negabs_min and vrangeps answer a number for a NaN; a
 * max or min with the bound first hands x on), and an operation with two NaN operands has the
 * same NaN twice. Each kernel below ends in an operation that takes x itself (or a value that
 * holds x's NaN) as the operand that carries it: silu_fast and gelu_tanh_fast the quotient
 * whose first operand is max(lo, x) 2^-6 (x second in the max), gelu_fast and mish_fast the
 * product by max(-c, x) (x second, then first in the product), sigmoid_fast (AVX2 and
 * portable) the clamp with the bound first, whose NaN the exp's fma, floor, polynomial and
 * factor 2^n (never NaN) and the quotient's denominator carry.
 * The result is x quieted, what the driver's select would give: SA_DEF_UNARY_NANPROP on AVX2
 * and AVX-512 (sigmoid_fast: SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE, its AVX-512 clamp is one
 * vrangeps, which drops the NaN; a max and a min instead measured the same there). The
 * portable build keeps the select (C promises no NaN payload). The same bits for every float32
 * input, NaNs included (the exhaustive sweep's output hashes; tests/per_isa checks payloads).
 * Measured in L1 on a Zen 3 (AVX2; bench/kernel_cycles.c row 2048, ns per element), the
 * pass-through on AVX2 with the float add for n in the scaling: sigmoid_fast 0.375 -> 0.331,
 * silu_fast 0.397 -> 0.348, gelu_tanh_fast 0.565 -> 0.516, mish_fast 0.574 -> 0.526; then
 * fx_exp2_e's scaled polynomial and the max for the sign selects of silu and gelu_tanh:
 * sigmoid_fast 0.301 (0.263 in its present form), silu_fast 0.331, gelu_tanh_fast 0.478,
 * mish_fast 0.490, gelu_fast 0.560; swiglu_fast (param 2048) 0.553 -> 0.519, geglu_fast 0.793
 * -> 0.748. On a Zen 5 (family 26), the pass-through on AVX-512 too (it was AVX2 only, with
 * fx_negabs_min's NaN-keeping variant, one operation more) and the masked selects (fx_q_or_1mq,
 * fx_mul_where), in L1 (row 2048, the minimum of three
 * processes), AVX-512: silu_fast 0.098 -> 0.088, gelu_fast 0.158 -> 0.142, gelu_tanh_fast
 * 0.158 -> 0.144, mish_fast 0.152 -> 0.136 (sigmoid_fast 0.082 either way; swiglu_fast and
 * geglu_fast, param 2048, within the noise); AVX2: silu_fast 0.221 -> 0.203, gelu_tanh_fast
 * 0.338 -> 0.314, mish_fast 0.346 -> 0.324, gelu_fast 0.340 -> 0.333. */

/* ======================================================================== sigmoid_fast
 * sigmoid(x) = 1 / (1 + e^-x).
 * Algorithm (fl2_p4_div): one quotient y = 1/(1 + E), E = e^-x on x clamped to [-89.4, 86.6]
 *   (fx_exp2_big: w = -x log2e - 1 rounded once, n = floor(w), f = w - n, p = 2^(f + 1) of
 *   degree 4 as in fx_exp2_pn, E = p 2^n exact: 2^n built from n's bits, normal for n in
 *   [-126, 127], and p 2^127 overflows to +inf, as e^-x itself does from x ~ -88.72 on, so
 *   y = +0 there, where the exact value is below 3.0e-39 < FLT_MIN: inside the contract's
 *   absolute allowance). Above 86.6, E < 2^-124 and y = 1. No sign split: for x < 0, 1/(1 + E)
 *   keeps E's relative error (E > 1), where the form it replaced, e = exp(-|x|) and
 *   e/(1 + e) or 1/(1 + e) by the sign of x, needed |x|, a select and the scaling of a
 *   subnormal e. On AVX-512 the clamp is one vrangeps to [-89.4, 89.4] (vscalefps takes
 *   E below 2^-126 to a subnormal or 0: y = 1 either way, the same bits) and n = floor(w) is
 *   vrndscaleps with f = w - n a subtraction, as elsewhere (vreduceps rounds w - n down for w in
 *   (-1, 0), x in (-0.69, 0), where the subtraction rounds to nearest).
 * Error: exp 2^-18.4 plus w's rounding ((|x| log2e + 1) 2^-24.5), the quotient 2^-24:
 *   measured max 2^-17.18 relative at x = -84.99 (every float32 input, AVX2 and scalar: the
 *   same bits; tests/test_fast.py).
 * Special values: sigmoid(+inf) = 1, sigmoid(-inf) = +0, sigmoid(+-0) = 0.5 exactly; NaN -> x
 *   quieted (on AVX2 through the clamp, E, whose factor 2^n is never NaN, and the quotient).
 * In L1 on a Zen 3 (bench/kernel_cycles.c row 2048, ns per element): 0.301 -> 0.263 (with the
 *   select form: 0.375 before fx_exp2_e and the NaN pass-through). */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v fx_exp2_big(sa_v w) {
    sa_v fl = _mm512_roundscale_ps(w, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    return _mm512_scalef_ps(fx_exp2_poly(v_sub(w, fl), SA_FX_EXP2, 2.0f), fl);
}
#define SA_FX_SIG_CLAMP(x) v_clamp_sym(x, 89.4f)
#else
SA_INLINE sa_v fx_exp2_big(sa_v w) { return fx_exp2_mulbits(w, SA_FX_EXP2, 2.0f, 127.0f); }
#define SA_FX_SIG_CLAMP(x) v_clamp(x, -89.4f, 86.6f)
#endif
SA_INLINE sa_v sa_sigmoid_fast_v(sa_v x) {
    sa_v one = v_set1(1.0f);
    sa_v E = fx_exp2_big(v_fma(SA_FX_SIG_CLAMP(x), v_set1(-SA_LOG2E), v_set1(-1.0f)));
    return v_div(one, v_add(one, E));
}
SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE(sigmoid_fast, fl2_p4_div, sa_sigmoid_fast_v)

/* =========================================================================== silu_fast
 * silu(x) = x sigmoid(x) = x / (1 + e^-x).
 * Algorithm (fl2_p4_div): the quotient with numerator and denominator both scaled by 2^-6,
 *   y = (m 2^-6) / (2^-6 + E), m = max(x, lo) (lo = -94), E = e^-m 2^-6 = fx_exp2_big(w),
 *   w = -m log2e - 7 rounded once (one fma; the 2^-6 is the -6 folded into the constant),
 *   on m clamped to [-94, 94] (AVX-512: one vrangeps on x) or to [-94, 20] (elsewhere: the
 *   bits trick of fx_exp2_mulbits needs n >= -126; above 20, E < 2^-34.8 < 2^-30, half an
 *   ulp of 2^-6, so the denominator is 2^-6 on both and the bits agree). The scaling keeps E
 *   finite (w < 127) for m > -92.88, i.e. wherever silu(x) is normal (down to x ~ -91.8):
 *   there E > 1 carries e^-x's relative error into the quotient, with no subnormal
 *   intermediate (the form it replaced, e = exp(-|x|) and max(t e, x) / (1 + e), rounded a
 *   subnormal e below x = -87.3). From m = -92.88 on E overflows to +inf (as sigmoid_fast's
 *   E does) and y = -0, where |silu(x)| < 2^-127.5: inside the absolute allowance; m = -94
 *   makes silu(-inf) = -0 with a finite numerator (w = 128.6: +inf from vscalefps and from the
 *   exponent field 255 of fx_exp2_mulbits alike). m 2^-6 is exact but for |x| < 2^-120, where
 *   its rounding is at most 2^-19 relative while silu(x) ~ x/2 >= FLT_MIN (|x| >= 2^-125). On
 *   AVX-512 n = floor(w) is vrndscaleps and f = w - n a subtraction (vreduceps rounds f down
 *   for w in (-1, 0), which this w reaches, x in (-4.85, -4.16)): the same f as AVX2's.
 *   The numerator does not wait for the exp: in L1 on a Zen 5 (bench/kernel_cycles.c row
 *   2048, ns per element) AVX-512 0.087 -> 0.077, AVX2 0.201 -> 0.166, with one operation more
 *   on AVX-512 (the clamp of x) than max(t e, x) / (1 + e) took.
 * Error: exp 2^-18.4 plus w's rounding (2^-17.5 relative in E at x = -92) and the quotient:
 *   measured max 2^-17.17 relative at x = -91.538 (was 2^-16.21 with the subnormal e), every
 *   float32 input on AVX-512, AVX2 and scalar: the same bits, tests/test_fast.py.
 * Special values: silu(+inf) = +inf, silu(-inf) = -0, silu(+-0) = +-0; NaN -> x quieted
 *   (m keeps x's NaN, max with the bound first; the clamp of the exp's argument may drop it,
 *   but m 2^-6 is the quotient's first operand, whose NaN wins). */
#if defined(SA_TARGET_AVX512)
#define SA_FX_SILU_EXPARG(x, m, lo) v_clamp_sym(x, -(lo))
#else
#define SA_FX_SILU_EXPARG(x, m, lo) v_min(v_set1(20.0f), m)
#endif
/* m sigmoid(v) as (m 2^-6) / (2^-6 + E), E = e^-v 2^-6 (v clamped by the caller: finite on
 * AVX-512, in [-94, 20] elsewhere) */
SA_INLINE sa_v fx_sig_quot(sa_v m, sa_v v) {
    const sa_v s = v_set1(0x1p-6f);
    sa_v E = fx_exp2_big(v_fma(v, v_set1(-SA_LOG2E), v_set1(-7.0f)));
    return v_div(v_mul(m, s), v_add(E, s));
}
/* silu(x) with the numerator clamped at lo (silu_fast: -94; swiglu_fast: -80, so that no lane's
 * E overflows: its lanes below -80 take another path) */
SA_INLINE sa_v fx_silu(sa_v x, float lo) {
    sa_v m = v_max(v_set1(lo), x);
    return fx_sig_quot(m, SA_FX_SILU_EXPARG(x, m, lo));
}
SA_INLINE sa_v sa_silu_fast_v(sa_v x) { return fx_silu(x, -94.0f); }
SA_DEF_UNARY_NANPROP(silu_fast, fl2_p4_div, sa_silu_fast_v)

/* ====================================================================== gelu_tanh_fast
 * gelu_tanh(x) = x sigmoid(v), v = C1 x + C3 x^3 = x (C1 + C3 x^2), C1 = 2 sqrt(2/pi),
 * C3 = 0.044715 C1.
 * Algorithm (fl2_p4_div): v = xc (C1 + C3 xc^2) in float (xc^2, the fma and the product round
 *   once each, C1 and C3 carry 2^-25 each: |dv| <= 4 2^-24 |v|), xc = x clamped to [-30, 30]
 *   (|v| > 1900 beyond: the sigmoid is 0 or 1), then silu_fast's quotient (fx_sig_quot) with
 *   v as the sigmoid argument and m = max(x, -30) as the numerator: y = (m 2^-6) / (2^-6 + E),
 *   E = e^-v 2^-6, finite wherever the result is normal (v > -92.88, x > -10.2; there v ~
 *   -89.6 at the result's underflow); below, E is +inf and y = -0 (|exact| < 2^-130), -inf
 *   included (m = -30). On AVX-512 v needs no clamp (w finite: vscalefps gives 0 or +inf);
 *   elsewhere it is clamped to [-94, 20] for fx_exp2_mulbits (the same bits: E = +inf below
 *   -92.88 on both, and the denominator is 2^-6 above 16.7 on both). The form it replaced,
 *   e = exp(-|v|) and max(xc e, x) / (1 + e), took as many operations on AVX-512 but put the
 *   numerator behind the exp; in L1 on a Zen 5 (bench/kernel_cycles.c row 2048, ns per
 *   element): AVX-512 0.146 -> 0.110, AVX2 0.321 -> 0.281.
 * Error: dv is an absolute error of the exponent, largest where the result is still normal
 *   (x ~ -10.1, v ~ -89.6): 4 2^-24 89.6 = 2^-15.5 relative, the exp 2^-18.4 plus w's rounding
 *   (2^-18 there), the quotient and the product: measured max 2^-15.73 at x = -9.9731 (was
 *   2^-15.56), every float32 input on AVX-512, AVX2 and scalar: the same bits,
 *   tests/test_fast.py. (v was a hi + lo pair, exact to ~2^-40, until the 2^-14 bound was seen
 *   to leave room for the plain product: 11 fewer operations.)
 * Special values: gelu_tanh(+inf) = +inf, (-inf) = -0, (+-0) = +-0; NaN -> x quieted through
 *   m, the quotient's first operand (AVX-512's vrangeps clamp drops it from v). */
SA_INLINE sa_v sa_gelu_tanh_fast_v(sa_v x) {
    const sa_v c1 = v_set1(0x1.988454p+0f), c3 = v_set1(0x1.2444f2p-4f);
    sa_v xc = v_clamp_sym(x, 30.0f);
    sa_v v = v_mul(xc, v_fma(c3, v_mul(xc, xc), c1));
#if !defined(SA_TARGET_AVX512)
    v = v_clamp(v, -94.0f, 20.0f);
#endif
    return fx_sig_quot(v_max(v_set1(-30.0f), x), v);
}
SA_DEF_UNARY_NANPROP(gelu_tanh_fast, fl2_p4_div, sa_gelu_tanh_fast_v)

/* ========================================================================== tanh_fast
 * tanh(x) = x P(x^2) / Q(x^2) on x clamped to [-5.8, 5.8], then clamped to [-1, 1]
 *   (fx_odd_rational). P degree 2, Q degree 3 in x^2: a minimax relative fit on [0, 6] for the
 *   2^-14 bound (2^-17.1), with P scaled by 1/R(5.8) (1 + 2^-16.0, rounded so that the float
 *   quotient at 5.8 is 1): R peaks near 5.81, so the scaled R lies at or below 1 up to 5.8 but
 *   for float rounding (the final clamp), and every |x| >= 5.8 gives 1 (1 - tanh(5.8) =
 *   2^-15.7).
 * Algorithm (rat2_3_div): two clamps, 5 fmas, two products, one quotient (the form with |x|,
 *   a select at 6 and the sign copied back took 18 vector operations on AVX2 against 12 now:
 *   0.273 -> 0.197 ns / element in L1 on a Zen 3, bench/kernel_cycles.c row 2048).
 * Error: the fit's 2^-17.1 plus the scaling's 2^-16.0: measured max 2^-15.45 relative at
 *   x = 5.5443 (every float32 input, AVX2 and scalar: the same bits; python -m simdact
 *   accuracy --exhaustive).
 * Special values: tanh(+-inf) = +-1, tanh(+-0) = +-0, NaN -> NaN (quieted, sign and payload
 *   kept). */
static const float SA_FX_TANH_P[3] = {0x1.00007ep+0f, 0x1.d65a4ap-4f, 0x1.8d09cap-10f};
static const float SA_FX_TANH_Q[4] = {1.0f, 0x1.cade54p-2f, 0x1.208a1ep-6f, 0x1.d80832p-15f};
#define SA_FX_TANH_X 5.8f
SA_INLINE sa_v sa_tanh_fast_v(sa_v x) {
    return fx_odd_rational(x, SA_FX_TANH_P, 3, SA_FX_TANH_Q, 4, SA_FX_TANH_X);
}
SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE(tanh_fast, rat2_3_div, sa_tanh_fast_v)

/* =========================================================================== erf_fast
 * erf(x) = x P(x^2) / Q(x^2) on x clamped to [-3.1, 3.1], then clamped to [-1, 1]
 *   (fx_odd_rational). P degree 2, Q degree 4 in x^2: a minimax relative fit on [0, 3.1] for
 *   the 2^-14 bound (2^-18.1; Q > 0 there), with P scaled by 1/R(3.1) (1 + 2^-16.9, rounded so
 *   that the float quotient at 3.1 is 1), so every |x| >= 3.1 gives 1 (erfc(3.1) = 2^-16.4).
 * Algorithm (rat2_4_div): two clamps, 6 fmas, two products, one quotient (with |x|, a select
 *   and the sign copied back: 0.306 -> 0.225 ns / element in L1 on a Zen 3).
 * Error: measured max 2^-16.36 relative at x = 2.6207 (every float32 input, AVX2 and scalar:
 *   the same bits).
 * Special values: erf(+-inf) = +-1, erf(+-0) = +-0, NaN -> NaN. */
static const float SA_FX_ERF_P[3] = {0x1.20ddd0p+0f, 0x1.0f3a40p-3f, 0x1.3155b8p-5f};
static const float SA_FX_ERF_Q[5] = {1.0f, 0x1.cd7796p-2f, 0x1.556b34p-4f, 0x1.a71e54p-8f,
                                     -0x1.3cf85ep-14f};
#define SA_FX_ERF_X 3.1f
SA_INLINE sa_v sa_erf_fast_v(sa_v x) {
    return fx_odd_rational(x, SA_FX_ERF_P, 3, SA_FX_ERF_Q, 5, SA_FX_ERF_X);
}
SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE(erf_fast, rat2_4_div, sa_erf_fast_v)

/* ========================================================================== gelu_fast
 * gelu(x) = x Phi(x); with a = |x| and the upper tail Q(a) = Phi(-a) = exp(-a^2/2) R(a):
 *   gelu(x) = x Q(a) (x < 0), x (1 - Q(a)) (x >= 0; 1 - Q >= 1/2: no cancellation).
 * R(a) = P(a) / D(a), P degree 2, D degree 3: minimax on [0, 13.3] (beyond, the result is
 *   subnormal) of R's relative error plus the rest of the kernel's as it grows with a (the exp's
 *   polynomial and the roundings of a^2 and w), by tools/fit_gelu_rational.py: R 2^-15.26 in
 *   float32 evaluation. The 3 / 4 pair it replaced (2^-20.16) left the 2^-14 bound four bits
 *   unused for two fmas more; on the Zen 5, AVX-512 (bench/kernel_cycles.c, ns per element):
 *   row 2048 0.142 -> 0.127, row of 2^20 0.148 -> 0.132, geglu_fast (param 2048) 0.182 ->
 *   0.170.
 * Algorithm (exp_rat2_3_div): a clamped at 15 (15 Q(15) < 2^-150: the product uses max(-15, x),
 *   so gelu(x < -15) and gelu(-inf) come out -0), held as z = -a = -min(|x|, 15)
 *   (fx_negabs_min; a NaN x reaches the result through the product by max(-15, x), so
 *   gelu_fast skips the driver's NaN select; P and D are evaluated at z with their odd
 *   coefficients negated, the same bits); a^2 = z^2 rounded once (a^2/2 <= 87 where the result is normal: 2^-18
 *   absolute, a relative error of the exp inside the 2^-14 bound; it was an exact pair until
 *   the bound was seen to leave room), exp(-a^2/2) = p 2^n (fx_exp2_e on fx_exp_halfneg_pn's
 *   w) rounded once into e: where the result is normal, e >= 2.5 2^-126 is normal too
 *   (x Q(x) ~ 0.4 e near x = -13.2); Q = e (P/D) (the quotient beside the exp's chain, not
 *   behind it as (e P)/D was: in L1 on the Zen 5, bench/kernel_cycles.c row 2048, AVX-512
 *   0.127 -> 0.124, AVX2 0.300 -> 0.293 ns per element); y = x (1 - Q) (x >= 0) or
 *   x Q (x < 0). In L1 on a Zen 3 (bench/kernel_cycles.c row 2048, ns per element), the NaN
 *   pass-through: 0.587 -> 0.560.
 * Error: R 2^-15.26, the exp 2^-18.4 plus the roundings of a^2 and w (each about 2^-18
 *   absolute in the exponent near x = -13), the quotient and the products: measured max
 *   2^-15.10 relative at x = -4.3578 (every float32 input on AVX-512; AVX2 and scalar give the
 *   same bits, tests/test_fast.py; 2^-16.47 at x = -13.15 with the 3 / 4 pair).
 * Special values: gelu(+inf) = +inf, gelu(-inf) = -0, gelu(+-0) = +-0. */
/* P and D of the fit (lowest degree first) with their odd coefficients negated, for evaluation
 * at z = -a: every Horner step gives exactly the negation of the step at a (or the step
 * itself), so the same P(a) and D(a), bit for bit (tools/fit_gelu_rational.py prints them in
 * this form). */
static const float SA_FX_GELU_PZ[3] = {0x1.0001a8p-1f, -0x1.1dadd4p-2f, 0x1.0171eep-4f};
static const float SA_FX_GELU_DZ[4] = {1.0f, -0x1.5b4c36p+0f, 0x1.68996ap-1f, -0x1.424e42p-3f};
/* A select whose one side is a single operation: on AVX-512 that operation masked to its lanes
 * (the other lanes keep the other side), no blend; the same bits. fx_q_or_1mq(neg, Q) = neg ?
 * Q : 1 - Q (gelu_fast; mish_fast had a masked product until it lost its sign split). */
SA_INLINE sa_v fx_q_or_1mq(sa_m neg, sa_v Q) {
#if defined(SA_TARGET_AVX512)
    return _mm512_mask_sub_ps(Q, (__mmask16)~neg, v_set1(1.0f), Q);
#else
    return v_sel(neg, Q, v_sub(v_set1(1.0f), Q));
#endif
}
SA_INLINE sa_v sa_gelu_fast_v(sa_v x) {
    sa_v z = fx_negabs_min(x, 15.0f); /* -min(|x|, 15); geglu_fast's NaN lanes take another path */
    sa_v e = fx_exp_halfneg_e(v_mul(z, z)); /* exp(-a^2/2), a^2 = z^2 rounded once */
    sa_v P, D;
    SA_HORNER(z, SA_FX_GELU_PZ, 3, P);
    SA_HORNER(z, SA_FX_GELU_DZ, 4, D);
    sa_v Q = v_mul(e, v_div(P, D)); /* R = P / D beside the exp, not behind it */
    return v_mul(v_max(v_set1(-15.0f), x), fx_q_or_1mq(m_signbit(x), Q));
}
SA_DEF_UNARY_NANPROP(gelu_fast, exp_rat2_3_div, sa_gelu_fast_v)

/* ========================================================================== mish_fast
 * mish(x) = x tanh(softplus(x)) = x N / (N + 2), N = E (E + 2), E = e^x (tanh(log(1 + E)) =
 *   ((1 + E)^2 - 1) / ((1 + E)^2 + 1); all terms positive: no cancellation at either end).
 * Algorithm (fl2_p4_div): m = max(x, -110), E' = E 2^8 = fx_exp2_sub(w), w = min(m, 30) log2e
 *   + 7 rounded once (one fma: the 2^8 folded into the constant), N' = E' (E' + 2^9) = N 2^16,
 *   y = m (N' / (N' + 2^17)). No sign split: for x < 0, N / (N + 2) keeps E's relative error;
 *   for x > 0 the quotient tends to 1 (exactly 1 in float from x ~ 9.1 on; min(m, 30) keeps N'
 *   below 2^103). The 2^8 keeps E' normal wherever mish(x) is (down to x ~ -91.8, E' >=
 *   2^-124.4): no subnormal intermediate on the way to a normal result. Below, E' rounds to a
 *   subnormal or to 0 (from x ~ -108.8 on), and m = -110 gives mish(-inf) = -0 * ... = -0 with
 *   no inf * 0. The quotient comes before the product by m, so no |x| overflows it. On AVX-512
 *   E' is vscalefps of p by n = floor(w) (vrndscaleps; f = w - n a subtraction, the same f as
 *   AVX2's, where vreduceps would round it down for w in (-1, 0)); elsewhere the scaled
 *   polynomial of fx_exp2_e with the factor 2^(n + 64) (n in [-152, 50] here): the same bits.
 *   The form it replaced, A = exp(-|x|), the two quotients (1 + 2A) / (1 + 2A + 2A^2) and
 *   A (A + 2) / (A (A + 2) + 2) and a select by the sign of x, took 18 operations on AVX-512
 *   against 15 now; in L1 on a Zen 5 (bench/kernel_cycles.c row 2048, ns per element):
 *   AVX-512 0.136 -> 0.111, AVX2 0.327 -> 0.228.
 * Error: the exp 2^-18.4 plus w's rounding (2^-18 absolute at x = -91.8: 2^-18.5 relative in
 *   E'), then four roundings: measured max 2^-16.50 relative at x = -91.571 (was 2^-16.21
 *   with the subnormal A), every float32 input on AVX-512, AVX2 and scalar: the same bits,
 *   tests/test_fast.py.
 * Special values: mish(+inf) = +inf, mish(-inf) = -0, mish(+-0) = +-0; NaN -> x quieted (m
 *   keeps it: the max has the bound first; it is the product's first operand, and min(30, m)
 *   hands it to E' and N' too). */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v fx_exp2_sub(sa_v w) { return fx_exp2_big(w); }
#else
SA_INLINE sa_v fx_exp2_sub(sa_v w) { return fx_exp2_e(w); } /* the factor's field n + 191 > 0 */
#endif
SA_INLINE sa_v sa_mish_fast_v(sa_v x) {
    sa_v m = v_max(v_set1(-110.0f), x);
    sa_v E = fx_exp2_sub(v_fma(v_min(v_set1(30.0f), m), v_set1(SA_LOG2E), v_set1(7.0f)));
    sa_v N = v_mul(E, v_add(E, v_set1(0x1p9f)));
    return v_mul(m, v_div(N, v_add(N, v_set1(0x1p17f))));
}
SA_DEF_UNARY_NANPROP(mish_fast, fl2_p4_div, sa_mish_fast_v)

/* ============================================================================ gated units
 * fx_mul_scale(a, m, b, n, k) = (a m b) 2^n, rounded as one product on AVX-512, elsewhere where
 * an operand is tiny or huge (below; three float roundings otherwise): n an integer-valued float
 * in [-320, 0] (k the same integer as int32; on AVX-512 floor(n) is taken, as vscalefps
 * does), a and b any floats, m a normal float in [1/4, 4]. A
 * result beyond the float range overflows only there, so the overflow flag means a genuine
 * overflow; a subnormal a or a tiny 2^n times a large b keeps its relative accuracy.
 *   AVX-512: a = ma 2^ea, b = mb 2^eb (vgetmantps / vgetexpps: ma, mb in [1, 2) with the
 *            signs, subnormals normalized), y = vscalefps(ma m mb, ea + eb + n): two float
 *            products and the final scaling; zeros (exponent -inf), infinities (+inf) and NaNs
 *            give 0 * finite = +-0, inf * 0 = NaN, inf * finite = +-inf as the plain product.
 *   AVX2, scalar: per lane, ((a m) b) 2^k in float (three roundings) in each lane whose
 *            operands allow it (below), else (a m b) 2^k in float64 (a m exact, 2^k built as
 *            a float64: sa_scale_d, f32_cores.h), rounded once; a lane's result never depends
 *            on its neighbours. */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v fx_mul_scale(sa_v a, sa_v m, sa_v b, sa_v n, sa_vi k) {
    (void)k;
    /* fx_exp2_pn's n carries w's fraction on AVX-512: floored here, because the sum below
     * would round a small fraction away (-11 + -1.00000006 is -12 in float) */
    n = _mm512_roundscale_ps(n, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512 ma = _mm512_getmant_ps(a, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
    __m512 mb = _mm512_getmant_ps(b, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
    __m512 e = _mm512_add_ps(_mm512_add_ps(_mm512_getexp_ps(a), _mm512_getexp_ps(b)), n);
    return _mm512_scalef_ps(_mm512_mul_ps(_mm512_mul_ps(ma, m), mb), e);
}
#else
/* the float64 product, out of line: the rare path stays out of the kernels' loops */
static __attribute__((noinline, cold)) sa_v fx_mul_scale_d(sa_v a, sa_v m, sa_v b, sa_vi k) {
    sa_vd r[2];
    SA_FOR_DN(h)
        r[h] = sa_scale_d(vd_mul(vd_mul(sa_vdh(a, h), sa_vdh(m, h)), sa_vdh(b, h)), k, h);
    return SA_D_JOIN(r);
}
SA_INLINE sa_v fx_mul_scale(sa_v a, sa_v m, sa_v b, sa_v n, sa_vi k) {
    /* in float for each lane where that is safe: a m normal (or a = 0), so it keeps its
     * relative accuracy; |a m b| < 2^100, so nothing overflows before the scaling (NaN and inf
     * fail the test); then v_ldexp, k clamped at -252 (below it every result rounds to zero
     * either way). Three roundings: relative error <= 3 2^-24 where the result is normal,
     * absolute <= 2^-149 below. The other lanes (rare: a tiny or huge operand, a special
     * value) take the float64 product, one rounding; which path a lane takes depends on its
     * own operands only, so results do not depend on position. In L1 on a Zen 3 (AVX2;
     * bench/kernel_cycles.c param 2048), ns per element: swiglu_fast 1.19 -> 0.92, geglu_fast
     * 1.34 -> 1.04. */
    sa_v am = v_mul(a, m), t = v_mul(am, b);
    sa_m ok = m_and(v_lt(v_abs(t), v_set1(0x1p100f)),
                    m_or(v_ge(v_abs(am), v_set1(0x1p-100f)), v_eq(a, SA_FX_ZERO)));
    sa_v y = v_ldexp(t, sa_seli(v_lt(n, v_set1(-252.0f)), vi_set1(-252), k));
    if (__builtin_expect(m_count(ok) == SA_W, 1))
        return y;
    return v_sel(ok, y, fx_mul_scale_d(a, m, b, k)); /* per lane: position independent */
}
#endif
/* g(a) b for the fast gated units, g the unit's fast unary kernel (silu_fast, gelu_fast), in
 * every lane where g(a) keeps its relative accuracy as a float: a >= lo (g(a) normal with room
 * to spare, its contract's bound holding) and |a| >= 2^-100 or a = +-0 (g(a) ~ a/2 not
 * subnormal); one more rounding (2^-24) on top of g's error. The other lanes (rare: a below lo,
 * a tiny nonzero a, NaN, -inf) take wide(a, b), the unit's product formed without rounding
 * g(a) on its own (fx_mul_scale), so a subnormal g(a) (or a subnormal a) times a large b keeps
 * its relative accuracy; which path a lane takes depends on its own a only, so results do not
 * depend on position. An overflow of g(a) b is the product's own (|g(a)| <= |a|): a genuine
 * one up to g's 2^-16 relative error at the float range's edge, as in fx_mul_scale. The
 * product by fx_mul_scale in every lane, as before, cost its test and scaling per vector: in L1
 * on a Zen 3 (AVX2, bench/kernel_cycles.c param 2048), ns per element, swiglu_fast 0.905 ->
 * 0.590, geglu_fast 1.010 -> 0.815. */
SA_INLINE sa_v fx_gated(sa_v a, sa_v b, sa_v g, float lo, sa_v (*wide)(sa_v, sa_v)) {
    sa_m ok = m_and(v_ge(a, v_set1(lo)),
                    m_or(v_ge(v_abs(a), v_set1(0x1p-100f)), v_eq(a, SA_FX_ZERO)));
    if (__builtin_expect(m_count(ok) == SA_W, 1))
        return v_mul(g, b);
    /* the other lanes' g replaced by 1 first: their g b is dropped and must raise no flag
     * (-0 inf, a g that is 0 times an inf b) */
    return v_sel(ok, v_mul(v_sel(ok, g, v_set1(1.0f)), b), wide(a, b));
}

/* ========================================================================= swiglu_fast
 * swiglu(a, b) = silu(a) b = a sigmoid(a) b   (b passed as the operand p).
 * Algorithm (fl2_p4_div_scaled): a >= -80 (silu(a) >= -1.5e-33: normal) and |a| >= 2^-100 or
 *   a = 0: silu_fast(a) b, rounded twice (fx_gated; silu_fast's quotient with its numerator
 *   clamped at -80 instead of -94, so that no lane's E overflows: the lanes below -80 drop
 *   theirs). Elsewhere: e = exp(-|a|) = p 2^n
 *   (fx_exp_pn, -|a| clamped at -200), m = 1/(1 + e) (a >= 0) or p/(1 + e) (a < 0) by one
 *   quotient (e scaled with n clamped at -150 for the sum: it only matters above 2^-25), then
 *   y = (a m b) 2^n (n = 0 for a >= 0) by fx_mul_scale: silu(a) is not rounded on its own.
 *   a < -200 is replaced by -0 (the exact result is below every subnormal even for |b| =
 *   FLT_MAX), so (a < -200, +-inf) gives NaN as the accurate tier.
 * Error: silu_fast's 2^-17.17 plus the product's rounding (fx_gated); measured max 2^-15.98
 *   relative at (a, b) = (-179.3, 3e38) (the other lanes' path; 2^-18.0 on the fx_gated lanes
 *   with silu_fast's previous form: 2^22 swept a, b in {1, -3.5, 2^100, 1e-30, 3e38,
 *   -7.1e-39}), tests/test_fast.py; on the exhaustive sweep's grid 2^-16.71 at a = -89.9 (the
 *   other lanes), unchanged by the new silu_fast.
 * Special values: (+inf, b) = +inf * b, (-inf, b) = -0 * b, (+-0, b) = +-0 * b, NaN a -> NaN. */
static __attribute__((noinline, cold)) sa_v fx_swiglu_wide(sa_v a, sa_v b) {
    sa_v one = v_set1(1.0f);
    sa_m neg = v_lt(a, SA_FX_ZERO);
    sa_v n;
    sa_vi k;
    sa_v p = fx_exp_pn(fx_negabs_min(a, 200.0f), &n, &k);
    sa_v m = v_div(v_sel(neg, p, one), v_add(one, fx_scale_1p(p, n, k)));
    sa_v ac = v_sel(v_lt(a, v_set1(-200.0f)), v_set1(-0.0f), a);
    return fx_mul_scale(ac, m, b, v_sel(neg, n, SA_FX_ZERO), sa_seli(neg, k, vi_set1(0)));
}
SA_INLINE sa_v sa_swiglu_fast_pv(sa_v a, sa_v b, sa_v q_) {
    (void)q_;
    return fx_gated(a, b, fx_silu(a, -80.0f), -80.0f, fx_swiglu_wide);
}
SA_DEF_PARAM(swiglu_fast, fl2_p4_div_scaled, sa_swiglu_fast_pv)

/* ========================================================================== geglu_fast
 * geglu(a, b) = gelu(a) b, gelu(a) = a Phi(a) (exact erf GELU), b passed as the operand p.
 * Algorithm (exp_rat2_3_div_scaled): a >= -12 (gelu(a) >= -2.2e-32: normal) and |a| >= 2^-100
 *   or a = 0: gelu_fast(a) b, rounded twice (fx_gated). Elsewhere gelu_fast's pieces with |a|
 *   clamped at 20.5 (Q(20.5) 20.5 FLT_MAX < 2^-150): e = exp(-a^2/2) = p 2^n (a^2 rounded
 *   once: 2^-17 absolute at 20.5, n down to -303, fx_exp_halfneg_pn), R(a) = P/D by one
 *   quotient (a rational of degree 3 / 4 fitted on [0, 20.5]: gelu_fast's is fitted where
 *   gelu's own result is normal, a <= 13.3), Q = e R; m = 1 - Q (a >= 0; Q from e
 *   scaled with n clamped at -200) or R p (a < 0), then y = (max(a, -20.5) m b) 2^n (n = 0
 *   for a >= 0) by fx_mul_scale (subnormal gelu(a) times a large b keeps its relative
 *   accuracy).
 * Error: gelu_fast's plus the product's rounding (fx_gated): measured max 2^-15.11 relative
 *   at a = -4.355 for every b of the grid (every 257th bit pattern of a, AVX-512); the wide
 *   path measured 2^-15.80 at (a, b) = (-17.86, 3e38); tests/test_fast.py checks the bound on
 *   the grid and beyond it.
 * Special values: (+inf, b) = +inf * b, (-inf, b) = -tiny * b (as the accurate tier: -0, or
 *   -+inf for b = +-inf), (+-0, b) = +-0 * b, NaN a -> NaN. */
/* R for the wide path: P degree 3, D degree 4, Lawson-weighted minimax relative on [0, 20.5]
 * (2^-20.65; 2^-20.16 in float32 evaluation; gelu_fast's own until its fit narrowed to the
 * normal results of gelu alone), odd coefficients negated as SA_FX_GELU_PZ / DZ */
static const float SA_FX_GELU_WIDE_PZ[4] = {0x1.ffffecp-2f, -0x1.7ba272p-2f, 0x1.fe80f6p-4f,
                                            -0x1.2b6cbcp-6f};
static const float SA_FX_GELU_WIDE_DZ[5] = {1.0f, -0x1.8a1180p+0f, 0x1.f49462p-1f,
                                            -0x1.3fc60ep-2f, 0x1.774ba8p-5f};
static __attribute__((noinline, cold)) sa_v fx_geglu_wide(sa_v a, sa_v b) {
    sa_v z = fx_negabs_min(a, 20.5f); /* -min(|a|, 20.5), P and D at z as in gelu_fast */
    sa_v n;
    sa_vi k;
    sa_v p = fx_exp_halfneg_pn(v_mul(z, z), &n, &k); /* exp(-a^2/2), a^2 rounded once */
    sa_v P, D;
    SA_HORNER(z, SA_FX_GELU_WIDE_PZ, 4, P);
    SA_HORNER(z, SA_FX_GELU_WIDE_DZ, 5, D);
    sa_v R = v_div(P, D);
    sa_v Q = v_mul(fx_scale_1p(p, n, k), R);
    sa_m neg = v_lt(a, SA_FX_ZERO);
    sa_v m = v_sel(neg, v_mul(R, p), v_sub(v_set1(1.0f), Q));
    return fx_mul_scale(v_max(a, v_set1(-20.5f)), m, b, v_sel(neg, n, SA_FX_ZERO),
                          sa_seli(neg, k, vi_set1(0)));
}
SA_INLINE sa_v sa_geglu_fast_pv(sa_v a, sa_v b, sa_v q_) {
    (void)q_;
    return fx_gated(a, b, sa_gelu_fast_v(a), -12.0f, fx_geglu_wide);
}
SA_DEF_PARAM(geglu_fast, exp_rat2_3_div_scaled, sa_geglu_fast_pv)

/* ======================================================================== softmax_fast
 * softmax(x)_i = exp(x_i - max) / sum_j exp(x_j - max), one row x[0..n).
 * Algorithm (max_fl2_p4_f64sum): pass 1 max (sa_row_max: four running maxima, one horizontal
 *   tree; a row group's rows at once, sa_rows_max_ in f32_cores.h; NaN if the row has one,
 *   which makes a row of NaN; on AVX-512 and AVX2, where a NaN goes through pass 2 into the
 *   sum, sa_row_max_nonan, and a NaN sum makes the row of NaN:
 *   SA_DEF_ROWS_SUMNAN); pass 2 d = x - max rounded to float (where y_i >= FLT_MIN,
 *   d >= -87.4 and its rounding is at most 2^-18 absolute: a relative error of e, inside the
 *   2^-14 bound), clamped at -110 but on AVX-512 (fx_exp_diff; exp rounds to 0 there; the
 *   clamp keeps a NaN d), e = exp(d) (fx_exp_e: base 2, floor reduction, degree 4) into y, and
 *   summed: each block of
 *   SA_FX_BLK vectors in float (lane-wise, even and odd vectors in two chains joined at the
 *   end; the terms are >= 0, so <= 4 roundings of 2^-24 relative), the block sums into
 *   float64 partials (SA_DN per vector), so pass 2 converts once per block instead of once per
 *   vector; the tail runs the same vector code with its missing lanes zeroed (contributing
 *   exactly 0) straight into the partials, which are summed in a tree (vd_hsum: the row's
 *   reductions are on its critical path, so no scalar loops); pass 3 y_i = e_i * (float)(1/S).
 *   x == y is fine (each element is read before written).
 * Error: d 2^-18, w's rounding 2^-18.5 and the polynomial's error in e, the block sums 2^-22,
 *   three roundings (e, 1/S, the product) and the float64 sum (n 2^-53): measured max 2^-16.9
 *   relative (tests/test_fast.py's two seeds of random rows, every ISA; it checks the bound;
 *   2^-17.5 with the reduction to nearest this kernel used before, fx_exp_diff). Where
 *   y_i >= FLT_MIN, e_i >= FLT_MIN is normal.
 * Special rows: any NaN -> all NaN; any +inf -> all NaN; all -inf -> all NaN; -inf entries in
 *   an otherwise finite row -> 0; n == 0 -> nothing; n == 1 finite -> [1]. */

#define SA_FX_BLK 8 /* vectors per float block sum (error <= 4 2^-24: all terms >= 0) */
/* exp(x - mx) for one vector of a row whose max mx is finite (x = -inf and x - mx < -110 give
 * 0): fx_exp_e(d), d = x - mx (the unary kernels' exp: w = d log2e - 1 rounded once, p =
 * 2^(1 + w - floor(w)) of degree 4, p 2^floor(w) with one rounding: vscalefps on AVX-512);
 * where y >= FLT_MIN, d >= -87.4 and |w| < 128: w's rounding is at most 2^-18 absolute,
 * 2^-18.5 relative in e. d is clamped at -110 (a max with the bound first: a NaN d goes
 * through), but on AVX-512: there vreduceps gives 0 for w = -inf and for every |w| >= 2^23 (an
 * integer), so vscalefps gives 0 for d = -inf and for every w <= -152. A NaN x stays NaN to
 * the end (on AVX2 too: the factor 2^floor(w) is built from w's bits, and p is NaN), so the
 * row's sum comes out NaN (SA_DEF_ROWS_SUMNAN, f32_driver.h). This replaced the reduction to
 * nearest (n = round(d log2e) by a magic constant, r = d - n ln2 by one fma, exp(r) of degree
 * 4, the scaling an integer add of n's bits; log_softmax_fast's terms too, until later): pass
 * 2 on AVX-512 is nine vector operations per vector besides the load and the store (the
 * subtraction, the exp's seven, the sum's add) against eleven, and pass 1 drops a compare per
 * vector. bench/kernel_cycles.c on
 * the Zen 5, in L1, ns per element, rows of 1024 / 8192 / pairs of rows of 128: AVX-512
 * 0.133 / 0.122 / 0.160 -> 0.116 / 0.110 / 0.143, AVX2 0.244 / 0.238 / 0.275 -> 0.221 /
 * 0.226 / 0.261. With the clamp kept on AVX-512 this exp gained nothing on the Zen 5 (0.133
 * either way; the Zen 4 had measured it 3% slower): the gain is the clamp and the compare
 * left out. A column with a NaN or +inf (the column kernels compute it beside the others)
 * gets garbage here and NaN in the end (its good[] lane). */
SA_INLINE sa_v fx_exp_diff(sa_v x, sa_v mx) {
#if defined(SA_TARGET_AVX512)
    return fx_exp_e(v_sub(x, mx));
#else
    return fx_exp_e(v_max(v_set1(-110.0f), v_sub(x, mx)));
#endif
}
#define SA_FX_LOG_UNSCALE 0x1p-100 /* log_softmax_fast's terms are exp(d) 2^100 */
/* exp(z) 2^100 for z <= 0, rounded once (log_softmax_fast's terms; z >= -150 off AVX-512):
 * fx_exp_e's p 2^floor(w), w = z log2e - 1, with p formed 2^100 times larger. On AVX-512 every
 * coefficient and the final 2 of fx_exp2_pn's Horner steps carry the factor (each step's
 * result then exactly 2^100 times the unscaled one: all normal, at most 2^102), and vscalefps
 * scales by 2^floor(w): z = -inf (vreduceps gives 0 for w = -inf) and every z below -173
 * give +0, z in (-173, -156.6) a subnormal, so z needs no clamp; w's fma suppresses
 * exceptions (embedded rounding, the same result): below z = -2.36e38 w overflows to -inf (and
 * the term is +0), which must not raise the flag log_softmax reports. Elsewhere the factor
 * 2^(floor(w) + 100) comes from bits (fx_exp2_mulbits with bias 227), which must make a
 * normal float: z >= -150 gives w >= -217.5, exponent field >= 9. Both are exact wherever the
 * result is normal (z >= -156.6), so the ISAs agree there; below, the terms are too small to
 * reach a float L (log_softmax_fast). */
static const float SA_FX_EXP2_2P100[4] = {0x1.62d6d0p+100f, 0x1.ee2374p+98f, 0x1.abfe7ep+96f,
                                           0x1.b7ea5cp+94f}; /* SA_FX_EXP2 2^100 */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v fx_exp_e_2p100(sa_v z) {
    sa_v w = _mm512_fmadd_round_ps(z, v_set1(SA_LOG2E), v_set1(-1.0f),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    sa_v f = _mm512_reduce_ps(w, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    return _mm512_scalef_ps(fx_exp2_poly(f, SA_FX_EXP2_2P100, 0x1p101f), w);
}
#else
SA_INLINE sa_v fx_exp_e_2p100(sa_v z) {
    sa_v w = v_fma(v_max(v_set1(-150.0f), z), v_set1(SA_LOG2E), v_set1(-1.0f));
    return fx_exp2_mulbits(w, SA_FX_EXP2, 2.0f, 227.0f);
}
#endif
/* log_softmax_fast's term of T for d = x - max, exp(d) 2^100, to be added where *below: d < 0
 * or NaN (!(d >= 0), one compare). The max elements (d = +-0: x = -0 with a max of +0 gives
 * -0) are not below: they are counted instead. A NaN x is below and its term NaN (the clamp
 * off AVX-512 is a max with the bound first), so the row's T comes out NaN
 * (SA_DEF_ROWS_SUMNAN). (It was exp by reduction to nearest with the scaling an integer add,
 * d clamped at -150 on every ISA, d's sign bit for below, the max subtracted as -0 where it is
 * a zero, and pass 1 with its NaN test. On the Zen 5, bench/kernel_cycles.c over 2^20
 * elements, ns per element, rows of 32768 / pairs of rows of 1024 / groups of four rows of
 * 128 / axis-0 columns of 128 (cols 128 8192 256 4 out): AVX-512 0.174 / 0.157 / 0.220 /
 * 0.317 -> 0.160 / 0.142 / 0.204 / 0.299, where vscalefps needs no clamp; AVX2 0.279 / 0.295
 * / 0.335 / 0.428 -> 0.289 / 0.304 / 0.350 / 0.453: there the floor, the factor's add and the
 * compare cost more than pass 1's NaN test saves, kept for one algorithm on every ISA.) */
SA_INLINE sa_v fx_log_term(sa_v d, sa_m *below) {
    *below = v_nge(d, SA_FX_ZERO);
    return fx_exp_e_2p100(d);
}
/* Pass 2's full vectors of R rows (the fast softmax and log_softmax row kernels), from element
 * i while a whole vector is left: STEP(F) adds one vector of each row r to F[r] and advances i
 * by SA_W; blocks of SA_FX_BLK vectors are summed in float into acc[r] (float64 partials). Two
 * chains per row, even and odd vectors (half the adds' latency); the unrolled loops keep them
 * in registers (an array indexed by the vector's parity lived on the stack, and its
 * store-to-load round trip was the loop's critical path: softmax_fast over rows of 1024 in L1,
 * 14.3 -> 13.0 cycles per 16 elements on a Zen 4). The column kernels (fx_cols_pass2) sum in
 * this order. */
#define SA_FX_ROW_BLOCKS(STEP)                                                              \
    while (i + SA_W <= n) {                                                                 \
        sa_v f0[4], f1[4];                                                                  \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) f0[r] = f1[r] = SA_FX_ZERO;      \
        for (int b = 0; b < SA_FX_BLK && i + SA_W <= n; b += 2) {                           \
            STEP(f0);                                                                       \
            if (i + SA_W > n) break;                                                        \
            STEP(f1);                                                                       \
        }                                                                                   \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++)                                 \
            sa_acc_add(acc[r], 0, v_add(f0[r], f1[r]));                                     \
    }
/* Rows up to SA_FX_SM_NEAR floats (x, y and the next row's x fit in a Zen 5's 48 KiB L1) take
 * the next rows' prefetch in pass 2; longer ones take pass 3 from y's first vector boundary
 * instead (NumPy's arrays start 16 bytes into a line: every AVX-512 load and store spanned
 * two lines). Pass 3's lanes are independent, so where it starts changes no bit; for shorter
 * rows pass 2's stores are still in flight and a load spanning two of them waits for both
 * (rows of 128: 0.143 -> 0.220). bench/kernel_cycles.c rows 32768 of 2^20 elements on the Zen
 * 5, AVX-512, SA_OFFSET=4 (ns per element): 0.136 -> 0.125 without the prefetch, -> 0.114
 * with the aligned pass 3 (without the prefetch, aligned arrays: 4096 0.116 -> 0.119, 8192
 * 0.119 -> 0.114, 16384 0.126 -> 0.117). */
#define SA_FX_SM_NEAR 4096
/* Pass 3 of a row: y *= inv (lane by lane), from y's first vector boundary for rows longer
 * than SA_FX_SM_NEAR (sa_peel) */
SA_INLINE void fx_softmax_pass3(float *y, sa_v inv, size_t n) {
    size_t i = n > SA_FX_SM_NEAR ? sa_peel(y, n) : 0;
    if (i) v_storeu_part(y, v_mul(v_loadu_part(y, i, 0.0f), inv), i);
    for (; i + SA_W <= n; i += SA_W) v_storeu(y + i, v_mul(v_loadu(y + i), inv));
    if (i < n) v_storeu_part(y + i, v_mul(v_loadu_part(y + i, n - i, 0.0f), inv), n - i);
}
/* The prefetch distance (floats) of log_softmax_fast's pass 2 where it loads the next row xn
 * itself (fx_log_softmax_long): two rows on, for rows up to SA_FX_FUSED_PF floats apart, none
 * for longer ones (the hardware prefetcher streams them). With the prefetch one row on (the
 * lines pass 2 loads anyway) those loads went to memory once the arrays outgrew the L3: 16M
 * elements on 2 threads through NumPy (ns per element, rows of 1024): 0.16 -> 0.09, the copy
 * 0.167. softmax_fast's pass 2, which stores as it goes, kept the next row's prefetch up to
 * SA_FX_SM_NEAR there (0.112 against 0.134 two rows on). */
#define SA_FX_FUSED_PF 2048
SA_INLINE ptrdiff_t sa_fused_ahead(const float *x, const float *xn) {
    ptrdiff_t g = xn - x;
    return g > 0 && g <= SA_FX_FUSED_PF ? 2 * g : 0;
}
/* Passes 2 and 3 of R rows, R up to 4 (fx_softmax_rows: SA_DEF_ROWS_SUMNAN, f32_driver.h, the
 * row kernel and the row-group kernel softmax_fast_rows around it; xn NULL there). For one row
 * (R = 1) of fx_softmax_long, xn is the next row, whose max pass 2 takes into *mxn. */
SA_INLINE void fx_softmax_rows_(const float *const *x, float *const *y, const float *mx,
                                size_t n, const int R, const float *xn, float *mxn) {
    sa_v vmx[4], cur[4], mnext = v_set1(-INFINITY);
    sa_vd acc[4][2];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
        vmx[r] = v_set1(mx[r]);
        acc[r][0] = acc[r][1] = vd_set1(0.0);
        /* x loaded one vector ahead of the store (sa_ahead, f32_driver.h: y 16 bytes past x
         * modulo 4 KiB would otherwise make every load wait for the store before it) */
        cur[r] = n >= SA_W ? v_loadu(x[r]) : SA_FX_ZERO;
    }
    size_t i = 0;
    /* the next rows' prefetch (sa_prefetch_row, f32_driver.h) up to SA_FX_SM_NEAR floats: for
     * longer rows it pulled lines into L1 that left again before their use, and took L1 from
     * this row (pf = 0: the vector's own line, already on its way) */
    const ptrdiff_t pf = n <= SA_FX_SM_NEAR ? sa_next_rows(x, n, R) : 0;
/* one vector of pass 2 for every row: e into y and into the row's block sum F[r], the row's
 * next vector loaded first */
#define SA_FX_SM_STEP(F)                                                                     \
    do {                                                                                     \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {                                \
            sa_v nxt_ = v_loadu(x[r] + sa_ahead(i, n)), e_ = fx_exp_diff(cur[r], vmx[r]);    \
            sa_prefetch_row(x[r], i, pf);                                                    \
            v_storeu(y[r] + i, e_);                                                          \
            (F)[r] = v_add((F)[r], e_);                                                      \
            cur[r] = nxt_;                                                                   \
        }                                                                                    \
        if (xn) mnext = v_max(v_loadu(xn + i), mnext);                                       \
        i += SA_W;                                                                           \
    } while (0)
    SA_FX_ROW_BLOCKS(SA_FX_SM_STEP);
#undef SA_FX_SM_STEP
    if (xn) { /* the next row's max: sa_row_max_nonan's, exactly (padded with -inf) */
        if (i < n) mnext = v_max(v_loadu_part(xn + i, n - i, -INFINITY), mnext);
        *mxn = v_hmax(mnext);
    }
    sa_v inv[4];
    int nanrow[4];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
        if (i < n) {
            /* the tail: missing lanes padded with the max (exp(0) = 1, where -inf would
             * underflow and cost a microcode assist), then zeroed for the sum */
            size_t t = n - i;
            sa_v e = v_sel(m_first(t), fx_exp_diff(v_loadu_part(x[r] + i, t, mx[r]), vmx[r]),
                           SA_FX_ZERO);
            sa_acc_add(acc[r], 0, e);
            v_storeu_part(y[r] + i, e, t);
        }
#if SA_DN == 2
        double S = vd_hsum(vd_add(acc[r][0], acc[r][1]));
#else
        double S = vd_hsum(acc[r][0]);
#endif
        nanrow[r] = S != S; /* a NaN in the row (SA_DEF_ROWS_SUMNAN) */
        inv[r] = v_set1((float)(1.0 / S));
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
        if (nanrow[r])
            sa_fill_nan(y[r], n);
        else
            fx_softmax_pass3(y[r], inv[r], n);
    }
}
SA_INLINE void fx_softmax_rows(const float *const *x, float *const *y, const float *mx,
                               size_t n, const int R) {
    fx_softmax_rows_(x, y, mx, n, R, NULL, NULL);
}
/* Rows longer than SA_ROWS4_N (f32_driver.h: SA_DEF_ROWS_SUMNAN_LONG), m of them, one after
 * the other. On AVX-512 and AVX2 a row's pass 2 also takes the next row's max (a load and a max
 * per vector beside the exp), so past the first row none has a pass 1 of its own, which was a
 * stream with nothing to hide it behind (rows of 32768 over 2^20 elements, pass 1 alone: 0.037
 * ns per element, 0.019 with the row in L2). The max is exact, NaN skipped as sa_row_max_nonan
 * skips it, so every row gets the row kernel's bits; x may be y (a row is read for its max
 * before it is written). bench/kernel_cycles.c rows over 2^20 elements on the Zen 5,
 * SA_OFFSET=4, ns per element, rows of 1024 / 32768, before this and the aligned pass 3 above
 * -> with them: AVX-512 0.115 / 0.135 -> 0.110 / 0.109, AVX2 0.231 / 0.229 -> 0.202 / 0.199
 * (rows of 1024 had gone in pairs). Measured, not kept: the previous row's pass 3 run beside
 * pass 2 as well (a load, a product and a store per vector), rows of 32768: 0.107 -> 0.114;
 * the same fusion for groups of rows up to 512 (each group's pass 2 taking the next group's
 * maxima): in L3 a little faster (rows of 128 0.145 -> 0.141, in pairs: four spill), at 16M
 * elements on 2 threads slower (rows of 128 0.16 -> 0.19, copy 0.167). SA_FX_DEF_LONG_ROWS
 * defines such a kernel for a body with this one's arguments (fx_log_softmax_long too); the
 * portable build takes the rows one at a time through the row kernel K. */
#if defined(SA_TARGET_AVX512) || defined(SA_TARGET_AVX2)
#define SA_FX_DEF_LONG_ROWS(fname, BODY, ROWMAX, K)                                           \
    SA_INLINE void fname(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys, size_t n,       \
                         size_t m) {                                                          \
        float mx = ROWMAX(x, n);                                                              \
        for (size_t r = 0; r < m; r++) {                                                      \
            const float *xr = x + (ptrdiff_t)r * xs, *xn = r + 1 < m ? xr + xs : NULL;        \
            float *yr = y + (ptrdiff_t)r * ys, mn = 0.0f;                                     \
            if (!sa_finite_max(mx)) {                                                         \
                sa_fill_nan(yr, n);                                                           \
                if (xn) mn = ROWMAX(xn, n);                                                   \
            } else if (xn)                                                                    \
                BODY(&xr, &yr, &mx, n, 1, xn, &mn);                                           \
            else                                                                              \
                BODY(&xr, &yr, &mx, n, 1, NULL, NULL);                                        \
            mx = mn;                                                                          \
        }                                                                                     \
    }
#else
#define SA_FX_DEF_LONG_ROWS(fname, BODY, ROWMAX, K)                                           \
    SA_INLINE void fname(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys, size_t n,       \
                         size_t m) {                                                          \
        for (size_t r = 0; r < m; r++) K(x + (ptrdiff_t)r * xs, y + (ptrdiff_t)r * ys, n);    \
    }
#endif
SA_DEF_ROWS_SUMNAN_LONG(softmax_fast, max_fl2_p4_f64sum, fx_softmax_rows, 4, sa_row_max_nonan,
                        fx_softmax_long)
SA_FX_DEF_LONG_ROWS(fx_softmax_long, fx_softmax_rows_, sa_row_max_nonan,
                    SA_K(softmax_fast, max_fl2_p4_f64sum))

/* softmax_fast of SA_COLS (16) adjacent columns at once (element i of column c at x[i xs + c]),
 * as the column kernels of f32_kernels.h: each lane runs this row kernel's arithmetic for its
 * column (fx_exp_diff is lane-wise), so a column gives the bits its row gives on the same ISA.
 * Element i = v SA_W + l is lane l of the row's vector v, so pass 2 goes block by block (the
 * row's SA_FX_BLK vectors) and, within a block, lane by lane: lane l's elements of the even and
 * odd vectors summed in float in two registers, as the row's two chains, then joined and
 * flushed into lane l's float64 partial; each element is still read once per pass (only the
 * order within a block changes). The tail's elements go straight into the partials; the
 * partials are summed in the row's tree order, 1/S rounded to float the same way. (The block
 * sums were an array of 2 SA_W vectors indexed by element, kept in memory: a load and a store
 * per element.) Prefetches as there. */
/* Pass 2 of the column kernels below (softmax_fast_cols, LOG = 0: e = exp(x - mx), kept for
 * pass 3 where keep is not NULL; log_softmax_fast_cols, LOG = 1 (LOG = 2: with x - mx clamped
 * at 0, for a group holding a bad column): fx_log_term, and the count of
 * elements below the max per column into cnt, float64 partials as acc), the row kernels' sums
 * in the order described above. */
SA_INLINE void fx_cols_pass2(const float *x, ptrdiff_t xs, size_t n, const sa_v *mx,
                             float *keep, sa_vd *acc, sa_vd *cnt, const int LOG) {
    size_t nvec = n / SA_W, nfull = nvec * SA_W; /* the row's full vectors, their elements */
    for (int j = 0; j < SA_W * SA_CP; j++) acc[j] = vd_set1(0.0);
    if (LOG)
        for (int j = 0; j < SA_CP; j++) cnt[j] = vd_set1(0.0);
/* the term of element i, columns q SA_W .., added into F (kept for pass 3 when there is room;
 * log_softmax's where below, and counted there in the float vector C: whole numbers up to one
 * block's SA_FX_BLK, exact, flushed into cnt per block, so the counts are the same as one
 * float64 add per element, at an eighth of the conversions) */
#define SA_FX_COL_ADD(i, q, F, C)                                                            \
    do {                                                                                     \
        sa_v x_ = v_loadu(x + (ptrdiff_t)(i) * xs + (q) * SA_W), t_;                         \
        if (LOG) {                                                                           \
            sa_m b_;                                                                         \
            sa_v d_ = v_sub(x_, mx[q]);                                                      \
            t_ = fx_log_term(LOG == 2 ? v_min(d_, SA_FX_ZERO) : d_, &b_);                    \
            F = v_add_masked(F, b_, t_);                                                     \
            C = v_add_masked(C, b_, v_set1(1.0f));                                           \
        } else {                                                                             \
            t_ = fx_exp_diff(x_, mx[q]);                                                     \
            if (keep) v_storeu(keep + (i) * SA_COLS + (q) * SA_W, t_);                       \
            F = v_add(F, t_);                                                                \
        }                                                                                    \
    } while (0)
    for (size_t v0 = 0; v0 < nvec; v0 += SA_FX_BLK) {
        size_t v1 = v0 + SA_FX_BLK < nvec ? v0 + SA_FX_BLK : nvec;
        for (size_t l = 0; l < SA_W; l++)
            for (int q = 0; q < SA_CQ; q++) {
                sa_v f0 = SA_FX_ZERO, f1 = SA_FX_ZERO, c = SA_FX_ZERO;
                size_t v = v0;
                for (; v + 2 <= v1; v += 2) {
                    SA_FX_COL_ADD(v * SA_W + l, q, f0, c);
                    SA_FX_COL_ADD(v * SA_W + l + SA_W, q, f1, c);
                }
                if (v < v1) SA_FX_COL_ADD(v * SA_W + l, q, f0, c);
                sa_acc_add(acc + l * SA_CP, q, v_add(f0, f1));
                if (LOG) sa_acc_add(cnt, q, c);
            }
    }
    for (size_t i = nfull; i < n; i++) /* the row's padded tail vector goes straight in */
        for (int q = 0; q < SA_CQ; q++) {
            sa_v e = SA_FX_ZERO, c = SA_FX_ZERO; /* 0 + e is e, bit for bit */
            SA_FX_COL_ADD(i, q, e, c);
            sa_acc_add(acc + (i - nfull) * SA_CP, q, e);
            if (LOG) sa_acc_add(cnt, q, c);
        }
#undef SA_FX_COL_ADD
    for (int j = 0; j < SA_CP; j++) {
        /* the row's lanes summed as vd_hsum(acc[0] + acc[1]) sums them: lane p + lane p + w
         * for w = SA_W / 2, SA_W / 4, .., 1 */
        for (int w = SA_W / 2; w >= 1; w /= 2)
            for (int p = 0; p < w; p++)
                acc[p * SA_CP + j] = vd_add(acc[p * SA_CP + j], acc[(p + w) * SA_CP + j]);
    }
}
void SA_K(softmax_fast_cols, max_fl2_p4_f64sum)(const float *x, ptrdiff_t xs, float *y,
                                                ptrdiff_t ys, size_t n, void *keep_) {
    float *keep = (float *)keep_; /* pass 2's e (as the row kernel keeps it in y), or NULL */
    if (n == 0) return;
    sa_v mx[SA_CQ], inv[SA_CQ];
    sa_m good[SA_CQ];
    sa_vd acc[SA_W * SA_CP], s[SA_CP];
    sa_cols_max(x, xs, n, mx, good);
    fx_cols_pass2(x, xs, n, mx, keep, acc, NULL, 0);
    for (int j = 0; j < SA_CP; j++) s[j] = vd_div(vd_set1(1.0), acc[j]);
    for (int q = 0; q < SA_CQ; q++) inv[q] = sa_cols_join(s, q);
    for (size_t i = 0; i < n; i++) {
        __builtin_prefetch(y + (ptrdiff_t)i * ys + SA_COLS, 1);
        for (int q = 0; q < SA_CQ; q++) {
            sa_v e = keep ? v_loadu(keep + i * SA_COLS + q * SA_W)
                          : fx_exp_diff(v_loadu(x + (ptrdiff_t)i * xs + q * SA_W), mx[q]);
            v_storeu(y + (ptrdiff_t)i * ys + q * SA_W,
                     v_sel(good[q], v_mul(e, inv[q]), v_set1(NAN)));
        }
    }
}

/* ==================================================================== log_softmax_fast
 * log_softmax(x)_i = (x_i - max) - L, L = log(sum_j exp(x_j - max)) = log1p((c - 1) + T), one
 * row: c elements equal the max, T = sum of exp(x_j - max) over the others.
 * Algorithm (max_fl2_p4_f64sum_log1p): pass 1 max (sa_row_max; on AVX-512 and AVX2
 *   sa_row_max_nonan_nov, no NaN test: a NaN reaches T through pass 2 and a NaN T makes the row
 *   of NaN, SA_DEF_ROWS_SUMNAN, but for a max of 2^102 or more, where x - max could overflow
 *   and raise the flag for a row of NaN, the NaN test is run; a row group's pass 1,
 *   sa_row_max_nonan_nov_rows, keeps the test: a group holding a NaN row takes its rows one by
 *   one through the row kernel); pass 2 d = x - max rounded to float, the terms of T
 *   (fx_log_term: exp(d) 2^100 by fx_exp_e_2p100, base 2, floor reduction, degree 4, added
 *   where d < 0) summed as softmax_fast sums its e (float block sums
 *   of SA_FX_BLK vectors in two chains, float64 partials, the tail padded with -inf, one tree)
 *   and c counted; L = log1p((c - 1) + T 2^-100) (sa_log1p_vd, float64 to 2^-28.9; T holds no
 *   max element, so the max elements do not cancel and y = -L keeps T's relative error where T
 *   is tiny); pass 3 y = (x - max) - (float)L in float (both terms <= 0: no cancellation).
 *   Nothing is written before pass 3 (x == y is fine).
 * Why 2^100: exp(d) 2^100 is normal for every d >= -156.6 and finite for d <= 0 (< 2^100.5),
 *   so no term that can matter is rounded into the subnormal range (2^-150 absolute per term
 *   would be a relative error of n 2^-24 of T where all its terms are subnormal: 2^-13 for a
 *   row of 2^11 such terms). Elements further below the max (x = -inf among them) add a term
 *   below exp(-150) 2^100 (or that, clamped, off AVX-512): at most n 2^-216 absolute, so
 *   (float)L rounds to +0 where every other element is that far below the max.
 * Error: d's float rounding, at most 2^-18 absolute where a term can matter (d > -110: a T of
 *   at least 2^-126 from terms below e^-110 needs n > 2^32), w = d log2e - 1's rounding (2^-18
 *   absolute for d > -88, 2^-17 down to -110: 2^-17.5 relative in exp), the polynomial's
 *   2^-18.36, the block sums 2^-22 (terms >= 0): 2^-16.3 relative in T; L's float rounding and
 *   pass 3's two roundings: y's relative error is at most T's plus 3 2^-24, 2^-16.2;
 *   measured max 2^-17.36 relative (756 rows: tests/test_fast.py's rows for seeds 11 and 12,
 *   lengths 1..4096, spreads to 3e38, all-subnormal terms, ties; every ISA the same; 2^-18.0
 *   with the reduction to nearest it used before; tests/test_fast.py checks the bound).
 * Special rows: any NaN -> all NaN; any +inf -> all NaN; all -inf -> all NaN; -inf entries in
 *   an otherwise finite row -> -inf; n == 0 -> nothing; n == 1 finite -> [0]. */
/* Passes 2 and 3 of R rows, R up to 4 (SA_DEF_ROWS_SUMNAN: the row kernel and the row-group
 * kernel log_softmax_fast_rows around it; for one row (R = 1) of fx_log_softmax_long, xn is
 * the next row, whose max pass 2 takes into *mxn). A row alone (R = 1: the row kernel, and
 * rows longer than the groups take, SA_DEF_ROWS_SUMNAN_LONG) asks in pass 2 for write access
 * to the line of y that pass 3 will store at the same offset, so pass 3's stores find their
 * lines in the cache (bench/kernel_cycles.c row 32768 over 2^20 elements, on the Zen 5:
 * AVX-512 0.165 -> 0.153, AVX2 0.300 -> 0.272; groups of rows, shorter and interleaved, lost:
 * pairs of rows of 1024 0.140 -> 0.147; softmax_fast, whose pass 2 stores into y itself,
 * gained nothing from a prefetch 0 to 1024 floats ahead of its store). */
SA_INLINE void fx_log_softmax_rows_(const float *const *x, float *const *y, const float *mx,
                                    size_t n, const int R, const float *xn, float *mxn) {
    sa_v vmx[4], mnext = v_set1(-INFINITY);
    sa_vd acc[4][2];
    size_t nbelow[4] = {0, 0, 0, 0}, lanes = 0; /* elements below the max, lanes summed */
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
        vmx[r] = v_set1(mx[r]);
        acc[r][0] = acc[r][1] = vd_set1(0.0);
    }
    size_t i = 0;
    /* sa_prefetch_row (f32_driver.h): the next rows, or two rows on where pass 2 loads the next
     * row itself (sa_fused_ahead) */
    const ptrdiff_t pf = xn ? sa_fused_ahead(x[0], xn) : sa_next_rows(x, n, R);
/* one vector of pass 2 for every row, into the row's block sum F[r] */
#define SA_FX_LSM_STEP(F)                                                                    \
    do {                                                                                     \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {                                \
            sa_m b_;                                                                         \
            sa_v t_ = fx_log_term(v_sub(v_loadu(x[r] + i), vmx[r]), &b_);                    \
            (F)[r] = v_add_masked((F)[r], b_, t_);                                           \
            sa_prefetch_row(x[r], i, pf);                                                    \
            if (R == 1) __builtin_prefetch(y[r] + i, 1); /* for pass 3's store */            \
            nbelow[r] += (size_t)m_count(b_);                                                \
        }                                                                                    \
        if (xn) mnext = v_max(v_loadu(xn + i), mnext);                                       \
        i += SA_W;                                                                           \
    } while (0)
    SA_FX_ROW_BLOCKS(SA_FX_LSM_STEP);
#undef SA_FX_LSM_STEP
    if (xn) { /* the next row's max: sa_row_max_nonan_nov's, exactly (padded with -inf) */
        if (i < n) mnext = v_max(v_loadu_part(xn + i, n - i, -INFINITY), mnext);
        float m = v_hmax(mnext);
        *mxn = m < 0x1p102f ? m : sa_row_max(xn, n);
    }
    lanes = i;
    sa_v L[4];
    int nanrow[4];
    double a[4], l[4];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
        if (i < n) {
            /* the tail: missing lanes padded with -inf (below the max), their terms zeroed */
            sa_m b;
            sa_v t = fx_log_term(v_sub(v_loadu_part(x[r] + i, n - i, -INFINITY), vmx[r]), &b);
            sa_acc_add(acc[r], 0, v_sel(m_and(b, m_first(n - i)), t, SA_FX_ZERO));
            nbelow[r] += (size_t)m_count(b);
        }
#if SA_DN == 2
        double T = vd_hsum(vd_add(acc[r][0], acc[r][1]));
#else
        double T = vd_hsum(acc[r][0]);
#endif
        double c = (double)(lanes + (i < n ? SA_W : 0) - nbelow[r]);
        nanrow[r] = T != T; /* a NaN in the row (SA_DEF_ROWS_SUMNAN) */
        a[r] = sa_fma_exact(T, SA_FX_LOG_UNSCALE, c - 1.0);
    }
    sa_log1p_rows(a, l, R, 0);
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) L[r] = v_set1((float)l[r]);
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
        if (nanrow[r]) {
            sa_fill_nan(y[r], n);
            continue;
        }
        /* pass 3 from y's first vector boundary (sa_peel, f32_driver.h): rows of 1024 over
         * 2^20 elements, 16 bytes past a line, 0.134 -> 0.131 ns per element */
        size_t j = sa_peel(y[r], n);
        if (j) v_storeu_part(y[r], v_sub(v_sub(v_loadu_part(x[r], j, 0.0f), vmx[r]), L[r]), j);
        SA_ROW_PASS_AHEAD(x[r], n, j, v, v_storeu(y[r] + j, v_sub(v_sub(v, vmx[r]), L[r])));
        if (j < n)
            v_storeu_part(y[r] + j, v_sub(v_sub(v_loadu_part(x[r] + j, n - j, 0.0f), vmx[r]),
                                          L[r]), n - j);
    }
}
SA_INLINE void fx_log_softmax_rows(const float *const *x, float *const *y, const float *mx,
                                   size_t n, const int R) {
    fx_log_softmax_rows_(x, y, mx, n, R, NULL, NULL);
}
/* Rows longer than SA_ROWS4_N, one after the other, each row's pass 2 taking the next row's
 * max, as fx_softmax_long's (the same measurements, rows of 1024 / 32768: AVX-512 0.134 / 0.155
 * -> 0.122 / 0.124, AVX2 0.269 / 0.279 -> 0.262 / 0.235; the fusion for groups of rows up to
 * 512: rows of 128 in L3 0.192 -> 0.176, at 16M elements on 2 threads 0.11 -> 0.14, not
 * kept). */
SA_DEF_ROWS_SUMNAN_LONG(log_softmax_fast, max_fl2_p4_f64sum_log1p, fx_log_softmax_rows, 4,
                        sa_row_max_nonan_nov, fx_log_softmax_long)
SA_FX_DEF_LONG_ROWS(fx_log_softmax_long, fx_log_softmax_rows_, sa_row_max_nonan_nov,
                    SA_K(log_softmax_fast, max_fl2_p4_f64sum_log1p))

/* log_softmax_fast of SA_COLS (16) adjacent columns at once, as softmax_fast_cols: each lane
 * runs the row kernel's arithmetic for its column (fx_cols_pass2 with LOG = 1, the count in
 * float per block, then float64: whole numbers, exact), L by sa_log1p_vd for the columns, pass 3
 * the row's two float subtractions: a column gives the bits its row gives on the same ISA.
 * (The count was one float64 add of each element's 0 or 1, two conversions and two adds per
 * vector on AVX2; counted in float, the loops' axis-0 path of 128 x 8192 / 1024 x 1024 went
 * 0.905 / 1.125 -> 0.83 / 1.05 ns per element, bench/kernel_cycles.c `cols` on the Zen 3.) */
void SA_K(log_softmax_fast_cols, max_fl2_p4_f64sum_log1p)(const float *x, ptrdiff_t xs,
                                                          float *y, ptrdiff_t ys, size_t n,
                                                          void *keep) {
    (void)keep; /* pass 3 needs no exp */
    if (n == 0) return;
    sa_v mx[SA_CQ], L[SA_CQ];
    sa_m good[SA_CQ];
    sa_vd acc[SA_W * SA_CP], cnt[SA_CP], s[SA_CP];
    sa_cols_max(x, xs, n, mx, good);
    /* a group holding a NaN / +inf / all -inf column (mx 0 there, its results NaN) takes
     * d = min(x - mx, 0) in pass 2, where x up to 3e38 would overflow the exp's reduction
     * (a spurious overflow flag); d <= 0 on every good lane, so their bits do not change */
    int bad = 0;
    for (int q = 0; q < SA_CQ; q++) bad |= m_count(good[q]) != SA_W;
    if (bad)
        fx_cols_pass2(x, xs, n, mx, NULL, acc, cnt, 2);
    else
        fx_cols_pass2(x, xs, n, mx, NULL, acc, cnt, 1);
    for (int j = 0; j < SA_CP; j++) /* L = log1p((n - c - 1) + T 2^-100) per lane */
        s[j] = sa_log1p_vd(vd_add(vd_sub(vd_sub(vd_set1((double)n), cnt[j]), vd_set1(1.0)),
                                  vd_mul(acc[j], vd_set1(SA_FX_LOG_UNSCALE))), 0);
    for (int q = 0; q < SA_CQ; q++) L[q] = sa_cols_join(s, q);
    for (size_t i = 0; i < n; i++) {
        __builtin_prefetch(y + (ptrdiff_t)i * ys + SA_COLS, 1);
        for (int q = 0; q < SA_CQ; q++) {
            sa_v v = v_loadu(x + (ptrdiff_t)i * xs + q * SA_W);
            v_storeu(y + (ptrdiff_t)i * ys + q * SA_W,
                     v_sel(good[q], v_sub(v_sub(v, mx[q]), L[q]), v_set1(NAN)));
        }
    }
}
