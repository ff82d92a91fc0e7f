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

/* m 16-bit values from base (byte stride step) widened into dst: contiguous ones read in place,
 * strided ones gathered into tmp first (m <= the room of tmp) */
static inline void h16_load(const sa_half *h, const char *base, intptr_t step, float *dst,
                            uint16_t *tmp, intptr_t m)
{
    const uint16_t *src = (const uint16_t *)base;
    if (step != 2) {
        for (intptr_t j = 0; j < m; j++)
            tmp[j] = *(const uint16_t *)(base + j * step);
        src = tmp;
    }
    h->widen(src, dst, (size_t)m);
}
/* m floats narrowed to base (byte stride step): in place where contiguous, else through tmp */
static inline void h16_store(const sa_half *h, const float *src, char *base, intptr_t step,
                             uint16_t *tmp, intptr_t m)
{
    if (step == 2) {
        h->narrow(src, (uint16_t *)base, (size_t)m);
        return;
    }
    h->narrow(src, tmp, (size_t)m);
    for (intptr_t j = 0; j < m; j++)
        *(uint16_t *)(base + j * step) = tmp[j];
}

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
        sa_active_pf64[f->id](x, &f->dflt[0], 0, &f->dflt[1], 0, y, n);
    else
        sa_active_f64[f->id](x, y, n);
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
        h16_load(c->h, x + i * xs, xs, buf, hb, m);
        call_f32(c->f, buf, buf, (size_t)m);
        h16_store(c->h, buf, y + i * ys, ys, hb, m);
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
SA_DEFINE_PARAM(double, f64, sa_active_pf64[c->f->id], &zero_f64)

/* float16 / bfloat16: x and the operands converted block by block (a stride-0 operand once;
 * contiguous ones straight from and to the caller's arrays: h16_load / h16_store). */
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
            h16_load(c->h, ops[o].base + i * ops[o].step, ops[o].step, ops[o].buf, hb, m);
        }
        k(bx, c->ps ? bp : &p1, c->ps ? 1 : 0, c->qs ? bq : &q1, c->qs ? 1 : 0, bx, (size_t)m);
        h16_store(c->h, bx, y + i * c->ys, c->ys, hb, m);
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

/* Strided rows (a non-last axis) are gathered SA_ROW_TILE rows at a time: rows that sit next
 * to each other in memory (axis 0 of a C-ordered array: consecutive elements are consecutive
 * rows) are then read and written a cache line at a time instead of one element per line. The
 * tile is capped at 1 MiB; each row is still computed alone, so results do not change. */
#define SA_ROW_TILE 16
static intptr_t row_tile(intptr_t n, size_t elsize)
{
    intptr_t t = (intptr_t)((1 << 20) / ((size_t)n * elsize));
    return t < 1 ? 1 : t > SA_ROW_TILE ? SA_ROW_TILE : t;
}
/* Leading dimension of a tile buffer: n rounded up to 16 elements plus 16, so the tile's rows
 * never sit a multiple of 4 KiB apart (n = 1024 float32 would put all 16 rows of a gather step
 * in one L1 set: 4K aliasing, every store a miss). */
static intptr_t row_ld(intptr_t n) { return (n + 15) / 16 * 16 + 16; }
/* The gather reads one element of each tile row per step j, the steps xis bytes apart (a whole
 * row of the array on axis 0: a new page each step), a stride the hardware prefetchers do not
 * follow, so every step waited for its line (the gather was 60% of an axis-0 softmax). Each step
 * prefetches the first and last element of the step SA_ROW_AHEAD later (the tile's elements of
 * one step span at most two lines when the rows are adjacent); the scatter likewise, for
 * writing. A prefetch never faults and changes no result. */
#define SA_ROW_AHEAD 8
static inline void row_prefetch(const char *p, intptr_t span, int write)
{
    if (write) {
        __builtin_prefetch(p, 1);
        __builtin_prefetch(p + span, 1);
    } else {
        __builtin_prefetch(p, 0);
        __builtin_prefetch(p + span, 0);
    }
}

/* Rows that sit next to each other (xos == yos == one element, e.g. axis 0 of a C-ordered
 * array) go to the function's column kernel where it has one: no transpose, whole cache lines
 * in and out. The kernel takes SA_COLS rows per call and makes three passes over its input; a
 * row length that is a power of two puts all n lines of a call in one L1 set (and few L2
 * sets), so up to SA_COLS_COPY steps the lines are first copied into a contiguous buffer (one
 * strided read, with prefetch) and the kernel reads that; longer columns are read in place.
 * Two things set the speed besides the kernel (bench/kernel_cycles.c `cols`, which runs this
 * path on its own; softmax_fast over axis 0 on a Zen 4 VM, ns per element, the minimum over 5
 * processes, with the kernels of kernel hash 7fcddfe59e396dfa):
 *   - where the steps start in their cache lines: NumPy's large arrays start 16 bytes into
 *     one, so every 64-byte step of a row touched two lines, each read and written twice
 *     (128 x 8192, offset 4 floats: 0.89, offset 0: 0.60). Up to SA_COLS - 1 leading rows
 *     therefore take the tile path, so the output's steps start on a line (the input's, too,
 *     when both share the offset, as NumPy's usually do), where there are at least
 *     SA_COLS_PEEL_MIN rows: with few, the peeled rows' tile path costs more than the
 *     alignment saves (softmax over axis 0 of 32768 x 32, 4 floats off a line: twice the time
 *     with the peel);
 *   - how much of each line run is used per visit: SA_COLS_WIDE kernel calls per copy, 256
 *     contiguous bytes of every step, a quarter of the loop trips (1024 x 1024: 0.75 -> 0.64;
 *     128 x 8192: 0.60 either way, where the misaligned case gains: 0.89 -> 0.74), for n up
 *     to SA_COLS_WIDE_N, where that copy stays within 512 KiB.
 * Results do not depend on any of this: a column's bits are its row's (the column kernels'
 * contract). The rest of the rows take the tile path. */
