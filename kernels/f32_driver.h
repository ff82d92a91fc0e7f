/* f32_driver.h — the loops around simdact's float32 vector functions, written once over simd.h.
 *
 * A kernel file defines a vector function (one vector of x, and for parametric kernels one
 * vector per parameter operand, to one vector of results) and instantiates a driver:
 *
 *   SA_DEF_UNARY(name, algo, fn)   fn(sa_v x)                -> sa_f32_kernel
 *   SA_DEF_PARAM(name, algo, fn)   fn(sa_v x, sa_v p, sa_v q) -> sa_f32_pkernel
 *
 * (and, for row functions, SA_DEF_ROWS below: the row and row-group kernels around passes 2 and 3)
 *
 * The driver runs full vectors, then the n % SA_W tail through the same vector function, its
 * missing lanes padded by masked loads and stores (v_loadu_part / v_storeu_part: x padded with 1.0,
 * parameters with their first value or 1.0; a scalar copy into a buffer cost more than a short
 * call's whole kernel), so a result never depends on the element's position; nothing outside [0, n)
 * is read or written; y may alias x (in place). Every full vector is loaded one step ahead, before
 * the previous result is stored: an output that sits 16 bytes past the input modulo 4 KiB (two
 * arrays malloc'd one after the other, 4 MiB apart) otherwise makes each load wait for the store
 * just before it (the CPU matches loads to stores on address bits 0-11): silu_fast at 1M went from
 * 0.45 to 1.5 ns/element there. Parameter operands come with an element stride of 1 (an array as
 * long as x) or 0 (one value for every x); a kernel with one parameter ignores q, which the loops
 * pass as a valid pointer with stride 0.
 */
#ifndef SA_F32_DRIVER_H
#define SA_F32_DRIVER_H
#include "simd.h"
#include "kernels.h"
#include <math.h>
#include <stdint.h>

/* The elements a pass whose lanes are independent (a row's last pass) runs first, as one
 * padded vector, so that its stores to y start on a vector boundary (a 64-byte line on
 * AVX-512): up to SA_W - 1, none below SA_PEEL_N elements or where y is already there. Which
 * elements share a vector changes no result in such a pass. */
#define SA_PEEL_N 64
SA_INLINE size_t sa_peel(const float *y, size_t n) {
    return n >= SA_PEEL_N ? ((0 - (uintptr_t)y) & (SA_W * sizeof(float) - 1)) / sizeof(float) : 0;
}
/* The full vector the row passes load one step ahead of vector i (the header's 4 KiB
 * aliasing): the next one, or vector i itself again at the last full vector (a valid load,
 * before its own store). */
SA_INLINE size_t sa_ahead(size_t i, size_t n) { return i + 2 * SA_W <= n ? i + SA_W : i; }
/* A row's last pass over x (n elements, from element j, a size_t of the caller's): STORE for
 * each full vector, with j its first element and v (declared here) the vector of x there, each
 * vector loaded one step ahead of the store before it (the header's 4 KiB aliasing); j ends at
 * the tail's first element. The last full vector is taken after the loop, so the loop needs no
 * sa_ahead select, which in these loops compiled to a branch (log_softmax_fast, in L1 on a Zen
 * 5, bench/kernel_cycles.c rows 1024 4096: 0.131 -> 0.121 ns per element). */
#define SA_ROW_PASS_AHEAD(x, n, j, v, STORE)                                                 \
    do {                                                                                     \
        if ((n) - (j) >= SA_W) {                                                             \
            sa_v v = v_loadu((x) + (j)), nxt_;                                               \
            _Pragma("GCC unroll 4") for (; (j) + 2 * SA_W <= (n); (j) += SA_W) {             \
                nxt_ = v_loadu((x) + (j) + SA_W);                                            \
                STORE;                                                                       \
                v = nxt_;                                                                    \
            }                                                                                \
            STORE;                                                                           \
            (j) += SA_W;                                                                     \
        }                                                                                    \
    } while (0)

#define SA_K_(name, algo, isa) SA_F32_KERNEL(name, algo, isa)
#define SA_K(name, algo) SA_K_(name, algo, SA_ISA_SUFFIX)

