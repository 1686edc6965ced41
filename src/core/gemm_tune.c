/* The GEMM tuner: times every legal block shape of a small search space (or an
 * even sample of it) on one device with fresh random inputs, rejects shapes
 * that fail to build, to run or to match a float64 reference on sampled
 * elements, and reports the fastest. Saving the winner is the caller's choice
 * (gpuk_gemm_tuning_save). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gemm.h"
#include "handles.h"

enum { DEFAULT_N = 1024, DEFAULT_REPEAT = 3, CHECK_SAMPLES = 64, MAX_CANDIDATES = 1024, MAX_THREADS = 256 };

/* The search space: CLBlast-style tile sizes around what GPUs and PoCL like. */
static const unsigned tile_sizes[] = {32, 64, 128};
static const unsigned k_slices[] = {8, 16, 32};
static const unsigned group_sides[] = {8, 16, 32};
static const unsigned cuda_group_sides[] = {4, 8, 16};
/* OpenCL on CPUs (PoCL) also gets few, fat work-items with 64-byte vectors
 * along n: the portable kernel's fastest shapes there (gemm_table.c). */
static const unsigned cpu_m_tiles[] = {16, 32, 64};
static const unsigned cpu_n_tiles[] = {64, 128};
static const unsigned cpu_k_slices[] = {16, 32};
static const unsigned cpu_group_sides[] = {2, 4, 8};
/* Results per thread (along m, along n) of the CUDA kernel: at most 128
 * floats or 64 doubles, which take the same registers. */
static const unsigned cuda_float_tiles[][2] = {{8, 8}, {16, 8}, {8, 16}};
static const unsigned cuda_double_tiles[][2] = {{8, 8}, {4, 8}, {8, 4}};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct candidates {
  gpuk_gemm_config list[MAX_CANDIDATES];
  unsigned count;
} candidates;

static int same_config(const gpuk_gemm_config *x, const gpuk_gemm_config *y) {
  return x->mwg == y->mwg && x->nwg == y->nwg && x->kwg == y->kwg && x->mdimc == y->mdimc &&
         x->ndimc == y->ndimc && x->kernel == y->kernel &&
         gpuk__gemm_width(x->vwm) == gpuk__gemm_width(y->vwm) &&
         gpuk__gemm_width(x->vwn) == gpuk__gemm_width(y->vwn);
}

/* capped: apply MAX_THREADS (not to the baseline, which is tried whatever it is). */
static void add_if_legal(candidates *c, const gpuk_device_info *info, gpuk_dtype dtype,
                         gpuk_gemm_config config, int capped) {
  /* Above 256 work-items per group every device measured so far was slower
   * (the H100 sweep's five best shapes have 256; PoCL's 1024-item groups ran
   * at a tenth of its 64-item ones). */
  if (c->count == MAX_CANDIDATES || (capped && config.mdimc * config.ndimc > MAX_THREADS)) return;
  for (unsigned i = 0; i < c->count; i++)
    if (same_config(&c->list[i], &config)) return;
  if (gpuk__gemm_check_config(info, dtype, &config) != GPUK_SUCCESS) {
    gpuk__clear_error();
    return;
  }
  c->list[c->count++] = config;
}

/* A grid of portable-kernel shapes: every tile, k slice and work-group side
 * listed, at one pair of vector widths. */
typedef struct portable_grid {
  const unsigned *m_tiles, *n_tiles, *k_slices, *sides;
  size_t m_count, n_count, k_count, side_count;
} portable_grid;

static void add_portable_grid(candidates *c, const gpuk_device_info *info, gpuk_dtype dtype,
                              const portable_grid *g, unsigned vwm, unsigned vwn) {
  for (size_t m = 0; m < g->m_count; m++)
    for (size_t n = 0; n < g->n_count; n++)
      for (size_t k = 0; k < g->k_count; k++)
        for (size_t y = 0; y < g->side_count; y++)
          for (size_t x = 0; x < g->side_count; x++)
            add_if_legal(c, info, dtype,
                         (gpuk_gemm_config){g->m_tiles[m], g->n_tiles[n], g->k_slices[k],
                                            g->sides[y], g->sides[x], GPUK_GEMM_KERNEL_PORTABLE,
                                            vwm, vwn},
                         1);
}

