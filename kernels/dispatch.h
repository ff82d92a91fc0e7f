/* The runtime view of the registry: one entry per function, its kernels per ISA, and the
 * ISA chosen once at import. */
#ifndef SA_DISPATCH_H
#define SA_DISPATCH_H
#include "kernels.h"

enum {
#define SA_FN(name, kind, algo, u32, u64, ovf, doc) SA_ID_##name,
#include "registry.h"
#undef SA_FN
    SA_NFUNC
};

typedef struct {
    int id;
    const char *name;
    int kind;              /* SA_UNARY or SA_ROW */
    const char *algo;
    double ulp_f32, ulp_f64;
    int may_overflow;      /* report a genuine overflow flag (see registry.h, ovf) */
    const char *doc;
    sa_f32_kernel f32[SA_NISA]; /* NULL where the ISA is not compiled in */
    sa_f64_kernel f64;
} sa_func_info;

extern const sa_func_info sa_funcs[SA_NFUNC];
extern const char *const sa_isa_names[SA_NISA];

/* Active kernels, filled by sa_select_isa(). */
extern sa_f32_kernel sa_active_f32[SA_NFUNC];
extern sa_f16_to_f32_fn sa_active_f16_to_f32;
extern sa_f32_to_f16_fn sa_active_f32_to_f16;

/* Bit i set when ISA i is compiled in, supported by the CPU and enabled by the OS (XGETBV). */
int sa_available_isas(void);
/* Select the active ISA; returns 0, or -1 when it is not available. */
int sa_select_isa(int isa);
int sa_active_isa(void);
/* A specific ISA's float32 kernel (for tests comparing ISAs), NULL if unavailable. */
sa_f32_kernel sa_f32_kernel_for(int id, int isa);

#endif
