/* Backend discovery: the one table that lists the backends, and the ordered
 * device list built from what each backend reports. */
#include "registry.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* The only place that knows which backends exist. */
static const gpuk_backend_ops *backend_table(gpuk_backend backend) {
  switch (backend) {
    case GPUK_BACKEND_CPU: return gpuk__cpu_ops();
#ifdef GPUK_HAVE_OPENCL
    case GPUK_BACKEND_OPENCL: return gpuk__opencl_ops();
#endif
#ifdef GPUK_HAVE_CUDA
    case GPUK_BACKEND_CUDA: return gpuk__cuda_ops();
#endif
    default: return NULL;
  }
}

static gpuk__registry registry;
static gpuk__device_list lists[GPUK_BACKEND_COUNT];
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

static void discover_backend(gpuk_backend b) {
  gpuk_backend_info *info = &registry.backends[b];
  info->backend = b;
  const gpuk_backend_ops *ops = backend_table(b);
  registry.ops[b] = ops;
  if (!ops) {
    snprintf(info->reason, sizeof info->reason, "not compiled in");
    return;
  }
  info->compiled_in = 1;
  gpuk_status st = ops->enumerate(&lists[b], info->reason, sizeof info->reason);
  if (st == GPUK_SUCCESS && lists[b].count == 0)
    snprintf(info->reason, sizeof info->reason, "no devices found");
  if (st != GPUK_SUCCESS) lists[b].count = 0;
  info->device_count = lists[b].count;
  info->available = info->device_count > 0;
  if (info->available) info->reason[0] = '\0';
}

/* Appends the backend's devices of one type (or of every type when type < 0). */
static void add_devices(gpuk_backend b, int type) {
  for (size_t i = 0; i < lists[b].count; i++) {
    const gpuk__device_entry *e = &lists[b].entries[i];
    if (type < 0 || (int)e->info.type == type) registry.devices[registry.count++] = e;
  }
}

static void discover(void) {
  /* Discovery must not leave a message behind for the caller's thread. */
  for (int b = 0; b < GPUK_BACKEND_COUNT; b++) discover_backend((gpuk_backend)b);
  gpuk__clear_error();
  /* Fastest kind first: the first entry is the default device. OpenCL CPU
   * devices (PoCL) come after the native CPU device, which is faster at what
   * libgpuk does on a CPU and is the reference. */
  add_devices(GPUK_BACKEND_CUDA, -1);
  add_devices(GPUK_BACKEND_OPENCL, GPUK_DEVICE_TYPE_GPU);
  add_devices(GPUK_BACKEND_OPENCL, GPUK_DEVICE_TYPE_ACCELERATOR);
  add_devices(GPUK_BACKEND_CPU, -1);
  add_devices(GPUK_BACKEND_OPENCL, GPUK_DEVICE_TYPE_CPU);
}

const gpuk__registry *gpuk__registry_get(void) {
  pthread_once(&registry_once, discover);
  return &registry;
}

gpuk_status gpuk_backend_get_info(gpuk_backend backend, gpuk_backend_info *info) {
  gpuk__clear_error();
  if ((int)backend < 0 || backend >= GPUK_BACKEND_COUNT)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "backend %d is not a gpuk_backend",
                           (int)backend);
  if (!info) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "info is NULL");
  *info = gpuk__registry_get()->backends[backend];
  return GPUK_SUCCESS;
}

gpuk_status gpuk_device_count(size_t *count) {
  gpuk__clear_error();
  if (!count) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "count is NULL");
  *count = gpuk__registry_get()->count;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_device_get_info_by_index(size_t index, gpuk_device_info *info) {
  gpuk__clear_error();
  if (!info) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "info is NULL");
  const gpuk__registry *r = gpuk__registry_get();
  if (index >= r->count)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_RANGE, "device index %zu: only %zu device(s)",
                           index, r->count);
  *info = r->devices[index]->info;
  return GPUK_SUCCESS;
}
