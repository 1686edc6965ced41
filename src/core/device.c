/* Public device handles: open by selector, close, properties, host memory. */
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "handles.h"
#include "vec_expr.h"
#include "registry.h"

static gpuk_status open_entry(const gpuk__registry *r, const gpuk__device_entry *entry,
                              gpuk_device **out) {
  const gpuk_backend_ops *ops = r->ops[entry->info.backend];
  gpuk_device *d = calloc(1, sizeof *d);
  if (!d) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a device handle");
  d->magic = GPUK__MAGIC_DEVICE;
  d->ops = ops;
  d->entry = *entry;
  atomic_init(&d->refs, 1);
  atomic_init(&d->closed, 0);
  gpuk_status st = ops->device_open(d);
  if (st) {
    free(d);
    return st;
  }
  gpuk_stream *s = NULL;
  st = gpuk__stream_new(d, &s);
  d->default_stream = s;
  if (st) {
    gpuk__device_release(d);
    return st;
  }
  *out = d;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_device_open(const char *selector, gpuk_device **device) {
  gpuk__clear_error();
  if (!device) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "device (output) is NULL");
  *device = NULL;
  if (!selector || !*selector) selector = getenv("GPUK_DEVICE");
  const gpuk__registry *r = gpuk__registry_get();
  size_t index = 0;
  gpuk_status st = gpuk__select_device(r, selector, &index);
  if (st) return st;
  return open_entry(r, r->devices[index], device);
}

gpuk_status gpuk_device_close(gpuk_device *device) {
  gpuk__clear_error();
  if (!device) return GPUK_SUCCESS;
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  /* Built-in ops and kernels hold device references: release them before ours. */
  gpuk__vec_expr_release(device);
  gpuk__builtins_release(device);
  atomic_store(&device->closed, 1);
  gpuk__device_release(device);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_device_get_info(const gpuk_device *device, gpuk_device_info *info) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  if (!info) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "info is NULL");
  *info = device->entry.info;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_host_alloc(gpuk_device *device, size_t size, void **ptr) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  if (!ptr) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "ptr (output) is NULL");
  *ptr = NULL;
  if (size == 0) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "size is 0");
  if (device->ops->host_alloc) return device->ops->host_alloc(device, size, ptr);
  size_t rounded = (size + 63) & ~(size_t)63;
  if (rounded < size) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "size %zu overflows", size);
  *ptr = aligned_alloc(64, rounded);
  if (!*ptr)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate %zu bytes of host memory",
                           size);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_host_free(gpuk_device *device, void *ptr) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  if (!ptr) return GPUK_SUCCESS;
  if (device->ops->host_free)
    device->ops->host_free(device, ptr);
  else
    free(ptr);
  return GPUK_SUCCESS;
}
