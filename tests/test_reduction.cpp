// Map-reduce kernels from expressions (gpuk_reduction_*) on every device,
// against float64 (or exact integer) host references: sizes 0, 1, 2, primes,
// one past a work-group and enough for both stages; sum, dot, min, max and
// product; default map; a preamble; integer and double types; sub-ranges;
// results left in a device buffer for the next kernel; every bad input.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "gpuk_test.h"

namespace {

class Reduction : public DeviceTest {};

const size_t kSizes[] = {0, 1, 2, 7, 31, 255, 256, 257, 65537, 1000003};

TEST_P(Reduction, SumAndDotAtEverySize) {
  gpuk_reduction *sum = CreateReduction(GPUK_FLOAT32, "0", "a + b", nullptr, "const float *x", "sum");
  gpuk_reduction *dot = CreateReduction(GPUK_FLOAT32, "0.0f", "a + b", "x[i] * y[i]", "const float *x, const float *y", "dot");
  ASSERT_TRUE(sum && dot);
  for (size_t n : kSizes) {
    std::vector<float> x = RandomFloats(n), y = RandomFloats(n);
    DeviceArray<float> dx(device_, x), dy(device_, y);
    double ref_sum = 0, ref_dot = 0, mag_sum = 0, mag_dot = 0;
    for (size_t i = 0; i < n; i++) {
      ref_sum += x[i];
      mag_sum += std::fabs(x[i]);
      ref_dot += double(x[i]) * y[i];
      mag_dot += std::fabs(double(x[i]) * y[i]);
    }
    float got_sum = kPoison, got_dot = kPoison;
    gpuk_arg one[] = {dx.arg()}, two[] = {dx.arg(), dy.arg()};
    GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, sum, 0, n, 1, one, &got_sum));
    GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, dot, 0, n, 2, two, &got_dot));
    // Float accumulation in any order: error within ~sqrt(n) ulps of the magnitudes.
    const double tol = 1e-6 * std::sqrt(double(n) + 1);
    EXPECT_NEAR(got_sum, ref_sum, tol * mag_sum + 1e-30) << "n=" << n;
    EXPECT_NEAR(got_dot, ref_dot, tol * mag_dot + 1e-30) << "n=" << n;
  }
  GPUK_EXPECT_OK(gpuk_reduction_destroy(sum));
  GPUK_EXPECT_OK(gpuk_reduction_destroy(dot));
}

TEST_P(Reduction, MinMaxAndProduct) {
  gpuk_reduction *mx = CreateReduction(GPUK_FLOAT32, "-INFINITY", "fmax(a, b)", nullptr, "const float *x", "maximum");
  gpuk_reduction *mn = CreateReduction(GPUK_FLOAT32, "INFINITY", "fmin(a, b)", nullptr, "const float *x", "minimum");
  gpuk_reduction *prod = CreateReduction(GPUK_FLOAT32, "1", "a * b", "1.0f + x[i] * 1e-3f", "const float *x", "product");
  ASSERT_TRUE(mx && mn && prod);
  for (size_t n : {size_t(1), size_t(257), size_t(100003)}) {
    std::vector<float> x = RandomFloats(n);
    x[n / 2] = 7.5f;  // a known extreme somewhere inside
    DeviceArray<float> dx(device_, x);
    gpuk_arg args[] = {dx.arg()};
    float got_max = kPoison, got_min = kPoison, got_prod = kPoison;
    GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, mx, 0, n, 1, args, &got_max));
    GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, mn, 0, n, 1, args, &got_min));
    GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, prod, 0, n, 1, args, &got_prod));
    EXPECT_EQ(got_max, *std::max_element(x.begin(), x.end())) << n;
    EXPECT_EQ(got_min, *std::min_element(x.begin(), x.end())) << n;
    double ref = 1, log_mag = 0;
    for (float v : x) {
      float term = 1.0f + v * 1e-3f;  // the map in float, as the kernel does it
      ref *= term;
      log_mag += std::fabs(std::log(term));
    }
    EXPECT_NEAR(got_prod / ref, 1.0, 1e-6 * std::sqrt(double(n)) + 1e-6 * log_mag) << n;
  }
  // An empty range gives the neutral value.
  DeviceArray<float> empty(device_, 1);
  gpuk_arg args[] = {empty.arg()};
  float got = kPoison;
  GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, mx, 0, 0, 1, args, &got));
  EXPECT_EQ(got, -std::numeric_limits<float>::infinity());
  for (gpuk_reduction *r : {mx, mn, prod}) GPUK_EXPECT_OK(gpuk_reduction_destroy(r));
}

