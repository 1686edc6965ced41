/* The CPU backend's matrix multiply, organised like BLIS: each thread takes a
 * tile of C (a grid of threads over rows and columns, see thread_grid; with
 * few tiles and a long k, also a slice of k, see k_slices); for
 * every KC-deep slice it packs its columns of op(B) into NR-column slivers
 * (or, with few rows, reads B where it lies: IN_PLACE_B_ROWS) and, MC rows
 * at a time (so that they stay in the L2 cache), alpha * op(A) into MR-row
 * slivers (or, with few columns, reads A where it lies and applies alpha to
 * the sums: IN_PLACE_A_COLS); a register-tiled MR x NR micro-kernel (GCC
 * vector extensions) adds each product straight into C. Written once through
 * the macro below for float and double and for each vector width, whose
 * layout and clone cpu_gemm picks at run time. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "../core/gemm.h"
#include "cpu.h"
#include "gemm_skinny.h"
#include "scratch.h"
#include "simd.h"

enum { MC = 96, KC = 256, NC = 2048, ROW_GRAIN = 48, COL_GRAIN = 64 };
/* A thread with at most this many rows reads B in place, one with at most
 * this many columns A (see tile_). */
enum { IN_PLACE_B_ROWS = 64, IN_PLACE_A_COLS = 64 };

/* How many threads along rows (*tr) and columns (*tc): as many of the
 * backend's `threads` (gpuk__cpu_threads) as can each keep at least ROW_GRAIN
 * rows and COL_GRAIN columns; among the grids with that many, the one where a
 * thread packs least (m / tr rows of A plus n / tc columns of B per slice;
 * with rows only, every thread would pack all of B). Ties go to more rows. */
static void thread_grid(size_t threads, size_t m, size_t n, size_t *tr, size_t *tc) {
  const size_t max_r = m / ROW_GRAIN ? m / ROW_GRAIN : 1, max_c = n / COL_GRAIN ? n / COL_GRAIN : 1;
  size_t best_used = 0;
  double best_cost = 0;
  *tr = *tc = 1;
  for (size_t r = 1; r <= threads && r <= max_r; r++) {
    size_t c = threads / r < max_c ? threads / r : max_c;
    const double cost = (double)m / (double)r + (double)n / (double)c;
    if (r * c > best_used || (r * c == best_used && cost <= best_cost)) {
      best_used = r * c;
      best_cost = cost;
      *tr = r;
      *tc = c;
    }
  }
}

/* A result with few tiles for the threads (m and n small, k long: a Gram
 * matrix X^T X of more than 16 columns; with at most 16 the skinny
 * path takes it, see gemm_skinny.c) also splits k into slices, each its own task
 * (slice 0 into C, the others into partial results added to C afterwards in
 * slice order, so a given thread count always sums alike): as many slices as
 * idle threads, each at least K_SLICE_MIN deep, the partials within
 * PARTIALS_MAX_BYTES. */
enum { K_SLICE_MIN = 4 * KC, ADD_ROW_GRAIN = 64 };
#define PARTIALS_MAX_BYTES ((size_t)32 << 20)
static size_t k_slices(size_t threads, size_t m, size_t n, size_t k, size_t grid, size_t elem) {
  size_t ks = threads > grid ? threads / grid : 1;
  if (ks > k / K_SLICE_MIN) ks = k / K_SLICE_MIN;
  const size_t result = m * n * elem;
  if (ks > 1 && result && ks - 1 > PARTIALS_MAX_BYTES / result)
    ks = PARTIALS_MAX_BYTES / result + 1;
  return ks ? ks : 1;
}

/* Split [0, total) into `parts` ranges whose bounds are multiples of `unit`. */
static void split_range(size_t total, size_t parts, size_t part, size_t unit, size_t *begin,
                        size_t *end) {
  const size_t units = (total + unit - 1) / unit;
  const size_t b = units * part / parts * unit, e = units * (part + 1) / parts * unit;
  *begin = b < total ? b : total;
  *end = e < total ? e : total;
}

/* Micro-kernel body: C[0 .. h, 0 .. w) (row stride ldc) += SCALE(the MR x NR
 * product of kc steps of A and B): A_AT(p, r) is row r's value at step p;
 * b holds NR = 2 vectors per step, ldb apart (NR when packed, B's own leading
 * dimension when read in place). "x - 0" broadcasts x exactly, so no
 * addition is emitted (x + 0 would be). */