/* Elementwise kernels: SA_DEF_UNARY(name, algo, fn) with fn(sa_v x), SA_DEF_PARAM(name, algo,
 * fn) with fn(sa_v x, sa_v p, sa_v q). A NaN input comes back as itself, quieted (name##_nan_v
 * through v_nan_or, simd.h: the quiet bit set; sign and payload kept, the same bits x + x
 * gives on x86). Without this the sign of a NaN result would depend on which operand order the
 * compiler chose for one inlined copy of fn, i.e. on whether the element sat in a full vector
 * or in the padded tail. Bit operations, not x + x: an add on every lane would raise a
 * spurious overflow flag for |x| >= 2^127. */
#define SA_DEF_UNARY(name, algo, fn)                                          \
    SA_INLINE sa_v name##_nan_v(sa_v v) { return v_nan_or(v, fn(v)); }        \
    SA_DEF_UNARY_LOOP_(name, algo)
/* SA_DEF_UNARY_NANPROP: for an fn whose every operation takes a NaN x's bits through unchanged
 * but quieted (x86's NaN propagation: no operation can make a default NaN of its own, and
 * every NaN operand is x quieted), so fn(x) already is what v_nan_or returns: on AVX-512 the
 * vfixupimmps is left out, on AVX2 the compare, or and blend. The portable build keeps
 * v_nan_or (its v_max / v_min are C selects, and C promises no NaN payload). Each use was
 * checked on all 2^32 inputs against the build with v_nan_or (the same bits), and
 * tests/per_isa checks NaN payloads and signs on every ISA. */
#if defined(SA_TARGET_AVX512) || defined(SA_TARGET_AVX2)
#define SA_DEF_UNARY_NANPROP(name, algo, fn)                                  \
    SA_INLINE sa_v name##_nan_v(sa_v v) { return fn(v); }                     \
    SA_DEF_UNARY_LOOP_(name, algo)
#else
#define SA_DEF_UNARY_NANPROP(name, algo, fn) SA_DEF_UNARY(name, algo, fn)
#endif
/* SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE: SA_DEF_UNARY_NANPROP for an fn whose clamps are the one
 * instruction vrangeps on AVX-512 (v_clamp_sym): it answers the bound for a
 * NaN, so there the driver puts the NaN back; elsewhere the clamps are a max and a min with the
 * bound first, which hand x on (SA_CLAMP_SYM_KEEPS_NAN, simd.h). */
