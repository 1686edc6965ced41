/* The CUDA backend's ops table. */
#include "cuda.h"

static void fill(gpuk_backend_ops *ops) {
  ops->backend = GPUK_BACKEND_CUDA;
  gpuk__cu_fill_device_ops(ops);
  gpuk__cu_fill_memory_ops(ops);
  gpuk__cu_fill_stream_ops(ops);
  gpuk__cu_fill_kernel_ops(ops);
  ops->name = "cuda"; /* last: marks the table filled */
}

GPUK__DEFINE_OPS_GETTER(gpuk__cuda_ops, fill)
