/* Internals shared by the OpenCL backend's files. */
#ifndef GPUK_OPENCL_OPENCL_H
#define GPUK_OPENCL_OPENCL_H

#include <CL/cl.h>

#include "../core/backend.h"

typedef struct gpuk__cl_device {
  cl_platform_id platform;
  cl_device_id device;
  cl_context context;
  char platform_version[128];
} gpuk__cl_device;

static inline gpuk__cl_device *gpuk__cl(const gpuk_device *d) { return (gpuk__cl_device *)d->impl; }
static inline cl_command_queue gpuk__cl_queue(const gpuk_stream *s) { return (cl_command_queue)s->impl; }
static inline cl_mem gpuk__cl_mem(const gpuk_buffer *b) { return (cl_mem)b->impl; }

/* "CL_OUT_OF_RESOURCES" for an OpenCL error code. */
const char *gpuk__cl_error_name(cl_int err);

/* Maps an OpenCL error to a status and message "<what>: CL_xxx (code)". */
gpuk_status gpuk__cl_fail(cl_int err, const char *what);

gpuk_status gpuk__cl_enumerate(gpuk__device_list *list, char *reason, size_t reason_size);
void gpuk__cl_fill_device_ops(gpuk_backend_ops *ops);
void gpuk__cl_fill_memory_ops(gpuk_backend_ops *ops);
void gpuk__cl_fill_stream_ops(gpuk_backend_ops *ops);
void gpuk__cl_fill_kernel_ops(gpuk_backend_ops *ops);

#endif
