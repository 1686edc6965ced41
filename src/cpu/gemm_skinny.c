/* The CPU backend's matrix multiply for skinny products: C with at most
 * SKINNY_MAX rows or columns, a matrix times a few vectors. gemm.c's blocked
 * path would fill its MR x NR micro-tiles mostly with padding and read the
 * big operand in NR-wide strips across many rows; here the big operand
 * (op(B) when m is small, op(A) when n is small) streams through once, in
 * the form its storage suits:
 *  - rows form: its stored rows run along C's long side (B not transposed,
 *    or A transposed). Each of the few result rows is the sum of those rows
 *    scaled by the few operand's values, taken four rows at a time into
 *    two rows of a chunk of sums that stays in the cache (in registers
 *    where the long side fits one vector).
 *  - dots form: its stored rows run along k (A not transposed, or B
 *    transposed). Each result is the dot product of one such row with one
 *    of the few vectors, three rows and four vectors at a time (the few
 *    vectors first copied to run contiguously along k when they do not).
 *    With a short k and C's few columns side by side, each row of big
 *    meets all the few vectors at once instead, laid across the lanes.
 * Where both sides are few (at most SKINNY_MAX) and k is long, either can
 * be the long one: the one whose form reads both operands where they lie.
 * Threads split the long side; where it is too short to share, k is cut into
 * slices summed apart and then added in slice order. The slices depend on
 * the shape alone, so every result sums in the same order whatever the
 * thread count. Written once through macros for float and double and for
 * each vector width, like gemm.c. */
#include "gemm_skinny.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "cpu.h"
#include "scratch.h"

/* The long side a thread takes at least: enough elements of the big operand
 * to be worth a thread's start. */
#define MIN_ELEMENTS_PER_THREAD ((size_t)1 << 16)
/* k is cut into slices where the long side is shorter than SLICE_BELOW_LEN
 * (rows form) or DOTS_SLICE_BELOW_LEN (dots form), each slice at least
 * MIN_ELEMENTS_PER_THREAD elements of big, at most MAX_K_SLICES of them.
 * Threads that split short rows of big between them read it at half the
 * memory's speed or less (2-core EPYC, gpuk-bench matmul --device cpu
 * --shape S --trans nn, 4-6 rounds alternating: 2 x 64 x 1000000 22-52 ms
 * split by columns, 9.6-19 in slices of k; 1 x 64 x 1000000 21-30 against
 * 10-15; 3 x 100 x 300000 12-16 against 5.6-10). The dots form reads whole
 * rows of big per thread; slices there ran slower from 64 rows on (2-core
 * AVX-512 EPYC, --trans nt, 2 rounds: 2 x 64 x 1000000 6.3-10.3 ms against
 * 10.4-11.1 in slices, 16 x 200 x 100000 6.7-7.5 against 9.4-9.7), while a
 * few rows leave threads idle without them (1 x 1 x k is one row). */
enum { SLICE_BELOW_LEN = 256, DOTS_SLICE_BELOW_LEN = 64, MAX_K_SLICES = 64 };
/* Rows form: the long side is summed in chunks of this many bytes per row,
 * whose sums lie ROWS_CHUNK_BYTES + 64 apart (a power of two apart, they
 * would share the cache's sets with each other and with big's rows). */
enum { ROWS_CHUNK_BYTES = 16384 };

/* One skinny product, element type aside: the result's element (y, x), y <
 * few along the short side and x < len along the long one, is
 * alpha * sum over p < k of small(y, p) * big(x, p), plus beta times its old
 * value (unread when beta is 0). */
typedef struct skinny {
  size_t few, len, k;
  const void *big; /* big(x, p) at big[x * ld + p] (along_k) or big[p * ld + x] */
  size_t ld;
  int along_k;       /* dots form, else rows form */
  const void *small; /* small(y, p) at small[y * small_y + p * small_p] */
  size_t small_y, small_p;
  void *c; /* result (y, x) at c[y * c_y + x * c_x] */
  size_t c_y, c_x;
  double alpha, beta;
  atomic_int out_of_memory;
} skinny;

/* How a task runs through it: the rows form, the dots form, or the dots
 * form's variant for a k of at most ACROSS_MAX_K where C's few columns lie
 * side by side, the few across a vector's lanes (ACROSS_BODY). Forced onto
 * the skinny path at 20000 x 16 x 16 nn, the dots form took 8x the blocked
 * path's time, the across form 1.0x (2-core AVX-512 EPYC; at k = 32 the
 * across form 1.3-3.3x; skinny_wins takes it by shape to k = 8). */
typedef enum { FORM_ROWS, FORM_DOTS, FORM_ACROSS } skinny_form;
enum { ACROSS_MAX_K = 32 };

/* Whether a product read along k (along_k), its few results c_few apart in
 * C, with this k runs in the across form. */
static int runs_across(int along_k, size_t c_few, size_t k) {
  return along_k && c_few == 1 && k <= ACROSS_MAX_K;
}