/* The baseline first, then the legal space in a fixed order: the portable
 * kernel without vectors, with 16-byte vectors along m, along n, along both
 * (the widths outermost, so that an even sample covers each); on OpenCL CPU
 * devices then 64-byte vectors along n, without and with 16-byte ones along m,
 * in small work-groups; on CUDA devices the CUDA kernel's shapes, fed through
 * registers, then by cp.async, then (double) multiplying on the tensor
 * cores. */
static void enumerate(candidates *c, const gpuk_device_info *info, gpuk_dtype dtype,
                      const gpuk_gemm_config *baseline) {
  static const portable_grid gpu_grid = {tile_sizes, tile_sizes, k_slices, group_sides,
                                         COUNT(tile_sizes), COUNT(tile_sizes), COUNT(k_slices),
                                         COUNT(group_sides)};
  static const portable_grid cpu_grid = {cpu_m_tiles, cpu_n_tiles, cpu_k_slices, cpu_group_sides,
                                         COUNT(cpu_m_tiles), COUNT(cpu_n_tiles),
                                         COUNT(cpu_k_slices), COUNT(cpu_group_sides)};
  c->count = 0;
  add_if_legal(c, info, dtype, *baseline, 0);
  const unsigned wide = dtype == GPUK_FLOAT64 ? 2 : 4, widest = dtype == GPUK_FLOAT64 ? 8 : 16;
  const unsigned widths[][2] = {{1, 1}, {wide, 1}, {1, wide}, {wide, wide}};
  for (size_t w = 0; w < COUNT(widths); w++)
    add_portable_grid(c, info, dtype, &gpu_grid, widths[w][0], widths[w][1]);
  if (gpuk__gemm_opencl_cpu(info)) {
    add_portable_grid(c, info, dtype, &cpu_grid, 1, widest);
    add_portable_grid(c, info, dtype, &cpu_grid, wide, widest);
  }
  if (info->backend != GPUK_BACKEND_CUDA) return;
  const unsigned(*tiles)[2] = dtype == GPUK_FLOAT64 ? cuda_double_tiles : cuda_float_tiles;
  const size_t tile_count =
      dtype == GPUK_FLOAT64 ? COUNT(cuda_double_tiles) : COUNT(cuda_float_tiles);
  const gpuk_gemm_kernel cuda_kernels[] = {GPUK_GEMM_KERNEL_CUDA, GPUK_GEMM_KERNEL_CUDA_ASYNC,
                                           GPUK_GEMM_KERNEL_CUDA_MMA};
  for (size_t f = 0; f < COUNT(cuda_kernels); f++)
    for (size_t t = 0; t < tile_count; t++)
      for (size_t k = 0; k < COUNT(k_slices); k++)
        for (size_t y = 0; y < COUNT(cuda_group_sides); y++)
          for (size_t x = 0; x < COUNT(cuda_group_sides); x++)
            add_if_legal(c, info, dtype,
                         (gpuk_gemm_config){tiles[t][0] * cuda_group_sides[y],
                                            tiles[t][1] * cuda_group_sides[x],
                                            k_slices[k], cuda_group_sides[y], cuda_group_sides[x],
                                            cuda_kernels[f], 1, 1},
                         1);
}

/* Keeps the baseline and an even sample of the rest, max in all. */
static void sample(candidates *c, unsigned max) {
  if (max == 0 || c->count <= max) return;
  unsigned rest = c->count - 1, keep = max - 1;
  for (unsigned i = 0; i < keep; i++)
    c->list[1 + i] = c->list[1 + (unsigned)((unsigned long long)i * rest / keep)];
  c->count = max;
}

/* The problem every candidate solves, and its device buffers. */
typedef struct problem {
  gpuk_device *device;
  gpuk_dtype dtype;
  size_t n, elem;
  unsigned long long seed; /* of the inputs, and of the sampled elements */
  double *a, *b;           /* host copies as double */
  void *c_host;
  gpuk_buffer *da, *db, *dc;
  gpuk_stream *stream;
  gpuk_event *start, *stop;
} problem;

static void problem_free(problem *p) {
  free(p->a);
  free(p->b);
  free(p->c_host);
  if (p->da) gpuk_buffer_destroy(p->da);
  if (p->db) gpuk_buffer_destroy(p->db);
  if (p->dc) gpuk_buffer_destroy(p->dc);
  if (p->start) gpuk_event_destroy(p->start);
  if (p->stop) gpuk_event_destroy(p->stop);
  if (p->stream) gpuk_stream_destroy(p->stream);
}

