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

const sa_func_info sa_funcs[SA_NFUNC] = {
#define SA_FN(name, kind, algo, u32, u64, ovf, doc)                                      \
    {SA_ID_##name, #name, kind, #algo, u32, u64, ovf, doc, SA_KTAB(name, algo),          \
     SA_F64_KERNEL(name), 0, "", {0, 0}, {0, 0}, {NULL, NULL, NULL}, NULL},
#define SA_PFN(name, pname, np, d0, d1, algo, u32, u64, ovf, doc)                        \
    {SA_ID_##name, #name, SA_PDEFAULT, #algo, u32, u64, ovf, doc, {NULL, NULL, NULL},    \
     NULL, np, SA_STR(pname), {d0, d1}, {(float)(d0), (float)(d1)}, SA_KTAB(name, algo),  \
     SA_F64_KERNEL(name)},                                                               \
    {SA_ID_##name##_##pname, SA_STR(name##_##pname), SA_PARAM, #algo, u32, u64, ovf, doc, \
     {NULL, NULL, NULL}, NULL, np, SA_STR(pname), {d0, d1}, {(float)(d0), (float)(d1)},  \
     SA_KTAB(name, algo), SA_F64_KERNEL(name)},
#define SA_BFN(name, pname, algo, u32, u64, ovf, doc)                                           \
    {SA_ID_##name, #name, SA_PARAM, #algo, u32, u64, ovf, doc, {NULL, NULL, NULL}, NULL, \
     1, SA_STR(pname), {0, 0}, {0, 0}, SA_KTAB(name, algo), SA_F64_KERNEL(name)},
#include "registry.h"
#undef SA_FN
#undef SA_PFN
#undef SA_BFN
};

static const sa_f16_to_f32_fn h2f[SA_NISA] = {
    sa_f16_to_f32__scalar, SA_ISA_PTR(sa_f16_to_f32__avx2), SA_ISA_PTR(sa_f16_to_f32__avx512)};
static const sa_f32_to_f16_fn f2h[SA_NISA] = {
    sa_f32_to_f16__scalar, SA_ISA_PTR(sa_f32_to_f16__avx2), SA_ISA_PTR(sa_f32_to_f16__avx512)};

sa_f32_kernel sa_active_f32[SA_NFUNC];
sa_f32_pkernel sa_active_pf32[SA_NFUNC];
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

int sa_available_isas(void)
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
        sa_active_pf32[i] = sa_funcs[i].pf32[isa];
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
