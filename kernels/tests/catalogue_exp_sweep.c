/* catalogue_exp_sweep.c — accuracy, overflow-flag and cross-ISA bit-identity sweep of the
 * float32 catalogue kernels in kernels/f32_catalogue_exp.h (elu, celu, selu, softplus,
 * log_sigmoid, mish, swish, swiglu, geglu, geglu_tanh).
 *
 * Build and run from the repository root (the three ISA objects use the production flags):
 *
 *   K=kernels; O=/tmp/sa_cexp; mkdir -p $O
 *   gcc -O2 -ffp-contract=off -I$K -c $K/scalar/f32_catalogue_exp.c -o $O/scalar.o
 *   gcc -O2 -ffp-contract=off -mavx2 -mfma -mf16c -I$K -c $K/avx2/f32_catalogue_exp.c -o $O/avx2.o
 *   gcc -O2 -ffp-contract=off -mavx2 -mfma -mf16c -mavx512f -mavx512dq -mavx512bw -mavx512vl \
 *       -I$K -c $K/avx512/f32_catalogue_exp.c -o $O/avx512.o
 *   gcc -O2 -fopenmp -I$K $K/tests/catalogue_exp_sweep.c $O/scalar.o $O/avx2.o $O/avx512.o \
 *       -lm -o $O/catalogue_exp_sweep
 *   $O/catalogue_exp_sweep          # 2^24 strided patterns per function/parameter + windows
 *   $O/catalogue_exp_sweep quick    # 2^20 strided patterns
 *
 * For each function and parameter value (elu/celu alpha and swish beta in {0.01, 0.1, 1, 1.7,
 * 10, -0.01, -1, -10}; softplus beta in {0.01, 0.1, 1, 1.7, 10} x threshold {5, 20, 50};
 * gated units over a with b in {+-2^-20, +-1, +-3.7, +-2^20}, plus b = +-2^100 as an extra
 * range check) it runs every ISA on: the strided bit patterns (odd stride: a spread over all
 * 2^32 patterns), dense windows of 2^13 patterns around every branch point and threshold (both
 * signs, including the points that depend on the parameter), and specials. It prints the max
 * error in float32 ULPs of a long double reference and where it occurs, checks that the three
 * ISAs agree bit for bit (NaN == NaN), that the sign of a zero result matches the reference,
 * that a result whose reference rounds to +-inf is exactly that inf, and that the overflow
 * flag is raised by a kernel call iff some finite input in it has a genuinely overflowing
 * result (chunks of 4096 inputs; checked for the functions that can genuinely overflow: celu,
 * selu, softplus and the gated units; the others may raise it in saturating intermediates and
 * the loops drop their flags). Exit status 1 on any failure.
 * ULP: err = |y - ref| / ulp32(ref), ulp32(r) = 2^(max(floor(log2|r|), -126) - 23).
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

#define PK(name, algo)                                                                       \
    void SA_F32_KERNEL(name, algo, scalar)(const float *, const float *, size_t, const float *, \
                                           size_t, float *, size_t);                          \
    void SA_F32_KERNEL(name, algo, avx2)(const float *, const float *, size_t, const float *,  \
                                         size_t, float *, size_t);                            \
    void SA_F32_KERNEL(name, algo, avx512)(const float *, const float *, size_t, const float *, \
                                           size_t, float *, size_t);
#define UK(name, algo)                                                       \
    void SA_F32_KERNEL(name, algo, scalar)(const float *, float *, size_t); \
    void SA_F32_KERNEL(name, algo, avx2)(const float *, float *, size_t);   \
    void SA_F32_KERNEL(name, algo, avx512)(const float *, float *, size_t);
PK(elu, rr2_p7_expm1)
PK(celu, rcp_rr2_p7_expm1)
PK(softplus, hilo_rr2_p7_log1pd)
PK(swish, hilo_rr2_p7_div)
PK(swiglu, rr2_p7_div_f64)
PK(geglu, p9_erfc_p10_f64)
PK(geglu_tanh, hilo_rr2_p7_div_f64)
UK(selu, rr2_p7_expm1)
UK(mish, rr2_p7_ratd)
UK(log_sigmoid, rr2_p7_log1pd)
#define KP(name, algo) {SA_F32_KERNEL(name, algo, scalar), SA_F32_KERNEL(name, algo, avx2), \
                        SA_F32_KERNEL(name, algo, avx512)}

typedef long double LD;
static const LD SELU_S = 1.0507009873554804934193349852946L;
static const LD SELU_A = 1.6732632423543772848170429916717L;
static LD r_elu(LD x, LD a, LD q) { (void)q; return x > 0 ? x : a * expm1l(x); }
static LD r_celu(LD x, LD a, LD q) { (void)q; return x > 0 ? x : a * expm1l(x / a); }
static LD r_selu(LD x, LD a, LD q) { (void)a; (void)q; return SELU_S * (x > 0 ? x : SELU_A * expm1l(x)); }
static LD r_softplus(LD x, LD b, LD th) {
    if (isinf(x)) return x > 0 ? x : (b > 0 ? 0.0L : -0.0L);
    if ((float)((float)b * (float)x) > (float)th) return x;
    LD v = b * x;
    if (v > 0) return x + log1pl(expl(-v)) / b;
    return log1pl(expl(v)) / b;
}
static LD r_log_sigmoid(LD x, LD a, LD q) {
    (void)a; (void)q;
    return x < 0 ? x - log1pl(expl(x)) : -log1pl(expl(-x)); /* -0 where the true value is -tiny */
}
static LD r_mish(LD x, LD a_, LD q) {
    (void)a_; (void)q;
    if (isinf(x)) return x > 0 ? x : -0.0L;
    if (x > 0) { LD A = expl(-x); return x * (1 + 2 * A) / (1 + 2 * A + 2 * A * A); }
    LD A = expl(x), n = A * (A + 2);
    return x * n / (n + 2);
}
static LD r_swish(LD x, LD b, LD q) {
    (void)q;
    if (isinf(x)) { LD v = b * x; return v > 0 ? x : (v < 0 ? (x > 0 ? 0.0L : -0.0L) : x / 2); }
    return x / (1 + expl(-b * x));
}
static LD r_swiglu(LD a, LD b, LD q) {
    (void)q;
    if (isinf(a)) return a > 0 ? a * b : -0.0L * b;
    return a * b / (1 + expl(-a));
}
static LD r_geglu(LD a, LD b, LD q) {
    (void)q;
    if (isinf(a)) return a > 0 ? a * b : -0.0L * b;
    return 0.5L * a * erfcl(-a / sqrtl(2.0L)) * b;
}
static LD r_geglu_tanh(LD a, LD b, LD q) {
    (void)q;
    if (isinf(a)) return a > 0 ? a * b : -0.0L * b;
    LD c = 2 * sqrtl(2 / 3.14159265358979323846264338327950288L);
    LD v = c * (a + 0.044715L * a * a * a);
    return a * b / (1 + expl(-v));
}

