/* catalogue_pw_sweep.c — accuracy, special-value, flag and cross-ISA sweep of the piecewise
 * catalogue kernels (kernels/f32_catalogue_pw.h, kernels/f64_catalogue_pw.c):
 * leaky_relu, prelu, hardtanh, reglu (parametric) and hardsigmoid, hardswish, relu6, softsign.
 *
 * Build and run from the repository root (the three ISA objects use the production flags):
 *
 *   K=kernels; O=/tmp/sa_pw; mkdir -p $O
 *   gcc -O2 -ffp-contract=off -I$K -c $K/scalar/f32_catalogue_pw.c -o $O/scalar.o
 *   gcc -O2 -ffp-contract=off -mavx2 -mfma -mf16c -I$K -c $K/avx2/f32_catalogue_pw.c -o $O/avx2.o
 *   gcc -O2 -ffp-contract=off -mavx2 -mfma -mf16c -mavx512f -mavx512dq -mavx512bw -mavx512vl \
 *       -I$K -c $K/avx512/f32_catalogue_pw.c -o $O/avx512.o
 *   gcc -O2 -ffp-contract=off -I$K -c $K/f64_catalogue_pw.c -o $O/f64.o
 *   gcc -O2 -ffp-contract=off -fopenmp -I$K $K/tests/catalogue_pw_sweep.c $O/scalar.o \
 *       $O/avx2.o $O/avx512.o $O/f64.o -lm -o $O/catalogue_pw_sweep
 *   $O/catalogue_pw_sweep          # 2^24 strided patterns + windows + specials
 *   $O/catalogue_pw_sweep quick    # 2^20 strided patterns
 *
 * The kernels are declared here with SA_F32_KERNEL / SA_F64_KERNEL (the registry lines are
 * added by the lead); the algorithm tags below must match the kernel file.
 *
 * float32: every function and parameter of the grids (slopes 0.01 0.1 1 1.7 10 -0.01 -1 -10;
 * hardtanh (min, max) in (-1,1) (0,6) (-0.5,2) (-10,10); reglu b in +-2^-20 +-1 +-3.7 +-2^20)
 * is run on 2^24 float32 bit patterns (i * 257, i < 2^24, which visits every binade of both
 * signs in order) plus dense windows of +-4096 floats around every breakpoint and threshold
 * (0, +-3, +-6, the hardtanh bounds, 2^24..2^30, FLT_MAX/slope, ...) plus specials, for each of
 * scalar / avx2 / avx512, against long double references (exact, or within 2^-64 relative).
 *   - ULP: err = |y - ref| / ulp32(ref), ulp32(r) = 2^(max(floor(log2|r|), -126) - 23); where
 *     ref rounds to +-inf in float32 y must be exactly that inf; ref = 0 -> y must be a zero
 *     of the same sign; a zero y for a non-zero ref must carry ref's sign; NaN ref -> NaN y.
 *   - the three ISAs must give bit-identical outputs (NaNs included).
 *   - overflow flag: each chunk of 4096 consecutive inputs is run with cleared flags; the flag
 *     must be raised iff some finite input of the chunk has a true result that rounds to inf
 *     (no spurious flag from intermediates or discarded lanes, no missing one).
 *   - layout: parameters given as a stride-1 array must give the same bits as broadcast
 *     (stride 0); every length 1..70 at offsets 0..3 (tails) must agree with the full call.
 *   - specials: a table of exact expected results (signed zeros, infinities, NaNs).
 * float64: ~10^6 random and targeted samples per function and parameter against long double,
 * in float64 ULPs (same definition with -1022 and 52), the same specials and flag checks.
 * Prints per function and parameter: max ULP (and where), share correctly rounded, PASS/FAIL
 * against the proposed budget. Exit status 1 on any failure.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

#define PK_DECL(name, algo)                                                                  \
    void SA_F32_KERNEL(name, algo, scalar)(const float *, const float *, size_t, const float *, \
                                           size_t, float *, size_t);                         \
    void SA_F32_KERNEL(name, algo, avx2)(const float *, const float *, size_t, const float *,   \
                                         size_t, float *, size_t);                           \
    void SA_F32_KERNEL(name, algo, avx512)(const float *, const float *, size_t, const float *, \
                                           size_t, float *, size_t);                         \
    void SA_F64_KERNEL(name)(const double *, const double *, size_t, const double *, size_t,  \
                             double *, size_t);
#define UK_DECL(name, algo)                                                   \
    void SA_F32_KERNEL(name, algo, scalar)(const float *, float *, size_t);   \
    void SA_F32_KERNEL(name, algo, avx2)(const float *, float *, size_t);     \
    void SA_F32_KERNEL(name, algo, avx512)(const float *, float *, size_t);   \
    void SA_F64_KERNEL(name)(const double *, double *, size_t);
PK_DECL(leaky_relu, select_mul)
PK_DECL(prelu, select_mul)
PK_DECL(hardtanh, select)
PK_DECL(reglu, select_mul)
UK_DECL(hardsigmoid, pair_rem)
UK_DECL(hardswish, pair_rem_mul)
UK_DECL(relu6, select)
UK_DECL(softsign, pair_rcpdiv)

typedef long double LD;
/* ------------------------------------------------------------------ references */
static LD r_leaky(LD x, LD s, LD q) { (void)q; return isnan(x) ? x : x > 0 ? x : s * x; }
static LD r_hardtanh(LD x, LD lo, LD hi) {
    if (isnan(x)) return x;
    LD t = x > lo ? x : lo;
    return isnan(t) ? t : (t < hi ? t : hi);
}
static LD r_reglu(LD a, LD b, LD q) { (void)q; return isnan(a) ? a : (a > 0 ? a : 0.0L) * b; }
static LD r_hardsigmoid(LD x, LD p, LD q) {
    (void)p; (void)q;
    if (isnan(x)) return x;
    return x <= -3 ? 0.0L : x >= 3 ? 1.0L : (x + 3) / 6;
}
static LD r_hardswish(LD x, LD p, LD q) {
    (void)p; (void)q;
    if (isnan(x)) return x;
    return x <= -3 ? -0.0L : x >= 3 ? x : x * (x + 3) / 6;
}
static LD r_relu6(LD x, LD p, LD q) {
    (void)p; (void)q;
    if (isnan(x)) return x;
    return x > 0 ? (x < 6 ? x : 6.0L) : 0.0L;
}
static LD r_softsign(LD x, LD p, LD q) {
    (void)p; (void)q;
    if (isinf(x)) return x > 0 ? 1.0L : -1.0L;
    return x / (1 + fabsl(x));
}

