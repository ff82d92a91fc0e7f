/* simd_f64.h — a small float64 vector abstraction for simdact's float64 SIMD kernels
 * (kernels/f64_vec.h).
 *
 * Define SA_TARGET_AVX2 or SA_TARGET_AVX512 before including (there is no scalar target: the
 * scalar ISA keeps the portable kernels of kernels/f64.c). Every operation is an exactly rounded
 * IEEE binary64 operation (add, sub, mul, div, sqrt-free; every fused multiply-add written
 * explicitly as d_fma; no approximate reciprocals), so a kernel's arithmetic is the same on
 * both targets; build with -ffp-contract=off.
 *
 *   d_fma(a, b, c) = a b + c, d_fms(a, b, c) = a b - c and d_fnma(a, b, c) = c - a b, each
 *   rounded once (d_fnma: the bits of d_fma(d_neg(a), b, c) for non-NaN operands).
 *   sa_d    float64 vector (SA_F64W = 8 lanes: one zmm register, or two ymm registers on AVX2)
 *   sa_di   int64 vector (bit patterns)       sa_dm  lane mask (from compares)
 *   sa_dtab an index prepared for 8-entry table lookups (d_tab8)
 *
 * Compares are ordered (false when an operand is NaN) except d_isnan. d_sel(m, a, b) = m ? a : b
 * per lane. Shifts take a constant count.
 */
#ifndef SA_SIMD_F64_H
#define SA_SIMD_F64_H
#include <stddef.h>
#include <stdint.h>
#include <immintrin.h>

#define SA_DINLINE static inline __attribute__((always_inline))