#define SA_COLS_COPY 16384
#define SA_COLS_PEEL_MIN 256
#define SA_COLS_WIDE 4
#define SA_COLS_WIDE_N 2048
/* and up to SA_COLS_KEEP steps they get room (n x 16 doubles, at most 4 MiB) to keep pass 2's
 * exp for pass 3 instead of computing it again (the accurate softmax over axis 0, 1 thread,
 * ns per element: 32768 x 32 1.88 -> 1.03, 8192 x 128 2.78 -> 1.30 with 4096 -> 32768 here) */
#define SA_COLS_KEEP 32768
/* Where the output has the input's layout (not tout, below), the column kernel also writes
 * into the buffer, in place, and the buffer's rows are then copied out, each a contiguous run
 * of w elements. Its stores straight into the array were n lines a whole row apart per call,
 * each a miss, in a few L1 and L2 sets where the row length is a power of two. The buffer then
 * takes as many columns as fit in SA_COLS_OUT_BYTES (about the L2 of a Zen 4 or Zen 5, less
 * its share for the arrays' lines; at most SA_COLS_OUT_W, at least SA_COLS_OUT_MIN: a narrower
 * copy out gained nothing), its rows one cache line longer than w so that the kernel's column
 * walk spreads over the L1 sets. bench/kernel_cycles.c `cols ... out` against `cols`, AVX-512
 * on the Zen 5, ns per element, 128 x 8192 / 1024 x 1024, offset 4 floats: softmax_fast
 * 0.82 / 0.84 -> 0.30 / 0.36, log_softmax_fast 0.82 / 0.89 -> 0.33 / 0.37, softmax 1.13 /
 * 1.21 -> 0.67 / 0.73; 4096 x 256 (16 columns a copy) 0.51 -> 0.49, so not below 64. */
#define SA_COLS_OUT_BYTES (640 * 1024)
#define SA_COLS_OUT_W 256
#define SA_COLS_OUT_MIN 64
static inline intptr_t row_cols_out_w(intptr_t n, size_t elsize)
{
    intptr_t w = (intptr_t)(SA_COLS_OUT_BYTES / elsize) / n - 64 / (intptr_t)elsize;
    w = w > SA_COLS_OUT_W ? SA_COLS_OUT_W : w / SA_COLS * SA_COLS;
    return w >= SA_COLS_OUT_MIN ? w : 0;
}
/* the buffer's n rows (lb bytes apart) out to rows yis bytes apart, bytes of each */
static void row_cols_out(const char *cb, intptr_t lb, char *y, intptr_t yis, intptr_t n,
                         intptr_t bytes)
{
    for (intptr_t j = 0; j < n; j++)
        memcpy(y + j * yis, cb + j * lb, (size_t)bytes);
}
static inline int row_cols_ok(const row_ctx *c, size_t elsize)
{
    intptr_t e = (intptr_t)elsize;
    return c->xos == e && c->yos == e && c->xis % e == 0 && c->yis % e == 0;
}
/* malloc'd room starting on a cache line (*raw is what to free) */
static void *row_alloc64(size_t bytes, void **raw)
{
    char *p = (char *)malloc(bytes + 63);
    *raw = p;
    return p ? p + (64 - (uintptr_t)p % 64) % 64 : NULL;
}
/* rows before the first at or after lo whose output (yos == elsize) starts a cache line */
static inline intptr_t row_cols_head(const row_ctx *c, intptr_t lo, size_t elsize)
{
    uintptr_t a = (uintptr_t)(c->y + lo * c->yos);
    return a % elsize ? 0 : (intptr_t)((64 - a % 64) % 64 / elsize);
}
/* Contiguous rows go, all of a thread's rows in one call, to the function's row-group kernel
 * where it has one. Up to SA_ROWS2_N (kernels.h) long the kernels interleave two rows (four
 * where the function and the length allow: SA_DEF_ROWS, f32_driver.h), so the latency of each row's
 * reductions (the max tree, the sums, 1/S or the log) overlaps the others' work. Same bits as
 * one row at a time (the row-group kernels' contract). When these were pair kernels called
 * per pair: rows of 128 over 4096 elements, one at a time -> in pairs
 * (bench/kernel_cycles.c `rows` against `row`, the accurate tier): softmax AVX-512 1.016 ->
 * 0.875, AVX2 1.42 -> 1.30; log_softmax AVX-512 1.276 -> 1.125, AVX2 1.66 -> 1.49 (rows of
 * 512: 2-4% faster). softmax_fast in L1 (same tool, Zen 4 VM, ns per element, the minimum over
 * 7 processes), rows of 64 / 128 / 512 / 1024 over
 * 4096 elements, one at a time -> in pairs: AVX-512 0.405 / 0.314 / 0.248 / 0.229 -> 0.323 /
 * 0.246 / 0.229 / 0.222; AVX2 0.574 / 0.481 / 0.406 / 0.386 -> 0.494 / 0.428 / 0.383 / 0.372.
 * Through NumPy on 1M elements (out= a second 1M array, 1 thread, the minimum over 200 calls),
 * rows of 32 / 64 / 128 / 256 / 512: 0.60 / 0.41 / 0.34 / 0.27 / 0.28 -> 0.49 / 0.34 / 0.27 /
 * 0.28 / 0.27, but rows of 1024 went either way with the output's offset from the input
 * (0.25 -> 0.26-0.30 at the same offset, 0.27 -> 0.235 at 2 KiB), and in L1 rows of 4096 and
 * 32768 are slower in pairs: hence 512. With all the rows in one call (the row-group kernels),
 * on the Zen 5, rows over 2^20 elements (out of L1 and L2; `row` against `rows`, the minimum
 * of three processes, ns per element), rows of 1024 / 2048 one at a time -> in pairs: AVX-512
 * softmax_fast 0.118 / 0.110 -> 0.110 / 0.105, log_softmax_fast 0.166 / 0.156 -> 0.159 /
 * 0.163, softmax 0.502 / 0.487 -> 0.496 / 0.521, log_softmax 0.612 / 0.591 -> 0.589 / 0.587;
 * AVX2 the same or better at 1024 (log_softmax_fast 0.318 -> 0.291), mixed at 2048; through
 * NumPy (1 thread, out= at offsets 0 to 512 floats) softmax_fast rows of 1024 0.130 ->
 * 0.123: hence 1024 (SA_ROWS2_N). Longer rows go one at a time inside the kernel, or through
 * the function's long-rows kernel (softmax_fast and log_softmax_fast, from SA_ROWS4_N on
 * AVX-512 and AVX2: f32_fast.h). */
