/* OpenCL buffers and transfers: non-blocking enqueues on the stream's queue.
 * On CPU drivers, large copies and fills of 1-, 2- and 4-byte patterns run
 * as kernels (kernels/stream.cl) in 4-byte words, which use every core. */
#include <string.h>

#include "../core/builtin.h"
#include "../core/error.h"
#include "opencl.h"

/* From these sizes on a CPU driver's copy or fill goes through a kernel.
 * PoCL runs clEnqueueCopyBuffer and clEnqueueFillBuffer on one thread: on
 * the 2-core EPYC (2026-11-25, best of 31, bytes read plus written) the copy
 * moved 21-38 GB/s at 16-128 MiB against 35-76 for the kernel, 50-61
 * against 66-108 at 8 MiB, but 56-69 against 42-55 at 2-4 MiB, inside the
 * 32 MiB L3; the 4-byte fill 9-14 GB/s at 1-128 MiB against 14-84, and 4
 * against 5 at 256 KiB. */
enum { COPY_BY_KERNEL_FROM = 8 << 20, FILL_BY_KERNEL_FROM = 1 << 20 };

/* Whether a copy (src given) or fill (src NULL) of size bytes runs by
 * kernel. A kernel may not read a buffer created write-only nor write one
 * created read-only (CL_MEM flags bind kernels; the driver's copies and
 * fills may do both). */
static int runs_words_by_kernel(const gpuk_stream *s, const gpuk_buffer *src,
                                const gpuk_buffer *dst, size_t size, size_t from) {
  return s->obj.device->entry.info.type == GPUK_DEVICE_TYPE_CPU && size >= from &&
         dst->flags != GPUK_MEM_READ_ONLY && (!src || src->flags != GPUK_MEM_WRITE_ONLY);
}

/* [off, off + size) as a head of under 4 bytes up to a 4-byte boundary, whole
 * words, and a tail of under 4 bytes. */
typedef struct word_split {
  size_t head, words, tail;
} word_split;

static word_split split_words(size_t off, size_t size) {
  word_split w;
  w.head = (4 - off % 4) % 4;
  if (w.head > size) w.head = size;
  w.words = (size - w.head) / 4;
  w.tail = size - w.head - 4 * w.words;
  return w;
}

static gpuk_status launch_words(gpuk_stream *s, const char *kernel, size_t words, size_t nargs,
                                const gpuk_arg *args) {
  const gpuk__launch_shape shape = gpuk__stream_shape(s->obj.device, words);
  return gpuk__builtin_launch(s, "stream.cl", kernel, &shape, nargs, args);
}

static gpuk_status buffer_create(gpuk_buffer *b) {
  cl_mem_flags flags = b->flags == GPUK_MEM_READ_ONLY    ? CL_MEM_READ_ONLY
                       : b->flags == GPUK_MEM_WRITE_ONLY ? CL_MEM_WRITE_ONLY
                                                         : CL_MEM_READ_WRITE;
  cl_int err;
  cl_mem m = clCreateBuffer(gpuk__cl(b->obj.device)->context, flags, b->size, NULL, &err);
  if (err != CL_SUCCESS) return gpuk__cl_fail(err, "clCreateBuffer");
  b->impl = m;
  return GPUK_SUCCESS;
}

static void buffer_destroy(gpuk_buffer *b) { clReleaseMemObject(gpuk__cl_mem(b)); }

static gpuk_status buffer_write(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                                const void *src) {
  cl_int err = clEnqueueWriteBuffer(gpuk__cl_queue(s), gpuk__cl_mem(b), CL_FALSE, off, size, src,
                                    0, NULL, NULL);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clEnqueueWriteBuffer");
}

static gpuk_status buffer_read(gpuk_stream *s, const gpuk_buffer *b, size_t off, size_t size,
                               void *dst) {
  cl_int err = clEnqueueReadBuffer(gpuk__cl_queue(s), gpuk__cl_mem(b), CL_FALSE, off, size, dst, 0,
                                   NULL, NULL);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clEnqueueReadBuffer");
}

