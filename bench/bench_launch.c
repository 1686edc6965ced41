/* gpuk-bench launch: empty-kernel launch cost through libgpuk, asynchronous
 * (enqueue many, then wait) and synchronous (wait after each), then the same
 * for a cached generated element-wise kernel over one element; the yardstick
 * is the same loop through raw clEnqueueNDRangeKernel / cuLaunchKernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#ifdef GPUK_BENCH_HAVE_OPENCL
#include "raw_opencl.h"
#endif
#ifdef GPUK_BENCH_HAVE_CUDA
#include <cuda.h>
#include <dlfcn.h>
#endif

static const char *kEmpty = "__kernel void empty_kernel(__global float *x) { }\n";

enum { ASYNC_LAUNCHES = 2000, SYNC_LAUNCHES = 300 };

typedef struct launcher {
  int (*launch)(void *ctx);
  int (*sync)(void *ctx);
  void *ctx;
} launcher;

/* Microseconds per launch of one loop of `count` launches (and waits). */
static double loop_us(const launcher *l, int count, int sync_each) {
  double t0 = bench_now_ms();
  for (int i = 0; i < count; i++) {
    if (l->launch(l->ctx)) return -1;
    if (sync_each && l->sync(l->ctx)) return -1;
  }
  if (l->sync(l->ctx)) return -1;
  return (bench_now_ms() - t0) * 1e3 / count;
}

/* Times ours and (when given) the raw loop in alternation, so that drift in
 * the machine's load hits both alike; medians over o->repeat rounds. The
 * stats are in ms per launch, for the table's time columns. */
static int time_launches(const launcher *ours, const launcher *raw, const bench_options *o,
                         int count, int sync_each, bench_stats *stats, double *ours_us,
                         double *raw_us) {
  double *a = calloc((size_t)o->repeat, sizeof *a), *b = calloc((size_t)o->repeat, sizeof *b);
  int failed = !a || !b;
  for (int w = 0; w < o->warmup && !failed; w++)
    failed = loop_us(ours, 10, sync_each) < 0 || (raw && loop_us(raw, 10, sync_each) < 0);
  for (int r = 0; r < o->repeat && !failed; r++) {
    a[r] = loop_us(ours, count, sync_each);
    b[r] = raw ? loop_us(raw, count, sync_each) : 0;
    failed = a[r] < 0 || b[r] < 0;
  }
  if (!failed) {
    bench_stats st = bench_summarize(a, o->repeat);
    stats->median_ms = st.median_ms * 1e-3;
    stats->min_ms = st.min_ms * 1e-3;
    stats->max_ms = st.max_ms * 1e-3;
    *ours_us = st.median_ms;
    *raw_us = raw ? bench_summarize(b, o->repeat).median_ms : -1;
  }
  free(a);
  free(b);
  return failed;
}

/* Our two launch paths share one stream and one buffer argument: the empty
 * kernel through gpuk_kernel_launch, and a generated element-wise kernel over
 * one element through gpuk_elementwise_run. */
typedef struct gpuk_launch_ctx {
  gpuk_stream *s;
  gpuk_kernel *k;
  gpuk_elementwise *expr;
  gpuk_arg arg;
} gpuk_launch_ctx;

static int gpuk_launch_one(void *p) {
  gpuk_launch_ctx *c = p;
  size_t global = 1, local = 1;
  return gpuk_kernel_launch(c->s, c->k, 1, &global, &local, 1, &c->arg) != GPUK_SUCCESS;
}

static int expr_launch_one(void *p) {
  gpuk_launch_ctx *c = p;
  return gpuk_elementwise_run(c->s, c->expr, 0, 1, 1, &c->arg) != GPUK_SUCCESS;
}

static int gpuk_sync(void *p) { return gpuk_stream_synchronize(((gpuk_launch_ctx *)p)->s) != 0; }

#ifdef GPUK_BENCH_HAVE_OPENCL
typedef struct raw_cl {
  raw_cl_device device;
  cl_program prog;
  cl_kernel k;
  cl_mem mem;
} raw_cl;

