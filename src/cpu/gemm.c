/* The CPU backend's matrix multiply, organised like BLIS: each thread takes a
 * block of C's rows; for every KC-deep slice it packs alpha * op(A) into
 * MR-row slivers and op(B) into NR-column slivers, then a register-tiled
 * MR x NR micro-kernel (GCC vector extensions, an AVX2+FMA clone chosen at run
 * time) accumulates each tile of C. Written once for float and double through
 * the macro below. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "../core/gemm.h"
#include "cpu.h"

enum { MR = 6, KC = 256, NC = 2048, ROW_GRAIN = 48 };

typedef float v8f __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));

static int have_avx2_fma(void) {
#if defined(__x86_64__) || defined(__i386__)
  static int cached = -1;
  if (cached < 0) cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return cached;
#else
  return 0;
#endif
}

#if defined(__x86_64__) || defined(__i386__)
#define GPUK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define GPUK_TARGET_AVX2
#endif

/* Micro-kernel body: c_tile (MR x NR, row-major, NR = 2 vectors) =
 * sum over kc of a (MR per step) times b (NR per step). */
#define MICRO_KERNEL_BODY(T, V)                                                   \
  V acc[MR][2];                                                                   \
  memset(acc, 0, sizeof acc);                                                     \
  for (size_t p = 0; p < kc; p++) {                                               \
    const V b0 = ((const V *)b)[2 * p], b1 = ((const V *)b)[2 * p + 1];           \
    for (int r = 0; r < MR; r++) {                                                \
      const V ar = (V){0} + a[p * MR + r];                                        \
      acc[r][0] += ar * b0;                                                       \
      acc[r][1] += ar * b1;                                                       \
    }                                                                             \
  }                                                                               \
  memcpy(tile, acc, sizeof acc);