static gpuk_status driver_copy(gpuk_stream *s, const gpuk_buffer *src, size_t src_off,
                               gpuk_buffer *dst, size_t dst_off, size_t size) {
  if (size == 0) return GPUK_SUCCESS;
  cl_int err = clEnqueueCopyBuffer(gpuk__cl_queue(s), gpuk__cl_mem(src), gpuk__cl_mem(dst), src_off,
                                   dst_off, size, 0, NULL, NULL);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clEnqueueCopyBuffer");
}

/* A CPU driver's large copy between offsets that agree modulo 4: the whole
 * words by kernel, the bytes before and after them by the driver. */
static gpuk_status buffer_copy(gpuk_stream *s, const gpuk_buffer *src, size_t src_off,
                               gpuk_buffer *dst, size_t dst_off, size_t size) {
  if (!runs_words_by_kernel(s, src, dst, size, COPY_BY_KERNEL_FROM) || src_off % 4 != dst_off % 4)
    return driver_copy(s, src, src_off, dst, dst_off, size);
  const word_split w = split_words(dst_off, size);
  const size_t body = w.head + 4 * w.words;
  gpuk_status st = driver_copy(s, src, src_off, dst, dst_off, w.head);
  if (!st) {
    const gpuk_arg args[] = {gpuk_arg_buffer((gpuk_buffer *)src),
                             gpuk_arg_u64((src_off + w.head) / 4), gpuk_arg_buffer(dst),
                             gpuk_arg_u64((dst_off + w.head) / 4), gpuk_arg_u64(w.words)};
    st = launch_words(s, "gpuk_copy_words", w.words, 5, args);
  }
  if (!st) st = driver_copy(s, src, src_off + body, dst, dst_off + body, w.tail);
  return st;
}

static gpuk_status driver_fill(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                               const void *pattern, size_t pattern_size) {
  if (size == 0) return GPUK_SUCCESS;
  cl_int err = clEnqueueFillBuffer(gpuk__cl_queue(s), gpuk__cl_mem(b), pattern, pattern_size, off,
                                   size, 0, NULL, NULL);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clEnqueueFillBuffer");
}

/* A CPU driver's large fill with a pattern of at most 4 bytes: the whole
 * words by kernel (each the pattern repeated: off, size and the head are
 * multiples of pattern_size, so every word starts a repeat), the bytes
 * before and after them by the driver. */
static gpuk_status buffer_fill(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                               const void *pattern, size_t pattern_size) {
  if (!runs_words_by_kernel(s, NULL, b, size, FILL_BY_KERNEL_FROM) || pattern_size > 4)
    return driver_fill(s, b, off, size, pattern, pattern_size);
  const word_split w = split_words(off, size);
  const size_t body = w.head + 4 * w.words;
  uint32_t word;
  for (size_t i = 0; i < 4; i += pattern_size)
    memcpy((unsigned char *)&word + i, pattern, pattern_size);
  gpuk_status st = driver_fill(s, b, off, w.head, pattern, pattern_size);
  if (!st) {
    const gpuk_arg args[] = {gpuk_arg_buffer(b), gpuk_arg_u64((off + w.head) / 4),
                             gpuk_arg_u64(w.words), gpuk_arg_u32(word)};
    st = launch_words(s, "gpuk_fill_words", w.words, 4, args);
  }
  if (!st) st = driver_fill(s, b, off + body, w.tail, pattern, pattern_size);
  return st;
}

void gpuk__cl_fill_memory_ops(gpuk_backend_ops *ops) {
  ops->buffer_create = buffer_create;
  ops->buffer_destroy = buffer_destroy;
  ops->buffer_write = buffer_write;
  ops->buffer_read = buffer_read;
  ops->buffer_copy = buffer_copy;
  ops->buffer_fill = buffer_fill;
}
