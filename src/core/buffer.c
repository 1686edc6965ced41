/* Public buffer functions: validation of handles, sizes and offsets, then the
 * backend's op on the chosen stream. */
#include <stdlib.h>
#include <string.h>

#include "handles.h"

gpuk_status gpuk_buffer_create(gpuk_device *device, size_t size, gpuk_mem_flags flags,
                               gpuk_buffer **buffer) {
  gpuk__clear_error();
  if (!buffer) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "buffer (output) is NULL");
  *buffer = NULL;
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  if (size == 0) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "size is 0");
  if (flags != GPUK_MEM_READ_WRITE && flags != GPUK_MEM_READ_ONLY && flags != GPUK_MEM_WRITE_ONLY)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "flags %d is not a gpuk_mem_flags value", (int)flags);
  if (size > device->entry.info.global_mem_bytes)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY,
                           "size %zu bytes exceeds the device's %llu bytes of memory (%s)", size,
                           (unsigned long long)device->entry.info.global_mem_bytes,
                           device->entry.info.name);
  if (size > device->entry.info.max_alloc_bytes)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY,
                           "size %zu bytes exceeds the device's largest allocation, %llu bytes (%s)",
                           size, (unsigned long long)device->entry.info.max_alloc_bytes,
                           device->entry.info.name);
  gpuk_buffer *b = gpuk__new_child(device, sizeof *b, GPUK__MAGIC_BUFFER);
  if (!b) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a buffer handle");
  b->size = size;
  b->flags = flags;
  st = device->ops->buffer_create(b);
  if (st) {
    free(b);
    return st;
  }
  gpuk__device_retain(device);
  *buffer = b;
  return GPUK_SUCCESS;
}

gpuk_status gpuk_buffer_destroy(gpuk_buffer *buffer) {
  gpuk__clear_error();
  if (!buffer) return GPUK_SUCCESS;
  gpuk_status st = gpuk__check_kind(buffer, GPUK__MAGIC_BUFFER, "buffer");
  if (st) return st;
  buffer->obj.device->ops->buffer_destroy(buffer);
  gpuk__free_child(buffer);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_buffer_size(const gpuk_buffer *buffer, size_t *size) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(buffer, GPUK__MAGIC_BUFFER, "buffer");
  if (st) return st;
  if (!size) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "size (output) is NULL");
  *size = buffer->size;
  return GPUK_SUCCESS;
}

/* Common checks of one buffer range and its stream. */
static gpuk_status check_transfer(gpuk_stream *stream, const gpuk_buffer *buffer, size_t offset,
                                  size_t size, const void *host, const char *host_name,
                                  gpuk_stream **use, int *blocking) {
  gpuk_status st = gpuk__check_object(buffer, GPUK__MAGIC_BUFFER, "buffer");
  if (st) return st;
  if (!host) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "%s is NULL", host_name);
  if (size == 0) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "size is 0");
  st = gpuk__check_range(offset, size, buffer->size, "buffer");
  if (st) return st;
  return gpuk__resolve_stream(stream, buffer->obj.device, use, blocking);
}

gpuk_status gpuk_buffer_write(gpuk_stream *stream, gpuk_buffer *buffer, size_t offset,
                              size_t size, const void *src) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = check_transfer(stream, buffer, offset, size, src, "src", &s, &blocking);
  if (st) return st;
  return gpuk__finish(s, blocking, s->obj.device->ops->buffer_write(s, buffer, offset, size, src));
}

gpuk_status gpuk_buffer_read(gpuk_stream *stream, const gpuk_buffer *buffer, size_t offset,
                             size_t size, void *dst) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = check_transfer(stream, buffer, offset, size, dst, "dst", &s, &blocking);
  if (st) return st;
  return gpuk__finish(s, blocking, s->obj.device->ops->buffer_read(s, buffer, offset, size, dst));
}

gpuk_status gpuk_buffer_copy(gpuk_stream *stream, const gpuk_buffer *src, size_t src_offset,
                             gpuk_buffer *dst, size_t dst_offset, size_t size) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(src, GPUK__MAGIC_BUFFER, "src");
  if (!st) st = gpuk__check_object(dst, GPUK__MAGIC_BUFFER, "dst");
  if (!st) st = gpuk__check_same_device(src->obj.device, dst, "dst");
  if (st) return st;
  if (size == 0) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "size is 0");
  st = gpuk__check_range(src_offset, size, src->size, "src");
  if (!st) st = gpuk__check_range(dst_offset, size, dst->size, "dst");
  if (st) return st;
  if (src == dst && src_offset < dst_offset + size && dst_offset < src_offset + size)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "src range [%zu, %zu) overlaps dst range [%zu, %zu) of the same buffer",
                           src_offset, src_offset + size, dst_offset, dst_offset + size);
  gpuk_stream *s;
  int blocking;
  st = gpuk__resolve_stream(stream, src->obj.device, &s, &blocking);
  if (st) return st;
  return gpuk__finish(
      s, blocking, s->obj.device->ops->buffer_copy(s, src, src_offset, dst, dst_offset, size));
}

gpuk_status gpuk_buffer_fill(gpuk_stream *stream, gpuk_buffer *buffer, size_t offset, size_t size,
                             const void *pattern, size_t pattern_size) {
  gpuk__clear_error();
  gpuk_stream *s;
  int blocking;
  gpuk_status st = check_transfer(stream, buffer, offset, size, pattern, "pattern", &s, &blocking);
  if (st) return st;
  if (pattern_size == 0 || pattern_size > 128 || (pattern_size & (pattern_size - 1)))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "pattern_size %zu is not a power of two between 1 and 128",
                           pattern_size);
  if (offset % pattern_size || size % pattern_size)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "offset %zu and size %zu must be multiples of pattern_size %zu",
                           offset, size, pattern_size);
  return gpuk__finish(s, blocking,
                      s->obj.device->ops->buffer_fill(s, buffer, offset, size, pattern,
                                                      pattern_size));
}
