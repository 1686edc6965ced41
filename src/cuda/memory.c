/* CUDA buffers (cuMemAlloc), asynchronous transfers and fills on the stream. */
#include <string.h>

#include "../core/builtin.h"
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

/* Patterns of 8 to 128 bytes, which cuMemset has no width for: one launch of
 * kernels/fill.cl (a strided cuMemsetD2D32 per 4-byte word of the pattern
 * took pattern_size / 4 passes over the range). offset and size are multiples
 * of pattern_size, so of 8, and the pattern starts at the range's first byte. */
static gpuk_status fill_by_kernel(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                                  const void *pattern, size_t pattern_size) {
  gpuk_arg args[3 + 16] = {gpuk_arg_buffer(b), gpuk_arg_u64(off / 8), gpuk_arg_u64(size / 8)};
  for (size_t j = 0; j < 16; j++) {
    uint64_t unit;
    memcpy(&unit, (const unsigned char *)pattern + 8 * j % pattern_size, sizeof unit);
    args[3 + j] = gpuk_arg_u64(unit);
  }
  /* wg is 256 on every CUDA device (1024 threads per block): the global size
   * is a multiple of 16, as the kernel needs. */
  const gpuk__launch_shape shape = gpuk__stream_shape(s->obj.device, size / 8);
  return gpuk__builtin_launch(s, "fill.cl", "gpuk_fill_period128", &shape, 3 + 16, args);
}

/* Patterns of 1, 2 and 4 bytes map to cuMemsetD8/16/32, wider ones to
 * fill_by_kernel. */
static gpuk_status buffer_fill(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                               const void *pattern, size_t pattern_size) {
  if (pattern_size >= 8) return fill_by_kernel(s, b, off, size, pattern, pattern_size);
  gpuk_status st = gpuk__cu_bind(s->obj.device);
  if (st) return st;
  CUdeviceptr dst = gpuk__cu_ptr(b) + off;
  CUstream stream = gpuk__cu_stream(s);
  CUresult r;
  if (pattern_size == 1) {
    r = gpuk__cu->cuMemsetD8Async(dst, *(const unsigned char *)pattern, size, stream);
  } else if (pattern_size == 2) {
    unsigned short v;
    memcpy(&v, pattern, 2);
    r = gpuk__cu->cuMemsetD16Async(dst, v, size / 2, stream);
  } else {
    unsigned int v;
    memcpy(&v, pattern, 4);
    r = gpuk__cu->cuMemsetD32Async(dst, v, size / 4, stream);
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