static int raw_launch(void *p) {
  raw_cl *c = p;
  size_t global = 1, local = 1;
  if (clSetKernelArg(c->k, 0, sizeof c->mem, &c->mem) != CL_SUCCESS) return 1;
  return clEnqueueNDRangeKernel(c->device.queue, c->k, 1, NULL, &global, &local, 0, NULL, NULL) !=
         CL_SUCCESS;
}

static int raw_sync(void *p) { return clFinish(((raw_cl *)p)->device.queue) != CL_SUCCESS; }

/* Opens the same OpenCL device directly and builds the empty kernel; returns 0
 * on success. */
static int raw_open(const gpuk_device_info *info, raw_cl *c) {
  cl_int err;
  if (raw_cl_device_open(info, &c->device)) return 1;
  c->prog = clCreateProgramWithSource(c->device.context, 1, &kEmpty, NULL, &err);
  if (err || clBuildProgram(c->prog, 1, &c->device.device, "", NULL, NULL) != CL_SUCCESS) return 1;
  c->k = clCreateKernel(c->prog, "empty_kernel", &err);
  if (err) return 1;
  c->mem = clCreateBuffer(c->device.context, CL_MEM_READ_WRITE, 64, NULL, &err);
  return err != CL_SUCCESS;
}

static void raw_close(raw_cl *c) {
  if (c->mem) clReleaseMemObject(c->mem);
  if (c->k) clReleaseKernel(c->k);
  if (c->prog) clReleaseProgram(c->prog);
  raw_cl_device_close(&c->device);
}
#endif

#ifdef GPUK_BENCH_HAVE_CUDA
/* An empty kernel in PTX, JIT-compiled by the driver: no NVRTC needed. */
static const char *kEmptyPtx = ".version 7.0\n.target sm_50\n.address_size 64\n"
                               ".visible .entry empty_kernel(.param .u64 x) { ret; }\n";

typedef struct raw_cu {
  CUresult (*init)(unsigned);
  CUresult (*device_get)(CUdevice *, int);
  CUresult (*retain)(CUcontext *, CUdevice);
  CUresult (*release)(CUdevice);
  CUresult (*set_current)(CUcontext);
  CUresult (*load)(CUmodule *, const void *);
  CUresult (*unload)(CUmodule);
  CUresult (*get_function)(CUfunction *, CUmodule, const char *);
  CUresult (*stream_create)(CUstream *, unsigned);
  CUresult (*stream_destroy)(CUstream);
  CUresult (*stream_sync)(CUstream);
  CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                     unsigned, CUstream, void **, void **);
  CUdevice dev;
  CUcontext ctx;
  CUmodule module;
  CUfunction fn;
  CUstream stream;
  unsigned long long arg;
} raw_cu;

static int raw_cu_launch(void *p) {
  raw_cu *c = p;
  void *params[1] = {&c->arg};
  return c->launch(c->fn, 1, 1, 1, 1, 1, 1, 0, c->stream, params, NULL) != CUDA_SUCCESS;
}

static int raw_cu_sync(void *p) { return ((raw_cu *)p)->stream_sync(((raw_cu *)p)->stream) != 0; }

static int raw_cu_open(int ordinal, raw_cu *c) {
  void *h = dlopen(GPUK_BENCH_LIBCUDA, RTLD_NOW | RTLD_LOCAL);
  if (!h) return 1;
#define SYM(field, name) if (!(*(void **)&c->field = dlsym(h, name))) return 1
  SYM(init, "cuInit");
  SYM(device_get, "cuDeviceGet");
  SYM(retain, "cuDevicePrimaryCtxRetain");
  SYM(release, "cuDevicePrimaryCtxRelease_v2");
  SYM(set_current, "cuCtxSetCurrent");
  SYM(load, "cuModuleLoadData");
  SYM(unload, "cuModuleUnload");
  SYM(get_function, "cuModuleGetFunction");
  SYM(stream_create, "cuStreamCreate");
  SYM(stream_destroy, "cuStreamDestroy_v2");
  SYM(stream_sync, "cuStreamSynchronize");
  SYM(launch, "cuLaunchKernel");
#undef SYM
  return c->init(0) || c->device_get(&c->dev, ordinal) || c->retain(&c->ctx, c->dev) ||
         c->set_current(c->ctx) || c->load(&c->module, kEmptyPtx) ||
         c->get_function(&c->fn, c->module, "empty_kernel") ||
         c->stream_create(&c->stream, CU_STREAM_NON_BLOCKING);
}

