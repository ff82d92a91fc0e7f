/* simd.h — a tiny vector abstraction for simdact's float32 kernels.
 *
 * Define exactly one of SA_TARGET_SCALAR, SA_TARGET_AVX2, SA_TARGET_AVX512 before including.
 * Every operation is exactly rounded IEEE binary32/binary64 (no approximate reciprocals, every
 * fused multiply-add written explicitly as v_fma), so the same sequence of operations gives
 * bit-identical results on every target. Build every kernel file with -ffp-contract=off.
 *
 *   sa_v   float vector (SA_W lanes)     sa_vi  int32 vector (SA_W lanes)
 *   sa_m   lane mask                     sa_vd  float64 vector (SA_DW lanes); a float vector
 *                                               has SA_DN float64 parts (lo, and hi if SA_DN==2)
 *
 * v_fnms(a, b, c) = -(a b) - c with one rounding (the negated fma); vd_fnma(a, b, c) = c - a b
 * with one rounding (float64).
 * v_fnma(a, b, c) = c - a b and v_fms(a, b, c) = a b - c, one rounding each: the same bits as
 *   v_fma(v_neg(a), b, c) and v_fma(a, b, v_neg(c)) for every non-NaN operand (the sign flip is
 *   exact), one instruction where the compiler kept the v_neg's xor apart (a NaN operand may
 *   come out with the other sign: every kernel using them has the driver's NaN select).
 * Masks come from compares, or from sign bits: m_signbit(a) marks the lanes whose sign bit is
 * set (on AVX2 it is a itself, valid for v_sel and m_count only, which read just that bit).
 * v_sel(m, a, b) = m ? a : b per lane; v_add_masked(a, m, b) = m ? a + b : a (one masked
 * add on AVX-512; m read as v_sel reads it); m_any(m) whether a lane is
 * set, m_count(m) how many (an int: a scalar count, no vector work). Compares are ordered
 * (false when either operand is NaN) except v_isnan and v_nge(a, b) = !(a >= b), true where
 * either is NaN. Integer shifts take a constant count.
 * vd_min(a, b) = a < b ? a : b and vd_max(a, b) = a > b ? a : b (x86 minpd / maxpd: b when
 * either is NaN, so vd_min(constant, v) keeps a NaN v); v_min / v_max the same for float
 * vectors. vd_pow2i(k, h) = 2^k exactly as float64 for the int32 lanes of half h, k in
 * [-1022, 1023] (the exponent field built from k).
 * Partial vectors (the tails): m_first(r) the mask of lanes 0..r-1 (r <= SA_W);
 * v_loadu_part(p, r, fill) loads p[0..r) into those lanes and fill into the others, and
 * v_storeu_part(p, a, r) stores only those lanes; the other lanes' memory is never touched
 * (masked loads and stores: no fault beyond the end of an array, no store-forwarding stall of a
 * scalar copy into a buffer).
 * Horizontal: v_hmax(a) the largest lane (exact, in a tree of maxps: a NaN lane may come out or
 * be passed over, so callers that care track NaN themselves); vd_hsum(a) the sum of the lanes
 * in a tree, halves first (its order, and so its rounding, depends on SA_DW).
 */
#ifndef SA_SIMD_H
#define SA_SIMD_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SA_INLINE static inline __attribute__((always_inline))
/* SA_FOR_DN(h): for (int h = 0; h < SA_DN; h++), unrolled. GCC 12 at -O2 kept these two-trip
 * loops over a float vector's float64 parts as loops (a counter, a branch, the parts' results
 * through a stack array), which serialized the halves of the float64 finishing: unrolled, the
 * same operations, log_sigmoid 3.16 -> 2.93 ns / element (Zen 3, AVX2, L2). */
#define SA_FOR_DN(h) _Pragma("GCC unroll 2") for (int h = 0; h < SA_DN; h++)
/* vd_split_sqrt2(u, &k): u = 2^k m for a positive normal float64 u, m in [sqrt(1/2), sqrt(2))
 * returned and k as a float64, by integer adds on u's bits (an offset that carries into the
 * exponent field from m = sqrt(2) on); vd_set4(a0, a1, a2, a3): a float64 vector of those in
 * lanes 0..3, 0 in any others (AVX-512 and AVX2 only). */
