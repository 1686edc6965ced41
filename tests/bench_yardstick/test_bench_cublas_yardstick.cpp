// gpuk-bench's cuBLAS yardstick (bench/yardstick.c) run against fake_cuda.c, a
// host-memory stand-in for the CUDA driver and cuBLAS: the row-major product
// it asks cuBLAS for, for both types and every transpose pair, against
// float64 into a poisoned C; and each of its calls failing in turn is
// reported and leaves nothing allocated. No GPU needed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include "yardstick.h"
}
#include "fake_cuda.h"

namespace {

struct Problem {
  bench_options o;
  gpuk_dtype dtype;
  std::vector<double> a, b;                  // the values, as float64
  std::vector<unsigned char> a_in, b_in, c;  // the same in dtype, and C

  Problem(gpuk_dtype type, size_t m, size_t n, size_t k, int trans_a, int trans_b) : dtype(type) {
    std::memset(&o, 0, sizeof o);
    o.m = m, o.n = n, o.k = k, o.trans_a = trans_a, o.trans_b = trans_b;
    o.repeat = 3, o.warmup = 1, o.dtype = type;
    std::mt19937 rng(std::random_device{}());
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    a.resize(m * k), b.resize(k * n);
    for (double &x : a) x = dist(rng);
    for (double &x : b) x = dist(rng);
    a_in = Stored(a), b_in = Stored(b);
    c.assign(m * n * gpuk_dtype_size(type), 0xff);  // NaN in float and double
  }

  std::vector<unsigned char> Stored(const std::vector<double> &v) const {
    std::vector<unsigned char> out(v.size() * gpuk_dtype_size(dtype));
    for (size_t i = 0; i < v.size(); i++) {
      if (dtype == GPUK_FLOAT64)
        std::memcpy(&out[i * 8], &v[i], 8);
      else {
        const float f = (float)v[i];
        std::memcpy(&out[i * 4], &f, 4);
      }
    }
    return out;
  }

  double C(size_t i, size_t j) const {
    if (dtype == GPUK_FLOAT64) {
      double d;
      std::memcpy(&d, &c[(i * o.n + j) * 8], 8);
      return d;
    }
    float f;
    std::memcpy(&f, &c[(i * o.n + j) * 4], 4);
    return f;
  }

  // op(A)(i, p) op(B)(p, j) summed over p, and the sum of the magnitudes.
  void Reference(size_t i, size_t j, double *sum, double *magnitude) const {
    const size_t lda = bench_gemm_lda(&o), ldb = bench_gemm_ldb(&o);
    *sum = *magnitude = 0;
    for (size_t p = 0; p < o.k; p++) {
      const double x = o.trans_a ? a[p * lda + i] : a[i * lda + p];
      const double y = o.trans_b ? b[j * ldb + p] : b[p * ldb + j];
      *sum += x * y;
      *magnitude += std::fabs(x * y);
    }
  }

  int Run(bench_stats *stats, const char **name) {
    gpuk_device_info info;
    std::memset(&info, 0, sizeof info);
    info.backend = GPUK_BACKEND_CUDA;
    info.platform_index = 0;  // the CUDA ordinal
    return yardstick_gemm(&info, dtype, a_in.data(), b_in.data(), c.data(), &o, stats, name);
  }
};

TEST(BenchCublasYardstick, RowMajorProductOfEveryTransposePair) {
  const size_t shapes[][3] = {{1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {1, 64, 9}, {64, 1, 31}};
  for (gpuk_dtype dtype : {GPUK_FLOAT32, GPUK_FLOAT64})
    for (int trans = 0; trans < 4; trans++)
      for (const auto &s : shapes) {
        Problem p(dtype, s[0], s[1], s[2], trans & 1, trans >> 1);
        SCOPED_TRACE(std::string(dtype == GPUK_FLOAT64 ? "double " : "float ") +
                     std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" +
                     std::to_string(s[2]) + " trans " + std::to_string(trans & 1) +
                     std::to_string(trans >> 1));
        fake_cuda_fail_call(0);
        bench_stats stats;
        const char *name = nullptr;
        ASSERT_EQ(p.Run(&stats, &name), 0);
        EXPECT_STREQ(name, dtype == GPUK_FLOAT64 ? "cuBLAS dgemm" : "cuBLAS sgemm");
        EXPECT_EQ(stats.median_ms, 0.5);  // what the fake's events say
        const double tolerance = dtype == GPUK_FLOAT64 ? 1e-15 : 1e-6;
        for (size_t i = 0; i < s[0]; i++)
          for (size_t j = 0; j < s[1]; j++) {
            double sum, magnitude;
            p.Reference(i, j, &sum, &magnitude);
            ASSERT_NEAR(p.C(i, j), sum, tolerance * magnitude + 1e-30)
                << "C(" << i << ", " << j << ")";
          }
        EXPECT_EQ(fake_cuda_live_objects(), 0);
      }
}

TEST(BenchCublasYardstick, EveryFailingCallIsReportedAndReleasesEverything) {
  const char *releases[] = {"cuMemFree_v2", "cuEventDestroy_v2", "cublasDestroy_v2",
                            "cuDevicePrimaryCtxRelease_v2"};
  int failures = 0;
  for (int nth = 1;; nth++) {
    ASSERT_LT(nth, 1000) << "the yardstick made more calls than expected";
    Problem p(GPUK_FLOAT32, 7, 5, 3, 0, 1);
    fake_cuda_fail_call(nth);
    bench_stats stats;
    const char *name = nullptr;
    const int rc = p.Run(&stats, &name);
    const char *failed = fake_cuda_failed_call();
    EXPECT_EQ(fake_cuda_live_objects(), 0) << "after " << (failed ? failed : "no") << " failed";
    if (!failed) {  // every call has failed once
      EXPECT_EQ(rc, 0);
      break;
    }
    bool release = false;
    for (const char *r : releases) release = release || std::strcmp(failed, r) == 0;
    if (!release) {
      EXPECT_EQ(rc, 1) << failed << " failed";
      EXPECT_EQ(name, nullptr) << failed << " failed";
      failures++;
    }
  }
  EXPECT_GE(failures, 20);  // setup, every timed run and the read-back
}

}  // namespace