#define MICRO_KERNEL_BODY(T, V, V_UNALIGNED, MR_, A_AT, SCALE)         \
  enum { LANES = (int)(sizeof(V) / sizeof(T)), MR = MR_ };             \
  V acc[MR_][2];                                                       \
  for (int r = 0; r < MR_; r++) acc[r][0] = acc[r][1] = (V){0};        \
  for (size_t p = 0; p < kc; p++) {                                    \
    const V b0 = *(const V_UNALIGNED *)(b + p * ldb);                  \
    const V b1 = *(const V_UNALIGNED *)(b + p * ldb + LANES);          \
    for (int r = 0; r < MR_; r++) {                                    \
      const V ar = (A_AT(p, r)) - (V){0};                              \
      acc[r][0] += ar * b0;                                            \
      acc[r][1] += ar * b1;                                            \
    }                                                                  \
  }                                                                    \
  for (int r = 0; r < MR_; r++) {                                      \
    acc[r][0] = SCALE(acc[r][0]);                                      \
    acc[r][1] = SCALE(acc[r][1]);                                      \
  }                                                                    \
  if (h == MR_ && w == 2 * LANES) {                                    \
    for (int r = 0; r < MR_; r++) {                                    \
      V_UNALIGNED *row = (V_UNALIGNED *)(c + (size_t)r * ldc);         \
      row[0] += acc[r][0];                                             \
      row[1] += acc[r][1];                                             \
    }                                                                  \
  } else {                                                             \
    V_UNALIGNED tile[MR_][2]; /* may_alias: read below as T */         \
    for (int r = 0; r < MR_; r++) {                                    \
      tile[r][0] = acc[r][0];                                          \
      tile[r][1] = acc[r][1];                                          \
    }                                                                  \
    for (size_t r = 0; r < h; r++) {                                   \
      T *row = c + r * ldc;                                            \
      const T *sums = (const T *)tile[r];                              \
      for (size_t x = 0; x < w; x++) row[x] += sums[x];                \
    }                                                                  \
  }

/* Packed A: MR values per step, alpha already applied. */
#define PACKED_A_AT(p, r) a[(p) * MR + (r)]
#define UNSCALED(x) (x)
/* A where it lies: row r of the micro-tile at a + row_at[r] (rows past h
 * repeat row 0, whose results are not stored), steps a_step apart; alpha
 * applied to the sums. */
#define STRIDED_A_AT(p, r) a[(p) * a_step + row_at[r]]
#define ALPHA_SCALED(x) (alpha_v * (x))

/* The body of the micro-kernel that reads A in place: what STRIDED_A_AT needs. */
#define STRIDED_MICRO_KERNEL_BODY(T, V, V_UNALIGNED, MR_)                  \
  size_t row_at[MR_];                                                      \
  for (size_t r = 0; r < MR_; r++) row_at[r] = (r < h ? r : 0) * a_row;    \
  const V alpha_v = alpha - (V){0};                                        \
  MICRO_KERNEL_BODY(T, V, V_UNALIGNED, MR_, STRIDED_A_AT, ALPHA_SCALED)