#if SA_CLAMP_SYM_KEEPS_NAN
#define SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE(name, algo, fn) SA_DEF_UNARY_NANPROP(name, algo, fn)
#else
#define SA_DEF_UNARY_NANPROP_EXCEPT_VRANGE(name, algo, fn) SA_DEF_UNARY(name, algo, fn)
#endif
#define SA_DEF_UNARY_LOOP_(name, algo)                                        \
    void SA_K(name, algo)(const float *x, float *y, size_t n) {              \
        size_t i = 0;                                                         \
        if (n >= SA_W) {                                                      \
            sa_v cur_ = v_loadu(x);                                           \
            for (; i + 2 * SA_W <= n; i += SA_W) {                            \
                sa_v nxt_ = v_loadu(x + i + SA_W);                            \
                v_storeu(y + i, name##_nan_v(cur_));                          \
                cur_ = nxt_;                                                  \
            }                                                                 \
            v_storeu(y + i, name##_nan_v(cur_));                              \
            i += SA_W;                                                        \
        }                                                                     \
        if (i < n) /* the tail: its lanes padded with 1 */                    \
            v_storeu_part(y + i, name##_nan_v(v_loadu_part(x + i, n - i, 1.0f)), n - i); \
    }

SA_INLINE sa_v sa_param_load(const float *p, size_t s, size_t i, sa_v broadcast)
{
    return s ? v_loadu(p + i) : broadcast;
}

#define SA_DEF_PARAM(name, algo, fn)                                                       \
    SA_INLINE sa_v name##_nan_v(sa_v v, sa_v a, sa_v b) { return v_nan_or(v, fn(v, a, b)); } \
    void SA_K(name, algo)(const float *x, const float *p, size_t ps, const float *q, size_t qs, \
                          float *y, size_t n) {                                            \
        size_t i = 0;                                                                      \
        sa_v p1_ = v_set1(p[0]), q1_ = v_set1(q[0]);                                       \
        if (n >= SA_W && !(ps | qs)) { /* both broadcast: no stride test in the loop */     \
            sa_v cx_ = v_loadu(x);                                                         \
            for (; i + 2 * SA_W <= n; i += SA_W) {                                         \
                sa_v nx_ = v_loadu(x + i + SA_W);                                          \
                v_storeu(y + i, name##_nan_v(cx_, p1_, q1_));                              \
                cx_ = nx_;                                                                 \
            }                                                                              \
            v_storeu(y + i, name##_nan_v(cx_, p1_, q1_));                                  \
            i += SA_W;                                                                     \
        } else if (n >= SA_W) {                                                            \
            sa_v cx_ = v_loadu(x), cp_ = sa_param_load(p, ps, 0, p1_);                     \
            sa_v cq_ = sa_param_load(q, qs, 0, q1_);                                       \
            for (; i + 2 * SA_W <= n; i += SA_W) {                                         \
                sa_v nx_ = v_loadu(x + i + SA_W), np_ = sa_param_load(p, ps, i + SA_W, p1_); \
                sa_v nq_ = sa_param_load(q, qs, i + SA_W, q1_);                            \
                v_storeu(y + i, name##_nan_v(cx_, cp_, cq_));                              \
                cx_ = nx_, cp_ = np_, cq_ = nq_;                                           \
            }                                                                              \
            v_storeu(y + i, name##_nan_v(cx_, cp_, cq_));                                  \
            i += SA_W;                                                                     \
        }                                                                                  \
        if (i < n) { /* the tail: its lanes padded with 1 */                               \
            size_t r_ = n - i;                                                             \
            sa_v tp_ = ps ? v_loadu_part(p + i, r_, 1.0f) : p1_;                           \
            sa_v tq_ = qs ? v_loadu_part(q + i, r_, 1.0f) : q1_;                           \
            v_storeu_part(y + i, name##_nan_v(v_loadu_part(x + i, r_, 1.0f), tp_, tq_), r_); \
        }                                                                                  \
    }

/* A row function's row kernel (sa_f32_kernel: one row) and row-group kernel (sa_f32_rowskernel:
 * m rows x + r xs into y + r ys) around
 *
 *   SA_DEF_ROWS(name, algo, body, RG)   body(x[], y[], mx[], n, R): passes 2 and 3 of R rows
 *                                   (R = 1, 2 or RG, a constant; RG = 2 or 4) whose maxima
 *                                   mx[r] are finite
 *   SA_DEF_ROWS_SUMNAN(name, algo, body, RG, rowmax)   the same for a body that fills a row
 *                                   with NaN itself where the row holds one (its pass 2 sum
 *                                   comes out NaN): on AVX-512 and AVX2 pass 1 is then rowmax
 *                                   (sa_row_max_nonan or sa_row_max_nonan_nov, f32_cores.h),
 *                                   without the NaN test (a compare per vector); the portable
 *                                   build keeps sa_row_max (C promises nothing of a NaN's way
 *                                   through its selects and integer views)
 *   SA_DEF_ROWS_SUMNAN_LONG(name, algo, body, RG, rowmax, LONG)   the same, with the rows
 *                                   longer than SA_ROWS4_N (on AVX-512 and AVX2; SA_ROWS2_N in
 *                                   the portable build) through LONG(x, xs, y, ys, n, m), the
 *                                   function's long-rows kernel (softmax_fast and
 *                                   log_softmax_fast: each row's pass 2 takes the next row's
 *                                   max, f32_fast.h), which gives each row the row kernel's bits
 *
 * Pass 1 is sa_row_max (f32_cores.h), for a group rowmax##_rows (its R rows at once, the same
 * maxima); a row holding a NaN or a +inf, or only -inf, is all NaN; n == 0 writes nothing.
 * The row-group kernel takes the rows RG at a time up to SA_ROWS4_N
 * long (where RG is 4), then two at a time up to SA_ROWS2_N (kernels.h) long, the last one
 * alone, longer rows one at a time (SA_LONG_ROWS_EACH) or through LONG; a group goes through
 * body at once when all its maxima are finite, one row at a time otherwise. body gives each row
 * exactly the operations it gets alone (its loops over the rows unrolled, no value crossing
 * rows), so a row's bits do not depend on R or on its neighbours; with rows interleaved, one
 * row's reductions (the max tree, the sums, 1/S or the log) overlap the others' work
 * (kernels/loops.c, SA_ROWS2_N). Four rows where they are short (a pair of rows of 64 and a
 * pair of rows of 128 took about 145 and 155 cycles in L1: latency, not work): AVX-512
 * on the Zen 5, rows of 64 / 128 / 256 over 4096 elements in L1 (bench/kernel_cycles.c rows),
 * ns per element, two at a time -> four: softmax_fast 0.203 / 0.146 / 0.124 -> 0.173 / 0.130
 * / 0.120, log_softmax_fast 0.350 / 0.244 / 0.190 -> 0.295 / 0.215 / 0.175; rows of 512 the
 * same either way then; timed again with the present bodies, four at a time gain there (over
 * 2^20 elements: softmax_fast 0.122 -> 0.113, log_softmax_fast 0.155 -> 0.148; AVX2 0.252
 * either way and 0.315 -> 0.310); rows of 1024 four at a time: softmax_fast 0.111 ->
 * 0.108, log_softmax_fast 0.138 -> 0.151 (its four rows' registers spill), so pairs there. The
 * accurate bodies keep RG = 2. */
#define SA_ROWS4_N 512
SA_INLINE int sa_finite_max(float mx) { return mx > -INFINITY && mx < INFINITY; }
/* The rows after the R in hand: body's pass 2 reads x[r][i] from L1 (pass 1 brought the row
 * in) and, on AVX-512, asks for the line at the same offset sa_next_rows(x, n, R) floats on
 * (the next row for R = 1, the next R rows for R > 1, when the rows are contiguous, as
 * a C-ordered array's rows are), so the next call's pass 1, a max with little arithmetic to
 * hide memory behind, finds its row in L1. sa_prefetch_row(x, i, ofs) is called once per 16
 * floats (one 64-byte line: every vector on AVX-512). A hint only: the address is formed as
 * an integer and never dereferenced (a prefetch does not fault), so rows that are not
 * contiguous, or the array's end, cost a useless line at most. On a Zen 5, rows of 1024 out of
 * L1 (bench/kernel_cycles.c row 1024 of 2^20, ns per element): softmax_fast 0.154 -> 0.137,
 * log_softmax_fast 0.187 -> 0.168, softmax 0.523 -> 0.505, log_softmax 0.625 -> 0.611; rows
 * of 32768 (the hardware prefetcher streams them) and pairs of rows of 128 (their time is the
 * reductions) unchanged. AVX2 on the same core (and the portable build) do without: no gain
 * there (softmax_fast 0.256 -> 0.250 to 0.270, one prefetch per line). */
SA_INLINE ptrdiff_t sa_next_rows(const float *const *x, size_t n, int R) {
    return R > 1 ? R * (x[1] - x[0]) : (ptrdiff_t)n;
}
SA_INLINE void sa_prefetch_row(const float *x, size_t i, ptrdiff_t ofs) {
#if defined(SA_TARGET_AVX512) && defined(__GNUC__)
    __builtin_prefetch((const void *)((uintptr_t)(x + i) + (uintptr_t)ofs * sizeof(float)));
#else
    (void)x, (void)i, (void)ofs;
#endif
}
/* The long rows of SA_DEF_ROWS and SA_DEF_ROWS_SUMNAN: one at a time through the row kernel */
#define SA_LONG_ROWS_EACH(name, algo)                                                      \
    SA_INLINE void name##_long_rows_(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys,  \
                                     size_t n, size_t m) {                                 \
        for (size_t r = 0; r < m; r++)                                                     \
            SA_K(name, algo)(x + (ptrdiff_t)r * xs, y + (ptrdiff_t)r * ys, n);             \
    }
#define SA_DEF_ROWS(name, algo, body, RG)                                                  \
    SA_DEF_ROWS_(name, algo, body, RG, sa_row_max, SA_ROWS2_N)                             \
    SA_LONG_ROWS_EACH(name, algo)
#if defined(SA_TARGET_AVX512) || defined(SA_TARGET_AVX2)
#define SA_DEF_ROWS_SUMNAN(name, algo, body, RG, rowmax)                                   \
    SA_DEF_ROWS_(name, algo, body, RG, rowmax, SA_ROWS2_N)                                 \
    SA_LONG_ROWS_EACH(name, algo)
#else
#define SA_DEF_ROWS_SUMNAN(name, algo, body, RG, rowmax) SA_DEF_ROWS(name, algo, body, RG)
#endif
/* LONG(x, xs, y, ys, n, m) is declared here and defined after SA_DEF_ROWS_SUMNAN_LONG (it may
 * call the row kernel SA_K(name, algo)) */
#define SA_DEF_ROWS_SUMNAN_LONG(name, algo, body, RG, rowmax, LONG)                        \
    SA_INLINE void LONG(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys, size_t n,      \
                        size_t m);                                                         \
    SA_DEF_ROWS_SUMNAN_BODY_(name, algo, body, RG, rowmax)                                 \
    SA_INLINE void name##_long_rows_(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys,  \
                                     size_t n, size_t m) {                                 \
        LONG(x, xs, y, ys, n, m);                                                          \
    }
#if defined(SA_TARGET_AVX512) || defined(SA_TARGET_AVX2)
#define SA_DEF_ROWS_SUMNAN_BODY_(name, algo, body, RG, rowmax)                             \
    SA_DEF_ROWS_(name, algo, body, RG, rowmax, SA_ROWS4_N)
#else
#define SA_DEF_ROWS_SUMNAN_BODY_(name, algo, body, RG, rowmax)                             \
    SA_DEF_ROWS_(name, algo, body, RG, sa_row_max, SA_ROWS2_N)
#endif
#define SA_DEF_ROWS_(name, algo, body, RG, rowmax, LONGN)                                  \
    SA_INLINE void name##_long_rows_(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys,  \
                                     size_t n, size_t m);                                  \
    void SA_K(name, algo)(const float *x, float *y, size_t n) {                            \
        if (n == 0) return;                                                                \
        float mx = rowmax(x, n);                                                           \
        if (!sa_finite_max(mx)) { sa_fill_nan(y, n); return; }                             \
        body(&x, &y, &mx, n, 1);                                                           \
    }                                                                                      \
    SA_INLINE void name##_group_(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys,     \
                                 size_t n, const int R) {                                  \
        const float *xr[RG];                                                               \
        float *yr[RG], mx[RG];                                                             \
        int ok = 1;                                                                        \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++)                                \
            xr[r] = x + r * xs, yr[r] = y + r * ys;                                        \
        rowmax##_rows(xr, n, mx, R); /* pass 1 of the R rows at once (f32_cores.h) */      \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) ok &= sa_finite_max(mx[r]);    \
        if (ok) {                                                                          \
            body(xr, yr, mx, n, R);                                                        \
            return;                                                                        \
        }                                                                                  \
        for (int r = 0; r < R; r++) SA_K(name, algo)(xr[r], yr[r], n);                     \
    }                                                                                      \
    void SA_K(name##_rows, algo)(const float *x, ptrdiff_t xs, float *y, ptrdiff_t ys,    \
                                 size_t n, size_t m) {                                     \
        size_t r = 0;                                                                      \
        if (n == 0) return;                                                                \
        if (n > LONGN) {                                                                   \
            name##_long_rows_(x, xs, y, ys, n, m);                                         \
            return;                                                                        \
        }                                                                                  \
        if (RG > 2 && n <= SA_ROWS4_N)                                                     \
            for (; r + RG <= m; r += RG)                                                   \
                name##_group_(x + (ptrdiff_t)r * xs, xs, y + (ptrdiff_t)r * ys, ys, n, RG); \
        for (; r + 2 <= m; r += 2)                                                         \
            name##_group_(x + (ptrdiff_t)r * xs, xs, y + (ptrdiff_t)r * ys, ys, n, 2);      \
        if (r < m) SA_K(name, algo)(x + (ptrdiff_t)r * xs, y + (ptrdiff_t)r * ys, n);      \
    }

/* Gradient kernels (kernels.h, sa_f32_gkernel), one or two outputs:
 *
 *   SA_DEF_GRAD(gname, algo, fn)    fn(sa_v dy, sa_v x, sa_v p, sa_v q)            -> dx
 *   SA_DEF_GRAD2(gname, algo, fn)   fn(sa_v dy, sa_v x, sa_v p, sa_v q, sa_v *dp)  -> dx
 *
 * gname is the gradient's name (sigmoid_backward, elu_backward_from_output, ...). NaN operands
 * come back as themselves, quieted, with a fixed precedence x, dy, p, q (so the bits never depend
 * on the compiler's operand order, as in v_nan_or); fn only sees the NaN-free meaning. The
 * tail runs through fn with its missing lanes padded (dy with 0, x with 1, parameters with
 * their first value). Every vector is loaded before anything is stored: dx / dp may alias dy
 * or x. */
SA_INLINE sa_v sa_grad_nan(sa_v dy, sa_v x, sa_v p, sa_v q, sa_v r)
{
    return v_nan_or(x, v_nan_or(dy, v_nan_or(p, v_nan_or(q, r))));
}

#define SA_GRAD_BODY_(gname, algo, STEP, HAS_DP)                                                \
    void SA_K(gname, algo)(const float *dy, const float *x, const float *p, size_t ps,          \
                           const float *q, size_t qs, float *dx, float *dp, size_t n) {         \
        size_t i = 0;                                                                           \
        sa_v p1_ = v_set1(p[0]), q1_ = v_set1(q[0]), dpv_;                                      \
        (void)dp;                                                                               \
        if (n >= SA_W) { /* loaded one step ahead, as SA_DEF_UNARY */                           \
            sa_v cd_ = v_loadu(dy), cx_ = v_loadu(x), cp_ = sa_param_load(p, ps, 0, p1_);       \
            sa_v cq_ = sa_param_load(q, qs, 0, q1_);                                            \
            for (;; i += SA_W) {                                                                \
                int more_ = i + 2 * SA_W <= n;                                                  \
                sa_v nd_ = cd_, nx_ = cx_, np_ = cp_, nq_ = cq_;                                \
                if (more_) {                                                                    \
                    nd_ = v_loadu(dy + i + SA_W), nx_ = v_loadu(x + i + SA_W);                  \
                    np_ = sa_param_load(p, ps, i + SA_W, p1_);                                  \
                    nq_ = sa_param_load(q, qs, i + SA_W, q1_);                                  \
                }                                                                               \
                sa_v dxv_ = STEP(cd_, cx_, cp_, cq_, &dpv_);                                    \
                v_storeu(dx + i, dxv_);                                                         \
                if (HAS_DP) v_storeu(dp + i, dpv_);                                             \
                cd_ = nd_, cx_ = nx_, cp_ = np_, cq_ = nq_;                                     \
                if (!more_) break;                                                              \
            }                                                                                   \
            i += SA_W;                                                                          \
        }                                                                                       \
        if (i < n) { /* the tail: dy padded with 0, x with 1, parameters with p[i], q[i] */   \
            size_t r_ = n - i;                                                                  \
            sa_v tp_ = ps ? v_loadu_part(p + i, r_, p[i]) : p1_;                                \
            sa_v tq_ = qs ? v_loadu_part(q + i, r_, q[i]) : q1_;                                \
            sa_v dxv_ = STEP(v_loadu_part(dy + i, r_, 0.0f), v_loadu_part(x + i, r_, 1.0f),     \
                             tp_, tq_, &dpv_);                                                  \
            v_storeu_part(dx + i, dxv_, r_);                                                    \
            if (HAS_DP) v_storeu_part(dp + i, dpv_, r_);                                        \
        }                                                                                       \
    }

#define SA_DEF_GRAD(gname, algo, fn)                                                           \
    SA_INLINE sa_v gname##_step_(sa_v dy, sa_v x, sa_v p, sa_v q, sa_v *dp) {                  \
        (void)dp;                                                                              \
        return sa_grad_nan(dy, x, p, q, fn(dy, x, p, q));                                      \
    }                                                                                          \
    SA_GRAD_BODY_(gname, algo, gname##_step_, 0)

#define SA_DEF_GRAD2(gname, algo, fn)                                                          \
    SA_INLINE sa_v gname##_step_(sa_v dy, sa_v x, sa_v p, sa_v q, sa_v *dp) {                  \
        sa_v b_, a_ = fn(dy, x, p, q, &b_);                                                    \
        *dp = sa_grad_nan(dy, x, p, q, b_);                                                    \
        return sa_grad_nan(dy, x, p, q, a_);                                                   \
    }                                                                                          \
    SA_GRAD_BODY_(gname, algo, gname##_step_, 1)

#endif
