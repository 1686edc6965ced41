/* Matrix multiply on GPUK_DEVICE, else the fastest device: C = A * B^T for
 * float matrices whose sizes are no multiple of any tile, with the block shape
 * the library picks (and where it came from), timed with events and checked
 * against a double computation on the host at sampled elements. */
#include <gpuk/gpuk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call)                                                                 \
  do {                                                                              \
    gpuk_status st_ = (call);                                                       \
    if (st_ != GPUK_SUCCESS) {                                                      \
      fprintf(stderr, "%s: %s\n  %s\n", #call, gpuk_status_name(st_), gpuk_last_error()); \
      return 1;                                                                     \
    }                                                                               \
  } while (0)

static float *random_matrix(size_t count, unsigned seed) {
  float *p = malloc(count * sizeof *p);
  for (size_t i = 0; p && i < count; i++) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = (float)(seed >> 8) / 16777216.0f - 0.5f;
  }
  return p;
}

int main(void) {
  const size_t m = 1000, n = 1501, k = 777; /* C is m x n; A is m x k; B is n x k */
  gpuk_device *dev;
  CHECK(gpuk_device_open(NULL, &dev));
  gpuk_device_info info;
  CHECK(gpuk_device_get_info(dev, &info));
  printf("device: %s (%s)", info.name, info.selector);
  if (info.backend != GPUK_BACKEND_CPU) { /* the CPU device has its own blocking */
    gpuk_gemm_config shape;
    gpuk_gemm_config_origin origin;
    CHECK(gpuk_gemm_choose_config_sized(dev, GPUK_FLOAT32, m, n, &shape, &origin));
    char text[64];
    CHECK(gpuk_gemm_config_format(&shape, text, sizeof text));
    printf(", block shape %s (%s)", text, gpuk_gemm_config_origin_name(origin));
  }
  printf("\n");

  float *a = random_matrix(m * k, 1u), *b = random_matrix(n * k, 2u), *c = malloc(m * n * 4);
  if (!a || !b || !c) return 1;
  gpuk_buffer *da, *db, *dc;
  CHECK(gpuk_buffer_create(dev, m * k * sizeof(float), GPUK_MEM_READ_ONLY, &da));
  CHECK(gpuk_buffer_create(dev, n * k * sizeof(float), GPUK_MEM_READ_ONLY, &db));
  CHECK(gpuk_buffer_create(dev, m * n * sizeof(float), GPUK_MEM_READ_WRITE, &dc));
  gpuk_stream *s;
  gpuk_event *start, *stop;
  CHECK(gpuk_stream_create(dev, &s));
  CHECK(gpuk_event_create(dev, &start));
  CHECK(gpuk_event_create(dev, &stop));
  CHECK(gpuk_buffer_write(s, da, 0, m * k * sizeof(float), a));
  CHECK(gpuk_buffer_write(s, db, 0, n * k * sizeof(float), b));

  /* Row-major, leading dimensions in elements; beta = 0 ignores what C held.
   * The first call on a GPU compiles the kernel (cached afterwards). */
  for (int run = 0; run < 2; run++) {
    CHECK(gpuk_event_record(start, s));
    CHECK(gpuk_gemm(s, GPUK_FLOAT32, GPUK_NO_TRANS, GPUK_TRANS, m, n, k, 1.0, da, 0, k, db, 0,
                    k, 0.0, dc, 0, n, NULL));
    CHECK(gpuk_event_record(stop, s));
  }
  CHECK(gpuk_buffer_read(s, dc, 0, m * n * sizeof(float), c));
  CHECK(gpuk_stream_synchronize(s));
  double ms;
  CHECK(gpuk_event_elapsed_ms(start, stop, &ms));

  double worst = 0;
  for (size_t sample = 0; sample < 4096; sample++) {
    const size_t i = sample * 7919 % m, j = sample * 104729 % n;
    double want = 0, scale = 0;
    for (size_t p = 0; p < k; p++) {
      want += (double)a[i * k + p] * b[j * k + p];
      scale += fabs((double)a[i * k + p] * b[j * k + p]);
    }
    worst = fmax(worst, fabs(c[i * n + j] - want) / (scale + 1e-30));
  }
  const int ok = worst < 1e-5;
  printf("C (%zu x %zu) = A (%zu x %zu) * B^T: %.3f ms, %.1f GFLOP/s, worst relative error "
         "%.2g at 4096 sampled elements: %s\n",
         m, n, m, k, ms, 2.0 * m * n * k / (ms * 1e6), worst, ok ? "ok" : "WRONG");

  gpuk_event_destroy(start);
  gpuk_event_destroy(stop);
  gpuk_stream_destroy(s);
  gpuk_buffer_destroy(da);
  gpuk_buffer_destroy(db);
  gpuk_buffer_destroy(dc);
  gpuk_device_close(dev);
  free(a);
  free(b);
  free(c);
  return !ok;
}