static void raw_cu_close(raw_cu *c) {
  if (c->stream) c->stream_destroy(c->stream);
  if (c->module) c->unload(c->module);
  if (c->ctx) c->release(c->dev);
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
  float zero = 0;
  BENCH_CHECK(gpuk_buffer_fill(NULL, b, 0, 64, &zero, 4));
  BENCH_CHECK(gpuk_elementwise_create(dev, "float *x", "x[i] += 1.0f", "bench_touch", NULL, &c.expr));
  launcher ours = {gpuk_launch_one, gpuk_sync, &c};
  launcher expr = {expr_launch_one, gpuk_sync, &c};

  launcher raw = {NULL, NULL, NULL};
  const char *raw_name = NULL;
#ifdef GPUK_BENCH_HAVE_OPENCL
  raw_cl cl = {0};
  if (info.backend == GPUK_BACKEND_OPENCL && raw_open(&info, &cl) == 0) {
    raw = (launcher){raw_launch, raw_sync, &cl};
    raw_name = "raw OpenCL loop";
  }
#endif
#ifdef GPUK_BENCH_HAVE_CUDA
  raw_cu cu = {0};
  if (info.backend == GPUK_BACKEND_CUDA && raw_cu_open(info.platform_index, &cu) == 0) {
    raw = (launcher){raw_cu_launch, raw_cu_sync, &cu};
    raw_name = "raw cuLaunchKernel";
  }
#endif
  int rc = 0;
  static const char *const names[4] = {"launch-async", "launch-sync", "launch-expr-async",
                                       "launch-expr-sync"};
  for (int row = 0; row < 4 && !rc; row++) {
    const int sync_each = row % 2;
    bench_row r = bench_row_new(names[row], sel, info.name, 1);
    double raw_us = -1;
    if (time_launches(row < 2 ? &ours : &expr, raw_name ? &raw : NULL, o,
                      sync_each ? SYNC_LAUNCHES : ASYNC_LAUNCHES, sync_each, &r.t, &r.us_per_call,
                      &raw_us)) {
      fprintf(stderr, "gpuk-bench launch: %s\n", gpuk_last_error());
      rc = 2;
      break;
    }
    if (raw_us > 0) {
      r.yardstick = raw_name;
      r.pct_of_yardstick = 100.0 * raw_us / r.us_per_call;
    }
    bench_print_row(o, &r);
  }
#ifdef GPUK_BENCH_HAVE_OPENCL
  raw_close(&cl);
#endif
#ifdef GPUK_BENCH_HAVE_CUDA
  if (info.backend == GPUK_BACKEND_CUDA) raw_cu_close(&cu);
#endif
  /* Verify: every launch of the generated kernel (warm-up loops of 10, then
   * the timed ones) added 1 to x[0]; the empty kernel touches nothing. */
  float x0 = -1;
  double launches = 2.0 * o->warmup * 10 + (double)o->repeat * (ASYNC_LAUNCHES + SYNC_LAUNCHES);
  if (!rc) BENCH_CHECK(gpuk_buffer_read(NULL, b, 0, 4, &x0));
  if (!rc && x0 != launches) {
    fprintf(stderr, "gpuk-bench launch: FAILED: the generated kernel ran %g times, not %g\n", x0,
            launches);
    rc = 1;
  }
  gpuk_elementwise_destroy(c.expr);
  gpuk_buffer_destroy(b);
  gpuk_kernel_destroy(c.k);
  gpuk_program_destroy(p);
  gpuk_stream_destroy(c.s);
  return rc;
}
