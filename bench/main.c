/* gpuk-bench: compares devices on matrix multiply, copy bandwidth, element-wise
 * and reduction bandwidth and launch latency, every result verified.
 * Usage: gpuk-bench <op> [options]; see usage(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MAX_DEVICES 32

static void usage(FILE *f) {
  fprintf(f,
          "usage: gpuk-bench <op> [options]\n"
          "ops:\n"
          "  matmul        GEMM C = op(A) op(B), square (--n is the matrix size, default 1024) or\n"
          "                --shape, vs the CPU device and the vendor library (cuBLAS, CLBlast or\n"
          "                OpenBLAS on the same device, same shape)\n"
          "  copy          host<->device (pageable and pinned) and device-to-device bandwidth,\n"
          "                fills with patterns of 4, 8 and 128 bytes\n"
          "  elementwise   triad a = b + s*c and axpy y = s*x + y, against the device's D2D\n"
          "                copy bandwidth\n"
          "  reduce        dot product and sum, against the device's D2D copy bandwidth\n"
          "  launch        empty-kernel latency, async and synchronous\n"
          "  all           every op above but matmul\n"
          "options:\n"
          "  --device SEL  device selector (repeatable; 'all' for every device);\n"
          "                default: the default device and the CPU device\n"
          "  --n N         elements per vector (default 33554432 = 128 MiB of floats)\n"
          "  --sizes LIST  several sizes: 256,512,1000 or a doubling range 64..4096\n"
          "  --shape LIST  matmul: C is M x N, the shared dimension K: MxNxK, comma-separated\n"
          "                (1x4096x4096 is a vector times a matrix); instead of --n/--sizes\n"
          "  --trans AB    matmul: nn (default), nt, tn or tt: whether A, B are transposed\n"
          "  --block LIST  matmul block shapes\n"
          "                [cuda:|cuda-async:|cuda-mma:]MWGxNWGxKWG/MDIMCxNDIMC[/VWMxVWN]\n"
          "                or skinny (C with at most 16 rows or columns), comma-separated\n"
          "  --tune        matmul: search block shapes on each GPU device at this size, save the\n"
          "                fastest verified one for later runs (gpuk_gemm_tuning_path), then\n"
          "                benchmark it\n"
          "  --tune-max K  with --tune: try the current default plus an even sample, K in all\n"
          "  --dtype T     f32 (default) or f64: element type of matmul, elementwise and reduce\n"
          "                (devices without doubles are skipped)\n"
          "  --repeat R    timed runs, median reported (default 20)\n"
          "  --warmup W    untimed runs first (default 3)\n"
          "  --csv | --json  machine-readable output\n"
          "  --quiet       no progress notes on stderr\n");
}

static int parse_count(const char *s, size_t *out) {
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *end || v == 0) return 0;
  *out = (size_t)v;
  return 1;
}

/* "f32"/"float"/"float32" or "f64"/"double"/"float64". */
static int parse_dtype(const char *s, gpuk_dtype *out) {
  if (!strcmp(s, "f32") || !strcmp(s, "float") || !strcmp(s, "float32")) {
    *out = GPUK_FLOAT32;
    return 1;
  }
  if (!strcmp(s, "f64") || !strcmp(s, "double") || !strcmp(s, "float64")) {
    *out = GPUK_FLOAT64;
    return 1;
  }
  return 0;
}

#define MAX_SIZES 64
#define MAX_LIST_CHARS 1024 /* --sizes and --shape, its terminating NUL included */

/* Parses "a,b,c" or "lo..hi" (doubling from lo while <= hi) into sizes. */
static int parse_sizes(const char *s, size_t *sizes, int *count) {
  const char *dots = strstr(s, "..");
  *count = 0;
  if (dots) {
    char lo_text[32];
    size_t lo, hi, len = (size_t)(dots - s);
    if (len == 0 || len >= sizeof lo_text) return 0;
    memcpy(lo_text, s, len);
    lo_text[len] = '\0';
    if (!parse_count(lo_text, &lo) || !parse_count(dots + 2, &hi) || lo > hi) return 0;
    for (size_t v = lo; v <= hi && *count < MAX_SIZES; v *= 2) sizes[(*count)++] = v;
    return 1;
  }
  char copy[MAX_LIST_CHARS];
  if (strlen(s) >= sizeof copy) return 0;
  strcpy(copy, s);
  for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
    if (*count == MAX_SIZES || !parse_count(tok, &sizes[*count])) return 0;
    (*count)++;
  }
  return *count > 0;
}

/* Parses "MxNxK[,MxNxK...]" into shapes[i][0..2] = m, n, k. */
static int parse_shapes(const char *s, size_t (*shapes)[3], int *count) {
  char copy[MAX_LIST_CHARS];
  *count = 0;
  if (strlen(s) >= sizeof copy) return 0;
  strcpy(copy, s);
  char *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *x1 = strchr(tok, 'x'), *x2 = x1 ? strchr(x1 + 1, 'x') : NULL;
    if (*count == MAX_SIZES || !x2) return 0;
    *x1 = *x2 = '\0';
    size_t *shape = shapes[*count];
    if (!parse_count(tok, &shape[0]) || !parse_count(x1 + 1, &shape[1]) ||
        !parse_count(x2 + 1, &shape[2]))
      return 0;
    (*count)++;
  }
  return *count > 0;
}

