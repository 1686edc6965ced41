/* Runs host-compiled expression kernels (jit.c) across the cores: element-wise
 * ranges split into chunks, reductions one result per thread, combined here. */
#include <string.h>

#include "../core/expr.h"
#include "cpu.h"
#include "streaming.h"

/* Below this many elements one thread is faster than starting more. */
#define GRAIN ((size_t)1 << 15)
#define MAX_THREADS 256

/* The entry points' view of the arguments: data pointers and scalar values. */
static void marshal(size_t nargs, const gpuk_arg *args, void **out) {
  for (size_t p = 0; p < nargs; p++)
    out[p] = args[p].type == GPUK_ARG_BUFFER ? (void *)gpuk__cpu_ptr(args[p].value.buffer)
                                             : (void *)&args[p].value;
}

typedef struct elementwise_job {
  gpuk__host_elementwise_fn fn;
  void *const *args;
  uint64_t start;
} elementwise_job;

static void elementwise_range(void *ctx, size_t begin, size_t end) {
  elementwise_job *j = ctx;
  j->fn(j->args, j->start + begin, j->start + end);
}

/* Stores around the caches (kernel->stream) once the range's data outgrow the
 * last-level cache, as the built-in ops do. */
static gpuk_status host_elementwise(gpuk_stream *s, const gpuk__host_elementwise *kernel,
                                    size_t nargs, const gpuk_arg *args, uint64_t start,
                                    uint64_t stop) {
  (void)s;
  void *ptrs[GPUK__EXPR_MAX_PARAMS + 1];
  marshal(nargs, args, ptrs);
  const size_t bytes = (size_t)(stop - start) * kernel->bytes_per_element;
  const int stream = kernel->stream && gpuk__cpu_use_streaming(bytes);
  elementwise_job j = {stream ? kernel->stream : kernel->plain, ptrs, start};
  gpuk__cpu_parallel_for((size_t)(stop - start), GRAIN, elementwise_range, &j);
  return GPUK_SUCCESS;
}

typedef struct reduce_job {
  gpuk__host_reduce_fn fn;
  void *const *args;
  uint64_t start, stop, per;
  uint64_t results[MAX_THREADS]; /* one value of up to 8 bytes per part */
} reduce_job;

/* Parts [begin, end) of the range, each reduced into its own result. */
static void reduce_parts(void *ctx, size_t begin, size_t end) {
  reduce_job *j = ctx;
  for (size_t t = begin; t < end; t++) {
    uint64_t first = j->start + t * j->per, last = first + j->per;
    if (first > j->stop) first = j->stop;
    if (last > j->stop) last = j->stop;
    j->fn(j->args, first, last, &j->results[t]);
  }
}

static gpuk_status host_reduce(gpuk_stream *s, gpuk__host_reduce_fn fn,
                               gpuk__host_combine_fn combine, size_t result_size, size_t nargs,
                               const gpuk_arg *args, uint64_t start, uint64_t stop, void *result) {
  (void)s;
  void *ptrs[GPUK__EXPR_MAX_PARAMS + 1];
  marshal(nargs, args, ptrs);
  reduce_job j;
  j.fn = fn;
  j.args = ptrs;
  j.start = start;
  j.stop = stop;
  size_t parts = gpuk__cpu_threads(), n = (size_t)(stop - start);
  if (parts > n / GRAIN) parts = n / GRAIN;
  if (parts < 1) parts = 1;
  j.per = (n + parts - 1) / parts;
  gpuk__cpu_parallel_for(parts, 1, reduce_parts, &j);
  for (size_t t = 1; t < parts; t++) combine(&j.results[0], &j.results[t]);
  memcpy(result, &j.results[0], result_size);
  return GPUK_SUCCESS;
}

void gpuk__cpu_fill_expr_ops(gpuk_backend_ops *ops) {
  ops->host_elementwise = host_elementwise;
  ops->host_reduce = host_reduce;
}
