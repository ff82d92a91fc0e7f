/* Generic ufunc loops: strides, dtypes, threads and the floating-point environment.
 *
 * Layout independence: kernels are elementwise (or per row) and position-independent, so a call
 * gives the same bits whether it arrives contiguous, strided (gathered into a block buffer),
 * in place, misaligned or split across threads.
 *
 * Floating-point flags: a kernel may raise any flag in its intermediates (masked lanes,
 * saturated branches). Each loop saves the calling thread's MXCSR and x87 status (or fenv) on
 * entry and restores them on exit, adding back only the overflow flag, and only for functions
 * the registry marks ovf (their kernels raise it only when a finite input's result rounds to
 * +-inf). Worker threads adopt the caller's control bits (rounding, FTZ/DAZ) for the duration
 * of the region and report their overflow flag back.
 */
#include <Python.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "dispatch.h"
#include "loops.h"

#ifndef SA_NO_OPENMP
#include <omp.h>
#endif
#include <pthread.h>

#if defined(__x86_64__) || defined(__i386__)
/* SSE state is MXCSR; the float64 kernels may also use x87 long double (libm erfcl), whose
 * status word NumPy reads too. Both exception-flag fields share one bit layout (IE DE ZE OE UE
 * PE in bits 0..5), so the caller's x87 flags can be handed back through MXCSR. */
#include <xmmintrin.h>
typedef struct {
    unsigned csr;
    unsigned short sw;
} sa_fpstate;
#define SA_FP_FLAGS 0x3Fu
#define SA_FP_OE 0x08u
static inline unsigned short x87_status(void)
{
    unsigned short sw;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    return sw;
}
static inline void fp_get(sa_fpstate *s)
{
    s->csr = _mm_getcsr();
    s->sw = x87_status();
}
/* Worker threads: the caller's control bits (rounding, FTZ, DAZ), no flags. */
static inline void fp_adopt(const sa_fpstate *caller)
{
    _mm_setcsr(caller->csr & ~SA_FP_FLAGS);
    __asm__ volatile("fnclex");
}
static inline void fp_set(const sa_fpstate *s) { _mm_setcsr(s->csr); }
static inline int fp_overflowed(void) { return ((_mm_getcsr() | x87_status()) & SA_FP_OE) != 0; }
/* Back to the caller's flags, plus overflow when `ov`. */
static inline void fp_restore(const sa_fpstate *caller, int ov)
{
    if (x87_status() & SA_FP_FLAGS)
        __asm__ volatile("fnclex");
    _mm_setcsr(caller->csr | (caller->sw & SA_FP_FLAGS) | (ov ? SA_FP_OE : 0u));
}
#else
#include <fenv.h>
typedef fenv_t sa_fpstate;
static inline void fp_get(sa_fpstate *s) { fegetenv(s); }
static inline void fp_set(const sa_fpstate *s) { fesetenv(s); }
static inline void fp_adopt(const sa_fpstate *s)
{
    fesetenv(s);
    feclearexcept(FE_ALL_EXCEPT);
}
static inline int fp_overflowed(void) { return fetestexcept(FE_OVERFLOW) != 0; }
static inline void fp_restore(const sa_fpstate *caller, int ov)
{
    fesetenv(caller);
    if (ov)
        feraiseexcept(FE_OVERFLOW);
}
#endif

/* For tests: set the calling thread's MXCSR control bits (FTZ 0x8000, DAZ 0x0040, rounding) and
 * return the previous register, or -1 where there is no MXCSR. */
long sa_debug_swap_mxcsr(long value)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned old = _mm_getcsr();
    _mm_setcsr((unsigned)value);
    return (long)old;
#else
    (void)value;
    return -1;
#endif
}

long sa_debug_get_mxcsr(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return (long)_mm_getcsr();
#else
    return -1;
#endif
}

/* ---------------------------------------------------------------- threads */

static int nthreads_setting = 0;        /* <= 0: OpenMP default */
/* Measured on the 2-core reference machine with `python -m simdact threads`:
 * below ~32K float32 elements a 2-thread team costs more than it saves for relu (the cheapest
 * kernel); the transcendental ones gain from ~4K on. */
static intptr_t parallel_threshold = 32768;
static int max_team_seen = 1;
static volatile int parallel_used = 0;  /* libgomp is not fork-safe once it has a pool */
static volatile int forked_after_parallel = 0;

