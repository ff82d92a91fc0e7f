/* The runtime view of the registry: one entry per function, its kernels per ISA, and the
 * ISA chosen once at import. */
#ifndef SA_DISPATCH_H
#define SA_DISPATCH_H
#include "kernels.h"

enum {
#define SA_FN(name, kind, algo, u32, u64, ovf, doc) SA_ID_##name,
#define SA_PFN(name, pname, np, d0, d1, algo, u32, u64, ovf, doc) SA_ID_##name, SA_ID_##name##_##pname,
#define SA_BFN(name, pname, algo, u32, u64, ovf, doc) SA_ID_##name,
#define SA_GRAD(fwd, src, algo, u32, u64) SA_CAT2(SA_ID_, SA_GNAME(fwd, src)),
#define SA_PGRAD(fwd, pname, src, algo, u32, u64)                                        \
    SA_CAT2(SA_ID_, SA_GNAME(fwd, src)), SA_CAT2(SA_ID_, SA_GNAME(fwd##_##pname, src)),
#define SA_BGRAD(fwd, algo, u32, u64) SA_CAT2(SA_ID_, SA_GNAME(fwd, x)),
#define SA_RGRAD(fwd, src, algo, u32, u64) SA_CAT2(SA_ID_, SA_GNAME(fwd, src)),
#define SA_FAST(name, kind, algo, bits) SA_ID_##name##_fast,
#define SA_BFAST(name, algo, bits) SA_ID_##name##_fast,
#include "registry.h"
#undef SA_FN
#undef SA_PFN
#undef SA_BFN
#undef SA_GRAD
#undef SA_PGRAD
#undef SA_BGRAD
#undef SA_RGRAD
#undef SA_FAST
#undef SA_BFAST
    SA_NFUNC
};

typedef struct {
    int id;
    const char *name;      /* the ufunc's name */
    int kind;              /* SA_UNARY, SA_ROW, SA_PDEFAULT or SA_PARAM */
    const char *algo;
    double ulp_f32, ulp_f64;
    int may_overflow;      /* report a genuine overflow flag (see registry.h, ovf) */
    const char *doc;
    sa_f32_kernel f32[SA_NISA]; /* SA_UNARY / SA_ROW; NULL where the ISA is not compiled in */
    sa_f32_ckernel cf32[SA_NISA]; /* SA_ROW: the column kernels (NULL for the other kinds) */
    sa_f32_rowskernel rsf32[SA_NISA]; /* SA_ROW: the row-group kernels (NULL for the others) */
    sa_f64_kernel f64;     /* the portable float64 kernel (f64.c) */
    sa_f64_kernel f64v[SA_NISA]; /* float64 kernel per ISA (SA_F64V lines; else f64) */
    int np;                /* parameters of a pkernel (0 for SA_UNARY / SA_ROW) */
    const char *params;    /* their names joined by '_' (the registry's pname; "" if np == 0) */
    double dflt[2];        /* defaults (SA_PDEFAULT: what the unary ufunc passes) */
    float dflt_f32[2];
    sa_f32_pkernel pf32[SA_NISA];
    sa_f64_pkernel pf64;
    /* gradients (kinds SA_G*): the forward entry, src 0 (x) or 1 (y = forward output) */
    int fwd, src;
    sa_f32_gkernel gf32[SA_NISA]; /* elementwise gradients */
    sa_f64_gkernel gf64;
    sa_f32_rgkernel rgf32[SA_NISA]; /* SA_GROW */
    sa_f64_rgkernel rgf64;
    /* fast tier (SA_FAST / SA_BFAST): 1, with the forward entry in fwd and the relative-error
     * bound 2^-fast_bits; float64 runs the forward's kernels */
    int tier;
    int fast_bits;
} sa_func_info;

extern const sa_func_info sa_funcs[SA_NFUNC];
extern const char *const sa_isa_names[SA_NISA];

/* Active kernels, filled by sa_select_isa(). */
extern sa_f32_kernel sa_active_f32[SA_NFUNC];
extern sa_f32_ckernel sa_active_cf32[SA_NFUNC];
extern sa_f32_rowskernel sa_active_rsf32[SA_NFUNC];
extern sa_f64_kernel sa_active_f64[SA_NFUNC];
extern sa_f32_pkernel sa_active_pf32[SA_NFUNC];
extern sa_f64_pkernel sa_active_pf64[SA_NFUNC];
extern sa_f32_gkernel sa_active_gf32[SA_NFUNC];
extern sa_f32_rgkernel sa_active_rgf32[SA_NFUNC];
extern sa_f16_to_f32_fn sa_active_f16_to_f32;
extern sa_f32_to_f16_fn sa_active_f32_to_f16;

/* Bit i set when ISA i is compiled in, supported by the CPU and enabled by the OS (XGETBV). */
int sa_available_isas(void);
/* Select the active ISA; returns 0, or -1 when it is not available. */
int sa_select_isa(int isa);
int sa_active_isa(void);
/* A specific ISA's kernel of entry id, NULL if that ISA is unavailable: float32 (unary / row,
 * parametric, gradient, row gradient) and float64 parametric (for tests comparing ISAs, and
 * the accuracy engine's float64 reference). */
sa_f32_kernel sa_f32_kernel_for(int id, int isa);
sa_f32_pkernel sa_f32_pkernel_for(int id, int isa);
sa_f64_pkernel sa_f64_pkernel_for(int id, int isa);
sa_f32_gkernel sa_f32_gkernel_for(int id, int isa);
sa_f32_rgkernel sa_f32_rgkernel_for(int id, int isa);
/* 1 when registry.h has an SA_F64V / SA_F64VP line for function id's float64 kernel (whether
 * or not this build compiled the SIMD kernels in) */
int sa_f64_simd_line(int id);
/* Number of ufunc inputs and outputs of entry id. */
int sa_nin(int id);
int sa_nout(int id);

#endif