/* Adjacent input rows whose outputs are contiguous rows instead (xos == elsize, yis ==
 * elsize): what NumPy allocates for softmax(x, axis=0) without out=, the core axis last. They
 * take the column path too, up to SA_COLS_COPY steps: the steps copied into the n x w buffer,
 * the column kernel in place there, and each of the w rows written out contiguously from its
 * column of the buffer (row_t_out_*); the tile path gathered them element by element
 * (softmax_fast over axis 0 of 1024 x 1024, 1M elements, 1 thread, python -m simdact bench:
 * 4.31 -> 1.05 ns per element without out=; 1.01 with a C-ordered out=). A column's bits
 * are its row's (the column kernels' contract). */
static inline int row_cols_out_t(const row_ctx *c, size_t elsize)
{
    intptr_t e = (intptr_t)elsize;
    return c->xos == e && c->yis == e && c->xis % e == 0 && c->yos % e == 0;
}
/* the n x step buffer's columns out as step contiguous rows of n, yos bytes apart */
static void row_t_out_f64(const double *cb, intptr_t step, char *y, intptr_t yos, intptr_t n)
{
    for (intptr_t t = 0; t < step; t++) {
        double *dst = (double *)(y + t * yos);
        for (intptr_t j = 0; j < n; j++)
            dst[j] = cb[j * step + t];
    }
}
static void row_t_out_f32(const float *cb, intptr_t step, char *y, intptr_t yos, intptr_t n)
{
    intptr_t j0 = 0;
#if defined(__SSE__)
    /* 4 x 4 blocks (step is a multiple of 16): four rows at a time, written front to back
     * (the rows may sit 4 KiB apart, so one block per row at a time would share L1 sets),
     * each block four steps of their four columns, transposed */
    intptr_t n4 = n / 4 * 4;
    for (intptr_t t = 0; t < step; t += 4) {
        float *d0 = (float *)(y + t * yos), *d1 = (float *)(y + (t + 1) * yos);
        float *d2 = (float *)(y + (t + 2) * yos), *d3 = (float *)(y + (t + 3) * yos);
        for (intptr_t j = 0; j < n4; j += 4) {
            const float *b = cb + j * step + t;
            __m128 r0 = _mm_load_ps(b), r1 = _mm_load_ps(b + step);
            __m128 r2 = _mm_load_ps(b + 2 * step), r3 = _mm_load_ps(b + 3 * step);
            _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
            _mm_storeu_ps(d0 + j, r0);
            _mm_storeu_ps(d1 + j, r1);
            _mm_storeu_ps(d2 + j, r2);
            _mm_storeu_ps(d3 + j, r3);
        }
    }
    j0 = n4;
#endif
    for (intptr_t t = 0; t < step; t++) {
        float *dst = (float *)(y + t * yos);
        for (intptr_t j = j0; j < n; j++)
            dst[j] = cb[j * step + t];
    }
}
#define SA_DEFINE_ROW(T, SUFFIX, KERNEL_EXPR, CKERNEL_EXPR, RSKERNEL_EXPR)               \
    /* rows lo..hi gathered SA_ROW_TILE at a time into a contiguous tile */             \
    static void row_tiles_##SUFFIX(row_ctx *c, intptr_t lo, intptr_t hi)                \
    {                                                                                   \
        intptr_t n = c->n;                                                              \
        void (*k)(const T *, T *, size_t) = KERNEL_EXPR;                                \
        intptr_t tile = row_tile(n, sizeof(T)), ld = row_ld(n);                         \
        T *buf = (T *)malloc((size_t)ld * (size_t)tile * sizeof(T));                    \
        for (intptr_t r = lo; r < hi; r += tile) {                                      \
            intptr_t m = hi - r < tile ? hi - r : tile;                                 \
            if (!buf) {                                                                 \
                c->oom = 1;                                                             \
                for (intptr_t t = 0; t < m; t++)                                        \
                    row_fail(c, r + t, (int)sizeof(T));                                 \
                continue;                                                               \
            }                                                                           \
            for (intptr_t j = 0; j < n; j++) {                                          \
                const char *src = c->x + r * c->xos + j * c->xis;                       \
                if (j + SA_ROW_AHEAD < n)                                               \
                    row_prefetch(src + SA_ROW_AHEAD * c->xis, (m - 1) * c->xos, 0);     \
                for (intptr_t t = 0; t < m; t++)                                        \
                    buf[t * ld + j] = *(const T *)(src + t * c->xos);                   \
            }                                                                           \
            for (intptr_t t = 0; t < m; t++)                                            \
                k(buf + t * ld, buf + t * ld, (size_t)n);                               \
            for (intptr_t j = 0; j < n; j++) {                                          \
                char *dst = c->y + r * c->yos + j * c->yis;                             \
                if (j + SA_ROW_AHEAD < n)                                               \
                    row_prefetch(dst + SA_ROW_AHEAD * c->yis, (m - 1) * c->yos, 1);     \
                for (intptr_t t = 0; t < m; t++)                                        \
                    *(T *)(dst + t * c->yos) = buf[t * ld + j];                         \
            }                                                                           \
        }                                                                               \
        free(buf);                                                                      \
    }                                                                                   \
    static void row_body_##SUFFIX(void *p, intptr_t lo, intptr_t hi)                    \
    {                                                                                   \
        row_ctx *c = (row_ctx *)p;                                                      \
        intptr_t n = c->n;                                                              \
        void (*k)(const T *, T *, size_t) = KERNEL_EXPR;                                \
        void (*ck)(const T *, ptrdiff_t, T *, ptrdiff_t, size_t, void *) = CKERNEL_EXPR; \
        if (c->xis == (intptr_t)sizeof(T) && c->yis == (intptr_t)sizeof(T)) {          \
            void (*ks)(const T *, ptrdiff_t, T *, ptrdiff_t, size_t, size_t) = RSKERNEL_EXPR; \
            intptr_t r = lo, e = (intptr_t)sizeof(T);                                   \
            if (ks && c->xos % e == 0 && c->yos % e == 0) {                             \
                ks((const T *)(c->x + r * c->xos), c->xos / e, (T *)(c->y + r * c->yos),  \
                   c->yos / e, (size_t)n, (size_t)(hi - lo));                           \
                return;                                                                 \
            }                                                                           \
            for (; r < hi; r++)                                                         \
                k((const T *)(c->x + r * c->xos), (T *)(c->y + r * c->yos), (size_t)n); \
            return;                                                                     \
        }                                                                               \
        int tout = !row_cols_ok(c, sizeof(T)) && n <= SA_COLS_COPY                      \
                   && row_cols_out_t(c, sizeof(T));                                     \
        if (ck && (tout || row_cols_ok(c, sizeof(T))) && lo + SA_COLS <= hi) {          \
            intptr_t head = tout ? 0 : row_cols_head(c, lo, sizeof(T));                 \
            if (head > 0 && hi - lo >= SA_COLS_PEEL_MIN) {                              \
                row_tiles_##SUFFIX(c, lo, lo + head);                                   \
                lo += head;                                                             \
            }                                                                           \
            intptr_t w = n <= SA_COLS_WIDE_N ? SA_COLS_WIDE * SA_COLS : SA_COLS;        \
            intptr_t wout = tout ? 0 : row_cols_out_w(n, sizeof(T));                    \
            if (wout)                                                                   \
                w = wout;                                                               \
            /* the buffer's row stride: a cache line past w for the copy out */         \
            intptr_t ld = wout ? w + 64 / (intptr_t)sizeof(T) : w;                      \
            void *craw = NULL, *kraw = NULL;                                            \
            T *cb = n <= SA_COLS_COPY                                                   \
                        ? (T *)row_alloc64((size_t)n * (size_t)ld * sizeof(T), &craw)   \
                        : NULL;                                                         \
            void *kb = n <= SA_COLS_KEEP                                                \
                           ? row_alloc64((size_t)n * SA_COLS * sizeof(double), &kraw)   \
                           : NULL;                                                      \
            while (lo + SA_COLS <= hi && (cb || !tout)) {                               \
                intptr_t step = (hi - lo) / SA_COLS * SA_COLS;                          \
                if (step > w)                                                           \
                    step = w;                                                           \
                const char *src = c->x + lo * c->xos;                                   \
                intptr_t bytes = step * (intptr_t)sizeof(T), cs = wout ? ld : step;     \
                int inbuf = tout || (cb && wout);                                       \
                if (cb) {                                                               \
                    for (intptr_t j = 0; j < n; j++) {                                  \
                        const char *ahead = src + (j + SA_ROW_AHEAD) * c->xis;          \
                        for (intptr_t o = 0; o < bytes; o += 64)                        \
                            __builtin_prefetch(ahead + o, 0);                           \
                        __builtin_prefetch(ahead + bytes - 1, 0);                       \
                        memcpy(cb + j * cs, src + j * c->xis, (size_t)bytes);           \
                    }                                                                   \
                }                                                                       \
                for (intptr_t g = 0; g < step; g += SA_COLS)                            \
                    ck(cb ? cb + g : (const T *)src + g,                                \
                       cb ? cs : c->xis / (intptr_t)sizeof(T),                          \
                       inbuf ? cb + g : (T *)(c->y + (lo + g) * c->yos),                \
                       inbuf ? cs : c->yis / (intptr_t)sizeof(T), (size_t)n, kb);       \
                if (tout)                                                               \
                    row_t_out_##SUFFIX(cb, step, c->y + lo * c->yos, c->yos, n);        \
                else if (inbuf)                                                         \
                    row_cols_out((const char *)cb, cs * (intptr_t)sizeof(T),            \
                                 c->y + lo * c->yos, c->yis, n, bytes);                 \
                lo += step;                                                             \
            }                                                                           \
            free(craw);                                                                 \
            free(kraw);                                                                 \
        }                                                                               \
        if (lo < hi)                                                                    \
            row_tiles_##SUFFIX(c, lo, hi);                                              \
    }

