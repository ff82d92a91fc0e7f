/* Kernel interface shared by the per-ISA kernel files, the dispatcher and the ufunc loops.
 *
 * Every kernel is contiguous-in, contiguous-out: y[i] = f(x[i]) for i < n (SA_UNARY), or one
 * row y[0..n) = f(x[0..n)) (SA_ROW). x == y (in place) is allowed; partial overlap is not
 * (NumPy copies overlapping operands before calling a loop). Kernels never read or write
 * outside [0, n): the tail goes through the same vector code, padded by masked loads and
 * stores.
 *
 * Kernels may leave any floating-point exception flag raised: the loops save the caller's
 * flags before and restore them after (see loops.c), reporting only a genuine overflow.
 * Kernels never change the rounding mode or FTZ/DAZ.
 */
#ifndef SA_KERNELS_H
#define SA_KERNELS_H
#include <stddef.h>
#include <stdint.h>

typedef void (*sa_f32_kernel)(const float *x, float *y, size_t n);
/* Column kernels of SA_ROW functions: the row function along 16 adjacent columns at once,
 * element i of column c at x[i xs + c] / y[i ys + c] (strides in elements), n elements each;
 * bit-identical to the row kernel on each column (f32_kernels.h, column kernels). keep is NULL
 * or room for n x 16 doubles where a kernel may keep its exp from pass 2 for pass 3. */
#define SA_COLS 16
typedef void (*sa_f32_ckernel)(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys, size_t n,
                               void *keep);
/* Row-group kernels of SA_ROW functions: m rows of n elements, x[r xs..r xs + n) into
 * y[r ys..r ys + n) for r < m (strides in elements), each with the bits the row kernel gives
 * it, worked on two or four at a time (SA_DEF_ROWS, f32_driver.h); the loops use them for
 * contiguous rows (kernels/loops.c), up to SA_ROWS2_N elements per row in groups, longer ones
 * one at a time (or as the function's long-rows kernel takes them: SA_DEF_ROWS_SUMNAN_LONG,
 * f32_driver.h). The measurements behind 1024 are above its use in kernels/loops.c. */
#define SA_ROWS2_N 1024
typedef void (*sa_f32_rowskernel)(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys, size_t n,
                                  size_t m);
typedef void (*sa_f64_kernel)(const double *x, double *y, size_t n);
/* Parametric kernels: y[i] = f(x[i], p[i * ps], q[i * qs]) with ps, qs in {0, 1} (0: one value
 * for every x). A one-parameter kernel ignores q; callers pass a valid pointer with qs = 0. */
typedef void (*sa_f32_pkernel)(const float *x, const float *p, size_t ps, const float *q,
                               size_t qs, float *y, size_t n);
typedef void (*sa_f64_pkernel)(const double *x, const double *p, size_t ps, const double *q,
                               size_t qs, double *y, size_t n);
/* Backward (gradient) kernels, elementwise: dx[i] = dy[i] * df/dx (x[i]; p[i*ps], q[i*qs]) and,
 * for functions of two operands (SA_BGRAD), dp[i] = dy[i] * df/dp at the same point. dy and x
 * are contiguous; p, q have stride 1 or 0 as in a pkernel (a unary function's kernel ignores
 * them, callers pass valid pointers with stride 0); dp is NULL for a one-output gradient.
 * dx / dp may alias dy or x exactly (in place), never partially. For a `_from_output` kernel
 * the second operand is the forward output y instead of x. */
typedef void (*sa_f32_gkernel)(const float *dy, const float *x, const float *p, size_t ps,
                               const float *q, size_t qs, float *dx, float *dp, size_t n);
typedef void (*sa_f64_gkernel)(const double *dy, const double *x, const double *p, size_t ps,
                               const double *q, size_t qs, double *dx, double *dp, size_t n);
/* Backward kernels of row functions (gufunc (n),(n)->(n)): one row dx[0..n) from dy[0..n) and
 * v[0..n) (x, or y for a `_from_output` kernel); `scratch` is n elements of work space the loop
 * provides. dx may alias dy or v exactly. */
typedef void (*sa_f32_rgkernel)(const float *dy, const float *v, float *dx, float *scratch,
                                size_t n);
typedef void (*sa_f64_rgkernel)(const double *dy, const double *v, double *dx, double *scratch,
                                size_t n);
/* float16 is carried as its raw bits. */
typedef void (*sa_f16_to_f32_fn)(const uint16_t *x, float *y, size_t n);
typedef void (*sa_f32_to_f16_fn)(const float *x, uint16_t *y, size_t n);

/* Kinds of ufunc entries: SA_UNARY and SA_ROW come from SA_FN; a SA_PFN gives a SA_PDEFAULT
 * entry (unary ufunc, defaults as parameters) and a SA_PARAM entry; a SA_BFN a SA_PARAM. */
