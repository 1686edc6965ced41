// Error paths of generated kernels on every device: element-wise and reduction
// kernels (bad signatures, names and expressions, syntax errors with the
// compiler log, argument lists that do not match the signature, ranges past a
// buffer's end), the source-only generators, and the built-in vector ops.
#include <cstdint>
#include <cstdlib>

#include "gpuk_test.h"

class GeneratedErrors : public DeviceTest {};

TEST_P(GeneratedErrors, ElementwiseBadCreateArguments) {
  gpuk_elementwise *k = nullptr;
  auto create = [&](const char *arguments, const char *operation, const char *name) {
    return gpuk_elementwise_create(device_, arguments, operation, name, nullptr, &k);
  };
  GPUK_EXPECT_ERROR(gpuk_elementwise_create(nullptr, "float *y", "y[i] = 0", "f", nullptr, &k),
                    GPUK_ERROR_INVALID_ARGUMENT, "device");
  GPUK_EXPECT_ERROR(gpuk_elementwise_create(device_, "float *y", "y[i] = 0", "f", nullptr, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "kernel (output) is NULL");
  GPUK_EXPECT_ERROR(create(nullptr, "y[i] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT, "arguments is NULL");
  GPUK_EXPECT_ERROR(create("float *y", nullptr, "f"), GPUK_ERROR_INVALID_ARGUMENT, "operation is NULL");
  GPUK_EXPECT_ERROR(create("float *y", "", "f"), GPUK_ERROR_INVALID_ARGUMENT, "operation is empty");
  GPUK_EXPECT_ERROR(create("float *y", "y[i] = 0", nullptr), GPUK_ERROR_INVALID_ARGUMENT, "name is NULL");
  GPUK_EXPECT_ERROR(create("float *y", "y[i] = 0", "2fast"), GPUK_ERROR_INVALID_ARGUMENT,
                    "name '2fast' is not a C identifier");
  GPUK_EXPECT_ERROR(create("float *y", "y[i] = 0", "gpuk_mine"), GPUK_ERROR_INVALID_ARGUMENT,
                    "reserved for libgpuk");
  GPUK_EXPECT_ERROR(create("float *x, flot *y", "y[i] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT,
                    "argument 2 (' flot *y'): unknown type 'flot'");
  GPUK_EXPECT_ERROR(create("float *", "y[i] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT, "no name");
  GPUK_EXPECT_ERROR(create("float *x, float *x", "x[i] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT,
                    "argument 2 repeats the name 'x'");
  GPUK_EXPECT_ERROR(create("float *i", "i[0] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT, "i is the index");
  GPUK_EXPECT_ERROR(create("float **p", "p[i] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT,
                    "pointers to pointers");
  GPUK_EXPECT_ERROR(create("const float a", "", "f"), GPUK_ERROR_INVALID_ARGUMENT,
                    "const applies to pointers only");
  GPUK_EXPECT_ERROR(create("float *y,", "y[i] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT,
                    "argument 2 (''): no type");
  GPUK_EXPECT_ERROR(create("unsigned char *y", "y[i] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT,
                    "'unsigned' must be followed by int or long");
  GPUK_EXPECT_ERROR(create("float *y z", "y[i] = 0", "f"), GPUK_ERROR_INVALID_ARGUMENT,
                    "unexpected 'z' after the name");
  EXPECT_EQ(k, nullptr);
  // A syntax error comes back with the compiler's log, whichever backend compiled it.
  GPUK_EXPECT_ERROR(create("float *y", "y[i] = undeclared_thing + ", "broken"), GPUK_ERROR_BUILD,
                    "element-wise kernel 'broken'");
  EXPECT_NE(std::string(gpuk_last_build_log()).find("undeclared_thing"), std::string::npos)
      << "log: " << gpuk_last_build_log();
  EXPECT_EQ(k, nullptr);
}

TEST_P(GeneratedErrors, ElementwiseBadRunArguments) {
  gpuk_elementwise *k = CreateElementwise("float *y, const double *x, double s, int n", "y[i] = (float)(s * x[i]) + n",
                               "checked");
  if (!info_.supports_double) GTEST_SKIP() << "needs double";
  ASSERT_NE(k, nullptr);
  DeviceArray<float> y(device_, 100);
  DeviceArray<double> x(device_, 100);
  gpuk_arg good[] = {y.arg(), x.arg(), gpuk_arg_f64(2.0), gpuk_arg_i32(1)};
  GPUK_EXPECT_OK(gpuk_elementwise_run(nullptr, k, 0, 100, 4, good));
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, nullptr, 0, 100, 4, good), GPUK_ERROR_INVALID_ARGUMENT,
                    "kernel is NULL");
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 100, 3, good), GPUK_ERROR_INVALID_ARGUMENT,
                    "checked takes 4 arguments; 3 given");
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 100, 4, nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "args is NULL");
  gpuk_arg scalar_for_buffer[] = {gpuk_arg_f32(1), x.arg(), gpuk_arg_f64(2.0), gpuk_arg_i32(1)};
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 100, 4, scalar_for_buffer),
                    GPUK_ERROR_INVALID_ARGUMENT, "argument 1 (y) is declared float *; a scalar");
  gpuk_arg buffer_for_scalar[] = {y.arg(), x.arg(), x.arg(), gpuk_arg_i32(1)};
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 100, 4, buffer_for_scalar),
                    GPUK_ERROR_INVALID_ARGUMENT, "argument 3 (s) is declared double; a buffer was given");
  gpuk_arg float_for_double[] = {y.arg(), x.arg(), gpuk_arg_f32(2.0f), gpuk_arg_i32(1)};
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 100, 4, float_for_double),
                    GPUK_ERROR_INVALID_ARGUMENT, "argument 3 (s) is declared double; GPUK_ARG_FLOAT was given");
  gpuk_arg long_for_int[] = {y.arg(), x.arg(), gpuk_arg_f64(2.0), gpuk_arg_i64(1)};
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 100, 4, long_for_int),
                    GPUK_ERROR_INVALID_ARGUMENT, "argument 4 (n) is declared int");
  gpuk_arg null_buffer[] = {gpuk_arg_buffer(nullptr), x.arg(), gpuk_arg_f64(2.0), gpuk_arg_i32(1)};
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 100, 4, null_buffer), GPUK_ERROR_INVALID_ARGUMENT,
                    "y is NULL");
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 101, 4, good), GPUK_ERROR_OUT_OF_RANGE,
                    "argument 1 (y) holds 100 floats (400 bytes); the range needs 101");
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 50, 10, 4, good), GPUK_ERROR_INVALID_ARGUMENT,
                    "start 50 is after stop 10");
  GPUK_EXPECT_OK(gpuk_elementwise_run(nullptr, k, 10, 10, 4, good));  // empty range
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(nullptr));
}

