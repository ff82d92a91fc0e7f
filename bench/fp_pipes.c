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

#define FMA8                                                                                   \
    a0 = _mm256_fmadd_ps(a0, m, c); a1 = _mm256_fmadd_ps(a1, m, c);                            \
    a2 = _mm256_fmadd_ps(a2, m, c); a3 = _mm256_fmadd_ps(a3, m, c);                            \
    a4 = _mm256_fmadd_ps(a4, m, c); a5 = _mm256_fmadd_ps(a5, m, c);                            \
    a6 = _mm256_fmadd_ps(a6, m, c); a7 = _mm256_fmadd_ps(a7, m, c);
#define KEEP(...) __asm__ volatile("" : __VA_ARGS__)
#define AS_I(v) _mm256_castps_si256(v)
#define AS_F(v) _mm256_castsi256_ps(v)

/* one timing: FMA8 plus OP applied to b0..b3 (OP(b) is an expression of b, m) */
#define TIME(name, OP)                                                                         \
    do {                                                                                       \
        double best = 1e30;                                                                    \
        for (int r = 0; r < 5; r++) {                                                          \
            __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0,     \
                   a6 = a0, a7 = a0;                                                           \
            __m256 b0 = _mm256_set1_ps(1.5f), b1 = b0, b2 = b0, b3 = b0;                       \
            __m256 m = _mm256_set1_ps(0.999f), c = _mm256_set1_ps(0.001f);                     \
            double t0 = now();                                                                 \
            for (long i = 0; i < TURNS; i++) {                                                 \
                FMA8                                                                           \
                b0 = OP(b0); b1 = OP(b1); b2 = OP(b2); b3 = OP(b3);                            \
                KEEP("+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5), "+x"(a6),     \
                     "+x"(a7));                                                                \
                KEEP("+x"(b0), "+x"(b1), "+x"(b2), "+x"(b3), "+x"(m), "+x"(c));                \
            }                                                                                  \
            double t = now() - t0;                                                             \
            if (t < best) best = t;                                                            \
        }                                                                                      \
        report(name, best);                                                                    \
    } while (0)

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
/* the same turn on 512-bit registers: 8 FMA chains and 4 chains of the instruction tested */
#define FMA8Z                                                                                  \
    z0 = _mm512_fmadd_ps(z0, mz, cz); z1 = _mm512_fmadd_ps(z1, mz, cz);                        \
    z2 = _mm512_fmadd_ps(z2, mz, cz); z3 = _mm512_fmadd_ps(z3, mz, cz);                        \
    z4 = _mm512_fmadd_ps(z4, mz, cz); z5 = _mm512_fmadd_ps(z5, mz, cz);                        \
    z6 = _mm512_fmadd_ps(z6, mz, cz); z7 = _mm512_fmadd_ps(z7, mz, cz);
#define TIMEZ(name, OP)                                                                        \
    do {                                                                                       \
        double best = 1e30;                                                                    \
        for (int r = 0; r < 5; r++) {                                                          \
            __m512 z0 = _mm512_set1_ps(1.0f), z1 = z0, z2 = z0, z3 = z0, z4 = z0, z5 = z0,     \
                   z6 = z0, z7 = z0;                                                           \
            __m512 b0 = _mm512_set1_ps(1.5f), b1 = b0, b2 = b0, b3 = b0;                       \
            __m512 mz = _mm512_set1_ps(0.999f), cz = _mm512_set1_ps(0.001f);                   \
            __m512i tz = _mm512_set1_epi32(0x22);                                              \
            double t0 = now();                                                                 \
            for (long i = 0; i < TURNS; i++) {                                                 \
                FMA8Z                                                                          \
                b0 = OP(b0); b1 = OP(b1); b2 = OP(b2); b3 = OP(b3);                            \
                KEEP("+v"(z0), "+v"(z1), "+v"(z2), "+v"(z3), "+v"(z4), "+v"(z5), "+v"(z6),     \
                     "+v"(z7));                                                                \
                KEEP("+v"(b0), "+v"(b1), "+v"(b2), "+v"(b3), "+v"(mz), "+v"(cz), "+v"(tz));    \
            }                                                                                  \
            double t = now() - t0;                                                             \
            if (t < best) best = t;                                                            \
        }                                                                                      \
        report(name, best);                                                                    \
    } while (0)
#define ZI(v) _mm512_castps_si512(v)
#define ZF(v) _mm512_castsi512_ps(v)
#define OPZ_NONE(b) (b)
#define OPZ_MUL(b) _mm512_mul_ps(b, mz)
#define OPZ_ADD(b) _mm512_add_ps(b, mz)
#define OPZ_MAX(b) _mm512_max_ps(b, mz)
#define OPZ_RANGE(b) _mm512_range_ps(b, mz, 0x0E)
#define OPZ_REDUCE(b) _mm512_reduce_ps(b, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define OPZ_RSCALE(b) _mm512_roundscale_ps(b, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define OPZ_SCALEF(b) _mm512_scalef_ps(b, mz)
#define OPZ_FIXUP(b) _mm512_fixupimm_ps(b, mz, tz, 0)
#define OPZ_PADDD(b) ZF(_mm512_add_epi32(ZI(b), tz))
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