static skinny_form form_of(const skinny *s) {
  if (runs_across(s->along_k, s->c_y, s->k)) return FORM_ACROSS;
  return s->along_k ? FORM_DOTS : FORM_ROWS;
}

/* Whether the rows form over v, a short long side, loses to the dots form
 * over the other side with its copy: float only, more than 4 rows of sums
 * (a pass of 8 over big) at most 3 wide, or more than 8 (two passes) at
 * most 4 wide, where the vectors' lanes mostly idle. Forced onto the skinny
 * path, k 20000 and 200000, the dots form took 0.4-0.9x the rows form's time
 * at 16 x 2, 16 x 3 and 16 x 4 (nn and tt) and 0.5-1.0x at 5-8 x 2 and 5-8 x
 * 3, but 0.9-1.5x at 4 x 2 and 8 x 4; for double 0.6-1.2x at k = 20000 and
 * 1.0-1.9x at 200000 (2-core AVX-512 EPYC, three rounds; README, "Which
 * few-vector products take the skinny path"). */
static int narrow_rows_lose(const gpuk__gemm_args *g, const gpuk__gemm_skinny_view *v) {
  return g->dtype == GPUK_FLOAT32 && ((v->few > 4 && v->len <= 3) || (v->few > 8 && v->len <= 4));
}

/* The product g as a skinny one: few along C's short side; where both sides
 * are short, the side that reads both operands where they lie, if one does
 * (tt with both few: the rows form over A, rather than the dots form over B
 * after a copy of A, as big as B where m = n), unless narrow_rows_lose.
 * *few_rows: whether few is m. */
static gpuk__gemm_skinny_view choose_view(const gpuk__gemm_args *g, int *few_rows) {
  *few_rows = g->m <= g->n;
  gpuk__gemm_skinny_view v = gpuk__gemm_skinny_view_of(g, *few_rows);
  if (gpuk__gemm_skinny_gathers_small(&v) && g->m <= GPUK_CPU_SKINNY_MAX &&
      g->n <= GPUK_CPU_SKINNY_MAX) {
    const gpuk__gemm_skinny_view other = gpuk__gemm_skinny_view_of(g, !*few_rows);
    if (!gpuk__gemm_skinny_gathers_small(&other) && !narrow_rows_lose(g, &other)) {
      v = other;
      *few_rows = !*few_rows;
    }
  }
  return v;
}

/* GPUK_CPU_GEMM_PATH's choice: 1 skinny, 0 blocked, -1 none (by shape). */
static int requested_path(void) {
  const char *env = getenv("GPUK_CPU_GEMM_PATH"); /* skinny or blocked, else ignored */
  if (env && strcmp(env, "skinny") == 0) return 1;
  if (env && strcmp(env, "blocked") == 0) return 0;
  return -1;
}

/* Whether the skinny path beats gemm.c's blocked one at g, seen as v (few
 * rows of C where few_rows), as timed on a 2-core AVX-512 EPYC (the blocked
 * path in AVX2 there, the skinny one in AVX-512), every transpose, float and
 * double, each path forced by GPUK_CPU_GEMM_PATH in alternate rounds (README,
 * "Which few-vector products take the skinny path"; times below are the
 * skinny path's over the blocked one's):
 *  - both sides few (a dot product, a Gram matrix of few columns): the
 *    blocked path's micro-tiles are mostly padding (8 x 8 x 1000000 nt 0.35);
 *  - the across form (few columns of C): k up to 3, or up to 8 on a long
 *    side of ACROSS_LONG_LEN (20000 x 16 x 3 nn 0.5, 100000 x 1 x 1 0.4,
 *    20000 x 8 x 8 0.75; 1000 x 5 x 8 1.4-1.6);
 *  - the dots form: k at least 64 per vector, below which the sums across
 *    each vector's lanes cost more than the products (20000 x 16 x 16 nn 8,
 *    20000 x 5 x 16 3; 4 x 1000 x 512 nt 0.3); more than 8 vectors only as
 *    rows of C (16 x 20000 x 1024 nt 0.4; 40 x 16 x 16384 nn 4.5); for
 *    double, 5-8 columns only with a big operand of DOTS_BIG_BYTES, where
 *    the blocked path's 8 columns of doubles are half filled or more (1000
 *    x 5 x 4096 nn 1.6, 2000 x 8 x 2048 1.3, 17 x 8 x 65536 nn 2.0, 63 x 8
 *    x 65536 nt 1.4; 17 x 8 x 65536 nt 0.85; from 64 MiB on 0.8-0.9: 4000
 *    x 8 x 2048, 10000 x 5 x 1024, 20000 x 5 x 1024; 2000 x 5 x 8192 1.1);
 *  - the rows form: at most 8 columns of C, or 4 rows, or 8 rows with a big
 *    operand of ROWS_BIG_BYTES (16 rows or columns: over 1 at 40 of 44
 *    float cases, up to 4.9; 5-8 rows: up to 2 on smaller ones, 5 x 4000 x
 *    1024 1.3-1.6, about 0.5 from 20 MB on, 5 x 20000 x 1024, 8 x 100000 x
 *    64; 12 and 16 rows: over 1 but at a long side of 100000).
 * By shape, the time over 96 shapes of few 1-16 came to 1.00x (float) and
 * 1.05x (double) the faster path's, geometric mean, against 1.43x and 1.34x
 * when the skinny path (with no across form) took every one. */
