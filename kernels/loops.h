/* Generic NumPy ufunc inner loops: one per (kind, dtype), shared by every function. The ufunc's
 * data pointer is the function's sa_func_info; the loop looks up the kernel chosen at import.
 * Signatures match PyUFuncGenericFunction (npy_intp is intptr_t). */
#ifndef SA_LOOPS_H
#define SA_LOOPS_H
#include <stdint.h>

void sa_loop_unary_f16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_unary_f32(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_unary_f64(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_unary_bf16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_param_bf16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_row_bf16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_param_f16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_param_f32(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_param_f64(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_row_f16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_row_f32(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_row_f64(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_grad_f16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_grad_bf16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_grad_f32(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_grad_f64(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_rgrad_f16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_rgrad_bf16(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_rgrad_f32(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
void sa_loop_rgrad_f64(char **args, const intptr_t *dims, const intptr_t *steps, void *data);

/* Threads. n <= 0 means "follow the OpenMP default" (OMP_NUM_THREADS, threadpoolctl). */
void sa_set_num_threads(int n);
int sa_get_num_threads_setting(void);
int sa_get_num_threads(void);
int sa_has_openmp(void);
/* Work (elements) below which a call runs on the calling thread alone; returns the old value. */
intptr_t sa_set_parallel_threshold(intptr_t n);
intptr_t sa_get_parallel_threshold(void);
/* Largest OpenMP team observed since the last reset (for tests proving threads ran). */
int sa_max_team_seen(int reset);
void sa_loops_init(void);
/* After sa_select_isa() changed the ISA (tests only): pick that ISA's float16 conversions. */
void sa_loops_refresh_isa(void);
/* Tests only: swap the calling thread's MXCSR (x86), -1 elsewhere. */
long sa_debug_swap_mxcsr(long value);
long sa_debug_get_mxcsr(void);

#endif