#define DEFINE_GEMM(T, V, SUFFIX)                                                                \
  enum { NR_##SUFFIX = 2 * (int)(sizeof(V) / sizeof(T)) };                                     \
                                                                                                 \
  static void micro_generic_##SUFFIX(size_t kc, const T *a, const T *b, T *tile) {              \
    MICRO_KERNEL_BODY(T, V)                                                                      \
  }                                                                                              \
  GPUK_TARGET_AVX2 static void micro_avx2_##SUFFIX(size_t kc, const T *a, const T *b, T *tile) { \
    MICRO_KERNEL_BODY(T, V)                                                                      \
  }                                                                                              \
                                                                                                 \
  typedef struct job_##SUFFIX {                                                                  \
    const gpuk__gemm_args *g;                                                                    \
    const T *a, *b;                                                                              \
    T *c;                                                                                        \
    atomic_int out_of_memory;                                                                    \
  } job_##SUFFIX;                                                                                \
                                                                                                 \
  /* Packs alpha * op(A)[i0 .. i0+mc, p0 .. p0+kc) into MR-row slivers, zero-padded. */         \
  static void pack_a_##SUFFIX(const job_##SUFFIX *j, size_t i0, size_t mc, size_t p0,            \
                              size_t kc, T *out) {                                               \
    const gpuk__gemm_args *g = j->g;                                                             \
    const T alpha = (T)g->alpha;                                                                 \
    for (size_t ir = 0; ir < mc; ir += MR)                                                       \
      for (size_t p = 0; p < kc; p++)                                                            \
        for (int r = 0; r < MR; r++) {                                                           \
          size_t i = i0 + ir + (size_t)r, q = p0 + p;                                            \
          T v = 0;                                                                               \
          if (ir + (size_t)r < mc)                                                               \
            v = g->trans_a ? j->a[q * g->lda + i] : j->a[i * g->lda + q];                        \
          *out++ = alpha * v;                                                                    \
        }                                                                                        \
  }                                                                                              \
                                                                                                 \
  /* Packs op(B)[p0 .. p0+kc, j0 .. j0+nc) into NR-column slivers, zero-padded. */              \
  static void pack_b_##SUFFIX(const job_##SUFFIX *j, size_t p0, size_t kc, size_t j0,            \
                              size_t nc, T *out) {                                               \
    const gpuk__gemm_args *g = j->g;                                                             \
    for (size_t jr = 0; jr < nc; jr += NR_##SUFFIX)                                              \
      for (size_t p = 0; p < kc; p++)                                                            \
        for (int x = 0; x < NR_##SUFFIX; x++) {                                                  \
          size_t col = j0 + jr + (size_t)x, q = p0 + p;                                          \
          T v = 0;                                                                               \
          if (jr + (size_t)x < nc)                                                               \
            v = g->trans_b ? j->b[col * g->ldb + q] : j->b[q * g->ldb + col];                    \
          *out++ = v;                                                                            \
        }                                                                                        \
  }                                                                                              \
                                                                                                 \
  static void rows_##SUFFIX(void *ctx, size_t begin, size_t end) {                               \
    const job_##SUFFIX *j = ctx;                                                                 \
    const gpuk__gemm_args *g = j->g;                                                             \
    const size_t n = g->n, k = g->k, ldc = g->ldc, mc = end - begin;                             \
    const T beta = (T)g->beta;                                                                   \
    for (size_t i = begin; i < end; i++) {                                                       \
      T *row = j->c + i * ldc;                                                                   \
      if (beta == (T)0)                                                                          \
        memset(row, 0, n * sizeof(T));                                                           \
      else if (beta != (T)1)                                                                     \
        for (size_t x = 0; x < n; x++) row[x] *= beta;                                           \
    }                                                                                            \
    if (k == 0) return;                                                                          \
    const size_t mc_pad = (mc + MR - 1) / MR * MR;                                               \
    const size_t nc_max = NC < n ? NC : n;                                                       \
    const size_t nc_pad = (nc_max + NR_##SUFFIX - 1) / NR_##SUFFIX * NR_##SUFFIX;                \
    T *ap = aligned_alloc(64, (mc_pad * KC * sizeof(T) + 63) / 64 * 64);                        \
    T *bp = aligned_alloc(64, (nc_pad * KC * sizeof(T) + 63) / 64 * 64);                        \
    void (*micro)(size_t, const T *, const T *, T *) =                                           \
        have_avx2_fma() ? micro_avx2_##SUFFIX : micro_generic_##SUFFIX;                          \
    _Alignas(64) T tile[MR * NR_##SUFFIX];                                                       \
    if (!ap || !bp) atomic_store(&((job_##SUFFIX *)ctx)->out_of_memory, 1);                      \
    for (size_t j0 = 0; ap && bp && j0 < n; j0 += NC) {                                          \
      const size_t nc = j0 + NC < n ? NC : n - j0;                                               \
      for (size_t p0 = 0; p0 < k; p0 += KC) {                                                    \
        const size_t kc = p0 + KC < k ? KC : k - p0;                                             \
        pack_b_##SUFFIX(j, p0, kc, j0, nc, bp);                                                  \
        pack_a_##SUFFIX(j, begin, mc, p0, kc, ap);                                               \
        for (size_t jr = 0; jr < nc; jr += NR_##SUFFIX) {                                        \
          const size_t w = nc - jr < NR_##SUFFIX ? nc - jr : NR_##SUFFIX;                        \
          for (size_t ir = 0; ir < mc; ir += MR) {                                               \
            const size_t h = mc - ir < MR ? mc - ir : MR;                                        \
            micro(kc, ap + ir * kc, bp + jr * kc, tile);                                         \
            for (size_t r = 0; r < h; r++) {                                                     \
              T *crow = j->c + (begin + ir + r) * ldc + j0 + jr;                                 \
              for (size_t x = 0; x < w; x++) crow[x] += tile[r * NR_##SUFFIX + x];               \
            }                                                                                    \
          }                                                                                      \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
    free(ap);                                                                                    \
    free(bp);                                                                                    \
  }                                                                                              \
                                                                                                 \
  static gpuk_status gemm_##SUFFIX(const gpuk__gemm_args *g) {                                   \
    job_##SUFFIX job = {g, (const T *)(const void *)gpuk__cpu_ptr(g->a) + g->a_offset,           \
                        (const T *)(const void *)gpuk__cpu_ptr(g->b) + g->b_offset,              \
                        (T *)(void *)gpuk__cpu_ptr(g->c) + g->c_offset, 0};                      \
    gpuk__cpu_parallel_for(g->m, ROW_GRAIN, rows_##SUFFIX, &job);                                \
    if (atomic_load(&job.out_of_memory))                                                         \
      return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "gemm: cannot allocate packing buffers"); \
    return GPUK_SUCCESS;                                                                         \
  }

DEFINE_GEMM(float, v8f, f32)
DEFINE_GEMM(double, v4d, f64)

static gpuk_status cpu_gemm(gpuk_stream *s, const gpuk__gemm_args *g) {
  (void)s;
  return g->dtype == GPUK_FLOAT64 ? gemm_f64(g) : gemm_f32(g);
}

void gpuk__cpu_fill_gemm_ops(gpuk_backend_ops *ops) { ops->gemm = cpu_gemm; }
