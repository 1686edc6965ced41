/* Loads the CUDA driver API (libcuda.so.1) and NVRTC at run time, so libgpuk
 * needs neither to start: without them the CUDA backend reports why. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "cuda.h"

#define GPUK_STR_(x) #x
#define GPUK_STR(x) GPUK_STR_(x)

const gpuk__cuda_api *gpuk__cu;

static gpuk__cuda_api cuda_api;
static char cuda_reason[256];
static int cuda_ok;
static pthread_once_t cuda_once = PTHREAD_ONCE_INIT;

static void load_cuda(void) {
  void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(cuda_reason, sizeof cuda_reason, "libcuda.so.1 not found (no NVIDIA driver)");
    return;
  }
#define GPUK_CU_LOAD(fn)                                                                     \
  if (!(cuda_api.fn = (__typeof__(&fn))dlsym(h, GPUK_STR(fn)))) {                           \
    snprintf(cuda_reason, sizeof cuda_reason, "libcuda.so.1 lacks %s (driver too old)",     \
             GPUK_STR(fn));                                                                  \
    return;                                                                                  \
  }
  GPUK_CU_FUNCTIONS(GPUK_CU_LOAD)
#undef GPUK_CU_LOAD
  cuda_ok = 1;
  gpuk__cu = &cuda_api;
}

const gpuk__cuda_api *gpuk__cuda_load(char *reason, size_t reason_size) {
  pthread_once(&cuda_once, load_cuda);
  if (!cuda_ok) snprintf(reason, reason_size, "%s", cuda_reason);
  return cuda_ok ? &cuda_api : NULL;
}

static gpuk__nvrtc_api nvrtc_api;
static char nvrtc_reason[512];
static int nvrtc_ok;
static pthread_once_t nvrtc_once = PTHREAD_ONCE_INIT;

static void load_nvrtc(void) {
  const char *env = getenv("GPUK_NVRTC_LIBRARY");
  const char *candidates[] = {env && *env ? env : NULL, GPUK_NVRTC_DEFAULT_PATH, GPUK_NVRTC_SONAME,
                              "libnvrtc.so"};
  void *h = NULL;
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && !h; i++) {
    if (candidates[i]) h = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
    if (!h && i == 0 && candidates[0]) {
      snprintf(nvrtc_reason, sizeof nvrtc_reason, "GPUK_NVRTC_LIBRARY=%s cannot be loaded: %s",
               env, dlerror());
      return;
    }
  }
  if (!h) {
    snprintf(nvrtc_reason, sizeof nvrtc_reason,
             "NVRTC not found (tried %s, %s; set GPUK_NVRTC_LIBRARY)", GPUK_NVRTC_DEFAULT_PATH,
             GPUK_NVRTC_SONAME);
    return;
  }
#define GPUK_NVRTC_LOAD(fn)                                                        \
  if (!(nvrtc_api.fn = (__typeof__(&fn))dlsym(h, GPUK_STR(fn)))) {                \
    snprintf(nvrtc_reason, sizeof nvrtc_reason, "NVRTC lacks %s", GPUK_STR(fn));   \
    return;                                                                        \
  }
  GPUK_NVRTC_FUNCTIONS(GPUK_NVRTC_LOAD)
#undef GPUK_NVRTC_LOAD
  nvrtc_api.nvrtcVersion(&nvrtc_api.major, &nvrtc_api.minor);
  nvrtc_ok = 1;
}

const gpuk__nvrtc_api *gpuk__nvrtc_load(char *reason, size_t reason_size) {
  pthread_once(&nvrtc_once, load_nvrtc);
  if (!nvrtc_ok) snprintf(reason, reason_size, "%s", nvrtc_reason);
  return nvrtc_ok ? &nvrtc_api : NULL;
}

gpuk_status gpuk__cu_fail(CUresult r, const char *what) {
  const char *name = NULL, *text = NULL;
  if (gpuk__cu) {
    gpuk__cu->cuGetErrorName(r, &name);
    gpuk__cu->cuGetErrorString(r, &text);
  }
  gpuk_status status = GPUK_ERROR_DEVICE;
  if (r == CUDA_ERROR_OUT_OF_MEMORY) status = GPUK_ERROR_OUT_OF_MEMORY;
  if (r == CUDA_ERROR_NOT_FOUND) status = GPUK_ERROR_NOT_FOUND;
  if (r == CUDA_ERROR_LAUNCH_FAILED || r == CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES ||
      r == CUDA_ERROR_INVALID_VALUE || r == CUDA_ERROR_LAUNCH_TIMEOUT)
    status = strncmp(what, "cuLaunch", 8) == 0 ? GPUK_ERROR_LAUNCH : status;
  return gpuk__set_error(status, "%s: %s (%s)", what, name ? name : "CUDA error",
                         text ? text : "no description");
}
