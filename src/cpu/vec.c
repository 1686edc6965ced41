/* BabelStream's vector operations on the CPU: plain loops the compiler
 * vectorises, split across cores. */
#include "cpu.h"

/* Below this many elements one thread is faster than starting more. */
#define GRAIN ((size_t)1 << 18)

typedef struct vec_job {
  const float *x, *y;
  float *out;
  float scalar;
} vec_job;

static void copy_range(void *ctx, size_t b, size_t e) {
  vec_job *j = ctx;
  for (size_t i = b; i < e; i++) j->out[i] = j->x[i];
}

static void scale_range(void *ctx, size_t b, size_t e) {
  vec_job *j = ctx;
  const float s = j->scalar;
  for (size_t i = b; i < e; i++) j->out[i] = s * j->x[i];
}

static void add_range(void *ctx, size_t b, size_t e) {
  vec_job *j = ctx;
  for (size_t i = b; i < e; i++) j->out[i] = j->x[i] + j->y[i];
}

static void triad_range(void *ctx, size_t b, size_t e) {
  vec_job *j = ctx;
  const float s = j->scalar;
  for (size_t i = b; i < e; i++) j->out[i] = j->x[i] + s * j->y[i];
}

#define F(b) ((float *)(void *)gpuk__cpu_ptr(b))

static gpuk_status vec_copy(gpuk_stream *s, const gpuk_buffer *a, gpuk_buffer *c, size_t n) {
  (void)s;
  vec_job j = {.x = F(a), .out = F(c)};
  gpuk__cpu_parallel_for(n, GRAIN, copy_range, &j);
  return GPUK_SUCCESS;
}

static gpuk_status vec_scale(gpuk_stream *s, const gpuk_buffer *c, gpuk_buffer *b, float scalar,
                             size_t n) {
  (void)s;
  vec_job j = {.x = F(c), .out = F(b), .scalar = scalar};
  gpuk__cpu_parallel_for(n, GRAIN, scale_range, &j);
  return GPUK_SUCCESS;
}

static gpuk_status vec_add(gpuk_stream *s, const gpuk_buffer *a, const gpuk_buffer *b,
                           gpuk_buffer *c, size_t n) {
  (void)s;
  vec_job j = {.x = F(a), .y = F(b), .out = F(c)};
  gpuk__cpu_parallel_for(n, GRAIN, add_range, &j);
  return GPUK_SUCCESS;
}

static gpuk_status vec_triad(gpuk_stream *s, const gpuk_buffer *b, const gpuk_buffer *c,
                             gpuk_buffer *a, float scalar, size_t n) {
  (void)s;
  vec_job j = {.x = F(b), .y = F(c), .out = F(a), .scalar = scalar};
  gpuk__cpu_parallel_for(n, GRAIN, triad_range, &j);
  return GPUK_SUCCESS;
}

/* Dot: each chunk sums in float lanes of 8 (vectorisable without reassociation
 * flags) and stores its partial at the slot of its first element's chunk. */
typedef struct dot_job {
  const float *x, *y;
  size_t per_chunk;
  double partial[256];
} dot_job;

static void dot_range(void *ctx, size_t b, size_t e) {
  dot_job *j = ctx;
  float lanes[8] = {0};
  size_t i = b;
  for (; i + 8 <= e; i += 8)
    for (int l = 0; l < 8; l++) lanes[l] += j->x[i + l] * j->y[i + l];
  double sum = 0.0;
  for (int l = 0; l < 8; l++) sum += lanes[l];
  for (; i < e; i++) sum += (double)j->x[i] * j->y[i];
  j->partial[b / j->per_chunk] = sum;
}

static gpuk_status vec_dot(gpuk_stream *s, const gpuk_buffer *a, const gpuk_buffer *b, size_t n,
                           double *result) {
  (void)s;
  dot_job j = {.x = F(a), .y = F(b)};
  size_t threads = gpuk__cpu_threads();
  if (threads > n / GRAIN) threads = n / GRAIN;
  if (threads < 1) threads = 1;
  /* Mirror gpuk__cpu_parallel_for's split so each chunk has its own slot. */
  j.per_chunk = (n + threads - 1) / threads;
  gpuk__cpu_parallel_for(n, GRAIN, dot_range, &j);
  double sum = 0.0;
  for (size_t t = 0; t < threads; t++) sum += j.partial[t];
  *result = sum;
  return GPUK_SUCCESS;
}

void gpuk__cpu_fill_vec_ops(gpuk_backend_ops *ops) {
  ops->vec_copy_f32 = vec_copy;
  ops->vec_scale_f32 = vec_scale;
  ops->vec_add_f32 = vec_add;
  ops->vec_triad_f32 = vec_triad;
  ops->vec_dot_f32 = vec_dot;
}
