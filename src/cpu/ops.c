/* The CPU backend's ops table: always compiled, always available. */
#include "cpu.h"

static gpuk_status device_open(gpuk_device *d) {
  d->impl = d; /* no state beyond the handle; non-NULL marks it open */
  return GPUK_SUCCESS;
}

static void device_close(gpuk_device *d) { (void)d; }

static void fill(gpuk_backend_ops *ops) {
  ops->backend = GPUK_BACKEND_CPU;
  ops->enumerate = gpuk__cpu_enumerate;
  ops->device_open = device_open;
  ops->device_close = device_close;
  gpuk__cpu_fill_memory_ops(ops);
  gpuk__cpu_fill_stream_ops(ops);
  gpuk__cpu_fill_vec_ops(ops);
  gpuk__cpu_fill_gemm_ops(ops);
  gpuk__cpu_fill_jit_ops(ops);
  gpuk__cpu_fill_expr_ops(ops);
  ops->name = "cpu"; /* last: marks the table filled */
}

GPUK__DEFINE_OPS_GETTER(gpuk__cpu_ops, fill)
