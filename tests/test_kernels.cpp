// User kernels from source: build (and its compiler log on failure), argument
// checking against the kernel's parameters, launch shapes, on every device
// that builds kernels; the CPU device reports that it does not.
#include <cstring>

#include "gpuk_test.h"
#include "program_test.h"

// __local pointer parameters exist in OpenCL only.
static const char *kLocalParamSource = R"CL(
__kernel void reverse_block(__global float *x, __local float *scratch) {
  size_t l = get_local_id(0), n = get_local_size(0), base = get_group_id(0) * n;
  scratch[l] = x[base + l];
  barrier(CLK_LOCAL_MEM_FENCE);
  x[base + l] = scratch[n - 1 - l];
}
)CL";

class Kernels : public ProgramTest {};

TEST_P(Kernels, Launch2DWithOddSizesAndChosenBlock) {
  gpuk_kernel *k;
  GPUK_ASSERT_OK(gpuk_kernel_create(program_, "fill_index", &k));
  size_t count = 0;
  GPUK_ASSERT_OK(gpuk_kernel_arg_count(k, &count));
  EXPECT_EQ(count, 4u);
  for (size_t width : {1u, 7u, 13u, 97u}) {
    for (size_t height : {1u, 3u, 31u}) {
      const size_t total = width * height;
      gpuk_buffer *out;
      GPUK_ASSERT_OK(gpuk_buffer_create(device_, (total + 1) * 4, GPUK_MEM_WRITE_ONLY, &out));
      std::vector<float> poison(total + 1, kPoison), got(total + 1);
      GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, out, 0, (total + 1) * 4, poison.data()));
      size_t global[2] = {width, height};
      gpuk_arg args[] = {gpuk_arg_buffer(out), gpuk_arg_u32(static_cast<uint32_t>(width)),
                         gpuk_arg_f32(0.5f), gpuk_arg_u64(total)};
      GPUK_ASSERT_OK(gpuk_kernel_launch(nullptr, k, 2, global, nullptr, 4, args));
      GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, out, 0, (total + 1) * 4, got.data()));
      for (size_t i = 0; i < total; i++) ASSERT_EQ(got[i], 0.5f * i) << width << "x" << height;
      EXPECT_EQ(got[total], kPoison);
      GPUK_EXPECT_OK(gpuk_buffer_destroy(out));
    }
  }
  GPUK_EXPECT_OK(gpuk_kernel_destroy(k));
}

TEST_P(Kernels, ExplicitBlockLocalMemoryAndEveryScalarType) {
  gpuk_kernel *k;
  GPUK_ASSERT_OK(gpuk_kernel_create(program_, "scaled_copy", &k));
  if (!info_.supports_double) GTEST_SKIP() << "no double support on " << info_.name;
  const size_t n = 64 * 5;
  std::vector<float> in = RandomFloats(n), got(n + 3, 0.0f);
  gpuk_buffer *din, *dout;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_ONLY, &din));
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, (n + 3) * 4, GPUK_MEM_READ_WRITE, &dout));
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, din, 0, n * 4, in.data()));
  size_t global = n, local = 64;
  gpuk_arg args[] = {gpuk_arg_buffer(din), gpuk_arg_buffer(dout), gpuk_arg_f64(-2.0),
                     gpuk_arg_i32(3), gpuk_arg_i64(-1)};
  GPUK_ASSERT_OK(gpuk_kernel_launch(nullptr, k, 1, &global, &local, 5, args));
  GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, dout, 0, (n + 3) * 4, got.data()));
  for (size_t i = 0; i < n; i++) ASSERT_EQ(got[i + 3], -2.0f * in[i]) << i;
  GPUK_EXPECT_OK(gpuk_kernel_destroy(k));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(din));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(dout));
}

