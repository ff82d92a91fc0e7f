/* The compiled engine behind `python -m simdact accuracy`: sweeps float32 bit patterns through
 * the float32 kernels of several ISAs and compares each result with the function's float64
 * kernel (within 2 float64 ULP of mpmath, tests/test_float64.py; the best ISA's), computed once
 * per chunk and shared by every ISA.
 *
 * Patterns: p_k = start + k * stride (mod 2^32), k < count. With stride 1, start 0 and count
 * 2^32 that is every float32. Work is split into chunks of SA_ACC_CHUNK consecutive k; chunks
 * run on an OpenMP team and are reduced in chunk order, so every figure — including which input
 * is reported as the worst (the first in k order among equal maxima) and the output hash — is
 * independent of the thread count and schedule, and of how a caller splits a sweep into calls
 * (as long as each call starts on a chunk boundary: the hash mixes in the global chunk index).
 *
 * Error of one output: the ULP definition of the tests (tests/reference.py, ulp_err32):
 * |y - ref| / ulp32(ref), ulp32(r) = 2^(max(floor(log2 |r|), -126) - 23); both NaN: 0; one
 * NaN: infinite; where ref rounds to +-inf in float32, 0 if y is that inf, else infinite.
 * "Correctly rounded": y == (float)ref (with respect to the reference, NaN == NaN).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dispatch.h"
#include "accuracy.h"

#ifndef SA_NO_OPENMP
#include <omp.h>
#endif

#define SA_ACC_CHUNK 4096

/* 1 / ulp of float32 at r: 2^(23 - max(floor(log2|r|), -126)), from the float64 exponent bits
 * (no libm call and no division: this runs once per input of a 2^32 sweep; scaling by a power
 * of two is exact, so the error figures are the same as |y - r| / ulp) */