typedef LD (*ref_fn)(LD, LD, LD);
typedef void (*uk32)(const float *, float *, size_t);
typedef void (*uk64)(const double *, double *, size_t);

typedef struct {
    const char *name;
    int np;               /* 0 unary, 1 or 2 parameters */
    sa_f32_pkernel pk[SA_NISA];
    sa_f64_pkernel pk64;
    uk32 uk[SA_NISA];
    uk64 uk64;
    ref_fn ref;
    double b32, b64;      /* proposed budgets */
    int ovf;              /* can overflow genuinely */
} fn_t;

#define PKS(n, a) {SA_F32_KERNEL(n, a, scalar), SA_F32_KERNEL(n, a, avx2), SA_F32_KERNEL(n, a, avx512)}
static fn_t fns[] = {
    {"leaky_relu", 1, PKS(leaky_relu, select_mul), SA_F64_KERNEL(leaky_relu), {0}, 0, r_leaky, 0.5, 0.5, 1},
    {"prelu", 1, PKS(prelu, select_mul), SA_F64_KERNEL(prelu), {0}, 0, r_leaky, 0.5, 0.5, 1},
    {"hardtanh", 2, PKS(hardtanh, select), SA_F64_KERNEL(hardtanh), {0}, 0, r_hardtanh, 0, 0, 0},
    {"reglu", 1, PKS(reglu, select_mul), SA_F64_KERNEL(reglu), {0}, 0, r_reglu, 0.5, 0.5, 1},
    {"hardsigmoid", 0, {0}, 0, PKS(hardsigmoid, pair_rem), SA_F64_KERNEL(hardsigmoid), r_hardsigmoid, 0.5, 0.51, 0},
    {"hardswish", 0, {0}, 0, PKS(hardswish, pair_rem_mul), SA_F64_KERNEL(hardswish), r_hardswish, 0.51, 0.51, 0},
    {"relu6", 0, {0}, 0, PKS(relu6, select), SA_F64_KERNEL(relu6), r_relu6, 0, 0, 0},
    {"softsign", 0, {0}, 0, PKS(softsign, pair_rcpdiv), SA_F64_KERNEL(softsign), r_softsign, 0.51, 0.51, 0},
};
#define NFN ((int)(sizeof fns / sizeof fns[0]))

