// Error paths of matrix multiply on every device: NULL buffers, leading
// dimensions smaller than a row, matrices past a buffer's end, sizes and
// products that overflow, C aliasing A or B, bad dtype/transpose values,
// block shapes that break a rule (each rule named), objects of another device,
// and the block-shape text, tuner and tuning-database functions.
#include <cmath>

#include "gpuk_test.h"
#include "temp_cache_dir.h"

class GemmErrors : public DeviceTest {};

TEST_P(GemmErrors, BadInput) {
  gpuk_buffer *a, *b, *c;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, 100 * 4, GPUK_MEM_READ_WRITE, &a));
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, 100 * 4, GPUK_MEM_READ_WRITE, &b));
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, 100 * 4, GPUK_MEM_READ_WRITE, &c));
  const gpuk_dtype f = GPUK_FLOAT32;
  const gpuk_transpose N = GPUK_NO_TRANS, T = GPUK_TRANS;
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 10, 10, 10, 1, nullptr, 0, 10, b, 0, 10, 0, c, 0, 10, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "a is NULL");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 10, 10, 10, 1, a, 0, 10, b, 0, 10, 0, nullptr, 0, 10, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "c is NULL");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 10, 10, 10, 1, a, 0, 9, b, 0, 10, 0, c, 0, 10, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "lda = 9 is smaller than the 10 columns");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 10, 10, 0, 1, a, 0, 0, b, 0, 10, 0, c, 0, 10, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "lda = 0: a leading dimension is at least 1");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, T, N, 10, 10, 5, 1, a, 0, 5, b, 0, 10, 0, c, 0, 10, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "lda = 5");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 10, 10, 10, 1, a, 1, 10, b, 0, 10, 0, c, 0, 10, nullptr),
                    GPUK_ERROR_OUT_OF_RANGE, "a: 10 x 10 with ld 10 at offset 1");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 10, 11, 10, 1, a, 0, 10, b, 0, 11, 0, c, 0, 11, nullptr),
                    GPUK_ERROR_OUT_OF_RANGE, "b:");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 10, 10, 10, 1, a, 0, 10, b, 0, 10, 0, c, 0, 10000, nullptr),
                    GPUK_ERROR_OUT_OF_RANGE, "c:");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, SIZE_MAX, 10, 10, 1, a, 0, 10, b, 0, 10, 0, c, 0, 10, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "below 2^31");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 3, 3, 3, 1, a, 0, SIZE_MAX / 2, b, 0, 3, 0, c, 0, 3, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "2^31");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 4, 4, 4, 1, a, 0, 4, b, 0, 4, 0, a, 8, 4, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "c overlaps a");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 4, 4, 4, 1, a, 0, 4, b, 0, 4, 0, b, 12, 4, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "c overlaps b");
  // C beside A in one buffer is fine.
  GPUK_EXPECT_OK(gpuk_gemm(nullptr, f, N, N, 4, 4, 4, 1, a, 0, 4, b, 0, 4, 0, a, 16, 4, nullptr));
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, static_cast<gpuk_dtype>(7), N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "dtype 7");
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, static_cast<gpuk_transpose>(2), N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "trans_a 2");
  gpuk_gemm_config bad = {64, 64, 16, 24, 16};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "mwg 64 is not a multiple of mdimc 24");
  bad = {64, 64, 1, 16, 16};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "mwg*kwg/vwm = 64 is not a multiple of mdimc*ndimc = 256");
  const gpuk_gemm_kernel P = GPUK_GEMM_KERNEL_PORTABLE;
  bad = {64, 64, 8, 8, 8, P, 3, 1};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "vwm 3 and vwn 1 must each be 1, 2, 4, 8 or 16");
  bad = {64, 64, 8, 8, 8, P, 1, 32};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "vwm 1 and vwn 32 must each be 1, 2, 4, 8 or 16");
  // Vectors of up to 16 bytes under CUDA, 64 in OpenCL C (float16, double8).
  const bool cuda = info_.backend == GPUK_BACKEND_CUDA;
  bad = {64, 64, 8, 4, 4, P, cuda ? 8u : 2u, cuda ? 1u : 32u};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT,
                    (cuda ? "at most 16 bytes on cuda devices (4 for float)"
                          : "1, 2, 4, 8 or 16, at most 64 bytes"));
  bad = {32, 64, 8, 16, 4, P, 4, 1};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "mwg 32 is not a multiple of mdimc 16 * vwm 4");
  bad = {64, 32, 8, 8, 16, P, 1, 4};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "nwg 32 is not a multiple of ndimc 16 * vwn 4");
  bad = {64, 64, 4, 8, 16, P, 1, 4};  // 64 vectors of B's slice for 128 work-items
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "nwg*kwg/vwn = 64 is not a multiple of mdimc*ndimc = 128");
  if (info_.supports_double) {
    bad = {64, 64, 8, 4, 4, P, cuda ? 4u : 16u, 2};
    const std::string limit = std::string("at most ") + (cuda ? "16" : "64") + " bytes on " +
                              gpuk_backend_name(info_.backend) + " devices (" + (cuda ? "2" : "8") +
                              " for double)";
    GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, GPUK_FLOAT64, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                      GPUK_ERROR_INVALID_ARGUMENT, limit.c_str());
  }
  bad = {64, 64, 16, 0, 16};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "must be > 0");
  bad = {256, 256, 64, 64, 64};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "exceed the limit");
  // The skinny kernel: no block shape, and C with at most 16 rows or columns.
  const gpuk_gemm_kernel S = GPUK_GEMM_KERNEL_SKINNY;
  bad = {64, 64, 8, 8, 8, S};
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 1, 1, 1, 1, a, 0, 1, b, 0, 1, 0, c, 0, 1, &bad),
                    GPUK_ERROR_INVALID_ARGUMENT, "GPUK_GEMM_KERNEL_SKINNY takes no block shape");
  const gpuk_gemm_config skinny = {0, 0, 0, 0, 0, S};
  gpuk_buffer *big_c;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, 17 * 17 * 4, GPUK_MEM_READ_WRITE, &big_c));
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, f, N, N, 17, 17, 1, 1, a, 0, 1, b, 0, 17, 0, big_c, 0, 17, &skinny),
                    GPUK_ERROR_INVALID_ARGUMENT, "at most 16 rows or columns; this one is 17 x 17");
  GPUK_EXPECT_OK(gpuk_gemm(nullptr, f, N, N, 16, 17, 1, 1, a, 0, 1, b, 0, 17, 0, big_c, 0, 17, &skinny));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(big_c));
  gpuk_gemm_config dflt;
  GPUK_EXPECT_OK(gpuk_gemm_default_config(device_, f, &dflt));
  GPUK_EXPECT_ERROR(gpuk_gemm_default_config(device_, f, nullptr), GPUK_ERROR_INVALID_ARGUMENT, "config");
  GPUK_EXPECT_ERROR(gpuk_gemm_default_config(nullptr, f, &dflt), GPUK_ERROR_INVALID_ARGUMENT, "device");
  // Empty products succeed without touching C.
  GPUK_EXPECT_OK(gpuk_gemm(nullptr, f, N, N, 0, 10, 10, 1, a, 0, 10, b, 0, 10, 0, c, 0, 10, nullptr));
  for (gpuk_buffer *x : {a, b, c}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
}

