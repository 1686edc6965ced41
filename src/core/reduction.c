/* gpuk_reduction_*: map-reduce kernels generated from expressions. GPUs run
 * two stages (one partial per work-group into the stream's scratch buffer,
 * then one group over the partials); the CPU backend reduces per thread and
 * combines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_kernel.h"
#include "handles.h"
#include "shape.h"

struct gpuk_reduction {
  gpuk__object obj;
  gpuk__expr_signature sig;
  gpuk_dtype out_type;
  size_t out_size;
  char name[GPUK__EXPR_MAX_NAME];
  gpuk__launch_shape shape;     /* wg and the build options */
  gpuk_kernel *stage[2];        /* GPU backends; owned by the device's store */
  gpuk__host_reduce_fn host_fn; /* CPU backend */
  gpuk__host_combine_fn host_combine;
};

static const char what[] = "reduction";

static gpuk_status check_expressions(const gpuk__expr_signature *sig, gpuk_dtype out_type,
                                     const char *neutral, const char *reduce_expr,
                                     const char *map_expr) {
  if (!gpuk_dtype_size(out_type))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "out_type %d is not a gpuk_dtype",
                           (int)out_type);
  if (!neutral || !*neutral)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "neutral is %s", neutral ? "empty" : "NULL");
  if (!reduce_expr || !*reduce_expr)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "reduce_expr is %s",
                           reduce_expr ? "empty" : "NULL");
  if (map_expr && !*map_expr)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "map_expr is empty (NULL maps x[i])");
  if (!map_expr) {
    size_t p = 0;
    while (p < sig->count && !sig->params[p].pointer) p++;
    if (p == sig->count)
      return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                             "map_expr is NULL and no argument is a pointer to map");
  }
  return GPUK_SUCCESS;
}

gpuk_status gpuk_reduction_source(gpuk_dtype out_type, const char *neutral,
                                  const char *reduce_expr, const char *map_expr,
                                  const char *arguments, const char *name, const char *preamble,
                                  char **source) {
  gpuk__clear_error();
  if (source) *source = NULL;
  gpuk__expr_signature sig;
  gpuk_status st = gpuk__expr_prepare(NULL, arguments, name, what, &sig);
  if (!st) st = check_expressions(&sig, out_type, neutral, reduce_expr, map_expr);
  if (st) return st;
  gpuk__expr_spec spec = {&sig,    name,        preamble, NULL, out_type,
                          neutral, reduce_expr, map_expr, NULL};
  return gpuk__expr_source(&spec, what, source);
}

gpuk_status gpuk_reduction_create(gpuk_device *device, gpuk_dtype out_type, const char *neutral,
                                  const char *reduce_expr, const char *map_expr,
                                  const char *arguments, const char *name, const char *preamble,
                                  gpuk_reduction **reduction) {
  gpuk__clear_error();
  if (!reduction) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "reduction (output) is NULL");
  *reduction = NULL;
  if (!device) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "device is NULL");
  gpuk__expr_signature sig;
  gpuk_status st = gpuk__expr_prepare(device, arguments, name, what, &sig);
  if (!st) st = check_expressions(&sig, out_type, neutral, reduce_expr, map_expr);
  if (st) return st;
  gpuk_reduction *r = gpuk__new_child(device, sizeof *r, GPUK__MAGIC_REDUCTION);
  if (!r) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the reduction");
  r->sig = sig;
  r->out_type = out_type;
  r->out_size = gpuk_dtype_size(out_type);
  r->shape = gpuk__reduction_shape(device);
  snprintf(r->name, sizeof r->name, "%s", name);
  char stage1[GPUK__EXPR_SYMBOL_SIZE], stage2[GPUK__EXPR_SYMBOL_SIZE];
  char host_reduce[GPUK__EXPR_SYMBOL_SIZE], host_combine[GPUK__EXPR_SYMBOL_SIZE];
  gpuk__expr_symbol(name, "_stage1", stage1);
  gpuk__expr_symbol(name, "_stage2", stage2);
  gpuk__expr_symbol(name, "_reduce", host_reduce);
  gpuk__expr_symbol(name, "_combine", host_combine);
  const char *kernel_names[2] = {stage1, stage2}, *host_names[2] = {host_reduce, host_combine};
  void *symbols[2] = {NULL, NULL};
  gpuk__expr_spec spec = {&r->sig, name,        preamble, NULL, out_type,
                          neutral, reduce_expr, map_expr, NULL};
  st = gpuk__expr_build(device, &spec, what, r->shape.options, 2, kernel_names, r->stage,
                        host_names, symbols);
  if (st) {
    free(r); /* no device reference taken yet */
    return st;
  }
  r->host_fn = (gpuk__host_reduce_fn)symbols[0];
  r->host_combine = (gpuk__host_combine_fn)symbols[1];
  gpuk__device_retain(device);
  *reduction = r;
  return GPUK_SUCCESS;
}