TEST_P(GeneratedErrors, ElementwiseBufferOfAnotherDevice) {
  gpuk_device *cpu;
  GPUK_ASSERT_OK(gpuk_device_open("cpu", &cpu));
  if (IsCpuBackend()) {
    GPUK_EXPECT_OK(gpuk_device_close(cpu));
    GTEST_SKIP() << "needs a second device";
  }
  gpuk_elementwise *k = CreateElementwise("float *y", "y[i] = 0", "zero");
  ASSERT_NE(k, nullptr);
  DeviceArray<float> other(cpu, 10);
  gpuk_arg args[] = {other.arg()};
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, k, 0, 10, 1, args), GPUK_ERROR_DEVICE_MISMATCH,
                    "y belongs to device");
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
  GPUK_EXPECT_OK(gpuk_device_close(cpu));  // the buffer is freed after: allowed
}

TEST_P(GeneratedErrors, ReductionBadInput) {
  gpuk_reduction *r = nullptr;
  auto create = [&](gpuk_dtype out, const char *neutral, const char *reduce, const char *map,
                    const char *arguments) {
    return gpuk_reduction_create(device_, out, neutral, reduce, map, arguments, "red", nullptr, &r);
  };
  GPUK_EXPECT_ERROR(create(gpuk_dtype(9), "0", "a + b", nullptr, "float *x"), GPUK_ERROR_INVALID_ARGUMENT,
                    "out_type 9 is not a gpuk_dtype");
  GPUK_EXPECT_ERROR(create(GPUK_FLOAT32, nullptr, "a + b", nullptr, "float *x"), GPUK_ERROR_INVALID_ARGUMENT,
                    "neutral is NULL");
  GPUK_EXPECT_ERROR(create(GPUK_FLOAT32, "0", "", nullptr, "float *x"), GPUK_ERROR_INVALID_ARGUMENT,
                    "reduce_expr is empty");
  GPUK_EXPECT_ERROR(create(GPUK_FLOAT32, "0", "a + b", nullptr, "float s"), GPUK_ERROR_INVALID_ARGUMENT,
                    "no argument is a pointer");
  GPUK_EXPECT_ERROR(create(GPUK_FLOAT32, "0", "a + b", "", "float *x"), GPUK_ERROR_INVALID_ARGUMENT,
                    "map_expr is empty");
  GPUK_EXPECT_ERROR(create(GPUK_FLOAT32, "0", "a + b", nullptr, "float x*"), GPUK_ERROR_INVALID_ARGUMENT,
                    "argument 1");
  GPUK_EXPECT_ERROR(gpuk_reduction_create(device_, GPUK_FLOAT32, "0", "a + b", nullptr, "float *x", "red",
                                          nullptr, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "reduction (output) is NULL");
  GPUK_EXPECT_ERROR(create(GPUK_FLOAT32, "0", "a +* b", nullptr, "float *x"), GPUK_ERROR_BUILD,
                    "reduction 'red'");
  EXPECT_NE(std::string(gpuk_last_build_log()), "");
  EXPECT_EQ(r, nullptr);

  r = CreateReduction(GPUK_INT32, "0", "a + b", nullptr, "const int *x", "isum");
  ASSERT_NE(r, nullptr);
  DeviceArray<int32_t> x(device_, std::vector<int32_t>(10, 1));
  gpuk_arg args[] = {x.arg()};
  int32_t got = 0;
  GPUK_EXPECT_ERROR(gpuk_reduction_run(nullptr, r, 0, 10, 1, args, nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "host_result is NULL");
  GPUK_EXPECT_ERROR(gpuk_reduction_run(nullptr, r, 0, 11, 1, args, &got), GPUK_ERROR_OUT_OF_RANGE,
                    "holds 10 ints");
  GPUK_EXPECT_ERROR(gpuk_reduction_run(nullptr, r, 5, 4, 1, args, &got), GPUK_ERROR_INVALID_ARGUMENT,
                    "start 5 is after stop 4");
  GPUK_EXPECT_ERROR(gpuk_reduction_run(nullptr, r, 0, 10, 0, args, &got), GPUK_ERROR_INVALID_ARGUMENT,
                    "isum takes 1 arguments; 0 given");
  gpuk_arg wrong[] = {gpuk_arg_i32(3)};
  GPUK_EXPECT_ERROR(gpuk_reduction_run(nullptr, r, 0, 10, 1, wrong, &got), GPUK_ERROR_INVALID_ARGUMENT,
                    "declared int *; a scalar");
  GPUK_EXPECT_ERROR(gpuk_reduction_run(nullptr, nullptr, 0, 10, 1, args, &got), GPUK_ERROR_INVALID_ARGUMENT,
                    "reduction is NULL");
  GPUK_EXPECT_ERROR(gpuk_reduction_run_to_buffer(nullptr, r, 0, 10, 1, args, x.get(), 10),
                    GPUK_ERROR_OUT_OF_RANGE, "index 10 is past the 10 int elements of result");
  GPUK_EXPECT_ERROR(gpuk_reduction_run_to_buffer(nullptr, r, 0, 10, 1, args, nullptr, 0),
                    GPUK_ERROR_INVALID_ARGUMENT, "result is NULL");
  GPUK_ASSERT_OK(gpuk_reduction_run(nullptr, r, 0, 10, 1, args, &got));
  EXPECT_EQ(got, 10);
  GPUK_EXPECT_OK(gpuk_reduction_destroy(r));
  GPUK_EXPECT_OK(gpuk_reduction_destroy(nullptr));
}

TEST_P(GeneratedErrors, VecBadInput) {
  gpuk_buffer *small = MakeBuffer(12 * 4), *big = MakeBuffer(102 * 4);
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
  GPUK_EXPECT_ERROR(gpuk_vec_axpy_f32(nullptr, small, big, 2.0f, 50), GPUK_ERROR_OUT_OF_RANGE,
                    "x");
  GPUK_EXPECT_ERROR(gpuk_vec_axpy_f32(nullptr, big, small, 2.0f, 50), GPUK_ERROR_OUT_OF_RANGE,
                    "y");
  GPUK_EXPECT_ERROR(gpuk_vec_axpy_f32(nullptr, nullptr, big, 2.0f, 5), GPUK_ERROR_INVALID_ARGUMENT,
                    "x is NULL");
  GPUK_EXPECT_ERROR(gpuk_vec_sum_f32(nullptr, small, 50, &r), GPUK_ERROR_OUT_OF_RANGE, "x");
  GPUK_EXPECT_ERROR(gpuk_vec_norm2_f32(nullptr, big, 5, nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "result is NULL");
  GPUK_EXPECT_ERROR(gpuk_vec_max_f32(nullptr, nullptr, 5, &r), GPUK_ERROR_INVALID_ARGUMENT,
                    "x is NULL");
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *theirs;
  GPUK_ASSERT_OK(gpuk_buffer_create(other, 400, GPUK_MEM_READ_WRITE, &theirs));
  GPUK_EXPECT_ERROR(gpuk_vec_scale_f32(nullptr, big, theirs, 2.0f, 10), GPUK_ERROR_DEVICE_MISMATCH,
                    "b belongs");
  GPUK_EXPECT_ERROR(gpuk_vec_axpy_f32(nullptr, big, theirs, 2.0f, 10), GPUK_ERROR_DEVICE_MISMATCH,
                    "y belongs");
  GPUK_EXPECT_OK(gpuk_buffer_destroy(theirs));
  GPUK_EXPECT_OK(gpuk_device_close(other));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(small));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(big));
}

// The double ops count doubles, and name the function and argument at fault.
TEST_P(GeneratedErrors, VecF64BadInput) {
  if (!info_.supports_double) GTEST_SKIP() << "needs double (test_vec checks UNSUPPORTED)";
  gpuk_buffer *small = MakeBuffer(12 * 8), *big = MakeBuffer(102 * 8);
  double r;
  GPUK_EXPECT_ERROR(gpuk_vec_copy_f64(nullptr, big, small, 50), GPUK_ERROR_OUT_OF_RANGE,
                    "vec_copy_f64: argument 2 (c) holds 12 doubles (96 bytes); the range needs 50");
  GPUK_EXPECT_ERROR(gpuk_vec_scale_f64(nullptr, nullptr, big, 1.0, 5), GPUK_ERROR_INVALID_ARGUMENT,
                    "c is NULL");
  GPUK_EXPECT_ERROR(gpuk_vec_triad_f64(nullptr, big, big, nullptr, 1.0, 5),
                    GPUK_ERROR_INVALID_ARGUMENT, "a is NULL");
  GPUK_EXPECT_ERROR(gpuk_vec_add_f64(nullptr, big, small, big, 13), GPUK_ERROR_OUT_OF_RANGE,
                    "argument 2 (b) holds 12 doubles");
  GPUK_EXPECT_ERROR(gpuk_vec_add_f64(nullptr, big, big, small, SIZE_MAX), GPUK_ERROR_OUT_OF_RANGE,
                    "argument 1 (a) holds 102 doubles (816 bytes); the range needs "
                    "18446744073709551615");
  GPUK_EXPECT_ERROR(gpuk_vec_axpy_f64(nullptr, small, big, 2.0, 50), GPUK_ERROR_OUT_OF_RANGE,
                    "vec_axpy_f64: argument 1 (x)");
  GPUK_EXPECT_ERROR(gpuk_vec_dot_f64(nullptr, big, big, 5, nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "result is NULL");
  GPUK_EXPECT_ERROR(gpuk_vec_dot_f64(nullptr, big, small, 50, &r), GPUK_ERROR_OUT_OF_RANGE,
                    "vec_dot_f64: argument 2 (y) holds 12 doubles");
  GPUK_EXPECT_ERROR(gpuk_vec_sum_f64(nullptr, small, 13, &r), GPUK_ERROR_OUT_OF_RANGE,
                    "vec_sum_f64: argument 1 (x) holds 12 doubles");
  GPUK_EXPECT_ERROR(gpuk_vec_norm2_f64(nullptr, small, 13, &r), GPUK_ERROR_OUT_OF_RANGE,
                    "vec_norm2_f64: argument 1 (x)");
  GPUK_EXPECT_ERROR(gpuk_vec_min_f64(nullptr, big, 0, &r), GPUK_ERROR_INVALID_ARGUMENT,
                    "min of no elements");
  GPUK_EXPECT_ERROR(gpuk_vec_max_f64(nullptr, nullptr, 5, &r), GPUK_ERROR_INVALID_ARGUMENT,
                    "x is NULL");
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_buffer *theirs;
  GPUK_ASSERT_OK(gpuk_buffer_create(other, 800, GPUK_MEM_READ_WRITE, &theirs));
  GPUK_EXPECT_ERROR(gpuk_vec_scale_f64(nullptr, big, theirs, 2.0, 10), GPUK_ERROR_DEVICE_MISMATCH,
                    "b belongs");
  GPUK_EXPECT_ERROR(gpuk_vec_dot_f64(nullptr, big, theirs, 10, &r), GPUK_ERROR_DEVICE_MISMATCH,
                    "y belongs");
  GPUK_EXPECT_OK(gpuk_buffer_destroy(theirs));
  GPUK_EXPECT_OK(gpuk_device_close(other));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(small));
  GPUK_EXPECT_OK(gpuk_buffer_destroy(big));
}

TEST_P(GeneratedErrors, SourceGeneratorsBadInput) {
  char *src = reinterpret_cast<char *>(0x1);
  GPUK_EXPECT_ERROR(gpuk_elementwise_source("float *y", "y[i] = 0", "f", nullptr, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "source");
  GPUK_EXPECT_ERROR(gpuk_elementwise_source(nullptr, "y[i] = 0", "f", nullptr, &src),
                    GPUK_ERROR_INVALID_ARGUMENT, "arguments is NULL");
  GPUK_EXPECT_ERROR(gpuk_elementwise_source("float *y", "y[i] = 0", "no spaces", nullptr, &src),
                    GPUK_ERROR_INVALID_ARGUMENT, "not a C identifier");
  EXPECT_EQ(src, nullptr);
  src = reinterpret_cast<char *>(0x1);
  GPUK_EXPECT_ERROR(gpuk_reduction_source(GPUK_FLOAT32, "0", "a + b", nullptr, "float *x", "r",
                                          nullptr, nullptr),
                    GPUK_ERROR_INVALID_ARGUMENT, "source");
  GPUK_EXPECT_ERROR(gpuk_reduction_source(gpuk_dtype(42), "0", "a + b", nullptr, "float *x", "r",
                                          nullptr, &src),
                    GPUK_ERROR_INVALID_ARGUMENT, "out_type 42");
  GPUK_EXPECT_ERROR(gpuk_reduction_source(GPUK_FLOAT32, "0", nullptr, nullptr, "float *x", "r",
                                          nullptr, &src),
                    GPUK_ERROR_INVALID_ARGUMENT, "reduce_expr is NULL");
  EXPECT_EQ(src, nullptr);
  GPUK_ASSERT_OK(gpuk_elementwise_source("float *y", "y[i] = 0", "f", nullptr, &src));
  free(src);
}

TEST_P(GeneratedErrors, StreamsOfAnotherDeviceAndWrongKinds) {
  gpuk_elementwise *k = CreateElementwise("float *y", "y[i] = 1", "one");
  gpuk_reduction *r = CreateReduction(GPUK_FLOAT32, "0", "a + b", nullptr, "const float *x", "sum");
  ASSERT_NE(k, nullptr);
  ASSERT_NE(r, nullptr);
  gpuk_device *other;
  GPUK_ASSERT_OK(gpuk_device_open(GetParam().c_str(), &other));
  gpuk_stream *theirs;
  GPUK_ASSERT_OK(gpuk_stream_create(other, &theirs));
  DeviceArray<float> y(device_, 8);
  gpuk_arg args[] = {y.arg()};
  float sum = 0;
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(theirs, k, 0, 8, 1, args), GPUK_ERROR_DEVICE_MISMATCH,
                    "stream belongs");
  GPUK_EXPECT_ERROR(gpuk_reduction_run(theirs, r, 0, 8, 1, args, &sum), GPUK_ERROR_DEVICE_MISMATCH,
                    "stream belongs");
  GPUK_EXPECT_ERROR(gpuk_vec_sum_f32(theirs, y.get(), 8, nullptr), GPUK_ERROR_INVALID_ARGUMENT,
                    "result");
  double dsum = 0;
  GPUK_EXPECT_ERROR(gpuk_vec_sum_f32(theirs, y.get(), 8, &dsum), GPUK_ERROR_DEVICE_MISMATCH,
                    "stream belongs");
  // Handles of the wrong kind.
  GPUK_EXPECT_ERROR(gpuk_elementwise_run(nullptr, reinterpret_cast<gpuk_elementwise *>(r), 0, 8, 1,
                                         args),
                    GPUK_ERROR_INVALID_HANDLE, "not an element-wise kernel");
  GPUK_EXPECT_ERROR(gpuk_reduction_run(nullptr, reinterpret_cast<gpuk_reduction *>(k), 0, 8, 1,
                                       args, &sum),
                    GPUK_ERROR_INVALID_HANDLE, "not a reduction");
  GPUK_EXPECT_ERROR(gpuk_elementwise_destroy(reinterpret_cast<gpuk_elementwise *>(r)),
                    GPUK_ERROR_INVALID_HANDLE, "not an element-wise kernel");
  GPUK_EXPECT_ERROR(gpuk_reduction_destroy(reinterpret_cast<gpuk_reduction *>(k)),
                    GPUK_ERROR_INVALID_HANDLE, "not a reduction");
  // Both still work after the refusals.
  GPUK_EXPECT_OK(gpuk_elementwise_run(nullptr, k, 0, 8, 1, args));
  GPUK_EXPECT_OK(gpuk_reduction_run(nullptr, r, 0, 8, 1, args, &sum));
  EXPECT_EQ(sum, 8.0f);
  GPUK_EXPECT_OK(gpuk_stream_destroy(theirs));
  GPUK_EXPECT_OK(gpuk_device_close(other));
  GPUK_EXPECT_OK(gpuk_elementwise_destroy(k));
  GPUK_EXPECT_OK(gpuk_reduction_destroy(r));
}

GPUK_INSTANTIATE_ON_ALL_DEVICES(GeneratedErrors);
