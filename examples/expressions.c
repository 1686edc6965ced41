/* Kernels from expressions, as PyOpenCL's ElementwiseKernel and ReductionKernel
 * make them: a clamped saxpy with a helper from the preamble, then the sum and
 * the largest magnitude of the result, each checked against a double
 * computation on the host. Runs on GPUK_DEVICE, else the fastest device. */
#include <gpuk/gpuk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call)                                                                 \
  do {                                                                              \
    gpuk_status st_ = (call);                                                       \
    if (st_ != GPUK_SUCCESS) {                                                      \
      fprintf(stderr, "%s: %s\n  %s\n%s", #call, gpuk_status_name(st_),             \
              gpuk_last_error(), gpuk_last_build_log() ? gpuk_last_build_log() : ""); \
      return 1;                                                                     \
    }                                                                               \
  } while (0)

/* Pasted before the kernels; valid OpenCL C and C alike. */
static const char *const kPreamble =
    "static inline float clamp1(float v) { return fmin(fmax(v, -1.0f), 1.0f); }";

int main(void) {
  const size_t n = 3000017; /* not a multiple of anything the kernels use */
  gpuk_device *dev;
  CHECK(gpuk_device_open(NULL, &dev));
  gpuk_device_info info;
  CHECK(gpuk_device_get_info(dev, &info));
  printf("device: %s (%s)\n", info.name, info.selector);

  float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  if (!x || !y) return 1;
  for (size_t i = 0; i < n; i++) {
    x[i] = (float)((i * 7919) % 2001) / 1000.0f - 1.0f; /* in [-1, 1] */
    y[i] = (float)((i * 104729) % 3001) / 1000.0f - 1.5f;
  }
  gpuk_buffer *bx, *by;
  CHECK(gpuk_buffer_create(dev, n * sizeof(float), GPUK_MEM_READ_ONLY, &bx));
  CHECK(gpuk_buffer_create(dev, n * sizeof(float), GPUK_MEM_READ_WRITE, &by));
  CHECK(gpuk_buffer_write(NULL, bx, 0, n * sizeof(float), x));
  CHECK(gpuk_buffer_write(NULL, by, 0, n * sizeof(float), y));

  /* y = clamp1(a * x + y), element by element. */
  gpuk_elementwise *saxpy;
  CHECK(gpuk_elementwise_create(dev, "const float *x, float *y, float a",
                                "y[i] = clamp1(a * x[i] + y[i])", "clamped_saxpy", kPreamble,
                                &saxpy));
  const float a = 0.75f;
  gpuk_arg args[] = {gpuk_arg_buffer(bx), gpuk_arg_buffer(by), gpuk_arg_f32(a)};
  CHECK(gpuk_elementwise_run(NULL, saxpy, 0, n, 3, args));

  /* The sum of y and the largest |y|: neutral, reduce in a and b, map in i. */
  gpuk_reduction *sum, *maxabs;
  CHECK(gpuk_reduction_create(dev, GPUK_FLOAT32, "0", "a + b", "y[i]", "const float *y",
                              "sum_y", NULL, &sum));
  CHECK(gpuk_reduction_create(dev, GPUK_FLOAT32, "0", "fmax(a, b)", "fabs(y[i])",
                              "const float *y", "maxabs_y", NULL, &maxabs));
  gpuk_arg yarg[] = {gpuk_arg_buffer(by)};
  float total, largest;
  CHECK(gpuk_reduction_run(NULL, sum, 0, n, 1, yarg, &total));
  CHECK(gpuk_reduction_run(NULL, maxabs, 0, n, 1, yarg, &largest));

  /* The same on the host, in double. */
  float *out = malloc(n * sizeof *out);
  if (!out) return 1;
  CHECK(gpuk_buffer_read(NULL, by, 0, n * sizeof(float), out));
  double want_total = 0, total_abs = 0, want_largest = 0, worst = 0;
  for (size_t i = 0; i < n; i++) {
    double v = fmin(fmax((double)a * x[i] + y[i], -1.0), 1.0);
    worst = fmax(worst, fabs(out[i] - v));
    want_total += v;
    total_abs += fabs(v);
    want_largest = fmax(want_largest, fabs(v));
  }
  /* The reductions add floats: allow rounding that grows with the terms. */
  const int ok = worst < 1e-6 && fabs(total - want_total) <= 1e-5 * total_abs &&
                 fabs(largest - want_largest) < 1e-6;
  printf("clamped saxpy of %zu floats: largest error %.2g\n", n, worst);
  printf("sum %.3f (host %.3f), largest |y| %.6f (host %.6f): %s\n", total, want_total,
         largest, want_largest, ok ? "ok" : "WRONG");

  gpuk_reduction_destroy(sum);
  gpuk_reduction_destroy(maxabs);
  gpuk_elementwise_destroy(saxpy);
  gpuk_buffer_destroy(bx);
  gpuk_buffer_destroy(by);
  gpuk_device_close(dev);
  free(x);
  free(y);
  free(out);
  return !ok;
}