static void on_fork_child(void)
{
    if (parallel_used)
        forked_after_parallel = 1;
}

static void init_formats(void);
void sa_loops_init(void)
{
    init_formats();
    pthread_atfork(NULL, NULL, on_fork_child);
}

int sa_has_openmp(void)
{
#ifdef SA_NO_OPENMP
    return 0;
#else
    return 1;
#endif
}

void sa_set_num_threads(int n) { nthreads_setting = n > 0 ? n : 0; }
int sa_get_num_threads_setting(void) { return nthreads_setting; }

int sa_get_num_threads(void)
{
#ifdef SA_NO_OPENMP
    return 1;
#else
    if (forked_after_parallel)
        return 1;
    return nthreads_setting > 0 ? nthreads_setting : omp_get_max_threads();
#endif
}

intptr_t sa_set_parallel_threshold(intptr_t n)
{
    intptr_t old = parallel_threshold;
    parallel_threshold = n < 1 ? 1 : n;
    return old;
}
intptr_t sa_get_parallel_threshold(void) { return parallel_threshold; }

int sa_max_team_seen(int reset)
{
    int v = max_team_seen;
    if (reset)
        max_team_seen = 1;
    return v;
}

typedef void (*sa_body)(void *ctx, intptr_t lo, intptr_t hi);

/* Split [0, n) into T parts on a grid of `grain` items; part t is [bound(t), bound(t+1)). */
static inline intptr_t bound(intptr_t n, int T, int t, intptr_t grain)
{
    if (t >= T)
        return n;
    intptr_t b = (intptr_t)((double)n * t / T);
    return b - b % grain;
}

/* Runs body over [0, n) on the calling thread or an OpenMP team, depending on `work`.
 * Returns nonzero when a worker thread raised the overflow flag. */
static int sa_run(intptr_t n, intptr_t work, intptr_t grain, sa_body body, void *ctx)
{
    int nt = sa_get_num_threads();
#ifndef SA_NO_OPENMP
    if (omp_in_parallel())
        nt = 1;
#endif
    if (nt > n / grain)
        nt = (int)(n / grain);
    if (nt <= 1 || work < parallel_threshold) {
        body(ctx, 0, n);
        return 0;
    }
    int ov = 0;
#ifndef SA_NO_OPENMP
    sa_fpstate caller;
    fp_get(&caller);
    parallel_used = 1;
#pragma omp parallel num_threads(nt) reduction(| : ov)
    {
        int T = omp_get_num_threads(), t = omp_get_thread_num();
        intptr_t lo = bound(n, T, t, grain), hi = bound(n, T, t + 1, grain);
        if (t == 0) {
            if (T > max_team_seen)
                max_team_seen = T;
            body(ctx, lo, hi);
        } else {
            sa_fpstate own;
            fp_get(&own);
            fp_adopt(&caller);
            body(ctx, lo, hi);
            ov |= fp_overflowed();
            fp_set(&own);
        }
    }
#endif
    return ov;
}

/* Restore the caller's flags, adding overflow only for a function whose results can overflow
 * (registry column ovf); for the others every flag raised by the kernels is an artefact. */
static inline void fp_finish(const sa_fpstate *caller, const sa_func_info *f, int worker_overflow)
{
    fp_restore(caller, f->may_overflow && (worker_overflow || fp_overflowed()));
}

/* ---------------------------------------------------------------- elementwise */

#define SA_BLOCK 1024 /* elements per gather/convert block (4 KiB of float32) */

/* A 16-bit float format carried as raw bits, computed in float32: float16 (F16C or bit
 * arithmetic, per ISA) or bfloat16 (bit arithmetic). */
typedef struct {
    sa_f16_to_f32_fn widen;
    sa_f32_to_f16_fn narrow;
} sa_half;

static sa_half fmt_f16; /* filled by sa_loops_init(), after the ISA is chosen */
static const sa_half fmt_bf16 = {sa_bf16_to_f32, sa_f32_to_bf16};

typedef struct {
    const sa_func_info *f;
    char *x, *y;
    intptr_t xs, ys;
    const sa_half *h;
} unary_ctx;

/* One elementwise call of function f: a plain unary kernel, or (SA_PDEFAULT) the parametric
 * kernel with the registry's default parameters broadcast. */