#if defined(SA_TARGET_AVX512)
/* ------------------------------------------------------------------------------ AVX-512 */
#define SA_F64_ISA avx512
#define SA_F64W 8
typedef __m512d sa_d;
typedef __m512i sa_di;
typedef __mmask8 sa_dm;
typedef __m512i sa_dtab;
SA_DINLINE sa_d d_loadu(const double *p) { return _mm512_loadu_pd(p); }
SA_DINLINE void d_storeu(double *p, sa_d a) { _mm512_storeu_pd(p, a); }
SA_DINLINE sa_d d_set1(double a) { return _mm512_set1_pd(a); }
SA_DINLINE sa_d d_add(sa_d a, sa_d b) { return _mm512_add_pd(a, b); }
SA_DINLINE sa_d d_sub(sa_d a, sa_d b) { return _mm512_sub_pd(a, b); }
SA_DINLINE sa_d d_mul(sa_d a, sa_d b) { return _mm512_mul_pd(a, b); }
SA_DINLINE sa_d d_div(sa_d a, sa_d b) { return _mm512_div_pd(a, b); }
SA_DINLINE sa_d d_fma(sa_d a, sa_d b, sa_d c) { return _mm512_fmadd_pd(a, b, c); }
SA_DINLINE sa_d d_fms(sa_d a, sa_d b, sa_d c) { return _mm512_fmsub_pd(a, b, c); }
SA_DINLINE sa_d d_fnma(sa_d a, sa_d b, sa_d c) { return _mm512_fnmadd_pd(a, b, c); }
SA_DINLINE sa_di d_asint(sa_d a) { return _mm512_castpd_si512(a); }
SA_DINLINE sa_d d_asdbl(sa_di a) { return _mm512_castsi512_pd(a); }
SA_DINLINE sa_di di_set1(int64_t a) { return _mm512_set1_epi64(a); }
SA_DINLINE sa_di di_and(sa_di a, sa_di b) { return _mm512_and_si512(a, b); }
SA_DINLINE sa_di di_or(sa_di a, sa_di b) { return _mm512_or_si512(a, b); }
SA_DINLINE sa_di di_xor(sa_di a, sa_di b) { return _mm512_xor_si512(a, b); }
#define di_sll(a, c) _mm512_slli_epi64((a), (c))
SA_DINLINE sa_dm d_lt(sa_d a, sa_d b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
SA_DINLINE sa_dm d_le(sa_d a, sa_d b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
SA_DINLINE sa_dm d_gt(sa_d a, sa_d b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
SA_DINLINE sa_dm d_ge(sa_d a, sa_d b) { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
SA_DINLINE sa_dm d_eq(sa_d a, sa_d b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
SA_DINLINE sa_dm d_isnan(sa_d a) { return _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q); }
SA_DINLINE sa_dm dm_or(sa_dm a, sa_dm b) { return (sa_dm)(a | b); }
SA_DINLINE sa_dm dm_and(sa_dm a, sa_dm b) { return (sa_dm)(a & b); }
SA_DINLINE int dm_any(sa_dm a) { return a != 0; }
SA_DINLINE sa_d d_sel(sa_dm m, sa_d a, sa_d b) { return _mm512_mask_blend_pd(m, b, a); }
/* 8-entry table lookup: the index is the low 3 bits of the int64 lanes of i */
SA_DINLINE sa_dtab d_tab_index(sa_di i) { return i; }
SA_DINLINE sa_d d_tab8(const double *t, sa_dtab i) { return _mm512_permutexvar_pd(i, _mm512_loadu_pd(t)); }

#elif defined(SA_TARGET_AVX2)
/* --------------------------------------------------------------------------------- AVX2
 * One sa_d is two ymm registers (8 lanes, as AVX-512), every operation applied to both. The
 * float64 kernels are chains of dependent operations (an exp core, then a division, then its
 * correction) whose latency, not the FP pipes, set their speed with one ymm register per step:
 * with two independent registers in every operation the core overlaps two chains (11 to 39 %
 * less time on a Zen 3, with the Estrin polynomials: the README's float64 paragraph). */
#define SA_F64_ISA avx2
#define SA_F64W 8
typedef struct { __m256d r[2]; } sa_d;
typedef struct { __m256i r[2]; } sa_di;
typedef struct { __m256d r[2]; } sa_dm;
typedef struct {
    __m256i perm[2]; /* 32-bit permutation picking entry (i & 3) of a 4-entry half */
    __m256d hi[2];   /* sign bit set where i & 4: take the upper half */
} sa_dtab;
/* T name(A a[, A b[, A c]]) applied to both registers with the 256-bit operation f */
#define SA_D2_1(T, name, A, f) \
    SA_DINLINE T name(A a) { T o_; o_.r[0] = f(a.r[0]); o_.r[1] = f(a.r[1]); return o_; }
#define SA_D2_2(T, name, A, B, f)                                                        \
    SA_DINLINE T name(A a, B b) {                                                        \
        T o_; o_.r[0] = f(a.r[0], b.r[0]); o_.r[1] = f(a.r[1], b.r[1]); return o_;        \
    }
#define SA_D2_3(T, name, A, B, C, f)                                                     \
    SA_DINLINE T name(A a, B b, C c) {                                                   \
        T o_; o_.r[0] = f(a.r[0], b.r[0], c.r[0]); o_.r[1] = f(a.r[1], b.r[1], c.r[1]);   \
        return o_;                                                                       \
    }
SA_DINLINE sa_d d_loadu(const double *p) {
    sa_d o; o.r[0] = _mm256_loadu_pd(p); o.r[1] = _mm256_loadu_pd(p + 4); return o;
}
SA_DINLINE void d_storeu(double *p, sa_d a) { _mm256_storeu_pd(p, a.r[0]); _mm256_storeu_pd(p + 4, a.r[1]); }
SA_DINLINE sa_d d_set1(double a) { sa_d o; o.r[0] = o.r[1] = _mm256_set1_pd(a); return o; }
SA_DINLINE sa_di di_set1(int64_t a) { sa_di o; o.r[0] = o.r[1] = _mm256_set1_epi64x(a); return o; }
SA_D2_2(sa_d, d_add, sa_d, sa_d, _mm256_add_pd)
SA_D2_2(sa_d, d_sub, sa_d, sa_d, _mm256_sub_pd)
SA_D2_2(sa_d, d_mul, sa_d, sa_d, _mm256_mul_pd)
SA_D2_2(sa_d, d_div, sa_d, sa_d, _mm256_div_pd)
SA_D2_3(sa_d, d_fma, sa_d, sa_d, sa_d, _mm256_fmadd_pd)
SA_D2_3(sa_d, d_fms, sa_d, sa_d, sa_d, _mm256_fmsub_pd)
SA_D2_3(sa_d, d_fnma, sa_d, sa_d, sa_d, _mm256_fnmadd_pd)
SA_D2_1(sa_di, d_asint, sa_d, _mm256_castpd_si256)
SA_D2_1(sa_d, d_asdbl, sa_di, _mm256_castsi256_pd)
SA_D2_2(sa_di, di_and, sa_di, sa_di, _mm256_and_si256)
SA_D2_2(sa_di, di_or, sa_di, sa_di, _mm256_or_si256)
SA_D2_2(sa_di, di_xor, sa_di, sa_di, _mm256_xor_si256)
SA_DINLINE sa_di di_sll(sa_di a, int c) {
    sa_di o; o.r[0] = _mm256_slli_epi64(a.r[0], c); o.r[1] = _mm256_slli_epi64(a.r[1], c); return o;
}
#define SA_D2_CMP(name, pred)                                                            \
    SA_DINLINE __m256d name##_1(__m256d a, __m256d b) { return _mm256_cmp_pd(a, b, pred); } \
    SA_D2_2(sa_dm, name, sa_d, sa_d, name##_1)
SA_D2_CMP(d_lt, _CMP_LT_OQ)
SA_D2_CMP(d_le, _CMP_LE_OQ)
SA_D2_CMP(d_gt, _CMP_GT_OQ)
SA_D2_CMP(d_ge, _CMP_GE_OQ)
SA_D2_CMP(d_eq, _CMP_EQ_OQ)
SA_DINLINE sa_dm d_isnan(sa_d a) {
    sa_dm o;
    o.r[0] = _mm256_cmp_pd(a.r[0], a.r[0], _CMP_UNORD_Q);
    o.r[1] = _mm256_cmp_pd(a.r[1], a.r[1], _CMP_UNORD_Q);
    return o;
}
SA_D2_2(sa_dm, dm_or, sa_dm, sa_dm, _mm256_or_pd)
SA_D2_2(sa_dm, dm_and, sa_dm, sa_dm, _mm256_and_pd)
SA_DINLINE int dm_any(sa_dm a) { return _mm256_movemask_pd(_mm256_or_pd(a.r[0], a.r[1])) != 0; }
SA_DINLINE __m256d d_sel_1(__m256d m, __m256d a, __m256d b) { return _mm256_blendv_pd(b, a, m); }
SA_D2_3(sa_d, d_sel, sa_dm, sa_d, sa_d, d_sel_1)
SA_DINLINE sa_dtab d_tab_index(sa_di i) {
    sa_dtab t;
    for (int h = 0; h < 2; h++) {
        __m256i j = _mm256_slli_epi64(_mm256_and_si256(i.r[h], _mm256_set1_epi64x(3)), 1); /* 2 (i & 3) */
        t.perm[h] = _mm256_or_si256(j, _mm256_slli_epi64(_mm256_add_epi64(j, _mm256_set1_epi64x(1)), 32));
        t.hi[h] = _mm256_castsi256_pd(_mm256_slli_epi64(i.r[h], 61));
    }
    return t;
}
SA_DINLINE sa_d d_tab8(const double *t, sa_dtab i) {
    __m256 lo4 = _mm256_castpd_ps(_mm256_loadu_pd(t)), hi4 = _mm256_castpd_ps(_mm256_loadu_pd(t + 4));
    sa_d o;
    for (int h = 0; h < 2; h++) {
        __m256 lo = _mm256_permutevar8x32_ps(lo4, i.perm[h]);
        __m256 hi = _mm256_permutevar8x32_ps(hi4, i.perm[h]);
        o.r[h] = _mm256_blendv_pd(_mm256_castps_pd(lo), _mm256_castps_pd(hi), i.hi[h]);
    }
    return o;
}
#else
#error "define SA_TARGET_AVX2 or SA_TARGET_AVX512 before including simd_f64.h"
#endif

/* ------------------------------------------------------------ ISA-independent helpers */
#define SA_D_SIGN ((int64_t)0x8000000000000000ull)
SA_DINLINE sa_d d_abs(sa_d a) { return d_asdbl(di_and(d_asint(a), di_set1(~SA_D_SIGN))); }
SA_DINLINE sa_d d_neg(sa_d a) { return d_asdbl(di_xor(d_asint(a), di_set1(SA_D_SIGN))); }
/* the sign bit of s copied onto the non-negative a */
SA_DINLINE sa_d d_copysign_pos(sa_d a, sa_d s) {
    return d_asdbl(di_or(d_asint(a), di_and(d_asint(s), di_set1(SA_D_SIGN))));
}
/* a quiet NaN with a's sign and payload (the bits x + x gives on x86), by bit operations */
SA_DINLINE sa_d d_quiet(sa_d a) { return d_asdbl(di_or(d_asint(a), di_set1(0x0008000000000000ll))); }
/* clamp keeping NaN (selects on ordered compares never replace a NaN) */
SA_DINLINE sa_d d_clamp(sa_d a, double lo, double hi) {
    a = d_sel(d_lt(a, d_set1(lo)), d_set1(lo), a);
    return d_sel(d_gt(a, d_set1(hi)), d_set1(hi), a);
}
/* min(a, c) keeping NaN */
SA_DINLINE sa_d d_min_num(sa_d a, double c) { return d_sel(d_gt(a, d_set1(c)), d_set1(c), a); }
/* round to the nearest integer (ties to even) of fma(a, b, 0) for |a b| < 2^51: the magic
 * constant 1.5 * 2^52 forces the rounding in the add. */
SA_DINLINE sa_d d_round_fma(sa_d a, sa_d b) {
    const sa_d magic = d_set1(0x1.8p52);
    return d_sub(d_fma(a, b, magic), magic);
}
/* 2^j for an integral double j in [-1022, 1023]: j + 1023 lands in the low mantissa bits of
 * j + (1.5 * 2^52 + 1023), and the shift moves it into the exponent field. */
SA_DINLINE sa_d d_pow2i(sa_d j) {
    return d_asdbl(di_sll(d_asint(d_add(j, d_set1(0x1.8p52 + 1023.0))), 52));
}
/* a * 2^k for an integral double k in [-2044, 2044], in two factors 2^k1 2^k2 (k1 = k/2
 * rounded): the first product is exact while a 2^k1 stays normal, so a result in the subnormal
 * range is rounded once. d_pow2_split gives the two factors, d_scale2 applies them (for
 * several values scaled by the same k). */
SA_DINLINE void d_pow2_split(sa_d k, sa_d *p1, sa_d *p2) {
    sa_d k1 = d_round_fma(k, d_set1(0.5));
    *p1 = d_pow2i(k1);
    *p2 = d_pow2i(d_sub(k, k1));
}
SA_DINLINE sa_d d_scale2(sa_d a, sa_d p1, sa_d p2) { return d_mul(d_mul(a, p1), p2); }
SA_DINLINE sa_d d_ldexp(sa_d a, sa_d k) {
    sa_d p1, p2;
    d_pow2_split(k, &p1, &p2);
    return d_scale2(a, p1, p2);
}
/* error-free transformations */
SA_DINLINE sa_d d_two_sum(sa_d a, sa_d b, sa_d *e) { /* s + e = a + b exactly */
    sa_d s = d_add(a, b);
    sa_d bb = d_sub(s, a);
    *e = d_add(d_sub(a, d_sub(s, bb)), d_sub(b, bb));
    return s;
}
SA_DINLINE sa_d d_fast_two_sum(sa_d a, sa_d b, sa_d *e) { /* |a| >= |b| (or a = 0) */
    sa_d s = d_add(a, b);
    *e = d_add(d_sub(a, s), b);
    return s;
}
SA_DINLINE sa_d d_two_prod(sa_d a, sa_d b, sa_d *e) { /* p + e = a b exactly (no underflow) */
    sa_d p = d_mul(a, b);
    *e = d_fms(a, b, p);
    return p;
}
#endif
