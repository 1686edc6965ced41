/* Internals shared by the CUDA backend's files: the driver API and NVRTC
 * function tables filled by dlopen/dlsym, and small accessors. */
#ifndef GPUK_CUDA_CUDA_H
#define GPUK_CUDA_CUDA_H

#include <cuda.h>
#include <nvrtc.h>

#include "../core/backend.h"

/* Every driver function the backend calls. The names are cuda.h's macros, so
 * versioned symbols (cuMemAlloc -> cuMemAlloc_v2) resolve as cuda.h says. */
#define GPUK_CU_FUNCTIONS(X)                                                              \
  X(cuInit) X(cuDriverGetVersion) X(cuGetErrorName) X(cuGetErrorString) X(cuDeviceGetCount) \
  X(cuDeviceGet) X(cuDeviceGetName) X(cuDeviceGetAttribute) X(cuDeviceTotalMem)           \
  X(cuDevicePrimaryCtxRetain) X(cuDevicePrimaryCtxRelease) X(cuCtxSetCurrent)             \
  X(cuMemAlloc) X(cuMemFree) X(cuMemHostAlloc) X(cuMemFreeHost) X(cuMemcpyHtoDAsync)       \
  X(cuMemcpyDtoHAsync) X(cuMemcpyDtoDAsync) X(cuMemsetD8Async) X(cuMemsetD16Async)         \
  X(cuMemsetD32Async) X(cuStreamCreate) X(cuStreamDestroy) X(cuStreamSynchronize)         \
  X(cuStreamWaitEvent) X(cuEventCreate) X(cuEventDestroy) X(cuEventRecord)                 \
  X(cuEventSynchronize) X(cuEventElapsedTime) X(cuModuleLoadData) X(cuModuleUnload)        \
  X(cuModuleGetFunction) X(cuFuncGetAttribute) X(cuLaunchKernel)

#define GPUK_NVRTC_FUNCTIONS(X)                                                     \
  X(nvrtcVersion) X(nvrtcGetErrorString) X(nvrtcCreateProgram) X(nvrtcDestroyProgram) \
  X(nvrtcCompileProgram) X(nvrtcGetProgramLogSize) X(nvrtcGetProgramLog)            \
  X(nvrtcGetCUBINSize) X(nvrtcGetCUBIN)

#define GPUK_CU_FIELD(fn) __typeof__(&fn) fn;

typedef struct gpuk__cuda_api {
  GPUK_CU_FUNCTIONS(GPUK_CU_FIELD)
} gpuk__cuda_api;

typedef struct gpuk__nvrtc_api {
  GPUK_NVRTC_FUNCTIONS(GPUK_CU_FIELD)
  int major, minor;
} gpuk__nvrtc_api;

/* The loaded driver API, or NULL with the reason written (loaded once). */
const gpuk__cuda_api *gpuk__cuda_load(char *reason, size_t reason_size);
/* The loaded NVRTC (GPUK_NVRTC_LIBRARY overrides the path), or NULL with the
 * reason written (loaded once). */
const gpuk__nvrtc_api *gpuk__nvrtc_load(char *reason, size_t reason_size);

/* The driver API; only valid once enumeration succeeded. */
extern const gpuk__cuda_api *gpuk__cu;

typedef struct gpuk__cu_device {
  CUdevice device;
  CUcontext context; /* the device's primary context */
  int cc_major, cc_minor;
  int max_grid[3];
} gpuk__cu_device;

static inline gpuk__cu_device *gpuk__cud(const gpuk_device *d) { return (gpuk__cu_device *)d->impl; }
static inline CUstream gpuk__cu_stream(const gpuk_stream *s) { return (CUstream)s->impl; }
static inline CUdeviceptr gpuk__cu_ptr(const gpuk_buffer *b) { return (CUdeviceptr)(uintptr_t)b->impl; }

/* Makes the device's context current on the calling thread. */
gpuk_status gpuk__cu_bind(const gpuk_device *d);

/* Maps a driver error to a status and message "<what>: CUDA_ERROR_xxx (text)". */
gpuk_status gpuk__cu_fail(CUresult r, const char *what);

/* Compiles source (OpenCL C subset with the prelude, or native CUDA) with NVRTC
 * for arch ("sm_90") into a cubin (malloc'd). *log gets the compiler log. */
gpuk_status gpuk__nvrtc_compile(const char *source, gpuk_source_language language,
                                const char *arch, const char *options, void **cubin,
                                size_t *cubin_size, char **log);

gpuk_status gpuk__cu_enumerate(gpuk__device_list *list, char *reason, size_t reason_size);
void gpuk__cu_fill_device_ops(gpuk_backend_ops *ops);
void gpuk__cu_fill_memory_ops(gpuk_backend_ops *ops);
void gpuk__cu_fill_stream_ops(gpuk_backend_ops *ops);
void gpuk__cu_fill_kernel_ops(gpuk_backend_ops *ops);

#endif