TEST_P(GemmErrors, CudaKernelBadShapes) {
  if (info_.backend != GPUK_BACKEND_CUDA) GTEST_SKIP() << "the CUDA kernel needs a CUDA device";
  gpuk_buffer *b;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, 64, GPUK_MEM_READ_WRITE, &b));
  auto gemm = [&](gpuk_dtype dtype, gpuk_gemm_config c) {
    return gpuk_gemm(nullptr, dtype, GPUK_NO_TRANS, GPUK_NO_TRANS, 1, 1, 1, 1, b, 0, 1, b, 0, 1, 0,
                     b, 4, 1, &c);
  };
  const gpuk_gemm_kernel K = GPUK_GEMM_KERNEL_CUDA;
  // Double: 16-byte vectors of 2, at most 64 results per thread.
  GPUK_EXPECT_OK(gemm(GPUK_FLOAT64, {64, 64, 8, 8, 8, K}));
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT64, {128, 256, 8, 16, 16, K}), GPUK_ERROR_INVALID_ARGUMENT,
                    "product <= 64 for double (got 128x256/16x16)");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT64, {64, 64, 4, 16, 16, K}), GPUK_ERROR_INVALID_ARGUMENT,
                    "mwg*kwg/2 = 128 is not a multiple of mdimc*ndimc = 256");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {64, 64, 8, 8, 8, K, 2, 1}), GPUK_ERROR_INVALID_ARGUMENT,
                    "vwm and vwn must be 0 or 1 (got 2 and 1)");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {64, 64, 8, 32, 8, K}), GPUK_ERROR_INVALID_ARGUMENT,
                    "mwg/mdimc and nwg/ndimc in {4, 8, 16} with a product <= 128 for float (got "
                    "64x64/32x8)");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {256, 256, 8, 16, 16, K}), GPUK_ERROR_INVALID_ARGUMENT,
                    "product <= 128");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {60, 64, 8, 8, 8, K}), GPUK_ERROR_INVALID_ARGUMENT,
                    "(got 60x64/8x8)");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {64, 64, 6, 8, 8, K}), GPUK_ERROR_INVALID_ARGUMENT,
                    "kwg % 4 == 0 (got 6)");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {128, 128, 4, 16, 16, K}), GPUK_ERROR_INVALID_ARGUMENT,
                    "mwg*kwg/4 = 128 is not a multiple of mdimc*ndimc = 256");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {256, 256, 64, 32, 32, K}), GPUK_ERROR_INVALID_ARGUMENT,
                    "local memory");
  GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {64, 64, 8, 8, 8, gpuk_gemm_kernel(5)}),
                    GPUK_ERROR_INVALID_ARGUMENT, "kernel 5 is not a gpuk_gemm_kernel");
  // The cp.async form: three slices in flight, so 128x128x16 (two fit) does not,
  // nor 128x128x8 in double.
  const gpuk_gemm_kernel A = GPUK_GEMM_KERNEL_CUDA_ASYNC;
  if (info_.compute_capability_major < 8) {
    GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {64, 64, 8, 8, 8, A}), GPUK_ERROR_UNSUPPORTED,
                      "needs cp.async (compute capability 8.0 or later)");
  } else {
    GPUK_EXPECT_OK(gemm(GPUK_FLOAT32, {128, 128, 16, 16, 16, K}));
    GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {128, 128, 16, 16, 16, A}), GPUK_ERROR_INVALID_ARGUMENT,
                      "tiles need 50688 bytes of local memory");
    GPUK_EXPECT_OK(gemm(GPUK_FLOAT64, {64, 64, 8, 8, 8, A}));
    GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT64, {128, 128, 8, 16, 16, A}), GPUK_ERROR_INVALID_ARGUMENT,
                      "tiles need 50688 bytes of local memory");
  }
  // The tensor-core form: double only, warps of 8 x 4 threads.
  const gpuk_gemm_kernel M = GPUK_GEMM_KERNEL_CUDA_MMA;
  if (info_.compute_capability_major < 8) {
    GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT64, {64, 64, 8, 8, 8, M}), GPUK_ERROR_UNSUPPORTED,
                      "needs FP64 tensor cores (compute capability 8.0 or later)");
  } else {
    GPUK_EXPECT_OK(gemm(GPUK_FLOAT64, {64, 64, 8, 8, 8, M}));
    GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT32, {64, 64, 8, 8, 8, M}), GPUK_ERROR_UNSUPPORTED,
                      "GPUK_GEMM_KERNEL_CUDA_MMA is double only");
    GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT64, {64, 64, 8, 16, 2, M}), GPUK_ERROR_INVALID_ARGUMENT,
                      "mdimc % 8 == 0 and ndimc % 4 == 0 (got 16x2)");
    GPUK_EXPECT_ERROR(gemm(GPUK_FLOAT64, {64, 64, 8, 4, 16, M}), GPUK_ERROR_INVALID_ARGUMENT,
                      "warps of 8 x 4");
  }
  GPUK_EXPECT_OK(gpuk_buffer_destroy(b));
}

