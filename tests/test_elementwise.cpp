// Element-wise kernels from expressions (gpuk_elementwise_*) on every device,
// against float64 (or exact integer) host references: sizes 0, 1, 2, primes,
// one past a work-group and several groups; sub-ranges; a preamble; integer
// and double types; OpenCL C built-ins; every bad input.
#include <cmath>
#include <cstdint>

#include "gpuk_test.h"

namespace {

class Elementwise : public DeviceTest {};

const size_t kSizes[] = {0, 1, 2, 7, 31, 257, 4099, 1000003};

TEST_P(Elementwise, AxpyAtEverySize) {
  gpuk_elementwise *k = CreateElementwise("const float *x, float *y, float a", "y[i] = a * x[i] + y[i]", "axpy");
  ASSERT_NE(k, nullptr);
  for (size_t n : kSizes) {
    std::vector<float> x = RandomFloats(n), y = RandomFloats(n);
    DeviceArray<float> dx(device_, x), dy(device_, y);
    const float a = 1.75f;
    gpuk_arg args[] = {dx.arg(), dy.arg(), gpuk_arg_f32(a)};
    GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k, 0, n, 3, args));
    std::vector<float> got = dy.Read();
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
      double ref = double(a) * x[i] + y[i];
      bad += !(std::fabs(got[i] - ref) <= 1e-6 * (std::fabs(a * x[i]) + std::fabs(y[i])) + 1e-30);
    }
    EXPECT_EQ(bad, 0u) << "n=" << n;
  }
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
}

TEST_P(Elementwise, SubRangeLeavesTheRestAlone) {
  gpuk_elementwise *k = CreateElementwise("float *y, const float *x", "y[i] = 2.0f * x[i]", "twice");
  ASSERT_NE(k, nullptr);
  const size_t n = 5003, start = 1001, stop = 4097;
  std::vector<float> x = RandomFloats(n);
  DeviceArray<float> dx(device_, x), dy(device_, std::vector<float>(n, kPoison));
  gpuk_stream *s;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  gpuk_arg args[] = {dy.arg(), dx.arg()};
  GPUK_ASSERT_OK(gpuk_elementwise_run(s, k, start, stop, 2, args));  // asynchronous
  GPUK_ASSERT_OK(gpuk_stream_synchronize(s));
  std::vector<float> got = dy.Read();
  for (size_t i = 0; i < n; i++) {
    float want = (i >= start && i < stop) ? 2.0f * x[i] : kPoison;
    ASSERT_EQ(got[i], want) << "i=" << i;
  }
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
}

TEST_P(Elementwise, PreambleAndBuiltins) {
  gpuk_elementwise *k = CreateElementwise(
      "float *y, const float *x, float a",
      "y[i] = sq(x[i]) + sqrt(fabs(x[i])) + exp(x[i]) * fmax(x[i], 0.0f) + mad(x[i], a, 1.0f) + "
      "(float)min(3, 4) + (float)max(i, (ulong)0) * 0.0f",
      "mix", "#define TWO 2.0f\nfloat sq(float v) { return v * v * TWO / TWO; }");
  ASSERT_NE(k, nullptr);
  const size_t n = 1031;
  std::vector<float> x = RandomFloats(n);
  DeviceArray<float> dx(device_, x), dy(device_, std::vector<float>(n, kPoison));
  gpuk_arg args[] = {dy.arg(), dx.arg(), gpuk_arg_f32(0.5f)};
  GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k, 0, n, 3, args));
  std::vector<float> got = dy.Read();
  for (size_t i = 0; i < n; i++) {
    double v = x[i];
    double ref = v * v + std::sqrt(std::fabs(v)) + std::exp(v) * std::fmax(v, 0.0) + v * 0.5 + 1.0 + 3.0;
    ASSERT_NEAR(got[i], ref, 1e-5 * (std::fabs(ref) + 4)) << "i=" << i;
  }
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
}