static inline double inv_ulp32(double r)
{
    uint64_t b;
    memcpy(&b, &r, 8);
    int e = (int)((b >> 52) & 0x7ff) - 1023; /* r = 0 or float64-subnormal: e <= -1023 */
    if (e < -126)
        e = -126;
    uint64_t u = (uint64_t)(23 - e + 1023) << 52;
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static inline double err_of(float y, double ref)
{
    if (isnan(ref) || isnan(y))
        return (isnan(ref) && isnan(y)) ? 0.0 : INFINITY;
    float rt = (float)ref;
    if (isinf(rt))
        return y == rt ? 0.0 : INFINITY;
    return fabs((double)y - ref) * inv_ulp32(ref);
}

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* Evaluates entry f on x[0..n) in float32 (kernel of ISA isa) and float64. ops: the parameter
 * values of a parametric entry (two floats; the defaults for SA_PDEFAULT). */
static void run_f32(const sa_func_info *f, int isa, const float *ops, const float *x, float *y,
                    size_t n)
{
    if (f->kind == SA_PARAM || f->kind == SA_PDEFAULT)
        f->pf32[isa](x, &ops[0], 0, &ops[1], 0, y, n);
    else
        f->f32[isa](x, y, n);
}

/* The float64 reference: the fastest float64 kernel this CPU has (the SIMD ones are as
 * accurate as the portable ones, tests/test_float64.py, and many times faster). */
static void run_f64(const sa_func_info *f, const float *ops, const double *x, double *y, size_t n)
{
    int avail = sa_available_isas(), isa = SA_NISA - 1;
    while (isa > 0 && !((avail >> isa) & 1))
        isa--;
    if (f->kind == SA_PARAM || f->kind == SA_PDEFAULT) {
        double p = ops[0], q = ops[1];
        sa_f64_pkernel_for(f->id, isa)(x, &p, 0, &q, 0, y, n);
    } else {
        f->f64v[isa](x, y, n);
    }
}

static void stats_init(sa_acc_stats *s)
{
    memset(s, 0, sizeof *s);
    s->worst_k = UINT64_MAX;
}

/* Chunk-order merge: b comes after a. */
static void stats_merge(sa_acc_stats *a, const sa_acc_stats *b)
{
    if (b->max_err > a->max_err || (b->max_err == a->max_err && b->worst_k < a->worst_k &&
                                    a->worst_k == UINT64_MAX)) {
        a->max_err = b->max_err;
        a->worst_k = b->worst_k;
        a->worst_x = b->worst_x;
        a->worst_y = b->worst_y;
        a->worst_ref = b->worst_ref;
    }
    if (b->tail_max > a->tail_max || (a->n_tail == 0 && b->n_tail > 0)) {
        a->tail_max = b->tail_max;
        a->tail_x = b->tail_x;
    }
    a->n_tail += b->n_tail;
    if (b->max_rel > a->max_rel) {
        a->max_rel = b->max_rel;
        a->rel_x = b->rel_x;
    }
    a->sum_err += b->sum_err;
    a->n_finite += b->n_finite;
    a->n_cr += b->n_cr;
    a->n_over += b->n_over;
    a->hash += b->hash;
}

int sa_acc_sweep(int id, const float *ops, const int *isas, int nisa, uint64_t start,
                 uint64_t stride, uint64_t k0, uint64_t count, double budget, int nthreads,
                 sa_acc_stats *out)
{
    if (id < 0 || id >= SA_NFUNC || nisa < 1 || nisa > SA_NISA)
        return -1;
    const sa_func_info *f = &sa_funcs[id];
    if (f->kind != SA_UNARY && f->kind != SA_PARAM && f->kind != SA_PDEFAULT)
        return -1;
    const sa_func_info *ref = f->tier ? &sa_funcs[f->fwd] : f; /* fast tier: forward's f64 */
    int avail = sa_available_isas();
    for (int i = 0; i < nisa; i++)
        if (isas[i] < 0 || isas[i] >= SA_NISA || !((avail >> isas[i]) & 1))
            return -2;
    float dops[2] = {ops ? ops[0] : 0.0f, ops ? ops[1] : 0.0f};
    if (f->kind == SA_PDEFAULT) {
        dops[0] = f->dflt_f32[0];
        dops[1] = f->dflt_f32[1];
    }
    uint64_t nchunks = (count + SA_ACC_CHUNK - 1) / SA_ACC_CHUNK;
    sa_acc_stats *cs = (sa_acc_stats *)malloc(nchunks * nisa * sizeof *cs);
    if (!cs)
        return -3;
    int failed = 0;
#ifndef SA_NO_OPENMP
#pragma omp parallel num_threads(nthreads > 0 ? nthreads : omp_get_max_threads())
#endif
    {
        float *x = (float *)malloc(SA_ACC_CHUNK * sizeof(float));
        float *y = (float *)malloc(SA_ACC_CHUNK * sizeof(float));
        double *xd = (double *)malloc(SA_ACC_CHUNK * sizeof(double));
        double *rd = (double *)malloc(SA_ACC_CHUNK * sizeof(double));
        if (!x || !y || !xd || !rd) {
#ifndef SA_NO_OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        }
#ifndef SA_NO_OPENMP
#pragma omp for schedule(dynamic, 4)
#endif
        for (int64_t c = 0; c < (int64_t)nchunks; c++) {
            if (failed)
                continue;
            uint64_t kb = (uint64_t)c * SA_ACC_CHUNK;
            size_t n = (size_t)(count - kb < SA_ACC_CHUNK ? count - kb : SA_ACC_CHUNK);
            for (size_t j = 0; j < n; j++) {
                uint32_t bits = (uint32_t)(start + (k0 + kb + j) * stride);
                memcpy(&x[j], &bits, 4);
                xd[j] = (double)x[j];
            }
            run_f64(ref, dops, xd, rd, n);
            for (int i = 0; i < nisa; i++) {
                /* a local copy (kept in registers: no aliasing with the arrays), stored once */
                sa_acc_stats st, *s = &st;
                stats_init(s);
                run_f32(f, isas[i], dops, x, y, n);
                /* output hash: a sum of independent per-position mixes (no serial chain of
                 * multiplies through the chunk), position j tied to each output's bits */
                uint64_t h = 0x9E3779B97F4A7C15ULL;
                for (size_t j = 0; j < n; j++) {
                    uint32_t yb;
                    memcpy(&yb, &y[j], 4);
                    h += mix64(((uint64_t)j << 32) | yb);
                    if (!isfinite(x[j]))
                        continue;
                    double e = err_of(y[j], rd[j]);
                    s->n_finite++;
                    if (isfinite(e))
                        s->sum_err += e;
                    if (y[j] == (float)rd[j] || (isnan(y[j]) && isnan(rd[j])))
                        s->n_cr++;
                    if (!(e <= budget))
                        s->n_over++;
                    if (fabs(rd[j]) >= 0x1p-126) {
                        /* e == 0: y is the float32 rounding of ref (an overflow to inf too) */
                        double rel = e == 0.0 ? 0.0
                                     : isfinite(e) && isfinite(rd[j])
                                         ? fabs((double)y[j] - rd[j]) / fabs(rd[j])
                                         : INFINITY;
                        if (rel > s->max_rel) {
                            s->max_rel = rel;
                            s->rel_x = x[j];
                        }
                    }
                    if (fabs(rd[j]) < 1e-30) {
                        if (e > s->tail_max || s->n_tail == 0) {
                            s->tail_max = e;
                            s->tail_x = x[j];
                        }
                        s->n_tail++;
                    }
                    if (e > s->max_err || (s->worst_k == UINT64_MAX && !(e < s->max_err))) {
                        s->max_err = e;
                        s->worst_k = k0 + kb + j;
                        s->worst_x = x[j];
                        s->worst_y = y[j];
                        s->worst_ref = rd[j];
                    }
                }
                s->hash = mix64(h ^ mix64((k0 + kb) / SA_ACC_CHUNK + 1));
                cs[(size_t)c * nisa + i] = st;
            }
        }
        free(x);
        free(y);
        free(xd);
        free(rd);
    }
    if (failed) {
        free(cs);
        return -3;
    }
    for (int i = 0; i < nisa; i++) {
        stats_init(&out[i]);
        for (uint64_t c = 0; c < nchunks; c++)
            stats_merge(&out[i], &cs[c * nisa + i]);
    }
    free(cs);
    return 0;
}
