/* gpuk-bench matmul: GEMM (float or double, square or --shape M x N x K, any
 * --trans) on a device, optionally over several block shapes: kernel time and
 * time with the transfers of A, B and C, GFLOP/s and % of the device's peak,
 * speedup over the CPU device, the vendor yardstick on the same device with
 * the same shape, and a float64 check of sampled elements of every result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timing.h"
#include "yardstick.h"

enum { CHECK_SAMPLES = 256 };

typedef struct matmul_ctx {
  gpuk_dtype dtype;
  const bench_options *o;      /* the shape and transposes */
  gpuk_buffer *a, *b, *c;
  size_t a_bytes, b_bytes, c_bytes;
  const void *host_a, *host_b; /* the inputs in dtype, for the transfer-inclusive runs */
  void *host_c;
  const gpuk_gemm_config *config;
} matmul_ctx;

static gpuk_status do_gemm(gpuk_stream *s, void *p) {
  matmul_ctx *x = p;
  const bench_options *o = x->o;
  return gpuk_gemm(s, x->dtype, o->trans_a ? GPUK_TRANS : GPUK_NO_TRANS,
                   o->trans_b ? GPUK_TRANS : GPUK_NO_TRANS, o->m, o->n, o->k, 1.0, x->a, 0,
                   bench_gemm_lda(o), x->b, 0, bench_gemm_ldb(o), 0.0, x->c, 0, o->n, x->config);
}

/* What a user without resident data pays: upload A and B, multiply, read C. */
static gpuk_status do_gemm_with_transfers(gpuk_stream *s, void *p) {
  matmul_ctx *x = p;
  gpuk_status st = gpuk_buffer_write(s, x->a, 0, x->a_bytes, x->host_a);
  if (st == GPUK_SUCCESS) st = gpuk_buffer_write(s, x->b, 0, x->b_bytes, x->host_b);
  if (st == GPUK_SUCCESS) st = do_gemm(s, p);
  if (st == GPUK_SUCCESS) st = gpuk_buffer_read(s, x->c, 0, x->c_bytes, x->host_c);
  return st;
}

/* gpuk_gemm_tune's progress callback: one line per shape on stderr. */
static void tune_progress(void *user, unsigned index, unsigned total, const gpuk_gemm_config *c,
                          gpuk_status status, const char *message, double gflops) {
  const char *sel = user;
  char shape[48];
  gpuk_gemm_config_format(c, shape, sizeof shape);
  if (status == GPUK_SUCCESS)
    fprintf(stderr, "gpuk-bench: tune %s %u/%u %-20s %10.1f GFLOP/s\n", sel, index, total, shape,
            gflops);
  else
    fprintf(stderr, "gpuk-bench: tune %s %u/%u %-20s rejected: %s: %s\n", sel, index, total,
            shape, gpuk_status_name(status), message);
}

/* --tune: searches block shapes at the benchmark's size and saves the winner,
 * which the default-shape row below then uses. */
static int tune(gpuk_device *dev, const char *sel, const bench_options *o) {
  gpuk_gemm_tune_options to = {o->n, o->tune_max, 3, o->quiet ? NULL : tune_progress, (void *)sel};
  gpuk_gemm_tune_result r;
  BENCH_CHECK(gpuk_gemm_tune(dev, o->dtype, &to, &r));
  BENCH_CHECK(gpuk_gemm_tuning_save(dev, o->dtype, &r.best, r.best_gflops, o->n));
  char best[48], base[48], path[4200];
  gpuk_gemm_config_format(&r.best, best, sizeof best);
  gpuk_gemm_config_format(&r.baseline, base, sizeof base);
  BENCH_CHECK(gpuk_gemm_tuning_path(path, sizeof path));
  fprintf(stderr,
          "gpuk-bench: tuned %s (%s) at n=%zu: %s %.1f GFLOP/s (was %s %.1f); %u shapes tried, "
          "%u rejected; saved to %s\n",
          sel, bench_dtype_name(o->dtype), o->n, best, r.best_gflops, base, r.baseline_gflops,
          r.tried, r.rejected, path);
  return 0;
}

