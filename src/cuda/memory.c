/* CUDA buffers (cuMemAlloc) and asynchronous transfers on the stream. */
#include <string.h>

#include "../core/error.h"
#include "cuda.h"

static gpuk_status buffer_create(gpuk_buffer *b) {
  gpuk_status st = gpuk__cu_bind(b->obj.device);
  if (st) return st;
  CUdeviceptr p = 0;
  CUresult r = gpuk__cu->cuMemAlloc(&p, b->size);
  if (r != CUDA_SUCCESS) return gpuk__cu_fail(r, "cuMemAlloc");
  b->impl = (void *)(uintptr_t)p;
  return GPUK_SUCCESS;
}

static void buffer_destroy(gpuk_buffer *b) {
  if (gpuk__cu_bind(b->obj.device) == GPUK_SUCCESS) gpuk__cu->cuMemFree(gpuk__cu_ptr(b));
}

#define CU_CALL(call, what)                                          \
  do {                                                               \
    gpuk_status st_ = gpuk__cu_bind(s->obj.device);                 \
    if (st_) return st_;                                             \
    CUresult r_ = (call);                                            \
    return r_ == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r_, what); \
  } while (0)

static gpuk_status buffer_write(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                                const void *src) {
  CU_CALL(gpuk__cu->cuMemcpyHtoDAsync(gpuk__cu_ptr(b) + off, src, size, gpuk__cu_stream(s)),
          "cuMemcpyHtoDAsync");
}

static gpuk_status buffer_read(gpuk_stream *s, const gpuk_buffer *b, size_t off, size_t size,
                               void *dst) {
  CU_CALL(gpuk__cu->cuMemcpyDtoHAsync(dst, gpuk__cu_ptr(b) + off, size, gpuk__cu_stream(s)),
          "cuMemcpyDtoHAsync");
}

static gpuk_status buffer_copy(gpuk_stream *s, const gpuk_buffer *src, size_t src_off,
                               gpuk_buffer *dst, size_t dst_off, size_t size) {
  CU_CALL(gpuk__cu->cuMemcpyDtoDAsync(gpuk__cu_ptr(dst) + dst_off, gpuk__cu_ptr(src) + src_off,
                                      size, gpuk__cu_stream(s)),
          "cuMemcpyDtoDAsync");
}

/* Patterns of 1, 2 and 4 bytes map to cuMemsetD8/16/32. Wider patterns are
 * written as pattern_size/4 strided 2D memsets of one 32-bit word each: word j
 * of every repetition at pitch pattern_size. */
static gpuk_status buffer_fill(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                               const void *pattern, size_t pattern_size) {
  gpuk_status st = gpuk__cu_bind(s->obj.device);
  if (st) return st;
  CUdeviceptr dst = gpuk__cu_ptr(b) + off;
  CUstream stream = gpuk__cu_stream(s);
  CUresult r = CUDA_SUCCESS;
  if (pattern_size == 1) {
    r = gpuk__cu->cuMemsetD8Async(dst, *(const unsigned char *)pattern, size, stream);
  } else if (pattern_size == 2) {
    unsigned short v;
    memcpy(&v, pattern, 2);
    r = gpuk__cu->cuMemsetD16Async(dst, v, size / 2, stream);
  } else if (pattern_size == 4) {
    unsigned int v;
    memcpy(&v, pattern, 4);
    r = gpuk__cu->cuMemsetD32Async(dst, v, size / 4, stream);
  } else {
    for (size_t j = 0; j < pattern_size / 4 && r == CUDA_SUCCESS; j++) {
      unsigned int v;
      memcpy(&v, (const unsigned char *)pattern + 4 * j, 4);
      r = gpuk__cu->cuMemsetD2D32Async(dst + 4 * j, pattern_size, v, 1, size / pattern_size,
                                       stream);
    }
  }
  return r == CUDA_SUCCESS ? GPUK_SUCCESS : gpuk__cu_fail(r, "cuMemset");
}

void gpuk__cu_fill_memory_ops(gpuk_backend_ops *ops) {
  ops->buffer_create = buffer_create;
  ops->buffer_destroy = buffer_destroy;
  ops->buffer_write = buffer_write;
  ops->buffer_read = buffer_read;
  ops->buffer_copy = buffer_copy;
  ops->buffer_fill = buffer_fill;
}
