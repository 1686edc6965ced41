// Developer probe for kernels/gemm_cuda.cu on a GPU machine: compiled by nvcc
// once per variant (the kernel's defines on the command line, see
// scripts/gemm-cuda-probe.sh), it times the kernel on an n x n x n NN problem
// against cuBLAS SGEMM (default math: no TF32), or DGEMM for GPUK_DOUBLE=1, in
// the same process, median of repeats, and checks every element against
// cuBLAS's result. Not part of the
// library or its tests: it exists to try kernel variants quickly; the figures
// that count come from gpuk-bench.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "gemm_cuda.cu"

#define CHECK(call)                                                           \
  do {                                                                        \
    if ((call) != 0) {                                                        \
      std::fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #call); \
      std::exit(1);                                                           \
    }                                                                         \
  } while (0)

/* cuBLAS's GEMM of the kernel's type, column-major NN. */
cublasStatus_t cublas_gemm(cublasHandle_t h, int n, const float *alpha, const float *a,
                           const float *b, const float *beta, float *c) {
  return cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, alpha, a, n, b, n, beta, c, n);
}
cublasStatus_t cublas_gemm(cublasHandle_t h, int n, const double *alpha, const double *a,
                           const double *b, const double *beta, double *c) {
  return cublasDgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, alpha, a, n, b, n, beta, c, n);
}

template <typename F>
static float median_ms(F run, int repeat) {
  cudaEvent_t e0, e1;
  CHECK(cudaEventCreate(&e0));
  CHECK(cudaEventCreate(&e1));
  run(); /* warm-up */
  std::vector<float> ms(repeat);
  for (int r = 0; r < repeat; r++) {
    CHECK(cudaEventRecord(e0));
    run();
    CHECK(cudaEventRecord(e1));
    CHECK(cudaEventSynchronize(e1));
    CHECK(cudaEventElapsedTime(&ms[r], e0, e1));
  }
  std::sort(ms.begin(), ms.end());
  return ms[repeat / 2];
}

int main(int argc, char **argv) {
  const unsigned n = argc > 1 ? (unsigned)std::atoi(argv[1]) : 4096;
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 20;
  const size_t count = (size_t)n * n;
  const size_t bytes = count * sizeof(real);
  std::vector<real> host(count);
  srand(42);
  for (real &x : host) x = (real)rand() / RAND_MAX - (real)0.5;
  real *a, *b, *c, *ref;
  CHECK(cudaMalloc(&a, bytes));
  CHECK(cudaMalloc(&b, bytes));
  CHECK(cudaMalloc(&c, bytes));
  CHECK(cudaMalloc(&ref, bytes));
  CHECK(cudaMemcpy(a, host.data(), bytes, cudaMemcpyHostToDevice));
  std::reverse(host.begin(), host.end());
  CHECK(cudaMemcpy(b, host.data(), bytes, cudaMemcpyHostToDevice));

  cublasHandle_t handle;
  CHECK(cublasCreate(&handle));
  CHECK(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH));
  const real one = 1, zero = 0;
  /* Row-major C = A B is column-major C^T = B^T A^T. */
  auto cublas = [&] { CHECK(cublas_gemm(handle, n, &one, b, a, &zero, ref)); };
  const dim3 grid((n + NWG - 1) / NWG, (n + MWG - 1) / MWG);
  auto ours = [&] {
    gpuk_gemm_cuda<<<grid, THREADS>>>(n, n, n, one, zero, a, 0, n, b, 0, n, c, 0, n);
    CHECK(cudaGetLastError());
  };
  const float ms_cublas = median_ms(cublas, repeat);
  CHECK(cudaMemset(c, 0xff, bytes)); /* NaN: every element must be written */
  const float ms_ours = median_ms(ours, repeat);
  const float ms_cublas2 = median_ms(cublas, repeat);

  std::vector<real> got(count), want(count);
  CHECK(cudaMemcpy(got.data(), c, bytes, cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(want.data(), ref, bytes, cudaMemcpyDeviceToHost));
  double worst = 0;
  for (size_t i = 0; i < count; i++) {
    const double d = std::fabs((double)got[i] - want[i]) / (std::fabs((double)want[i]) + 1.0);
    worst = std::isnan(d) ? INFINITY : std::max(worst, d);
  }
  const double flops = 2.0 * n * n * n;
  const float ms_ref = std::min(ms_cublas, ms_cublas2);
  const double tolerance = GPUK_DOUBLE ? 1e-10 : 1e-4;
  std::printf("%-44s n=%u ours %.3f ms %.1f TF/s  cublas %.3f ms %.1f TF/s  %5.1f%%  err %.1e %s\n",
              VARIANT_NAME, n, ms_ours, flops / ms_ours / 1e9, ms_ref, flops / ms_ref / 1e9,
              100.0 * ms_ref / ms_ours, worst, worst < tolerance ? "ok" : "WRONG");
  return worst < tolerance ? 0 : 1;
}
