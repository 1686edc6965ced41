// Error paths of user programs and kernels on every device that builds them:
// build failures with the compiler log, bad build and lookup input, argument
// lists that do not match the kernel's parameters (count, kinds, types), bad
// launch shapes, objects of another device and handles of the wrong kind.
#include "gpuk_test.h"
#include "program_test.h"

class KernelErrors : public ProgramTest {};

TEST_P(KernelErrors, ArgumentMismatchesAreCaughtBeforeLaunch) {
  gpuk_kernel *k, *odd;
  GPUK_ASSERT_OK(gpuk_kernel_create(program_, "fill_index", &k));
  GPUK_ASSERT_OK(gpuk_kernel_create(program_, "odd_types", &odd));
  gpuk_buffer *out;
  GPUK_ASSERT_OK(gpuk_buffer_create(device_, 64, GPUK_MEM_READ_WRITE, &out));
  size_t global[1] = {4};
  gpuk_arg good[] = {gpuk_arg_buffer(out), gpuk_arg_u32(4), gpuk_arg_f32(1), gpuk_arg_u64(4)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 3, good),
                    GPUK_ERROR_INVALID_ARGUMENT, "takes 4 argument(s), 3 given");
  gpuk_arg wrong_float[] = {gpuk_arg_buffer(out), gpuk_arg_u32(4), gpuk_arg_f64(1), gpuk_arg_u64(4)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 4, wrong_float),
                    GPUK_ERROR_INVALID_ARGUMENT, "argument 2 ('scale', declared float) needs GPUK_ARG_FLOAT, got GPUK_ARG_DOUBLE");
  gpuk_arg scalar_for_buffer[] = {gpuk_arg_i32(1), gpuk_arg_u32(4), gpuk_arg_f32(1), gpuk_arg_u64(4)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 4, scalar_for_buffer),
                    GPUK_ERROR_INVALID_ARGUMENT, "argument 0 ('out', declared float *) needs GPUK_ARG_BUFFER");
  gpuk_arg signed_for_unsigned[] = {gpuk_arg_buffer(out), gpuk_arg_i32(4), gpuk_arg_f32(1), gpuk_arg_u64(4)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 4, signed_for_unsigned),
                    GPUK_ERROR_INVALID_ARGUMENT, "'width'");
  gpuk_arg null_buffer[] = {gpuk_arg_buffer(nullptr), gpuk_arg_u32(4), gpuk_arg_f32(1), gpuk_arg_u64(4)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 4, null_buffer),
                    GPUK_ERROR_INVALID_ARGUMENT, "argument 0 is NULL");
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 4, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "args is NULL");
  gpuk_arg short_arg[] = {gpuk_arg_buffer(out), gpuk_arg_i32(1)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, odd, 1, global, nullptr, 2, short_arg),
                    GPUK_ERROR_UNSUPPORTED, "declared short");
  gpuk_arg bad_type = good[1];
  bad_type.type = static_cast<gpuk_arg_type>(42);
  gpuk_arg with_bad_type[] = {good[0], bad_type, good[2], good[3]};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 4, with_bad_type),
                    GPUK_ERROR_INVALID_ARGUMENT, "type 42");

  // Shapes.
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 0, global, nullptr, 4, good),
                    GPUK_ERROR_INVALID_ARGUMENT, "dims is 0");
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 4, global, nullptr, 4, good),
                    GPUK_ERROR_INVALID_ARGUMENT, "dims is 4");
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, nullptr, nullptr, 4, good),
                    GPUK_ERROR_INVALID_ARGUMENT, "global is NULL");
  size_t g10[1] = {10}, l4[1] = {4}, l0[1] = {0}, huge[1] = {info_.max_work_group_size * 2};
  size_t ghuge[1] = {info_.max_work_group_size * 2};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, g10, l4, 4, good), GPUK_ERROR_INVALID_ARGUMENT,
                    "global[0] = 10 is not a multiple of local[0] = 4");
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, g10, l0, 4, good), GPUK_ERROR_INVALID_ARGUMENT,
                    "local[0] is 0");
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, ghuge, huge, 4, good),
                    GPUK_ERROR_INVALID_ARGUMENT, "exceeds the device limit");
  // An empty range is a successful no-op.
  size_t zero[1] = {0};
  GPUK_EXPECT_OK(gpuk_kernel_launch(nullptr, k, 1, zero, nullptr, 4, good));
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, nullptr, 1, global, nullptr, 4, good),
                    GPUK_ERROR_INVALID_ARGUMENT, "kernel is NULL");

  GPUK_EXPECT_OK(gpuk_kernel_destroy(k));
  GPUK_EXPECT_OK(gpuk_kernel_destroy(odd));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(out));
}

