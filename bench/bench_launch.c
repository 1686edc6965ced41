/* gpuk-bench launch: empty-kernel launch cost through libgpuk, asynchronous
 * (enqueue many, then wait) and synchronous (wait after each), and on OpenCL
 * the same loop through raw clEnqueueNDRangeKernel as the yardstick. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#ifdef GPUK_BENCH_HAVE_OPENCL
#include <CL/cl.h>
#endif

static const char *kEmpty = "__kernel void empty_kernel(__global float *x) { }\n";

enum { ASYNC_LAUNCHES = 2000, SYNC_LAUNCHES = 300 };

typedef struct launcher {
  int (*launch)(void *ctx);
  int (*sync)(void *ctx);
  void *ctx;
} launcher;

/* Median microseconds per launch over o->repeat loops of `count` launches. */
static double time_loop(const launcher *l, const bench_options *o, int count, int sync_each,
                        bench_stats *stats) {
  double *samples = calloc((size_t)o->repeat, sizeof *samples);
  if (!samples) return -1;
  for (int w = 0; w < o->warmup; w++) {
    if (l->launch(l->ctx) || l->sync(l->ctx)) return -1;
  }
  for (int r = 0; r < o->repeat; r++) {
    double t0 = bench_now_ms();
    for (int i = 0; i < count; i++) {
      if (l->launch(l->ctx)) return -1;
      if (sync_each && l->sync(l->ctx)) return -1;
    }
    if (l->sync(l->ctx)) return -1;
    samples[r] = (bench_now_ms() - t0) * 1e3 / count;
  }
  bench_stats st = bench_summarize(samples, o->repeat);
  free(samples);
  /* Stats in ms per launch, for the table's time columns. */
  stats->median_ms = st.median_ms * 1e-3;
  stats->min_ms = st.min_ms * 1e-3;
  stats->max_ms = st.max_ms * 1e-3;
  return st.median_ms;
}

typedef struct gpuk_launch_ctx {
  gpuk_stream *s;
  gpuk_kernel *k;
  gpuk_arg arg;
} gpuk_launch_ctx;

static int gpuk_launch_one(void *p) {
  gpuk_launch_ctx *c = p;
  size_t global = 1, local = 1;
  return gpuk_kernel_launch(c->s, c->k, 1, &global, &local, 1, &c->arg) != GPUK_SUCCESS;
}

static int gpuk_sync(void *p) { return gpuk_stream_synchronize(((gpuk_launch_ctx *)p)->s) != 0; }

#ifdef GPUK_BENCH_HAVE_OPENCL
typedef struct raw_cl {
  cl_context ctx;
  cl_command_queue q;
  cl_program prog;
  cl_kernel k;
  cl_mem mem;
} raw_cl;

static int raw_launch(void *p) {
  raw_cl *c = p;
  size_t global = 1, local = 1;
  if (clSetKernelArg(c->k, 0, sizeof c->mem, &c->mem) != CL_SUCCESS) return 1;
  return clEnqueueNDRangeKernel(c->q, c->k, 1, NULL, &global, &local, 0, NULL, NULL) != CL_SUCCESS;
}

static int raw_sync(void *p) { return clFinish(((raw_cl *)p)->q) != CL_SUCCESS; }