static inline void call_f32(const sa_func_info *f, const float *x, float *y, size_t n)
{
    if (f->kind == SA_PDEFAULT)
        sa_active_pf32[f->id](x, &f->dflt_f32[0], 0, &f->dflt_f32[1], 0, y, n);
    else
        sa_active_f32[f->id](x, y, n);
}

static inline void call_f64(const sa_func_info *f, const double *x, double *y, size_t n)
{
    if (f->kind == SA_PDEFAULT)
        f->pf64(x, &f->dflt[0], 0, &f->dflt[1], 0, y, n);
    else
        f->f64(x, y, n);
}

/* float32 / float64: contiguous runs go straight to the kernel; strided ones are gathered into
 * an aligned block, computed in place there, and scattered back. */
#define SA_DEFINE_UNARY(T, SUFFIX, CALL)                                                 \
    static void unary_body_##SUFFIX(void *p, intptr_t lo, intptr_t hi)                  \
    {                                                                                   \
        const unary_ctx *c = (const unary_ctx *)p;                                      \
        const char *x = c->x + lo * c->xs;                                              \
        char *y = c->y + lo * c->ys;                                                    \
        intptr_t n = hi - lo, xs = c->xs, ys = c->ys;                                   \
        if (xs == (intptr_t)sizeof(T) && ys == (intptr_t)sizeof(T)) {                  \
            CALL(c->f, (const T *)x, (T *)y, (size_t)n);                                \
            return;                                                                     \
        }                                                                               \
        T buf[SA_BLOCK] __attribute__((aligned(64)));                                   \
        for (intptr_t i = 0; i < n; i += SA_BLOCK) {                                    \
            intptr_t m = n - i < SA_BLOCK ? n - i : SA_BLOCK;                           \
            for (intptr_t j = 0; j < m; j++)                                            \
                buf[j] = *(const T *)(x + (i + j) * xs);                                \
            CALL(c->f, buf, buf, (size_t)m);                                            \
            for (intptr_t j = 0; j < m; j++)                                            \
                *(T *)(y + (i + j) * ys) = buf[j];                                      \
        }                                                                               \
    }                                                                                   \
    void sa_loop_unary_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps, \
                                void *data)                                             \
    {                                                                                   \
        unary_ctx c = {(const sa_func_info *)data, args[0], args[1], steps[0], steps[1], NULL}; \
        sa_fpstate caller;                                                              \
        fp_get(&caller);                                                                \
        int ov = sa_run(dims[0], dims[0], 64, unary_body_##SUFFIX, &c);                 \
        fp_finish(&caller, c.f, ov);                                                    \
    }

SA_DEFINE_UNARY(float, f32, call_f32)
SA_DEFINE_UNARY(double, f64, call_f64)

/* float16 / bfloat16: convert a block to float32, run the float32 kernel, round once back. */
static void unary_body_h16(void *p, intptr_t lo, intptr_t hi)
{
    const unary_ctx *c = (const unary_ctx *)p;
    const char *x = c->x + lo * c->xs;
    char *y = c->y + lo * c->ys;
    intptr_t n = hi - lo, xs = c->xs, ys = c->ys;
    float buf[SA_BLOCK] __attribute__((aligned(64)));
    uint16_t hb[SA_BLOCK] __attribute__((aligned(64)));
    for (intptr_t i = 0; i < n; i += SA_BLOCK) {
        intptr_t m = n - i < SA_BLOCK ? n - i : SA_BLOCK;
        const uint16_t *hx = (const uint16_t *)(x + i * xs);
        if (xs != 2) {
            for (intptr_t j = 0; j < m; j++)
                hb[j] = *(const uint16_t *)(x + (i + j) * xs);
            hx = hb;
        }
        c->h->widen(hx, buf, (size_t)m);
        call_f32(c->f, buf, buf, (size_t)m);
        if (ys == 2) {
            c->h->narrow(buf, (uint16_t *)(y + i * ys), (size_t)m);
        } else {
            c->h->narrow(buf, hb, (size_t)m);
            for (intptr_t j = 0; j < m; j++)
                *(uint16_t *)(y + (i + j) * ys) = hb[j];
        }
    }
}

#define SA_DEFINE_UNARY_H16(SUFFIX)                                                        \
    void sa_loop_unary_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps,  \
                                void *data)                                                \
    {                                                                                      \
        unary_ctx c = {(const sa_func_info *)data, args[0], args[1], steps[0], steps[1],   \
                       &fmt_##SUFFIX};                                                     \
        sa_fpstate caller;                                                                 \
        fp_get(&caller);                                                                   \
        int ov = sa_run(dims[0], dims[0], 64, unary_body_h16, &c);                         \
        fp_finish(&caller, c.f, ov);                                                       \
    }
SA_DEFINE_UNARY_H16(f16)
SA_DEFINE_UNARY_H16(bf16)

/* ---------------------------------------------------------------- parametric (nin = 1 + np) */

typedef struct {
    const sa_func_info *f;
    char *x, *p, *q, *y;
    intptr_t xs, ps, qs, ys;
    const sa_half *h;
} param_ctx;

static const float zero_f32 = 0.0f;
static const double zero_f64 = 0.0;
static const uint16_t zero_f16 = 0;

/* Fills *c from the ufunc arguments: x, p[, q], y. A one-parameter function gets q = 0 with
 * stride 0. */
static void param_setup(param_ctx *c, char **args, const intptr_t *steps, void *data,
                        const void *zero)
{
    c->f = (const sa_func_info *)data;
    c->h = NULL;
    c->x = args[0];
    c->xs = steps[0];
    c->p = args[1];
    c->ps = steps[1];
    if (c->f->np == 2) {
        c->q = args[2];
        c->qs = steps[2];
        c->y = args[3];
        c->ys = steps[3];
    } else {
        c->q = (char *)zero;
        c->qs = 0;
        c->y = args[2];
        c->ys = steps[2];
    }
}

/* An operand for the kernel: stride 0 stays one value; contiguous stays in place; otherwise
 * the block is gathered into buf. */
#define SA_OPERAND(T, base, step, i, m, buf, out_ptr, out_stride)                          \
    do {                                                                                 \
        if ((step) == 0) {                                                               \
            out_ptr = (const T *)(base);                                                 \
            out_stride = 0;                                                              \
        } else if ((step) == (intptr_t)sizeof(T)) {                                      \
            out_ptr = (const T *)((base) + (i) * (step));                                \
            out_stride = 1;                                                              \
        } else {                                                                         \
            for (intptr_t j_ = 0; j_ < (m); j_++)                                        \
                (buf)[j_] = *(const T *)((base) + ((i) + j_) * (step));                  \
            out_ptr = (buf);                                                             \
            out_stride = 1;                                                              \
        }                                                                                \
    } while (0)

#define SA_DEFINE_PARAM(T, SUFFIX, KERNEL_EXPR, ZERO)                                      \
    static void param_body_##SUFFIX(void *vp, intptr_t lo, intptr_t hi)                   \
    {                                                                                     \
        const param_ctx *c = (const param_ctx *)vp;                                       \
        void (*k)(const T *, const T *, size_t, const T *, size_t, T *, size_t) = KERNEL_EXPR; \
        const char *x = c->x + lo * c->xs, *p = c->p + lo * c->ps, *q = c->q + lo * c->qs; \
        char *y = c->y + lo * c->ys;                                                      \
        intptr_t n = hi - lo, sz = (intptr_t)sizeof(T);                                   \
        if (c->xs == sz && c->ys == sz && (c->ps == 0 || c->ps == sz) &&                  \
            (c->qs == 0 || c->qs == sz)) {                                                \
            k((const T *)x, (const T *)p, c->ps != 0, (const T *)q, c->qs != 0, (T *)y,    \
              (size_t)n);                                                                 \
            return;                                                                       \
        }                                                                                 \
        T bx[SA_BLOCK] __attribute__((aligned(64)));                                      \
        T bp[SA_BLOCK] __attribute__((aligned(64)));                                      \
        T bq[SA_BLOCK] __attribute__((aligned(64)));                                      \
        for (intptr_t i = 0; i < n; i += SA_BLOCK) {                                      \
            intptr_t m = n - i < SA_BLOCK ? n - i : SA_BLOCK;                             \
            const T *pp, *qq;                                                             \
            size_t pst, qst;                                                              \
            SA_OPERAND(T, p, c->ps, i, m, bp, pp, pst);                                   \
            SA_OPERAND(T, q, c->qs, i, m, bq, qq, qst);                                   \
            for (intptr_t j = 0; j < m; j++)                                              \
                bx[j] = *(const T *)(x + (i + j) * c->xs);                                \
            k(bx, pp, pst, qq, qst, bx, (size_t)m);                                       \
            for (intptr_t j = 0; j < m; j++)                                              \
                *(T *)(y + (i + j) * c->ys) = bx[j];                                      \
        }                                                                                 \
    }                                                                                     \
    void sa_loop_param_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps, \
                                void *data)                                               \
    {                                                                                     \
        param_ctx c;                                                                      \
        param_setup(&c, args, steps, data, ZERO);                                         \
        sa_fpstate caller;                                                                \
        fp_get(&caller);                                                                  \
        int ov = sa_run(dims[0], dims[0], 64, param_body_##SUFFIX, &c);                   \
        fp_finish(&caller, c.f, ov);                                                      \
    }

SA_DEFINE_PARAM(float, f32, sa_active_pf32[c->f->id], &zero_f32)
SA_DEFINE_PARAM(double, f64, c->f->pf64, &zero_f64)

/* float16 / bfloat16: x and the operands converted block by block (a stride-0 operand once). */
static void param_body_h16(void *vp, intptr_t lo, intptr_t hi)
{
    const param_ctx *c = (const param_ctx *)vp;
    sa_f32_pkernel k = sa_active_pf32[c->f->id];
    const char *x = c->x + lo * c->xs, *p = c->p + lo * c->ps, *q = c->q + lo * c->qs;
    char *y = c->y + lo * c->ys;
    intptr_t n = hi - lo;
    float bx[SA_BLOCK] __attribute__((aligned(64)));
    float bp[SA_BLOCK] __attribute__((aligned(64)));
    float bq[SA_BLOCK] __attribute__((aligned(64)));
    uint16_t hb[SA_BLOCK] __attribute__((aligned(64)));
    float p1 = 0.0f, q1 = 0.0f;
    if (c->ps == 0)
        c->h->widen((const uint16_t *)p, &p1, 1);
    if (c->qs == 0)
        c->h->widen((const uint16_t *)q, &q1, 1);
    for (intptr_t i = 0; i < n; i += SA_BLOCK) {
        intptr_t m = n - i < SA_BLOCK ? n - i : SA_BLOCK;
        struct { const char *base; intptr_t step; float *buf; } ops[3] = {
            {x, c->xs, bx}, {p, c->ps, bp}, {q, c->qs, bq}};
        for (int o = 0; o < 3; o++) {
            if (o > 0 && ops[o].step == 0) /* a broadcast parameter was converted once */
                continue;
            for (intptr_t j = 0; j < m; j++)
                hb[j] = *(const uint16_t *)(ops[o].base + (i + j) * ops[o].step);
            c->h->widen(hb, ops[o].buf, (size_t)m);
        }
        k(bx, c->ps ? bp : &p1, c->ps ? 1 : 0, c->qs ? bq : &q1, c->qs ? 1 : 0, bx, (size_t)m);
        c->h->narrow(bx, hb, (size_t)m);
        for (intptr_t j = 0; j < m; j++)
            *(uint16_t *)(y + (i + j) * c->ys) = hb[j];
    }
}

#define SA_DEFINE_PARAM_H16(SUFFIX)                                                        \
    void sa_loop_param_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps,  \
                                void *data)                                                \
    {                                                                                      \
        param_ctx c;                                                                       \
        param_setup(&c, args, steps, data, &zero_f16);                                     \
        c.h = &fmt_##SUFFIX;                                                               \
        sa_fpstate caller;                                                                 \
        fp_get(&caller);                                                                   \
        int ov = sa_run(dims[0], dims[0], 64, param_body_h16, &c);                         \
        fp_finish(&caller, c.f, ov);                                                       \
    }