TEST(GemmConfigText, BadInputs) {
  gpuk_gemm_config c{7, 7, 7, 7, 7, GPUK_GEMM_KERNEL_PORTABLE};
  for (const char *text : {"", "64x64x8/16", "64x64x8/16x16x", "64x64x8x16x16", "x64x8/16x16",
                           "64x64x8/16x16 ", " 64x64x8/16x16", "12345x1x1/1x1", "-1x64x8/16x16",
                           "opencl:64x64x8/16x16", "CUDA:64x64x8/16x16", "64x64x8/16x1a",
                           "64x64x8/16x16/", "64x64x8/16x16/4", "64x64x8/16x16/4x", "64x64x8/16x16/4x4/",
                           "64x64x8/16x16/4x4x4", "64x64x8/16x16/x4", "cuda:cuda-async:64x64x8/16x16",
                           "cuda-async64x64x8/16x16", "cuda-:64x64x8/16x16"}) {
    GPUK_EXPECT_ERROR(gpuk_gemm_config_parse(text, &c), GPUK_ERROR_INVALID_ARGUMENT,
                      "MWGxNWGxKWG/MDIMCxNDIMC");
    EXPECT_EQ(c.mwg, 7u) << text << ": a failed parse must leave config alone";
  }
  GPUK_EXPECT_ERROR(gpuk_gemm_config_parse(nullptr, &c), GPUK_ERROR_INVALID_ARGUMENT, "text");
  GPUK_EXPECT_ERROR(gpuk_gemm_config_parse("64x64x8/16x16", nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "config");
  char small[8];
  GPUK_ASSERT_OK(gpuk_gemm_config_parse("64x64x8/16x16", &c));
  GPUK_EXPECT_ERROR(gpuk_gemm_config_format(&c, small, sizeof small), GPUK_ERROR_INVALID_ARGUMENT,
                    "too small");
  GPUK_EXPECT_ERROR(gpuk_gemm_config_format(nullptr, small, sizeof small),
                    GPUK_ERROR_INVALID_ARGUMENT, "config");
  GPUK_EXPECT_ERROR(gpuk_gemm_config_format(&c, nullptr, 8), GPUK_ERROR_INVALID_ARGUMENT, "text");
  char text[48];
  c.kernel = gpuk_gemm_kernel(5);
  GPUK_EXPECT_ERROR(gpuk_gemm_config_format(&c, text, sizeof text), GPUK_ERROR_INVALID_ARGUMENT,
                    "kernel 5 is not a gpuk_gemm_kernel");
  // The skinny kernel's text is its name alone.
  GPUK_ASSERT_OK(gpuk_gemm_config_parse("skinny", &c));
  EXPECT_EQ(c.kernel, GPUK_GEMM_KERNEL_SKINNY);
  EXPECT_EQ(c.mwg + c.nwg + c.kwg + c.mdimc + c.ndimc + c.vwm + c.vwn, 0u);
  GPUK_ASSERT_OK(gpuk_gemm_config_format(&c, text, sizeof text));
  EXPECT_STREQ(text, "skinny");
  for (const char *wrong : {"skinny:", "Skinny", "skinny:64x64x8/16x16", "skinny ", "skin"})
    GPUK_EXPECT_ERROR(gpuk_gemm_config_parse(wrong, &c), GPUK_ERROR_INVALID_ARGUMENT, "or skinny");
}

TEST_P(GemmErrors, TuningBadArguments) {
  TempCacheDir dir;
  gpuk_gemm_tune_result r;
  gpuk_gemm_tune_options o{};
  GPUK_EXPECT_ERROR(gpuk_gemm_tune(nullptr, GPUK_FLOAT32, &o, &r), GPUK_ERROR_INVALID_ARGUMENT,
                    "device");
  GPUK_EXPECT_ERROR(gpuk_gemm_tune(device_, GPUK_FLOAT32, &o, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "result");
  GPUK_EXPECT_ERROR(gpuk_gemm_tune(device_, GPUK_INT32, &o, &r), GPUK_ERROR_INVALID_ARGUMENT,
                    "dtype");
  if (!IsCpuBackend()) {
    o.n = 20000;
    GPUK_EXPECT_ERROR(gpuk_gemm_tune(device_, GPUK_FLOAT32, &o, &r), GPUK_ERROR_INVALID_ARGUMENT,
                      "options->n = 20000");
    o.n = 64;
    o.repeat = 65;
    GPUK_EXPECT_ERROR(gpuk_gemm_tune(device_, GPUK_FLOAT32, &o, &r), GPUK_ERROR_INVALID_ARGUMENT,
                      "options->repeat = 65");
    if (!info_.supports_double)
      GPUK_EXPECT_ERROR(gpuk_gemm_tune(device_, GPUK_FLOAT64, nullptr, &r),
                        GPUK_ERROR_UNSUPPORTED, "double");
    gpuk_gemm_config bad{64, 64, 8, 16, 15, GPUK_GEMM_KERNEL_PORTABLE};
    GPUK_EXPECT_ERROR(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, &bad, 1, 64),
                      GPUK_ERROR_INVALID_ARGUMENT, "ndimc 15");
    gpuk_gemm_config good{32, 32, 8, 8, 8, GPUK_GEMM_KERNEL_PORTABLE};
    GPUK_EXPECT_ERROR(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, &good, -1, 64),
                      GPUK_ERROR_INVALID_ARGUMENT, "gflops");
    GPUK_EXPECT_ERROR(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, &good, NAN, 64),
                      GPUK_ERROR_INVALID_ARGUMENT, "gflops");
    GPUK_EXPECT_ERROR(gpuk_gemm_tuning_save(device_, GPUK_FLOAT32, nullptr, 1, 64),
                      GPUK_ERROR_INVALID_ARGUMENT, "config");
    EXPECT_TRUE(dir.Read().empty()) << "nothing may be written by a refused save";
  }
}

