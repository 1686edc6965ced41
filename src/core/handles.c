/* Handle validation and device reference counting (see handles.h). */
#include "handles.h"

#include <stdlib.h>

/* What a tag stands for, for messages: "a" or "an", and the kind. */
typedef struct handle_kind {
  const char *article, *name;
} handle_kind;

static handle_kind kind_of(unsigned magic) {
  switch (magic) {
    case GPUK__MAGIC_DEVICE: return (handle_kind){"a", "device"};
    case GPUK__MAGIC_STREAM: return (handle_kind){"a", "stream"};
    case GPUK__MAGIC_BUFFER: return (handle_kind){"a", "buffer"};
    case GPUK__MAGIC_EVENT: return (handle_kind){"an", "event"};
    case GPUK__MAGIC_PROGRAM: return (handle_kind){"a", "program"};
    case GPUK__MAGIC_KERNEL: return (handle_kind){"a", "kernel"};
    case GPUK__MAGIC_ELEMENTWISE: return (handle_kind){"an", "element-wise kernel"};
    case GPUK__MAGIC_REDUCTION: return (handle_kind){"a", "reduction"};
    default: return (handle_kind){"a", "libgpuk"};
  }
}

gpuk_status gpuk__check_device(const gpuk_device *device, const char *arg) {
  if (!device) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "%s is NULL", arg);
  if (device->magic != GPUK__MAGIC_DEVICE)
    return gpuk__set_error(GPUK_ERROR_INVALID_HANDLE, "%s is not a device handle", arg);
  if (atomic_load(&device->closed))
    return gpuk__set_error(GPUK_ERROR_INVALID_HANDLE, "%s: the device was closed", arg);
  return GPUK_SUCCESS;
}

gpuk_status gpuk__check_kind(const void *handle, unsigned magic, const char *arg) {
  const handle_kind kind = kind_of(magic);
  if (((const gpuk__object *)handle)->magic != magic)
    return gpuk__set_error(GPUK_ERROR_INVALID_HANDLE, "%s is not %s %s handle (destroyed?)", arg,
                           kind.article, kind.name);
  return GPUK_SUCCESS;
}

gpuk_status gpuk__check_object(const void *handle, unsigned magic, const char *arg) {
  const handle_kind kind = kind_of(magic);
  if (!handle) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "%s is NULL", arg);
  gpuk_status st = gpuk__check_kind(handle, magic, arg);
  if (st) return st;
  const gpuk__object *obj = handle;
  if (atomic_load(&obj->device->closed))
    return gpuk__set_error(GPUK_ERROR_INVALID_HANDLE,
                           "%s: the device that owns this %s was closed", arg, kind.name);
  return GPUK_SUCCESS;
}

gpuk_status gpuk__check_same_device(const gpuk_device *expected, const void *handle,
                                    const char *arg) {
  const gpuk__object *obj = handle;
  if (obj->device != expected)
    return gpuk__set_error(GPUK_ERROR_DEVICE_MISMATCH,
                           "%s belongs to device '%s' (%s), not to '%s' (%s)", arg,
                           obj->device->entry.info.name, obj->device->entry.info.selector,
                           expected->entry.info.name, expected->entry.info.selector);
  return GPUK_SUCCESS;
}

gpuk_status gpuk__check_range(size_t offset, size_t size, size_t total, const char *what) {
  if (offset > total || size > total - offset)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_RANGE,
                           "%s: offset %zu + size %zu is past the end of the %zu-byte buffer",
                           what, offset, size, total);
  return GPUK_SUCCESS;
}

gpuk_status gpuk__resolve_stream(gpuk_stream *stream, gpuk_device *device, gpuk_stream **out,
                                 int *blocking) {
  if (!stream) {
    *out = device->default_stream;
    *blocking = 1;
    return GPUK_SUCCESS;
  }
  gpuk_status st = gpuk__check_object(stream, GPUK__MAGIC_STREAM, "stream");
  if (st) return st;
  st = gpuk__check_same_device(device, stream, "stream");
  if (st) return st;
  *out = stream;
  *blocking = 0;
  return GPUK_SUCCESS;
}

gpuk_status gpuk__finish(gpuk_stream *stream, int blocking, gpuk_status status) {
  if (status != GPUK_SUCCESS || !blocking) return status;
  return stream->obj.device->ops->stream_synchronize(stream);
}

void *gpuk__new_child(gpuk_device *device, size_t size, unsigned magic) {
  gpuk__object *obj = calloc(1, size);
  if (!obj) return NULL;
  obj->magic = magic;
  obj->device = device;
  return obj;
}

void gpuk__free_child(void *handle) {
  gpuk__object *obj = handle;
  gpuk_device *d = obj->device;
  obj->magic = GPUK__MAGIC_DEAD;
  free(obj);
  gpuk__device_release(d);
}

void gpuk__device_retain(gpuk_device *device) { atomic_fetch_add(&device->refs, 1); }

void gpuk__device_release(gpuk_device *device) {
  if (atomic_fetch_sub(&device->refs, 1) != 1) return;
  const gpuk_backend_ops *ops = device->ops;
  if (device->default_stream) gpuk__stream_free(device->default_stream);
  if (device->impl) ops->device_close(device);
  device->magic = GPUK__MAGIC_DEAD;
  free(device);
}

gpuk_status gpuk__unsupported(const gpuk_device *device, const char *operation) {
  return gpuk__set_error(GPUK_ERROR_UNSUPPORTED, "%s is not supported by the %s backend (%s)",
                         operation, device->ops->name, device->entry.info.name);
}