TEST_P(Elementwise, IntegerTypes) {
  gpuk_elementwise *k = CreateElementwise("long *out, const int *a, uint b, const ulong *c, long d, uint *u",
                               "out[i] = (long)a[i] * (long)b - (long)i + (long)(c[i] >> 1) + d; "
                               "u[i] = (uint)a[i] * b",
                               "ints");
  ASSERT_NE(k, nullptr);
  const size_t n = 2053;
  std::mt19937_64 rng(std::random_device{}());
  std::vector<int32_t> a(n);
  std::vector<uint64_t> c(n);
  for (size_t i = 0; i < n; i++) {  // magnitudes keep every sum below 2^62: no overflow
    a[i] = int32_t(rng()) >> 2;
    c[i] = rng() >> 5;
  }
  const uint32_t b = 4000000000u;
  const int64_t d = -(int64_t(1) << 40);
  DeviceArray<int64_t> dout(device_, std::vector<int64_t>(n, -1));
  DeviceArray<int32_t> da(device_, a);
  DeviceArray<uint64_t> dc(device_, c);
  DeviceArray<uint32_t> du(device_, std::vector<uint32_t>(n, 7));
  gpuk_arg args[] = {dout.arg(), da.arg(), gpuk_arg_u32(b), dc.arg(), gpuk_arg_i64(d), du.arg()};
  GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k, 0, n, 6, args));
  std::vector<int64_t> out = dout.Read();
  std::vector<uint32_t> u = du.Read();
  for (size_t i = 0; i < n; i++) {
    ASSERT_EQ(out[i], int64_t(a[i]) * int64_t(b) - int64_t(i) + int64_t(c[i] >> 1) + d) << i;
    ASSERT_EQ(u[i], uint32_t(a[i]) * b) << i;
  }
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
}

TEST_P(Elementwise, Double) {
  gpuk_elementwise *k = nullptr;
  gpuk_status st = gpuk_elementwise_create(device_, "double *y, const double *x, double s",
                                           "y[i] = s * x[i] + sin(x[i])", "dbl", nullptr, &k);
  if (!info_.supports_double) {
    EXPECT_EQ(st, GPUK_ERROR_UNSUPPORTED);
    EXPECT_NE(std::string(gpuk_last_error()).find("double"), std::string::npos) << gpuk_last_error();
    GTEST_SKIP() << info_.name << " has no double support";
  }
  GPUK_ASSERT_OK(st);
  const size_t n = 3001;
  std::vector<float> xf = RandomFloats(n);
  std::vector<double> x(n);
  for (size_t i = 0; i < n; i++) x[i] = xf[i] * 1.000000123456789;
  DeviceArray<double> dx(device_, x), dy(device_, std::vector<double>(n, kPoison));
  gpuk_arg args[] = {dy.arg(), dx.arg(), gpuk_arg_f64(1.0 / 3.0)};
  GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k, 0, n, 3, args));
  std::vector<double> got = dy.Read();
  for (size_t i = 0; i < n; i++) ASSERT_NEAR(got[i], x[i] / 3.0 + std::sin(x[i]), 1e-13) << i;
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
}

TEST_P(Elementwise, SameKernelTwiceAndSeveralAlive) {
  gpuk_elementwise *k1 = CreateElementwise("float *y", "y[i] = 1.0f", "ones");
  gpuk_elementwise *k2 = CreateElementwise("float *y", "y[i] = 1.0f", "ones");  // found in the device's store
  gpuk_elementwise *k3 = CreateElementwise("float *y", "y[i] = 2.0f", "ones");  // same name, other operation
  ASSERT_TRUE(k1 && k2 && k3);
  DeviceArray<float> y(device_, 100);
  gpuk_arg args[] = {y.arg()};
  GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k2, 0, 100, 1, args));
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k1));
  GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k3, 0, 50, 1, args));
  std::vector<float> got = y.Read();
  for (size_t i = 0; i < 100; i++) ASSERT_EQ(got[i], i < 50 ? 2.0f : 1.0f) << i;
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k2));
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k3));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Elementwise);

// Outputs an operation only writes: on the CPU backend, once the data
// outgrow the last-level cache, computed 64 elements at a time into a buffer
// and stored around the caches (GPUK_CPU_STREAMING_BYTES=1 makes every size
// do so; 3 threads start chunks at unaligned elements). Two outputs of
// different widths, sub-ranges starting at odd elements, poison outside.
class StreamedOutputs : public DeviceTest {
 protected:
  void SetUp() override {
    DeviceTest::SetUp();
    streaming_.Set("1");
    threads_.Set("3");
  }
  ScopedEnv streaming_{"GPUK_CPU_STREAMING_BYTES"}, threads_{"GPUK_CPU_THREADS"};
};