static const float slopes[] = {0.01f, 0.1f, 1.0f, 1.7f, 10.0f, -0.01f, -1.0f, -10.0f};
static const float bounds[][2] = {{-1, 1}, {0, 6}, {-0.5f, 2}, {-10, 10}};
static const float bvals[] = {0x1p-20f, -0x1p-20f, 1.0f, -1.0f, 3.7f, -3.7f, 0x1p20f, -0x1p20f};

static int nparams(const fn_t *f) {
    if (f->np == 0) return 1;
    if (f->np == 2) return 4;
    return 8;
}
static void param_of(const fn_t *f, int k, float *p, float *q) {
    *p = 1.0f; *q = 1.0f;
    if (f->np == 2) { *p = bounds[k][0]; *q = bounds[k][1]; }
    else if (f->np == 1) *p = strcmp(f->name, "reglu") ? slopes[k] : bvals[k];
}

static const char *isa_name[SA_NISA] = {"scalar", "avx2", "avx512"};
static int isa_ok[SA_NISA];
static int failures;

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint64_t d2u(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }

static void run32(const fn_t *f, int isa, const float *x, const float *p, size_t ps,
                  const float *q, size_t qs, float *y, size_t n) {
    if (f->np) f->pk[isa](x, p, ps, q, qs, y, n);
    else f->uk[isa](x, y, n);
}
static void run64(const fn_t *f, const double *x, const double *p, const double *q, double *y,
                  size_t n) {
    if (f->np) f->pk64(x, p, 0, q, 0, y, n);
    else f->uk64(x, y, n);
}

/* error of y against ref in ULPs of a format with mantissa bits mb and min exponent emin;
 * maxv = the format's largest finite; returns -1 for a hard failure (wrong inf/NaN/zero). */
static double ulp_err(LD y, LD ref, int mb, int emin, LD maxv, int yzero_sign) {
    if (isnan(ref)) return isnan(y) ? 0 : -1;
    if (isnan(y)) return -1;
    if (isinf(ref)) return y == ref ? 0 : -1;
    if (ref == 0) return (y == 0 && (signbit(ref) != 0) == yzero_sign) ? 0 : -1;
    /* does ref round to inf in the target format? */
    LD lim = maxv + ldexpl(1.0L, (int)(logbl(maxv)) - mb - 1); /* halfway beyond max */
    if (fabsl(ref) >= lim) return (isinf(y) && (y > 0) == (ref > 0)) ? 0 : -1;
    if (y == 0 && (yzero_sign != (signbit(ref) != 0))) return -1;
    int e = (int)logbl(fabsl(ref));
    if (e < emin) e = emin;
    LD err = fabsl(y - ref) / ldexpl(1.0L, e - mb);
    return (double)err;
}

/* ------------------------------------------------------------------ inputs */
static float *X;
static size_t NX;
static void add(float v, size_t *cap) {
    if (NX == *cap) { *cap *= 2; X = realloc(X, *cap * sizeof *X); }
    X[NX++] = v;
}
static void window(float c, int w, size_t *cap) {
    float a = c, b = c;
    add(c, cap);
    for (int i = 0; i < w; i++) {
        a = nextafterf(a, INFINITY); b = nextafterf(b, -INFINITY);
        add(a, cap); add(b, cap);
    }
}

