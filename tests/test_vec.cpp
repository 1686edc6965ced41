// Built-in vector operations (BabelStream's copy, scale, add, triad, dot, and
// axpy, sum, min, max, norm2), float and double, against float64 host
// references (long double for the double sums), on every device, at odd sizes.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "gpuk_test.h"

// The float and double forms of every op, and how far each may be from the
// reference: element-wise in units of the type's epsilon (inputs in [-1, 1)),
// sums relative to the sum of the terms' magnitudes.
template <typename T>
struct VecOps;
template <>
struct VecOps<float> {
  static constexpr auto copy = gpuk_vec_copy_f32;
  static constexpr auto scale = gpuk_vec_scale_f32;
  static constexpr auto add = gpuk_vec_add_f32;
  static constexpr auto triad = gpuk_vec_triad_f32;
  static constexpr auto axpy = gpuk_vec_axpy_f32;
  static constexpr auto dot = gpuk_vec_dot_f32;
  static constexpr auto sum = gpuk_vec_sum_f32;
  static constexpr auto min = gpuk_vec_min_f32;
  static constexpr auto max = gpuk_vec_max_f32;
  static constexpr auto norm2 = gpuk_vec_norm2_f32;
  static constexpr double kSumTolerance = 1e-6;
};
template <>
struct VecOps<double> {
  static constexpr auto copy = gpuk_vec_copy_f64;
  static constexpr auto scale = gpuk_vec_scale_f64;
  static constexpr auto add = gpuk_vec_add_f64;
  static constexpr auto triad = gpuk_vec_triad_f64;
  static constexpr auto axpy = gpuk_vec_axpy_f64;
  static constexpr auto dot = gpuk_vec_dot_f64;
  static constexpr auto sum = gpuk_vec_sum_f64;
  static constexpr auto min = gpuk_vec_min_f64;
  static constexpr auto max = gpuk_vec_max_f64;
  static constexpr auto norm2 = gpuk_vec_norm2_f64;
  static constexpr double kSumTolerance = 1e-12;
};
template <typename T>
constexpr double Eps() {
  return std::numeric_limits<T>::epsilon();
}

class Vec : public DeviceTest {
 public:
  // A buffer of v.size() + 1 elements holding v.
  template <typename T>
  gpuk_buffer *Upload(const std::vector<T> &v) {
    gpuk_buffer *b = nullptr;
    EXPECT_EQ(gpuk_buffer_create(device_, (v.size() + 1) * sizeof(T), GPUK_MEM_READ_WRITE, &b), 0);
    if (!v.empty()) {
      EXPECT_EQ(gpuk_buffer_write(nullptr, b, 0, v.size() * sizeof(T), v.data()), 0);
    }
    return b;
  }
  // n + 1 poisoned elements in a buffer of n + 2.
  template <typename T>
  gpuk_buffer *Poisoned(size_t n) {
    return Upload(std::vector<T>(n + 1, T(kPoison)));
  }
  template <typename T>
  std::vector<T> Download(gpuk_buffer *b, size_t n) {
    std::vector<T> out(n, T(0));
    if (n) {
      EXPECT_EQ(gpuk_buffer_read(nullptr, b, 0, n * sizeof(T), out.data()), 0) << gpuk_last_error();
    }
    return out;
  }
  // False (and the test skipped) for T = double on a device without doubles,
  // after checking that the double ops say so.
  template <typename T>
  bool Supported() {
    if (sizeof(T) == sizeof(float) || info_.supports_double) return true;
    gpuk_buffer *x = MakeBuffer(64);
    double r = 0;
    GPUK_EXPECT_ERROR(gpuk_vec_sum_f64(nullptr, x, 8, &r), GPUK_ERROR_UNSUPPORTED, "double");
    GPUK_EXPECT_ERROR(gpuk_vec_copy_f64(nullptr, x, x, 4), GPUK_ERROR_UNSUPPORTED, "double");
    GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
    return false;
  }
};

static const size_t kSizes[] = {0, 1, 2, 3, 31, 255, 256, 257, 1021, 65537, 1000003};
static const std::vector<size_t> kAllSizes(std::begin(kSizes), std::end(kSizes));

