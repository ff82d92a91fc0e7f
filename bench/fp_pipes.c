/* fp_pipes.c: which AVX2 (and AVX-512) instructions share the FMA pipes on this CPU, the
 * figures behind the "FMA-pipe operations" remarks in kernels/f32_fast.h and README.md. Not
 * part of the package or of CI.
 *
 * Build and run (x86-64 with AVX2 and FMA):
 *   gcc -O2 -mavx2 -mfma bench/fp_pipes.c -o /tmp/fp_pipes && SA_GHZ=3.2 /tmp/fp_pipes
 * and with AVX-512 (the same test on 512-bit registers, with the AVX-512 instructions the
 * kernels use, after the AVX2 rows):
 *   gcc -O2 -mavx2 -mfma -mavx512f -mavx512dq bench/fp_pipes.c -o /tmp/fp_pipes && /tmp/fp_pipes
 *
 * Each loop turn runs 8 independent FMA chains (enough to fill two FMA pipes of latency 4)
 * and 4 independent chains of one other instruction. If that instruction issues on the FMA
 * pipes, the turn takes the time of 12 FMA-pipe operations instead of 8 (about 1.5 times the
 * FMA-only turn); if it issues elsewhere, the turn stays as long as the FMA-only one; a ratio
 * in between means it is issued to the FMA pipes part of the time. The
 * minimum over 5 rounds is printed, in ns per turn and, with SA_GHZ set (the core's clock in
 * GHz: it cannot be read reliably from here), in cycles per turn. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TURNS 20000000L

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define KEEP(...) __asm__ volatile("" : __VA_ARGS__)
#define AS_I(v) _mm256_castps_si256(v)
#define AS_F(v) _mm256_castsi256_ps(v)

/* one timing on vectors of type V (integer type VI, SET1 / SET1I broadcasts, FMADD the fma):
 * 8 FMA chains plus OP applied to b0..b3 (OP(b) is an expression of b, m and the integer ti) */