#define CH 4096
typedef struct { double maxe; float at; float yat; LD refat; long ncr, nfin; long bad; long nbits;
                 long nflag; } stat_t;

static void sweep32(const fn_t *f, int k) {
    float pv, qv;
    param_of(f, k, &pv, &qv);
    stat_t st[SA_NISA];
    memset(st, 0, sizeof st);
    long nbits = 0, nflagbad[SA_NISA] = {0}, nstride = 0;
    size_t nch = (NX + CH - 1) / CH;
#pragma omp parallel
    {
        float *y = malloc(sizeof(float) * CH * SA_NISA), *pa = malloc(sizeof(float) * CH),
              *qa = malloc(sizeof(float) * CH), *y2 = malloc(sizeof(float) * CH);
        stat_t ls[SA_NISA];
        memset(ls, 0, sizeof ls);
        long lbits = 0, lflag[SA_NISA] = {0}, lstride = 0;
        for (size_t i = 0; i < CH; i++) { pa[i] = pv; qa[i] = qv; }
#pragma omp for schedule(dynamic, 16)
        for (size_t c = 0; c < nch; c++) {
            size_t o = c * CH, n = NX - o < CH ? NX - o : CH;
            const float *x = X + o;
            int genuine = 0;
            for (size_t i = 0; i < n; i++) {
                LD r = f->ref(x[i], pv, qv);
                if (isfinite(x[i]) && !isnan(r) && isinf((float)r)) genuine = 1;
            }
            for (int s = 0; s < SA_NISA; s++) {
                if (!isa_ok[s]) continue;
                feclearexcept(FE_ALL_EXCEPT);
                run32(f, s, x, &pv, 0, &qv, 0, y + s * CH, n);
                int fl = fetestexcept(FE_OVERFLOW) != 0;
                if (fl != genuine) lflag[s]++;
                if (f->np) { /* stride-1 parameter arrays give the same bits */
                    run32(f, s, x, pa, 1, qa, 1, y2, n);
                    if (memcmp(y2, y + s * CH, n * sizeof(float))) lstride++;
                }
                stat_t *t = &ls[s];
                for (size_t i = 0; i < n; i++) {
                    float yy = y[s * CH + i];
                    LD r = f->ref(x[i], pv, qv);
                    double e = ulp_err(yy, r, 23, -126, FLT_MAX, signbit(yy) != 0);
                    if (isfinite(r) && isfinite(yy)) {
                        t->nfin++;
                        if (yy == (float)r) t->ncr++;
                    }
                    if (e < 0 || e > f->b32) {
                        if (t->bad < 3)
                            printf("  FAIL %s p=%g q=%g %s x=%a y=%a ref=%La err=%g\n", f->name,
                                   pv, qv, isa_name[s], x[i], yy, r, e);
                        t->bad++;
                    }
                    if (e > t->maxe) { t->maxe = e; t->at = x[i]; t->yat = yy; t->refat = r; }
                }
            }
            for (int s = 1; s < SA_NISA; s++)
                if (isa_ok[s] && memcmp(y, y + s * CH, n * sizeof(float))) lbits++;
        }
#pragma omp critical
        {
            for (int s = 0; s < SA_NISA; s++) {
                if (ls[s].maxe > st[s].maxe || (ls[s].maxe == st[s].maxe && st[s].nfin == 0)) {
                    st[s].maxe = ls[s].maxe; st[s].at = ls[s].at; st[s].yat = ls[s].yat;
                    st[s].refat = ls[s].refat;
                }
                st[s].ncr += ls[s].ncr; st[s].nfin += ls[s].nfin; st[s].bad += ls[s].bad;
                nflagbad[s] += lflag[s];
            }
            nbits += lbits; nstride += lstride;
        }
        free(y); free(pa); free(qa); free(y2);
    }
    int ok = 1;
    for (int s = 0; s < SA_NISA; s++) if (isa_ok[s] && (st[s].bad || nflagbad[s])) ok = 0;
    if (nbits || nstride) ok = 0;
    const stat_t *t = &st[SA_ISA_AVX512];
    if (!isa_ok[SA_ISA_AVX512]) t = &st[0];
    char ps[48] = "";
    if (f->np == 1) snprintf(ps, sizeof ps, "p=%g", pv);
    if (f->np == 2) snprintf(ps, sizeof ps, "(%g,%g)", pv, qv);
    printf("f32 %-12s %-14s max %.9f ULP at x=%a (y=%a ref=%.10Lg)  CR %.6f%%  flags:%s  isa-bits:%s"
           " stride:%s  %s\n",
           f->name, ps, t->maxe, t->at, t->yat, t->refat, 100.0 * t->ncr / (t->nfin ? t->nfin : 1),
           (nflagbad[0] + nflagbad[1] + nflagbad[2]) ? "BAD" : "ok", nbits ? "DIFF" : "identical",
           nstride ? "DIFF" : "ok", ok ? "PASS" : "FAIL");
    if (nflagbad[0] + nflagbad[1] + nflagbad[2])
        printf("  overflow-flag mismatches (chunks): scalar %ld avx2 %ld avx512 %ld\n",
               nflagbad[0], nflagbad[1], nflagbad[2]);
    if (!ok) failures++;
}

