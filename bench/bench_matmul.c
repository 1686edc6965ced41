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

/* Parses "MWGxNWGxKWG/MDIMCxNDIMC" (portable kernel) or "cuda:MWGx..." (the
 * CUDA kernel). */
static int parse_block(const char *s, gpuk_gemm_config *c) {
  char tail;
  c->kernel = GPUK_GEMM_KERNEL_PORTABLE;
  if (strncmp(s, "cuda:", 5) == 0) {
    c->kernel = GPUK_GEMM_KERNEL_CUDA;
    s += 5;
  }
  return sscanf(s, "%ux%ux%u/%ux%u%c", &c->mwg, &c->nwg, &c->kwg, &c->mdimc, &c->ndimc, &tail) == 5;
}

/* The inverse of parse_block. */
static void format_block(const gpuk_gemm_config *c, char *out, size_t size) {
  snprintf(out, size, "%s%ux%ux%u/%ux%u", c->kernel == GPUK_GEMM_KERNEL_CUDA ? "cuda:" : "",
           c->mwg, c->nwg, c->kwg, c->mdimc, c->ndimc);
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
    char label[64] = "default";
    if (tok) {
      if (!parse_block(tok, &config)) {
        fprintf(stderr, "gpuk-bench: --block '%s' is not [cuda:]MWGxNWGxKWG/MDIMCxNDIMC\n", tok);
        return 2;
      }
      ctx.config = &config;
    } else {
      BENCH_CHECK(gpuk_gemm_default_config(dev, GPUK_FLOAT32, &config));
      ctx.config = NULL;
    }
    if (info.backend != GPUK_BACKEND_CPU)
      format_block(&config, label, sizeof label);
    else
      snprintf(label, sizeof label, "cpu-blocked");
    float poison = NAN;
    BENCH_CHECK(gpuk_buffer_fill(NULL, ctx.c, 0, elems * 4, &poison, 4));
    if (info.backend == GPUK_BACKEND_CPU && n >= 2048 && isatty(2) && !o->quiet)
      fprintf(stderr, "gpuk-bench: matmul n=%zu on the CPU device takes a while (%d runs)...\n", n,
              o->warmup + o->repeat);
    bench_row r = bench_row_new("matmul", sel, info.name, n);
    r.block = label;
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