static double ulp32(double r) {
    int e;
    if (r == 0) return ldexp(1.0, -149);
    frexp(fabs(r), &e);
    e = e - 1;
    if (e < -126) e = -126;
    return ldexp(1.0, e - 23);
}
static double ulp_err(float y, LD rl) {
    double r = (double)rl;
    float rf = (float)rl;
    if (isnan(r)) return isnan(y) ? 0 : INFINITY;
    if (isinf(rf)) return (y == rf) ? 0 : INFINITY;
    if (isnan(y) || isinf(y)) return INFINITY;
    double e = fabs((double)y - r) / ulp32(r);
    if (y == 0 && rf == 0 && !signbit(y) != !signbit(r)) e = INFINITY;
    return e;
}
static int same_bits(float a, float b) {
    uint32_t ia, ib;
    if (isnan(a) && isnan(b)) return 1;
    memcpy(&ia, &a, 4); memcpy(&ib, &b, 4);
    return ia == ib;
}
static float fbits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t bitsf(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static const char *isa_name[SA_NISA] = {"scalar", "avx2", "avx512"};
static int failures = 0;

typedef LD (*ref3)(LD, LD, LD);
typedef struct {
    const char *name;
    sa_f32_pkernel pk[SA_NISA];
    sa_f32_kernel uk[SA_NISA];
    ref3 ref;
    double budget;
    int ovf; /* 1: may genuinely overflow */
} fn_t;

static void call(const fn_t *f, int isa, const float *x, float p, float q, float *y, size_t n) {
    if (f->uk[0]) f->uk[isa](x, y, n);
    else f->pk[isa](x, &p, 0, &q, 0, y, n);
}

/* one function at one parameter pair; returns the max error over ISAs */
static double sweep(const fn_t *f, float p, float q, const float *br, int nbr, size_t nstride,
                    int print) {
    size_t win = 1 << 12;
    size_t n = nstride + (size_t)nbr * 2 * 2 * win + 64;
    float *x = malloc(n * sizeof(float));
    float *y[SA_NISA];
    for (int i = 0; i < SA_NISA; i++) y[i] = malloc(n * sizeof(float));
    size_t m = 0;
    uint64_t stride = 0xF4C6A2D3ull | 1, step = ((1ull << 32) / nstride) | 1;
    for (size_t i = 0; i < nstride; i++) x[m++] = fbits((uint32_t)(i * step * stride + (uint32_t)(p * 977.0f)));
    for (int b = 0; b < nbr; b++)
        for (int s = 0; s < 2; s++) {
            if (!(br[b] == br[b]) || isinf(br[b])) continue;
            uint32_t c = bitsf(s ? -br[b] : br[b]);
            for (size_t j = 0; j < 2 * win; j++) x[m++] = fbits(c - (uint32_t)win + (uint32_t)j);
        }
    const float sp[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 0x1p-149f, -0x1p-149f, 0x1p-126f,
                        -0x1p-126f, 0x1.fffffep127f, -0x1.fffffep127f, 1.0f, -1.0f, 3e38f, -3e38f};
    for (size_t j = 0; j < sizeof sp / sizeof sp[0]; j++) x[m++] = sp[j];
    n = m;
    LD *ref = malloc(n * sizeof(LD));
    size_t chunk = 4096, nch = (n + chunk - 1) / chunk;
    int flagfail = 0;
    float flagx = 0;
#pragma omp parallel for schedule(dynamic)
    for (size_t j = 0; j < n; j++) ref[j] = isnan(x[j]) ? (LD)NAN : f->ref(x[j], p, q);
#pragma omp parallel for schedule(dynamic)
    for (size_t c = 0; c < nch; c++) {
        size_t o = c * chunk, len = o + chunk <= n ? chunk : n - o;
        int expect = 0;
        for (size_t j = o; j < o + len; j++)
            if (isfinite(x[j]) && isinf((float)ref[j])) expect = 1;
        for (int i = 0; i < SA_NISA; i++) {
            feclearexcept(FE_ALL_EXCEPT);
            call(f, i, x + o, p, q, y[i] + o, len);
            int got = fetestexcept(FE_OVERFLOW) != 0;
            if (f->ovf && got != expect) {
                float fx = x[o];
                if (got) /* find an element that raises it on its own */
                    for (size_t j = o; j < o + len; j++) {
                        float yy;
                        feclearexcept(FE_ALL_EXCEPT);
                        call(f, i, x + j, p, q, &yy, 1);
                        if (fetestexcept(FE_OVERFLOW) && !(isfinite(x[j]) && isinf((float)ref[j]))) { fx = x[j]; break; }
                    }
#pragma omp critical
                { flagfail++; flagx = fx; }
            }
        }
    }
    double maxe[SA_NISA] = {0};
    float at[SA_NISA] = {0};
    size_t mism = 0;
    float mism_x = 0;
    for (size_t j = 0; j < n; j++) {
        for (int i = 0; i < SA_NISA; i++) {
            double e = ulp_err(y[i][j], ref[j]);
            if (!(e <= maxe[i])) { maxe[i] = e; at[i] = x[j]; }
        }
        if (!same_bits(y[0][j], y[1][j]) || !same_bits(y[0][j], y[2][j])) { mism++; mism_x = x[j]; }
    }
    double mx = 0;
    for (int i = 0; i < SA_NISA; i++) if (!(maxe[i] <= mx)) mx = maxe[i];
    int fail = !(mx <= f->budget) || mism || flagfail;
    if (print || fail) {
        printf("%-11s p=%-9g q=%-9g max %.3f (x=%a)", f->name, p, q, maxe[2], at[2]);
        if (maxe[0] != maxe[2] || maxe[1] != maxe[2])
            printf(" [scalar %.3f avx2 %.3f]", maxe[0], maxe[1]);
        printf("  isa-mismatch %zu  ovf-flag-fail %d%s\n", mism, flagfail, fail ? "  FAIL" : "");
        if (mism) printf("    mismatch example x=%a\n", mism_x);
        if (flagfail) printf("    overflow flag wrong (spurious at x=%a, or missing in its chunk)\n", flagx);
        if (!(mx <= f->budget)) {
            float xa = at[2], ya;
            call(f, 2, &xa, p, q, &ya, 1);
            printf("    worst: f(%a) = %a, ref %La\n", xa, ya, f->ref(xa, p, q));
        }
    }
    failures += fail;
    for (int i = 0; i < SA_NISA; i++) free(y[i]);
    free(x); free(ref);
    return mx;
}

/* specials and parameter-operand layout (ps = 1 arrays give the same bits as ps = 0) */
static void layout_check(const fn_t *f, float p, float q) {
    enum { N = 301 };
    float x[N], pa[N], qa[N], y0[N], y1[N];
    for (int i = 0; i < N; i++) { x[i] = (float)((i * 37 % 101) - 50) * 0.773f; pa[i] = p; qa[i] = q; }
    for (int isa = 0; isa < SA_NISA; isa++) {
        if (f->uk[0]) continue;
        f->pk[isa](x, &p, 0, &q, 0, y0, N);
        f->pk[isa](x, pa, 1, qa, 1, y1, N);
        for (int i = 0; i < N; i++)
            if (!same_bits(y0[i], y1[i])) { printf("  LAYOUT FAIL %s %s\n", f->name, isa_name[isa]); failures++; break; }
        for (int off = 0; off < 17; off++)
            for (int n = 0; n + off <= N; n += 1 + n / 5) {
                f->pk[isa](x + off, pa + off, 1, &q, 0, y1, (size_t)n);
                for (int i = 0; i < n; i++)
                    if (!same_bits(y0[off + i], y1[i])) { printf("  LAYOUT FAIL %s %s off %d\n", f->name, isa_name[isa], off); failures++; break; }
            }
    }
}

int main(int argc, char **argv) {
    int quick = argc > 1 && strcmp(argv[1], "quick") == 0;
    size_t nstride = quick ? (1u << 20) : (1u << 24) + 1;
    const fn_t F[] = {
        {"elu", KP(elu, rr2_p7_expm1), {0}, r_elu, 2.0, 0},
        {"celu", KP(celu, rcp_rr2_p7_expm1), {0}, r_celu, 2.0, 1},
        {"selu", {0}, KP(selu, rr2_p7_expm1), r_selu, 2.0, 1},
        {"softplus", KP(softplus, hilo_rr2_p7_log1pd), {0}, r_softplus, 2.0, 1},
        {"log_sigmoid", {0}, KP(log_sigmoid, rr2_p7_log1pd), r_log_sigmoid, 2.0, 0},
        {"mish", {0}, KP(mish, rr2_p7_ratd), r_mish, 2.0, 0},
        {"swish", KP(swish, hilo_rr2_p7_div), {0}, r_swish, 2.0, 0},
        {"swiglu", KP(swiglu, rr2_p7_div_f64), {0}, r_swiglu, 3.0, 1},
        {"geglu", KP(geglu, p9_erfc_p10_f64), {0}, r_geglu, 3.0, 1},
        {"geglu_tanh", KP(geglu_tanh, hilo_rr2_p7_div_f64), {0}, r_geglu_tanh, 3.0, 1},
    };
    const float al[] = {0.01f, 0.1f, 1.0f, 1.7f, 10.0f, -0.01f, -1.0f, -10.0f};
    const float bp[] = {0.01f, 0.1f, 1.0f, 1.7f, 10.0f};
    const float th[] = {20.0f, 5.0f, 50.0f};
    const float gb[] = {0x1p-20f, -0x1p-20f, 1.0f, -1.0f, 3.7f, -3.7f, 0x1p20f, -0x1p20f,
                        0x1p100f, -0x1p100f};
    for (size_t fi = 0; fi < sizeof F / sizeof F[0]; fi++) {
        const fn_t *f = &F[fi];
        double fmax = 0;
        if (f->uk[0]) {
            const float br[] = {87.5f, 17.3f, 103.9f, 107.5f, 120.0f, 0.35f, 1e-3f, 88.7f};
            fmax = sweep(f, 1.0f, 0.0f, br, 8, nstride, 1);
        } else if (strcmp(f->name, "softplus") == 0) {
            for (size_t i = 0; i < 5; i++)
                for (size_t j = 0; j < 3; j++) {
                    float b = bp[i], t = th[j];
                    float br[] = {t / b, 17.3f / b, 87.3f / b, 103.9f / b, 200.0f / b, 0.35f / b, 1e-3f, 150.0f / b};
                    double e = sweep(f, b, t, br, 8, nstride, 1);
                    if (e > fmax) fmax = e;
                    layout_check(f, b, t);
                }
        } else if (strncmp(f->name, "sw", 2) == 0 && strcmp(f->name, "swish") == 0) {
            for (size_t i = 0; i < 8; i++) {
                float b = al[i], ab = fabsf(b);
                float br[] = {17.3f / ab, 87.3f / ab, 103.9f / ab, 120.0f / ab, 200.0f / ab, 0.35f / ab, 1e-3f, 108.3f / ab};
                double e = sweep(f, b, 0.0f, br, 8, nstride, 1);
                if (e > fmax) fmax = e;
                layout_check(f, b, 0.0f);
            }
        } else if (strcmp(f->name, "elu") == 0 || strcmp(f->name, "celu") == 0) {
            for (size_t i = 0; i < 8; i++) {
                float a = al[i], s = strcmp(f->name, "celu") == 0 ? fabsf(a) : 1.0f;
                float br[] = {87.5f * s, 17.3f * s, 0.35f * s, 1e-3f * s, 256.0f * s, 88.7f * s, 100.0f * s, 1.04f * s};
                double e = sweep(f, a, 0.0f, br, 8, nstride, 1);
                if (e > fmax) fmax = e;
                layout_check(f, a, 0.0f);
            }
        } else {
            for (size_t i = 0; i < sizeof gb / sizeof gb[0]; i++) {
                float b = gb[i];
                float br[] = {0.5f, 2.5f, 5.4f, 14.3f, 15.8f, 20.0f, 87.3f, 103.9f};
                double e = sweep(f, b, 0.0f, br, 8, nstride, 1);
                if (fabsf(b) < 0x1p50f && e > fmax) fmax = e;
                layout_check(f, b, 0.0f);
            }
        }
        printf("== %-11s max over the grid %.3f (budget %.1f)\n", f->name, fmax, f->budget);
    }
    printf("%s (%d failure%s)\n", failures ? "FAILED" : "OK", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
