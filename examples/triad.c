/* The libgpuk tour in one file: open the best device, move data, run the
 * built-in triad on a stream, time it with events, check the result. */
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

int main(void) {
  const size_t n = 1 << 24;
  gpuk_device *dev;
  CHECK(gpuk_device_open(NULL, &dev)); /* GPUK_DEVICE, else the fastest device */
  gpuk_device_info info;
  CHECK(gpuk_device_get_info(dev, &info));
  printf("device: %s (%s)\n", info.name, info.selector);

  float *host;
  CHECK(gpuk_host_alloc(dev, n * sizeof(float), (void **)&host)); /* pinned on CUDA */
  for (size_t i = 0; i < n; i++) host[i] = (float)(i % 1000);

  gpuk_buffer *a, *b, *c;
  CHECK(gpuk_buffer_create(dev, n * sizeof(float), GPUK_MEM_READ_WRITE, &a));
  CHECK(gpuk_buffer_create(dev, n * sizeof(float), GPUK_MEM_READ_ONLY, &b));
  CHECK(gpuk_buffer_create(dev, n * sizeof(float), GPUK_MEM_READ_ONLY, &c));
  float two = 2.0f;
  gpuk_stream *s;
  gpuk_event *start, *stop;
  CHECK(gpuk_stream_create(dev, &s));
  CHECK(gpuk_event_create(dev, &start));
  CHECK(gpuk_event_create(dev, &stop));

  CHECK(gpuk_buffer_write(s, b, 0, n * sizeof(float), host)); /* async: host stays valid */
  CHECK(gpuk_buffer_fill(s, c, 0, n * sizeof(float), &two, sizeof two));
  /* The first call on a GPU compiles the kernel (cached on disk afterwards):
   * warm up before timing. */
  CHECK(gpuk_vec_triad_f32(s, b, c, a, 3.0f, n));
  CHECK(gpuk_event_record(start, s));
  CHECK(gpuk_vec_triad_f32(s, b, c, a, 3.0f, n)); /* a = b + 3 * c */
  CHECK(gpuk_event_record(stop, s));
  CHECK(gpuk_buffer_read(s, a, 0, n * sizeof(float), host));
  CHECK(gpuk_stream_synchronize(s));

  double ms;
  CHECK(gpuk_event_elapsed_ms(start, stop, &ms));
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) bad += fabsf(host[i] - ((float)(i % 1000) + 6.0f)) > 1e-3f;
  printf("triad of %zu floats: %.3f ms, %.1f GB/s, %zu wrong\n", n, ms,
         3.0 * n * sizeof(float) / (ms * 1e6), bad);

  gpuk_event_destroy(start);
  gpuk_event_destroy(stop);
  gpuk_stream_destroy(s);
  gpuk_buffer_destroy(a);
  gpuk_buffer_destroy(b);
  gpuk_buffer_destroy(c);
  gpuk_host_free(dev, host);
  gpuk_device_close(dev);
  return bad != 0;
}