enum { SA_UNARY = 1, SA_ROW = 2, SA_PDEFAULT = 3, SA_PARAM = 4 };
/* Gradient entries (registry.h, SA_*GRAD): SA_GUNARY (dy, x) -> dx, SA_GPDEFAULT the same with
 * a parametric kernel at its defaults, SA_GPARAM (dy, x, p[, q]) -> dx, SA_GBIN (dy, x, p) ->
 * (dx, dp), SA_GROW the gufunc (n),(n)->(n). */
enum { SA_GUNARY = 5, SA_GPDEFAULT = 6, SA_GPARAM = 7, SA_GBIN = 8, SA_GROW = 9 };
enum { SA_ISA_SCALAR = 0, SA_ISA_AVX2 = 1, SA_ISA_AVX512 = 2, SA_NISA = 3 };

#define SA_CAT3_(a, b, c) a##b##c
#define SA_CAT3(a, b, c) SA_CAT3_(a, b, c)
/* sa_f32_<name>__<algo>__<isa>; a gradient's name is <forward>_backward or
 * <forward>_backward_from_output (SA_GNAME(fwd, x) / SA_GNAME(fwd, y)). */
#define SA_GSUF_x _backward
#define SA_GSUF_y _backward_from_output
#define SA_CAT2_(a, b) a##b
#define SA_CAT2(a, b) SA_CAT2_(a, b)
#define SA_GNAME(fwd, src) SA_CAT2(fwd, SA_GSUF_##src)
#define SA_F32_KERNEL(name, algo, isa) sa_f32_##name##__##algo##__##isa
#define SA_F64_KERNEL(name) sa_f64_##name
/* float64 SIMD kernels (registry SA_F64V / SA_F64VP): sa_f64_<name>__<algo>__<isa>, isa avx2 /
 * avx512 */
#define SA_F64V_KERNEL(name, algo, isa) sa_f64_##name##__##algo##__##isa

/* Declarations of every kernel the registry names. */
#define SA_FN(name, kind, algo, u32, u64, ovf, doc)                            \
    void SA_F32_KERNEL(name, algo, scalar)(const float *, float *, size_t);    \
    void SA_F32_KERNEL(name, algo, avx2)(const float *, float *, size_t);      \
    void SA_F32_KERNEL(name, algo, avx512)(const float *, float *, size_t);    \
    void SA_F64_KERNEL(name)(const double *, double *, size_t);                \
    SA_CKDECL_##kind(name, algo)
/* an SA_ROW function also has column kernels, <name>_cols, and row-group kernels, <name>_rows,
 * with the row kernel's algorithm */
#define SA_CKDECL_SA_UNARY(name, algo)
#define SA_CKDECL_SA_ROW(name, algo)                                                      \
    void SA_F32_KERNEL(name##_cols, algo, scalar)(const float *, ptrdiff_t, float *, ptrdiff_t, \
                                                  size_t, void *);                                \
    void SA_F32_KERNEL(name##_cols, algo, avx2)(const float *, ptrdiff_t, float *, ptrdiff_t, \
                                                size_t, void *);                                  \
    void SA_F32_KERNEL(name##_cols, algo, avx512)(const float *, ptrdiff_t, float *, ptrdiff_t, \
                                                  size_t, void *);                                \
    void SA_F32_KERNEL(name##_rows, algo, scalar)(const float *, ptrdiff_t, float *, ptrdiff_t,  \
                                                  size_t, size_t);                                \
    void SA_F32_KERNEL(name##_rows, algo, avx2)(const float *, ptrdiff_t, float *, ptrdiff_t,    \
                                                size_t, size_t);                                  \
    void SA_F32_KERNEL(name##_rows, algo, avx512)(const float *, ptrdiff_t, float *, ptrdiff_t,  \
                                                  size_t, size_t);
#define SA_PKERNEL_F32_DECL_(name, algo)                                                \
    void SA_F32_KERNEL(name, algo, scalar)(const float *, const float *, size_t,        \
                                           const float *, size_t, float *, size_t);     \
    void SA_F32_KERNEL(name, algo, avx2)(const float *, const float *, size_t,          \
                                         const float *, size_t, float *, size_t);       \
    void SA_F32_KERNEL(name, algo, avx512)(const float *, const float *, size_t,        \
                                           const float *, size_t, float *, size_t);
#define SA_PKERNEL_DECL(name, algo)                                                     \
    void SA_F32_KERNEL(name, algo, scalar)(const float *, const float *, size_t,        \
                                           const float *, size_t, float *, size_t);     \
    void SA_F32_KERNEL(name, algo, avx2)(const float *, const float *, size_t,          \
                                         const float *, size_t, float *, size_t);       \
    void SA_F32_KERNEL(name, algo, avx512)(const float *, const float *, size_t,        \
                                           const float *, size_t, float *, size_t);     \
    void SA_F64_KERNEL(name)(const double *, const double *, size_t, const double *, size_t, \
                             double *, size_t);
