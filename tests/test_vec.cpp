// Built-in vector operations (BabelStream's copy, scale, add, triad, dot)
// against float64 host references, on every device, at odd sizes.
#include <cmath>

#include "gpuk_test.h"

class Vec : public DeviceTest {
 protected:
  gpuk_buffer *Upload(const std::vector<float> &v) {
    gpuk_buffer *b = nullptr;
    EXPECT_EQ(gpuk_buffer_create(device_, (v.size() + 1) * 4, GPUK_MEM_READ_WRITE, &b), 0);
    if (!v.empty()) EXPECT_EQ(gpuk_buffer_write(nullptr, b, 0, v.size() * 4, v.data()), 0);
    return b;
  }
  // n + 1 poisoned elements in a buffer of n + 2.
  gpuk_buffer *Poisoned(size_t n) { return Upload(std::vector<float>(n + 1, kPoison)); }
  std::vector<float> Download(gpuk_buffer *b, size_t n) {
    std::vector<float> out(n, 0.0f);
    if (n) EXPECT_EQ(gpuk_buffer_read(nullptr, b, 0, n * 4, out.data()), 0) << gpuk_last_error();
    return out;
  }
};

static const size_t kSizes[] = {0, 1, 2, 3, 31, 255, 256, 257, 1021, 65537, 1000003};

TEST_P(Vec, ElementwiseOpsMatchReference) {
  for (size_t n : kSizes) {
    std::vector<float> a = RandomFloats(n), b = RandomFloats(n), c = RandomFloats(n);
    gpuk_buffer *da = Upload(a), *db = Upload(b), *dc = Upload(c), *out = Poisoned(n);
    const float s = 0.4f;
    GPUK_ASSERT_OK(gpuk_vec_copy_f32(nullptr, da, out, n));
    std::vector<float> r = Download(out, n);
    for (size_t i = 0; i < n; i++) ASSERT_EQ(r[i], a[i]) << "copy n=" << n << " i=" << i;
    GPUK_ASSERT_OK(gpuk_vec_scale_f32(nullptr, dc, out, s, n));
    r = Download(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(s) * c[i], 1e-6) << "scale n=" << n << " i=" << i;
    GPUK_ASSERT_OK(gpuk_vec_add_f32(nullptr, da, db, out, n));
    r = Download(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(a[i]) + b[i], 1e-6) << "add n=" << n << " i=" << i;
    GPUK_ASSERT_OK(gpuk_vec_triad_f32(nullptr, db, dc, out, s, n));
    r = Download(out, n);
    for (size_t i = 0; i < n; i++)
      ASSERT_NEAR(r[i], double(b[i]) + double(s) * c[i], 2e-6) << "triad n=" << n << " i=" << i;
    // The element past n stays untouched.
    float past = 0;
    GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, out, n * 4, 4, &past));
    EXPECT_EQ(past, kPoison) << "n=" << n;
    for (gpuk_buffer *x : {da, db, dc, out}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
  }
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

TEST_P(Vec, BadInput) {
  gpuk_buffer *small = Poisoned(10), *big = Poisoned(100);
  double r;
  GPUK_EXPECT_ERROR(gpuk_vec_copy_f32(nullptr, big, small, 50), GPUK_ERROR_OUT_OF_RANGE,
                    "c holds 12 floats");
  GPUK_EXPECT_ERROR(gpuk_vec_triad_f32(nullptr, big, big, nullptr, 1.0f, 5),
                    GPUK_ERROR_INVALID_ARGUMENT, "a is NULL");
  GPUK_EXPECT_ERROR(gpuk_vec_dot_f32(nullptr, big, big, 5, nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "result");
  GPUK_EXPECT_ERROR(gpuk_vec_dot_f32(nullptr, small, big, 50, &r), GPUK_ERROR_OUT_OF_RANGE, "a holds");
  GPUK_EXPECT_ERROR(gpuk_vec_add_f32(nullptr, big, big, small, SIZE_MAX), GPUK_ERROR_OUT_OF_RANGE,
                    "needed");
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *theirs;
  GPUK_ASSERT_OK(gpuk_buffer_create(other, 400, GPUK_MEM_READ_WRITE, &theirs));
  GPUK_EXPECT_ERROR(gpuk_vec_scale_f32(nullptr, big, theirs, 2.0f, 10), GPUK_ERROR_DEVICE_MISMATCH,
                    "b belongs");
  GPUK_EXPECT_OK(gpuk_buffer_destroy(theirs));
  GPUK_EXPECT_OK(gpuk_device_close(other));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(small));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(big));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Vec);
