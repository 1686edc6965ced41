/* CUDA programs: NVRTC compiles portable sources (after the prelude) or native
 * CUDA C into a cubin for the device's own architecture, cached on disk; kernels
 * are module functions launched with cuLaunchKernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/builtin.h"
#include "../core/cache.h"
#include "../core/error.h"
#include "cuda.h"

#define MAX_OPTIONS 64

/* Splits options on spaces into argv, at most `max` words (a copy is kept in
 * *storage). strtok_r: threads may compile at the same time. */
static gpuk_status split_options(const char *options, char **storage, const char **argv,
                                 size_t max, size_t *count) {
  *count = 0;
  *storage = strdup(options ? options : "");
  if (!*storage) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot copy the options");
  char *rest = NULL;
  for (char *tok = strtok_r(*storage, " \t\n", &rest); tok;
       tok = strtok_r(NULL, " \t\n", &rest)) {
    if (*count == max) {
      free(*storage);
      *storage = NULL;
      return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "options: more than %zu words", max);
    }
    argv[(*count)++] = tok;
  }
  return GPUK_SUCCESS;
}

gpuk_status gpuk__nvrtc_compile(const char *source, gpuk_source_language language,
                                const char *arch, const char *options, void **cubin,
                                size_t *cubin_size, char **log) {
  char reason[512];
  const gpuk__nvrtc_api *nv = gpuk__nvrtc_load(reason, sizeof reason);
  if (!nv) return gpuk__set_error(GPUK_ERROR_BACKEND_UNAVAILABLE, "%s", reason);
  const char *argv[MAX_OPTIONS];
  char *storage = NULL;
  size_t argc;
  gpuk_status st = split_options(options, &storage, argv, MAX_OPTIONS - 3, &argc);
  if (st) return st;
  char *full = NULL;
  if (language == GPUK_SOURCE_OPENCL_C) {
    const char *prelude = gpuk__embedded_source("cuda_prelude.h");
    size_t n = strlen(prelude) + strlen(source) + 32;
    full = malloc(n);
    if (!full) {
      free(storage);
      return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the source");
    }
    snprintf(full, n, "%s\n#line 1\n%s", prelude, source);
  }
  nvrtcProgram prog;
  nvrtcResult r = nv->nvrtcCreateProgram(&prog, full ? full : source, "gpuk_kernel.cu", 0, NULL,
                                         NULL);
  free(full);
  if (r != NVRTC_SUCCESS) {
    free(storage);
    return gpuk__set_error(GPUK_ERROR_BUILD, "nvrtcCreateProgram: %s", nv->nvrtcGetErrorString(r));
  }
  char arch_option[64];
  snprintf(arch_option, sizeof arch_option, "--gpu-architecture=%s", arch);
  argv[argc++] = arch_option;
  argv[argc++] = "--std=c++17";
  /* Portable sources declare helper functions without __device__. */
  if (language == GPUK_SOURCE_OPENCL_C) argv[argc++] = "--device-as-default-execution-space";
  r = nv->nvrtcCompileProgram(prog, (int)argc, argv);
  free(storage);
  size_t log_size = 0;
  if (nv->nvrtcGetProgramLogSize(prog, &log_size) == NVRTC_SUCCESS && log_size > 1) {
    *log = malloc(log_size);
    if (*log && nv->nvrtcGetProgramLog(prog, *log) != NVRTC_SUCCESS) (*log)[0] = '\0';
  }
  if (r != NVRTC_SUCCESS) {
    st = gpuk__set_error(GPUK_ERROR_BUILD, "NVRTC %d.%d build for %s failed (%s); compiler log:",
                         nv->major, nv->minor, arch, nv->nvrtcGetErrorString(r));
  } else if (nv->nvrtcGetCUBINSize(prog, cubin_size) != NVRTC_SUCCESS || *cubin_size == 0 ||
             !(*cubin = malloc(*cubin_size)) || nv->nvrtcGetCUBIN(prog, *cubin) != NVRTC_SUCCESS) {
    st = gpuk__set_error(GPUK_ERROR_BUILD, "NVRTC produced no cubin for %s", arch);
  }
  nv->nvrtcDestroyProgram(&prog);
  return st;
}

static void device_arch(const gpuk_device *d, char *arch, size_t size) {
  snprintf(arch, size, "sm_%d%d", gpuk__cud(d)->cc_major, gpuk__cud(d)->cc_minor);
}

static gpuk_status load_module(const void *cubin, CUmodule *module) {
  CUresult r = gpuk__cu->cuModuleLoadData(module, cubin);
  return r == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r, "cuModuleLoadData");
}