TEST_P(KernelErrors, BuildFailureReturnsTheCompilerLog) {
  gpuk_program *bad = reinterpret_cast<gpuk_program *>(0x1);
  const char *src = "__kernel void broken(__global float *x) { x[0] = undeclared_thing + ; }";
  GPUK_EXPECT_ERROR(gpuk_program_build(device_, src, GPUK_SOURCE_OPENCL_C, "", &bad),
                    GPUK_ERROR_BUILD, "undeclared_thing");
  EXPECT_EQ(bad, nullptr);
  EXPECT_NE(std::string(gpuk_last_build_log()).find("undeclared_thing"), std::string::npos)
      << gpuk_last_build_log();
  // Bad options are a build error too, with a message.
  gpuk_status st = gpuk_program_build(device_, kSource, GPUK_SOURCE_OPENCL_C, "-not-an-option",
                                      &bad);
  EXPECT_EQ(st, GPUK_ERROR_BUILD) << gpuk_last_error();
  EXPECT_STRNE(gpuk_last_error(), "");
  // A successful build after a failed one clears the log state it does not own.
  gpuk_program *ok;
  GPUK_ASSERT_OK(gpuk_program_build(device_, "__kernel void k(void) {}", GPUK_SOURCE_OPENCL_C,
                                    "-DX=1", &ok));
  GPUK_EXPECT_OK(gpuk_program_destroy(ok));
}

