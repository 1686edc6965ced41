// A fixture with kSource (OpenCL C kernels of several signatures) built on the
// device under test; skipped on the CPU device, which builds no user kernels.
#pragma once

#include "gpuk_test.h"

inline const char *kSource = R"CL(
// A comment mentioning kernel void fake(int x) must not confuse the parser.
__kernel void fill_index(__global float *out, const uint width, float scale, ulong total) {
  size_t x = get_global_id(0), y = get_global_id(1);
  size_t i = y * width + x;
  if (i < total) out[i] = scale * (float)i;
}

__kernel void scaled_copy(__global const float * restrict in, __global float *out, double f,
                          int offset, long unused) {
  __local float scratch[64];
  size_t i = get_global_id(0);
  scratch[get_local_id(0)] = in[i];
  barrier(CLK_LOCAL_MEM_FENCE);
  out[i + offset] = (float)(f * scratch[get_local_id(0)]);
}

__kernel void odd_types(__global float *out, short s) { out[0] = s; }

__kernel void empty(void) {}
)CL";

class ProgramTest : public DeviceTest {
 protected:
  void SetUp() override {
    DeviceTest::SetUp();
    if (IsCpuBackend()) {
      gpuk_program *p = nullptr;
      GPUK_EXPECT_ERROR(gpuk_program_build(device_, kSource, GPUK_SOURCE_OPENCL_C, "", &p),
                        GPUK_ERROR_UNSUPPORTED, "building kernels from source");
      GTEST_SKIP() << "the CPU device builds no user kernels (generated kernels come later)";
    }
    GPUK_ASSERT_OK(gpuk_program_build(device_, kSource, GPUK_SOURCE_OPENCL_C, nullptr, &program_));
  }
  void TearDown() override {
    GPUK_EXPECT_OK(gpuk_program_destroy(program_));
    DeviceTest::TearDown();
  }
  gpuk_program *program_ = nullptr;
};
