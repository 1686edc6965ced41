/* Timing statistics and the table/CSV/JSON printers of gpuk-bench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

bench_stats bench_summarize(double *s, int n) {
  bench_stats r = {0, 0, 0};
  if (n <= 0) return r;
  qsort(s, (size_t)n, sizeof *s, cmp_double);
  r.min_ms = s[0];
  r.max_ms = s[n - 1];
  r.median_ms = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  return r;
}

double bench_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

bench_row bench_row_new(const char *op, const char *device, const char *device_name, size_t n) {
  bench_row r = {.op = op,
                 .device = device,
                 .device_name = device_name,
                 .n = n,
                 .gbps = -1,
                 .pct_of_copy = -1,
                 .us_per_call = -1,
                 .pct_of_yardstick = -1,
                 .max_error = -1,
                 .verified = 1,
                 .gflops = -1,
                 .speedup = -1,
                 .xfer_median_ms = -1,
                 .pct_of_peak = -1};
  return r;
}

/* The table's size column: n, or for a matmul that is not square and
 * untransposed, "MxNxK" and the transposes ("1x4096x4096 nt"). */
static void format_size(const bench_row *r, char *out, size_t size) {
  const int square = r->m == r->n && r->k == r->n;
  const int plain = !r->trans || !strcmp(r->trans, "nn");
  if (!r->m || (square && plain))
    snprintf(out, size, "%zu", r->n);
  else
    snprintf(out, size, "%zux%zux%zu%s%s", r->m, r->n, r->k, plain ? "" : " ",
             plain ? "" : r->trans);
}

const char *bench_dtype_name(gpuk_dtype dtype) { return dtype == GPUK_FLOAT64 ? "f64" : "f32"; }

const char *bench_trans_name(const bench_options *o) {
  static const char *const names[2][2] = {{"nn", "nt"}, {"tn", "tt"}};
  return names[!!o->trans_a][!!o->trans_b];
}

static int json_rows;

void bench_print_header(const bench_options *o) {
  if (o->csv) {
    printf("op,device,device_name,n,block,median_ms,min_ms,max_ms,gbps,pct_of_copy,us_per_call,"
           "gflops,speedup,yardstick,pct_of_yardstick,max_error,verified,block_origin,dtype,"
           "median_ms_with_transfers,pct_of_peak,m,k,trans\n");
  } else if (o->json) {
    printf("[\n");
    json_rows = 0;
  } else {
    printf("%-17s %-11s %-4s %16s %-15s %-12s %10s %10s %10s %10s %8s %6s %8s %9s %6s %8s %-18s "
           "%6s %9s %s\n",
           "op", "device", "type", "n", "block", "from", "median ms", "min ms", "max ms",
           "+xfer ms", "GB/s", "%copy", "us/call", "GFLOP/s", "%peak", "vs cpu", "yardstick",
           "%yard", "max err", "check");
  }
}

static void opt_num(const char *fmt, double v, int width) {
  if (v < 0)
    printf("%*s", width, "-");
  else
    printf(fmt, width, v);
}

void bench_print_row(const bench_options *o, const bench_row *r) {
  if (o->csv) {
    printf("%s,%s,\"%s\",%zu,%s,%.6f,%.6f,%.6f,%.3f,%.2f,%.3f,%.2f,%.2f,%s,%.2f,%.3g,%d,%s,%s,%.6f,"
           "%.2f,%zu,%zu,%s\n",
           r->op, r->device, r->device_name, r->n, r->block ? r->block : "", r->t.median_ms,
           r->t.min_ms, r->t.max_ms, r->gbps, r->pct_of_copy, r->us_per_call, r->gflops,
           r->speedup, r->yardstick ? r->yardstick : "", r->pct_of_yardstick, r->max_error,
           r->verified, r->block_origin ? r->block_origin : "", r->dtype ? r->dtype : "",
           r->xfer_median_ms, r->pct_of_peak, r->m, r->k, r->trans ? r->trans : "");
  } else if (o->json) {
    printf("%s  {\"op\": \"%s\", \"device\": \"%s\", \"device_name\": \"%s\", \"n\": %zu, "
           "\"median_ms\": %.6f, \"min_ms\": %.6f, \"max_ms\": %.6f, \"gbps\": %.3f, "
           "\"pct_of_copy\": %.2f, \"us_per_call\": %.3f, \"gflops\": %.2f, \"speedup\": %.2f, "
           "\"block\": \"%s\", \"block_origin\": \"%s\", \"yardstick\": \"%s\", "
           "\"pct_of_yardstick\": %.2f, \"max_error\": %.3g, \"verified\": %s, \"dtype\": \"%s\", "
           "\"median_ms_with_transfers\": %.6f, \"pct_of_peak\": %.2f, \"m\": %zu, \"k\": %zu, "
           "\"trans\": \"%s\"}",
           json_rows++ ? ",\n" : "", r->op, r->device, r->device_name, r->n, r->t.median_ms,
           r->t.min_ms, r->t.max_ms, r->gbps, r->pct_of_copy, r->us_per_call, r->gflops, r->speedup,
           r->block ? r->block : "", r->block_origin ? r->block_origin : "",
           r->yardstick ? r->yardstick : "", r->pct_of_yardstick, r->max_error,
           r->verified ? "true" : "false", r->dtype ? r->dtype : "", r->xfer_median_ms,
           r->pct_of_peak, r->m, r->k, r->trans ? r->trans : "");
  } else {
    char size[64];
    format_size(r, size, sizeof size);
    printf("%-17s %-11s %-4s %16s %-15s %-12s %10.4f %10.4f %10.4f ", r->op, r->device,
           r->dtype ? r->dtype : "-", size, r->block ? r->block : "-",
           r->block_origin ? r->block_origin : "-", r->t.median_ms, r->t.min_ms, r->t.max_ms);
    opt_num("%*.4f", r->xfer_median_ms, 10);
    printf(" ");
    opt_num("%*.1f", r->gbps, 8);
    printf(" ");
    opt_num("%*.1f", r->pct_of_copy, 6);
    printf(" ");
    opt_num("%*.2f", r->us_per_call, 8);
    printf(" ");
    opt_num("%*.1f", r->gflops, 9);
    printf(" ");
    opt_num("%*.1f", r->pct_of_peak, 6);
    printf(" ");
    opt_num("%*.2f", r->speedup, 8);
    printf(" %-18s ", r->yardstick ? r->yardstick : "-");
    opt_num("%*.1f", r->pct_of_yardstick, 6);
    printf(" ");
    if (r->max_error < 0)
      printf("%9s", "-");
    else
      printf("%9.2g", r->max_error);
    printf(" %s\n", r->verified ? "ok" : "FAILED");
  }
  fflush(stdout);
}

void bench_print_footer(const bench_options *o) {
  if (o->json) printf("\n]\n");
}
