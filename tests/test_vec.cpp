// Built-in vector operations (BabelStream's copy, scale, add, triad, dot, and
// axpy, sum, min, max, norm2 from expression kernels) against float64 host
// references, on every device, at odd sizes.
#include <algorithm>
#include <cmath>

#include "gpuk_test.h"

class Vec : public DeviceTest {
 public:
  gpuk_buffer *Upload(const std::vector<float> &v) {
    gpuk_buffer *b = nullptr;
    EXPECT_EQ(gpuk_buffer_create(device_, (v.size() + 1) * 4, GPUK_MEM_READ_WRITE, &b), 0);
    if (!v.empty()) {
      EXPECT_EQ(gpuk_buffer_write(nullptr, b, 0, v.size() * 4, v.data()), 0);
    }
    return b;
  }
  // n + 1 poisoned elements in a buffer of n + 2.
  gpuk_buffer *Poisoned(size_t n) { return Upload(std::vector<float>(n + 1, kPoison)); }
  std::vector<float> Download(gpuk_buffer *b, size_t n) {
    std::vector<float> out(n, 0.0f);
    if (n) {
      EXPECT_EQ(gpuk_buffer_read(nullptr, b, 0, n * 4, out.data()), 0) << gpuk_last_error();
    }
    return out;
  }
};

static const size_t kSizes[] = {0, 1, 2, 3, 31, 255, 256, 257, 1021, 65537, 1000003};

// copy, scale, add and triad at each size against float64, and the element
// past n untouched.
static void CheckElementwiseOps(Vec *t, const std::vector<size_t> &sizes) {
  for (size_t n : sizes) {
    std::vector<float> a = RandomFloats(n), b = RandomFloats(n), c = RandomFloats(n);
    gpuk_buffer *da = t->Upload(a), *db = t->Upload(b), *dc = t->Upload(c), *out = t->Poisoned(n);
    const float s = 0.4f;
    GPUK_ASSERT_OK(gpuk_vec_copy_f32(nullptr, da, out, n));
    std::vector<float> r = t->Download(out, n);
    for (size_t i = 0; i < n; i++) ASSERT_EQ(r[i], a[i]) << "copy n=" << n << " i=" << i;
    GPUK_ASSERT_OK(gpuk_vec_scale_f32(nullptr, dc, out, s, n));
    r = t->Download(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(s) * c[i], 1e-6) << "scale n=" << n << " i=" << i;
    GPUK_ASSERT_OK(gpuk_vec_add_f32(nullptr, da, db, out, n));
    r = t->Download(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(a[i]) + b[i], 1e-6) << "add n=" << n << " i=" << i;
    GPUK_ASSERT_OK(gpuk_vec_triad_f32(nullptr, db, dc, out, s, n));
    r = t->Download(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(b[i]) + double(s) * c[i], 2e-6) << "triad n=" << n << " i=" << i;
    float past = 0;
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, out, n * 4, 4, &past));
    EXPECT_EQ(past, kPoison) << "n=" << n;
    for (gpuk_buffer *x : {da, db, dc, out}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
  }
}

TEST_P(Vec, ElementwiseOpsMatchReference) {
  CheckElementwiseOps(this, std::vector<size_t>(std::begin(kSizes), std::end(kSizes)));
}

// The CPU backend stores around the caches once an op's data outgrow the
// last-level cache; GPUK_CPU_STREAMING_BYTES=1 makes every size do so, and 3
// threads put the chunk boundaries at elements that are not 16-byte aligned.
TEST_P(Vec, ElementwiseOpsWithStreamingStores) {
  if (!IsCpuBackend()) GTEST_SKIP() << "streaming stores are the CPU backend's";
  ScopedEnv streaming("GPUK_CPU_STREAMING_BYTES"), threads("GPUK_CPU_THREADS");
  streaming.Set("1");
  threads.Set("3");
  CheckElementwiseOps(this, {1, 3, 4, 15, 16, 17, 33, 1000003, (3u << 18) + 5});
}

TEST_P(Vec, DotMatchesReference) {
  for (size_t n : kSizes) {
    std::vector<float> a = RandomFloats(n), b = RandomFloats(n);
    gpuk_buffer *da = Upload(a), *db = Upload(b);
    double ref = 0, mag = 0;
    for (size_t i = 0; i < n; i++) {
      ref += double(a[i]) * b[i];
      mag += std::fabs(double(a[i]) * b[i]);
    }
    double got = 12345;
    GPUK_ASSERT_OK(gpuk_vec_dot_f32(nullptr, da, db, n, &got));
    EXPECT_NEAR(got, ref, 1e-6 * mag + 1e-12) << "n=" << n;
    GPUK_EXPECT_OK(gpuk_buffer_destroy(da));
    GPUK_EXPECT_OK(gpuk_buffer_destroy(db));
  }
}

