/* gpuk-bench elementwise (triad, axpy) and reduce (dot, sum): bandwidth of
 * the library's vector ops and of the same operations generated from
 * expressions ("-expr" rows) against the same device's copy bandwidth (a
 * copy of one vector, D2D or by kernel, whichever is faster, timed in
 * alternation with the op), kernel only and
 * with the transfers of inputs and output, checked against a float64 host
 * reference, in float or (--dtype f64) double. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timing.h"

typedef enum stream_kind { TRIAD, AXPY, DOT, SUM } stream_kind;

/* One row: triad a = b + s*c; axpy a = s*b + a; dot sum(a*b); sum sum(a). */
typedef struct stream_op {
  const char *name;
  stream_kind kind;
  int generated;  /* 1: an expression kernel built here; 0: the library's gpuk_vec_* op */
} stream_op;

static const double SCALAR = 0.4;

typedef struct stream_ctx {
  stream_op op;
  gpuk_dtype dtype;
  size_t n, bytes;             /* elements and bytes of one vector */
  gpuk_buffer *a, *b, *c;
  const void *host_a, *host_b, *host_c; /* inputs in dtype, for the transfer-inclusive runs */
  void *host_out;                       /* triad and axpy: a read back */
  gpuk_elementwise *elementwise;        /* the generated forms */
  gpuk_reduction *reduction;
  double result;                        /* dot and sum */
} stream_ctx;

static int reads_a(stream_kind k) { return k != TRIAD; }
static int is_reduction(stream_kind k) { return k == DOT || k == SUM; }
/* Vectors read or written once each per run. */
static int vectors_moved(stream_kind k) { return k == SUM ? 1 : k == DOT ? 2 : 3; }

static gpuk_arg scalar_arg(gpuk_dtype dtype) {
  return dtype == GPUK_FLOAT64 ? gpuk_arg_f64(SCALAR) : gpuk_arg_f32((float)SCALAR);
}

static gpuk_status run_generated(gpuk_stream *s, stream_ctx *c) {
  gpuk_arg args[] = {gpuk_arg_buffer(c->a), gpuk_arg_buffer(c->b), gpuk_arg_buffer(c->c),
                     scalar_arg(c->dtype)};
  switch (c->op.kind) {
  case TRIAD:
    return gpuk_elementwise_run(s, c->elementwise, 0, c->n, 4, args);
  case AXPY:
    args[2] = args[3];
    return gpuk_elementwise_run(s, c->elementwise, 0, c->n, 3, args);
  default: {
    double d = NAN;
    float f = NAN;
    gpuk_status st = gpuk_reduction_run(s, c->reduction, 0, c->n, c->op.kind == DOT ? 2 : 1, args,
                                        c->dtype == GPUK_FLOAT64 ? (void *)&d : (void *)&f);
    c->result = c->dtype == GPUK_FLOAT64 ? d : f;
    return st;
  }
  }
}

static gpuk_status run_op(gpuk_stream *s, void *p) {
  stream_ctx *c = p;
  if (c->op.generated) return run_generated(s, c);
  const int f64 = c->dtype == GPUK_FLOAT64;
  switch (c->op.kind) {
  case TRIAD:
    return f64 ? gpuk_vec_triad_f64(s, c->b, c->c, c->a, SCALAR, c->n)
               : gpuk_vec_triad_f32(s, c->b, c->c, c->a, (float)SCALAR, c->n);
  case AXPY:
    return f64 ? gpuk_vec_axpy_f64(s, c->b, c->a, SCALAR, c->n)
               : gpuk_vec_axpy_f32(s, c->b, c->a, (float)SCALAR, c->n);
  case DOT:
    return f64 ? gpuk_vec_dot_f64(s, c->a, c->b, c->n, &c->result)
               : gpuk_vec_dot_f32(s, c->a, c->b, c->n, &c->result);
  default:
    return f64 ? gpuk_vec_sum_f64(s, c->a, c->n, &c->result)
               : gpuk_vec_sum_f32(s, c->a, c->n, &c->result);
  }
}

/* The yardstick: a copy of one vector on the device, through the API's D2D
 * copy (gpuk_buffer_copy) or the library's copy kernel (gpuk_vec_copy_f32),
 * whichever is faster there. PoCL's clEnqueueCopyBuffer runs on one thread:
 * 23-26 GB/s on the 2-core EPYC against 34-36 for the kernel (2026-11-25; the
 * OpenCL backend's gpuk_buffer_copy now takes a kernel there from 8 MiB). */
