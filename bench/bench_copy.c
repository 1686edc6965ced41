/* gpuk-bench copy: host-to-device and device-to-host (pageable and pinned) and
 * device-to-device bandwidth (the API's copy, and the library's copy kernel
 * gpuk_vec_copy_f32), and fills of a buffer with patterns of 4 (a float), 8
 * and 128 bytes, each checked byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timing.h"

typedef struct copy_ctx {
  gpuk_buffer *a, *b;
  void *host;
  size_t bytes;
  int kind; /* 0 h2d, 1 d2h, 2 d2d, 3 fill b with the pattern, 4 copy kernel */
  const unsigned char *pattern;
  size_t pattern_size;
} copy_ctx;

static gpuk_status do_copy(gpuk_stream *s, void *p) {
  copy_ctx *c = p;
  if (c->kind == 0) return gpuk_buffer_write(s, c->a, 0, c->bytes, c->host);
  if (c->kind == 1) return gpuk_buffer_read(s, c->a, 0, c->bytes, c->host);
  if (c->kind == 3) return gpuk_buffer_fill(s, c->b, 0, c->bytes, c->pattern, c->pattern_size);
  if (c->kind == 4) return gpuk_vec_copy_f32(s, c->a, c->b, c->bytes / sizeof(float));
  return gpuk_buffer_copy(s, c->a, 0, c->b, 0, c->bytes);
}

static void fill_random(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    p[i] = (unsigned char)(seed >> 16);
  }
}

int bench_copy(gpuk_device *dev, const char *sel, const bench_options *o) {
  gpuk_device_info info;
  BENCH_CHECK(gpuk_device_get_info(dev, &info));
  const size_t bytes = o->n * sizeof(float);
  gpuk_stream *s;
  gpuk_buffer *a, *b;
  BENCH_CHECK(gpuk_stream_create(dev, &s));
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &a));
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &b));
  unsigned char *pageable = malloc(bytes), *expect = malloc(bytes), *readback = malloc(bytes);
  unsigned char *pinned = NULL;
  BENCH_CHECK(gpuk_host_alloc(dev, bytes, (void **)&pinned));
  if (!pageable || !expect || !readback) return 2;
  fill_random(expect, bytes, 42u);
  int failed = 0;
  const struct {
    const char *name;
    int kind;
    int pinned;
    size_t pattern_size; /* fills */
  } cases[] = {{"copy-h2d", 0, 0, 0},     {"copy-h2d-pin", 0, 1, 0}, {"copy-d2h", 1, 0, 0},
               {"copy-d2h-pin", 1, 1, 0}, {"copy-d2d", 2, 0, 0},     {"copy-kernel", 4, 0, 0},
               {"fill", 3, 0, 4},         {"fill-8", 3, 0, 8},       {"fill-128", 3, 0, 128}};
  unsigned char pattern[4 + 128];
  const float value = 2.5f;
  memcpy(pattern, &value, sizeof value);            /* "fill": a float */
  fill_random(pattern + 4, sizeof pattern - 4, 7u); /* the wider ones: random bytes */
  const unsigned char poison = 0xa5;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    unsigned char *host = cases[i].pinned ? pinned : pageable;
    const size_t ps = cases[i].pattern_size;
    const unsigned char *p = ps == 4 ? pattern : pattern + 4;
    /* A fill covers the whole patterns that fit; the rest keeps the poison. */
    const size_t moved_bytes = ps ? bytes / ps * ps : bytes;
    copy_ctx ctx = {a, b, host, moved_bytes, cases[i].kind, p, ps};
    if (cases[i].kind == 3) {
      for (size_t k = 0; k < moved_bytes; k += ps) memcpy(expect + k, p, ps);
      memset(expect + moved_bytes, poison, bytes - moved_bytes);
    }
    /* Source data random; destination poisoned before the timed runs. */
    memcpy(host, expect, bytes);
    if (cases[i].kind != 0) BENCH_CHECK(gpuk_buffer_write(NULL, a, 0, bytes, expect));
    if (cases[i].kind == 0) BENCH_CHECK(gpuk_buffer_fill(NULL, a, 0, bytes, &poison, 1));
    if (cases[i].kind == 1) memset(host, poison, bytes);
    if (cases[i].kind >= 2) BENCH_CHECK(gpuk_buffer_fill(NULL, b, 0, bytes, &poison, 1));
    bench_row r = bench_row_new(cases[i].name, sel, info.name, o->n);
    int rc = bench_time(dev, s, o, do_copy, &ctx, &r.t);
    if (rc) return rc;
    /* Verify what the last run left behind. */
    memset(readback, 0, bytes);
    if (cases[i].kind == 0) BENCH_CHECK(gpuk_buffer_read(NULL, a, 0, bytes, readback));
    if (cases[i].kind == 1) memcpy(readback, host, bytes);
    if (cases[i].kind >= 2) BENCH_CHECK(gpuk_buffer_read(NULL, b, 0, bytes, readback));
    r.verified = memcmp(readback, expect, bytes) == 0;
    r.max_error = r.verified ? 0 : 1;
    /* D2D reads and writes every byte: count both, as BabelStream does (a
     * fill only writes). */
    const int d2d = cases[i].kind == 2 || cases[i].kind == 4;
    double moved = (double)moved_bytes * (d2d ? 2.0 : 1.0);
    r.gbps = moved / (r.t.median_ms * 1e6);
    if (cases[i].kind == 2) r.pct_of_copy = 100.0;
    bench_print_row(o, &r);
    failed |= !r.verified;
  }
  gpuk_host_free(dev, pinned);
  free(pageable);
  free(expect);
  free(readback);
  gpuk_buffer_destroy(a);
  gpuk_buffer_destroy(b);
  gpuk_stream_destroy(s);
  return failed;
}
