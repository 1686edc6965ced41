/* CUDA discovery (through the driver API loaded at run time) and per-device
 * primary contexts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "../core/peak.h"
#include "cuda.h"

static int attribute(CUdevice dev, CUdevice_attribute a) {
  int v = 0;
  return gpuk__cu->cuDeviceGetAttribute(&v, a, dev) == CUDA_SUCCESS ? v : 0;
}

gpuk_status gpuk__cu_enumerate(gpuk__device_list *list, char *reason, size_t reason_size) {
  if (!gpuk__cuda_load(reason, reason_size)) return GPUK_ERROR_BACKEND_UNAVAILABLE;
  char nvrtc_reason[512];
  if (!gpuk__nvrtc_load(nvrtc_reason, sizeof nvrtc_reason)) {
    snprintf(reason, reason_size, "%s", nvrtc_reason);
    return GPUK_ERROR_BACKEND_UNAVAILABLE;
  }
  CUresult r = gpuk__cu->cuInit(0);
  if (r != CUDA_SUCCESS) {
    const char *name = "?";
    gpuk__cu->cuGetErrorName(r, &name);
    snprintf(reason, reason_size, "cuInit failed: %s", name);
    return GPUK_ERROR_BACKEND_UNAVAILABLE;
  }
  int count = 0, driver = 0;
  gpuk__cu->cuDeviceGetCount(&count);
  gpuk__cu->cuDriverGetVersion(&driver);
  list->count = 0;
  for (int i = 0; i < count && i < GPUK__MAX_DEVICES_PER_BACKEND; i++) {
    CUdevice dev;
    if (gpuk__cu->cuDeviceGet(&dev, i) != CUDA_SUCCESS) continue;
    gpuk__device_entry *e = &list->entries[list->count++];
    memset(e, 0, sizeof *e);
    gpuk_device_info *info = &e->info;
    e->native = (void *)(intptr_t)i;
    gpuk__cu->cuDeviceGetName(info->name, sizeof info->name, dev);
    snprintf(info->vendor, sizeof info->vendor, "NVIDIA Corporation");
    snprintf(info->driver_version, sizeof info->driver_version, "CUDA driver %d.%d", driver / 1000,
             (driver % 1000) / 10);
    snprintf(info->selector, sizeof info->selector, "cuda:%d", i);
    info->backend = GPUK_BACKEND_CUDA;
    info->type = GPUK_DEVICE_TYPE_GPU;
    info->compute_units = (unsigned)attribute(dev, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    info->clock_mhz = (unsigned)attribute(dev, CU_DEVICE_ATTRIBUTE_CLOCK_RATE) / 1000;
    size_t total = 0;
    gpuk__cu->cuDeviceTotalMem(&total, dev);
    info->global_mem_bytes = total;
    info->max_alloc_bytes = total;
    info->local_mem_bytes = (uint64_t)attribute(dev, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK);
    info->l2_cache_bytes = (uint64_t)attribute(dev, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
    info->max_work_group_size = (size_t)attribute(dev, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
    info->max_work_item_sizes[0] = (size_t)attribute(dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X);
    info->max_work_item_sizes[1] = (size_t)attribute(dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y);
    info->max_work_item_sizes[2] = (size_t)attribute(dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z);
    info->supports_double = 1;
    info->compute_capability_major = attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    info->compute_capability_minor = attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    gpuk__cuda_peak_gflops(info->compute_capability_major, info->compute_capability_minor,
                           info->compute_units, info->clock_mhz, &info->peak_gflops_f32,
                           &info->peak_gflops_f64);
    info->platform_index = i;
    info->device_index = 0;
  }
  if (count == 0) snprintf(reason, reason_size, "the NVIDIA driver reports no CUDA devices");
  return GPUK_SUCCESS;
}

gpuk_status gpuk__cu_bind(const gpuk_device *d) {
  CUresult r = gpuk__cu->cuCtxSetCurrent(gpuk__cud(d)->context);
  return r == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r, "cuCtxSetCurrent");
}

static gpuk_status device_open(gpuk_device *d) {
  gpuk__cu_device *cu = calloc(1, sizeof *cu);
  if (!cu) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate CUDA device state");
  CUresult r = gpuk__cu->cuDeviceGet(&cu->device, (int)(intptr_t)d->entry.native);
  if (r == CUDA_SUCCESS) r = gpuk__cu->cuDevicePrimaryCtxRetain(&cu->context, cu->device);
  if (r != CUDA_SUCCESS) {
    free(cu);
    return gpuk__cu_fail(r, "cuDevicePrimaryCtxRetain");
  }
  cu->cc_major = d->entry.info.compute_capability_major;
  cu->cc_minor = d->entry.info.compute_capability_minor;
  cu->max_grid[0] = attribute(cu->device, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X);
  cu->max_grid[1] = attribute(cu->device, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y);
  cu->max_grid[2] = attribute(cu->device, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z);
  d->impl = cu;
  return GPUK_SUCCESS;
}

static void device_close(gpuk_device *d) {
  gpuk__cu_device *cu = gpuk__cud(d);
  gpuk__cu->cuDevicePrimaryCtxRelease(cu->device);
  free(cu);
  d->impl = NULL;
}

static gpuk_status host_alloc(gpuk_device *d, size_t size, void **ptr) {
  gpuk_status st = gpuk__cu_bind(d);
  if (st) return st;
  CUresult r = gpuk__cu->cuMemHostAlloc(ptr, size, CU_MEMHOSTALLOC_PORTABLE);
  if (r != CUDA_SUCCESS) {
    *ptr = NULL;
    return gpuk__cu_fail(r, "cuMemHostAlloc");
  }
  return GPUK_SUCCESS;
}

static void host_free(gpuk_device *d, void *ptr) {
  if (gpuk__cu_bind(d) == GPUK_SUCCESS) gpuk__cu->cuMemFreeHost(ptr);
}

void gpuk__cu_fill_device_ops(gpuk_backend_ops *ops) {
  ops->enumerate = gpuk__cu_enumerate;
  ops->device_open = device_open;
  ops->device_close = device_close;
  ops->host_alloc = host_alloc;
  ops->host_free = host_free;
}
