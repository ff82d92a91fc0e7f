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
 */
#include "simd.h"
#include "f32_math.h"
#include "kernels.h"
#include "f32_driver.h"

/* exp(z), z clamped to [-87.33, 88.72] (results stay normal): n = round(z log2e), r = z -
 * n ln2 (two-constant Cody-Waite, exact first step), exp(r) by its degree-5 Taylor polynomial
 * (|r| <= ln2/2: truncation r^6/720 <= 2^-18.6 relative), times 2^n built in the exponent. */
static const float SA_FEXP5[6] = {1.0f, 1.0f, 0.5f, 0x1.555556p-3f, 0x1.555556p-5f,
                                  0x1.111112p-7f};
SA_INLINE sa_v sa_fexp(sa_v z) {
    z = v_clamp(z, -87.33f, 88.72f);
    sa_vi k;
    sa_v n = v_round_fma(z, v_set1(SA_LOG2E), &k);
    sa_v r = v_fma(n, v_set1(-SA_LN2_LO), v_fma(n, v_set1(-SA_LN2_HI), z));
    sa_v p;
    SA_HORNER(r, SA_FEXP5, 6, p);
    return v_mul(p, v_pow2i(k));
}

/* ======================================================================== sigmoid_fast
 * sigmoid(x) = 1 / (1 + e^-x). Algorithm (fexp5_div): e = exp(-|x|) (sa_fexp), q = 1 / (1 + e),
 * y = q (x >= 0) or e q (x < 0): one division. Error: exp 2^-18.6, the division and product
 * 2 roundings: <= 2^-18 relative (bound declared: 2^-16). Below x = -87.33 the exact value is
 * below FLT_MIN and the result stays at ~FLT_MIN * e^(x + 87.33)... clamped: within FLT_MIN.
 * Special values: sigmoid(+inf) = 1, sigmoid(-inf) = e(-87.33)/(1 + ...) ~ FLT_MIN (within
 * FLT_MIN of 0), sigmoid(+-0) = 0.5. */
SA_INLINE sa_v sa_sigmoid_fast_v(sa_v x) {
    sa_v e = sa_fexp(v_neg(v_abs(x)));
    sa_v q = v_div(v_set1(1.0f), v_add(v_set1(1.0f), e));
    return v_sel(v_lt(x, v_set1(0.0f)), v_mul(e, q), q);
}
SA_DEF_UNARY(sigmoid_fast, fexp5_div, sa_sigmoid_fast_v)