/* every length 1..70 at offsets 0..3 agrees with the full call (tails, in place) */
static void layout32(const fn_t *f) {
    float pv, qv;
    param_of(f, 0, &pv, &qv);
    enum { L = 80 };
    float x[L], full[L], y[L], pa[L], qa[L];
    int bad = 0;
    for (int i = 0; i < L; i++) {
        x[i] = (float)((i * 37 % 29) - 14) * 0.37f;
        pa[i] = pv + i * 0.125f; qa[i] = qv + i * 0.25f;
    }
    for (int s = 0; s < SA_NISA; s++) {
        if (!isa_ok[s]) continue;
        run32(f, s, x, pa, 1, qa, 1, full, L);
        for (int off = 0; off < 4; off++)
            for (int n = 1; n <= 70; n++) {
                memset(y, 0x7f, sizeof y);
                run32(f, s, x + off, pa + off, 1, qa + off, 1, y + off, (size_t)n);
                if (memcmp(y + off, full + off, n * sizeof(float))) bad++;
                if (off > 0 && f2u(y[off - 1]) != 0x7f7f7f7fu) bad++;
                if (off + n < L && f2u(y[off + n]) != 0x7f7f7f7fu) bad++;
                float z[L]; /* in place */
                memcpy(z, x, sizeof z);
                run32(f, s, z + off, pa + off, 1, qa + off, 1, z + off, (size_t)n);
                if (memcmp(z + off, full + off, n * sizeof(float))) bad++;
            }
    }
    if (bad) { printf("  FAIL layout %s: %d mismatches\n", f->name, bad); failures++; }
}