#define DEFINE_GEMM(T, V, SUFFIX, ROWS, TARGET)                                                    \
  enum { MR_##SUFFIX = ROWS, NR_##SUFFIX = 2 * (int)(sizeof(V) / sizeof(T)) };                     \
  _Static_assert(MC % ROWS == 0, "MC must be a multiple of MR");                                   \
  typedef void (*micro_fn_##SUFFIX)(size_t kc, const T *a, const T *b, size_t ldb, T *c,          \
                                    size_t ldc, size_t h, size_t w);                               \
  /* A read in place: step p of row r at a[p * a_step + r * a_row]. */                             \
  typedef void (*strided_micro_fn_##SUFFIX)(size_t kc, const T *a, size_t a_step, size_t a_row,    \
                                            T alpha, const T *b, size_t ldb, T *c, size_t ldc,     \
                                            size_t h, size_t w);                                   \
                                                                                                   \
  static void micro_generic_##SUFFIX(size_t kc, const T *a, const T *b, size_t ldb, T *c,          \
                                     size_t ldc, size_t h, size_t w) {                             \
    MICRO_KERNEL_BODY(T, V, V##_unaligned, ROWS, PACKED_A_AT, UNSCALED)                            \
  }                                                                                                \
  TARGET static void micro_fast_##SUFFIX(size_t kc, const T *a, const T *b, size_t ldb, T *c,      \
                                         size_t ldc, size_t h, size_t w) {                         \
    MICRO_KERNEL_BODY(T, V, V##_unaligned, ROWS, PACKED_A_AT, UNSCALED)                            \
  }                                                                                                \
  static void strided_micro_generic_##SUFFIX(size_t kc, const T *a, size_t a_step, size_t a_row,   \
                                             T alpha, const T *b, size_t ldb, T *c, size_t ldc,    \
                                             size_t h, size_t w) {                                 \
    STRIDED_MICRO_KERNEL_BODY(T, V, V##_unaligned, ROWS)                                           \
  }                                                                                                \
  TARGET static void strided_micro_fast_##SUFFIX(size_t kc, const T *a, size_t a_step,             \
                                                 size_t a_row, T alpha, const T *b, size_t ldb,    \
                                                 T *c, size_t ldc, size_t h, size_t w) {           \
    STRIDED_MICRO_KERNEL_BODY(T, V, V##_unaligned, ROWS)                                           \
  }                                                                                                \
                                                                                                   \
  typedef struct job_##SUFFIX {                                                                    \
    const gpuk__gemm_args *g;                                                                      \
    const T *a, *b;                                                                                \
    T *c;                                                                                          \
    size_t tr, tc; /* the thread grid */                                                           \
    size_t ks;     /* slices of k (see k_slices); slices 1.. go to partials */                     \
    T *partials;   /* ks - 1 results of m x n, row stride n */                                     \
    micro_fn_##SUFFIX micro;                                                                       \
    strided_micro_fn_##SUFFIX strided_micro;                                                       \
    atomic_int out_of_memory;                                                                      \
  } job_##SUFFIX;                                                                                  \
                                                                                                   \
  /* Packs alpha * op(A)[i0 .. i0+mc, p0 .. p0+kc) into MR-row slivers (step p                     \
   * of a sliver holds its MR rows' values of column p0 + p), zero-padded; each                    \
   * inner loop reads consecutive addresses. */                                                    \
  static void pack_a_##SUFFIX(const job_##SUFFIX *j, size_t i0, size_t mc, size_t p0, size_t kc,   \
                              T *out) {                                                            \
    const gpuk__gemm_args *g = j->g;                                                               \
    const T alpha = (T)g->alpha;                                                                   \
    const size_t lda = g->lda;                                                                     \
    enum { MR = MR_##SUFFIX };                                                                     \
    for (size_t ir = 0; ir < mc; ir += MR, out += MR * kc) {                                       \
      const size_t rows = mc - ir < MR ? mc - ir : MR;                                             \
      if (g->trans_a) { /* op(A)[i][q] = a[q * lda + i]: a step's rows are adjacent */             \
        for (size_t p = 0; p < kc; p++) {                                                          \
          const T *src = j->a + (p0 + p) * lda + i0 + ir;                                          \
          size_t r = 0;                                                                            \
          for (; r < rows; r++) out[p * MR + r] = alpha * src[r];                                  \
          for (; r < MR; r++) out[p * MR + r] = 0;                                                 \
        }                                                                                          \
      } else { /* op(A)[i][q] = a[i * lda + q]: a row's steps are adjacent */                      \
        for (size_t r = 0; r < MR; r++) {                                                          \
          const T *src = j->a + (i0 + ir + r) * lda + p0;                                          \
          if (r < rows)                                                                            \
            for (size_t p = 0; p < kc; p++) out[p * MR + r] = alpha * src[p];                      \
          else                                                                                     \
            for (size_t p = 0; p < kc; p++) out[p * MR + r] = 0;                                   \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
  }                                                                                                \
                                                                                                   \
  /* Packs op(B)[p0 .. p0+kc, j0 .. j0+nc) into NR-column slivers (step p of a                     \
   * sliver holds row p0 + p of its NR columns), zero-padded, reading                              \
   * consecutive addresses in each inner loop. */                                                  \
  static void pack_b_##SUFFIX(const job_##SUFFIX *j, size_t p0, size_t kc, size_t j0, size_t nc,   \
                              T *out) {                                                            \
    const gpuk__gemm_args *g = j->g;                                                               \
    const size_t ldb = g->ldb;                                                                     \
    enum { NR = NR_##SUFFIX };                                                                     \
    for (size_t jr = 0; jr < nc; jr += NR, out += NR * kc) {                                       \
      const size_t cols = nc - jr < NR ? nc - jr : NR;                                             \
      if (!g->trans_b) { /* op(B)[q][col] = b[q * ldb + col]: a step's columns are adjacent */     \
        for (size_t p = 0; p < kc; p++) {                                                          \
          const T *src = j->b + (p0 + p) * ldb + j0 + jr;                                          \
          size_t x = 0;                                                                            \
          for (; x < cols; x++) out[p * NR + x] = src[x];                                          \
          for (; x < NR; x++) out[p * NR + x] = 0;                                                 \
        }                                                                                          \
      } else { /* op(B)[q][col] = b[col * ldb + q]: a column's steps are adjacent */               \
        for (size_t x = 0; x < NR; x++) {                                                          \
          const T *src = j->b + (j0 + jr + x) * ldb + p0;                                          \
          if (x < cols)                                                                            \
            for (size_t p = 0; p < kc; p++) out[p * NR + x] = src[p];                              \
          else                                                                                     \
            for (size_t p = 0; p < kc; p++) out[p * NR + x] = 0;                                   \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
  }                                                                                                \
                                                                                                   \
  /* c[begin .. end, cb .. ce) (row stride ldc) = alpha * op(A) op(B) + beta * c over those rows   \
   * and columns and the steps k0 .. k1 of the shared dimension. */                                \
  static void tile_##SUFFIX(job_##SUFFIX *j, size_t begin, size_t end, size_t cb, size_t ce,       \
                            size_t k0, size_t k1, T *c, size_t ldc, T beta) {                      \
    const gpuk__gemm_args *g = j->g;                                                               \
    const size_t n = ce - cb;                                                                      \
    for (size_t i = begin; i < end; i++) {                                                         \
      T *row = c + i * ldc + cb;                                                                   \
      if (beta == (T)0)                                                                            \
        memset(row, 0, n * sizeof(T));                                                             \
      else if (beta != (T)1)                                                                       \
        for (size_t x = 0; x < n; x++) row[x] *= beta;                                             \
    }                                                                                              \
    if (k0 == k1 || n == 0 || begin == end) return;                                                \
    /* With few rows each sliver of packed B would serve few micro-kernel calls,                   \
     * so B, unless transposed, is then read in place (all but a last sliver                       \
     * narrower than NR, which is packed). */                                                      \
    const int in_place_b = !g->trans_b && end - begin <= IN_PLACE_B_ROWS;                          \
    /* Likewise with few columns each sliver of packed A would serve few calls,                    \
     * so A is read in place (the strided micro-kernel applies alpha). */                          \
    const int in_place_a = n <= IN_PLACE_A_COLS;                                                   \
    const size_t a_step = g->trans_a ? g->lda : 1, a_row = g->trans_a ? 1 : g->lda;                \
    /* One scratch block: packed A (MC x KC, a multiple of 64 bytes; none when                     \
     * read in place), then packed B. */                                                           \
    const size_t nc_max = NC < n ? NC : n;                                                         \
    const size_t nc_pad = (nc_max + NR_##SUFFIX - 1) / NR_##SUFFIX * NR_##SUFFIX;                  \
    const size_t a_bytes = in_place_a ? 0 : (size_t)MC * KC * sizeof(T);                           \
    T *ap = gpuk__cpu_scratch_get(a_bytes + nc_pad * KC * sizeof(T));                              \
    T *bp = ap ? ap + a_bytes / sizeof(T) : NULL;                                                  \
    if (!ap) atomic_store(&j->out_of_memory, 1);                                                   \
    for (size_t j0 = cb; ap && j0 < ce; j0 += NC) {                                                \
      const size_t nc = j0 + NC < ce ? NC : ce - j0;                                               \
      for (size_t p0 = k0; p0 < k1; p0 += KC) {                                                    \
        const size_t kc = p0 + KC < k1 ? KC : k1 - p0;                                             \
        const size_t in_place = in_place_b ? nc / NR_##SUFFIX * NR_##SUFFIX : 0;                   \
        pack_b_##SUFFIX(j, p0, kc, j0 + in_place, nc - in_place, bp + in_place * kc);              \
        for (size_t i0 = begin; i0 < end; i0 += MC) {                                              \
          const size_t mc = end - i0 < MC ? end - i0 : MC;                                         \
          if (!in_place_a) pack_a_##SUFFIX(j, i0, mc, p0, kc, ap);                                 \
          for (size_t jr = 0; jr < nc; jr += NR_##SUFFIX) {                                        \
            const size_t w = nc - jr < NR_##SUFFIX ? nc - jr : NR_##SUFFIX;                        \
            const T *bs = jr < in_place ? j->b + p0 * g->ldb + j0 + jr : bp + jr * kc;             \
            const size_t bs_ld = jr < in_place ? g->ldb : NR_##SUFFIX;                             \
            for (size_t ir = 0; ir < mc; ir += MR_##SUFFIX) {                                      \
              const size_t h = mc - ir < MR_##SUFFIX ? mc - ir : MR_##SUFFIX;                      \
              T *cs = c + (i0 + ir) * ldc + j0 + jr;                                               \
              if (in_place_a)                                                                      \
                j->strided_micro(kc, j->a + p0 * a_step + (i0 + ir) * a_row, a_step, a_row,        \
                                 (T)g->alpha, bs, bs_ld, cs, ldc, h, w);                           \
              else                                                                                 \
                j->micro(kc, ap + ir * kc, bs, bs_ld, cs, ldc, h, w);                              \
            }                                                                                      \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    gpuk__cpu_scratch_put(ap);                                                                     \
  }                                                                                                \
                                                                                                   \
  /* Tasks [begin, end): slice of k (outer), then the thread grid, row-major.                      \
   * Slice 0 goes to C with beta, the others to their partials. */                                 \
  static void tiles_##SUFFIX(void *ctx, size_t begin, size_t end) {                                \
    job_##SUFFIX *j = ctx;                                                                         \
    const gpuk__gemm_args *g = j->g;                                                               \
    const size_t grid = j->tr * j->tc;                                                             \
    for (size_t t = begin; t < end; t++) {                                                         \
      const size_t slice = t / grid, u = t % grid;                                                 \
      size_t rb, re, cb, ce, k0, k1;                                                               \
      split_range(g->m, j->tr, u / j->tc, MR_##SUFFIX, &rb, &re);                                  \
      split_range(g->n, j->tc, u % j->tc, NR_##SUFFIX, &cb, &ce);                                  \
      split_range(g->k, j->ks, slice, KC, &k0, &k1);                                               \
      if (slice == 0)                                                                              \
        tile_##SUFFIX(j, rb, re, cb, ce, k0, k1, j->c, g->ldc, (T)g->beta);                        \
      else                                                                                         \
        tile_##SUFFIX(j, rb, re, cb, ce, k0, k1, j->partials + (slice - 1) * g->m * g->n, g->n,    \
                      (T)0);                                                                       \
    }                                                                                              \
  }                                                                                                \
                                                                                                   \
  /* Rows [begin, end) of C += the partials, in slice order. */                                    \
  static void add_partials_##SUFFIX(void *ctx, size_t begin, size_t end) {                         \
    const job_##SUFFIX *j = ctx;                                                                   \
    const size_t m = j->g->m, n = j->g->n;                                                         \
    for (size_t i = begin; i < end; i++) {                                                         \
      T *row = j->c + i * j->g->ldc;                                                               \
      for (size_t s = 0; s + 1 < j->ks; s++) {                                                     \
        const T *part = j->partials + s * m * n + i * n;                                           \
        for (size_t x = 0; x < n; x++) row[x] += part[x];                                          \
      }                                                                                            \
    }                                                                                              \
  }                                                                                                \
                                                                                                   \
  /* fast: the machine runs the TARGET clone of the micro-kernel. */                               \
  static gpuk_status gemm_##SUFFIX(const gpuk__gemm_args *g, int fast) {                           \
    job_##SUFFIX job = {g,                                                                         \
                        (const T *)(const void *)gpuk__cpu_ptr(g->a) + g->a_offset,                \
                        (const T *)(const void *)gpuk__cpu_ptr(g->b) + g->b_offset,                \
                        (T *)(void *)gpuk__cpu_ptr(g->c) + g->c_offset,                            \
                        1,                                                                         \
                        1,                                                                         \
                        1,                                                                         \
                        NULL,                                                                      \
                        fast ? micro_fast_##SUFFIX : micro_generic_##SUFFIX,                       \
                        fast ? strided_micro_fast_##SUFFIX : strided_micro_generic_##SUFFIX,       \
                        0};                                                                        \
    const size_t threads = gpuk__cpu_threads(); /* read once: it looks up the environment */       \
    thread_grid(threads, g->m, g->n, &job.tr, &job.tc);                                            \
    job.ks = k_slices(threads, g->m, g->n, g->k, job.tr * job.tc, sizeof(T));                      \
    if (job.ks > 1) job.partials = malloc((job.ks - 1) * g->m * g->n * sizeof(T));                 \
    if (!job.partials) job.ks = 1;                                                                 \
    gpuk__cpu_parallel_for(job.ks * job.tr * job.tc, 1, tiles_##SUFFIX, &job);                     \
    if (job.ks > 1 && !atomic_load(&job.out_of_memory))                                            \
      gpuk__cpu_parallel_for(g->m, ADD_ROW_GRAIN, add_partials_##SUFFIX, &job);                    \
    free(job.partials);                                                                            \
    if (atomic_load(&job.out_of_memory))                                                           \
      return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "gemm: cannot allocate packing buffers");   \
    return GPUK_SUCCESS;                                                                           \
  }

/* One layout per vector width, each MR x (2 vectors) per micro-kernel call:
 * 128-bit (the baseline: SSE2, NEON) 6 x 8 floats or 6 x 4 doubles, 12
 * accumulators of 16 registers (its "fast" clone is the baseline one); 256-bit
 * (AVX2) 6 x 16 or 6 x 8, again 12 of 16; 512-bit (AVX-512) 12 x 32 or 12 x 16,
 * 24 of 32. */
DEFINE_GEMM(float, v4f, f32_128, 6, )
DEFINE_GEMM(double, v2d, f64_128, 6, )
DEFINE_GEMM(float, v8f, f32_256, 6, GPUK_TARGET_AVX2)
DEFINE_GEMM(double, v4d, f64_256, 6, GPUK_TARGET_AVX2)
DEFINE_GEMM(float, v16f, f32_512, 12, GPUK_TARGET_AVX512)
DEFINE_GEMM(double, v8d, f64_512, 12, GPUK_TARGET_AVX512)

/* The layout follows gpuk__cpu_blocked_gemm_isa() (the skinny path's
 * gpuk__cpu_isa(); GPUK_CPU_ISA can ask for one); its clone for that
 * instruction set runs where the machine has it, the baseline build of the
 * same source elsewhere. */
static gpuk_status cpu_gemm(gpuk_stream *s, const gpuk__gemm_args *g) {
  (void)s;
  const int f64 = g->dtype == GPUK_FLOAT64;
  if (gpuk__cpu_gemm_is_skinny(g)) {
    const gpuk__cpu_isa_kind isa = gpuk__cpu_isa();
    return gpuk__cpu_gemm_skinny(g, isa, gpuk__cpu_runs(isa));
  }
  const gpuk__cpu_isa_kind isa = gpuk__cpu_blocked_gemm_isa();
  const int fast = gpuk__cpu_runs(isa);
  switch (isa) {
    case GPUK__CPU_AVX512:
      return f64 ? gemm_f64_512(g, fast) : gemm_f32_512(g, fast);
    case GPUK__CPU_AVX2:
      return f64 ? gemm_f64_256(g, fast) : gemm_f32_256(g, fast);
    default:
      return f64 ? gemm_f64_128(g, fast) : gemm_f32_128(g, fast);
  }
}

void gpuk__cpu_fill_gemm_ops(gpuk_backend_ops *ops) {
  ops->gemm = cpu_gemm;
}
