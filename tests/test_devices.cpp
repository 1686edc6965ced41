// Device discovery, backend reports, selectors and device properties.
#include <cstdlib>

#include "../src/core/peak.h"
#include "gpuk_test.h"

TEST(Backends, CpuAlwaysAvailable) {
  gpuk_backend_info info;
  GPUK_ASSERT_OK(gpuk_backend_get_info(GPUK_BACKEND_CPU, &info));
  EXPECT_TRUE(info.compiled_in);
  EXPECT_TRUE(info.available);
  EXPECT_EQ(info.device_count, 1u);
  EXPECT_STREQ(info.reason, "");
}

TEST(Backends, UnavailableOnesSayWhy) {
  for (int b = 0; b < GPUK_BACKEND_COUNT; b++) {
    gpuk_backend_info info;
    GPUK_ASSERT_OK(gpuk_backend_get_info(static_cast<gpuk_backend>(b), &info));
    if (!info.available) {
      EXPECT_STRNE(info.reason, "") << gpuk_backend_name(info.backend);
      EXPECT_EQ(info.device_count, 0u);
    }
    if (!info.compiled_in) {
      EXPECT_STREQ(info.reason, "not compiled in");
    }
  }
}

TEST(Devices, ListIsOrderedFastestFirst) {
  size_t count = 0;
  GPUK_ASSERT_OK(gpuk_device_count(&count));
  ASSERT_GE(count, 1u);
  gpuk_device_info last;
  int prev_rank = -1;
  for (size_t i = 0; i < count; i++) {
    gpuk_device_info d;
    GPUK_ASSERT_OK(gpuk_device_get_info_by_index(i, &d));
    int rank = d.backend == GPUK_BACKEND_CUDA                                       ? 0
               : d.backend == GPUK_BACKEND_OPENCL && d.type == GPUK_DEVICE_TYPE_GPU ? 1
               : d.backend == GPUK_BACKEND_OPENCL && d.type != GPUK_DEVICE_TYPE_CPU ? 2
               : d.backend == GPUK_BACKEND_CPU                                       ? 3
                                                                                    : 4;
    EXPECT_GE(rank, prev_rank) << d.selector;
    prev_rank = rank;
  }
  GPUK_EXPECT_ERROR(gpuk_device_get_info_by_index(count, &last), GPUK_ERROR_OUT_OF_RANGE,
                    "device index");
  GPUK_EXPECT_ERROR(gpuk_device_get_info_by_index(0, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "info");
  GPUK_EXPECT_ERROR(gpuk_device_count(nullptr), GPUK_ERROR_INVALID_ARGUMENT, "count");
}

TEST(Devices, SelectorsOpenTheRightDevice) {
  gpuk_device *d = nullptr;
  gpuk_device_info info;
  GPUK_ASSERT_OK(gpuk_device_open("cpu", &d));
  GPUK_ASSERT_OK(gpuk_device_get_info(d, &info));
  EXPECT_EQ(info.backend, GPUK_BACKEND_CPU);
  std::string name = info.name;
  GPUK_ASSERT_OK(gpuk_device_close(d));

  // Each listed selector opens its own device.
  for (const std::string &sel : AllDeviceSelectors()) {
    GPUK_ASSERT_OK(gpuk_device_open(sel.c_str(), &d));
    GPUK_ASSERT_OK(gpuk_device_get_info(d, &info));
    EXPECT_EQ(sel, info.selector);
    GPUK_ASSERT_OK(gpuk_device_close(d));
  }

  // A case-changed substring of the CPU name finds a device with that name.
  std::string sub = name.substr(0, name.size() < 4 ? name.size() : 4);
  for (char &c : sub) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  GPUK_ASSERT_OK(gpuk_device_open(sub.c_str(), &d));
  GPUK_ASSERT_OK(gpuk_device_close(d));
}

TEST(Devices, DefaultIsFirstListedUnlessEnvironmentSaysOtherwise) {
  gpuk_device_info first, info;
  GPUK_ASSERT_OK(gpuk_device_get_info_by_index(0, &first));
  const char *saved = getenv("GPUK_DEVICE");
  std::string saved_value = saved ? saved : "";
  unsetenv("GPUK_DEVICE");
  gpuk_device *d = nullptr;
  GPUK_ASSERT_OK(gpuk_device_open(nullptr, &d));
  GPUK_ASSERT_OK(gpuk_device_get_info(d, &info));
  EXPECT_STREQ(info.selector, first.selector);
  GPUK_ASSERT_OK(gpuk_device_close(d));
  GPUK_ASSERT_OK(gpuk_device_open("default", &d));
  GPUK_ASSERT_OK(gpuk_device_close(d));

  setenv("GPUK_DEVICE", "cpu", 1);
  GPUK_ASSERT_OK(gpuk_device_open("", &d));
  GPUK_ASSERT_OK(gpuk_device_get_info(d, &info));
  EXPECT_EQ(info.backend, GPUK_BACKEND_CPU);
  GPUK_ASSERT_OK(gpuk_device_close(d));

  setenv("GPUK_DEVICE", "no-such-device-xyz", 1);
  GPUK_EXPECT_ERROR(gpuk_device_open(nullptr, &d), GPUK_ERROR_NOT_FOUND, "no-such-device-xyz");
  EXPECT_EQ(d, nullptr);
  if (saved) setenv("GPUK_DEVICE", saved_value.c_str(), 1); else unsetenv("GPUK_DEVICE");
}

class DeviceProperties : public DeviceTest {};

TEST_P(DeviceProperties, AreReal) {
  EXPECT_STRNE(info_.name, "");
  EXPECT_STRNE(info_.vendor, "");
  EXPECT_STRNE(info_.driver_version, "");
  EXPECT_GT(info_.compute_units, 0u);
  EXPECT_GT(info_.global_mem_bytes, 1u << 20);
  EXPECT_GT(info_.local_mem_bytes, 0u);
  EXPECT_GT(info_.max_work_group_size, 0u);
  EXPECT_GT(info_.max_work_item_sizes[0], 0u);
  if (info_.backend == GPUK_BACKEND_CUDA) {
    EXPECT_GE(info_.compute_capability_major, 3);
    EXPECT_GT(info_.l2_cache_bytes, 0u);
    if (info_.compute_capability_major >= 5) {
      EXPECT_GT(info_.peak_gflops_f32, 0.0);
    }
    EXPECT_LE(info_.peak_gflops_f64, info_.peak_gflops_f32);
  } else {
    EXPECT_EQ(info_.compute_capability_major, 0);
    EXPECT_EQ(info_.peak_gflops_f32, 0.0); /* OpenCL and CPU devices do not report it */
    EXPECT_EQ(info_.peak_gflops_f64, 0.0);
  }
}

// The peak table against published figures (boost clock, non-tensor).
TEST(Devices, CudaPeakFromComputeCapability) {
  double f32, f64;
  gpuk__cuda_peak_gflops(9, 0, 132, 1980, &f32, &f64); /* H100 SXM: 66.9 / 33.5 TFLOP/s */
  EXPECT_NEAR(f32, 66908.16, 0.01);
  EXPECT_NEAR(f64, 33454.08, 0.01);
  gpuk__cuda_peak_gflops(8, 0, 108, 1410, &f32, &f64); /* A100: 19.5 / 9.7 */
  EXPECT_NEAR(f32, 19491.84, 0.01);
  EXPECT_NEAR(f64, 9745.92, 0.01);
  gpuk__cuda_peak_gflops(8, 6, 82, 1695, &f32, &f64); /* RTX 3090: 35.6 / 0.56 */
  EXPECT_NEAR(f32, 35581.44, 0.01);
  EXPECT_NEAR(f64, 555.96, 0.01);
  gpuk__cuda_peak_gflops(7, 5, 40, 1590, &f32, &f64); /* T4: 8.1 / 0.25 */
  EXPECT_NEAR(f32, 8140.8, 0.01);
  gpuk__cuda_peak_gflops(3, 5, 15, 875, &f32, &f64); /* Kepler: not in the table */
  EXPECT_EQ(f32, 0.0);
  EXPECT_EQ(f64, 0.0);
}

TEST_P(DeviceProperties, TwoHandlesToOneDeviceAreIndependent) {
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *b;
  GPUK_ASSERT_OK(gpuk_buffer_create(other, 64, GPUK_MEM_READ_WRITE, &b));
  GPUK_ASSERT_OK(gpuk_device_close(other));
  // The first handle still works after the second closed.
  gpuk_buffer *mine;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, 64, GPUK_MEM_READ_WRITE, &mine));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(mine));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
}

TEST_P(DeviceProperties, HostMemory) {
  void *p = nullptr;
  GPUK_ASSERT_OK(gpuk_host_alloc(device_, 1000, &p));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
  memset(p, 0xab, 1000);
  GPUK_EXPECT_OK(gpuk_host_free(device_, p));
  GPUK_EXPECT_OK(gpuk_host_free(device_, nullptr));
  GPUK_EXPECT_ERROR(gpuk_host_alloc(device_, 0, &p), GPUK_ERROR_INVALID_ARGUMENT, "size is 0");
  EXPECT_EQ(p, nullptr);
  GPUK_EXPECT_ERROR(gpuk_host_alloc(device_, 16, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "ptr");
  GPUK_EXPECT_ERROR(gpuk_host_alloc(nullptr, 16, &p), GPUK_ERROR_INVALID_ARGUMENT, "device");
  GPUK_EXPECT_ERROR(gpuk_host_free(nullptr, p), GPUK_ERROR_INVALID_ARGUMENT, "device");
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(DeviceProperties);
