/* Matrix products with few rows or few columns (a matrix times at most 16
 * vectors), for the OpenCL C subset both GPU backends compile. The host
 * (src/core/gemm_skinny.c) states C = alpha * op(A) * op(B) + beta * C as
 *   Z(f, l) = alpha * sum over p < k of X(f, p) * Y(l, p) + beta * Z(f, l)
 * for f < few (the few vectors X), l < len (the big matrix Y, along C's long
 * side), with X(f, p) at x[f * xs_f + p * xs_p] and Z(f, l) at
 * z[f * zs_f + l * zs_l]. Y is read once, in one of two forms chosen by how
 * it is stored:
 * - rows (DOTS = 0): Y(l, p) at y[p * ys + l], contiguous along l. Work-item
 *   t of group g takes the RUN columns from l = (g * WG + t) * RUN (RUN <=
 *   len; the last run ends at len) and keeps FEW x RUN sums.
 * - dots (DOTS = 1): Y(l, p) at y[l * ys + p], contiguous along p, and X
 *   too (xs_p must be 1: the host copies strided vectors first). A group
 *   takes WG / WK rows of Y; the WK work-items of a row take runs of RUN
 *   elements in turn, and their sums meet in local memory.
 * GPUs take RUN = 1 (and WK = 32 in the dots form): neighbouring work-items
 * read neighbouring addresses. CPU drivers (PoCL) vectorise the innermost
 * loop, so there each work-item takes a run of many (and WK = 1).
 * Dimension 1 of the grid splits k into slices of kc: with one slice the
 * kernel applies alpha and beta and writes Z; with several, slice s writes its
 * sums to partials[(s * few + f) * len + l] and gpuk_gemm_skinny_sum
 * (gemm_skinny_steps.cl) adds the slices. beta == 0 never reads Z (it may
 * hold NaN).
 * Defines: FEW (vectors kept per work-item: few <= FEW; the sums of f >= few
 * repeat vector few - 1 and are dropped), DOTS, WG (work-items per group),
 * WK (dots form: work-items along a row; divides WG), RUN, GPUK_DOUBLE. */
#ifndef FEW
#define FEW 1
#endif
#ifndef DOTS
#define DOTS 0
#endif
#ifndef WG
#define WG 128
#endif
#ifndef WK
#define WK 32
#endif
#ifndef RUN
#define RUN 1
#endif
#if DOTS && (WG % WK)
#error "WK must divide WG"
#endif

#if GPUK_DOUBLE
#ifdef __OPENCL_VERSION__
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
typedef double real;
#else
typedef float real;
#endif

/* Rows of Y per group in the dots form. */
#define WL (WG / WK)

/* Stores the sum s of Z(f, l): the result, or this slice's partial. */
#define STORE_SUM(f, l, s)                                            \
  do {                                                                \
    if (slices == 1) {                                                \
      __global real *zp = z + (ulong)(f) * zs_f + (ulong)(l) * zs_l; \
      *zp = beta == (real)0 ? alpha * (s) : alpha * (s) + beta * *zp; \
    } else {                                                          \
      partials[((ulong)slice * few + (f)) * len + (l)] = (s);         \
    }                                                                 \
  } while (0)

/* acc[f][j] += X(f, at(j)) * v[j] over one run, v[j] = LOAD(j) (reading Y).
 * Two copies of a run: every element (the loads can be one vector), or only
 * the first `n` (the dots form's last run of a row). */
#define RUN_STEP(LOAD, X_AT)                                                        \
  do {                                                                              \
    real v[RUN];                                                                    \
    _Pragma("unroll") for (uint j = 0; j < RUN; j++) v[j] = LOAD(j);                \
    _Pragma("unroll") for (uint f = 0; f < FEW; f++) {                              \
      _Pragma("unroll") for (uint j = 0; j < RUN; j++) acc[f][j] =                  \
          fma(X_AT(f, j), v[j], acc[f][j]);                                         \
    }                                                                               \
  } while (0)
#define LOAD_ALL(j) yp[j]
#define LOAD_FIRST(j) ((j) < n ? yp[j] : (real)0)