/* Element i of a host array of dtype, as double. */
static double element(gpuk_dtype dtype, const void *v, size_t i) {
  return dtype == GPUK_FLOAT64 ? ((const double *)v)[i] : ((const float *)v)[i];
}

/* A result passes when its sampled_error is below this. */
static double error_limit(gpuk_dtype dtype) { return dtype == GPUK_FLOAT64 ? 1e-12 : 1e-5; }

/* Largest relative error of CHECK_SAMPLES elements of c (of dtype) against
 * float64 dot products of op(a) and op(b); the samples always include the
 * last row and column, where edge handling goes wrong. */
static double sampled_error(const double *a, const double *b, gpuk_dtype dtype, const void *c,
                            const bench_options *o) {
  const size_t lda = bench_gemm_lda(o), ldb = bench_gemm_ldb(o);
  unsigned seed = 7;
  double worst = 0;
  for (int s = 0; s < CHECK_SAMPLES; s++) {
    seed = seed * 1103515245u + 12345u;
    size_t i = s == 0 ? o->m - 1 : (seed >> 8) % o->m;
    seed = seed * 1103515245u + 12345u;
    size_t j = s == 0 ? o->n - 1 : (seed >> 8) % o->n;
    double ref = 0, mag = 0;
    for (size_t p = 0; p < o->k; p++) {
      const double x = o->trans_a ? a[p * lda + i] : a[i * lda + p];
      const double y = o->trans_b ? b[j * ldb + p] : b[p * ldb + j];
      ref += x * y;
      mag += fabs(x * y);
    }
    double e = fabs(element(dtype, c, i * o->n + j) - ref) / (mag > 0 ? mag : 1);
    if (!(e <= worst)) worst = e; /* NaN is the worst error */
  }
  return worst;
}