#define ROWS_BIG_BYTES ((size_t)16 << 20)
#define DOTS_BIG_BYTES ((size_t)64 << 20)
enum { ACROSS_LONG_LEN = 20000 }; /* measured at 1000 and 20000 only */
static int skinny_wins(const gpuk__gemm_args *g, const gpuk__gemm_skinny_view *v, int few_rows) {
  const size_t elem = g->dtype == GPUK_FLOAT64 ? sizeof(double) : sizeof(float);
  if (v->len <= GPUK_CPU_SKINNY_MAX) return 1;
  if (runs_across(v->along_k, v->c_f, g->k) &&
      (g->k <= 3 || (g->k <= 8 && v->len >= ACROSS_LONG_LEN)))
    return 1;
  const size_t big_bytes = v->len * g->k * elem;
  if (v->along_k) {
    if (g->k < 64 * v->few) return 0;
    if (few_rows || v->few <= 4) return 1;
    return v->few <= 8 && (elem == sizeof(float) || big_bytes >= DOTS_BIG_BYTES);
  }
  if (v->few <= 4) return 1;
  return v->few <= 8 && (!few_rows || big_bytes >= ROWS_BIG_BYTES);
}

/* Few rows or columns, and either a long side of GPUK_CPU_SKINNY_MIN_LEN or
 * a big operand of MIN_ELEMENTS_PER_THREAD (both sides few, k long: a dot
 * product, a Gram matrix X^T X of a few long columns), where gemm.c's
 * micro-tiles would be mostly padding: 1 x 1 x 4000000 took 41-105 ms there
 * against 0.83-0.94 here, 8 x 8 x 1000000 11-27 against 2.3-4.4, 1 x 63 x
 * 1000000 15-41 against 7.6-12 (2-core AVX-512 EPYC, three rounds, every
 * transpose; README). Shorter k stays there (16 x 63 x 2000: 0.07-0.13 ms
 * either way). Within those, skinny_wins decides, unless GPUK_CPU_GEMM_PATH
 * (skinny or blocked) asks for a path: then all of them take it. */
int gpuk__cpu_gemm_is_skinny(const gpuk__gemm_args *g) {
  const size_t few = g->m < g->n ? g->m : g->n, len = g->m < g->n ? g->n : g->m;
  if (g->k == 0 || few == 0 || few > GPUK_CPU_SKINNY_MAX) return 0;
  if (len < GPUK_CPU_SKINNY_MIN_LEN && len * g->k < MIN_ELEMENTS_PER_THREAD) return 0;
  const int requested = requested_path(); /* not before: getenv costs a small product */
  if (requested >= 0) return requested;
  int few_rows;
  const gpuk__gemm_skinny_view v = choose_view(g, &few_rows);
  return skinny_wins(g, &v, few_rows);
}

/* The product g, viewed as v, with the operands' addresses; elem: bytes per
 * element. */
static void plan(const gpuk__gemm_args *g, const gpuk__gemm_skinny_view *v, size_t elem,
                 skinny *s) {
  s->few = v->few;
  s->len = v->len;
  s->k = g->k;
  s->big = gpuk__cpu_ptr(v->big) + v->big_offset * elem;
  s->ld = v->big_ld;
  s->along_k = v->along_k;
  s->small = gpuk__cpu_ptr(v->small) + v->small_offset * elem;
  s->small_y = v->small_f;
  s->small_p = v->small_p;
  s->c = gpuk__cpu_ptr(g->c) + g->c_offset * elem;
  s->c_y = v->c_f;
  s->c_x = v->c_l;
  s->alpha = g->alpha;
  s->beta = g->beta;
  atomic_init(&s->out_of_memory, 0);
}

/* Result (y, x) = alpha * sum (+ beta * its old value). */
#define STORE_RESULT(T, s, y, x, sum)                                  \
  do {                                                                 \
    T *out_ = (T *)(s)->c + (y) * (s)->c_y + (x) * (s)->c_x;           \
    const T scaled_ = (T)(s)->alpha * (sum);                           \
    *out_ = (s)->beta == 0 ? scaled_ : scaled_ + (T)(s)->beta * *out_; \
  } while (0)

/* ROWS_ADD_FOUR's sums from v on, whole vectors of V at a time (v moves on;
 * the broadcasts of f only where one fits). */
