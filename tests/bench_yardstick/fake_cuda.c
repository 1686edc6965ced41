/* A stand-in for the CUDA driver and cuBLAS with host memory: the functions
 * gpuk-bench's cuBLAS yardstick (bench/yardstick.c) opens, with cuBLAS's
 * documented column-major semantics, counting what is live and failing a
 * chosen call, so that the yardstick's calls and its clean-up on every path
 * are checked without a GPU. The test has the yardstick open this one
 * library, by its path, as both the driver and cuBLAS. */
#include "fake_cuda.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int live, calls, fail_at, initialized;
static const char *failed;

int fake_cuda_live_objects(void) {
  return live;
}
void fake_cuda_fail_call(int nth) {
  fail_at = nth;
  calls = 0;
  failed = NULL;
}
const char *fake_cuda_failed_call(void) {
  return failed;
}

/* Counts the call; nonzero (an error status of the driver or of cuBLAS) when
 * it is the one to fail. */
#define failing() failing_call(__func__)
static int failing_call(const char *name) {
  if (++calls != fail_at) return 0;
  failed = name;
  return 1;
}

static void *new_object(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (p) live++;
  return p;
}
static void free_object(void *p) {
  if (p) live--;
  free(p);
}

typedef unsigned long long devptr;

int cuInit(unsigned flags) {
  if (failing() || flags) return 1;
  initialized = 1;
  return 0;
}
int cuDeviceGet(int *device, int ordinal) {
  if (failing() || !initialized || ordinal != 0) return 1;
  *device = ordinal;
  return 0;
}
int cuDevicePrimaryCtxRetain(void **ctx, int device) {
  if (failing() || device != 0) return 1;
  *ctx = (void *)&live;
  live++;
  return 0;
}
/* The releasing functions release even when they report an error. */
int cuDevicePrimaryCtxRelease_v2(int device) {
  if (device != 0) return 1;
  live--;
  return failing();
}
int cuCtxSetCurrent(void *ctx) {
  return failing() || ctx != (void *)&live;
}
int cuMemAlloc_v2(devptr *p, size_t bytes) {
  if (failing() || bytes == 0) return 1;
  *p = (devptr)(size_t)new_object(bytes);
  return *p == 0;
}
int cuMemFree_v2(devptr p) {
  free_object((void *)(size_t)p);
  return failing();
}
int cuMemcpyHtoD_v2(devptr dst, const void *src, size_t bytes) {
  if (failing()) return 1;
  memcpy((void *)(size_t)dst, src, bytes);
  return 0;
}
int cuMemcpyDtoH_v2(void *dst, devptr src, size_t bytes) {
  if (failing()) return 1;
  memcpy(dst, (const void *)(size_t)src, bytes);
  return 0;
}
int cuEventCreate(void **event, unsigned flags) {
  if (failing() || flags) return 1;
  *event = new_object(1);
  return *event == NULL;
}
int cuEventRecord(void *event, void *stream) {
  return failing() || !event || stream;
}
int cuEventSynchronize(void *event) {
  return failing() || !event;
}
int cuEventElapsedTime(float *ms, void *start, void *end) {
  if (failing() || !start || !end) return 1;
  *ms = 0.5f;
  return 0;
}
int cuEventDestroy_v2(void *event) {
  free_object(event);
  return failing();
}

int cublasCreate_v2(void **handle) {
  if (failing()) return 1;
  *handle = new_object(1);
  return *handle == NULL;
}
int cublasDestroy_v2(void *handle) {
  free_object(handle);
  return failing();
}
/* Only CUBLAS_DEFAULT_MATH (0): the yardstick must keep TF32 off. */
int cublasSetMathMode(void *handle, int mode) {
  return failing() || !handle || mode != 0;
}

/* Column-major C (m x n, ldc) = alpha op(A) op(B) + beta C, op(X) = X or X^T
 * (0 or 1); with beta 0, C is not read (it may hold NaN). */
#define FAKE_GEMM(name, real)                                                                    \
  int name(void *handle, int trans_a, int trans_b, int m, int n, int k, const void *alpha_p,     \
           const void *a_p, int lda, const void *b_p, int ldb, const void *beta_p, void *c_p,    \
           int ldc) {                                                                            \
    if (failing() || !handle || m < 0 || n < 0 || k < 0) return 1;                               \
    if (lda < (trans_a ? k : m) || ldb < (trans_b ? n : k) || ldc < m || lda < 1 || ldb < 1)     \
      return 1;                                                                                  \
    const real *a = a_p, *b = b_p, alpha = *(const real *)alpha_p, beta = *(const real *)beta_p; \
    real *c = c_p;                                                                               \
    for (int j = 0; j < n; j++)                                                                  \
      for (int i = 0; i < m; i++) {                                                              \
        double sum = 0;                                                                          \
        for (int p = 0; p < k; p++)                                                              \
          sum += (double)(trans_a ? a[p + (size_t)i * lda] : a[i + (size_t)p * lda]) *           \
                 (trans_b ? b[j + (size_t)p * ldb] : b[p + (size_t)j * ldb]);                    \
        real *out = &c[i + (size_t)j * ldc];                                                     \
        *out = (real)(alpha * sum + (beta != 0 ? beta * *out : 0));                              \
      }                                                                                          \
    return 0;                                                                                    \
  }
FAKE_GEMM(cublasSgemm_v2, float)
FAKE_GEMM(cublasDgemm_v2, double)