/* Uploads x (as the problem's dtype) into buffer and waits, since the staging
 * area is reused. */
static gpuk_status upload(problem *p, const double *x, gpuk_buffer *buffer) {
  size_t count = p->n * p->n;
  void *staged = p->c_host; /* free until the first run */
  for (size_t i = 0; i < count; i++) {
    if (p->dtype == GPUK_FLOAT64) ((double *)staged)[i] = x[i];
    else ((float *)staged)[i] = (float)x[i];
  }
  gpuk_status st = gpuk_buffer_write(p->stream, buffer, 0, count * p->elem, staged);
  return st ? st : gpuk_stream_synchronize(p->stream);
}

static gpuk_status problem_init(problem *p) {
  size_t count = p->n * p->n, bytes = count * p->elem;
  p->a = malloc(count * sizeof *p->a);
  p->b = malloc(count * sizeof *p->b);
  p->c_host = malloc(bytes);
  if (!p->a || !p->b || !p->c_host)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "host copies of three %zu x %zu matrices",
                           p->n, p->n);
  /* Fresh inputs on every run, rounded to float so that both dtypes see
   * exactly these values. */
  unsigned long long seed = 0x9e3779b97f4a7c15ULL ^ (unsigned long long)time(NULL) ^
                            ((unsigned long long)clock() << 20);
  p->seed = seed;
  for (size_t i = 0; i < 2 * count; i++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    double v = (double)(float)((double)(seed >> 40) / (double)(1ULL << 23) - 1.0);
    (i < count ? p->a : p->b)[i % count] = v;
  }
  gpuk_status st = gpuk_stream_create(p->device, &p->stream);
  if (!st) st = gpuk_event_create(p->device, &p->start);
  if (!st) st = gpuk_event_create(p->device, &p->stop);
  if (!st) st = gpuk_buffer_create(p->device, bytes, GPUK_MEM_READ_ONLY, &p->da);
  if (!st) st = gpuk_buffer_create(p->device, bytes, GPUK_MEM_READ_ONLY, &p->db);
  if (!st) st = gpuk_buffer_create(p->device, bytes, GPUK_MEM_READ_WRITE, &p->dc);
  if (!st) st = upload(p, p->a, p->da);
  if (!st) st = upload(p, p->b, p->db);
  return st;
}

static gpuk_status run_once(problem *p, const gpuk_gemm_config *config) {
  return gpuk_gemm(p->stream, p->dtype, GPUK_NO_TRANS, GPUK_NO_TRANS, p->n, p->n, p->n, 1.0, p->da,
                   0, p->n, p->db, 0, p->n, 0.0, p->dc, 0, p->n, config);
}

/* Largest error of sampled elements of C against float64 dot products, scaled
 * by the sum of magnitudes; NaN counts as the worst. */