SA_DEFINE_ROW(float, f32, sa_active_f32[c->f->id], sa_active_cf32[c->f->id],
              sa_active_rsf32[c->f->id])
SA_DEFINE_ROW(double, f64, sa_active_f64[c->f->id], NULL, NULL)

/* float16 / bfloat16 rows of n: widened to float32, the float32 kernel, narrowed once back.
 * Rows next to each other (a non-last axis, xos == yos == 2) go to the float32 column kernel
 * where the function has one: a block of w adjacent rows is widened step by step (each step w
 * contiguous halves) into a float32 buffer of n x w, the column kernel runs on it in place,
 * and each step is narrowed back; the per-row path below read one half per cache line (axis 0
 * of 8192 x 128 float16: 11.8 ns per element, see the comment at SA_COLS_COPY). A column's
 * bits are its row's (the column kernels' contract), so results do not depend on the path. */
static intptr_t row_cols_h16(row_ctx *c, intptr_t lo, intptr_t hi)
{
    intptr_t n = c->n;
    sa_f32_ckernel ck = sa_active_cf32[c->f->id];
    if (!ck || !row_cols_ok(c, 2) || hi - lo < SA_COLS)
        return lo;
    intptr_t w = n <= SA_COLS_WIDE_N ? SA_COLS_WIDE * SA_COLS : SA_COLS;
    void *craw = NULL, *kraw = NULL;
    float *cb = (float *)row_alloc64((size_t)n * (size_t)w * sizeof(float), &craw);
    void *kb = n <= SA_COLS_KEEP ? row_alloc64((size_t)n * SA_COLS * sizeof(double), &kraw)
                                 : NULL;
    while (cb && lo + SA_COLS <= hi) {
        intptr_t step = (hi - lo) / SA_COLS * SA_COLS;
        if (step > w)
            step = w;
        const char *src = c->x + lo * c->xos;
        char *dst = c->y + lo * c->yos;
        for (intptr_t j = 0; j < n; j++) {
            if (j + SA_ROW_AHEAD < n)
                row_prefetch(src + (j + SA_ROW_AHEAD) * c->xis, step * 2 - 1, 0);
            c->h->widen((const uint16_t *)(src + j * c->xis), cb + j * step, (size_t)step);
        }
        for (intptr_t g = 0; g < step; g += SA_COLS)
            ck(cb + g, step, cb + g, step, (size_t)n, kb);
        for (intptr_t j = 0; j < n; j++)
            c->h->narrow(cb + j * step, (uint16_t *)(dst + j * c->yis), (size_t)step);
        lo += step;
    }
    free(craw);
    free(kraw);
    return lo; /* out of memory: the rest take the per-row path */
}