TEST_P(StreamedOutputs, WriteOnlyOutputsAtEveryAlignment) {
  gpuk_elementwise *k = CreateElementwise("float *y, const float *x, long *w, float a",
                                          "y[i] = a * x[i] + 1.0f; w[i] = (long)i * 3 - 7", "outs");
  ASSERT_NE(k, nullptr);
  const size_t ranges[][2] = {{0, 1},   {0, 15},   {0, 16},  {0, 17},    {0, 63},
                              {0, 64},  {0, 65},   {1, 129}, {3, 4099},  {5, 1000003},
                              {0, 1000003}};
  for (const auto &r : ranges) {
    const size_t start = r[0], stop = r[1], n = stop + 3;
    std::vector<float> x = RandomFloats(n);
    DeviceArray<float> dx(device_, x), dy(device_, std::vector<float>(n, kPoison));
    DeviceArray<int64_t> dw(device_, std::vector<int64_t>(n, -1));
    const float a = 0.75f;
    gpuk_arg args[] = {dy.arg(), dx.arg(), dw.arg(), gpuk_arg_f32(a)};
    GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k, start, stop, 4, args));
    std::vector<float> y = dy.Read();
    std::vector<int64_t> w = dw.Read();
    for (size_t i = 0; i < n; i++) {
      const bool in = i >= start && i < stop;
      const double want = double(a) * x[i] + 1.0;
      ASSERT_EQ(in ? std::fabs(y[i] - want) <= 1e-6 * (std::fabs(want) + 1) : y[i] == kPoison,
                true)
          << "y[" << i << "] = " << y[i] << ", range " << start << ".." << stop;
      ASSERT_EQ(w[i], in ? int64_t(i) * 3 - 7 : -1) << i << ", range " << start << ".." << stop;
    }
  }
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
}

// Operations whose writes the scan for write-only outputs must not take as
// such: an output written only for some elements keeps the rest (a buffered
// block would store what was never computed).
TEST_P(StreamedOutputs, PartialWritesKeepTheRest) {
  const struct {
    const char *operation, *preamble;
  } cases[] = {
      {"if (x[i] > 0.0f) y[i] = x[i]", nullptr},
      {"if (x[i] <= 0.0f) continue; y[i] = x[i]", nullptr},
      {"SKIP_NOT_POSITIVE; y[i] = x[i]", "#define SKIP_NOT_POSITIVE if (x[i] <= 0.0f) continue"},
      {"z[i] = 1.0f; if (x[i] > 0.0f) y[i] = x[i] /* ; y[i] = x[i] */", nullptr},
      {"x[i] > 0.0f ? (y[i] = x[i]) : 0.0f; z[i] = 1.0f", nullptr},
  };
  const size_t n = 1000003;
  std::vector<float> x = RandomFloats(n);
  for (const auto &c : cases) {
    gpuk_elementwise *k = CreateElementwise("float *y, const float *x, float *z", c.operation,
                                            "partial", c.preamble);
    ASSERT_NE(k, nullptr) << c.operation;
    DeviceArray<float> dx(device_, x), dy(device_, std::vector<float>(n, kPoison)),
        dz(device_, std::vector<float>(n, kPoison));
    gpuk_arg args[] = {dy.arg(), dx.arg(), dz.arg()};
    GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k, 0, n, 3, args));
    std::vector<float> y = dy.Read();
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += y[i] != (x[i] > 0.0f ? x[i] : kPoison);
    EXPECT_EQ(bad, 0u) << c.operation;
    GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
  }
}

// A write-only output passed again as an input: the input reads what the
// operation wrote before it, element by element, as without buffering.
TEST_P(StreamedOutputs, OutputAlsoPassedAsInput) {
  gpuk_elementwise *k = CreateElementwise("float *y, const float *x, float *z",
                                          "y[i] = 2.0f; z[i] = x[i] + 1.0f", "twice_passed");
  ASSERT_NE(k, nullptr);
  const size_t n = 1000003;
  DeviceArray<float> dy(device_, RandomFloats(n)), dz(device_, std::vector<float>(n, kPoison));
  gpuk_arg args[] = {dy.arg(), dy.arg(), dz.arg()};
  GPUK_ASSERT_OK(gpuk_elementwise_run(nullptr, k, 0, n, 3, args));
  std::vector<float> z = dz.Read();
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) bad += z[i] != 3.0f;
  EXPECT_EQ(bad, 0u);
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(StreamedOutputs);


}  // namespace