typedef struct copy_yard {
  const gpuk_buffer *src;
  gpuk_buffer *dst;
  size_t bytes;
  int kernel; /* 1: the copy kernel */
} copy_yard;

static gpuk_status run_copy(gpuk_stream *s, void *p) {
  copy_yard *y = p;
  if (y->kernel) return gpuk_vec_copy_f32(s, y->src, y->dst, y->bytes / sizeof(float));
  return gpuk_buffer_copy(s, y->src, 0, y->dst, 0, y->bytes);
}

/* Times both copies a few times each and keeps the faster in y->kernel. */
static int choose_copy(gpuk_device *dev, gpuk_stream *s, const bench_options *o, copy_yard *y) {
  bench_options few = *o;
  few.warmup = 1;
  few.repeat = 5;
  bench_stats by[2];
  for (int kernel = 0; kernel < 2; kernel++) {
    y->kernel = kernel;
    int rc = bench_time(dev, s, &few, run_copy, y, &by[kernel]);
    if (rc) return rc;
  }
  y->kernel = by[1].median_ms < by[0].median_ms;
  return 0;
}

/* Uploads the op's inputs, runs it and reads its output back. */
static gpuk_status run_op_with_transfers(gpuk_stream *s, void *p) {
  stream_ctx *c = p;
  gpuk_status st = GPUK_SUCCESS;
  if (reads_a(c->op.kind)) st = gpuk_buffer_write(s, c->a, 0, c->bytes, c->host_a);
  if (st == GPUK_SUCCESS && c->op.kind != SUM) st = gpuk_buffer_write(s, c->b, 0, c->bytes, c->host_b);
  if (st == GPUK_SUCCESS && c->op.kind == TRIAD)
    st = gpuk_buffer_write(s, c->c, 0, c->bytes, c->host_c);
  if (st == GPUK_SUCCESS) st = run_op(s, p);
  if (st == GPUK_SUCCESS && !is_reduction(c->op.kind))
    st = gpuk_buffer_read(s, c->a, 0, c->bytes, c->host_out);
  return st;
}

/* Builds the generated form of the op for dtype. */
static gpuk_status create_generated(gpuk_device *dev, stream_ctx *c) {
  const int f64 = c->dtype == GPUK_FLOAT64;
  const gpuk_dtype t = c->dtype;
  switch (c->op.kind) {
  case TRIAD:
    return gpuk_elementwise_create(
        dev, f64 ? "double *a, const double *b, const double *c, double s"
                 : "float *a, const float *b, const float *c, float s",
        "a[i] = b[i] + s * c[i]", "triad", NULL, &c->elementwise);
  case AXPY:
    return gpuk_elementwise_create(
        dev, f64 ? "double *a, const double *b, double s" : "float *a, const float *b, float s",
        "a[i] = s * b[i] + a[i]", "axpy", NULL, &c->elementwise);
  case DOT:
    return gpuk_reduction_create(dev, t, "0", "a + b", "x[i] * y[i]",
                                 f64 ? "const double *x, const double *y"
                                     : "const float *x, const float *y",
                                 "dot", NULL, &c->reduction);
  default:
    return gpuk_reduction_create(dev, t, "0", "a + b", "x[i]",
                                 f64 ? "const double *x" : "const float *x", "sum", NULL,
                                 &c->reduction);
  }
}

/* Largest error of the verification run against float64: absolute per element
 * for triad and axpy (values below 1), relative to the sum of magnitudes for
 * the reductions. NaN counts as the worst error. */