/* The other rows one at a time through a float32 buffer, or, up to SA_ROWS2_N long, four at a
 * time through the row-group kernel (the float32 rows' reason, and the same bits as one at a
 * time).
 * Zen 3, AVX2, float16 rows of 128 (1M elements, 1 thread, ns per element, fast / accurate):
 * the README's float16 / float64 paragraph. */
static void row_body_h16(void *p, intptr_t lo, intptr_t hi)
{
    row_ctx *c = (row_ctx *)p;
    intptr_t n = c->n;
    sa_f32_kernel k = sa_active_f32[c->f->id];
    sa_f32_rowskernel ks = n <= SA_ROWS2_N ? sa_active_rsf32[c->f->id] : NULL;
    intptr_t nb = ks ? 4 : 1; /* float32 rows in the buffer */
    float *buf = NULL;
    uint16_t *hb = NULL;
    lo = row_cols_h16(c, lo, hi);
    for (intptr_t r = lo; r < hi;) {
        if (!buf) {
            buf = (float *)malloc((size_t)n * ((size_t)nb * sizeof(float) + sizeof(uint16_t)));
            if (!buf) {
                c->oom = 1;
                row_fail(c, r++, 2);
                continue;
            }
            hb = (uint16_t *)(buf + nb * n);
        }
        intptr_t m = hi - r < nb ? hi - r : nb;
        for (intptr_t t = 0; t < m; t++)
            h16_load(c->h, c->x + (r + t) * c->xos, c->xis, buf + t * n, hb, n);
        if (ks)
            ks(buf, n, buf, n, (size_t)n, (size_t)m);
        else
            k(buf, buf, (size_t)n);
        for (intptr_t t = 0; t < m; t++)
            h16_store(c->h, buf + t * n, c->y + (r + t) * c->yos, c->yis, hb, n);
        r += m;
    }
    free(buf);
}

