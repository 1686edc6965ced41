/* Vendor GEMM yardsticks (sgemm, dgemm; any shape and transposes) for
 * gpuk-bench matmul: cuBLAS through the driver API and libcublas opened at
 * run time (TF32 off: CUBLAS_DEFAULT_MATH), CLBlast on OpenCL devices and
 * OpenBLAS's cblas_?gemm when the build found them. Median of repeats, like
 * libgpuk's own figures. */
#include "yardstick.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef GPUK_BENCH_HAVE_OPENBLAS
#include <cblas.h>
#endif
#ifdef GPUK_BENCH_HAVE_CUDA
#include <dlfcn.h>
#endif
#ifdef GPUK_BENCH_HAVE_CLBLAST
#include <clblast_c.h>

#include "raw_opencl.h"
#endif

#ifdef GPUK_BENCH_HAVE_OPENBLAS
static int openblas_gemm(gpuk_dtype dtype, const void *a, const void *b, void *c,
                         const bench_options *o, bench_stats *stats) {
  double *samples = calloc((size_t)o->repeat, sizeof *samples);
  if (!samples) return 1;
  const int m = (int)o->m, n = (int)o->n, k = (int)o->k;
  const int lda = (int)bench_gemm_lda(o), ldb = (int)bench_gemm_ldb(o);
  const enum CBLAS_TRANSPOSE ta = o->trans_a ? CblasTrans : CblasNoTrans;
  const enum CBLAS_TRANSPOSE tb = o->trans_b ? CblasTrans : CblasNoTrans;
  for (int i = 0; i < o->warmup + o->repeat; i++) {
    double t0 = bench_now_ms();
    if (dtype == GPUK_FLOAT64)
      cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, n);
    else
      cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n);
    if (i >= o->warmup) samples[i - o->warmup] = bench_now_ms() - t0;
  }
  *stats = bench_summarize(samples, o->repeat);
  free(samples);
  return 0;
}
#endif

#ifdef GPUK_BENCH_HAVE_CUDA
/* The driver API and cuBLAS functions the yardstick calls, opened at run time
 * (the driver's types reduced to what crosses the calls: handles as void *,
 * device pointers as unsigned long long). */
typedef struct cublas_api {
  int (*init)(unsigned);
  int (*device_get)(int *, int);
  int (*primary_ctx_retain)(void **, int);
  int (*primary_ctx_release)(int);
  int (*ctx_set_current)(void *);
  int (*mem_alloc)(unsigned long long *, size_t);
  int (*mem_free)(unsigned long long);
  int (*htod)(unsigned long long, const void *, size_t);
  int (*dtoh)(void *, unsigned long long, size_t);
  int (*event_create)(void **, unsigned);
  int (*event_record)(void *, void *);
  int (*event_synchronize)(void *);
  int (*event_elapsed)(float *, void *, void *);
  int (*event_destroy)(void *);
  int (*create)(void **);
  int (*destroy)(void *);
  int (*set_math_mode)(void *, int);
  /* cublasSgemm_v2 and cublasDgemm_v2 differ only in the element type, which
   * reaches them through pointers. */
  int (*sgemm)(void *, int, int, int, int, int, const void *, const void *, int, const void *, int,
               const void *, void *, int);
  int (*dgemm)(void *, int, int, int, int, int, const void *, const void *, int, const void *, int,
               const void *, void *, int);
} cublas_api;

#define CUBLAS_API_FUNCTIONS(X)                              \
  X(cu, init, "cuInit")                                      \
  X(cu, device_get, "cuDeviceGet")                           \
  X(cu, primary_ctx_retain, "cuDevicePrimaryCtxRetain")      \
  X(cu, primary_ctx_release, "cuDevicePrimaryCtxRelease_v2") \
  X(cu, ctx_set_current, "cuCtxSetCurrent")                  \
  X(cu, mem_alloc, "cuMemAlloc_v2")                          \
  X(cu, mem_free, "cuMemFree_v2")                            \
  X(cu, htod, "cuMemcpyHtoD_v2")                             \
  X(cu, dtoh, "cuMemcpyDtoH_v2")                             \
  X(cu, event_create, "cuEventCreate")                       \
  X(cu, event_record, "cuEventRecord")                       \
  X(cu, event_synchronize, "cuEventSynchronize")             \
  X(cu, event_elapsed, "cuEventElapsedTime")                 \
  X(cu, event_destroy, "cuEventDestroy_v2")                  \
  X(blas, create, "cublasCreate_v2")                         \
  X(blas, destroy, "cublasDestroy_v2")                       \
  X(blas, set_math_mode, "cublasSetMathMode")                \
  X(blas, sgemm, "cublasSgemm_v2")                           \
  X(blas, dgemm, "cublasDgemm_v2")