/* "nn", "nt", "tn" or "tt". */
static int parse_trans(const char *s, bench_options *o) {
  if (strlen(s) != 2 || !strchr("nt", s[0]) || !strchr("nt", s[1])) return 0;
  o->trans_a = s[0] == 't';
  o->trans_b = s[1] == 't';
  return 1;
}

static int run_device(const char *sel, const char *op, const bench_options *o, double *cpu_ms) {
  gpuk_device *dev;
  if (gpuk_device_open(sel, &dev) != GPUK_SUCCESS) {
    fprintf(stderr, "gpuk-bench: cannot open device '%s': %s\n", sel, gpuk_last_error());
    return 2;
  }
  gpuk_device_info info;
  gpuk_device_get_info(dev, &info);
  int matmul = !strcmp(op, "matmul");
  size_t needed = (matmul ? o->m * o->k + o->k * o->n + o->m * o->n : 3 * o->n) *
                  gpuk_dtype_size(o->dtype);
  int rc = 0;
  if (strcmp(op, "launch") != 0 && needed > info.global_mem_bytes) {
    if (matmul)
      fprintf(stderr, "gpuk-bench: matmul %zu x %zu x %zu needs %zu bytes on %s, which has %llu\n",
              o->m, o->n, o->k, needed, info.selector, (unsigned long long)info.global_mem_bytes);
    else
      fprintf(stderr, "gpuk-bench: --n %zu needs %zu bytes on %s, which has %llu\n", o->n, needed,
              info.selector, (unsigned long long)info.global_mem_bytes);
    rc = 2;
  }
  if (!rc && o->dtype == GPUK_FLOAT64 && !info.supports_double && strcmp(op, "launch") != 0 &&
      strcmp(op, "copy") != 0) {
    if (!o->quiet)
      fprintf(stderr, "gpuk-bench: %s (%s) has no double precision; skipped for --dtype f64\n",
              info.selector, info.name);
    gpuk_device_close(dev);
    return 0;
  }
  if (!rc && matmul) {
    double ms = -1;
    rc = bench_matmul(dev, info.selector, o, *cpu_ms, &ms);
    if (info.backend == GPUK_BACKEND_CPU) *cpu_ms = ms;
  }
  int all = strcmp(op, "all") == 0;
  if (!rc && (all || !strcmp(op, "copy") || !strcmp(op, "elementwise") || !strcmp(op, "reduce")))
    rc |= bench_copy(dev, info.selector, o);
  if (!rc && (all || !strcmp(op, "elementwise"))) rc |= bench_stream(dev, info.selector, o, 0);
  if (!rc && (all || !strcmp(op, "reduce"))) rc |= bench_stream(dev, info.selector, o, 1);
  if (!rc && (all || !strcmp(op, "launch"))) rc |= bench_launch(dev, info.selector, o);
  gpuk_device_close(dev);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char *op = argv[1];
  const char *ops[] = {"matmul", "copy", "elementwise", "reduce", "launch", "all"};
  int known = 0;
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) known |= !strcmp(op, ops[i]);
  if (!known) {
    fprintf(stderr, "gpuk-bench: unknown op '%s'\n", op);
    usage(stderr);
    return 2;
  }
  bench_options o = {.n = 1u << 25, .repeat = 20, .warmup = 3, .dtype = GPUK_FLOAT32};
  const char *devices[MAX_DEVICES];
  int ndev = 0;
  size_t sizes[MAX_SIZES], shapes[MAX_SIZES][3];
  int nsizes = 0, nshapes = 0, trans_given = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    size_t count;
    if (!strcmp(a, "--device") && v && ndev < MAX_DEVICES) {
      devices[ndev++] = v;
      i++;
    } else if (!strcmp(a, "--n") && v && parse_count(v, &o.n)) {
      o.n_given = 1;
      i++;
    } else if (!strcmp(a, "--sizes") && v && parse_sizes(v, sizes, &nsizes)) {
      o.n_given = 1;
      i++;
    } else if (!strcmp(a, "--shape") && v && parse_shapes(v, shapes, &nshapes)) {
      i++;
    } else if (!strcmp(a, "--trans") && v && parse_trans(v, &o)) {
      trans_given = 1;
      i++;
    } else if (!strcmp(a, "--block") && v) {
      o.blocks = v;
      i++;
    } else if (!strcmp(a, "--dtype") && v && parse_dtype(v, &o.dtype)) {
      i++;
    } else if (!strcmp(a, "--tune")) {
      o.tune = 1;
    } else if (!strcmp(a, "--tune-max") && v && parse_count(v, &count) && count < 100000) {
      o.tune_max = (unsigned)count;
      i++;
    } else if (!strcmp(a, "--repeat") && v && parse_count(v, &count) && count < 100000) {
      o.repeat = (int)count;
      i++;
    } else if (!strcmp(a, "--warmup") && v && (parse_count(v, &count) || !strcmp(v, "0")) &&
               (!strcmp(v, "0") || count < 100000)) {
      o.warmup = !strcmp(v, "0") ? 0 : (int)count;
      i++;
    } else if (!strcmp(a, "--csv")) {
      o.csv = 1;
    } else if (!strcmp(a, "--json")) {
      o.json = 1;
    } else if (!strcmp(a, "--quiet")) {
      o.quiet = 1;
    } else {
      const char *list = !strcmp(a, "--sizes")   ? "N[,N...] or LO..HI"
                         : !strcmp(a, "--shape") ? "MxNxK[,MxNxK...]"
                                                 : NULL;
      if (!v)
        fprintf(stderr, "gpuk-bench: bad option '%s' (missing value?)\n", a);
      else if (list)
        fprintf(stderr, "gpuk-bench: bad value of '%s' (%s: at most %d entries, %d characters)\n",
                a, list, MAX_SIZES, MAX_LIST_CHARS - 1);
      else
        fprintf(stderr, "gpuk-bench: bad option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  if (o.csv && o.json) {
    fprintf(stderr, "gpuk-bench: --csv and --json exclude each other\n");
    return 2;
  }
  /* Default: the default device, then the CPU device for comparison. */
  char selectors[MAX_DEVICES][64];
  int nsel = 0;
  size_t count = 0;
  gpuk_device_count(&count);
  if (ndev == 0) {
    gpuk_device_info first;
    if (gpuk_device_get_info_by_index(0, &first) == GPUK_SUCCESS)
      snprintf(selectors[nsel++], 64, "%s", getenv("GPUK_DEVICE") ? getenv("GPUK_DEVICE") : first.selector);
    if (nsel == 0 || strcmp(selectors[0], "cpu") != 0) snprintf(selectors[nsel++], 64, "cpu");
  }
  for (int d = 0; d < ndev && nsel < MAX_DEVICES; d++) {
    if (!strcmp(devices[d], "all")) {
      for (size_t i = 0; i < count && nsel < MAX_DEVICES; i++) {
        gpuk_device_info info;
        if (gpuk_device_get_info_by_index(i, &info) == GPUK_SUCCESS)
          snprintf(selectors[nsel++], 64, "%s", info.selector);
      }
    } else {
      snprintf(selectors[nsel++], 64, "%s", devices[d]);
    }
  }
  const int matmul = !strcmp(op, "matmul");
  if ((nshapes || trans_given) && !matmul) {
    fprintf(stderr, "gpuk-bench: --shape and --trans are options of matmul\n");
    return 2;
  }
  if (nshapes && o.n_given) {
    fprintf(stderr, "gpuk-bench: give --shape or --n/--sizes, not both\n");
    return 2;
  }
  if (matmul && !o.n_given) o.n = 1024;
  if (nsizes == 0) sizes[nsizes++] = o.n;
  /* Every run is a shape: --shape's, or n x n x n (the memory-bound ops read n only). */
  if (!nshapes)
    for (; nshapes < nsizes; nshapes++)
      shapes[nshapes][0] = shapes[nshapes][1] = shapes[nshapes][2] = sizes[nshapes];
  for (int i = 0; i < nshapes && matmul; i++) {
    const size_t *sh = shapes[i];
    /* Each matrix below 2^36 elements keeps every byte count in 64 bits. */
    const size_t limit = (size_t)1 << 36;
    if (sh[0] >= limit / sh[2] || sh[2] >= limit / sh[1] || sh[0] >= limit / sh[1]) {
      fprintf(stderr, "gpuk-bench: matmul size %zu x %zu x %zu is too large (each matrix below "
              "2^36 elements)\n", sh[0], sh[1], sh[2]);
      return 2;
    }
    if (o.tune && (sh[0] != sh[1] || sh[2] != sh[1] || o.trans_a || o.trans_b)) {
      fprintf(stderr, "gpuk-bench: --tune searches square GEMMs without transposes (here %zu x %zu "
              "x %zu, --trans %s)\n", sh[0], sh[1], sh[2], bench_trans_name(&o));
      return 2;
    }
  }
  /* The CPU device runs first so that the others can report their speedup. */
  for (int d = 1; d < nsel; d++) {
    if (strcmp(selectors[d], "cpu") == 0) {
      char tmp[64];
      memcpy(tmp, selectors[0], 64);
      memcpy(selectors[0], selectors[d], 64);
      memcpy(selectors[d], tmp, 64);
    }
  }
  bench_print_header(&o);
  int rc = 0;
  for (int i = 0; i < nshapes; i++) {
    o.m = shapes[i][0];
    o.n = shapes[i][1];
    o.k = shapes[i][2];
    double cpu_ms = -1;
    for (int d = 0; d < nsel; d++) {
      int r = run_device(selectors[d], op, &o, &cpu_ms);
      rc = r > rc ? r : rc;
    }
  }
  bench_print_footer(&o);
  if (rc == 1) fprintf(stderr, "gpuk-bench: VERIFICATION FAILED (see rows marked FAILED)\n");
  return rc;
}
