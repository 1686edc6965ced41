/* OpenCL programs (built from source or from a cached binary), kernels, and
 * launches with typed arguments. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/cache.h"
#include "../core/error.h"
#include "opencl.h"

typedef struct cl_kernel_state {
  cl_kernel kernel;
  /* clSetKernelArg + enqueue must not interleave between threads. */
  pthread_mutex_t lock;
} cl_kernel_state;

static char *build_log(cl_program prog, cl_device_id dev) {
  size_t size = 0;
  if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) != CL_SUCCESS)
    return NULL;
  char *log = malloc(size + 1);
  if (!log) return NULL;
  if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, size, log, NULL) != CL_SUCCESS)
    size = 0;
  log[size] = '\0';
  return log;
}

/* Tries a cached binary; returns a built program or NULL. */
static cl_program from_cache(gpuk__cl_device *cl, const char *key, const char *options) {
  void *bin = NULL;
  size_t size = 0;
  if (!gpuk__cache_load(key, &bin, &size)) return NULL;
  const unsigned char *bins[1] = {bin};
  cl_int status = CL_SUCCESS, err;
  cl_program prog =
      clCreateProgramWithBinary(cl->context, 1, &cl->device, &size, bins, &status, &err);
  free(bin);
  if (err == CL_SUCCESS && status == CL_SUCCESS &&
      clBuildProgram(prog, 1, &cl->device, options, NULL, NULL) == CL_SUCCESS)
    return prog;
  if (err == CL_SUCCESS) clReleaseProgram(prog);
  gpuk__cache_note_rejected();
  return NULL;
}

static void to_cache(cl_program prog, const char *key) {
  size_t size = 0;
  if (clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS ||
      size == 0)
    return;
  unsigned char *bin = malloc(size);
  unsigned char *bins[1] = {bin};
  if (bin && clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL) == CL_SUCCESS)
    gpuk__cache_store(key, bin, size);
  free(bin);
}

static gpuk_status program_build(gpuk_program *p, const char *options, char **log) {
  gpuk__cl_device *cl = gpuk__cl(p->obj.device);
  char *key = gpuk__program_cache_key(p, options, cl->platform_version);
  if (!key) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot build a cache key");
  cl_program prog = from_cache(cl, key, options);
  if (!prog) {
    cl_int err;
    const char *src = p->source;
    prog = clCreateProgramWithSource(cl->context, 1, &src, NULL, &err);
    if (err != CL_SUCCESS) {
      free(key);
      return gpuk__cl_fail(err, "clCreateProgramWithSource");
    }
    err = clBuildProgram(prog, 1, &cl->device, options, NULL, NULL);
    *log = build_log(prog, cl->device);
    if (err != CL_SUCCESS) {
      clReleaseProgram(prog);
      free(key);
      if (err == CL_BUILD_PROGRAM_FAILURE || err == CL_INVALID_BUILD_OPTIONS)
        return gpuk__set_error(GPUK_ERROR_BUILD, "OpenCL build failed on %s (%s); compiler log:",
                               p->obj.device->entry.info.name, gpuk__cl_error_name(err));
      return gpuk__cl_fail(err, "clBuildProgram");
    }
    to_cache(prog, key);
  }
  free(key);
  p->impl = prog;
  return GPUK_SUCCESS;
}

static void program_destroy(gpuk_program *p) { clReleaseProgram((cl_program)p->impl); }

static gpuk_status kernel_create(gpuk_kernel *k) {
  cl_kernel_state *ks = calloc(1, sizeof *ks);
  if (!ks) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a kernel");
  cl_int err;
  ks->kernel = clCreateKernel((cl_program)k->program->impl, k->name, &err);
  if (err != CL_SUCCESS) {
    free(ks);
    if (err == CL_INVALID_KERNEL_NAME)
      return gpuk__set_error(GPUK_ERROR_NOT_FOUND, "the program has no kernel named '%s'",
                             k->name);
    return gpuk__cl_fail(err, "clCreateKernel");
  }
  pthread_mutex_init(&ks->lock, NULL);
  k->impl = ks;
  return GPUK_SUCCESS;
}

static void kernel_destroy(gpuk_kernel *k) {
  cl_kernel_state *ks = k->impl;
  clReleaseKernel(ks->kernel);
  pthread_mutex_destroy(&ks->lock);
  free(ks);
}

static cl_int set_arg(cl_kernel kernel, cl_uint i, const gpuk_arg *a) {
  switch (a->type) {
    case GPUK_ARG_BUFFER: {
      cl_mem m = gpuk__cl_mem(a->value.buffer);
      return clSetKernelArg(kernel, i, sizeof m, &m);
    }
    case GPUK_ARG_INT32: return clSetKernelArg(kernel, i, 4, &a->value.i32);
    case GPUK_ARG_UINT32: return clSetKernelArg(kernel, i, 4, &a->value.u32);
    case GPUK_ARG_INT64: return clSetKernelArg(kernel, i, 8, &a->value.i64);
    case GPUK_ARG_UINT64: return clSetKernelArg(kernel, i, 8, &a->value.u64);
    case GPUK_ARG_FLOAT: return clSetKernelArg(kernel, i, 4, &a->value.f32);
    case GPUK_ARG_DOUBLE: return clSetKernelArg(kernel, i, 8, &a->value.f64);
    case GPUK_ARG_LOCAL: return clSetKernelArg(kernel, i, a->value.local_bytes, NULL);
  }
  return CL_INVALID_ARG_VALUE;
}

static gpuk_status kernel_launch(gpuk_stream *s, gpuk_kernel *k, unsigned dims,
                                 const size_t *global, const size_t *local, size_t nargs,
                                 const gpuk_arg *args) {
  cl_kernel_state *ks = k->impl;
  gpuk_status st = GPUK_SUCCESS;
  pthread_mutex_lock(&ks->lock);
  for (size_t i = 0; i < nargs && !st; i++) {
    cl_int err = set_arg(ks->kernel, (cl_uint)i, &args[i]);
    if (err != CL_SUCCESS)
      st = gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "kernel '%s' argument %zu: clSetKernelArg: %s",
                           k->name, i, gpuk__cl_error_name(err));
  }
  if (!st) {
    cl_int err = clEnqueueNDRangeKernel(gpuk__cl_queue(s), ks->kernel, dims, NULL, global, local, 0,
                                        NULL, NULL);
    if (err != CL_SUCCESS) st = gpuk__cl_fail(err, "clEnqueueNDRangeKernel");
  }
  pthread_mutex_unlock(&ks->lock);
  return st;
}

void gpuk__cl_fill_kernel_ops(gpuk_backend_ops *ops) {
  ops->program_build = program_build;
  ops->program_destroy = program_destroy;
  ops->kernel_create = kernel_create;
  ops->kernel_destroy = kernel_destroy;
  ops->kernel_launch = kernel_launch;
}
