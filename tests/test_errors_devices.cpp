// Error paths of backends and devices: bad backend values, NULL outputs,
// selectors that name nothing or are malformed, unavailable backends, handles
// of the wrong kind. Each case checks the status and a message naming the
// problem.
#include <cstdint>

#include "gpuk_test.h"

TEST(Backends, BadArguments) {
  gpuk_backend_info info;
  GPUK_EXPECT_ERROR(gpuk_backend_get_info(GPUK_BACKEND_COUNT, &info), GPUK_ERROR_INVALID_ARGUMENT,
                    "backend 3");
  GPUK_EXPECT_ERROR(gpuk_backend_get_info(static_cast<gpuk_backend>(-1), &info),
                    GPUK_ERROR_INVALID_ARGUMENT, "backend -1");
  GPUK_EXPECT_ERROR(gpuk_backend_get_info(GPUK_BACKEND_CPU, nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "info");
  EXPECT_STREQ(gpuk_backend_name(static_cast<gpuk_backend>(9)), "unknown");
}

TEST(Devices, BadSelectors) {
  gpuk_device *d = reinterpret_cast<gpuk_device *>(0x1);
  GPUK_EXPECT_ERROR(gpuk_device_open("zz-unknown-device", &d), GPUK_ERROR_NOT_FOUND,
                    "zz-unknown-device");
  EXPECT_EQ(d, nullptr);
  GPUK_EXPECT_ERROR(gpuk_device_open("cpu", nullptr), GPUK_ERROR_INVALID_ARGUMENT, "device");

  gpuk_backend_info cuda, opencl;
  GPUK_ASSERT_OK(gpuk_backend_get_info(GPUK_BACKEND_CUDA, &cuda));
  GPUK_ASSERT_OK(gpuk_backend_get_info(GPUK_BACKEND_OPENCL, &opencl));
  if (!cuda.available) {
    // The no-driver path: a clear error carrying the backend's reason.
    GPUK_EXPECT_ERROR(gpuk_device_open("cuda:0", &d), GPUK_ERROR_BACKEND_UNAVAILABLE, cuda.reason);
    GPUK_EXPECT_ERROR(gpuk_device_open("cuda", &d), GPUK_ERROR_BACKEND_UNAVAILABLE, "cuda");
  } else {
    GPUK_EXPECT_ERROR(gpuk_device_open("cuda:99", &d), GPUK_ERROR_NOT_FOUND, "cuda:99");
    GPUK_EXPECT_ERROR(gpuk_device_open("cuda:x", &d), GPUK_ERROR_INVALID_ARGUMENT, "cuda:N");
  }
  if (!opencl.available) {
    GPUK_EXPECT_ERROR(gpuk_device_open("opencl:0:0", &d), GPUK_ERROR_BACKEND_UNAVAILABLE,
                      opencl.reason);
  } else {
    GPUK_EXPECT_ERROR(gpuk_device_open("opencl:9:9", &d), GPUK_ERROR_NOT_FOUND, "platform 9");
    GPUK_EXPECT_ERROR(gpuk_device_open("opencl:a:b", &d), GPUK_ERROR_INVALID_ARGUMENT, "opencl:P:D");
    GPUK_EXPECT_ERROR(gpuk_device_open("opencl:0", &d), GPUK_ERROR_INVALID_ARGUMENT, "opencl:P:D");
    GPUK_EXPECT_ERROR(gpuk_device_open("opencl:-1:0", &d), GPUK_ERROR_INVALID_ARGUMENT,
                      "opencl:P:D");
  }
}

TEST(Devices, CloseAndInfoBadInput) {
  GPUK_EXPECT_OK(gpuk_device_close(nullptr));
  gpuk_device_info info;
  GPUK_EXPECT_ERROR(gpuk_device_get_info(nullptr, &info), GPUK_ERROR_INVALID_ARGUMENT, "device");
  gpuk_device *d;
  GPUK_ASSERT_OK(gpuk_device_open("cpu", &d));
  GPUK_EXPECT_ERROR(gpuk_device_get_info(d, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "info");
  // A stream handle is not a device.
  gpuk_stream *s;
  GPUK_ASSERT_OK(gpuk_stream_create(d, &s));
  GPUK_EXPECT_ERROR(gpuk_device_get_info(reinterpret_cast<gpuk_device *>(s), &info),
                    GPUK_ERROR_INVALID_HANDLE, "not a device");
  GPUK_ASSERT_OK(gpuk_stream_destroy(s));
  GPUK_ASSERT_OK(gpuk_device_close(d));
}

TEST(Devices, CountAndIndexBadInput) {
  size_t count = 0;
  GPUK_EXPECT_ERROR(gpuk_device_count(nullptr), GPUK_ERROR_INVALID_ARGUMENT, "count");
  GPUK_ASSERT_OK(gpuk_device_count(&count));
  gpuk_device_info info;
  GPUK_EXPECT_ERROR(gpuk_device_get_info_by_index(count, &info), GPUK_ERROR_OUT_OF_RANGE,
                    std::to_string(count));
  GPUK_EXPECT_ERROR(gpuk_device_get_info_by_index(SIZE_MAX, &info), GPUK_ERROR_OUT_OF_RANGE,
                    "index");
  GPUK_EXPECT_ERROR(gpuk_device_get_info_by_index(0, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "info");
}

TEST(Devices, HandlesOfTheWrongKind) {
  gpuk_device *d;
  GPUK_ASSERT_OK(gpuk_device_open("cpu", &d));
  gpuk_buffer *b;
  GPUK_ASSERT_OK(gpuk_buffer_create(d, 16, GPUK_MEM_READ_WRITE, &b));
  gpuk_device *not_a_device = reinterpret_cast<gpuk_device *>(b);
  GPUK_EXPECT_ERROR(gpuk_device_close(not_a_device), GPUK_ERROR_INVALID_HANDLE, "not a device");
  gpuk_stream *s = nullptr;
  GPUK_EXPECT_ERROR(gpuk_stream_create(not_a_device, &s), GPUK_ERROR_INVALID_HANDLE, "device");
  void *host = nullptr;
  GPUK_EXPECT_ERROR(gpuk_host_alloc(not_a_device, 16, &host), GPUK_ERROR_INVALID_HANDLE, "device");
  GPUK_ASSERT_OK(gpuk_buffer_destroy(b));
  GPUK_ASSERT_OK(gpuk_device_close(d));
}