SA_DEFINE_PARAM_H16(f16)
SA_DEFINE_PARAM_H16(bf16)

/* ---------------------------------------------------------------- rows (gufunc (n)->(n)) */

typedef struct {
    const sa_func_info *f;
    char *x, *y;
    intptr_t xos, yos, xis, yis, n;
    volatile int oom;
    const sa_half *h;
} row_ctx;

/* A row that cannot get its work buffer (out of memory) is filled with NaN and the invalid
 * flag is raised, so NumPy reports it; rows are never left half-written silently. */
static void row_fail(const row_ctx *c, intptr_t r, int elsize)
{
    for (intptr_t j = 0; j < c->n; j++) {
        char *p = c->y + r * c->yos + j * c->yis;
        if (elsize == 2)
            *(uint16_t *)p = c->h == &fmt_bf16 ? 0x7FC0 : 0x7E00; /* quiet NaN */
        else if (elsize == 4)
            *(float *)p = NAN;
        else
            *(double *)p = NAN;
    }
}

#define SA_DEFINE_ROW(T, SUFFIX, KERNEL_EXPR)                                            \
    static void row_body_##SUFFIX(void *p, intptr_t lo, intptr_t hi)                    \
    {                                                                                   \
        row_ctx *c = (row_ctx *)p;                                                      \
        intptr_t n = c->n;                                                              \
        void (*k)(const T *, T *, size_t) = KERNEL_EXPR;                                \
        T *buf = NULL;                                                                  \
        for (intptr_t r = lo; r < hi; r++) {                                            \
            const char *xr = c->x + r * c->xos;                                         \
            char *yr = c->y + r * c->yos;                                               \
            if (c->xis == (intptr_t)sizeof(T) && c->yis == (intptr_t)sizeof(T)) {      \
                k((const T *)xr, (T *)yr, (size_t)n);                                   \
                continue;                                                               \
            }                                                                           \
            if (!buf && !(buf = (T *)malloc((size_t)n * sizeof(T)))) {                  \
                c->oom = 1;                                                             \
                row_fail(c, r, (int)sizeof(T));                                         \
                continue;                                                               \
            }                                                                           \
            for (intptr_t j = 0; j < n; j++)                                            \
                buf[j] = *(const T *)(xr + j * c->xis);                                 \
            k(buf, buf, (size_t)n);                                                     \
            for (intptr_t j = 0; j < n; j++)                                            \
                *(T *)(yr + j * c->yis) = buf[j];                                       \
        }                                                                               \
        free(buf);                                                                      \
    }

