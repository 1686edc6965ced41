/* gpuk_elementwise_*: element-wise kernels generated from an expression. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_kernel.h"
#include "handles.h"
#include "shape.h"

struct gpuk_elementwise {
  gpuk__object obj;
  gpuk__expr_signature sig;
  char name[GPUK__EXPR_MAX_NAME];
  gpuk_kernel *kernel;          /* GPU backends; owned by the device's store */
  gpuk__host_elementwise host; /* CPU backend; in the device's host module */
  unsigned char write_only[GPUK__EXPR_MAX_PARAMS]; /* outputs N_stream buffers */
};

static const char what[] = "element-wise kernel";

/* The checks create and source share (device NULL: source only). */
static gpuk_status prepare(gpuk_device *device, const char *arguments, const char *operation,
                           const char *name, gpuk__expr_signature *sig) {
  gpuk_status st = gpuk__expr_prepare(device, arguments, name, what, sig);
  if (st) return st;
  if (!operation || !*operation)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "operation is %s",
                           operation ? "empty" : "NULL");
  return GPUK_SUCCESS;
}

gpuk_status gpuk_elementwise_source(const char *arguments, const char *operation,
                                    const char *name, const char *preamble, char **source) {
  gpuk__clear_error();
  if (source) *source = NULL;
  gpuk__expr_signature sig;
  gpuk_status st = prepare(NULL, arguments, operation, name, &sig);
  if (st) return st;
  gpuk__expr_spec spec = {&sig, name, preamble, operation, GPUK_FLOAT32, NULL, NULL, NULL, NULL};
  return gpuk__expr_source(&spec, what, source);
}

gpuk_status gpuk_elementwise_create(gpuk_device *device, const char *arguments,
                                    const char *operation, const char *name,
                                    const char *preamble, gpuk_elementwise **kernel) {
  gpuk__clear_error();
  if (!kernel) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "kernel (output) is NULL");
  *kernel = NULL;
  if (!device) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "device is NULL");
  gpuk__expr_signature sig;
  gpuk_status st = prepare(device, arguments, operation, name, &sig);
  if (st) return st;
  gpuk_elementwise *k = gpuk__new_child(device, sizeof *k, GPUK__MAGIC_ELEMENTWISE);
  if (!k) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the kernel");
  k->sig = sig;
  snprintf(k->name, sizeof k->name, "%s", name);
  gpuk__expr_spec spec = {&k->sig, name, preamble, operation, GPUK_FLOAT32, NULL, NULL, NULL,
                          k->write_only};
  gpuk__expr_write_only_outputs(&spec, k->write_only);
  char entry[GPUK__EXPR_SYMBOL_SIZE], stream_entry[GPUK__EXPR_SYMBOL_SIZE];
  gpuk__expr_symbol(name, "", entry);
  gpuk__expr_symbol(name, "_stream", stream_entry);
  const char *entries[1] = {entry}, *host_entries[2] = {entry, stream_entry};
  void *symbols[2] = {NULL, NULL};
  const size_t count = gpuk__expr_on_host(device) ? 2 : 1; /* host C also has N_stream */
  const gpuk__launch_shape shape = gpuk__stream_shape(device, 0); /* its options, for any n */
  st = gpuk__expr_build(device, &spec, what, shape.options, count, entries, &k->kernel,
                        host_entries, symbols);
  if (st) {
    free(k); /* no device reference taken yet */
    return st;
  }
  k->host.plain = (gpuk__host_elementwise_fn)symbols[0];
  k->host.stream = (gpuk__host_elementwise_fn)symbols[1];
  for (size_t p = 0; p < sig.count; p++)
    if (sig.params[p].pointer) k->host.bytes_per_element += gpuk_dtype_size(sig.params[p].type);
  gpuk__device_retain(device);
  *kernel = k;
  return GPUK_SUCCESS;
}

/* 1 when a buffer the kernel only writes is also passed as another argument
 * (args checked against the signature): N_stream's buffered elements would
 * land after the other argument's reads. */
static int shares_a_write_only_buffer(const gpuk_elementwise *kernel, const gpuk_arg *args) {
  for (size_t p = 0; p < kernel->sig.count; p++)
    for (size_t q = 0; kernel->write_only[p] && q < kernel->sig.count; q++)
      if (q != p && kernel->sig.params[q].pointer &&
          args[q].value.buffer == args[p].value.buffer)
        return 1;
  return 0;
}

gpuk_status gpuk_elementwise_run(gpuk_stream *stream, gpuk_elementwise *kernel, size_t start,
                                 size_t stop, size_t nargs, const gpuk_arg *args) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(kernel, GPUK__MAGIC_ELEMENTWISE, "kernel");
  if (st) return st;
  gpuk_device *d = kernel->obj.device;
  gpuk_stream *s;
  int blocking;
  st = gpuk__resolve_stream(stream, d, &s, &blocking);
  if (st) return st;
  if (start > stop)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "start %zu is after stop %zu", start, stop);
  st = gpuk__expr_check_args(&kernel->sig, kernel->name, d, stop, nargs, args);
  if (st || start == stop) return st;
  if (kernel->host.plain) {
    gpuk__host_elementwise host = kernel->host;
    if (shares_a_write_only_buffer(kernel, args)) host.stream = NULL;
    return gpuk__finish(s, blocking, d->ops->host_elementwise(s, &host, nargs, args, start, stop));
  }
  gpuk_arg all[GPUK__EXPR_MAX_PARAMS + 2];
  memcpy(all, args, nargs * sizeof *args);
  all[nargs] = gpuk_arg_u64(start);
  all[nargs + 1] = gpuk_arg_u64(stop);
  gpuk__launch_shape shape = gpuk__stream_shape(d, stop - start);
  size_t global = shape.groups * shape.wg;
  return gpuk__finish(s, blocking,
                      d->ops->kernel_launch(s, kernel->kernel, 1, &global, &shape.wg, nargs + 2, all));
}

gpuk_status gpuk_elementwise_destroy(gpuk_elementwise *kernel) {
  gpuk__clear_error();
  if (!kernel) return GPUK_SUCCESS;
  gpuk_status st = gpuk__check_kind(kernel, GPUK__MAGIC_ELEMENTWISE, "kernel");
  if (st) return st;
  gpuk__free_child(kernel);
  return GPUK_SUCCESS;
}
