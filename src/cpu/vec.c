/* BabelStream's vector operations on the CPU: plain loops the compiler
 * vectorises, split across cores. */
#include "cpu.h"
#include "simd.h"

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

/* Dot: products and sums in double like the other backends' dot, from
 * four 4-wide vector accumulators (independent dependency chains); each
 * chunk stores its partial at the slot of its first element's chunk. */
typedef struct dot_job {
  const float *x, *y;
  size_t per_chunk;
  int avx2; /* run the AVX2 clone */
  double partial[256];
} dot_job;

#define DOT_BODY                                                                     \
  v4d acc[4] = {{0}};                                                                \
  size_t i = b;                                                                      \
  for (; i + 16 <= e; i += 16)                                                       \
    for (int q = 0; q < 4; q++) {                                                    \
      const v4f xs = *(const v4f_unaligned *)(x + i + 4 * q);                        \
      const v4f ys = *(const v4f_unaligned *)(y + i + 4 * q);                        \
      acc[q] += __builtin_convertvector(xs, v4d) * __builtin_convertvector(ys, v4d); \
    }                                                                                \
  const v4d all = (acc[0] + acc[1]) + (acc[2] + acc[3]);                             \
  double sum = (all[0] + all[1]) + (all[2] + all[3]);                                \
  for (; i < e; i++) sum += (double)x[i] * y[i];                                     \
  return sum;

static double dot_generic(const float *x, const float *y, size_t b, size_t e) { DOT_BODY }
GPUK_TARGET_AVX2 static double dot_avx2(const float *x, const float *y, size_t b, size_t e) {
  DOT_BODY
}

static void dot_range(void *ctx, size_t b, size_t e) {
  dot_job *j = ctx;
  j->partial[b / j->per_chunk] = (j->avx2 ? dot_avx2 : dot_generic)(j->x, j->y, b, e);
}

static gpuk_status vec_dot(gpuk_stream *s, const gpuk_buffer *a, const gpuk_buffer *b, size_t n,
                           double *result) {
  (void)s;
  dot_job j = {.x = F(a), .y = F(b),
               .avx2 = gpuk__cpu_isa() != GPUK__CPU_BASELINE && gpuk__cpu_runs(GPUK__CPU_AVX2)};
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