/* ------------------------------------------------------------------ specials */
typedef struct { const char *name; float x, p, q; uint32_t want; } sp_t;
#define PZ 0x00000000u
#define NZ 0x80000000u
#define QNAN 0xffffffffu /* any NaN */
static const sp_t specials[] = {
    {"leaky_relu", -0.0f, 0.01f, 0, NZ}, {"leaky_relu", 0.0f, 0.01f, 0, PZ},
    {"leaky_relu", 0.0f, -0.01f, 0, NZ}, {"leaky_relu", -0.0f, -1.0f, 0, PZ},
    {"leaky_relu", INFINITY, 10.0f, 0, 0x7f800000u}, {"leaky_relu", -INFINITY, 0.01f, 0, 0xff800000u},
    {"leaky_relu", -INFINITY, -1.0f, 0, 0x7f800000u}, {"leaky_relu", NAN, 0.01f, 0, QNAN},
    {"leaky_relu", -0x1p127f, 10.0f, 0, 0xff800000u}, {"leaky_relu", 0x1p127f, 10.0f, 0, 0x7f000000u},
    {"leaky_relu", -0x1p-149f, 0.5f, 0, NZ}, {"leaky_relu", 2.0f, NAN, 0, 0x40000000u},
    {"leaky_relu", -2.0f, NAN, 0, QNAN},
    {"prelu", -0.0f, 0.25f, 0, NZ}, {"prelu", 3.0f, -1.0f, 0, 0x40400000u},
    {"prelu", -INFINITY, 0.25f, 0, 0xff800000u}, {"prelu", NAN, 0.25f, 0, QNAN},
    {"hardtanh", -0.0f, 0.0f, 6.0f, PZ}, {"hardtanh", -0.0f, -1.0f, 1.0f, NZ},
    {"hardtanh", 0.0f, -1.0f, 1.0f, PZ}, {"hardtanh", INFINITY, -1.0f, 1.0f, 0x3f800000u},
    {"hardtanh", -INFINITY, -1.0f, 1.0f, 0xbf800000u}, {"hardtanh", NAN, -1.0f, 1.0f, QNAN},
    {"hardtanh", 0.5f, NAN, 1.0f, QNAN}, {"hardtanh", 0.5f, -1.0f, NAN, QNAN},
    {"hardtanh", 0.5f, 2.0f, 1.0f, 0x3f800000u},
    {"reglu", -0.0f, 2.0f, 0, PZ}, {"reglu", -1.0f, -2.0f, 0, NZ}, {"reglu", 0.0f, -2.0f, 0, NZ},
    {"reglu", 1.0f, INFINITY, 0, 0x7f800000u}, {"reglu", -1.0f, INFINITY, 0, QNAN},
    {"reglu", INFINITY, 0.0f, 0, QNAN}, {"reglu", NAN, 1.0f, 0, QNAN}, {"reglu", 1.0f, NAN, 0, QNAN},
    {"reglu", 0x1p120f, 0x1p20f, 0, 0x7f800000u}, {"reglu", -INFINITY, 2.0f, 0, PZ},
    {"hardsigmoid", -0.0f, 0, 0, 0x3f000000u}, {"hardsigmoid", -INFINITY, 0, 0, PZ},
    {"hardsigmoid", INFINITY, 0, 0, 0x3f800000u}, {"hardsigmoid", -3.0f, 0, 0, PZ},
    {"hardsigmoid", 3.0f, 0, 0, 0x3f800000u}, {"hardsigmoid", NAN, 0, 0, QNAN},
    {"hardswish", -0.0f, 0, 0, NZ}, {"hardswish", 0.0f, 0, 0, PZ}, {"hardswish", -INFINITY, 0, 0, NZ},
    {"hardswish", -3.0f, 0, 0, NZ}, {"hardswish", -4.0f, 0, 0, NZ}, {"hardswish", 3.0f, 0, 0, 0x40400000u},
    {"hardswish", INFINITY, 0, 0, 0x7f800000u}, {"hardswish", NAN, 0, 0, QNAN},
    {"hardswish", FLT_MAX, 0, 0, 0x7f7fffffu},
    {"relu6", -0.0f, 0, 0, PZ}, {"relu6", INFINITY, 0, 0, 0x40c00000u}, {"relu6", -INFINITY, 0, 0, PZ},
    {"relu6", NAN, 0, 0, QNAN}, {"relu6", 0x1p-149f, 0, 0, 1u},
    {"softsign", -0.0f, 0, 0, NZ}, {"softsign", 0.0f, 0, 0, PZ}, {"softsign", INFINITY, 0, 0, 0x3f800000u},
    {"softsign", -INFINITY, 0, 0, 0xbf800000u}, {"softsign", NAN, 0, 0, QNAN},
    {"softsign", -0x1p-149f, 0, 0, 0x80000001u}, {"softsign", FLT_MAX, 0, 0, 0x3f800000u},
};