#define SA_DEFINE_ROW_LOOP(SUFFIX, BODY, FMT, GRAIN_EXPR)                                \
    void sa_loop_row_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps,  \
                              void *data)                                               \
    {                                                                                   \
        row_ctx c = {(const sa_func_info *)data, args[0], args[1], steps[0], steps[1],  \
                     steps[2], steps[3], dims[1], 0, FMT};                              \
        if (dims[0] == 0 || dims[1] == 0)                                               \
            return;                                                                     \
        sa_fpstate caller;                                                              \
        fp_get(&caller);                                                                \
        intptr_t grain = GRAIN_EXPR;                                                    \
        int ov = sa_run(dims[0], dims[0] * dims[1], grain, BODY, &c);                  \
        fp_finish(&caller, c.f, ov);                                                    \
        if (c.oom) {                                                                    \
            volatile float z = 0.0f;                                                    \
            z = z / z; /* raise "invalid": NumPy reports the NaN rows */               \
        }                                                                               \
    }

/* float32 / 16-bit thread parts on a grid of SA_COLS rows where the column kernel takes them */
#define SA_COLS_GRAIN(E) (sa_active_cf32[c.f->id] && row_cols_ok(&c, E) ? SA_COLS : 1)
SA_DEFINE_ROW_LOOP(f16, row_body_h16, &fmt_f16, SA_COLS_GRAIN(2))
SA_DEFINE_ROW_LOOP(bf16, row_body_h16, &fmt_bf16, SA_COLS_GRAIN(2))
SA_DEFINE_ROW_LOOP(f32, row_body_f32, NULL, SA_COLS_GRAIN(sizeof(float)))
SA_DEFINE_ROW_LOOP(f64, row_body_f64, NULL, 1)

/* ---------------------------------------------------------------- gradients, elementwise */

/* Operands of a gradient call: inputs dy, x[, p[, q]], outputs dx[, dp] (kernels.h). */
typedef struct {
    const sa_func_info *f;
    int np;                 /* parameter operands (0 for SA_GUNARY / SA_GPDEFAULT) */
    int nout;
    char *a[6];             /* dy, x, p, q, dx, dp */
    intptr_t s[6];
    const sa_half *h;
} grad_ctx;

/* ufunc args -> the six slots; absent parameters point at the forward's defaults (SA_GPDEFAULT,
 * stride 0) or at zero. */
static void grad_setup(grad_ctx *c, char **args, const intptr_t *steps, void *data, int elsize,
                       const sa_half *h)
{
    const sa_func_info *f = (const sa_func_info *)data, *fw = &sa_funcs[f->fwd];
    static const double zero2[2] = {0.0, 0.0};
    c->f = f;
    c->h = h;
    c->np = (f->kind == SA_GPARAM || f->kind == SA_GBIN) ? fw->np : 0;
    c->nout = f->kind == SA_GBIN ? 2 : 1;
    int k = 0;
    for (int o = 0; o < 4; o++) {
        if (o < 2 + c->np) {
            c->a[o] = args[k];
            c->s[o] = steps[k];
            k++;
        } else {
            /* defaults in the element type (16-bit formats: float32, converted by the body) */
            int d = f->kind == SA_GPDEFAULT ? o - 2 : -1;
            if (d >= 0 && elsize == 8)
                c->a[o] = (char *)&fw->dflt[d];
            else if (d >= 0)
                c->a[o] = (char *)&fw->dflt_f32[d];
            else
                c->a[o] = (char *)zero2;
            c->s[o] = 0;
        }
    }
    for (int o = 0; o < 2; o++) {
        c->a[4 + o] = o < c->nout ? args[k + o] : NULL;
        c->s[4 + o] = o < c->nout ? steps[k + o] : 0;
    }
}

/* float32 / float64: a block whose dy, x, outputs are contiguous and whose parameters are
 * contiguous or broadcast goes straight to the kernel; otherwise operands are gathered into
 * aligned blocks (a broadcast parameter stays one value) and the outputs scattered back. */
