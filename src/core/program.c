/* Public programs and kernels: build from source (log on failure), look up a
 * kernel with its parameter list, and launch with checked arguments and shape. */
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "registry.h"
#include "signature.h"

static char *dup_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static void program_release(gpuk_program *p) {
  if (atomic_fetch_sub(&p->refs, 1) != 1) return;
  if (p->impl) p->obj.device->ops->program_destroy(p);
  free(p->source);
  gpuk__free_child(p);
}

gpuk_status gpuk_program_build(gpuk_device *device, const char *source,
                               gpuk_source_language language, const char *options,
                               gpuk_program **program) {
  gpuk__clear_error();
  gpuk__set_build_log(NULL);
  if (!program) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "program (output) is NULL");
  *program = NULL;
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  if (!source || !*source)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "source is NULL or empty");
  if (language != GPUK_SOURCE_OPENCL_C && language != GPUK_SOURCE_CUDA)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "language %d is not a gpuk_source_language", (int)language);
  if (language == GPUK_SOURCE_CUDA && device->entry.info.backend != GPUK_BACKEND_CUDA)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                           "native CUDA source needs a CUDA device; '%s' is a %s device",
                           device->entry.info.name, device->ops->name);
  if (!device->ops->program_build) return gpuk__unsupported(device, "building kernels from source");
  gpuk_program *p = gpuk__new_child(device, sizeof *p, GPUK__MAGIC_PROGRAM);
  if (!p || !(p->source = dup_string(source))) {
    free(p);
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a program");
  }
  p->language = language;
  atomic_init(&p->refs, 1);
  char *log = NULL;
  st = device->ops->program_build(p, options ? options : "", &log);
  if (st == GPUK_ERROR_BUILD && log) {
    gpuk__append_error("\n");
    gpuk__append_error(log);
  }
  gpuk__set_build_log(log);
  if (st) {
    free(p->source);
    free(p);
    return st;
  }
  gpuk__device_retain(device);
  *program = p;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_program_destroy(gpuk_program *program) {
  gpuk__clear_error();
  if (!program) return GPUK_SUCCESS;
  gpuk_status st = gpuk__check_kind(program, GPUK__MAGIC_PROGRAM, "program");
  if (st) return st;
  program_release(program);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_kernel_create(gpuk_program *program, const char *name, gpuk_kernel **kernel) {
  gpuk__clear_error();
  if (!kernel) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "kernel (output) is NULL");
  *kernel = NULL;
  gpuk_status st = gpuk__check_object(program, GPUK__MAGIC_PROGRAM, "program");
  if (st) return st;
  if (!name || !*name) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "name is NULL or empty");
  gpuk_device *device = program->obj.device;
  gpuk_kernel *k = gpuk__new_child(device, sizeof *k, GPUK__MAGIC_KERNEL);
  if (!k || !(k->name = dup_string(name))) {
    free(k);
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a kernel");
  }
  k->program = program;
  k->signature = gpuk__signature_parse(program->source, name);
  st = device->ops->kernel_create(k);
  if (st) {
    gpuk__signature_free(k->signature);
    free(k->name);
    free(k);
    return st;
  }
  atomic_fetch_add(&program->refs, 1);
  gpuk__device_retain(device);
  *kernel = k;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_kernel_destroy(gpuk_kernel *kernel) {
  gpuk__clear_error();
  if (!kernel) return GPUK_SUCCESS;
  gpuk_status st = gpuk__check_kind(kernel, GPUK__MAGIC_KERNEL, "kernel");
  if (st) return st;
  kernel->obj.device->ops->kernel_destroy(kernel);
  gpuk__signature_free(kernel->signature);
  free(kernel->name);
  gpuk_program *program = kernel->program;
  gpuk__free_child(kernel);
  program_release(program);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_kernel_arg_count(const gpuk_kernel *kernel, size_t *count) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(kernel, GPUK__MAGIC_KERNEL, "kernel");
  if (st) return st;
  if (!count) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "count (output) is NULL");
  if (!kernel->signature)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                           "the parameter list of kernel '%s' could not be read from its source",
                           kernel->name);
  *count = kernel->signature->count;
  return GPUK_SUCCESS;
}