TEST_P(Vec, AxpyMatchesReference) {
  for (size_t n : kSizes) {
    std::vector<float> x = RandomFloats(n), y = RandomFloats(n + 1);
    gpuk_buffer *dx = Upload(x), *dy = Upload(y);
    const float alpha = -1.7f;
    GPUK_ASSERT_OK(gpuk_vec_axpy_f32(nullptr, dx, dy, alpha, n));
    std::vector<float> r = Download(dy, n + 1);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(alpha) * x[i] + y[i], 4e-6) << "axpy n=" << n << " i=" << i;
    EXPECT_EQ(r[n], y[n]) << "the element past n stays untouched, n=" << n;
    for (gpuk_buffer *b : {dx, dy}) GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  }
}

TEST_P(Vec, ReductionsMatchReference) {
  for (size_t n : kSizes) {
    std::vector<float> x = RandomFloats(n);
    // The extremes somewhere in the middle, and a NaN that min and max skip.
    if (n > 2) {
      x[n / 3] = 7.5f;
      x[2 * n / 3] = -9.25f;
      x[n / 2] = NAN;
    }
    gpuk_buffer *dx = Upload(x);
    double sum = 0, mag = 0, sumsq = 0, lo = INFINITY, hi = -INFINITY;
    for (float v : x) {
      if (std::isnan(v)) continue;
      sum += v;
      mag += std::fabs(v);
      sumsq += double(v) * v;
      lo = std::min(lo, double(v));
      hi = std::max(hi, double(v));
    }
    double got = 12345;
    if (n > 2) {  // the NaN poisons sum and norm2 as it should; check them without it
      GPUK_ASSERT_OK(gpuk_vec_sum_f32(nullptr, dx, n, &got));
      EXPECT_TRUE(std::isnan(got)) << "sum with a NaN, n=" << n;
      x[n / 2] = 0.0f;
      GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, dx, (n / 2) * 4, 4, &x[n / 2]));
      // min and max must now ignore nothing, and still see the extremes.
    }
    got = 12345;
    GPUK_ASSERT_OK(gpuk_vec_sum_f32(nullptr, dx, n, &got));
    EXPECT_NEAR(got, sum, 1e-6 * mag + 1e-12) << "sum n=" << n;
    got = 12345;
    GPUK_ASSERT_OK(gpuk_vec_norm2_f32(nullptr, dx, n, &got));
    EXPECT_NEAR(got, std::sqrt(sumsq), 1e-6 * std::sqrt(sumsq) + 1e-12) << "norm2 n=" << n;
    if (n == 0) {
      GPUK_EXPECT_ERROR(gpuk_vec_min_f32(nullptr, dx, 0, &got), GPUK_ERROR_INVALID_ARGUMENT,
                        "min of no elements");
      GPUK_EXPECT_ERROR(gpuk_vec_max_f32(nullptr, dx, 0, &got), GPUK_ERROR_INVALID_ARGUMENT,
                        "max of no elements");
    } else {
      if (n > 2) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
      }
      GPUK_ASSERT_OK(gpuk_vec_min_f32(nullptr, dx, n, &got));
      EXPECT_EQ(got, lo) << "min n=" << n;
      GPUK_ASSERT_OK(gpuk_vec_max_f32(nullptr, dx, n, &got));
      EXPECT_EQ(got, hi) << "max n=" << n;
    }
    GPUK_EXPECT_OK(gpuk_buffer_destroy(dx));
  }
}

TEST_P(Vec, MinAndMaxSkipNaN) {
  std::vector<float> x = {NAN, 3.0f, NAN, -2.0f, NAN};
  gpuk_buffer *dx = Upload(x);
  double got = 0;
  GPUK_ASSERT_OK(gpuk_vec_min_f32(nullptr, dx, x.size(), &got));
  EXPECT_EQ(got, -2.0);
  GPUK_ASSERT_OK(gpuk_vec_max_f32(nullptr, dx, x.size(), &got));
  EXPECT_EQ(got, 3.0);
  GPUK_EXPECT_OK(gpuk_buffer_destroy(dx));
}

TEST_P(Vec, AsyncOnAStream) {
  const size_t n = 300007;
  std::vector<float> b = RandomFloats(n), c = RandomFloats(n);
  gpuk_buffer *db = Upload(b), *dc = Upload(c), *da = Poisoned(n);
  gpuk_stream *s;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  std::vector<float> out(n, 0.0f);
  GPUK_ASSERT_OK(gpuk_vec_triad_f32(s, db, dc, da, 3.0f, n));
  GPUK_ASSERT_OK(gpuk_vec_copy_f32(s, da, db, n));
  GPUK_ASSERT_OK(gpuk_buffer_read(s, db, 0, n * 4, out.data()));
  GPUK_ASSERT_OK(gpuk_stream_synchronize(s));
  for (size_t i = 0; i < n; i++) ASSERT_NEAR(out[i], double(b[i]) + 3.0 * c[i], 4e-6) << i;
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
  for (gpuk_buffer *x : {da, db, dc}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Vec);