#define SA_SQRT2_BITS 0x3fe6a09e667f3bcdULL /* sqrt(1/2) */
#define SA_SQRT2_OFS (0x3ff0000000000000ULL - SA_SQRT2_BITS)

#if defined(SA_TARGET_AVX512)
/* ------------------------------------------------------------------------------ AVX-512 */
#include <immintrin.h>
#define SA_ISA_SUFFIX avx512
#define SA_W 16
#define SA_DW 8
#define SA_DN 2
typedef __m512 sa_v;
typedef __m512i sa_vi;
typedef __mmask16 sa_m;
typedef __m512d sa_vd;
SA_INLINE sa_v v_loadu(const float *p) { return _mm512_loadu_ps(p); }
SA_INLINE void v_storeu(float *p, sa_v a) { _mm512_storeu_ps(p, a); }
SA_INLINE sa_v v_set1(float a) { return _mm512_set1_ps(a); }
SA_INLINE sa_v v_add(sa_v a, sa_v b) { return _mm512_add_ps(a, b); }
SA_INLINE sa_v v_sub(sa_v a, sa_v b) { return _mm512_sub_ps(a, b); }
SA_INLINE sa_v v_mul(sa_v a, sa_v b) { return _mm512_mul_ps(a, b); }
SA_INLINE sa_v v_div(sa_v a, sa_v b) { return _mm512_div_ps(a, b); }
SA_INLINE sa_v v_fma(sa_v a, sa_v b, sa_v c) { return _mm512_fmadd_ps(a, b, c); }
SA_INLINE sa_v v_fnms(sa_v a, sa_v b, sa_v c) { return _mm512_fnmsub_ps(a, b, c); }
SA_INLINE sa_v v_fnma(sa_v a, sa_v b, sa_v c) { return _mm512_fnmadd_ps(a, b, c); }
SA_INLINE sa_v v_fms(sa_v a, sa_v b, sa_v c) { return _mm512_fmsub_ps(a, b, c); }
SA_INLINE sa_vi v_asint(sa_v a) { return _mm512_castps_si512(a); }
SA_INLINE sa_v v_asfloat(sa_vi a) { return _mm512_castsi512_ps(a); }
SA_INLINE sa_vi vi_set1(int32_t a) { return _mm512_set1_epi32(a); }
SA_INLINE sa_vi vi_add(sa_vi a, sa_vi b) { return _mm512_add_epi32(a, b); }
SA_INLINE sa_vi vi_sub(sa_vi a, sa_vi b) { return _mm512_sub_epi32(a, b); }
SA_INLINE sa_vi vi_and(sa_vi a, sa_vi b) { return _mm512_and_si512(a, b); }
SA_INLINE sa_vi vi_or(sa_vi a, sa_vi b) { return _mm512_or_si512(a, b); }
SA_INLINE sa_vi vi_xor(sa_vi a, sa_vi b) { return _mm512_xor_si512(a, b); }
#define vi_sll(a, c) _mm512_slli_epi32((a), (c))
#define vi_sra(a, c) _mm512_srai_epi32((a), (c))
SA_INLINE sa_m v_lt(sa_v a, sa_v b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
SA_INLINE sa_m v_le(sa_v a, sa_v b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
SA_INLINE sa_m v_gt(sa_v a, sa_v b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
SA_INLINE sa_m v_ge(sa_v a, sa_v b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
SA_INLINE sa_m v_eq(sa_v a, sa_v b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
SA_INLINE sa_m v_nge(sa_v a, sa_v b) { return _mm512_cmp_ps_mask(a, b, _CMP_NGE_UQ); }
SA_INLINE sa_v v_add_masked(sa_v a, sa_m m, sa_v b) { return _mm512_mask_add_ps(a, m, a, b); }
SA_INLINE sa_m v_isnan(sa_v a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
SA_INLINE sa_m m_and(sa_m a, sa_m b) { return (sa_m)(a & b); }
SA_INLINE sa_m m_or(sa_m a, sa_m b) { return (sa_m)(a | b); }
SA_INLINE int m_any(sa_m a) { return a != 0; }
SA_INLINE int m_count(sa_m a) { return __builtin_popcount((unsigned)a); }
/* the lanes whose sign bit is set: x < 0 but for -0 and NaNs with the bit set (its callers
 * rule those out or give the same result for them) */
SA_INLINE sa_m m_signbit(sa_v a) { return _mm512_movepi32_mask(_mm512_castps_si512(a)); }
SA_INLINE sa_v v_sel(sa_m m, sa_v a, sa_v b) { return _mm512_mask_blend_ps(m, b, a); }
SA_INLINE sa_m m_first(size_t r) { return (sa_m)((1u << r) - 1u); }
SA_INLINE sa_v v_loadu_part(const float *p, size_t r, float fill) {
    return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), m_first(r), p);
}
SA_INLINE void v_storeu_part(float *p, sa_v a, size_t r)
{
    _mm512_mask_storeu_ps(p, m_first(r), a);
}
SA_INLINE sa_v v_min(sa_v a, sa_v b) { return _mm512_min_ps(a, b); }
SA_INLINE sa_v v_max(sa_v a, sa_v b) { return _mm512_max_ps(a, b); }
SA_INLINE float v_hmax(sa_v a) {
    __m256 h = _mm256_max_ps(_mm512_castps512_ps256(a),
                             _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
    __m128 q = _mm_max_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_max_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_max_ss(q, _mm_movehdup_ps(q)));
}
/* float64 parts */
SA_INLINE sa_vd vd_lo(sa_v a) { return _mm512_cvtps_pd(_mm512_castps512_ps256(a)); }
SA_INLINE sa_vd vd_hi(sa_v a) {
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
}
SA_INLINE sa_v v_from_vd(sa_vd lo, sa_vd hi) {
    __m256 l = _mm512_cvtpd_ps(lo), h = _mm512_cvtpd_ps(hi);
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(l)),
                                               _mm256_castps_pd(h), 1));
}
SA_INLINE sa_vd vd_set1(double a) { return _mm512_set1_pd(a); }
SA_INLINE sa_vd vd_add(sa_vd a, sa_vd b) { return _mm512_add_pd(a, b); }
SA_INLINE sa_vd vd_sub(sa_vd a, sa_vd b) { return _mm512_sub_pd(a, b); }
SA_INLINE sa_vd vd_mul(sa_vd a, sa_vd b) { return _mm512_mul_pd(a, b); }
SA_INLINE sa_vd vd_div(sa_vd a, sa_vd b) { return _mm512_div_pd(a, b); }
SA_INLINE sa_vd vd_fma(sa_vd a, sa_vd b, sa_vd c) { return _mm512_fmadd_pd(a, b, c); }
SA_INLINE sa_vd vd_fnma(sa_vd a, sa_vd b, sa_vd c) { return _mm512_fnmadd_pd(a, b, c); }
SA_INLINE sa_vd vd_min(sa_vd a, sa_vd b) { return _mm512_min_pd(a, b); }
SA_INLINE sa_vd vd_max(sa_vd a, sa_vd b) { return _mm512_max_pd(a, b); }
SA_INLINE double vd_hsum(sa_vd a) {
    __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd(a, 1));
    __m128d q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    return _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)));
}
SA_INLINE sa_vd vd_pow2i(sa_vi k, int h) {
    __m256i kh = h ? _mm512_extracti64x4_epi64(k, 1) : _mm512_castsi512_si256(k);
    __m512i e = _mm512_add_epi64(_mm512_cvtepi32_epi64(kh), _mm512_set1_epi64(1023));
    return _mm512_castsi512_pd(_mm512_slli_epi64(e, 52));
}
SA_INLINE void vd_storeu(double *p, sa_vd a) { _mm512_storeu_pd(p, a); }
SA_INLINE sa_vd vd_loadu(const double *p) { return _mm512_loadu_pd(p); }
SA_INLINE sa_vd vd_set4(double a0, double a1, double a2, double a3) {
    return _mm512_set_pd(0.0, 0.0, 0.0, 0.0, a3, a2, a1, a0);
}
SA_INLINE sa_vd vd_split_sqrt2(sa_vd u, sa_vd *k) {
    __m512i b = _mm512_add_epi64(_mm512_castpd_si512(u), _mm512_set1_epi64(SA_SQRT2_OFS));
    __m512i e = _mm512_or_si512(_mm512_srli_epi64(b, 52), _mm512_set1_epi64(0x4330000000000000));
    *k = _mm512_sub_pd(_mm512_castsi512_pd(e), _mm512_set1_pd(0x1p52 + 1023.0));
    b = _mm512_and_si512(b, _mm512_set1_epi64(0x000fffffffffffff));
    return _mm512_castsi512_pd(_mm512_add_epi64(b, _mm512_set1_epi64(SA_SQRT2_BITS)));
}