static gpuk_status program_build(gpuk_program *p, const char *options, char **log) {
  gpuk_status st = gpuk__cu_bind(p->obj.device);
  if (st) return st;
  char arch[32], compiler[96], reason[512];
  device_arch(p->obj.device, arch, sizeof arch);
  const gpuk__nvrtc_api *nv = gpuk__nvrtc_load(reason, sizeof reason);
  snprintf(compiler, sizeof compiler, "nvrtc %d.%d %s", nv ? nv->major : 0, nv ? nv->minor : 0,
           arch);
  char *key = gpuk__program_cache_key(p, options, compiler);
  if (!key) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot build a cache key");
  void *cubin = NULL;
  size_t size = 0;
  CUmodule module = NULL;
  if (gpuk__cache_load(key, &cubin, &size)) {
    if (load_module(cubin, &module) != GPUK_SUCCESS) {
      module = NULL;
      gpuk__cache_note_rejected();
    }
    free(cubin);
    cubin = NULL;
  }
  if (!module) {
    st = gpuk__nvrtc_compile(p->source, p->language, arch, options, &cubin, &size, log);
    if (!st) st = load_module(cubin, &module);
    if (!st) gpuk__cache_store(key, cubin, size);
    free(cubin);
  }
  free(key);
  if (!st) p->impl = module;
  return st;
}

static void program_destroy(gpuk_program *p) {
  if (gpuk__cu_bind(p->obj.device) == GPUK_SUCCESS) gpuk__cu->cuModuleUnload((CUmodule)p->impl);
}

typedef struct cu_kernel {
  CUfunction function;
  int max_threads; /* per block, for this kernel's register use */
} cu_kernel;

static gpuk_status kernel_create(gpuk_kernel *k) {
  gpuk_status st = gpuk__cu_bind(k->obj.device);
  if (st) return st;
  CUfunction f;
  CUresult r = gpuk__cu->cuModuleGetFunction(&f, (CUmodule)k->program->impl, k->name);
  if (r == CUDA_ERROR_NOT_FOUND)
    return gpuk__set_error(GPUK_ERROR_NOT_FOUND,
                           "the program has no kernel named '%s' (native CUDA kernels must be "
                           "declared extern \"C\")",
                           k->name);
  if (r != CUDA_SUCCESS) return gpuk__cu_fail(r, "cuModuleGetFunction");
  cu_kernel *ck = calloc(1, sizeof *ck);
  if (!ck) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a kernel");
  ck->function = f;
  gpuk__cu->cuFuncGetAttribute(&ck->max_threads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, f);
  k->impl = ck;
  return GPUK_SUCCESS;
}

static void kernel_destroy(gpuk_kernel *k) { free(k->impl); /* the function lives with its module */ }

#define MAX_ARGS 64

static gpuk_status kernel_launch(gpuk_stream *s, gpuk_kernel *k, unsigned dims,
                                 const size_t *global, const size_t *local, size_t nargs,
                                 const gpuk_arg *args) {
  if (nargs > MAX_ARGS)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "kernel '%s': %zu arguments; at most %d",
                           k->name, nargs, MAX_ARGS);
  /* cuLaunchKernel reads each parameter through a pointer: scalars straight
   * from the caller's gpuk_arg, buffers from their device addresses. */
  CUdeviceptr pointers[MAX_ARGS];
  void *params[MAX_ARGS];
  for (size_t i = 0; i < nargs; i++) {
    const gpuk_arg *a = &args[i];
    if (a->type == GPUK_ARG_LOCAL)
      return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                             "kernel '%s' argument %zu: __local pointer parameters are not "
                             "supported on CUDA; use a statically sized __local array",
                             k->name, i);
    if (a->type == GPUK_ARG_BUFFER) {
      pointers[i] = gpuk__cu_ptr(a->value.buffer);
      params[i] = &pointers[i];
    } else {
      params[i] = (void *)&a->value;
    }
  }
  gpuk__cu_device *cu = gpuk__cud(s->obj.device);
  unsigned grid[3] = {1, 1, 1}, block[3] = {1, 1, 1};
  for (unsigned d = 0; d < dims; d++) {
    size_t g = global[d] / local[d];
    if (g > (size_t)cu->max_grid[d])
      return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                             "kernel '%s': %zu work-groups in dimension %u exceed the device's "
                             "grid limit %d",
                             k->name, g, d, cu->max_grid[d]);
    grid[d] = (unsigned)g;
    block[d] = (unsigned)local[d];
  }
  const cu_kernel *ck = k->impl;
  const int max_threads = ck->max_threads;
  if (max_threads > 0 && (size_t)block[0] * block[1] * block[2] > (size_t)max_threads)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "kernel '%s': block of %u threads exceeds this kernel's limit of %d "
                           "(register use)",
                           k->name, block[0] * block[1] * block[2], max_threads);
  gpuk_status st = gpuk__cu_bind(s->obj.device);
  if (st) return st;
  CUresult r = gpuk__cu->cuLaunchKernel(ck->function, grid[0], grid[1], grid[2], block[0],
                                        block[1], block[2], 0, gpuk__cu_stream(s), params, NULL);
  return r == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r, "cuLaunchKernel");
}

static gpuk_status compile_check(const char *source, gpuk_source_language language,
                                 const char *arch, const char *options, char **log) {
  void *cubin = NULL;
  size_t size = 0;
  gpuk_status st = gpuk__nvrtc_compile(source, language, arch, options, &cubin, &size, log);
  free(cubin);
  return st;
}

void gpuk__cu_fill_kernel_ops(gpuk_backend_ops *ops) {
  ops->program_build = program_build;
  ops->program_destroy = program_destroy;
  ops->kernel_create = kernel_create;
  ops->kernel_destroy = kernel_destroy;
  ops->kernel_launch = kernel_launch;
  ops->compile_check = compile_check;
}