#define SA_PFN(name, pname, np, d0, d1, algo, u32, u64, ovf, doc) SA_PKERNEL_DECL(name, algo)
#define SA_BFN(name, pname, algo, u32, u64, ovf, doc) SA_PKERNEL_DECL(name, algo)
#define SA_GKERNEL_DECL(gname, algo)                                                        \
    void SA_F32_KERNEL(gname, algo, scalar)(const float *, const float *, const float *, size_t, \
                                            const float *, size_t, float *, float *, size_t); \
    void SA_F32_KERNEL(gname, algo, avx2)(const float *, const float *, const float *, size_t, \
                                          const float *, size_t, float *, float *, size_t);   \
    void SA_F32_KERNEL(gname, algo, avx512)(const float *, const float *, const float *, size_t, \
                                            const float *, size_t, float *, float *, size_t); \
    void SA_F64_KERNEL(gname)(const double *, const double *, const double *, size_t,          \
                              const double *, size_t, double *, double *, size_t);
#define SA_RGKERNEL_DECL(gname, algo)                                                        \
    void SA_F32_KERNEL(gname, algo, scalar)(const float *, const float *, float *, float *, size_t); \
    void SA_F32_KERNEL(gname, algo, avx2)(const float *, const float *, float *, float *, size_t); \
    void SA_F32_KERNEL(gname, algo, avx512)(const float *, const float *, float *, float *, size_t); \
    void SA_F64_KERNEL(gname)(const double *, const double *, double *, double *, size_t);
#define SA_GRAD_K_(gname, algo) SA_GKERNEL_DECL(gname, algo)
#define SA_RGRAD_K_(gname, algo) SA_RGKERNEL_DECL(gname, algo)
#define SA_GRAD(fwd, src, algo, u32, u64) SA_GRAD_K_(SA_GNAME(fwd, src), algo)
#define SA_PGRAD(fwd, pname, src, algo, u32, u64) SA_GRAD_K_(SA_GNAME(fwd, src), algo)
#define SA_BGRAD(fwd, algo, u32, u64) SA_GRAD_K_(SA_GNAME(fwd, x), algo)
#define SA_RGRAD(fwd, src, algo, u32, u64) SA_RGRAD_K_(SA_GNAME(fwd, src), algo)
#define SA_FAST(name, kind, algo, bits)                                        \
    void SA_F32_KERNEL(name##_fast, algo, scalar)(const float *, float *, size_t); \
    void SA_F32_KERNEL(name##_fast, algo, avx2)(const float *, float *, size_t);   \
    void SA_F32_KERNEL(name##_fast, algo, avx512)(const float *, float *, size_t); \
    SA_CKDECL_##kind(name##_fast, algo)
#define SA_BFAST(name, algo, bits) SA_PKERNEL_F32_DECL_(name##_fast, algo)
#define SA_F64V(name, algo)                                                   \
    void SA_F64V_KERNEL(name, algo, avx2)(const double *, double *, size_t);  \
    void SA_F64V_KERNEL(name, algo, avx512)(const double *, double *, size_t);
#define SA_F64VP(name, algo)                                                              \
    void SA_F64V_KERNEL(name, algo, avx2)(const double *, const double *, size_t,         \
                                          const double *, size_t, double *, size_t);      \
    void SA_F64V_KERNEL(name, algo, avx512)(const double *, const double *, size_t,       \
                                            const double *, size_t, double *, size_t);
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
#undef SA_F64V
#undef SA_F64VP

/* float16 <-> float32 conversions (exact widening; round-to-nearest-even narrowing that keeps
 * subnormals), per ISA: portable bit arithmetic, or F16C. */
void sa_f16_to_f32__scalar(const uint16_t *, float *, size_t);
void sa_f32_to_f16__scalar(const float *, uint16_t *, size_t);
void sa_f16_to_f32__avx2(const uint16_t *, float *, size_t);
void sa_f32_to_f16__avx2(const float *, uint16_t *, size_t);
void sa_f16_to_f32__avx512(const uint16_t *, float *, size_t);
/* bfloat16 <-> float32 (portable bit arithmetic on every ISA): exact widening; narrowing rounds
 * to nearest even with integer arithmetic, keeping subnormals (VCVTNEPS2BF16 would flush them)
 * and quieting NaNs. */
void sa_bf16_to_f32(const uint16_t *, float *, size_t);
void sa_f32_to_bf16(const float *, uint16_t *, size_t);
void sa_f32_to_f16__avx512(const float *, uint16_t *, size_t);

#endif