#define TIME_W(name, V, VI, SET1, SET1I, FMADD, OP)                                            \
    do {                                                                                       \
        double best = 1e30;                                                                    \
        for (int r = 0; r < 5; r++) {                                                          \
            V a0 = SET1(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;  \
            V b0 = SET1(1.5f), b1 = b0, b2 = b0, b3 = b0;                                      \
            V m = SET1(0.999f), c = SET1(0.001f);                                              \
            VI ti = SET1I(0x22);                                                               \
            double t0 = now();                                                                 \
            for (long i = 0; i < TURNS; i++) {                                                 \
                a0 = FMADD(a0, m, c); a1 = FMADD(a1, m, c); a2 = FMADD(a2, m, c);              \
                a3 = FMADD(a3, m, c); a4 = FMADD(a4, m, c); a5 = FMADD(a5, m, c);              \
                a6 = FMADD(a6, m, c); a7 = FMADD(a7, m, c);                                    \
                b0 = OP(b0); b1 = OP(b1); b2 = OP(b2); b3 = OP(b3);                            \
                KEEP("+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5), "+v"(a6),     \
                     "+v"(a7));                                                                \
                KEEP("+v"(b0), "+v"(b1), "+v"(b2), "+v"(b3), "+v"(m), "+v"(c), "+v"(ti));      \
            }                                                                                  \
            double t = now() - t0;                                                             \
            if (t < best) best = t;                                                            \
        }                                                                                      \
        report(name, best);                                                                    \
    } while (0)
#define TIME(name, OP)                                                                         \
    TIME_W(name, __m256, __m256i, _mm256_set1_ps, _mm256_set1_epi32, _mm256_fmadd_ps, OP)

static double base_ns;

static void report(const char *name, double seconds)
{
    const char *ghz = getenv("SA_GHZ");
    double ns = seconds * 1e9 / TURNS;
    if (base_ns == 0)
        base_ns = ns;
    printf("%-22s %7.3f ns/turn", name, ns);
    if (ghz)
        printf("  %6.2f cycles/turn", ns * atof(ghz));
    printf("  x%.2f of the FMA-only turn\n", ns / base_ns);
}

#define OP_NONE(b) (b)
#define OP_MUL(b) _mm256_mul_ps(b, m)
#define OP_BLENDV(b) _mm256_blendv_ps(b, m, b)
#define OP_ADD(b) _mm256_add_ps(b, m)
#define OP_MAX(b) _mm256_max_ps(b, m)
#define OP_MIN(b) _mm256_min_ps(b, m)
#define OP_CMP(b) _mm256_cmp_ps(b, m, _CMP_LT_OQ)
#define OP_FLOOR(b) _mm256_floor_ps(b)
#define OP_CVTT(b) AS_F(_mm256_cvttps_epi32(b))
#define OP_XOR(b) _mm256_xor_ps(b, m)
#define OP_AND(b) _mm256_and_ps(b, m)
#define OP_PADDD(b) AS_F(_mm256_add_epi32(AS_I(b), AS_I(m)))
#define OP_PSLLD(b) AS_F(_mm256_slli_epi32(AS_I(b), 1))

#if defined(__AVX512F__)
/* the same turn on 512-bit registers */
#define TIMEZ(name, OP)                                                                        \
    TIME_W(name, __m512, __m512i, _mm512_set1_ps, _mm512_set1_epi32, _mm512_fmadd_ps, OP)
#define ZI(v) _mm512_castps_si512(v)
#define ZF(v) _mm512_castsi512_ps(v)
#define OPZ_NONE(b) (b)
#define OPZ_MUL(b) _mm512_mul_ps(b, m)
#define OPZ_ADD(b) _mm512_add_ps(b, m)
#define OPZ_MAX(b) _mm512_max_ps(b, m)
#define OPZ_RANGE(b) _mm512_range_ps(b, m, 0x0E)
#define OPZ_REDUCE(b) _mm512_reduce_ps(b, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define OPZ_RSCALE(b) _mm512_roundscale_ps(b, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define OPZ_SCALEF(b) _mm512_scalef_ps(b, m)
#define OPZ_FIXUP(b) _mm512_fixupimm_ps(b, m, ti, 0)
#define OPZ_PADDD(b) ZF(_mm512_add_epi32(ZI(b), ti))
#define OPZ_PSLLD(b) ZF(_mm512_slli_epi32(ZI(b), 1))
#endif

int main(void)
{
    TIME("vfmadd231ps only", OP_NONE);
    TIME("+ vmulps", OP_MUL);
    TIME("+ vblendvps", OP_BLENDV);
    TIME("+ vaddps", OP_ADD);
    TIME("+ vmaxps", OP_MAX);
    TIME("+ vminps", OP_MIN);
    TIME("+ vcmpps", OP_CMP);
    TIME("+ vroundps (floor)", OP_FLOOR);
    TIME("+ vcvttps2dq", OP_CVTT);
    TIME("+ vxorps", OP_XOR);
    TIME("+ vandps", OP_AND);
    TIME("+ vpaddd", OP_PADDD);
    TIME("+ vpslld", OP_PSLLD);
#if defined(__AVX512F__)
    base_ns = 0;
    printf("512-bit registers:\n");
    TIMEZ("vfmadd231ps only", OPZ_NONE);
    TIMEZ("+ vmulps", OPZ_MUL);
    TIMEZ("+ vaddps", OPZ_ADD);
    TIMEZ("+ vmaxps", OPZ_MAX);
    TIMEZ("+ vrangeps", OPZ_RANGE);
    TIMEZ("+ vreduceps", OPZ_REDUCE);
    TIMEZ("+ vrndscaleps (floor)", OPZ_RSCALE);
    TIMEZ("+ vscalefps", OPZ_SCALEF);
    TIMEZ("+ vfixupimmps", OPZ_FIXUP);
    TIMEZ("+ vpaddd", OPZ_PADDD);
    TIMEZ("+ vpslld", OPZ_PSLLD);
#endif
    return 0;
}