/* Largest divisor of n that is <= limit (at least 1). */
static size_t largest_divisor(size_t n, size_t limit) {
  if (limit >= n) return n;
  for (size_t d = limit; d > 1; d--)
    if (n % d == 0) return d;
  return 1;
}

static gpuk_status check_shape(const gpuk_device_info *info, const char *kernel_name,
                               unsigned dims, const size_t *global, const size_t *local,
                               size_t *chosen) {
  size_t threads = 1;
  for (unsigned d = 0; d < dims; d++) {
    if (!local) {
      size_t budget = info->max_work_group_size / threads;
      size_t limit = d == 0 ? 256 : 16;
      if (limit > budget) limit = budget;
      if (limit > info->max_work_item_sizes[d]) limit = info->max_work_item_sizes[d];
      chosen[d] = largest_divisor(global[d], limit ? limit : 1);
    } else {
      chosen[d] = local[d];
      if (local[d] == 0)
        return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "kernel '%s': local[%u] is 0",
                               kernel_name, d);
      if (global[d] % local[d])
        return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                               "kernel '%s': global[%u] = %zu is not a multiple of local[%u] = %zu",
                               kernel_name, d, global[d], d, local[d]);
      if (local[d] > info->max_work_item_sizes[d])
        return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                               "kernel '%s': local[%u] = %zu exceeds the device limit %zu (%s)",
                               kernel_name, d, local[d], info->max_work_item_sizes[d],
                               info->name);
    }
    threads *= chosen[d];
  }
  if (threads > info->max_work_group_size)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "kernel '%s': work-group of %zu work-items exceeds the device limit "
                           "%zu (%s)",
                           kernel_name, threads, info->max_work_group_size, info->name);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_kernel_launch(gpuk_stream *stream, gpuk_kernel *kernel, unsigned dims,
                               const size_t *global, const size_t *local, size_t nargs,
                               const gpuk_arg *args) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(kernel, GPUK__MAGIC_KERNEL, "kernel");
  if (st) return st;
  gpuk_device *device = kernel->obj.device;
  gpuk_stream *s;
  int blocking;
  st = gpuk__resolve_stream(stream, device, &s, &blocking);
  if (st) return st;
  if (dims < 1 || dims > 3)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "dims is %u; it must be 1, 2 or 3", dims);
  if (!global) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "global is NULL");
  st = gpuk__signature_check(kernel->signature, kernel->name, device, nargs, args);
  if (st) return st;
  for (unsigned d = 0; d < dims; d++)
    if (global[d] == 0) return GPUK_SUCCESS; /* an empty range launches nothing */
  size_t chosen[3] = {1, 1, 1};
  st = check_shape(&device->entry.info, kernel->name, dims, global, local, chosen);
  if (st) return st;
  return gpuk__finish(s, blocking,
                      device->ops->kernel_launch(s, kernel, dims, global, chosen, nargs, args));
}

gpuk_status gpuk_cuda_compile_check(const char *source, gpuk_source_language language,
                                    const char *arch, const char *options) {
  gpuk__clear_error();
  gpuk__set_build_log(NULL);
  if (!source || !*source)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "source is NULL or empty");
  if (language != GPUK_SOURCE_OPENCL_C && language != GPUK_SOURCE_CUDA)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "language %d is not a gpuk_source_language", (int)language);
  if (!arch || strncmp(arch, "sm_", 3) != 0 || strlen(arch) > 16)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "arch '%s' is not a CUDA architecture such as sm_90",
                           arch ? arch : "(null)");
  const gpuk_backend_ops *ops = gpuk__registry_get()->ops[GPUK_BACKEND_CUDA];
  if (!ops || !ops->compile_check)
    return gpuk__set_error(GPUK_ERROR_BACKEND_UNAVAILABLE,
                           "the CUDA backend is not compiled in");
  char *log = NULL;
  gpuk_status st = ops->compile_check(source, language, arch, options ? options : "", &log);
  if (st == GPUK_ERROR_BUILD && log) {
    gpuk__append_error("\n");
    gpuk__append_error(log);
  }
  gpuk__set_build_log(log);
  return st;
}