SA_DEFINE_ROW(float, f32, sa_active_f32[c->f->id])
SA_DEFINE_ROW(double, f64, c->f->f64)

static void row_body_h16(void *p, intptr_t lo, intptr_t hi)
{
    row_ctx *c = (row_ctx *)p;
    intptr_t n = c->n;
    sa_f32_kernel k = sa_active_f32[c->f->id];
    float *buf = NULL;
    uint16_t *hb = NULL;
    for (intptr_t r = lo; r < hi; r++) {
        const char *xr = c->x + r * c->xos;
        char *yr = c->y + r * c->yos;
        if (!buf) {
            buf = (float *)malloc((size_t)n * (sizeof(float) + sizeof(uint16_t)));
            if (!buf) {
                c->oom = 1;
                row_fail(c, r, 2);
                continue;
            }
            hb = (uint16_t *)(buf + n);
        }
        for (intptr_t j = 0; j < n; j++)
            hb[j] = *(const uint16_t *)(xr + j * c->xis);
        c->h->widen(hb, buf, (size_t)n);
        k(buf, buf, (size_t)n);
        c->h->narrow(buf, hb, (size_t)n);
        for (intptr_t j = 0; j < n; j++)
            *(uint16_t *)(yr + j * c->yis) = hb[j];
    }
    free(buf);
}