static void check_specials(void) {
    int bad = 0;
    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
        const sp_t *s = &specials[k];
        const fn_t *f = NULL;
        for (int i = 0; i < NFN; i++) if (!strcmp(fns[i].name, s->name)) f = &fns[i];
        for (int isa = 0; isa < SA_NISA; isa++) {
            if (!isa_ok[isa]) continue;
            /* in a full vector (17 copies) and alone (tail path) */
            float x[17], y[17];
            for (int i = 0; i < 17; i++) x[i] = s->x;
            run32(f, isa, x, &s->p, 0, &s->q, 0, y, 17);
            for (int i = 0; i < 17; i++) {
                uint32_t u = f2u(y[i]);
                int ok = s->want == QNAN ? isnan(y[i]) : u == s->want;
                if (!ok) {
                    if (i == 0 || i == 16)
                        printf("  FAIL special %s(%a, %a, %a) %s -> %a (0x%08x), want 0x%08x\n",
                               s->name, s->x, s->p, s->q, isa_name[isa], y[i], u, s->want);
                    bad++;
                }
            }
        }
        /* float64: the same special in double, against the (exact) long double reference */
        double xd = s->x, pd = s->p, qd = s->q, yd;
        run64(f, &xd, &pd, &qd, &yd, 1);
        double want = (double)f->ref(xd, pd, qd);
        int ok = isnan(want) ? isnan(yd) : d2u(yd) == d2u(want);
        if (s->want == QNAN && !isnan(yd)) ok = 0;
        if (!ok) { printf("  FAIL f64 special %s(%a, %a, %a) -> %a, want %a\n", s->name, xd, pd, qd, yd, want); bad++; }
    }
    printf("specials: %s\n", bad ? "FAIL" : "all exact (signed zeros, infinities, NaNs)");
    if (bad) failures++;
}

/* ------------------------------------------------------------------ float64 */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next64(void) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}
static double urand(void) { return (next64() >> 11) * 0x1p-53; }

static void sweep64(const fn_t *f, int k, long ns) {
    float pv32, qv32;
    param_of(f, k, &pv32, &qv32);
    double pv = pv32, qv = qv32;
    if (f->np == 1 && strcmp(f->name, "reglu") && k == 0) pv = 0.01; /* the double default */
    double maxe = 0, at = 0;
    long bad = 0, ncr = 0, nfin = 0, flagbad = 0;
    enum { B = 1024 };
    double x[B], y[B];
    double bps[] = {0, 3, -3, 6, -6, pv, qv, 1, -1, 0.5, -0.5, 10, -10, 0x1p54, 0x1p60,
                    DBL_MAX / 10, DBL_MAX, DBL_MIN};
    for (long b = 0; b < ns / B; b++) {
        int mode = (int)(b % 4);
        for (int i = 0; i < B; i++) {
            double v;
            if (mode == 0) { uint64_t u = next64(); memcpy(&v, &u, 8); if (isnan(v)) v = 1.5; }
            else if (mode == 1) v = (urand() * 2 - 1) * 8;
            else if (mode == 2) v = (urand() * 2 - 1) * ldexp(1.0, (int)(next64() % 80) - 40);
            else {
                double c = bps[next64() % (sizeof bps / sizeof bps[0])];
                if (next64() & 1) c = -c;
                int steps = (int)(next64() % 2001) - 1000;
                v = c;
                for (int j = 0; j < abs(steps) && j < 60; j++) v = nextafter(v, steps > 0 ? INFINITY : -INFINITY);
                if (abs(steps) >= 60) v += c == 0 ? steps * 0x1p-1074 : steps * ldexp(1.0, ilogb(c) - 52);
            }
            x[i] = v;
        }
        int genuine = 0;
        for (int i = 0; i < B; i++) {
            LD r = f->ref(x[i], pv, qv);
            if (isfinite(x[i]) && !isnan(r) && isinf((double)r)) genuine = 1;
        }
        feclearexcept(FE_ALL_EXCEPT);
        run64(f, x, &pv, &qv, y, B);
        if ((fetestexcept(FE_OVERFLOW) != 0) != genuine) flagbad++;
        for (int i = 0; i < B; i++) {
            LD r = f->ref(x[i], pv, qv);
            double e = ulp_err(y[i], r, 52, -1022, DBL_MAX, signbit(y[i]) != 0);
            if (isfinite(r) && isfinite(y[i])) { nfin++; if (y[i] == (double)r) ncr++; }
            if (e < 0 || e > f->b64) {
                if (bad < 3) printf("  FAIL f64 %s p=%g x=%a y=%a ref=%La err=%g\n", f->name, pv, x[i], y[i], r, e);
                bad++;
            }
            if (e > maxe) { maxe = e; at = x[i]; }
        }
    }
    /* flag checks with chosen blocks: huge positive / negative */
    for (int sgn = -1; sgn <= 1; sgn += 2) {
        for (int i = 0; i < B; i++) x[i] = sgn * DBL_MAX * (1 - i * 0x1p-20);
        int genuine = 0;
        for (int i = 0; i < B; i++) {
            LD r = f->ref(x[i], pv, qv);
            if (!isnan(r) && isinf((double)r)) genuine = 1;
        }
        feclearexcept(FE_ALL_EXCEPT);
        run64(f, x, &pv, &qv, y, B);
        if ((fetestexcept(FE_OVERFLOW) != 0) != genuine) flagbad++;
    }
    char ps[48] = "";
    if (f->np == 1) snprintf(ps, sizeof ps, "p=%g", pv);
    if (f->np == 2) snprintf(ps, sizeof ps, "(%g,%g)", pv, qv);
    int ok = !bad && !flagbad;
    printf("f64 %-12s %-14s max %.9f ULP at x=%a  CR %.5f%%  flags:%s  %s\n", f->name, ps, maxe, at,
           100.0 * ncr / (nfin ? nfin : 1), flagbad ? "BAD" : "ok", ok ? "PASS" : "FAIL");
    if (!ok) failures++;
}

