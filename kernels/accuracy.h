/* The accuracy sweep engine (accuracy.c) used by `python -m simdact accuracy`. */
#ifndef SA_ACCURACY_H
#define SA_ACCURACY_H
#include <stdint.h>

typedef struct {
    double max_err;    /* float32 ULPs of the float64 kernel's value */
    uint64_t worst_k;  /* first k (pattern index) where max_err occurs; UINT64_MAX: none */
    float worst_x, worst_y;
    double worst_ref;
    double tail_max;   /* max error where |ref| < 1e-30 (tails: tiny and subnormal results) */
    float tail_x;      /* the first input where tail_max occurs */
    uint64_t n_tail;
    double max_rel;    /* max |y - ref| / |ref| where |ref| >= FLT_MIN (the fast tier's measure) */
    float rel_x;       /* the first input where max_rel occurs */
    double sum_err;    /* over finite inputs with a finite error */
    uint64_t n_finite; /* finite inputs seen */
    uint64_t n_cr;     /* y == (float)ref */
    uint64_t n_over;   /* error above the budget */
    uint64_t hash;     /* of every output bit pattern (NaN/inf inputs included), in k order */
} sa_acc_stats;

/* Sweep float32 patterns start + k * stride (mod 2^32), k in [k0, k0 + count), k0 a multiple
 * of 4096, through entry id (SA_UNARY, SA_PDEFAULT, or SA_PARAM with operand values ops[0],
 * ops[1] broadcast) on the nisa ISAs isas[], against its float64 kernel. out[i] for isas[i].
 * nthreads <= 0: the OpenMP default. Returns 0, -1 (bad entry), -2 (ISA unavailable), -3 (out
 * of memory). */
int sa_acc_sweep(int id, const float *ops, const int *isas, int nisa, uint64_t start,
                 uint64_t stride, uint64_t k0, uint64_t count, double budget, int nthreads,
                 sa_acc_stats *out);

#endif