#define SA_DEFINE_ROW_LOOP(SUFFIX, BODY, FMT)                                            \
    void sa_loop_row_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps,  \
                              void *data)                                               \
    {                                                                                   \
        row_ctx c = {(const sa_func_info *)data, args[0], args[1], steps[0], steps[1],  \
                     steps[2], steps[3], dims[1], 0, FMT};                              \
        if (dims[0] == 0 || dims[1] == 0)                                               \
            return;                                                                     \
        sa_fpstate caller;                                                              \
        fp_get(&caller);                                                                \
        int ov = sa_run(dims[0], dims[0] * dims[1], 1, BODY, &c);                      \
        fp_finish(&caller, c.f, ov);                                                    \
        if (c.oom) {                                                                    \
            volatile float z = 0.0f;                                                    \
            z = z / z; /* raise "invalid": NumPy reports the NaN rows */               \
        }                                                                               \
    }

SA_DEFINE_ROW_LOOP(f16, row_body_h16, &fmt_f16)
SA_DEFINE_ROW_LOOP(bf16, row_body_h16, &fmt_bf16)
SA_DEFINE_ROW_LOOP(f32, row_body_f32, NULL)
SA_DEFINE_ROW_LOOP(f64, row_body_f64, NULL)

static void init_formats(void)
{
    fmt_f16.widen = sa_active_f16_to_f32;
    fmt_f16.narrow = sa_active_f32_to_f16;
}