/* Checks the handle, stream, range and arguments shared by both run forms. */
static gpuk_status prepare_run(gpuk_stream *stream, gpuk_reduction *r, size_t start, size_t stop,
                               size_t nargs, const gpuk_arg *args, gpuk_stream **s,
                               int *blocking) {
  gpuk_status st = gpuk__check_object(r, GPUK__MAGIC_REDUCTION, "reduction");
  if (st) return st;
  st = gpuk__resolve_stream(stream, r->obj.device, s, blocking);
  if (st) return st;
  if (start > stop)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "start %zu is after stop %zu", start, stop);
  return gpuk__expr_check_args(&r->sig, r->name, r->obj.device, stop, nargs, args);
}

/* GPU: both stages, the result into element index of result (NULL: element 0
 * of the scratch buffer, which stage 2 writes only after reading every
 * partial); the partials live in the stream's scratch buffer. Call with the
 * scratch lock held. */
static gpuk_status launch_stages(gpuk_stream *s, gpuk_reduction *r, size_t start, size_t stop,
                                 size_t nargs, const gpuk_arg *args, gpuk_buffer *result,
                                 size_t index, gpuk_buffer **scratch) {
  gpuk_device *d = s->obj.device;
  size_t chunk;
  gpuk__launch_shape shape = gpuk__chunked_shape(d, stop - start, &chunk);
  gpuk_status st = gpuk__stream_scratch(s, shape.groups * r->out_size, scratch);
  if (st) return st;
  gpuk_arg all[GPUK__EXPR_MAX_PARAMS + 4];
  memcpy(all, args, nargs * sizeof *args);
  all[nargs] = gpuk_arg_u64(start);
  all[nargs + 1] = gpuk_arg_u64(stop);
  all[nargs + 2] = gpuk_arg_u64(chunk);
  all[nargs + 3] = gpuk_arg_buffer(*scratch);
  size_t global = shape.groups * shape.wg;
  st = d->ops->kernel_launch(s, r->stage[0], 1, &global, &shape.wg, nargs + 4, all);
  if (st) return st;
  gpuk_arg second[] = {gpuk_arg_buffer(*scratch), gpuk_arg_u64(shape.groups),
                       gpuk_arg_buffer(result ? result : *scratch), gpuk_arg_u64(index)};
  return d->ops->kernel_launch(s, r->stage[1], 1, &shape.wg, &shape.wg, 4, second);
}

gpuk_status gpuk_reduction_run(gpuk_stream *stream, gpuk_reduction *reduction, size_t start,
                               size_t stop, size_t nargs, const gpuk_arg *args,
                               void *host_result) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = prepare_run(stream, reduction, start, stop, nargs, args, &s, &blocking);
  if (st) return st;
  if (!host_result) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "host_result is NULL");
  gpuk_device *d = s->obj.device;
  if (reduction->host_fn)
    return d->ops->host_reduce(s, reduction->host_fn, reduction->host_combine,
                               reduction->out_size, nargs, args, start, stop, host_result);
  (void)blocking; /* this form always waits */
  pthread_mutex_lock(&s->scratch_lock);
  gpuk_buffer *scratch = NULL;
  st = launch_stages(s, reduction, start, stop, nargs, args, NULL, 0, &scratch);
  if (!st) st = d->ops->buffer_read(s, scratch, 0, reduction->out_size, host_result);
  if (!st) st = d->ops->stream_synchronize(s);
  pthread_mutex_unlock(&s->scratch_lock);
  return st;
}

gpuk_status gpuk_reduction_run_to_buffer(gpuk_stream *stream, gpuk_reduction *reduction,
                                         size_t start, size_t stop, size_t nargs,
                                         const gpuk_arg *args, gpuk_buffer *result, size_t index) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = prepare_run(stream, reduction, start, stop, nargs, args, &s, &blocking);
  if (!st) st = gpuk__check_object(result, GPUK__MAGIC_BUFFER, "result");
  if (!st) st = gpuk__check_same_device(reduction->obj.device, result, "result");
  if (st) return st;
  const size_t size = reduction->out_size;
  if (index >= result->size / size)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_RANGE,
                           "index %zu is past the %zu %s elements of result", index,
                           result->size / size, gpuk__dtype_c_name(reduction->out_type));
  gpuk_device *d = s->obj.device;
  if (reduction->host_fn) {
    unsigned char value[8];
    st = d->ops->host_reduce(s, reduction->host_fn, reduction->host_combine, size, nargs, args,
                             start, stop, value);
    if (!st) st = d->ops->buffer_write(s, result, index * size, size, value);
    return gpuk__finish(s, blocking, st);
  }
  pthread_mutex_lock(&s->scratch_lock);
  gpuk_buffer *scratch = NULL;
  st = launch_stages(s, reduction, start, stop, nargs, args, result, index, &scratch);
  pthread_mutex_unlock(&s->scratch_lock);
  return gpuk__finish(s, blocking, st);
}

gpuk_status gpuk_reduction_destroy(gpuk_reduction *reduction) {
  gpuk__clear_error();
  if (!reduction) return GPUK_SUCCESS;
  gpuk_status st = gpuk__check_kind(reduction, GPUK__MAGIC_REDUCTION, "reduction");
  if (st) return st;
  gpuk__free_child(reduction);
  return GPUK_SUCCESS;
}
