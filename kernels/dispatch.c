/* CPU detection and the dispatch tables generated from registry.h.
 * Compiled for the baseline CPU: only CPUID/XGETBV are used here, never an AVX instruction. */
#include "dispatch.h"

#if (defined(__x86_64__) || defined(__i386__)) && !defined(SA_PORTABLE_ONLY)
#define SA_X86 1
#include <cpuid.h>
#define SA_ISA_PTR(sym) sym
#else
#define SA_X86 0
#define SA_ISA_PTR(sym) NULL
#endif

const char *const sa_isa_names[SA_NISA] = {"scalar", "avx2", "avx512"};

#define SA_KTAB(name, algo)                                                              \
    {SA_F32_KERNEL(name, algo, scalar), SA_ISA_PTR(SA_F32_KERNEL(name, algo, avx2)),     \
     SA_ISA_PTR(SA_F32_KERNEL(name, algo, avx512))}
#define SA_STR_(x) #x
#define SA_STR(x) SA_STR_(x)

/* each SA_FN function's ovf column, for its fast-tier entry (SA_FAST) */
#define SA_FN(nm, kind_, algo_, u32, u64, ovf, doc_) SA_OVF_##nm = ovf,
enum {
#include "registry.h"
};
#undef SA_FN

const sa_func_info sa_funcs[SA_NFUNC] = {
#define SA_FN(nm, kind_, algo_, u32, u64, ovf, doc_)                                   \
    {.id = SA_ID_##nm, .name = #nm, .kind = kind_, .algo = #algo_, .ulp_f32 = u32,   \
     .ulp_f64 = u64, .may_overflow = ovf, .doc = doc_, .f32 = SA_KTAB(nm, algo_),      \
     .f64 = SA_F64_KERNEL(nm), .f64v = {SA_F64_KERNEL(nm), SA_F64_KERNEL(nm),          \
     SA_F64_KERNEL(nm)}, .params = "", .fwd = -1, SA_CKTAB_##kind_(nm, algo_)},
#define SA_CKTAB_SA_UNARY(nm, algo_) .cf32 = {NULL, NULL, NULL}
#define SA_CKTAB_SA_ROW(nm, algo_)                                                      \
    .cf32 = SA_KTAB(nm##_cols, algo_), .rsf32 = SA_KTAB(nm##_rows, algo_)
#define SA_PFN_ENTRY_(id_, name_, kind_, fname, pname, np_, d0, d1, algo_, u32, u64, ovf, doc_) \
    {.id = id_, .name = name_, .kind = kind_, .algo = #algo_, .ulp_f32 = u32, .ulp_f64 = u64, \
     .may_overflow = ovf, .doc = doc_, .np = np_, .params = SA_STR(pname),               \
     .dflt = {d0, d1}, .dflt_f32 = {(float)(d0), (float)(d1)}, .pf32 = SA_KTAB(fname, algo_), \
     .pf64 = SA_F64_KERNEL(fname), .fwd = -1},
#define SA_PFN(name, pname, np, d0, d1, algo, u32, u64, ovf, doc)                        \
    SA_PFN_ENTRY_(SA_ID_##name, #name, SA_PDEFAULT, name, pname, np, d0, d1, algo, u32,   \
                  u64, ovf, doc)                                                         \
    SA_PFN_ENTRY_(SA_ID_##name##_##pname, SA_STR(name##_##pname), SA_PARAM, name, pname,  \
                  np, d0, d1, algo, u32, u64, ovf, doc)
#define SA_BFN(name, pname, algo, u32, u64, ovf, doc)                                    \
    SA_PFN_ENTRY_(SA_ID_##name, #name, SA_PARAM, name, pname, 1, 0.0, 0.0, algo, u32, u64, \
                  ovf, doc)
/* A gradient: its name, kind and kernels; np, parameter names and defaults are its forward's
 * (filled in by sa_select_isa), overflow reporting on (a large dy times a derivative > 1 can
 * overflow genuinely; the kernels raise the flag only then). */
#define SA_GRAD_ENTRY_(gname, kind_, fwd_, src_, algo_, u32, u64, KT)                    \
    {.id = SA_CAT2(SA_ID_, gname), .name = SA_STR(gname), .kind = kind_, .algo = #algo_, \
     .ulp_f32 = u32, .ulp_f64 = u64, .may_overflow = 1, .doc = "", .params = "",          \
     .fwd = fwd_, .src = src_, KT(gname, algo_)},
/* the parametric form of an SA_PGRAD calls the same kernel as its default form */
#define SA_GRAD_ENTRY_K_(gname, kname, kind_, fwd_, src_, algo_, u32, u64, KT)           \
    {.id = SA_CAT2(SA_ID_, gname), .name = SA_STR(gname), .kind = kind_, .algo = #algo_, \
     .ulp_f32 = u32, .ulp_f64 = u64, .may_overflow = 1, .doc = "", .params = "",          \
     .fwd = fwd_, .src = src_, KT(kname, algo_)},
#define SA_GK_(gname, algo) .gf32 = SA_KTAB(gname, algo), .gf64 = SA_F64_KERNEL(gname)
#define SA_RGK_(gname, algo) .rgf32 = SA_KTAB(gname, algo), .rgf64 = SA_F64_KERNEL(gname)
#define SA_SRC_x 0
#define SA_SRC_y 1
#define SA_GRAD(fwd, src, algo, u32, u64)                                                \
    SA_GRAD_ENTRY_(SA_GNAME(fwd, src), SA_GUNARY, SA_ID_##fwd, SA_SRC_##src, algo, u32, u64, \
                   SA_GK_)
#define SA_PGRAD(fwd, pname, src, algo, u32, u64)                                        \
    SA_GRAD_ENTRY_(SA_GNAME(fwd, src), SA_GPDEFAULT, SA_ID_##fwd, SA_SRC_##src, algo, u32, \
                   u64, SA_GK_)                                                          \
    SA_GRAD_ENTRY_K_(SA_GNAME(fwd##_##pname, src), SA_GNAME(fwd, src), SA_GPARAM,        \
                     SA_ID_##fwd##_##pname, SA_SRC_##src, algo, u32, u64, SA_GK_)
#define SA_BGRAD(fwd, algo, u32, u64)                                                    \
    SA_GRAD_ENTRY_(SA_GNAME(fwd, x), SA_GBIN, SA_ID_##fwd, 0, algo, u32, u64, SA_GK_)
#define SA_RGRAD(fwd, src, algo, u32, u64)                                               \
    SA_GRAD_ENTRY_(SA_GNAME(fwd, src), SA_GROW, SA_ID_##fwd, SA_SRC_##src, algo, u32, u64, \
                   SA_RGK_)
/* A fast-tier entry: its own float32 kernel, the forward's float64 kernel (f64v is taken from
 * the forward by sa_select_isa). It reports overflow like its forward can (log_softmax, the
 * gated units). */
#define SA_FAST(nm, kind_, algo_, bits)                                                \
    {.id = SA_ID_##nm##_fast, .name = #nm "_fast", .kind = kind_, .algo = #algo_,   \
     .may_overflow = SA_OVF_##nm, .doc = "", .params = "", .f32 = SA_KTAB(nm##_fast, algo_), \
     .f64 = SA_F64_KERNEL(nm), .fwd = SA_ID_##nm, .tier = 1, .fast_bits = bits,         \
     SA_CKTAB_##kind_(nm##_fast, algo_)},
#define SA_BFAST(nm, algo_, bits)                                                      \
    {.id = SA_ID_##nm##_fast, .name = #nm "_fast", .kind = SA_PARAM, .algo = #algo_, \
     .may_overflow = 1, .doc = "", .np = 1, .params = "b", .pf32 = SA_KTAB(nm##_fast, algo_), \
     .pf64 = SA_F64_KERNEL(nm), .fwd = SA_ID_##nm, .tier = 1, .fast_bits = bits},
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
/* Second pass over the registry, after every positional entry: each SA_F64V line overrides
 * the f64v member of its SA_FN entry with the per-ISA kernels (scalar keeps the portable one). */
#define SA_FN(nm, kind_, algo_, u32, u64, ovf, doc_)
#define SA_F64V(name, algo)                                                              \
    [SA_ID_##name].f64v = {SA_F64_KERNEL(name), SA_ISA_PTR(SA_F64V_KERNEL(name, algo, avx2)), \
                           SA_ISA_PTR(SA_F64V_KERNEL(name, algo, avx512))},
#include "registry.h"
#undef SA_FN
#undef SA_F64V
};

/* The parametric float64 SIMD kernels (SA_F64VP lines), keyed by the portable kernel they
 * replace: every entry whose pf64 is that kernel (default and parametric forms, fast tiers)
 * takes them in sa_select_isa. */
static const struct {
    sa_f64_pkernel portable;
    sa_f64_pkernel isa[SA_NISA];
} pf64v_tab[] = {
#define SA_FN(nm, kind_, algo_, u32, u64, ovf, doc_)
#define SA_F64VP(name, algo)                                                             \
    {SA_F64_KERNEL(name), {SA_F64_KERNEL(name), SA_ISA_PTR(SA_F64V_KERNEL(name, algo, avx2)), \
                           SA_ISA_PTR(SA_F64V_KERNEL(name, algo, avx512))}},
#include "registry.h"
#undef SA_FN
#undef SA_F64VP
};

/* The SA_F64VP kernels of entry f, one per ISA (NULL where not built), or NULL if it has none. */
static const sa_f64_pkernel *pf64v_row(const sa_func_info *f)
{
    for (size_t j = 0; f->pf64 && j < sizeof pf64v_tab / sizeof pf64v_tab[0]; j++)
        if (pf64v_tab[j].portable == f->pf64)
            return pf64v_tab[j].isa;
    return NULL;
}

static sa_f64_pkernel pf64_for_isa(const sa_func_info *f, int isa)
{
    const sa_f64_pkernel *row = pf64v_row(f);
    return row && row[isa] ? row[isa] : f->pf64;
}

static const sa_f16_to_f32_fn h2f[SA_NISA] = {
    sa_f16_to_f32__scalar, SA_ISA_PTR(sa_f16_to_f32__avx2), SA_ISA_PTR(sa_f16_to_f32__avx512)};
static const sa_f32_to_f16_fn f2h[SA_NISA] = {
    sa_f32_to_f16__scalar, SA_ISA_PTR(sa_f32_to_f16__avx2), SA_ISA_PTR(sa_f32_to_f16__avx512)};

sa_f32_kernel sa_active_f32[SA_NFUNC];
sa_f32_ckernel sa_active_cf32[SA_NFUNC];
sa_f32_rowskernel sa_active_rsf32[SA_NFUNC];
sa_f64_kernel sa_active_f64[SA_NFUNC];
sa_f64_pkernel sa_active_pf64[SA_NFUNC];
sa_f32_pkernel sa_active_pf32[SA_NFUNC];
sa_f32_gkernel sa_active_gf32[SA_NFUNC];
sa_f32_rgkernel sa_active_rgf32[SA_NFUNC];
sa_f16_to_f32_fn sa_active_f16_to_f32;
sa_f32_to_f16_fn sa_active_f32_to_f16;
static int active_isa = -1;

#if SA_X86
static unsigned long long xgetbv0(void)
{
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif

/* cpuid traps to the hypervisor in a VM (thousands of cycles): probe once, keep the mask */
static int probe_isas(void);
int sa_available_isas(void)
{
    static int mask = -1; /* the probe is idempotent: a race only repeats it */
    if (mask < 0)
        mask = probe_isas();
    return mask;
}

static int probe_isas(void)
{
    int mask = 1 << SA_ISA_SCALAR;
#if SA_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return mask;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
    if (!(osxsave && avx && fma && f16c))
        return mask;
    unsigned long long xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6) /* OS saves SSE and AVX state */
        return mask;
    if (__get_cpuid_max(0, 0) < 7)
        return mask;
    __cpuid_count(7, 0, a, b, c, d);
    if ((b >> 5) & 1) /* AVX2 */
        mask |= 1 << SA_ISA_AVX2;
    else
        return mask;
    int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    /* opmask, upper ZMM halves and ZMM16-31 state saved by the OS */
    if (f && dq && bw && vl && (xcr0 & 0xE6) == 0xE6)
        mask |= 1 << SA_ISA_AVX512;
#endif
    return mask;
}

int sa_select_isa(int isa)
{
    if (isa < 0 || isa >= SA_NISA || !((sa_available_isas() >> isa) & 1))
        return -1;
    for (int i = 0; i < SA_NFUNC; i++) {
        sa_active_f32[i] = sa_funcs[i].f32[isa];
        sa_active_cf32[i] = sa_funcs[i].cf32[isa];
        sa_active_rsf32[i] = sa_funcs[i].rsf32[isa];
        sa_active_f64[i] = sa_funcs[i].tier ? sa_funcs[sa_funcs[i].fwd].f64v[isa]
                                            : sa_funcs[i].f64v[isa];
        sa_active_pf32[i] = sa_funcs[i].pf32[isa];
        sa_active_pf64[i] = pf64_for_isa(&sa_funcs[i], isa);
        sa_active_gf32[i] = sa_funcs[i].gf32[isa];
        sa_active_rgf32[i] = sa_funcs[i].rgf32[isa];
    }
    sa_active_f16_to_f32 = h2f[isa];
    sa_active_f32_to_f16 = f2h[isa];
    active_isa = isa;
    return 0;
}

int sa_active_isa(void) { return active_isa; }

sa_f32_kernel sa_f32_kernel_for(int id, int isa)
{
    if (id < 0 || id >= SA_NFUNC || isa < 0 || isa >= SA_NISA ||
        !((sa_available_isas() >> isa) & 1))
        return NULL;
    return sa_funcs[id].f32[isa];
}

sa_f32_pkernel sa_f32_pkernel_for(int id, int isa)
{
    if (id < 0 || id >= SA_NFUNC || isa < 0 || isa >= SA_NISA ||
        !((sa_available_isas() >> isa) & 1))
        return NULL;
    return sa_funcs[id].pf32[isa];
}

sa_f64_pkernel sa_f64_pkernel_for(int id, int isa)
{
    if (id < 0 || id >= SA_NFUNC || isa < 0 || isa >= SA_NISA ||
        !((sa_available_isas() >> isa) & 1))
        return NULL;
    return pf64_for_isa(&sa_funcs[id], isa);
}

int sa_f64_simd_line(int id)
{
    if (id < 0 || id >= SA_NFUNC)
        return 0;
    const sa_func_info *f = &sa_funcs[id];
    return f->f64v[SA_ISA_AVX2] != f->f64 || pf64v_row(f) != NULL;
}

sa_f32_gkernel sa_f32_gkernel_for(int id, int isa)
{
    if (id < 0 || id >= SA_NFUNC || isa < 0 || isa >= SA_NISA ||
        !((sa_available_isas() >> isa) & 1))
        return NULL;
    return sa_funcs[id].gf32[isa];
}

sa_f32_rgkernel sa_f32_rgkernel_for(int id, int isa)
{
    if (id < 0 || id >= SA_NFUNC || isa < 0 || isa >= SA_NISA ||
        !((sa_available_isas() >> isa) & 1))
        return NULL;
    return sa_funcs[id].rgf32[isa];
}

/* Inputs: x (+ np parameter operands); a gradient adds dy in front. */
int sa_nin(int id)
{
    const sa_func_info *f = &sa_funcs[id];
    switch (f->kind) {
    case SA_UNARY: case SA_ROW: case SA_PDEFAULT: return 1;
    case SA_PARAM: return 1 + f->np;
    case SA_GUNARY: case SA_GPDEFAULT: case SA_GROW: return 2;
    default: return 2 + sa_funcs[f->fwd].np; /* SA_GPARAM, SA_GBIN */
    }
}

int sa_nout(int id) { return sa_funcs[id].kind == SA_GBIN ? 2 : 1; }