// copy, scale, add and triad at each size against float64, and the element
// past n untouched.
template <typename T>
static void CheckElementwiseOps(Vec *t, const std::vector<size_t> &sizes) {
  using Ops = VecOps<T>;
  for (size_t n : sizes) {
    std::vector<T> a = RandomReals<T>(n), b = RandomReals<T>(n), c = RandomReals<T>(n);
    gpuk_buffer *da = t->Upload(a), *db = t->Upload(b), *dc = t->Upload(c),
                *out = t->Poisoned<T>(n);
    const T s = T(0.4);
    GPUK_ASSERT_OK(Ops::copy(nullptr, da, out, n));
    std::vector<T> r = t->Download<T>(out, n);
    for (size_t i = 0; i < n; i++) ASSERT_EQ(r[i], a[i]) << "copy n=" << n << " i=" << i;
    GPUK_ASSERT_OK(Ops::scale(nullptr, dc, out, s, n));
    r = t->Download<T>(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(s) * c[i], 8 * Eps<T>()) << "scale n=" << n << " i=" << i;
    GPUK_ASSERT_OK(Ops::add(nullptr, da, db, out, n));
    r = t->Download<T>(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(a[i]) + b[i], 8 * Eps<T>()) << "add n=" << n << " i=" << i;
    GPUK_ASSERT_OK(Ops::triad(nullptr, db, dc, out, s, n));
    r = t->Download<T>(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(b[i]) + double(s) * c[i], 16 * Eps<T>())
          << "triad n=" << n << " i=" << i;
    T past = 0;
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, out, n * sizeof(T), sizeof(T), &past));
    EXPECT_EQ(past, T(kPoison)) << "n=" << n;
    for (gpuk_buffer *x : {da, db, dc, out}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
  }
}

TEST_P(Vec, ElementwiseOpsMatchReference) { CheckElementwiseOps<float>(this, kAllSizes); }

TEST_P(Vec, ElementwiseOpsMatchReferenceF64) {
  if (!Supported<double>()) GTEST_SKIP() << info_.name << " has no double support";
  CheckElementwiseOps<double>(this, kAllSizes);
}

// The CPU backend stores around the caches once an op's data outgrow the
// last-level cache; GPUK_CPU_STREAMING_BYTES=1 makes every size do so, and 3
// threads put the chunk boundaries at elements that are not 16-byte aligned.
TEST_P(Vec, ElementwiseOpsWithStreamingStores) {
  if (!IsCpuBackend()) GTEST_SKIP() << "streaming stores are the CPU backend's";
  ScopedEnv streaming("GPUK_CPU_STREAMING_BYTES"), threads("GPUK_CPU_THREADS");
  streaming.Set("1");
  threads.Set("3");
  const std::vector<size_t> sizes = {1, 3, 4, 15, 16, 17, 33, 1000003, (3u << 18) + 5};
  CheckElementwiseOps<float>(this, sizes);
  CheckElementwiseOps<double>(this, sizes);
}

// Sums of double terms against a long double reference.
template <typename T>
static void CheckDot(Vec *t) {
  for (size_t n : kSizes) {
    std::vector<T> a = RandomReals<T>(n), b = RandomReals<T>(n);
    gpuk_buffer *da = t->Upload(a), *db = t->Upload(b);
    long double ref = 0, mag = 0;
    for (size_t i = 0; i < n; i++) {
      ref += (long double)a[i] * b[i];
      mag += std::fabs((long double)a[i] * b[i]);
    }
    double got = 12345;
    GPUK_ASSERT_OK(VecOps<T>::dot(nullptr, da, db, n, &got));
    EXPECT_NEAR(got, double(ref), VecOps<T>::kSumTolerance * double(mag) + 1e-300) << "n=" << n;
    GPUK_EXPECT_OK(gpuk_buffer_destroy(da));
    GPUK_EXPECT_OK(gpuk_buffer_destroy(db));
  }
}

TEST_P(Vec, DotMatchesReference) { CheckDot<float>(this); }

TEST_P(Vec, DotMatchesReferenceF64) {
  if (!Supported<double>()) GTEST_SKIP() << info_.name << " has no double support";
  CheckDot<double>(this);
}

template <typename T>
static void CheckAxpy(Vec *t) {
  for (size_t n : kSizes) {
    std::vector<T> x = RandomReals<T>(n), y = RandomReals<T>(n + 1);
    gpuk_buffer *dx = t->Upload(x), *dy = t->Upload(y);
    const T alpha = T(-1.7);
    GPUK_ASSERT_OK(VecOps<T>::axpy(nullptr, dx, dy, alpha, n));
    std::vector<T> r = t->Download<T>(dy, n + 1);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(alpha) * x[i] + y[i], 32 * Eps<T>()) << "axpy n=" << n << " i=" << i;
    EXPECT_EQ(r[n], y[n]) << "the element past n stays untouched, n=" << n;
    for (gpuk_buffer *b : {dx, dy}) GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  }
}