TEST_P(Kernels, LocalMemoryParameter) {
  gpuk_program *p = nullptr;
  if (info_.backend == GPUK_BACKEND_CUDA) {
    GPUK_EXPECT_ERROR(gpuk_program_build(device_, kLocalParamSource, GPUK_SOURCE_OPENCL_C, "", &p),
                      GPUK_ERROR_BUILD, "scratch");
    GTEST_SKIP() << "__local pointer parameters have no CUDA equivalent";
  }
  GPUK_ASSERT_OK(gpuk_program_build(device_, kLocalParamSource, GPUK_SOURCE_OPENCL_C, "", &p));
  gpuk_kernel *k;
  GPUK_ASSERT_OK(gpuk_kernel_create(p, "reverse_block", &k));
  const size_t n = 96, block = 32;
  std::vector<float> in = RandomFloats(n), got(n);
  gpuk_buffer *b;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * 4, GPUK_MEM_READ_WRITE, &b));
  GPUK_ASSERT_OK(gpuk_buffer_write(nullptr, b, 0, n * 4, in.data()));
  gpuk_arg args[] = {gpuk_arg_buffer(b), gpuk_arg_local(block * 4)};
  GPUK_ASSERT_OK(gpuk_kernel_launch(nullptr, k, 1, &n, &block, 2, args));
  GPUK_ASSERT_OK(gpuk_buffer_read(nullptr, b, 0, n * 4, got.data()));
  for (size_t i = 0; i < n; i++) EXPECT_EQ(got[i], in[(i / block) * block + block - 1 - i % block]);
  gpuk_arg zero_local[] = {gpuk_arg_buffer(b), gpuk_arg_local(0)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, &n, &block, 2, zero_local),
                    GPUK_ERROR_INVALID_ARGUMENT, "local memory size is 0");
  gpuk_arg local_for_buffer[] = {gpuk_arg_local(16), gpuk_arg_local(16)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, &n, &block, 2, local_for_buffer),
                    GPUK_ERROR_INVALID_ARGUMENT, "needs GPUK_ARG_BUFFER, got GPUK_ARG_LOCAL");
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
  GPUK_EXPECT_OK(gpuk_kernel_destroy(k));
  GPUK_EXPECT_OK(gpuk_program_destroy(p));
}

TEST_P(Kernels, KernelOutlivesItsProgramHandle) {
  gpuk_program *p;
  GPUK_ASSERT_OK(gpuk_program_build(device_, kSource, GPUK_SOURCE_OPENCL_C, "", &p));
  gpuk_kernel *k;
  GPUK_ASSERT_OK(gpuk_kernel_create(p, "empty", &k));
  GPUK_ASSERT_OK(gpuk_program_destroy(p));
  size_t global[1] = {33};
  GPUK_EXPECT_OK(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 0, nullptr));
  size_t count = 9;
  GPUK_EXPECT_OK(gpuk_kernel_arg_count(k, &count));
  EXPECT_EQ(count, 0u);
  GPUK_EXPECT_OK(gpuk_kernel_destroy(k));
}

TEST_P(Kernels, EventsTimeAKernel) {
  gpuk_kernel *k;
  GPUK_ASSERT_OK(gpuk_kernel_create(program_, "fill_index", &k));
  const size_t n = 1 << 22;
  gpuk_buffer *out;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, n * 4, GPUK_MEM_WRITE_ONLY, &out));
  gpuk_stream *s;
  gpuk_event *a, *b;
  GPUK_ASSERT_OK(gpuk_stream_create(device_, &s));
  GPUK_ASSERT_OK(gpuk_event_create(device_, &a));
  GPUK_ASSERT_OK(gpuk_event_create(device_, &b));
  size_t global[1] = {n};
  gpuk_arg args[] = {gpuk_arg_buffer(out), gpuk_arg_u32(static_cast<uint32_t>(n)), gpuk_arg_f32(1),
                     gpuk_arg_u64(n)};
  GPUK_ASSERT_OK(gpuk_event_record(a, s));
  GPUK_ASSERT_OK(gpuk_kernel_launch(s, k, 1, global, nullptr, 4, args));
  GPUK_ASSERT_OK(gpuk_event_record(b, s));
  double ms = -1;
  GPUK_ASSERT_OK(gpuk_event_elapsed_ms(a, b, &ms));
  EXPECT_GT(ms, 0.0);
  float last = 0;
  GPUK_ASSERT_OK(gpuk_buffer_read(s, out, (n - 1) * 4, 4, &last));
  GPUK_ASSERT_OK(gpuk_stream_synchronize(s));
  EXPECT_EQ(last, float(n - 1));
  GPUK_EXPECT_OK(gpuk_event_destroy(a));
  GPUK_EXPECT_OK(gpuk_event_destroy(b));
  GPUK_EXPECT_OK(gpuk_stream_destroy(s));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(out));
  GPUK_EXPECT_OK(gpuk_kernel_destroy(k));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(Kernels);
