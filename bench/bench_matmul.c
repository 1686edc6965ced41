/* gpuk-bench matmul: square SGEMM on a device (optionally over several block
 * shapes), GFLOP/s, speedup over the CPU device, the vendor yardstick on the
 * same device, and a float64 check of sampled elements of every result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timing.h"
#include "yardstick.h"

enum { CHECK_SAMPLES = 256 };

typedef struct matmul_ctx {
  gpuk_buffer *a, *b, *c;
  size_t n;
  const gpuk_gemm_config *config;
} matmul_ctx;

static gpuk_status do_gemm(gpuk_stream *s, void *p) {
  matmul_ctx *m = p;
  return gpuk_gemm(s, GPUK_FLOAT32, GPUK_NO_TRANS, GPUK_NO_TRANS, m->n, m->n, m->n, 1.0, m->a, 0,
                   m->n, m->b, 0, m->n, 0.0, m->c, 0, m->n, m->config);
}

/* gpuk_gemm_tune's progress callback: one line per shape on stderr. */
static void tune_progress(void *user, unsigned index, unsigned total, const gpuk_gemm_config *c,
                          gpuk_status status, const char *message, double gflops) {
  const char *sel = user;
  char shape[32];
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
  BENCH_CHECK(gpuk_gemm_tune(dev, GPUK_FLOAT32, &to, &r));
  BENCH_CHECK(gpuk_gemm_tuning_save(dev, GPUK_FLOAT32, &r.best, r.best_gflops, o->n));
  char best[32], base[32], path[4200];
  gpuk_gemm_config_format(&r.best, best, sizeof best);
  gpuk_gemm_config_format(&r.baseline, base, sizeof base);
  BENCH_CHECK(gpuk_gemm_tuning_path(path, sizeof path));
  fprintf(stderr,
          "gpuk-bench: tuned %s at n=%zu: %s %.1f GFLOP/s (was %s %.1f); %u shapes tried, %u "
          "rejected; saved to %s\n",
          sel, o->n, best, r.best_gflops, base, r.baseline_gflops, r.tried, r.rejected, path);
  return 0;
}

/* Largest relative error of CHECK_SAMPLES elements against float64 dot products. */
static double sampled_error(const float *a, const float *b, const float *c, size_t n) {
  unsigned seed = 7;
  double worst = 0;
  for (int s = 0; s < CHECK_SAMPLES; s++) {
    seed = seed * 1103515245u + 12345u;
    size_t i = (seed >> 8) % n;
    seed = seed * 1103515245u + 12345u;
    size_t j = (seed >> 8) % n;
    double ref = 0, mag = 0;
    for (size_t p = 0; p < n; p++) {
      ref += (double)a[i * n + p] * b[p * n + j];
      mag += fabs((double)a[i * n + p] * b[p * n + j]);
    }
    double e = fabs(c[i * n + j] - ref) / (mag > 0 ? mag : 1);
    if (!(e <= worst)) worst = e; /* NaN is the worst error */
  }
  return worst;
}

int bench_matmul(gpuk_device *dev, const char *sel, const bench_options *o, double cpu_ms,
                 double *median_ms) {
  gpuk_device_info info;
  BENCH_CHECK(gpuk_device_get_info(dev, &info));
  const size_t n = o->n, elems = n * n;
  float *ha = malloc(elems * sizeof *ha), *hb = malloc(elems * sizeof *hb);
  float *hc = malloc(elems * sizeof *hc);
  if (!ha || !hb || !hc) return 2;
  unsigned seed = 12345;
  for (size_t i = 0; i < 2 * elems; i++) {
    seed = seed * 1664525u + 1013904223u;
    (i < elems ? ha : hb)[i % elems] = (float)((seed >> 9) & 0xffff) / 32768.0f - 1.0f;
  }
  matmul_ctx ctx = {NULL, NULL, NULL, n, NULL};
  gpuk_stream *s;
  BENCH_CHECK(gpuk_stream_create(dev, &s));
  BENCH_CHECK(gpuk_buffer_create(dev, elems * 4, GPUK_MEM_READ_ONLY, &ctx.a));
  BENCH_CHECK(gpuk_buffer_create(dev, elems * 4, GPUK_MEM_READ_ONLY, &ctx.b));
  BENCH_CHECK(gpuk_buffer_create(dev, elems * 4, GPUK_MEM_READ_WRITE, &ctx.c));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.a, 0, elems * 4, ha));
  BENCH_CHECK(gpuk_buffer_write(NULL, ctx.b, 0, elems * 4, hb));

  bench_stats yard;
  const char *yard_name = NULL;
  yardstick_sgemm(&info, n, ha, hb, o, &yard, &yard_name);

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
    char label[64] = "cpu-blocked";
    if (tok) {
      if (gpuk_gemm_config_parse(tok, &config) != GPUK_SUCCESS) {
        fprintf(stderr, "gpuk-bench: --block: %s\n", gpuk_last_error());
        return 2;
      }
      ctx.config = &config;
    } else {
      BENCH_CHECK(gpuk_gemm_choose_config(dev, GPUK_FLOAT32, &config, &origin));
      ctx.config = NULL;
    }
    if (info.backend != GPUK_BACKEND_CPU) gpuk_gemm_config_format(&config, label, sizeof label);
    float poison = NAN;
    BENCH_CHECK(gpuk_buffer_fill(NULL, ctx.c, 0, elems * 4, &poison, 4));
    if (info.backend == GPUK_BACKEND_CPU && n >= 2048 && isatty(2) && !o->quiet)
      fprintf(stderr, "gpuk-bench: matmul n=%zu on the CPU device takes a while (%d runs)...\n", n,
              o->warmup + o->repeat);
    bench_row r = bench_row_new("matmul", sel, info.name, n);
    r.block = label;
    if (info.backend != GPUK_BACKEND_CPU)
      r.block_origin = tok ? "given" : gpuk_gemm_config_origin_name(origin);
    int rc = bench_time(dev, s, o, do_gemm, &ctx, &r.t);
    if (rc) return rc;
    BENCH_CHECK(gpuk_buffer_read(NULL, ctx.c, 0, elems * 4, hc));
    r.max_error = sampled_error(ha, hb, hc, n);
    r.verified = r.max_error < 1e-5;
    r.gflops = 2.0 * (double)n * n * n / (r.t.median_ms * 1e6);
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
  free(hc);
  gpuk_buffer_destroy(ctx.a);
  gpuk_buffer_destroy(ctx.b);
  gpuk_buffer_destroy(ctx.c);
  gpuk_stream_destroy(s);
  return failed;
}
