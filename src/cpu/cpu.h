/* Internals shared by the CPU backend's files. */
#ifndef GPUK_CPU_CPU_H
#define GPUK_CPU_CPU_H

#include "../core/backend.h"

/* Runs fn over [0, n) split into contiguous chunks across the machine's cores;
 * chunks are at least `grain` long so small ranges stay on the calling thread. */
typedef void (*gpuk__cpu_range_fn)(void *ctx, size_t begin, size_t end);
void gpuk__cpu_parallel_for(size_t n, size_t grain, gpuk__cpu_range_fn fn, void *ctx);

/* Number of threads gpuk__cpu_parallel_for uses at most: GPUK_CPU_THREADS when
 * it is a positive integer, else the cores online (at most 256). */
unsigned gpuk__cpu_threads(void);

gpuk_status gpuk__cpu_enumerate(gpuk__device_list *list, char *reason, size_t reason_size);

/* memcpy across the cores for large sizes, with streaming stores once the
 * copy outgrows the last-level cache (memory.c): buffer transfers and the
 * built-in copy. */
void gpuk__cpu_copy(void *dst, const void *src, size_t size);

/* Host pointer of a CPU buffer. */
static inline unsigned char *gpuk__cpu_ptr(const gpuk_buffer *b) { return (unsigned char *)b->impl; }

void gpuk__cpu_fill_memory_ops(gpuk_backend_ops *ops);
void gpuk__cpu_fill_stream_ops(gpuk_backend_ops *ops);
void gpuk__cpu_fill_vec_ops(gpuk_backend_ops *ops);
void gpuk__cpu_fill_gemm_ops(gpuk_backend_ops *ops);
void gpuk__cpu_fill_jit_ops(gpuk_backend_ops *ops);
void gpuk__cpu_fill_expr_ops(gpuk_backend_ops *ops);

#endif