__kernel void gpuk_gemm_skinny(const uint few, const uint len, const uint k, const uint kc,
                               const real alpha, const real beta,
                               __global const real *restrict x, const ulong x_offset,
                               const uint xs_f, const uint xs_p,
                               __global const real *restrict y, const ulong y_offset,
                               const uint ys, __global real *z, const ulong z_offset,
                               const uint zs_f, const uint zs_l, __global real *partials) {
  x += x_offset;
  y += y_offset;
  z += z_offset;
  const uint slice = (uint)get_group_id(1), slices = (uint)get_num_groups(1);
  const uint p_begin = slice * kc, p_end = min(k, p_begin + kc);
  const uint lid = (uint)get_local_id(0);
  /* The few vectors; those past few repeat the last. */
  ulong x_row[FEW];
  real acc[FEW][RUN];
#pragma unroll
  for (uint f = 0; f < FEW; f++) {
    x_row[f] = (ulong)(f < few ? f : few - 1) * xs_f;
#pragma unroll
    for (uint j = 0; j < RUN; j++) acc[f][j] = (real)0;
  }
#if DOTS
  const uint lane = lid % WK, row = lid / WK;
  const uint l = (uint)get_group_id(0) * WL + row;
  if (l < len) {
    __global const real *yl = y + (ulong)l * ys;
#define X_ALONG_P(f, j) x[x_row[f] + p + (j)]
#define X_ALONG_P_FIRST(f, j) ((j) < n ? X_ALONG_P(f, j) : (real)0)
    uint p = p_begin + lane * RUN;
    for (; p + RUN <= p_end; p += WK * RUN) {
      __global const real *yp = yl + p;
      RUN_STEP(LOAD_ALL, X_ALONG_P);
    }
    if (p < p_end) {
      __global const real *yp = yl + p;
      const uint n = p_end - p;
      RUN_STEP(LOAD_FIRST, X_ALONG_P_FIRST);
    }
#undef X_ALONG_P_FIRST
#undef X_ALONG_P
  }
  real sum[FEW];
#pragma unroll
  for (uint f = 0; f < FEW; f++) {
    sum[f] = acc[f][0];
#pragma unroll
    for (uint j = 1; j < RUN; j++) sum[f] += acc[f][j];
  }
#if WK == 1
#pragma unroll
  for (uint f = 0; f < FEW; f++)
    if (f < few && l < len) STORE_SUM(f, l, sum[f]);
#else
  /* Rows of WK sums padded by one, so that the work-items adding up a row
   * each (below) read different banks. */
  __local real sums[FEW * WL * (WK + 1)];
#pragma unroll
  for (uint f = 0; f < FEW; f++) sums[(f * WL + row) * (WK + 1) + lane] = sum[f];
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint o = lid; o < FEW * WL; o += WG) {
    const uint f = o / WL, lo = (uint)get_group_id(0) * WL + o % WL;
    real s = (real)0;
    for (uint j = 0; j < WK; j++) s += sums[o * (WK + 1) + j];
    if (f < few && lo < len) STORE_SUM(f, lo, s);
  }
#endif
#else
  /* Work-item t takes the run from start = t * RUN. The one that C's edge cuts
   * short starts RUN before the edge instead (the host keeps RUN <= len) and
   * stores only the elements past start: a run of loads under a mask would
   * cost a CPU driver more than the whole group's other runs. */
  const uint start = ((uint)get_group_id(0) * WG + lid) * RUN;
  if (start < len) {
    const uint l0 = min(start, len - RUN);
    for (uint p = p_begin; p < p_end; p++) {
      __global const real *yp = y + (ulong)p * ys + l0;
      real xp[FEW];
#pragma unroll
      for (uint f = 0; f < FEW; f++) xp[f] = x[x_row[f] + (ulong)p * xs_p];
#define X_AT_P(f, j) xp[f]
      RUN_STEP(LOAD_ALL, X_AT_P);
#undef X_AT_P
    }
#pragma unroll
    for (uint f = 0; f < FEW; f++)
#pragma unroll
      for (uint j = 0; j < RUN; j++)
        if (f < few && l0 + j >= start) STORE_SUM(f, l0 + j, acc[f][j]);
  }
#endif
}