int bench_matmul(gpuk_device *dev, const char *sel, const bench_options *o, double cpu_ms,
                 double *median_ms) {
  gpuk_device_info info;
  BENCH_CHECK(gpuk_device_get_info(dev, &info));
  const gpuk_dtype dtype = o->dtype;
  const size_t m = o->m, n = o->n, k = o->k, es = gpuk_dtype_size(dtype);
  double *ha = malloc(m * k * sizeof *ha), *hb = malloc(k * n * sizeof *hb);
  void *ta = malloc(m * k * es), *tb = malloc(k * n * es), *tc = malloc(m * n * es);
  if (!ha || !hb || !ta || !tb || !tc) {
    fprintf(stderr, "gpuk-bench: out of host memory for %zu x %zu x %zu\n", m, n, k);
    return 2;
  }
  bench_random(ha, ta, dtype, m * k, 12345, -1.0, 1.0);
  bench_random(hb, tb, dtype, k * n, 54321, -1.0, 1.0);
  matmul_ctx ctx = {dtype, o, NULL, NULL, NULL, m * k * es, k * n * es, m * n * es,
                    ta, tb, tc, NULL};
  gpuk_stream *s;
  BENCH_CHECK(gpuk_stream_create(dev, &s));
  BENCH_CHECK(gpuk_buffer_create(dev, ctx.a_bytes, GPUK_MEM_READ_ONLY, &ctx.a));
  BENCH_CHECK(gpuk_buffer_create(dev, ctx.b_bytes, GPUK_MEM_READ_ONLY, &ctx.b));
  BENCH_CHECK(gpuk_buffer_create(dev, ctx.c_bytes, GPUK_MEM_READ_WRITE, &ctx.c));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.a, 0, ctx.a_bytes, ta));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.b, 0, ctx.b_bytes, tb));
  const double peak = dtype == GPUK_FLOAT64 ? info.peak_gflops_f64 : info.peak_gflops_f32;
  const double flops = 2.0 * (double)m * (double)n * (double)k;

  /* The vendor library's result is checked like ours, into a poisoned C (all
   * ones: NaN in float and double), so that no ratio compares with a wrong one. */
  bench_stats yard;
  const char *yard_name = NULL;
  memset(tc, 0xff, ctx.c_bytes);
  if (yardstick_gemm(&info, dtype, ta, tb, tc, o, &yard, &yard_name) == 0) {
    const double err = sampled_error(ha, hb, dtype, tc, o);
    if (!(err < error_limit(dtype))) {
      fprintf(stderr, "gpuk-bench: %s on %s gave a wrong result (relative error %.2g): no ratio "
              "to it\n", yard_name, sel, err);
      yard_name = NULL;
    }
  }

  if (o->tune && info.backend != GPUK_BACKEND_CPU) {
    int rc = tune(dev, sel, o);
    if (rc) return rc;
  }
  /* The block shapes to run: --block's list, or the device's default. */
  char blocks[8192];
  snprintf(blocks, sizeof blocks, "%s", o->blocks && info.backend != GPUK_BACKEND_CPU ? o->blocks : "");
  char *tokens[256];
  int ntok = 0;
  for (char *tok = strtok(blocks, ","); tok && ntok < 256; tok = strtok(NULL, ",")) tokens[ntok++] = tok;
  int failed = 0;
  *median_ms = -1;
  for (int t = 0; t < (ntok ? ntok : 1); t++) {
    const char *tok = ntok ? tokens[t] : NULL;
    gpuk_gemm_config config;
    gpuk_gemm_config_origin origin;
    char label[64] = "cpu"; /* the CPU backend takes no block shape: its own paths by shape */
    if (tok) {
      if (gpuk_gemm_config_parse(tok, &config) != GPUK_SUCCESS) {
        fprintf(stderr, "gpuk-bench: --block: %s\n", gpuk_last_error());
        return 2;
      }
      ctx.config = &config;
    } else {
      BENCH_CHECK(gpuk_gemm_choose_config_sized(dev, dtype, m, n, &config, &origin));
      ctx.config = NULL;
    }
    if (info.backend != GPUK_BACKEND_CPU) gpuk_gemm_config_format(&config, label, sizeof label);
    if (info.backend == GPUK_BACKEND_CPU && flops >= 2.0 * 2048 * 2048 * 2048 && isatty(2) &&
        !o->quiet)
      fprintf(stderr, "gpuk-bench: matmul %zu x %zu x %zu on the CPU device takes a while (%d "
              "runs)...\n", m, n, k, o->warmup + 2 * o->repeat + 2);
    bench_row r = bench_row_new("matmul", sel, info.name, n);
    r.m = m;
    r.k = k;
    r.trans = bench_trans_name(o);
    r.dtype = bench_dtype_name(dtype);
    r.block = label;
    if (info.backend != GPUK_BACKEND_CPU)
      r.block_origin = tok ? "given" : gpuk_gemm_config_origin_name(origin);
    int rc = bench_time_both(dev, s, o, do_gemm, do_gemm_with_transfers, &ctx, NULL, NULL, NULL,
                             &r);
    if (rc) return rc;
    /* The checked result comes from a run of its own into a poisoned C. */
    BENCH_CHECK(bench_poison(ctx.c, ctx.c_bytes, dtype));
    memset(tc, 0xff, ctx.c_bytes);
    BENCH_CHECK(do_gemm(s, &ctx));
    BENCH_CHECK(gpuk_buffer_read(s, ctx.c, 0, ctx.c_bytes, tc));
    BENCH_CHECK(gpuk_stream_synchronize(s));
    r.max_error = sampled_error(ha, hb, dtype, tc, o);
    r.verified = r.max_error < error_limit(dtype);
    r.gflops = flops / (r.t.median_ms * 1e6);
    if (peak > 0) r.pct_of_peak = 100.0 * r.gflops / peak;
    if (cpu_ms > 0) r.speedup = cpu_ms / r.t.median_ms;
    if (yard_name) {
      r.yardstick = yard_name;
      r.pct_of_yardstick = 100.0 * yard.median_ms / r.t.median_ms;
    }
    if (*median_ms < 0 || r.t.median_ms < *median_ms) *median_ms = r.t.median_ms;
    bench_print_row(o, &r);
    failed |= !r.verified;
  }
  free(ha);
  free(hb);
  free(ta);
  free(tb);
  free(tc);
  gpuk_buffer_destroy(ctx.a);
  gpuk_buffer_destroy(ctx.b);
  gpuk_buffer_destroy(ctx.c);
  gpuk_stream_destroy(s);
  return failed;
}
