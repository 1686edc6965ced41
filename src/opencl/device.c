/* OpenCL discovery (every platform and device, with properties) and per-device
 * contexts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "opencl.h"

#define MAX_PLATFORMS 16

/* A string property cut to size - 1 characters (a driver refuses a buffer
 * shorter than the whole value, so it is read whole first); "" on failure. */
static void device_string(cl_device_id d, cl_device_info what, char *out, size_t size) {
  out[0] = '\0';
  size_t whole = 0;
  if (clGetDeviceInfo(d, what, 0, NULL, &whole) != CL_SUCCESS || whole == 0) return;
  char *value = malloc(whole);
  if (!value) return;
  if (clGetDeviceInfo(d, what, whole, value, NULL) == CL_SUCCESS) {
    value[whole - 1] = '\0';
    size_t n = strnlen(value, size - 1);
    memcpy(out, value, n);
    out[n] = '\0';
    /* Some drivers pad names with spaces. */
    while (n > 0 && out[n - 1] == ' ') out[--n] = '\0';
  }
  free(value);
}

static uint64_t device_u64(cl_device_id d, cl_device_info what) {
  cl_ulong v = 0;
  return clGetDeviceInfo(d, what, sizeof v, &v, NULL) == CL_SUCCESS ? v : 0;
}

static unsigned device_uint(cl_device_id d, cl_device_info what) {
  cl_uint v = 0;
  return clGetDeviceInfo(d, what, sizeof v, &v, NULL) == CL_SUCCESS ? v : 0;
}

static void describe(cl_device_id id, int platform, int index, gpuk__device_entry *e) {
  memset(e, 0, sizeof *e);
  gpuk_device_info *info = &e->info;
  e->native = id;
  device_string(id, CL_DEVICE_NAME, info->name, sizeof info->name);
  device_string(id, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
  /* Sized so that "version; driver d" always fits driver_version: 63 + 9 + 55
   * characters and the NUL make 128. */
  char version[64], driver[sizeof info->driver_version - sizeof version - 8];
  device_string(id, CL_DEVICE_VERSION, version, sizeof version);
  device_string(id, CL_DRIVER_VERSION, driver, sizeof driver);
  snprintf(info->driver_version, sizeof info->driver_version, "%s; driver %s", version, driver);
  snprintf(info->selector, sizeof info->selector, "opencl:%d:%d", platform, index);
  info->backend = GPUK_BACKEND_OPENCL;
  cl_device_type type = 0;
  clGetDeviceInfo(id, CL_DEVICE_TYPE, sizeof type, &type, NULL);
  info->type = (type & CL_DEVICE_TYPE_GPU)   ? GPUK_DEVICE_TYPE_GPU
               : (type & CL_DEVICE_TYPE_CPU) ? GPUK_DEVICE_TYPE_CPU
                                             : GPUK_DEVICE_TYPE_ACCELERATOR;
  info->compute_units = device_uint(id, CL_DEVICE_MAX_COMPUTE_UNITS);
  info->clock_mhz = device_uint(id, CL_DEVICE_MAX_CLOCK_FREQUENCY);
  info->global_mem_bytes = device_u64(id, CL_DEVICE_GLOBAL_MEM_SIZE);
  info->max_alloc_bytes = device_u64(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
  info->local_mem_bytes = device_u64(id, CL_DEVICE_LOCAL_MEM_SIZE);
  info->l2_cache_bytes = device_u64(id, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE);
  size_t wg = 0, items[3] = {0, 0, 0};
  clGetDeviceInfo(id, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, NULL);
  clGetDeviceInfo(id, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof items, items, NULL);
  info->max_work_group_size = wg;
  for (int i = 0; i < 3; i++) info->max_work_item_sizes[i] = items[i];
  cl_device_fp_config fp64 = 0;
  clGetDeviceInfo(id, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL);
  info->supports_double = fp64 != 0;
  info->platform_index = platform;
  info->device_index = index;
}

gpuk_status gpuk__cl_enumerate(gpuk__device_list *list, char *reason, size_t reason_size) {
  cl_platform_id platforms[MAX_PLATFORMS];
  cl_uint np = 0;
  cl_int err = clGetPlatformIDs(MAX_PLATFORMS, platforms, &np);
  if (err == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (err == CL_SUCCESS && np == 0)) {
    snprintf(reason, reason_size,
             "no OpenCL platforms: the ICD loader found no driver in /etc/OpenCL/vendors "
             "(install one, e.g. pocl-opencl-icd)");
    return GPUK_ERROR_BACKEND_UNAVAILABLE;
  }
  if (err != CL_SUCCESS) {
    snprintf(reason, reason_size, "clGetPlatformIDs failed: %s (%d)", gpuk__cl_error_name(err),
             (int)err);
    return GPUK_ERROR_BACKEND_UNAVAILABLE;
  }
  if (np > MAX_PLATFORMS) np = MAX_PLATFORMS;
  list->count = 0;
  for (cl_uint p = 0; p < np; p++) {
    cl_device_id ids[GPUK__MAX_DEVICES_PER_BACKEND];
    cl_uint nd = 0;
    if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, GPUK__MAX_DEVICES_PER_BACKEND, ids, &nd) !=
        CL_SUCCESS)
      continue;
    for (cl_uint d = 0; d < nd && d < GPUK__MAX_DEVICES_PER_BACKEND; d++) {
      if (list->count == GPUK__MAX_DEVICES_PER_BACKEND) break;
      describe(ids[d], (int)p, (int)d, &list->entries[list->count++]);
    }
  }
  if (list->count == 0)
    snprintf(reason, reason_size, "%u OpenCL platform(s) but no devices", (unsigned)np);
  return GPUK_SUCCESS;
}

static gpuk_status device_open(gpuk_device *d) {
  gpuk__cl_device *cl = calloc(1, sizeof *cl);
  if (!cl) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate OpenCL device state");
  cl->device = (cl_device_id)d->entry.native;
  cl_int err = clGetDeviceInfo(cl->device, CL_DEVICE_PLATFORM, sizeof cl->platform, &cl->platform,
                               NULL);
  if (err == CL_SUCCESS)
    clGetPlatformInfo(cl->platform, CL_PLATFORM_VERSION, sizeof cl->platform_version,
                      cl->platform_version, NULL);
  cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)cl->platform, 0};
  if (err == CL_SUCCESS) cl->context = clCreateContext(props, 1, &cl->device, NULL, NULL, &err);
  if (err != CL_SUCCESS) {
    free(cl);
    return gpuk__cl_fail(err, "clCreateContext");
  }
  d->impl = cl;
  return GPUK_SUCCESS;
}

static void device_close(gpuk_device *d) {
  gpuk__cl_device *cl = gpuk__cl(d);
  clReleaseContext(cl->context);
  free(cl);
  d->impl = NULL;
}

void gpuk__cl_fill_device_ops(gpuk_backend_ops *ops) {
  ops->enumerate = gpuk__cl_enumerate;
  ops->device_open = device_open;
  ops->device_close = device_close;
}