int main(int argc, char **argv) {
    int quick = argc > 1 && !strcmp(argv[1], "quick");
    __builtin_cpu_init();
    isa_ok[0] = 1;
    isa_ok[1] = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    isa_ok[2] = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    size_t cap = 1 << 20;
    X = malloc(cap * sizeof *X);
    uint32_t count = quick ? (1u << 20) : (1u << 24), stride = quick ? 4099u : 257u;
    for (uint32_t i = 0; i < count; i++) add(u2f(i * stride), &cap);
    float centres[] = {0.0f, 3.0f, -3.0f, 6.0f, -6.0f, 1.0f, -1.0f, 0.5f, -0.5f, 2.0f, -2.0f, 10.0f,
                       -10.0f, 0x1p-28f, -0x1p-28f, 0x1p24f, -0x1p24f, 0x1p26f, -0x1p26f, 0x1p30f,
                       -0x1p30f, FLT_MAX, -FLT_MAX, FLT_MAX / 10, -FLT_MAX / 10, FLT_MAX / 1.7f,
                       -FLT_MAX / 1.7f, FLT_MAX / 3.7f, -FLT_MAX / 3.7f, 0x1p108f, -0x1p108f,
                       FLT_MIN, -FLT_MIN, 0x1p-149f, -0x1p-149f, 0x1p-127f, -0x1p-127f,
                       FLT_MIN * 100, -FLT_MIN * 100};
    for (size_t i = 0; i < sizeof centres / sizeof centres[0]; i++) window(centres[i], 4096, &cap);
    float sp[] = {INFINITY, -INFINITY, NAN, -NAN};
    for (int k = 0; k < 4; k++) for (int r = 0; r < 64; r++) add(sp[k], &cap);
    printf("catalogue_pw_sweep: %zu float32 inputs per function and parameter; ISAs:%s%s%s\n", NX,
           isa_ok[0] ? " scalar" : "", isa_ok[1] ? " avx2" : "", isa_ok[2] ? " avx512" : "");
    for (int i = 0; i < NFN; i++) {
        for (int k = 0; k < nparams(&fns[i]); k++) sweep32(&fns[i], k);
        layout32(&fns[i]);
    }
    check_specials();
    long ns = quick ? 1 << 18 : 1 << 20;
    for (int i = 0; i < NFN; i++)
        for (int k = 0; k < nparams(&fns[i]); k++) sweep64(&fns[i], k, ns);
    printf("%s (%d failure%s)\n", failures ? "FAIL" : "PASS", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
