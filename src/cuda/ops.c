/* The CUDA backend's ops table. */
#include "cuda.h"

static gpuk_backend_ops make_ops(void) {
  gpuk_backend_ops ops = {0};
  ops.backend = GPUK_BACKEND_CUDA;
  ops.name = "cuda";
  gpuk__cu_fill_device_ops(&ops);
  gpuk__cu_fill_memory_ops(&ops);
  gpuk__cu_fill_stream_ops(&ops);
  gpuk__cu_fill_kernel_ops(&ops);
  return ops;
}

const gpuk_backend_ops *gpuk__cuda_ops(void) {
  static gpuk_backend_ops ops;
  static int ready;
  if (!ready) { /* only called from the registry's pthread_once */
    ops = make_ops();
    ready = 1;
  }
  return &ops;
}