TEST_P(Vec, AxpyMatchesReference) { CheckAxpy<float>(this); }

TEST_P(Vec, AxpyMatchesReferenceF64) {
  if (!Supported<double>()) GTEST_SKIP() << info_.name << " has no double support";
  CheckAxpy<double>(this);
}

template <typename T>
static void CheckReductions(Vec *t) {
  using Ops = VecOps<T>;
  for (size_t n : kSizes) {
    std::vector<T> x = RandomReals<T>(n);
    // The extremes somewhere in the middle, and a NaN that min and max skip.
    if (n > 2) {
      x[n / 3] = T(7.5);
      x[2 * n / 3] = T(-9.25);
      x[n / 2] = T(NAN);
    }
    gpuk_buffer *dx = t->Upload(x);
    long double sum = 0, mag = 0, sumsq = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (T v : x) {
      if (std::isnan(v)) continue;
      sum += v;
      mag += std::fabs(v);
      sumsq += (long double)v * v;
      lo = std::min(lo, double(v));
      hi = std::max(hi, double(v));
    }
    double got = 12345;
    if (n > 2) {  // the NaN poisons sum and norm2 as it should; check them without it
      GPUK_ASSERT_OK(Ops::sum(nullptr, dx, n, &got));
      EXPECT_TRUE(std::isnan(got)) << "sum with a NaN, n=" << n;
      GPUK_ASSERT_OK(Ops::norm2(nullptr, dx, n, &got));
      EXPECT_TRUE(std::isnan(got)) << "norm2 with a NaN, n=" << n;
      x[n / 2] = T(0);
      GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, dx, (n / 2) * sizeof(T), sizeof(T), &x[n / 2]));
      // min and max must now ignore nothing, and still see the extremes.
    }
    got = 12345;
    GPUK_ASSERT_OK(Ops::sum(nullptr, dx, n, &got));
    EXPECT_NEAR(got, double(sum), Ops::kSumTolerance * double(mag) + 1e-300) << "sum n=" << n;
    got = 12345;
    GPUK_ASSERT_OK(Ops::norm2(nullptr, dx, n, &got));
    const double norm = std::sqrt(double(sumsq));
    EXPECT_NEAR(got, norm, Ops::kSumTolerance * norm + 1e-300) << "norm2 n=" << n;
    if (n == 0) {
      GPUK_EXPECT_ERROR(Ops::min(nullptr, dx, 0, &got), GPUK_ERROR_INVALID_ARGUMENT,
                        "min of no elements");
      GPUK_EXPECT_ERROR(Ops::max(nullptr, dx, 0, &got), GPUK_ERROR_INVALID_ARGUMENT,
                        "max of no elements");
    } else {
      if (n > 2) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
      }
      GPUK_ASSERT_OK(Ops::min(nullptr, dx, n, &got));
      EXPECT_EQ(got, lo) << "min n=" << n;
      GPUK_ASSERT_OK(Ops::max(nullptr, dx, n, &got));
      EXPECT_EQ(got, hi) << "max n=" << n;
    }
    GPUK_EXPECT_OK(gpuk_buffer_destroy(dx));
  }
}

TEST_P(Vec, ReductionsMatchReference) { CheckReductions<float>(this); }

TEST_P(Vec, ReductionsMatchReferenceF64) {
  if (!Supported<double>()) GTEST_SKIP() << info_.name << " has no double support";
  CheckReductions<double>(this);
}

template <typename T>
static void CheckMinMaxSkipNaN(Vec *t) {
  std::vector<T> x = {T(NAN), T(3), T(NAN), T(-2), T(NAN)};
  gpuk_buffer *dx = t->Upload(x);
  double got = 0;
  GPUK_ASSERT_OK(VecOps<T>::min(nullptr, dx, x.size(), &got));
  EXPECT_EQ(got, -2.0);
  GPUK_ASSERT_OK(VecOps<T>::max(nullptr, dx, x.size(), &got));
  EXPECT_EQ(got, 3.0);
  GPUK_EXPECT_OK(gpuk_buffer_destroy(dx));
}