/* Opens libcuda and libcublas once (they stay loaded, as cuBLAS expects);
 * NULL when either or any function is missing. */
static const cublas_api *cublas_api_load(void) {
  static cublas_api api;
  static int state; /* 0 not tried, 1 loaded, -1 unavailable */
  if (state) return state > 0 ? &api : NULL;
  state = -1;
  void *cu = dlopen(GPUK_BENCH_LIBCUDA, RTLD_NOW | RTLD_LOCAL);
  void *blas = dlopen(GPUK_BENCH_CUBLAS, RTLD_NOW | RTLD_LOCAL);
  if (!blas) blas = dlopen("libcublas.so", RTLD_NOW | RTLD_LOCAL);
  if (!cu || !blas) return NULL;
#define LOAD(lib, field, symbol)                     \
  *(void **)(void *)&api.field = dlsym(lib, symbol); \
  if (!api.field) return NULL;
  CUBLAS_API_FUNCTIONS(LOAD)
#undef LOAD
  state = 1;
  return &api;
}

/* cuBLAS with device memory from the driver API in the primary context, which
 * the runtime inside cuBLAS shares; whatever it created is released on every
 * path. Returns 0 on success. */
static int cublas_gemm(int ordinal, gpuk_dtype dtype, const void *a, const void *b, void *c,
                       const bench_options *o, bench_stats *stats) {
  const cublas_api *cu = cublas_api_load();
  if (!cu) return 1;
  int dev = -1, retained = 0; /* retained: a primary-context reference to give back */
  void *ctx = NULL, *handle = NULL, *e0 = NULL, *e1 = NULL;
  unsigned long long da = 0, db = 0, dc = 0;
  const size_t es = gpuk_dtype_size(dtype);
  const size_t a_bytes = o->m * o->k * es, b_bytes = o->k * o->n * es, c_bytes = o->m * o->n * es;
  double *samples = calloc((size_t)o->repeat, sizeof *samples);
  int failed = !samples || cu->init(0) || cu->device_get(&dev, ordinal) ||
               !(retained = !cu->primary_ctx_retain(&ctx, dev)) || cu->ctx_set_current(ctx) ||
               cu->mem_alloc(&da, a_bytes) || cu->mem_alloc(&db, b_bytes) ||
               cu->mem_alloc(&dc, c_bytes) || cu->htod(da, a, a_bytes) ||
               cu->htod(db, b, b_bytes) || cu->htod(dc, c, c_bytes) || cu->create(&handle) ||
               cu->set_math_mode(handle, 0 /* CUBLAS_DEFAULT_MATH: no TF32 */) ||
               cu->event_create(&e0, 0) || cu->event_create(&e1, 0);
  const float one_f = 1.0f, zero_f = 0.0f;
  const double one_d = 1.0, zero_d = 0.0;
  const int f64 = dtype == GPUK_FLOAT64;
  const void *one = f64 ? (const void *)&one_d : (const void *)&one_f;
  const void *zero = f64 ? (const void *)&zero_d : (const void *)&zero_f;
  /* Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: B's
   * row-major storage read column-major is B^T, so B goes first with B's
   * transpose flag (CUBLAS_OP_N 0, CUBLAS_OP_T 1), then A with A's. */
  const int m = (int)o->m, n = (int)o->n, k = (int)o->k;
  const int lda = (int)bench_gemm_lda(o), ldb = (int)bench_gemm_ldb(o);
  for (int i = 0; i < o->warmup + o->repeat && !failed; i++) {
    float ms = 0;
    failed =
        cu->event_record(e0, NULL) ||
        (f64 ? cu->dgemm : cu->sgemm)(handle, o->trans_b, o->trans_a, n, m, k, one,
                                      (const void *)(uintptr_t)db, ldb, (const void *)(uintptr_t)da,
                                      lda, zero, (void *)(uintptr_t)dc, n) ||
        cu->event_record(e1, NULL) || cu->event_synchronize(e1) || cu->event_elapsed(&ms, e0, e1);
    if (i >= o->warmup && !failed) samples[i - o->warmup] = ms;
  }
  failed = failed || cu->dtoh(c, dc, c_bytes);
  if (!failed) *stats = bench_summarize(samples, o->repeat);
  free(samples);
  if (e0) cu->event_destroy(e0);
  if (e1) cu->event_destroy(e1);
  if (handle) cu->destroy(handle);
  if (da) cu->mem_free(da);
  if (db) cu->mem_free(db);
  if (dc) cu->mem_free(dc);
  if (retained) cu->primary_ctx_release(dev);
  return failed;
}
#endif