TEST_P(Reduction, IntegerTypesAreExact) {
  gpuk_reduction *sum64 = CreateReduction(GPUK_INT64, "0", "a + b", "(long)x[i] * k", "const int *x, long k", "isum");
  gpuk_reduction *umax = CreateReduction(GPUK_UINT32, "0", "max(a, b)", nullptr, "const uint *u", "umax");
  gpuk_reduction *usum = CreateReduction(GPUK_UINT64, "0", "a + b", "u[i] ^ (ulong)i", "const uint *u", "usum");
  ASSERT_TRUE(sum64 && umax && usum);
  const size_t n = 300007;
  std::mt19937_64 rng(std::random_device{}());
  std::vector<int32_t> x(n);
  std::vector<uint32_t> u(n);
  for (size_t i = 0; i < n; i++) {
    x[i] = int32_t(rng());
    u[i] = uint32_t(rng());
  }
  DeviceArray<int32_t> dx(device_, x);
  DeviceArray<uint32_t> du(device_, u);
  const int64_t k = -3;
  int64_t ref_sum = 0;
  uint64_t ref_usum = 0;
  for (size_t i = 0; i < n; i++) {
    ref_sum += int64_t(x[i]) * k;
    ref_usum += uint64_t(u[i]) ^ uint64_t(i);
  }
  int64_t got_sum = 0;
  uint32_t got_max = 0;
  uint64_t got_usum = 0;
  gpuk_arg xs[] = {dx.arg(), gpuk_arg_i64(k)}, us[] = {du.arg()};
  GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, sum64, 0, n, 2, xs, &got_sum));
  GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, umax, 0, n, 1, us, &got_max));
  GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, usum, 0, n, 1, us, &got_usum));
  EXPECT_EQ(got_sum, ref_sum);
  EXPECT_EQ(got_max, *std::max_element(u.begin(), u.end()));
  EXPECT_EQ(got_usum, ref_usum);
  for (gpuk_reduction *r : {sum64, umax, usum}) GPUK_EXPECT_OK(gpuk_reduction_destroy(r));
}

TEST_P(Reduction, SubRangeAndPreamble) {
  gpuk_reduction *r = CreateReduction(GPUK_FLOAT32, "0", "a + b", "sq(x[i])", "const float *x", "sumsq",
                             "static inline float sq(float v) { return v * v; }");
  ASSERT_NE(r, nullptr);
  const size_t n = 70001, start = 333, stop = 65900;
  std::vector<float> x = RandomFloats(n);
  DeviceArray<float> dx(device_, x);
  double ref = 0;
  for (size_t i = start; i < stop; i++) ref += double(x[i]) * x[i];
  float got = kPoison;
  gpuk_arg args[] = {dx.arg()};
  GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, r, start, stop, 1, args, &got));
  EXPECT_NEAR(got, ref, 1e-6 * std::sqrt(double(n)) * ref);
  GPUK_EXPECT_OK(gpuk_reduction_destroy(r));
}

TEST_P(Reduction, ResultStaysOnTheDeviceForTheNextKernel) {
  // norm2 into element 3 of a buffer, then an element-wise kernel divides by it.
  gpuk_reduction *norm = CreateReduction(GPUK_FLOAT32, "0", "a + b", "x[i] * x[i]", "const float *x", "sumsq");
  gpuk_elementwise *scale = nullptr;
  GPUK_ASSERT_OK(gpuk_elementwise_create(device_, "float *y, const float *x, const float *s",
                                         "y[i] = x[i] / sqrt(s[3])", "normalize", nullptr, &scale));
  ASSERT_NE(norm, nullptr);
  const size_t n = 123457;
  std::vector<float> x = RandomFloats(n);
  DeviceArray<float> dx(device_, x), dy(device_, std::vector<float>(n, kPoison));
  // s has to hold n elements for the element-wise kernel's range check.
  DeviceArray<float> ds(device_, std::vector<float>(n, kPoison));
  gpuk_stream *s;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  gpuk_arg rargs[] = {dx.arg()};
  GPUK_ASSERT_OK(gpuk_reduction_run_to_buffer(s, norm, 0, n, 1, rargs, ds.get(), 3));
  gpuk_arg eargs[] = {dy.arg(), dx.arg(), ds.arg()};
  GPUK_ASSERT_OK(gpuk_elementwise_run(s, scale, 0, n, 3, eargs));
  GPUK_ASSERT_OK(gpuk_stream_synchronize(s));
  double ref = 0;
  for (float v : x) ref += double(v) * v;
  std::vector<float> sums = ds.Read(), y = dy.Read();
  EXPECT_NEAR(sums[3], ref, 1e-6 * std::sqrt(double(n)) * ref);
  EXPECT_EQ(sums[2], kPoison);
  EXPECT_EQ(sums[4], kPoison);
  for (size_t i = 0; i < n; i++) ASSERT_NEAR(y[i], x[i] / std::sqrt(ref), 1e-5 * std::fabs(x[i] / std::sqrt(ref)) + 1e-9) << i;
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
  GPUK_EXPECT_OK(gpuk_reduction_destroy(norm));
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(scale));
}