#define ROWS_ADD_VECTORS(T, V, NY)                                                          \
  do {                                                                                      \
    enum { N = (int)(sizeof(V) / sizeof(T)) };                                              \
    if (v + N > w) break;                                                                   \
    V fv[NY][4];                                                                            \
    for (int j = 0; j < NY; j++)                                                            \
      for (int i = 0; i < 4; i++) fv[j][i] = f[j][i] - (V){0};                              \
    for (; v + N <= w; v += N) {                                                            \
      const V b0 = *(const V##_unaligned *)(r0 + v), b1 = *(const V##_unaligned *)(r1 + v); \
      const V b2 = *(const V##_unaligned *)(r2 + v), b3 = *(const V##_unaligned *)(r3 + v); \
      for (int j = 0; j < NY; j++) {                                                        \
        V sum = *(const V##_unaligned *)(o[j] + v);                                         \
        sum += fv[j][0] * b0;                                                               \
        sum += fv[j][1] * b1;                                                               \
        sum += fv[j][2] * b2;                                                               \
        sum += fv[j][3] * b3;                                                               \
        *(V##_unaligned *)(o[j] + v) = sum;                                                 \
      }                                                                                     \
    }                                                                                       \
  } while (0)

/* Rows form, one step: rows r0 .. r3 of big (p .. p + 3) scaled by
 * small(y + j, p .. p + 3) and added into the w sums of acc's row y + j, for
 * j < NY (2, or 1 for an odd last row: one row of sums per pass read big's
 * rows twice as often and ran 15-19% slower at 4-16 rows). The sums go a
 * vector of V at a time, then of V_HALF and of V_128 (128 bits) while whole
 * ones fit, then one at a time: a long side of 8 floats, all scalar with
 * AVX-512's 16, took 7.6-10.9 ms at 8 x 8 x 1000000 against 3.7-5.0 with
 * one half vector (2-core EPYC, nn/tn/tt). "x - 0" broadcasts x exactly (see
 * gemm.c). */
#define ROWS_ADD_FOUR(T, V, V_HALF, V_128, NY)             \
  do {                                                     \
    T f[NY][4];                                            \
    T *o[NY];                                              \
    for (int j = 0; j < NY; j++) {                         \
      const T *fy = small + (y + j) * s->small_y + p * sp; \
      for (int i = 0; i < 4; i++) f[j][i] = fy[i * sp];    \
      o[j] = acc + (y + j) * STRIDE;                       \
    }                                                      \
    size_t v = 0;                                          \
    ROWS_ADD_VECTORS(T, V, NY);                            \
    ROWS_ADD_VECTORS(T, V_HALF, NY);                       \
    ROWS_ADD_VECTORS(T, V_128, NY);                        \
    for (; v < w; v++)                                     \
      for (int j = 0; j < NY; j++) {                       \
        T sum = o[j][v];                                   \
        sum += f[j][0] * r0[v];                            \
        sum += f[j][1] * r1[v];                            \
        sum += f[j][2] * r2[v];                            \
        sum += f[j][3] * r3[v];                            \
        o[j][v] = sum;                                     \
      }                                                    \
  } while (0)

/* Rows form where [begin, end) fits one vector of V (both sides few, e.g.
 * 3 x 5 x 20000 or 8 x 8 x 1000000): rows y .. y + NY of sums stay in
 * registers, one load of big's row a step (a missing row of sums repeats
 * row y and is not stored). The chunks of sums in memory took twice as long
 * or more (2-core AVX-512 EPYC, three rounds: 3 x 5 x 20000 nn 54 -> 23 us,
 * 4 x 4 x 50000 tt 84 -> 38 us, 8 x 8 x 1000000 tn 2.27-2.30 -> 1.17-1.38
 * ms); two sets of sums over alternate rows of big ran slower (29 us). A
 * load takes LANES elements from begin on, past end into big's next ones
 * (more columns, the row's padding, the next row), which the rows before
 * p_vec can; the rest are added one at a time. */
#define ROWS_NARROW_PASS(T, V, NY)                                                           \
  do {                                                                                       \
    const T *fy[NY];                                                                         \
    for (int j = 0; j < NY; j++)                                                             \
      fy[j] = small + (y + ((size_t)j < s->few - y ? (size_t)j : 0)) * s->small_y;           \
    V sum[NY];                                                                               \
    for (int j = 0; j < NY; j++) sum[j] = (V){0};                                            \
    for (size_t p = 0; p < p_vec; p++) {                                                     \
      const V row = *(const V##_unaligned *)(big + p * ld + begin);                          \
      for (int j = 0; j < NY; j++) sum[j] += (fy[j][p * sp] - (V){0}) * row;                 \
    }                                                                                        \
    V##_unaligned sums[NY]; /* may_alias: read below as T */                                 \
    for (int j = 0; j < NY; j++) sums[j] = sum[j];                                           \
    for (size_t j = 0; j < NY && j < s->few - y; j++)                                        \
      for (size_t v = 0; v < w; v++) {                                                       \
        T total = ((const T *)&sums[j])[v];                                                  \
        for (size_t p = p_vec; p < k; p++) total += fy[j][p * sp] * big[p * ld + begin + v]; \
        STORE_RESULT(T, s, y + j, begin + v, total);                                         \
      }                                                                                      \
  } while (0)

/* ROWS_NARROW_PASS over every row of sums: passes of 8, the last of 2, 4 or 8. */
#define ROWS_NARROW(T, V)                                                           \
  do {                                                                              \
    const size_t w = end - begin, extent = k ? (k - 1) * ld + s->len : 0;           \
    size_t p_vec = extent >= begin + LANES ? (extent - begin - LANES) / ld + 1 : 0; \
    if (p_vec > k) p_vec = k;                                                       \
    for (size_t y = 0; y < s->few; y += 8) {                                        \
      if (s->few - y <= 2)                                                          \
        ROWS_NARROW_PASS(T, V, 2);                                                  \
      else if (s->few - y <= 4)                                                     \
        ROWS_NARROW_PASS(T, V, 4);                                                  \
      else                                                                          \
        ROWS_NARROW_PASS(T, V, 8);                                                  \
    }                                                                               \
  } while (0)

/* Rows form over x in [begin, end): chunks of w <= CHUNK of the long side,
 * each summed over all of k into acc (few rows, STRIDE apart), four rows of
 * big at a time by ROWS_ADD_FOUR, the last k % 4 one at a time. */
#define ROWS_BODY(T, V, V_HALF, V_128)                                                    \
  enum {                                                                                  \
    LANES = (int)(sizeof(V) / sizeof(T)),                                                 \
    CHUNK = ROWS_CHUNK_BYTES / sizeof(T),                                                 \
    STRIDE = CHUNK + 64 / sizeof(T)                                                       \
  };                                                                                      \
  skinny *s = ctx;                                                                        \
  const T *big = s->big, *small = s->small;                                               \
  const size_t ld = s->ld, k = s->k, sp = s->small_p;                                     \
  if (end - begin <= LANES) {                                                             \
    ROWS_NARROW(T, V);                                                                    \
    return;                                                                               \
  }                                                                                       \
  T *acc = gpuk__cpu_scratch_get(s->few * STRIDE * sizeof(T));                            \
  if (!acc) {                                                                             \
    atomic_store(&s->out_of_memory, 1);                                                   \
    return;                                                                               \
  }                                                                                       \
  for (size_t x0 = begin; x0 < end; x0 += CHUNK) {                                        \
    const size_t w = end - x0 < CHUNK ? end - x0 : CHUNK;                                 \
    memset(acc, 0, STRIDE * s->few * sizeof(T));                                          \
    size_t p = 0;                                                                         \
    for (; p + 4 <= k; p += 4) {                                                          \
      const T *r0 = big + p * ld + x0, *r1 = r0 + ld, *r2 = r1 + ld, *r3 = r2 + ld;       \
      size_t y = 0;                                                                       \
      for (; y + 2 <= s->few; y += 2) ROWS_ADD_FOUR(T, V, V_HALF, V_128, 2);              \
      if (y < s->few) ROWS_ADD_FOUR(T, V, V_HALF, V_128, 1); /* an odd last row of acc */ \
    }                                                                                     \
    for (; p < k; p++) {                                                                  \
      const T *r0 = big + p * ld + x0;                                                    \
      for (size_t y = 0; y < s->few; y++) {                                               \
        const T f0 = small[y * s->small_y + p * sp];                                      \
        const V v0 = f0 - (V){0};                                                         \
        T *o = acc + y * STRIDE;                                                          \
        size_t v = 0;                                                                     \
        for (; v + LANES <= w; v += LANES)                                                \
          *(V##_unaligned *)(o + v) += v0 * *(const V##_unaligned *)(r0 + v);             \
        for (; v < w; v++) o[v] += f0 * r0[v];                                            \
      }                                                                                   \
    }                                                                                     \
    for (size_t y = 0; y < s->few; y++)                                                   \
      for (size_t v = 0; v < w; v++) STORE_RESULT(T, s, y, x0 + v, acc[y * STRIDE + v]);  \
  }                                                                                       \
  gpuk__cpu_scratch_put(acc);

/* Dots form over x in [begin, end): rows x .. x + 2 of big against vectors y ..
 * y + 3 of small (contiguous along k here) at once, 12 sums of vectors that
 * with the three rows and one vector loaded fill the 16 vector registers of
 * SSE and AVX2 (7 loads per 12 products; 2 x 4 took 6 per 8 and ran about
 * 15% slower at 4096 x 16 x 4096 on a 2-core AVX2 EPYC). A missing row or vector
 * repeats the first, whose sums are not stored. */
#define DOTS_BODY(T, V, V_UNALIGNED)                                                  \
  enum { LANES = (int)(sizeof(V) / sizeof(T)), ROWS = 3, VECTORS = 4 };               \
  const skinny *s = ctx;                                                              \
  const T *big = s->big, *small = s->small;                                           \
  const size_t k = s->k, kv = k / LANES * LANES;                                      \
  for (size_t x = begin; x < end; x += ROWS) {                                        \
    const size_t rows = end - x < ROWS ? end - x : ROWS;                              \
    const T *xr[ROWS];                                                                \
    for (size_t r = 0; r < ROWS; r++) xr[r] = big + (x + (r < rows ? r : 0)) * s->ld; \
    for (size_t y = 0; y < s->few; y += VECTORS) {                                    \
      const size_t vectors = s->few - y < VECTORS ? s->few - y : VECTORS;             \
      const T *yv[VECTORS];                                                           \
      for (size_t q = 0; q < VECTORS; q++)                                            \
        yv[q] = small + (y + (q < vectors ? q : 0)) * s->small_y;                     \
      V acc[ROWS][VECTORS];                                                           \
      memset(acc, 0, sizeof acc);                                                     \
      for (size_t p = 0; p < kv; p += LANES) {                                        \
        V xl[ROWS], yl[VECTORS];                                                      \
        for (int r = 0; r < ROWS; r++) xl[r] = *(const V_UNALIGNED *)(xr[r] + p);     \
        for (int q = 0; q < VECTORS; q++) yl[q] = *(const V_UNALIGNED *)(yv[q] + p);  \
        for (int r = 0; r < ROWS; r++)                                                \
          for (int q = 0; q < VECTORS; q++) acc[r][q] += xl[r] * yl[q];               \
      }                                                                               \
      for (size_t r = 0; r < rows; r++)                                               \
        for (size_t q = 0; q < vectors; q++) {                                        \
          T lanes[LANES], sum = 0;                                                    \
          memcpy(lanes, &acc[r][q], sizeof lanes);                                    \
          for (int l = 0; l < LANES; l++) sum += lanes[l];                            \
          for (size_t p = kv; p < k; p++) sum += xr[r][p] * yv[q][p];                 \
          STORE_RESULT(T, s, y + q, x + r, sum);                                      \
        }                                                                             \
    }                                                                                 \
  }

/* Dots form with a short k where C's few columns lie side by side (c_y = 1,
 * few = n): each row x of big against all the few vectors at once, LANES of
 * them across a vector's lanes (small's values at each step p laid out so
 * first, zero past the few), k broadcasts of big's values and products a
 * row and no sums across lanes, which cost the dots form more than its
 * products at short k (see skinny_wins). */
#define ACROSS_BODY(T, V, V_UNALIGNED)                                                   \
  enum { LANES = (int)(sizeof(V) / sizeof(T)) };                                         \
  const skinny *s = ctx;                                                                 \
  const T *big = s->big, *small = s->small;                                              \
  const size_t k = s->k;                                                                 \
  for (size_t y0 = 0; y0 < s->few; y0 += LANES) {                                        \
    const size_t w = s->few - y0 < LANES ? s->few - y0 : LANES;                          \
    V across[ACROSS_MAX_K];                                                              \
    for (size_t p = 0; p < k; p++) {                                                     \
      T lanes[LANES];                                                                    \
      for (size_t j = 0; j < LANES; j++)                                                 \
        lanes[j] = j < w ? small[(y0 + j) * s->small_y + p * s->small_p] : 0;            \
      memcpy(&across[p], lanes, sizeof lanes);                                           \
    }                                                                                    \
    for (size_t x = begin; x < end; x++) {                                               \
      const T *row = big + x * s->ld;                                                    \
      V sum = (V){0};                                                                    \
      for (size_t p = 0; p < k; p++) sum += (row[p] - (V){0}) * across[p];               \
      T *out = (T *)s->c + x * s->c_x + y0; /* where c_y is 1 */                         \
      if (w == LANES && s->c_y == 1 && s->beta == 0) {                                   \
        *(V_UNALIGNED *)out = ((T)s->alpha - (V){0}) * sum;                              \
      } else {                                                                           \
        T lanes[LANES];                                                                  \
        memcpy(lanes, &sum, sizeof lanes);                                               \
        for (size_t j = 0; j < w; j++) STORE_RESULT(T, s, y0 + j, x, lanes[j]);          \
      }                                                                                  \
    }                                                                                    \
  }

/* A form's task, NAME_generic_SUFFIX and NAME_fast_SUFFIX: BODY built for
 * the baseline and as the TARGET clone. */
/* clang-format would read the bodies as braced initializers. */
/* clang-format off */
#define DEFINE_TASK(NAME, SUFFIX, TARGET, BODY)                                       \
  static void NAME##_generic_##SUFFIX(void *ctx, size_t begin, size_t end) { BODY }   \
  TARGET static void NAME##_fast_##SUFFIX(void *ctx, size_t begin, size_t end) { BODY }

/* Each form's task for one element type and vector width (V, then V_HALF and
 * V_128 for the rows form's last sums, see ROWS_ADD_FOUR), and the choice
 * among them. */
#define DEFINE_SKINNY(T, V, V_HALF, V_128, SUFFIX, TARGET)                       \
  DEFINE_TASK(rows, SUFFIX, TARGET, ROWS_BODY(T, V, V_HALF, V_128))              \
  DEFINE_TASK(dots, SUFFIX, TARGET, DOTS_BODY(T, V, V##_unaligned))              \
  DEFINE_TASK(across, SUFFIX, TARGET, ACROSS_BODY(T, V, V##_unaligned))          \
  static gpuk__cpu_range_fn task_##SUFFIX(skinny_form form, int fast) {          \
    if (form == FORM_ACROSS)                                                     \
      return fast ? across_fast_##SUFFIX : across_generic_##SUFFIX;              \
    if (form == FORM_DOTS) return fast ? dots_fast_##SUFFIX : dots_generic_##SUFFIX; \
    return fast ? rows_fast_##SUFFIX : rows_generic_##SUFFIX;                    \
  }
/* clang-format on */

DEFINE_SKINNY(float, v4f, v4f, v4f, f32_128, )
DEFINE_SKINNY(double, v2d, v2d, v2d, f64_128, )
DEFINE_SKINNY(float, v8f, v4f, v4f, f32_256, GPUK_TARGET_AVX2)
DEFINE_SKINNY(double, v4d, v2d, v2d, f64_256, GPUK_TARGET_AVX2)
DEFINE_SKINNY(float, v16f, v8f, v4f, f32_512, GPUK_TARGET_AVX512)
DEFINE_SKINNY(double, v8d, v4d, v2d, f64_512, GPUK_TARGET_AVX512)

static gpuk__cpu_range_fn task(gpuk__cpu_isa_kind isa, int f64, skinny_form form, int fast) {
  switch (isa) {
    case GPUK__CPU_AVX512:
      return f64 ? task_f64_512(form, fast) : task_f32_512(form, fast);
    case GPUK__CPU_AVX2:
      return f64 ? task_f64_256(form, fast) : task_f32_256(form, fast);
    default:
      return f64 ? task_f64_128(form, fast) : task_f32_128(form, fast);
  }
}

/* The product cut along k: part i is slice i alone, its sums (alpha 1, beta
 * 0) into partials[i * few * len ...], row y of them at y * len. */
typedef struct sliced {
  skinny *parts;
  gpuk__cpu_range_fn task;
} sliced;

static void run_slices(void *ctx, size_t begin, size_t end) {
  const sliced *sl = ctx;
  for (size_t i = begin; i < end; i++) sl->task(&sl->parts[i], 0, sl->parts[i].len);
}

/* How many slices of k s gets (1: none). */
static size_t k_slices(const skinny *s) {
  if ((s->along_k && s->len >= DOTS_SLICE_BELOW_LEN) || s->len >= SLICE_BELOW_LEN) return 1;
  const size_t per_slice = (MIN_ELEMENTS_PER_THREAD + s->len - 1) / s->len;
  size_t slices = s->k / per_slice;
  if (slices > MAX_K_SLICES) slices = MAX_K_SLICES;
  return slices > 1 ? slices : 1;
}

/* C = alpha * (the slices' sums of each element, in slice order) + beta * C
 * (in run_sliced). */
#define ADD_SLICES(T)                                                   \
  for (size_t y = 0; y < s->few; y++)                                   \
    for (size_t x = 0; x < s->len; x++) {                               \
      const T *first = (const T *)partials + y * s->len + x;            \
      T sum = 0;                                                        \
      for (size_t i = 0; i < slices; i++) sum += first[i * part_elems]; \
      STORE_RESULT(T, s, y, x, sum);                                    \
    }

/* s with k cut into `slices`, each through fn, then the slices' sums added
 * in order into C. */
static gpuk_status run_sliced(skinny *s, size_t slices, size_t elem, gpuk__cpu_range_fn fn) {
  const size_t part_elems = s->few * s->len, kc = (s->k + slices - 1) / slices;
  /* At most 64 x 16 x 255 sums, under 7% of the bytes of big the slices
   * read (each at least 64 Ki elements); allocated per call, since the
   * calling thread's scratch may be wanted by the rows form's task. */
  unsigned char *partials = malloc(slices * part_elems * elem);
  if (!partials)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "gemm: cannot allocate %zu bytes of sums",
                           slices * part_elems * elem);
  skinny parts[MAX_K_SLICES];
  for (size_t i = 0; i < slices; i++) {
    const size_t p0 = i * kc;
    skinny *part = &parts[i];
    *part = *s;
    atomic_init(&part->out_of_memory, 0);
    part->k = p0 < s->k ? (s->k - p0 < kc ? s->k - p0 : kc) : 0;
    part->big = (const unsigned char *)s->big + (s->along_k ? p0 : p0 * s->ld) * elem;
    part->small = (const unsigned char *)s->small + p0 * s->small_p * elem;
    part->c = partials + i * part_elems * elem;
    part->c_y = s->len;
    part->c_x = 1;
    part->alpha = 1;
    part->beta = 0;
  }
  sliced sl = {parts, fn};
  gpuk__cpu_parallel_for(slices, 1, run_slices, &sl);
  int out_of_memory = 0;
  for (size_t i = 0; i < slices; i++) out_of_memory |= atomic_load(&parts[i].out_of_memory);
  if (!out_of_memory) {
    if (elem == sizeof(double)) {
      ADD_SLICES(double);
    } else {
      ADD_SLICES(float);
    }
  }
  free(partials);
  if (out_of_memory)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "gemm: cannot allocate its sums");
  return GPUK_SUCCESS;
}

/* The copy of s's few vectors that the dots form reads along k (vector y at
 * y * k), made where they lie another way: one task per range of steps. */
typedef struct gathered {
  const skinny *s;
  void *to;
  int f64;
} gathered;

/* Steps [begin, end) of the copy, GATHER_BLOCK steps at a time. Where a copy
 * is needed the few values of one step lie side by side (small_p is not 1,
 * so small_y is), and a block of steps is a short run of small that stays in
 * the L1 cache while each vector's part of it is written out contiguously.
 * Read vector by vector over all of k, each vector was a pass over all of
 * small; written step by step, a step's few stores lay k elements apart, in
 * one cache set where k is a power of two (README, "Which few-vector
 * products take the skinny path"). */
enum { GATHER_BLOCK = 64 };
#define GATHER_STEPS(T, s, to, begin, end)                                                 \
  do {                                                                                     \
    for (size_t p0 = (begin); p0 < (end); p0 += GATHER_BLOCK) {                            \
      const size_t p1 = (end) - p0 < GATHER_BLOCK ? (end) : p0 + GATHER_BLOCK;             \
      for (size_t y = 0; y < (s)->few; y++) {                                              \
        const T *from = (const T *)(s)->small + y * (s)->small_y;                          \
        T *out = (T *)(to) + y * (s)->k;                                                   \
        for (size_t p = p0; p < p1; p++) out[p] = from[p * (s)->small_p];                  \
      }                                                                                    \
    }                                                                                      \
  } while (0)

static void gather_steps(void *ctx, size_t begin, size_t end) {
  const gathered *gt = ctx;
  if (gt->f64)
    GATHER_STEPS(double, gt->s, gt->to, begin, end);
  else
    GATHER_STEPS(float, gt->s, gt->to, begin, end);
}

gpuk_status gpuk__cpu_gemm_skinny(const gpuk__gemm_args *g, gpuk__cpu_isa_kind isa, int fast) {
  const int f64 = g->dtype == GPUK_FLOAT64;
  const size_t elem = f64 ? sizeof(double) : sizeof(float);
  int few_rows;
  const gpuk__gemm_skinny_view v = choose_view(g, &few_rows);
  skinny s;
  plan(g, &v, elem, &s);
  const skinny_form form = form_of(&s);
  /* The few vectors the dots form reads along k, copied so where they run
   * another way, into scratch kept between calls (the across form lays
   * them across its vectors itself). */
  void *copy = NULL;
  if (form == FORM_DOTS && gpuk__gemm_skinny_gathers_small(&v)) {
    copy = gpuk__cpu_scratch_get(s.few * s.k * elem);
    if (!copy)
      return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "gemm: cannot allocate %zu bytes",
                             s.few * s.k * elem);
    gathered gt = {&s, copy, f64};
    const size_t steps_per_thread = (MIN_ELEMENTS_PER_THREAD + s.few - 1) / s.few;
    gpuk__cpu_parallel_for(s.k, steps_per_thread, gather_steps, &gt);
    s.small = copy;
    s.small_y = s.k;
    s.small_p = 1;
  }
  const gpuk__cpu_range_fn fn = task(isa, f64, form, fast);
  const size_t slices = k_slices(&s);
  gpuk_status st = GPUK_SUCCESS;
  if (slices > 1) {
    st = run_sliced(&s, slices, elem, fn);
  } else {
    /* Rows of big per thread: MIN_ELEMENTS_PER_THREAD elements of it, and of
     * C in the across form (20000 x 16 x 3 nn took about 0.05 ms on one
     * thread, 0.028-0.030 on two; 2-core AVX-512 EPYC). */
    const size_t per_row = form == FORM_ACROSS ? s.k + s.few : s.k;
    const size_t grain = (MIN_ELEMENTS_PER_THREAD + per_row - 1) / per_row;
    gpuk__cpu_parallel_for(s.len, grain, fn, &s);
    if (atomic_load(&s.out_of_memory))
      st = gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "gemm: cannot allocate its sums");
  }
  gpuk__cpu_scratch_put(copy); /* NULL: nothing */
  return st;
}