static double sampled_error(const problem *p) {
  double worst = 0;
  unsigned long long seed = p->seed;
  for (int s = 0; s < CHECK_SAMPLES; s++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t i = (size_t)(seed >> 33) % p->n, j = (size_t)(seed >> 13) % p->n;
    double ref = 0, mag = 0;
    for (size_t q = 0; q < p->n; q++) {
      ref += p->a[i * p->n + q] * p->b[q * p->n + j];
      mag += fabs(p->a[i * p->n + q] * p->b[q * p->n + j]);
    }
    double got = p->dtype == GPUK_FLOAT64 ? ((const double *)p->c_host)[i * p->n + j]
                                          : ((const float *)p->c_host)[i * p->n + j];
    double e = fabs(got - ref) / (mag > 0 ? mag : 1);
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

static int compare_doubles(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Builds and warms up, times `repeat` runs (median), then verifies. */
static gpuk_status measure(problem *p, const gpuk_gemm_config *config, unsigned repeat,
                           double *gflops) {
  size_t bytes = p->n * p->n * p->elem;
  double poison = NAN;
  gpuk_status st = p->dtype == GPUK_FLOAT64
                       ? gpuk_buffer_fill(p->stream, p->dc, 0, bytes, &poison, 8)
                       : gpuk_buffer_fill(p->stream, p->dc, 0, bytes, &(float){NAN}, 4);
  if (!st) st = run_once(p, config);
  if (!st) st = gpuk_stream_synchronize(p->stream);
  double times[64];
  for (unsigned r = 0; r < repeat && !st; r++) {
    st = gpuk_event_record(p->start, p->stream);
    if (!st) st = run_once(p, config);
    if (!st) st = gpuk_event_record(p->stop, p->stream);
    if (!st) st = gpuk_event_elapsed_ms(p->start, p->stop, &times[r]);
  }
  memset(p->c_host, 0xff, bytes); /* NaN in both dtypes: a read that did not happen fails */
  if (!st) st = gpuk_buffer_read(p->stream, p->dc, 0, bytes, p->c_host);
  if (!st) st = gpuk_stream_synchronize(p->stream);
  if (st) return st;
  double error = sampled_error(p), limit = p->dtype == GPUK_FLOAT64 ? 1e-12 : 1e-5;
  if (!(error <= limit))
    return gpuk__set_error(GPUK_ERROR_INTERNAL,
                           "wrong result: sampled relative error %.3g exceeds %.0e", error, limit);
  qsort(times, repeat, sizeof times[0], compare_doubles);
  double ms = times[repeat / 2];
  *gflops = ms > 0 ? 2.0 * (double)p->n * p->n * p->n / (ms * 1e6) : 0;
  return GPUK_SUCCESS;
}

static gpuk_status check_tune_args(const gpuk_device *device, gpuk_dtype dtype,
                                   const gpuk_gemm_tune_options *o, gpuk_gemm_tune_result *result) {
  gpuk_status st = gpuk__check_device(device, "device");
  if (st) return st;
  if (!result) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "result is NULL");
  const gpuk_device_info *info = &device->entry.info;
  st = gpuk__gemm_check_dtype(info, dtype);
  if (st) return st;
  if (info->backend == GPUK_BACKEND_CPU)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                           "the CPU device's GEMM has no block shapes to tune");
  if (o && o->n > 16384)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "options->n = %zu: tuning sizes above 16384 are refused", o->n);
  if (o && o->repeat > 64)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "options->repeat = %u is above 64",
                           o->repeat);
  return GPUK_SUCCESS;
}

gpuk_status gpuk_gemm_tune(gpuk_device *device, gpuk_dtype dtype,
                           const gpuk_gemm_tune_options *options, gpuk_gemm_tune_result *result) {
  gpuk__clear_error();
  gpuk_status st = check_tune_args(device, dtype, options, result);
  if (st) return st;
  gpuk_gemm_tune_options o = options ? *options : (gpuk_gemm_tune_options){0};
  if (!o.n) o.n = DEFAULT_N;
  if (!o.repeat) o.repeat = DEFAULT_REPEAT;
  memset(result, 0, sizeof *result);
  st = gpuk_gemm_choose_config_sized(device, dtype, o.n, o.n, &result->baseline, NULL);
  if (st) return st;
  candidates *c = malloc(sizeof *c);
  if (!c) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "tuning candidate list");
  enumerate(c, &device->entry.info, dtype, &result->baseline);
  sample(c, o.max_shapes);

  problem p = {0};
  p.device = device;
  p.dtype = dtype;
  p.n = o.n;
  p.elem = dtype == GPUK_FLOAT64 ? 8 : 4;
  st = problem_init(&p);
  gpuk_status first_failure = GPUK_SUCCESS;
  char first_message[512] = "", first_shape[64] = "";
  for (unsigned i = 0; i < c->count && !st; i++) {
    double gflops = 0;
    gpuk_status run = measure(&p, &c->list[i], o.repeat, &gflops);
    result->tried++;
    if (run) {
      result->rejected++;
      if (!first_failure) {
        first_failure = run;
        snprintf(first_message, sizeof first_message, "%s", gpuk_last_error());
        gpuk__gemm_config_to_text(&c->list[i], first_shape, sizeof first_shape);
      }
    } else {
      if (i == 0) result->baseline_gflops = gflops;
      if (gflops > result->best_gflops) {
        result->best_gflops = gflops;
        result->best = c->list[i];
      }
    }
    if (o.progress)
      o.progress(o.user, i + 1, c->count, &c->list[i], run, run ? gpuk_last_error() : "", gflops);
    gpuk__clear_error();
  }
  problem_free(&p);
  if (!st && result->best_gflops == 0) {
    st = gpuk__set_error(first_failure ? first_failure : GPUK_ERROR_INTERNAL,
                         "none of the %u block shapes tried ran correctly; the first failure "
                         "(%s): %s",
                         c->count, first_shape, first_message);
  }
  free(c);
  return st;
}