#elif defined(SA_TARGET_AVX2)
/* --------------------------------------------------------------------------------- AVX2 */
#include <immintrin.h>
#define SA_ISA_SUFFIX avx2
#define SA_W 8
#define SA_DW 4
#define SA_DN 2
typedef __m256 sa_v;
typedef __m256i sa_vi;
typedef __m256 sa_m;
typedef __m256d sa_vd;
SA_INLINE sa_v v_loadu(const float *p) { return _mm256_loadu_ps(p); }
SA_INLINE void v_storeu(float *p, sa_v a) { _mm256_storeu_ps(p, a); }
SA_INLINE sa_v v_set1(float a) { return _mm256_set1_ps(a); }
SA_INLINE sa_v v_add(sa_v a, sa_v b) { return _mm256_add_ps(a, b); }
SA_INLINE sa_v v_sub(sa_v a, sa_v b) { return _mm256_sub_ps(a, b); }
SA_INLINE sa_v v_mul(sa_v a, sa_v b) { return _mm256_mul_ps(a, b); }
SA_INLINE sa_v v_div(sa_v a, sa_v b) { return _mm256_div_ps(a, b); }
SA_INLINE sa_v v_fma(sa_v a, sa_v b, sa_v c) { return _mm256_fmadd_ps(a, b, c); }
SA_INLINE sa_v v_fnms(sa_v a, sa_v b, sa_v c) { return _mm256_fnmsub_ps(a, b, c); }
SA_INLINE sa_v v_fnma(sa_v a, sa_v b, sa_v c) { return _mm256_fnmadd_ps(a, b, c); }
SA_INLINE sa_v v_fms(sa_v a, sa_v b, sa_v c) { return _mm256_fmsub_ps(a, b, c); }
SA_INLINE sa_vi v_asint(sa_v a) { return _mm256_castps_si256(a); }
SA_INLINE sa_v v_asfloat(sa_vi a) { return _mm256_castsi256_ps(a); }
SA_INLINE sa_vi vi_set1(int32_t a) { return _mm256_set1_epi32(a); }
SA_INLINE sa_vi vi_add(sa_vi a, sa_vi b) { return _mm256_add_epi32(a, b); }
SA_INLINE sa_vi vi_sub(sa_vi a, sa_vi b) { return _mm256_sub_epi32(a, b); }
SA_INLINE sa_vi vi_and(sa_vi a, sa_vi b) { return _mm256_and_si256(a, b); }
SA_INLINE sa_vi vi_or(sa_vi a, sa_vi b) { return _mm256_or_si256(a, b); }
SA_INLINE sa_vi vi_xor(sa_vi a, sa_vi b) { return _mm256_xor_si256(a, b); }
#define vi_sll(a, c) _mm256_slli_epi32((a), (c))
#define vi_sra(a, c) _mm256_srai_epi32((a), (c))
SA_INLINE sa_m v_lt(sa_v a, sa_v b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
SA_INLINE sa_m v_le(sa_v a, sa_v b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
SA_INLINE sa_m v_gt(sa_v a, sa_v b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
SA_INLINE sa_m v_ge(sa_v a, sa_v b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
SA_INLINE sa_m v_eq(sa_v a, sa_v b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
SA_INLINE sa_m v_nge(sa_v a, sa_v b) { return _mm256_cmp_ps(a, b, _CMP_NGE_UQ); }
SA_INLINE sa_v v_add_masked(sa_v a, sa_m m, sa_v b) {
    return _mm256_add_ps(a, _mm256_blendv_ps(_mm256_setzero_ps(), b, m));
}
SA_INLINE sa_m v_isnan(sa_v a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
SA_INLINE sa_m m_and(sa_m a, sa_m b) { return _mm256_and_ps(a, b); }
SA_INLINE sa_m m_or(sa_m a, sa_m b) { return _mm256_or_ps(a, b); }
SA_INLINE int m_any(sa_m a) { return _mm256_movemask_ps(a) != 0; }
SA_INLINE int m_count(sa_m a) { return __builtin_popcount((unsigned)_mm256_movemask_ps(a)); }
/* the lanes whose sign bit is set, as a mask for v_sel and m_count only: both read only the
 * sign bit of each lane, so a itself is that mask (no compare); m_and / m_or would read its
 * other bits too */
SA_INLINE sa_m m_signbit(sa_v a) { return a; }
SA_INLINE sa_v v_sel(sa_m m, sa_v a, sa_v b) { return _mm256_blendv_ps(b, a, m); }
SA_INLINE __m256i sa_first_i(size_t r) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)r), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
SA_INLINE sa_m m_first(size_t r) { return _mm256_castsi256_ps(sa_first_i(r)); }
SA_INLINE sa_v v_loadu_part(const float *p, size_t r, float fill) {
    __m256i m = sa_first_i(r);
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
SA_INLINE void v_storeu_part(float *p, sa_v a, size_t r)
{
    _mm256_maskstore_ps(p, sa_first_i(r), a);
}
SA_INLINE sa_v v_min(sa_v a, sa_v b) { return _mm256_min_ps(a, b); }
SA_INLINE sa_v v_max(sa_v a, sa_v b) { return _mm256_max_ps(a, b); }
SA_INLINE float v_hmax(sa_v a) {
    __m128 q = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    q = _mm_max_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_max_ss(q, _mm_movehdup_ps(q)));
}
SA_INLINE sa_vd vd_lo(sa_v a) { return _mm256_cvtps_pd(_mm256_castps256_ps128(a)); }
SA_INLINE sa_vd vd_hi(sa_v a) { return _mm256_cvtps_pd(_mm256_extractf128_ps(a, 1)); }
SA_INLINE sa_v v_from_vd(sa_vd lo, sa_vd hi) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)),
                                _mm256_cvtpd_ps(hi), 1);
}
SA_INLINE sa_vd vd_set1(double a) { return _mm256_set1_pd(a); }
SA_INLINE sa_vd vd_add(sa_vd a, sa_vd b) { return _mm256_add_pd(a, b); }
SA_INLINE sa_vd vd_sub(sa_vd a, sa_vd b) { return _mm256_sub_pd(a, b); }
SA_INLINE sa_vd vd_mul(sa_vd a, sa_vd b) { return _mm256_mul_pd(a, b); }
SA_INLINE sa_vd vd_div(sa_vd a, sa_vd b) { return _mm256_div_pd(a, b); }
SA_INLINE sa_vd vd_fma(sa_vd a, sa_vd b, sa_vd c) { return _mm256_fmadd_pd(a, b, c); }
SA_INLINE sa_vd vd_fnma(sa_vd a, sa_vd b, sa_vd c) { return _mm256_fnmadd_pd(a, b, c); }
SA_INLINE sa_vd vd_min(sa_vd a, sa_vd b) { return _mm256_min_pd(a, b); }
SA_INLINE sa_vd vd_max(sa_vd a, sa_vd b) { return _mm256_max_pd(a, b); }
SA_INLINE double vd_hsum(sa_vd a) {
    __m128d q = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
    return _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)));
}
SA_INLINE sa_vd vd_pow2i(sa_vi k, int h) {
    __m128i kh = h ? _mm256_extracti128_si256(k, 1) : _mm256_castsi256_si128(k);
    __m256i e = _mm256_add_epi64(_mm256_cvtepi32_epi64(kh), _mm256_set1_epi64x(1023));
    return _mm256_castsi256_pd(_mm256_slli_epi64(e, 52));
}
SA_INLINE void vd_storeu(double *p, sa_vd a) { _mm256_storeu_pd(p, a); }
SA_INLINE sa_vd vd_loadu(const double *p) { return _mm256_loadu_pd(p); }
SA_INLINE sa_vd vd_set4(double a0, double a1, double a2, double a3) {
    return _mm256_set_pd(a3, a2, a1, a0);
}
SA_INLINE sa_vd vd_split_sqrt2(sa_vd u, sa_vd *k) {
    __m256i b = _mm256_add_epi64(_mm256_castpd_si256(u), _mm256_set1_epi64x(SA_SQRT2_OFS));
    __m256i e = _mm256_or_si256(_mm256_srli_epi64(b, 52), _mm256_set1_epi64x(0x4330000000000000));
    *k = _mm256_sub_pd(_mm256_castsi256_pd(e), _mm256_set1_pd(0x1p52 + 1023.0));
    b = _mm256_and_si256(b, _mm256_set1_epi64x(0x000fffffffffffff));
    return _mm256_castsi256_pd(_mm256_add_epi64(b, _mm256_set1_epi64x(SA_SQRT2_BITS)));
}

