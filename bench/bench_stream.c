/* gpuk-bench elementwise (triad) and reduce (dot): bandwidth of the built-in
 * vector ops ("triad", "dot") and of the same operations generated from
 * expressions ("triad-expr", "dot-expr") against the same device's D2D copy
 * bandwidth, checked against a float64 host reference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timing.h"

typedef struct stream_ctx {
  gpuk_buffer *a, *b, *c;
  size_t n;
  double dot;
  int which;                    /* 0 triad, 1 dot */
  gpuk_elementwise *triad_expr; /* the generated forms, when asked for */
  gpuk_reduction *dot_expr;
} stream_ctx;

static gpuk_status do_op(gpuk_stream *s, void *p) {
  stream_ctx *c = p;
  if (c->triad_expr) {
    gpuk_arg args[] = {gpuk_arg_buffer(c->a), gpuk_arg_buffer(c->b), gpuk_arg_buffer(c->c),
                       gpuk_arg_f32(0.4f)};
    return gpuk_elementwise_run(s, c->triad_expr, 0, c->n, 4, args);
  }
  if (c->dot_expr) {
    gpuk_arg args[] = {gpuk_arg_buffer(c->a), gpuk_arg_buffer(c->b)};
    float dot = 0;
    gpuk_status st = gpuk_reduction_run(s, c->dot_expr, 0, c->n, 2, args, &dot);
    c->dot = dot;
    return st;
  }
  if (c->which == 0) return gpuk_vec_triad_f32(s, c->b, c->c, c->a, 0.4f, c->n);
  return gpuk_vec_dot_f32(s, c->a, c->b, c->n, &c->dot);
}

static void random_floats(float *v, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    v[i] = (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
  }
}

int bench_stream(gpuk_device *dev, const char *sel, const bench_options *o, const char *which,
                 double d2d_gbps) {
  gpuk_device_info info;
  BENCH_CHECK(gpuk_device_get_info(dev, &info));
  const size_t n = o->n, bytes = n * sizeof(float);
  float *ha = malloc(bytes), *hb = malloc(bytes), *hc = malloc(bytes);
  if (!ha || !hb || !hc) return 2;
  random_floats(ha, n, 1);
  random_floats(hb, n, 2);
  random_floats(hc, n, 3);
  gpuk_stream *s;
  stream_ctx ctx = {NULL, NULL, NULL, n, 0.0, strncmp(which, "dot", 3) == 0, NULL, NULL};
  if (!strcmp(which, "triad-expr"))
    BENCH_CHECK(gpuk_elementwise_create(dev, "float *a, const float *b, const float *c, float s",
                                        "a[i] = b[i] + s * c[i]", "triad", NULL, &ctx.triad_expr));
  if (!strcmp(which, "dot-expr"))
    BENCH_CHECK(gpuk_reduction_create(dev, GPUK_FLOAT32, "0", "a + b", "x[i] * y[i]",
                                      "const float *x, const float *y", "dot", NULL, &ctx.dot_expr));
  BENCH_CHECK(gpuk_stream_create(dev, &s));
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &ctx.a));
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &ctx.b));
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &ctx.c));
  float poison = -12345.0f;
  BENCH_CHECK(gpuk_buffer_fill(NULL, ctx.a, 0, bytes, &poison, 4));
  if (ctx.which) BENCH_CHECK(gpuk_buffer_write(NULL, ctx.a, 0, bytes, ha));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.b, 0, bytes, hb));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.c, 0, bytes, hc));
  bench_row r = bench_row_new(which, sel, info.name, n);
  if (d2d_gbps > 0) r.yardstick = "d2d copy";
  int rc = bench_time(dev, s, o, do_op, &ctx, &r.t);
  if (rc) return rc;
  double max_err = 0;
  if (ctx.which) {
    double ref = 0, mag = 0;
    for (size_t i = 0; i < n; i++) {
      ref += (double)ha[i] * hb[i];
      mag += fabs((double)ha[i] * hb[i]);
    }
    max_err = fabs(ctx.dot - ref) / (mag > 0 ? mag : 1);
    r.verified = max_err < 1e-5;
  } else {
    BENCH_CHECK(gpuk_buffer_read(NULL, ctx.a, 0, bytes, ha));
    for (size_t i = 0; i < n; i++) {
      double e = fabs((double)ha[i] - ((double)hb[i] + 0.4 * (double)hc[i]));
      if (!(e <= max_err)) max_err = e; /* NaN counts as the worst error */
    }
    r.verified = max_err < 1e-5;
  }
  r.max_error = max_err;
  r.gbps = (double)bytes * (ctx.which ? 2.0 : 3.0) / (r.t.median_ms * 1e6);
  if (d2d_gbps > 0) r.pct_of_copy = r.pct_of_yardstick = 100.0 * r.gbps / d2d_gbps;
  bench_print_row(o, &r);
  free(ha);
  free(hb);
  free(hc);
  gpuk_buffer_destroy(ctx.a);
  gpuk_buffer_destroy(ctx.b);
  gpuk_buffer_destroy(ctx.c);
  gpuk_stream_destroy(s);
  gpuk_elementwise_destroy(ctx.triad_expr);
  gpuk_reduction_destroy(ctx.dot_expr);
  return r.verified ? 0 : 1;
}