#define SA_DEFINE_GRAD(T, SUFFIX, KERNEL_EXPR)                                                 \
    static void grad_body_##SUFFIX(void *vp, intptr_t lo, intptr_t hi)                        \
    {                                                                                         \
        const grad_ctx *c = (const grad_ctx *)vp;                                             \
        void (*k)(const T *, const T *, const T *, size_t, const T *, size_t, T *, T *,       \
                  size_t) = KERNEL_EXPR;                                                      \
        const intptr_t sz = (intptr_t)sizeof(T);                                              \
        char *a[6];                                                                           \
        for (int o = 0; o < 6; o++)                                                           \
            a[o] = c->a[o] ? c->a[o] + lo * c->s[o] : NULL;                                   \
        intptr_t n = hi - lo;                                                                 \
        int direct = c->s[0] == sz && c->s[1] == sz && c->s[4] == sz &&                       \
                     (c->nout < 2 || c->s[5] == sz) && (c->s[2] == 0 || c->s[2] == sz) &&     \
                     (c->s[3] == 0 || c->s[3] == sz);                                         \
        if (direct) {                                                                         \
            k((const T *)a[0], (const T *)a[1], (const T *)a[2], c->s[2] != 0,                \
              (const T *)a[3], c->s[3] != 0, (T *)a[4], (T *)a[5], (size_t)n);                \
            return;                                                                           \
        }                                                                                     \
        T b[6][SA_BLOCK] __attribute__((aligned(64)));                                        \
        for (intptr_t i = 0; i < n; i += SA_BLOCK) {                                          \
            intptr_t m = n - i < SA_BLOCK ? n - i : SA_BLOCK;                                 \
            const T *pp, *qq;                                                                 \
            size_t pst, qst;                                                                  \
            SA_OPERAND(T, a[2], c->s[2], i, m, b[2], pp, pst);                                \
            SA_OPERAND(T, a[3], c->s[3], i, m, b[3], qq, qst);                                \
            for (int o = 0; o < 2; o++)                                                       \
                for (intptr_t j = 0; j < m; j++)                                              \
                    b[o][j] = *(const T *)(a[o] + (i + j) * c->s[o]);                         \
            k(b[0], b[1], pp, pst, qq, qst, b[4], c->nout > 1 ? b[5] : NULL, (size_t)m);      \
            for (int o = 4; o < 4 + c->nout; o++)                                             \
                for (intptr_t j = 0; j < m; j++)                                              \
                    *(T *)(a[o] + (i + j) * c->s[o]) = b[o][j];                               \
        }                                                                                     \
    }                                                                                         \
    void sa_loop_grad_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps,      \
                               void *data)                                                    \
    {                                                                                         \
        grad_ctx c;                                                                           \
        grad_setup(&c, args, steps, data, (int)sizeof(T), NULL);                              \
        sa_fpstate caller;                                                                    \
        fp_get(&caller);                                                                      \
        int ov = sa_run(dims[0], dims[0], 64, grad_body_##SUFFIX, &c);                        \
        fp_finish(&caller, c.f, ov);                                                          \
    }

SA_DEFINE_GRAD(float, f32, sa_active_gf32[c->f->id])
SA_DEFINE_GRAD(double, f64, c->f->gf64)

/* float16 / bfloat16: every operand widened block by block (a broadcast one once), the float32
 * kernel, each output rounded once. */
static void grad_body_h16(void *vp, intptr_t lo, intptr_t hi)
{
    const grad_ctx *c = (const grad_ctx *)vp;
    sa_f32_gkernel k = sa_active_gf32[c->f->id];
    char *a[6];
    for (int o = 0; o < 6; o++)
        a[o] = c->a[o] ? c->a[o] + lo * c->s[o] : NULL;
    intptr_t n = hi - lo;
    float b[6][SA_BLOCK] __attribute__((aligned(64)));
    uint16_t hb[SA_BLOCK] __attribute__((aligned(64)));
    float one[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int o = 2; o < 4; o++) {
        if (c->s[o] != 0)
            continue;
        if (o < 2 + c->np) /* a broadcast operand: converted once */
            c->h->widen((const uint16_t *)a[o], &one[o], 1);
        else /* defaults (already float32) or zero */
            one[o] = c->f->kind == SA_GPDEFAULT ? *(const float *)a[o] : 0.0f;
    }
    for (intptr_t i = 0; i < n; i += SA_BLOCK) {
        intptr_t m = n - i < SA_BLOCK ? n - i : SA_BLOCK;
        for (int o = 0; o < 4; o++) {
            if (o >= 2 && c->s[o] == 0) /* a broadcast parameter: `one` */
                continue;
            h16_load(c->h, a[o] + i * c->s[o], c->s[o], b[o], hb, m);
        }
        k(b[0], b[1], c->s[2] ? b[2] : &one[2], c->s[2] != 0, c->s[3] ? b[3] : &one[3],
          c->s[3] != 0, b[4], c->nout > 1 ? b[5] : NULL, (size_t)m);
        for (int o = 4; o < 4 + c->nout; o++)
            h16_store(c->h, b[o], a[o] + i * c->s[o], c->s[o], hb, m);
    }
}

#define SA_DEFINE_GRAD_H16(SUFFIX)                                                         \
    void sa_loop_grad_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps,   \
                               void *data)                                                 \
    {                                                                                      \
        grad_ctx c;                                                                        \
        grad_setup(&c, args, steps, data, 2, &fmt_##SUFFIX);                               \
        sa_fpstate caller;                                                                 \
        fp_get(&caller);                                                                   \
        int ov = sa_run(dims[0], dims[0], 64, grad_body_h16, &c);                          \
        fp_finish(&caller, c.f, ov);                                                       \
    }
SA_DEFINE_GRAD_H16(f16)
SA_DEFINE_GRAD_H16(bf16)

/* ---------------------------------------------------------------- gradients of rows */

/* gufunc (n),(n)->(n): dy, v (x or y), dx. Rows are gathered into one per-thread buffer of
 * 4 n elements (dy, v, dx, the kernel's scratch) unless all three are contiguous. */
typedef struct {
    const sa_func_info *f;
    char *a[3];
    intptr_t os[3], is[3], n;
    volatile int oom;
    const sa_half *h;
} rgrad_ctx;

static void rgrad_fail(rgrad_ctx *c, intptr_t r, int elsize)
{
    row_ctx rc = {c->f, c->a[1], c->a[2], c->os[1], c->os[2], c->is[1], c->is[2], c->n, 0, c->h};
    c->oom = 1;
    row_fail(&rc, r, elsize);
}

#define SA_DEFINE_RGRAD(T, SUFFIX, KERNEL_EXPR)                                              \
    static void rgrad_body_##SUFFIX(void *p, intptr_t lo, intptr_t hi)                      \
    {                                                                                       \
        rgrad_ctx *c = (rgrad_ctx *)p;                                                      \
        intptr_t n = c->n;                                                                  \
        const intptr_t sz = (intptr_t)sizeof(T);                                            \
        void (*k)(const T *, const T *, T *, T *, size_t) = KERNEL_EXPR;                    \
        T *buf = NULL;                                                                      \
        int direct = c->is[0] == sz && c->is[1] == sz && c->is[2] == sz;                    \
        for (intptr_t r = lo; r < hi; r++) {                                                \
            char *row[3];                                                                   \
            for (int o = 0; o < 3; o++)                                                     \
                row[o] = c->a[o] + r * c->os[o];                                            \
            if (!buf && !(buf = (T *)malloc((size_t)n * 4 * sizeof(T)))) {                  \
                rgrad_fail(c, r, (int)sizeof(T));                                           \
                continue;                                                                   \
            }                                                                               \
            if (direct) {                                                                   \
                k((const T *)row[0], (const T *)row[1], (T *)row[2], buf, (size_t)n);       \
                continue;                                                                   \
            }                                                                               \
            for (int o = 0; o < 2; o++)                                                     \
                for (intptr_t j = 0; j < n; j++)                                            \
                    buf[(o + 1) * n + j] = *(const T *)(row[o] + j * c->is[o]);             \
            k(buf + n, buf + 2 * n, buf + 3 * n, buf, (size_t)n);                           \
            for (intptr_t j = 0; j < n; j++)                                                \
                *(T *)(row[2] + j * c->is[2]) = buf[3 * n + j];                             \
        }                                                                                   \
        free(buf);                                                                          \
    }

SA_DEFINE_RGRAD(float, f32, sa_active_rgf32[c->f->id])
SA_DEFINE_RGRAD(double, f64, c->f->rgf64)

static void rgrad_body_h16(void *p, intptr_t lo, intptr_t hi)
{
    rgrad_ctx *c = (rgrad_ctx *)p;
    intptr_t n = c->n;
    sa_f32_rgkernel k = sa_active_rgf32[c->f->id];
    float *buf = NULL;
    uint16_t *hb = NULL;
    for (intptr_t r = lo; r < hi; r++) {
        char *row[3];
        for (int o = 0; o < 3; o++)
            row[o] = c->a[o] + r * c->os[o];
        if (!buf) {
            buf = (float *)malloc((size_t)n * (4 * sizeof(float) + sizeof(uint16_t)));
            if (!buf) {
                rgrad_fail(c, r, 2);
                continue;
            }
            hb = (uint16_t *)(buf + 4 * n);
        }
        for (int o = 0; o < 2; o++)
            h16_load(c->h, row[o], c->is[o], buf + (o + 1) * n, hb, n);
        k(buf + n, buf + 2 * n, buf + 3 * n, buf, (size_t)n);
        h16_store(c->h, buf + 3 * n, row[2], c->is[2], hb, n);
    }
    free(buf);
}

#define SA_DEFINE_RGRAD_LOOP(SUFFIX, BODY, FMT)                                              \
    void sa_loop_rgrad_##SUFFIX(char **args, const intptr_t *dims, const intptr_t *steps,    \
                                void *data)                                                 \
    {                                                                                       \
        rgrad_ctx c = {(const sa_func_info *)data, {args[0], args[1], args[2]},             \
                       {steps[0], steps[1], steps[2]}, {steps[3], steps[4], steps[5]},      \
                       dims[1], 0, FMT};                                                    \
        if (dims[0] == 0 || dims[1] == 0)                                                   \
            return;                                                                         \
        sa_fpstate caller;                                                                  \
        fp_get(&caller);                                                                    \
        int ov = sa_run(dims[0], dims[0] * dims[1], 1, BODY, &c);                          \
        fp_finish(&caller, c.f, ov);                                                        \
        if (c.oom) {                                                                        \
            volatile float z = 0.0f;                                                        \
            z = z / z;                                                                      \
        }                                                                                   \
    }

SA_DEFINE_RGRAD_LOOP(f16, rgrad_body_h16, &fmt_f16)
SA_DEFINE_RGRAD_LOOP(bf16, rgrad_body_h16, &fmt_bf16)
SA_DEFINE_RGRAD_LOOP(f32, rgrad_body_f32, NULL)
SA_DEFINE_RGRAD_LOOP(f64, rgrad_body_f64, NULL)

void sa_loops_refresh_isa(void) { init_formats(); }

static void init_formats(void)
{
    fmt_f16.widen = sa_active_f16_to_f32;
    fmt_f16.narrow = sa_active_f32_to_f16;
}