static double max_error(const stream_ctx *c, const double *a, const double *b, const double *cc) {
  double worst = 0;
  if (is_reduction(c->op.kind)) {
    double ref = 0, mag = 0;
    for (size_t i = 0; i < c->n; i++) {
      double term = c->op.kind == DOT ? a[i] * b[i] : a[i];
      ref += term;
      mag += fabs(term);
    }
    worst = fabs(c->result - ref) / (mag > 0 ? mag : 1);
    return worst == worst ? worst : INFINITY;
  }
  for (size_t i = 0; i < c->n; i++) {
    double got = c->dtype == GPUK_FLOAT64 ? ((const double *)c->host_out)[i]
                                          : ((const float *)c->host_out)[i];
    double ref = c->op.kind == TRIAD ? b[i] + SCALAR * cc[i] : SCALAR * b[i] + a[i];
    double e = fabs(got - ref);
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

static int bench_one(gpuk_device *dev, const gpuk_device_info *info, const char *sel,
                     const bench_options *o, stream_op op) {
  const gpuk_dtype dtype = o->dtype;
  const size_t n = o->n, bytes = n * gpuk_dtype_size(dtype);
  double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb), *rc = malloc(n * sizeof *rc);
  void *ta = malloc(bytes), *tb = malloc(bytes), *tc = malloc(bytes), *out = malloc(bytes);
  if (!ra || !rb || !rc || !ta || !tb || !tc || !out) {
    fprintf(stderr, "gpuk-bench: out of host memory for n=%zu\n", n);
    return 2;
  }
  bench_random(ra, ta, dtype, n, 1, -0.5, 0.5);
  bench_random(rb, tb, dtype, n, 2, -0.5, 0.5);
  bench_random(rc, tc, dtype, n, 3, -0.5, 0.5);
  stream_ctx ctx = {op, dtype, n, bytes, NULL, NULL, NULL, ta, tb, tc, out, NULL, NULL, 0.0};
  if (op.generated) BENCH_CHECK(create_generated(dev, &ctx));
  gpuk_stream *s;
  BENCH_CHECK(gpuk_stream_create(dev, &s));
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &ctx.a));
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &ctx.b));
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &ctx.c));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.a, 0, bytes, ta));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.b, 0, bytes, tb));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.c, 0, bytes, tc));
  copy_yard yard = {ctx.b, NULL, bytes, 0};
  BENCH_CHECK(gpuk_buffer_create(dev, bytes, GPUK_MEM_READ_WRITE, &yard.dst));
  int rc_time = choose_copy(dev, s, o, &yard);
  if (rc_time) return rc_time;

  bench_row r = bench_row_new(op.name, sel, info->name, n);
  r.dtype = bench_dtype_name(dtype);
  r.yardstick = yard.kernel ? "copy kernel" : "d2d copy";
  bench_stats copy_t;
  rc_time = bench_time_both(dev, s, o, run_op, run_op_with_transfers, &ctx, run_copy, &yard,
                            &copy_t, &r);
  if (rc_time) return rc_time;

  /* The checked result comes from a run of its own: the device output and the
   * host copy poisoned, the inputs uploaded again (axpy updates a in place). */
  BENCH_CHECK(bench_poison(ctx.a, bytes, dtype));
  memset(out, 0xff, bytes);
  ctx.result = NAN;
  BENCH_CHECK(run_op_with_transfers(s, &ctx));
  BENCH_CHECK(gpuk_stream_synchronize(s));
  r.max_error = max_error(&ctx, ra, rb, rc);
  r.verified = r.max_error < (dtype == GPUK_FLOAT64 ? 1e-12 : 1e-5);
  r.gbps = (double)bytes * vectors_moved(op.kind) / (r.t.median_ms * 1e6);
  const double copy_gbps = 2.0 * (double)bytes / (copy_t.median_ms * 1e6); /* read + write */
  r.pct_of_copy = r.pct_of_yardstick = 100.0 * r.gbps / copy_gbps;
  bench_print_row(o, &r);

  free(ra);
  free(rb);
  free(rc);
  free(ta);
  free(tb);
  free(tc);
  free(out);
  gpuk_buffer_destroy(ctx.a);
  gpuk_buffer_destroy(ctx.b);
  gpuk_buffer_destroy(ctx.c);
  gpuk_buffer_destroy(yard.dst);
  gpuk_stream_destroy(s);
  gpuk_elementwise_destroy(ctx.elementwise);
  gpuk_reduction_destroy(ctx.reduction);
  return r.verified ? 0 : 1;
}

int bench_stream(gpuk_device *dev, const char *sel, const bench_options *o, int reduce) {
  static const stream_op elementwise[] = {
      {"triad", TRIAD, 0}, {"triad-expr", TRIAD, 1}, {"axpy", AXPY, 0}};
  static const stream_op reductions[] = {{"dot", DOT, 0}, {"dot-expr", DOT, 1}, {"sum", SUM, 0}};
  const stream_op *ops = reduce ? reductions : elementwise;
  const int count = reduce ? (int)(sizeof reductions / sizeof reductions[0])
                           : (int)(sizeof elementwise / sizeof elementwise[0]);
  gpuk_device_info info;
  BENCH_CHECK(gpuk_device_get_info(dev, &info));
  int failed = 0;
  for (int i = 0; i < count; i++) {
    int rc = bench_one(dev, &info, sel, o, ops[i]);
    if (rc > 1) return rc;
    failed |= rc;
  }
  return failed;
}