#elif defined(SA_TARGET_SCALAR)
/* ------------------------------------------------------------------- portable scalar C */
#include <math.h>
#define SA_ISA_SUFFIX scalar
#define SA_W 1
#define SA_DW 1
#define SA_DN 1
typedef float sa_v;
typedef int32_t sa_vi;
typedef int sa_m;
typedef double sa_vd;
SA_INLINE sa_v v_loadu(const float *p) { return *p; }
SA_INLINE void v_storeu(float *p, sa_v a) { *p = a; }
SA_INLINE sa_v v_set1(float a) { return a; }
SA_INLINE sa_v v_add(sa_v a, sa_v b) { return a + b; }
SA_INLINE sa_v v_sub(sa_v a, sa_v b) { return a - b; }
SA_INLINE sa_v v_mul(sa_v a, sa_v b) { return a * b; }
SA_INLINE sa_v v_div(sa_v a, sa_v b) { return a / b; }
SA_INLINE sa_v v_fma(sa_v a, sa_v b, sa_v c) { return fmaf(a, b, c); }
SA_INLINE sa_v v_fnms(sa_v a, sa_v b, sa_v c) { return fmaf(-a, b, -c); }
SA_INLINE sa_v v_fnma(sa_v a, sa_v b, sa_v c) { return fmaf(-a, b, c); }
SA_INLINE sa_v v_fms(sa_v a, sa_v b, sa_v c) { return fmaf(a, b, -c); }
SA_INLINE sa_vi v_asint(sa_v a) { int32_t i; memcpy(&i, &a, 4); return i; }
SA_INLINE sa_v v_asfloat(sa_vi a) { float f; memcpy(&f, &a, 4); return f; }
SA_INLINE sa_vi vi_set1(int32_t a) { return a; }
SA_INLINE sa_vi vi_add(sa_vi a, sa_vi b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
SA_INLINE sa_vi vi_sub(sa_vi a, sa_vi b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
SA_INLINE sa_vi vi_and(sa_vi a, sa_vi b) { return a & b; }
SA_INLINE sa_vi vi_or(sa_vi a, sa_vi b) { return a | b; }
SA_INLINE sa_vi vi_xor(sa_vi a, sa_vi b) { return a ^ b; }
#define vi_sll(a, c) ((int32_t)((uint32_t)(a) << (c)))
/* arithmetic shift right written portably (floor division by 2^c) */
#define vi_sra(a, c) ((a) >= 0 ? (int32_t)((a) >> (c)) : (int32_t)~(~(a) >> (c)))
SA_INLINE sa_m v_lt(sa_v a, sa_v b) { return a < b; }
SA_INLINE sa_m v_le(sa_v a, sa_v b) { return a <= b; }
SA_INLINE sa_m v_gt(sa_v a, sa_v b) { return a > b; }
SA_INLINE sa_m v_ge(sa_v a, sa_v b) { return a >= b; }
SA_INLINE sa_m v_eq(sa_v a, sa_v b) { return a == b; }
SA_INLINE sa_m v_nge(sa_v a, sa_v b) { return !(a >= b); }
SA_INLINE sa_v v_add_masked(sa_v a, sa_m m, sa_v b) { return m ? a + b : a; }
SA_INLINE sa_m v_isnan(sa_v a) { return a != a; }
SA_INLINE sa_m m_and(sa_m a, sa_m b) { return a & b; }
SA_INLINE sa_m m_or(sa_m a, sa_m b) { return a | b; }
SA_INLINE int m_any(sa_m a) { return a != 0; }
SA_INLINE int m_count(sa_m a) { return a != 0; }
SA_INLINE sa_m m_signbit(sa_v a) { return signbit(a) != 0; }
SA_INLINE sa_v v_sel(sa_m m, sa_v a, sa_v b) { return m ? a : b; }
SA_INLINE sa_m m_first(size_t r) { return r > 0; }
SA_INLINE sa_v v_loadu_part(const float *p, size_t r, float fill) { return r ? *p : fill; }
SA_INLINE void v_storeu_part(float *p, sa_v a, size_t r) { if (r) *p = a; }
SA_INLINE sa_v v_min(sa_v a, sa_v b) { return a < b ? a : b; }
SA_INLINE sa_v v_max(sa_v a, sa_v b) { return a > b ? a : b; }
SA_INLINE float v_hmax(sa_v a) { return a; }
SA_INLINE sa_vd vd_lo(sa_v a) { return (double)a; }
SA_INLINE sa_vd vd_hi(sa_v a) { (void)a; return 0.0; }
SA_INLINE sa_v v_from_vd(sa_vd lo, sa_vd hi) { (void)hi; return (float)lo; }
SA_INLINE sa_vd vd_set1(double a) { return a; }
SA_INLINE sa_vd vd_add(sa_vd a, sa_vd b) { return a + b; }
SA_INLINE sa_vd vd_sub(sa_vd a, sa_vd b) { return a - b; }
SA_INLINE sa_vd vd_mul(sa_vd a, sa_vd b) { return a * b; }
SA_INLINE sa_vd vd_div(sa_vd a, sa_vd b) { return a / b; }
SA_INLINE sa_vd vd_fma(sa_vd a, sa_vd b, sa_vd c) { return fma(a, b, c); }
SA_INLINE sa_vd vd_fnma(sa_vd a, sa_vd b, sa_vd c) { return fma(-a, b, c); }
SA_INLINE sa_vd vd_min(sa_vd a, sa_vd b) { return a < b ? a : b; }
SA_INLINE sa_vd vd_max(sa_vd a, sa_vd b) { return a > b ? a : b; }
SA_INLINE double vd_hsum(sa_vd a) { return a; }
SA_INLINE sa_vd vd_pow2i(sa_vi k, int h) {
    (void)h;
    uint64_t u = (uint64_t)(int64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}
SA_INLINE void vd_storeu(double *p, sa_vd a) { *p = a; }
SA_INLINE sa_vd vd_loadu(const double *p) { return *p; }
SA_INLINE sa_vd vd_split_sqrt2(sa_vd u, sa_vd *k) {
    uint64_t b;
    memcpy(&b, &u, sizeof b);
    b += SA_SQRT2_OFS;
    *k = (double)(int)(b >> 52) - 1023.0;
    b = (b & 0x000fffffffffffffULL) + SA_SQRT2_BITS;
    double m;
    memcpy(&m, &b, sizeof m);
    return m;
}
#else
#error "define SA_TARGET_SCALAR, SA_TARGET_AVX2 or SA_TARGET_AVX512 before including simd.h"
#endif

/* ------------------------------------------------------------ ISA-independent helpers */
/* v_nan_or(x, y): x with its quiet bit set where x is NaN (sign and payload kept: the bits
 * x + x gives on x86), y elsewhere. On AVX-512 one vfixupimmps: its table answers 2 ("x
 * quieted") for the classes QNaN and SNaN of x (nibbles 0 and 1) and 0 ("keep y") for every
 * other class, in place of a compare, an or and a blend. */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v v_nan_or(sa_v x, sa_v y) {
    return _mm512_fixupimm_ps(y, x, _mm512_set1_epi32(0x22), 0);
}
#else
SA_INLINE sa_v v_nan_or(sa_v x, sa_v y) {
    return v_sel(v_isnan(x), v_asfloat(vi_or(v_asint(x), vi_set1(0x00400000))), y);
}
#endif
SA_INLINE sa_v v_and_bits(sa_v a, sa_vi m) { return v_asfloat(vi_and(v_asint(a), m)); }
SA_INLINE sa_v v_abs(sa_v a) { return v_and_bits(a, vi_set1(0x7fffffff)); }
SA_INLINE sa_v v_neg(sa_v a)
{
    return v_asfloat(vi_xor(v_asint(a), vi_set1((int32_t)0x80000000u)));
}
/* sign bit of s copied onto the non-negative a */
SA_INLINE sa_v v_copysign_pos(sa_v a, sa_v s) {
    return v_asfloat(vi_or(v_asint(a), vi_and(v_asint(s), vi_set1((int32_t)0x80000000u))));
}
/* round to nearest integer (ties to even) for |a| < 2^22, identical on every target: the magic
 * constant 1.5*2^23 forces the rounding in the add. Returns the integral float and, in *k, the
 * same integer as int32 taken from the low mantissa bits (no cvtps2dq: NaN raises nothing). */
SA_INLINE sa_v v_round_fma(sa_v a, sa_v mul, sa_vi *k) {
    const sa_v magic = v_set1(0x1.8p23f);
    sa_v t = v_fma(a, mul, magic);
    *k = vi_sub(v_asint(t), v_asint(magic));
    return v_sub(t, magic);
}
/* 2^j for integer j in [-126, 127] */
SA_INLINE sa_v v_pow2i(sa_vi j) { return v_asfloat(vi_sll(vi_add(j, vi_set1(127)), 23)); }
/* a * 2^k for k in [-252, 254] with a single rounding when a * 2^(k - k/2) stays normal:
 * the first factor is exact, only the second can round (into the subnormal range). */
SA_INLINE sa_v v_ldexp(sa_v a, sa_vi k) {
    sa_vi k1 = vi_sra(k, 1);
    sa_vi k2 = vi_sub(k, k1);
    return v_mul(v_mul(a, v_pow2i(k1)), v_pow2i(k2));
}
/* clamp keeping NaN: (a < lo ? lo : a), then (a > hi ? hi : a), each one max / min with the
 * bound first (v_max(lo, a) = lo > a ? lo : a gives the second operand, a, for a NaN a and for
 * equal zeros, as the select did; one instruction instead of a compare and a blend) */
SA_INLINE sa_v v_clamp(sa_v a, float lo, float hi) {
    return v_min(v_set1(hi), v_max(v_set1(lo), a));
}
/* v_clamp(a, -h, h) for h > 0 and a not NaN, the same bits (-0 kept); on AVX-512 one vrangeps
 * (the smaller magnitude of a and h with a's sign, imm8 0x02) instead of a max and a min. A NaN
 * a gives h there (measured), so a caller takes NaN through the driver's v_nan_or; elsewhere
 * it hands a NaN a on, quieted, as v_clamp does: SA_CLAMP_SYM_KEEPS_NAN says which (a caller
 * whose other operations also hand x on may then skip the driver's NaN select,
 * SA_DEF_UNARY_NANPROP in f32_driver.h). */
#if defined(SA_TARGET_AVX512)
SA_INLINE sa_v v_clamp_sym(sa_v a, float h) { return _mm512_range_ps(a, _mm512_set1_ps(h), 0x02); }
#define SA_CLAMP_SYM_KEEPS_NAN 0
#else
SA_INLINE sa_v v_clamp_sym(sa_v a, float h) { return v_clamp(a, -h, h); }
#define SA_CLAMP_SYM_KEEPS_NAN 1
#endif
#endif
