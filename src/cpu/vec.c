/* BabelStream's vector operations on the CPU: plain loops the compiler
 * vectorises (with streaming stores once the data outgrow the last-level
 * cache), split across cores; copy is the buffer copy (gpuk__cpu_copy). */
#include "cpu.h"
#include "simd.h"
#include "streaming.h"

/* Below this many elements one thread is faster than starting more. */
#define GRAIN ((size_t)1 << 18)

typedef struct vec_job {
  const float *x, *y;
  float *out;
  float scalar;
  int streaming; /* store out around the caches */
} vec_job;

/* The ops as expressions of one element of x and y (or of 4 as a vector). */
#define SCALE(x, y, s) ((s) * (x))
#define ADD(x, y, s) ((x) + (y))
#define TRIAD(x, y, s) ((x) + (s) * (y))

#define LOAD4(p) (*(const v4f_unaligned *)(const void *)(p))

/* name_range(): OP over [b, e), as a plain loop the compiler vectorises or,
 * for data past the last-level cache, with streaming stores of 16 elements
 * (a cache line) per step (single elements until out is 16-byte aligned, and
 * at the end). */
#define VEC_RANGE(name, OP)                                                   \
  static void name##_range(void *ctx, size_t b, size_t e) {                   \
    const vec_job *j = ctx;                                                   \
    const float *x = j->x, *y = j->y;                                         \
    float *out = j->out;                                                      \
    const float s = j->scalar;                                                \
    (void)y;                                                                  \
    (void)s;                                                                  \
    size_t i = b;                                                             \
    if (j->streaming) {                                                       \
      for (; i < e && !gpuk__cpu_stream_aligned(out + i); i++)                \
        out[i] = OP(x[i], y[i], s);                                           \
      for (; e - i >= 16; i += 16) { /* a cache line of out per step */       \
        const v4f v0 = OP(LOAD4(x + i), LOAD4(y + i), s);                     \
        const v4f v1 = OP(LOAD4(x + i + 4), LOAD4(y + i + 4), s);             \
        const v4f v2 = OP(LOAD4(x + i + 8), LOAD4(y + i + 8), s);             \
        const v4f v3 = OP(LOAD4(x + i + 12), LOAD4(y + i + 12), s);           \
        gpuk__cpu_stream4(out + i, v0);                                       \
        gpuk__cpu_stream4(out + i + 4, v1);                                   \
        gpuk__cpu_stream4(out + i + 8, v2);                                   \
        gpuk__cpu_stream4(out + i + 12, v3);                                  \
      }                                                                       \
    }                                                                         \
    for (; i < e; i++) out[i] = OP(x[i], y[i], s);                            \
    if (j->streaming) gpuk__cpu_stream_fence();                               \
  }

VEC_RANGE(scale, SCALE)
VEC_RANGE(add, ADD)
VEC_RANGE(triad, TRIAD)

#define F(b) ((float *)(void *)gpuk__cpu_ptr(b))

/* Runs an op over n elements across the cores; `arrays` is how many vectors
 * it reads and writes (what decides on streaming stores). */
static gpuk_status run(gpuk__cpu_range_fn range, vec_job j, size_t n, size_t arrays) {
  j.streaming = gpuk__cpu_use_streaming(arrays * n * sizeof(float));
  gpuk__cpu_parallel_for(n, GRAIN, range, &j);
  return GPUK_SUCCESS;
}

static gpuk_status vec_copy(gpuk_stream *s, const gpuk_buffer *a, gpuk_buffer *c, size_t n) {
  (void)s;
  gpuk__cpu_copy(F(c), F(a), n * sizeof(float));
  return GPUK_SUCCESS;
}

static gpuk_status vec_scale(gpuk_stream *s, const gpuk_buffer *c, gpuk_buffer *b, float scalar,
                             size_t n) {
  (void)s;
  return run(scale_range, (vec_job){.x = F(c), .out = F(b), .scalar = scalar}, n, 2);
}

static gpuk_status vec_add(gpuk_stream *s, const gpuk_buffer *a, const gpuk_buffer *b,
                           gpuk_buffer *c, size_t n) {
  (void)s;
  return run(add_range, (vec_job){.x = F(a), .y = F(b), .out = F(c)}, n, 3);
}

static gpuk_status vec_triad(gpuk_stream *s, const gpuk_buffer *b, const gpuk_buffer *c,
                             gpuk_buffer *a, float scalar, size_t n) {
  (void)s;
  return run(triad_range, (vec_job){.x = F(b), .y = F(c), .out = F(a), .scalar = scalar}, n, 3);
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

static double dot_generic(const float *x, const float *y, size_t b, size_t e) {
  v4d acc[4] = {{0}};
  size_t i = b;
  for (; i + 16 <= e; i += 16)
    for (int q = 0; q < 4; q++) {
      const v4f xs = *(const v4f_unaligned *)(x + i + 4 * q);
      const v4f ys = *(const v4f_unaligned *)(y + i + 4 * q);
      acc[q] += __builtin_convertvector(xs, v4d) * __builtin_convertvector(ys, v4d);
    }
  const v4d all = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  double sum = (all[0] + all[1]) + (all[2] + all[3]);
  for (; i < e; i++) sum += (double)x[i] * y[i];
  return sum;
}

#if GPUK_CPU_X86
/* The same sums with AVX2 intrinsics: GCC lowers dot_generic's float-to-double
 * conversions to two 128-bit halves each and keeps the multiply and the add
 * apart; this form (one vcvtps2pd per 4 floats, then FMA) read 10-25% faster
 * on one core of the 2-core EPYC VM, and `gpuk-bench reduce --device cpu`'s
 * dot went from 60-66% to 66-73% of the copy bandwidth. */
GPUK_TARGET_AVX2 static double dot_avx2(const float *x, const float *y, size_t b, size_t e) {
  __m256d acc[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(),
                    _mm256_setzero_pd()};
  size_t i = b;
  for (; i + 16 <= e; i += 16)
    for (int q = 0; q < 4; q++)
      acc[q] = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i + 4 * q)),
                               _mm256_cvtps_pd(_mm_loadu_ps(y + i + 4 * q)), acc[q]);
  double all[4];
  _mm256_storeu_pd(all,
                   _mm256_add_pd(_mm256_add_pd(acc[0], acc[1]), _mm256_add_pd(acc[2], acc[3])));
  double sum = (all[0] + all[1]) + (all[2] + all[3]);
  for (; i < e; i++) sum += (double)x[i] * y[i];
  return sum;
}
#else
#define dot_avx2 dot_generic /* never chosen: no AVX2 off x86 */
#endif

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