TEST_P(KernelErrors, BadBuildAndLookupInput) {
  gpuk_program *p;
  GPUK_EXPECT_ERROR(gpuk_program_build(nullptr, kSource, GPUK_SOURCE_OPENCL_C, "", &p),
                    GPUK_ERROR_INVALID_ARGUMENT, "device");
  GPUK_EXPECT_ERROR(gpuk_program_build(device_, nullptr, GPUK_SOURCE_OPENCL_C, "", &p),
                    GPUK_ERROR_INVALID_ARGUMENT, "source");
  GPUK_EXPECT_ERROR(gpuk_program_build(device_, "", GPUK_SOURCE_OPENCL_C, "", &p),
                    GPUK_ERROR_INVALID_ARGUMENT, "source");
  GPUK_EXPECT_ERROR(gpuk_program_build(device_, kSource, static_cast<gpuk_source_language>(5), "", &p),
                    GPUK_ERROR_INVALID_ARGUMENT, "language 5");
  GPUK_EXPECT_ERROR(gpuk_program_build(device_, kSource, GPUK_SOURCE_OPENCL_C, "", nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "program");
  if (info_.backend != GPUK_BACKEND_CUDA)
    GPUK_EXPECT_ERROR(gpuk_program_build(device_, kSource, GPUK_SOURCE_CUDA, "", &p),
                      GPUK_ERROR_UNSUPPORTED, "needs a CUDA device");
  gpuk_kernel *k = reinterpret_cast<gpuk_kernel *>(0x1);
  GPUK_EXPECT_ERROR(gpuk_kernel_create(program_, "no_such_kernel", &k), GPUK_ERROR_NOT_FOUND,
                    "no_such_kernel");
  EXPECT_EQ(k, nullptr);
  GPUK_EXPECT_ERROR(gpuk_kernel_create(program_, "", &k), GPUK_ERROR_INVALID_ARGUMENT, "name");
  GPUK_EXPECT_ERROR(gpuk_kernel_create(program_, nullptr, &k), GPUK_ERROR_INVALID_ARGUMENT, "name");
  GPUK_EXPECT_ERROR(gpuk_kernel_create(nullptr, "empty", &k), GPUK_ERROR_INVALID_ARGUMENT, "program");
  GPUK_EXPECT_ERROR(gpuk_kernel_create(program_, "empty", nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "kernel");
  size_t count;
  GPUK_EXPECT_ERROR(gpuk_kernel_arg_count(nullptr, &count), GPUK_ERROR_INVALID_ARGUMENT, "kernel");
  GPUK_EXPECT_OK(gpuk_kernel_destroy(nullptr));
  GPUK_EXPECT_OK(gpuk_program_destroy(nullptr));
}

TEST_P(KernelErrors, ObjectsOfAnotherDeviceAndWrongKinds) {
  gpuk_kernel *k;
  GPUK_ASSERT_OK(gpuk_kernel_create(program_, "fill_index", &k));
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *theirs, *mine = MakeBuffer(64);
  gpuk_stream *their_stream;
  GPUK_ASSERT_OK(gpuk_buffer_create(other, 64, GPUK_MEM_READ_WRITE, &theirs));
  GPUK_ASSERT_OK(gpuk_stream_create(other, &their_stream));
  size_t global[1] = {4};
  gpuk_arg with_theirs[] = {gpuk_arg_buffer(theirs), gpuk_arg_u32(4), gpuk_arg_f32(1),
                            gpuk_arg_u64(4)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 4, with_theirs),
                    GPUK_ERROR_DEVICE_MISMATCH, "belongs to device");
  gpuk_arg good[] = {gpuk_arg_buffer(mine), gpuk_arg_u32(4), gpuk_arg_f32(1), gpuk_arg_u64(4)};
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(their_stream, k, 1, global, nullptr, 4, good),
                    GPUK_ERROR_DEVICE_MISMATCH, "stream belongs");
  // Handles of the wrong kind.
  gpuk_kernel *not_a_kernel = reinterpret_cast<gpuk_kernel *>(mine);
  GPUK_EXPECT_ERROR(gpuk_kernel_launch(nullptr, not_a_kernel, 1, global, nullptr, 4, good),
                    GPUK_ERROR_INVALID_HANDLE, "not a kernel");
  size_t count;
  GPUK_EXPECT_ERROR(gpuk_kernel_arg_count(not_a_kernel, &count), GPUK_ERROR_INVALID_HANDLE,
                    "not a kernel");
  GPUK_EXPECT_ERROR(gpuk_kernel_destroy(not_a_kernel), GPUK_ERROR_INVALID_HANDLE, "not a kernel");
  gpuk_kernel *unused;
  GPUK_EXPECT_ERROR(gpuk_kernel_create(reinterpret_cast<gpuk_program *>(k), "empty", &unused),
                    GPUK_ERROR_INVALID_HANDLE, "not a program");
  GPUK_EXPECT_ERROR(gpuk_program_destroy(reinterpret_cast<gpuk_program *>(mine)),
                    GPUK_ERROR_INVALID_HANDLE, "not a program");
  GPUK_EXPECT_OK(gpuk_kernel_launch(nullptr, k, 1, global, nullptr, 4, good));  // still usable
  GPUK_EXPECT_OK(gpuk_kernel_destroy(k));
  GPUK_EXPECT_OK(gpuk_stream_destroy(their_stream));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(theirs));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(mine));
  GPUK_EXPECT_OK(gpuk_device_close(other));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(KernelErrors);
