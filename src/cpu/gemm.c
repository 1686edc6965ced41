/* The CPU backend's matrix multiply: op(B) is packed once into a contiguous
 * row-major panel, then threads take blocks of C's rows and run a 4-row
 * micro-kernel over cache-sized blocks of k and n whose inner loop over
 * columns the compiler vectorises. Written once for float and double through
 * the macro at the bottom. */
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "../core/gemm.h"
#include "cpu.h"

enum { ROWS = 4, KB = 256, NB = 512, ROW_GRAIN = 16 };

#define DEFINE_GEMM(T, SUFFIX)                                                                \
  typedef struct gemm_job_##SUFFIX {                                                          \
    const gpuk__gemm_args *g;                                                                 \
    const T *a;                                                                               \
    const T *bp; /* packed op(B), k x n */                                                    \
    T *c;                                                                                     \
  } gemm_job_##SUFFIX;                                                                        \
                                                                                              \
  static inline T a_at_##SUFFIX(const gemm_job_##SUFFIX *j, size_t i, size_t p) {             \
    return j->g->trans_a ? j->a[p * j->g->lda + i] : j->a[i * j->g->lda + p];                 \
  }                                                                                           \
                                                                                              \
  static void gemm_rows_##SUFFIX(void *ctx, size_t begin, size_t end) {                       \
    const gemm_job_##SUFFIX *j = ctx;                                                         \
    const gpuk__gemm_args *g = j->g;                                                          \
    const size_t n = g->n, k = g->k, ldc = g->ldc;                                            \
    const T alpha = (T)g->alpha, beta = (T)g->beta;                                           \
    for (size_t i = begin; i < end; i++) {                                                    \
      T *row = j->c + i * ldc;                                                                \
      if (beta == (T)0)                                                                       \
        memset(row, 0, n * sizeof(T));                                                        \
      else if (beta != (T)1)                                                                  \
        for (size_t x = 0; x < n; x++) row[x] *= beta;                                        \
    }                                                                                         \
    for (size_t p0 = 0; p0 < k; p0 += KB) {                                                   \
      const size_t p1 = p0 + KB < k ? p0 + KB : k;                                            \
      for (size_t j0 = 0; j0 < n; j0 += NB) {                                                 \
        const size_t w = j0 + NB < n ? NB : n - j0;                                           \
        size_t i = begin;                                                                     \
        for (; i + ROWS <= end; i += ROWS) {                                                  \
          T *restrict c0 = j->c + i * ldc + j0, *restrict c1 = c0 + ldc;                     \
          T *restrict c2 = c1 + ldc, *restrict c3 = c2 + ldc;                                 \
          for (size_t p = p0; p < p1; p++) {                                                  \
            const T *restrict b = j->bp + p * n + j0;                                         \
            const T a0 = alpha * a_at_##SUFFIX(j, i, p), a1 = alpha * a_at_##SUFFIX(j, i + 1, p); \
            const T a2 = alpha * a_at_##SUFFIX(j, i + 2, p), a3 = alpha * a_at_##SUFFIX(j, i + 3, p); \
            for (size_t x = 0; x < w; x++) {                                                  \
              const T bx = b[x];                                                              \
              c0[x] += a0 * bx;                                                               \
              c1[x] += a1 * bx;                                                               \
              c2[x] += a2 * bx;                                                               \
              c3[x] += a3 * bx;                                                               \
            }                                                                                 \
          }                                                                                   \
        }                                                                                     \
        for (; i < end; i++) {                                                                \
          T *restrict c0 = j->c + i * ldc + j0;                                               \
          for (size_t p = p0; p < p1; p++) {                                                  \
            const T *restrict b = j->bp + p * n + j0;                                         \
            const T a0 = alpha * a_at_##SUFFIX(j, i, p);                                      \
            for (size_t x = 0; x < w; x++) c0[x] += a0 * b[x];                                \
          }                                                                                   \
        }                                                                                     \
      }                                                                                       \
    }                                                                                         \
  }                                                                                           \
                                                                                              \
  static gpuk_status gemm_##SUFFIX(const gpuk__gemm_args *g) {                                \
    const size_t n = g->n, k = g->k;                                                          \
    T *bp = k ? malloc(k * n * sizeof(T)) : NULL;                                             \
    if (k && !bp)                                                                             \
      return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY,                                        \
                             "gemm: cannot allocate %zu bytes to pack b", k * n * sizeof(T)); \
    const T *b = (const T *)(const void *)gpuk__cpu_ptr(g->b) + g->b_offset;                  \
    for (size_t p = 0; p < k; p++)                                                            \
      for (size_t x = 0; x < n; x++) bp[p * n + x] = g->trans_b ? b[x * g->ldb + p] : b[p * g->ldb + x]; \
    gemm_job_##SUFFIX job = {g, (const T *)(const void *)gpuk__cpu_ptr(g->a) + g->a_offset, bp, \
                             (T *)(void *)gpuk__cpu_ptr(g->c) + g->c_offset};                \
    gpuk__cpu_parallel_for(g->m, ROW_GRAIN, gemm_rows_##SUFFIX, &job);                        \
    free(bp);                                                                                 \
    return GPUK_SUCCESS;                                                                      \
  }

DEFINE_GEMM(float, f32)
DEFINE_GEMM(double, f64)

static gpuk_status cpu_gemm(gpuk_stream *s, const gpuk__gemm_args *g) {
  (void)s;
  return g->dtype == GPUK_FLOAT64 ? gemm_f64(g) : gemm_f32(g);
}

void gpuk__cpu_fill_gemm_ops(gpuk_backend_ops *ops) { ops->gemm = cpu_gemm; }
