/* The OpenCL backend's ops table. */
#include "opencl.h"

static void fill(gpuk_backend_ops *ops) {
  ops->backend = GPUK_BACKEND_OPENCL;
  gpuk__cl_fill_device_ops(ops);
  gpuk__cl_fill_memory_ops(ops);
  gpuk__cl_fill_stream_ops(ops);
  gpuk__cl_fill_kernel_ops(ops);
  ops->name = "opencl"; /* last: marks the table filled */
}

GPUK__DEFINE_OPS_GETTER(gpuk__opencl_ops, fill)