/* Opens the same OpenCL device directly; returns 0 on success. */
static int raw_open(const gpuk_device_info *info, raw_cl *c) {
  cl_platform_id platforms[16];
  cl_uint np = 0;
  if (clGetPlatformIDs(16, platforms, &np) != CL_SUCCESS || (cl_uint)info->platform_index >= np)
    return 1;
  cl_device_id devices[64];
  cl_uint nd = 0;
  if (clGetDeviceIDs(platforms[info->platform_index], CL_DEVICE_TYPE_ALL, 64, devices, &nd) !=
          CL_SUCCESS ||
      (cl_uint)info->device_index >= nd)
    return 1;
  cl_device_id d = devices[info->device_index];
  cl_int err;
  c->ctx = clCreateContext(NULL, 1, &d, NULL, NULL, &err);
  if (err) return 1;
  c->q = clCreateCommandQueue(c->ctx, d, 0, &err);
  if (err) return 1;
  c->prog = clCreateProgramWithSource(c->ctx, 1, &kEmpty, NULL, &err);
  if (err || clBuildProgram(c->prog, 1, &d, "", NULL, NULL) != CL_SUCCESS) return 1;
  c->k = clCreateKernel(c->prog, "empty_kernel", &err);
  if (err) return 1;
  c->mem = clCreateBuffer(c->ctx, CL_MEM_READ_WRITE, 64, NULL, &err);
  return err != CL_SUCCESS;
}

static void raw_close(raw_cl *c) {
  if (c->mem) clReleaseMemObject(c->mem);
  if (c->k) clReleaseKernel(c->k);
  if (c->prog) clReleaseProgram(c->prog);
  if (c->q) clReleaseCommandQueue(c->q);
  if (c->ctx) clReleaseContext(c->ctx);
}
#endif

int bench_launch(gpuk_device *dev, const char *sel, const bench_options *o) {
  gpuk_device_info info;
  BENCH_CHECK(gpuk_device_get_info(dev, &info));
  if (info.backend == GPUK_BACKEND_CPU) {
    if (!o->quiet)
      fprintf(stderr, "gpuk-bench launch: %s runs no user kernels; skipped\n", sel);
    return 0;
  }
  gpuk_launch_ctx c;
  gpuk_program *p;
  gpuk_buffer *b;
  BENCH_CHECK(gpuk_stream_create(dev, &c.s));
  BENCH_CHECK(gpuk_program_build(dev, kEmpty, GPUK_SOURCE_OPENCL_C, "", &p));
  BENCH_CHECK(gpuk_kernel_create(p, "empty_kernel", &c.k));
  BENCH_CHECK(gpuk_buffer_create(dev, 64, GPUK_MEM_READ_WRITE, &b));
  c.arg = gpuk_arg_buffer(b);
  launcher ours = {gpuk_launch_one, gpuk_sync, &c};

  double raw_async = -1, raw_sync_us = -1;
  bench_stats raw_stats;
#ifdef GPUK_BENCH_HAVE_OPENCL
  raw_cl raw = {0};
  if (info.backend == GPUK_BACKEND_OPENCL && raw_open(&info, &raw) == 0) {
    launcher l = {raw_launch, raw_sync, &raw};
    raw_async = time_loop(&l, o, ASYNC_LAUNCHES, 0, &raw_stats);
    raw_sync_us = time_loop(&l, o, SYNC_LAUNCHES, 1, &raw_stats);
  }
  raw_close(&raw);
#endif
  for (int sync_each = 0; sync_each < 2; sync_each++) {
    bench_row r = {sync_each ? "launch-sync" : "launch-async", sel, info.name, 1, {0, 0, 0}, -1, -1,
                   -1, NULL, -1, -1, 1};
    r.us_per_call = time_loop(&ours, o, sync_each ? SYNC_LAUNCHES : ASYNC_LAUNCHES, sync_each, &r.t);
    if (r.us_per_call < 0) {
      fprintf(stderr, "gpuk-bench launch: %s\n", gpuk_last_error());
      return 2;
    }
    double raw_us = sync_each ? raw_sync_us : raw_async;
    if (raw_us > 0) {
      r.yardstick = "raw OpenCL loop";
      r.pct_of_yardstick = 100.0 * raw_us / r.us_per_call;
    }
    bench_print_row(o, &r);
  }
  gpuk_buffer_destroy(b);
  gpuk_kernel_destroy(c.k);
  gpuk_program_destroy(p);
  gpuk_stream_destroy(c.s);
  return 0;
}
