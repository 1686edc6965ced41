/* OpenCL buffers and transfers: non-blocking enqueues on the stream's queue. */
#include "../core/error.h"
#include "opencl.h"

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

static gpuk_status buffer_copy(gpuk_stream *s, const gpuk_buffer *src, size_t src_off,
                               gpuk_buffer *dst, size_t dst_off, size_t size) {
  cl_int err = clEnqueueCopyBuffer(gpuk__cl_queue(s), gpuk__cl_mem(src), gpuk__cl_mem(dst), src_off,
                                   dst_off, size, 0, NULL, NULL);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clEnqueueCopyBuffer");
}

static gpuk_status buffer_fill(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                               const void *pattern, size_t pattern_size) {
  cl_int err = clEnqueueFillBuffer(gpuk__cl_queue(s), gpuk__cl_mem(b), pattern, pattern_size, off,
                                   size, 0, NULL, NULL);
  return err == CL_SUCCESS ? GPUK_SUCCESS : gpuk__cl_fail(err, "clEnqueueFillBuffer");
}

void gpuk__cl_fill_memory_ops(gpuk_backend_ops *ops) {
  ops->buffer_create = buffer_create;
  ops->buffer_destroy = buffer_destroy;
  ops->buffer_write = buffer_write;
  ops->buffer_read = buffer_read;
  ops->buffer_copy = buffer_copy;
  ops->buffer_fill = buffer_fill;
}