TEST_P(Reduction, Double) {
  gpuk_reduction *r = nullptr;
  gpuk_status st = gpuk_reduction_create(device_, GPUK_FLOAT64, "0", "a + b", "x[i] * (double)w[i]",
                                         "const double *x, const float *w", "wsum", nullptr, &r);
  if (!info_.supports_double) {
    EXPECT_EQ(st, GPUK_ERROR_UNSUPPORTED) << gpuk_last_error();
    GTEST_SKIP() << info_.name << " has no double support";
  }
  GPUK_ASSERT_OK(st);
  const size_t n = 200003;
  std::vector<float> xf = RandomFloats(n), w = RandomFloats(n);
  std::vector<double> x(n);
  double ref = 0, mag = 0;
  for (size_t i = 0; i < n; i++) {
    x[i] = xf[i] * 1.000000123456789;
    ref += x[i] * w[i];
    mag += std::fabs(x[i] * w[i]);
  }
  DeviceArray<double> dx(device_, x);
  DeviceArray<float> dw(device_, w);
  double got = kPoison;
  gpuk_arg args[] = {dx.arg(), dw.arg()};
  GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, r, 0, n, 2, args, &got));
  EXPECT_NEAR(got, ref, 1e-14 * std::sqrt(double(n)) * mag);
  GPUK_EXPECT_OK(gpuk_reduction_destroy(r));
}

// The library builds stage 1 one way per device type (work-items interleaved
// on GPUs, -DGPUK_CONTIGUOUS runs per work-item on CPU devices), so each
// device runs only one. Here both are built from gpuk_reduction_source and
// run on every device that builds kernels, with chunks that are and are not
// multiples of the work-group and a start inside the buffer.
TEST_P(Reduction, BothStageOneLayoutsFromTheSource) {
  if (IsCpuBackend()) GTEST_SKIP() << "the CPU device runs host C, not this source";
  char *source = nullptr;
  GPUK_ASSERT_OK(gpuk_reduction_source(GPUK_FLOAT32, "0", "a + b", "x[i] * y[i]",
                                       "const float *x, const float *y", "dot", nullptr, &source));
  const size_t wg = 64;
  for (const char *layout : {"", " -DGPUK_CONTIGUOUS"}) {
    const std::string options = "-DGPUK_WG=" + std::to_string(wg) + layout;
    gpuk_program *program = nullptr;
    gpuk_kernel *stage1 = nullptr, *stage2 = nullptr;
    GPUK_ASSERT_OK(gpuk_program_build(device_, source, GPUK_SOURCE_OPENCL_C, options.c_str(), &program));
    GPUK_ASSERT_OK(gpuk_kernel_create(program, "gpuk_k_dot_stage1", &stage1));
    GPUK_ASSERT_OK(gpuk_kernel_create(program, "gpuk_k_dot_stage2", &stage2));
    for (size_t n : {size_t(1), size_t(7), size_t(257), size_t(100003)})
      for (size_t chunk : {wg, 3 * wg + 5, n}) {
        const size_t start = n / 3, groups = (n - start + chunk - 1) / chunk;
        std::vector<float> x = RandomFloats(n), y = RandomFloats(n);
        double ref = 0, mag = 0;
        for (size_t i = start; i < n; i++) {
          ref += double(x[i]) * y[i];
          mag += std::fabs(double(x[i]) * y[i]);
        }
        DeviceArray<float> dx(device_, x), dy(device_, y);
        DeviceArray<float> partials(device_, std::vector<float>(groups, kPoison));
        DeviceArray<float> result(device_, std::vector<float>(2, kPoison));
        gpuk_arg first[] = {dx.arg(), dy.arg(), gpuk_arg_u64(start), gpuk_arg_u64(n),
                            gpuk_arg_u64(chunk), partials.arg()};
        gpuk_arg second[] = {partials.arg(), gpuk_arg_u64(groups), result.arg(), gpuk_arg_u64(1)};
        size_t global = groups * wg, local = wg;
        GPUK_ASSERT_OK(gpuk_kernel_launch(nullptr, stage1, 1, &global, &local, 6, first));
        GPUK_ASSERT_OK(gpuk_kernel_launch(nullptr, stage2, 1, &local, &local, 4, second));
        const std::vector<float> got = result.Read();
        EXPECT_EQ(got[0], kPoison);
        EXPECT_NEAR(got[1], ref, 1e-6 * std::sqrt(double(n)) * mag + 1e-30)
            << options << " n=" << n << " chunk=" << chunk;
      }
    GPUK_EXPECT_OK(gpuk_kernel_destroy(stage1));
    GPUK_EXPECT_OK(gpuk_kernel_destroy(stage2));
    GPUK_EXPECT_OK(gpuk_program_destroy(program));
  }
  free(source);
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Reduction);

}  // namespace