#ifdef GPUK_BENCH_HAVE_CLBLAST
/* CLBlast on the same OpenCL device, through its own context and queue; its
 * tuned parameters are CLBlast's own database (no tuning run here). */
static int clblast_gemm(const gpuk_device_info *info, gpuk_dtype dtype, const void *a,
                        const void *b, void *c, const bench_options *o, bench_stats *stats) {
  raw_cl_device d = {0};
  if (raw_cl_device_open(info, &d)) return 1;
  const size_t es = gpuk_dtype_size(dtype), m = o->m, n = o->n, k = o->k;
  const size_t lda = bench_gemm_lda(o), ldb = bench_gemm_ldb(o);
  const CLBlastTranspose ta = o->trans_a ? CLBlastTransposeYes : CLBlastTransposeNo;
  const CLBlastTranspose tb = o->trans_b ? CLBlastTransposeYes : CLBlastTransposeNo;
  const cl_mem_flags in = CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR;
  cl_int e1, e2, e3;
  cl_mem da = clCreateBuffer(d.context, in, m * k * es, (void *)a, &e1);
  cl_mem db = clCreateBuffer(d.context, in, k * n * es, (void *)b, &e2);
  cl_mem dc =
      clCreateBuffer(d.context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, m * n * es, c, &e3);
  double *samples = calloc((size_t)o->repeat, sizeof *samples);
  int failed = e1 || e2 || e3 || !samples;
  for (int i = 0; i < o->warmup + o->repeat && !failed; i++) {
    double t0 = bench_now_ms();
    CLBlastStatusCode st = dtype == GPUK_FLOAT64
                               ? CLBlastDgemm(CLBlastLayoutRowMajor, ta, tb, m, n, k, 1.0, da, 0,
                                              lda, db, 0, ldb, 0.0, dc, 0, n, &d.queue, NULL)
                               : CLBlastSgemm(CLBlastLayoutRowMajor, ta, tb, m, n, k, 1.0f, da, 0,
                                              lda, db, 0, ldb, 0.0f, dc, 0, n, &d.queue, NULL);
    failed = st != CLBlastSuccess || clFinish(d.queue) != CL_SUCCESS;
    if (i >= o->warmup) samples[i - o->warmup] = bench_now_ms() - t0;
  }
  failed = failed ||
           clEnqueueReadBuffer(d.queue, dc, CL_TRUE, 0, m * n * es, c, 0, NULL, NULL) != CL_SUCCESS;
  if (!failed) *stats = bench_summarize(samples, o->repeat);
  free(samples);
  if (!e1) clReleaseMemObject(da);
  if (!e2) clReleaseMemObject(db);
  if (!e3) clReleaseMemObject(dc);
  raw_cl_device_close(&d);
  return failed;
}
#endif

int yardstick_gemm(const gpuk_device_info *info, gpuk_dtype dtype, const void *a, const void *b,
                   void *c, const bench_options *o, bench_stats *stats, const char **name) {
  const int f64 = dtype == GPUK_FLOAT64;
  *name = NULL;
  (void)a, (void)b, (void)c, (void)o, (void)stats, (void)f64;
#ifdef GPUK_BENCH_HAVE_CUDA
  if (info->backend == GPUK_BACKEND_CUDA &&
      cublas_gemm(info->platform_index, dtype, a, b, c, o, stats) == 0) {
    *name = f64 ? "cuBLAS dgemm" : "cuBLAS sgemm";
    return 0;
  }
#endif
#ifdef GPUK_BENCH_HAVE_CLBLAST
  if (info->backend == GPUK_BACKEND_OPENCL && clblast_gemm(info, dtype, a, b, c, o, stats) == 0) {
    *name = f64 ? "CLBlast dgemm" : "CLBlast sgemm";
    return 0;
  }
#endif
#ifdef GPUK_BENCH_HAVE_OPENBLAS
  if (info->backend == GPUK_BACKEND_CPU && openblas_gemm(dtype, a, b, c, o, stats) == 0) {
    *name = f64 ? "OpenBLAS dgemm" : "OpenBLAS sgemm";
    return 0;
  }
#endif
  (void)info;
  return 1;
}