TEST_P(Vec, MinAndMaxSkipNaN) {
  CheckMinMaxSkipNaN<float>(this);
  if (Supported<double>()) CheckMinMaxSkipNaN<double>(this);
}

// norm2 of vectors whose squares leave the accumulator's range (overflow to
// inf, or underflow to subnormals or zero) while the norm itself does not:
// elements scale * [-1, 1), the reference summed in long double, whose range
// holds every square of a double.
template <typename T>
static void CheckNorm2Scaled(Vec *t, const std::vector<T> &scales) {
  for (T scale : scales) {
    for (size_t n : {size_t(1), size_t(7), size_t(65537)}) {
      std::vector<T> x = RandomReals<T>(n);
      long double sumsq = 0;
      for (T &v : x) {
        v *= scale;
        sumsq += (long double)v * v;
      }
      gpuk_buffer *dx = t->Upload(x);
      const double norm = double(std::sqrt(sumsq));
      double got = 12345;
      GPUK_ASSERT_OK(VecOps<T>::norm2(nullptr, dx, n, &got));
      EXPECT_NEAR(got, norm, 1e-5 * norm) << "scale " << scale << " n=" << n;
      GPUK_EXPECT_OK(gpuk_buffer_destroy(dx));
    }
  }
  // Zeros, and an infinity among finite elements.
  std::vector<T> x(1000, T(0));
  gpuk_buffer *dx = t->Upload(x);
  double got = 12345;
  GPUK_ASSERT_OK(VecOps<T>::norm2(nullptr, dx, x.size(), &got));
  EXPECT_EQ(got, 0.0);
  x[500] = -std::numeric_limits<T>::infinity();
  x[3] = T(1);
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, dx, 0, x.size() * sizeof(T), x.data()));
  GPUK_ASSERT_OK(VecOps<T>::norm2(nullptr, dx, x.size(), &got));
  EXPECT_EQ(got, INFINITY);
  GPUK_EXPECT_OK(gpuk_buffer_destroy(dx));
}

TEST_P(Vec, Norm2KeepsOutOfRangeSquares) {
  // Float squares leave float's range (which matters where the device sums in
  // float); double squares leave double's.
  CheckNorm2Scaled<float>(this, {1e30f, 1e-30f, 1e-42f});
  if (Supported<double>()) CheckNorm2Scaled<double>(this, {1e200, 1e-200, 1e-310});
}

TEST_P(Vec, AsyncOnAStream) {
  const size_t n = 300007;
  std::vector<float> b = RandomFloats(n), c = RandomFloats(n);
  gpuk_buffer *db = Upload(b), *dc = Upload(c), *da = Poisoned<float>(n);
  gpuk_stream *s;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  std::vector<float> out(n, 0.0f);
  GPUK_ASSERT_OK(gpuk_vec_triad_f32(s, db, dc, da, 3.0f, n));
  GPUK_ASSERT_OK(gpuk_vec_copy_f32(s, da, db, n));
  GPUK_ASSERT_OK(gpuk_buffer_read(s, db, 0, n * 4, out.data()));
  GPUK_ASSERT_OK(gpuk_stream_synchronize(s));
  for (size_t i = 0; i < n; i++) ASSERT_NEAR(out[i], double(b[i]) + 3.0 * c[i], 4e-6) << i;
  if (Supported<double>()) {
    std::vector<double> y = RandomReals<double>(n), x = RandomReals<double>(n);
    gpuk_buffer *dy = Upload(y), *dx = Upload(x);
    std::vector<double> got(n, 0.0);
    GPUK_ASSERT_OK(gpuk_vec_axpy_f64(s, dx, dy, 2.5, n));
    GPUK_ASSERT_OK(gpuk_vec_scale_f64(s, dy, dx, -1.0, n));
    GPUK_ASSERT_OK(gpuk_buffer_read(s, dx, 0, n * 8, got.data()));
    GPUK_ASSERT_OK(gpuk_stream_synchronize(s));
    for (size_t i = 0; i < n; i++) ASSERT_NEAR(got[i], -(2.5 * x[i] + y[i]), 1e-15) << i;
    for (gpuk_buffer *v : {dx, dy}) GPUK_EXPECT_OK(gpuk_buffer_destroy(v));
  }
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
  for (gpuk_buffer *x : {da, db, dc}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Vec);