TEST_P(GemmErrors, ObjectsOfAnotherDeviceAndConfigQueries) {
  gpuk_buffer *a = MakeBuffer(16 * 4), *b = MakeBuffer(16 * 4), *c = MakeBuffer(16 * 4);
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *theirs;
  gpuk_stream *their_stream;
  GPUK_ASSERT_OK(gpuk_buffer_create(other, 16 * 4, GPUK_MEM_READ_WRITE, &theirs));
  GPUK_ASSERT_OK(gpuk_stream_create(other, &their_stream));
  const gpuk_transpose N = GPUK_NO_TRANS;
  GPUK_EXPECT_ERROR(gpuk_gemm(nullptr, GPUK_FLOAT32, N, N, 4, 4, 4, 1, a, 0, 4, theirs, 0, 4, 0, c,
                              0, 4, nullptr),
                    GPUK_ERROR_DEVICE_MISMATCH, "b belongs to device");
  GPUK_EXPECT_ERROR(gpuk_gemm(their_stream, GPUK_FLOAT32, N, N, 4, 4, 4, 1, a, 0, 4, b, 0, 4, 0, c,
                              0, 4, nullptr),
                    GPUK_ERROR_DEVICE_MISMATCH, "stream belongs");
  gpuk_gemm_config config;
  gpuk_gemm_config_origin origin;
  GPUK_EXPECT_ERROR(gpuk_gemm_choose_config(nullptr, GPUK_FLOAT32, &config, &origin),
                    GPUK_ERROR_INVALID_ARGUMENT, "device");
  GPUK_EXPECT_ERROR(gpuk_gemm_choose_config(device_, GPUK_INT32, &config, &origin),
                    GPUK_ERROR_INVALID_ARGUMENT, "dtype");
  GPUK_EXPECT_ERROR(gpuk_gemm_choose_config(device_, GPUK_FLOAT32, nullptr, &origin),
                    GPUK_ERROR_INVALID_ARGUMENT, "config");
  GPUK_EXPECT_ERROR(gpuk_gemm_choose_config_sized(nullptr, GPUK_FLOAT32, 1, 1, &config, &origin),
                    GPUK_ERROR_INVALID_ARGUMENT, "device");
  GPUK_EXPECT_ERROR(gpuk_gemm_choose_config_sized(device_, GPUK_INT32, 1, 1, &config, &origin),
                    GPUK_ERROR_INVALID_ARGUMENT, "dtype");
  GPUK_EXPECT_ERROR(gpuk_gemm_choose_config_sized(device_, GPUK_FLOAT32, 1, 1, nullptr, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "config");
  GPUK_EXPECT_ERROR(gpuk_gemm_config_check(device_, GPUK_FLOAT32, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "config");
  GPUK_EXPECT_ERROR(gpuk_gemm_config_check(nullptr, GPUK_FLOAT32, &config),
                    GPUK_ERROR_INVALID_ARGUMENT, "device");
  EXPECT_STREQ(gpuk_gemm_config_origin_name(gpuk_gemm_config_origin(99)), "unknown");
  GPUK_EXPECT_OK(gpuk_stream_destroy(their_stream));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(theirs));
  GPUK_EXPECT_OK(gpuk_device_close(other));
  for (gpuk_buffer *x : {a, b, c}) GPUK_EXPECT_OK(gpuk_buffer_destroy(x));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(GemmErrors);
