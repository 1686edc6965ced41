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
 * read neighbouring addresses. On CPU drivers (PoCL) each work-item takes a
 * run of many (and WK = 1), held as vectors (below).
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

/* A work-item's run of RUN elements is held as NV vectors of VW. In OpenCL C,
 * which has arithmetic on vectors, VW is RUN up to 64 bytes, and PoCL turns
 * the vectors into SIMD instructions; with scalar runs it vectorised across
 * work-items instead, whose runs lie RUN elements or a row of Y apart, and
 * the dots form ran 2-12x slower (see src/core/gemm_skinny.c). Under CUDA
 * (vector types without arithmetic) and for runs of one, VW is 1. */
#if defined(__OPENCL_VERSION__) && RUN > 1
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#if GPUK_DOUBLE
#define REAL_NAME double
#define VW_MAX 8
#else
#define REAL_NAME float
#define VW_MAX 16
#endif
#if RUN > VW_MAX
#define VW VW_MAX
#else
#define VW RUN
#endif
typedef CAT(REAL_NAME, VW) realv;
#define VLOAD(c, ptr) CAT(vload, VW)(c, ptr)
#define VSTORE(v, c, ptr) CAT(vstore, VW)(v, c, ptr)
#else
#define VW 1
typedef real realv;
#define VLOAD(c, ptr) (ptr)[c]
#define VSTORE(v, c, ptr) ((ptr)[c] = (v))
#endif
#define NV (RUN / VW)
#if RUN % VW
#error "VW must divide RUN"
#endif

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
  /* The few vectors; those past few repeat the last. acc[f] is the run of
   * sums of vector f. */
  ulong x_row[FEW];
  realv acc[FEW][NV];
#pragma unroll
  for (uint f = 0; f < FEW; f++) {
    x_row[f] = (ulong)(f < few ? f : few - 1) * xs_f;
#pragma unroll
    for (uint c = 0; c < NV; c++) acc[f][c] = (realv)0;
  }
#if DOTS
  const uint lane = lid % WK, row = lid / WK;
  const uint l = (uint)get_group_id(0) * WL + row;
  /* The last run of a row, shorter than RUN, in scalars. */
  real tail[FEW];
#pragma unroll
  for (uint f = 0; f < FEW; f++) tail[f] = (real)0;
  if (l < len) {
    __global const real *yl = y + (ulong)l * ys;
    uint p = p_begin + lane * RUN;
    for (; p + RUN <= p_end; p += WK * RUN) {
      realv v[NV];
#pragma unroll
      for (uint c = 0; c < NV; c++) v[c] = VLOAD(c, yl + p);
#pragma unroll
      for (uint f = 0; f < FEW; f++)
#pragma unroll
        for (uint c = 0; c < NV; c++) acc[f][c] = fma(VLOAD(c, x + x_row[f] + p), v[c], acc[f][c]);
    }
#pragma unroll 1
    for (; p < p_end; p++) {
      const real v = yl[p];
#pragma unroll
      for (uint f = 0; f < FEW; f++) tail[f] = fma(x[x_row[f] + p], v, tail[f]);
    }
  }
  real sum[FEW];
#pragma unroll
  for (uint f = 0; f < FEW; f++) {
    real run[RUN];
#pragma unroll
    for (uint c = 0; c < NV; c++) VSTORE(acc[f][c], c, run);
    sum[f] = tail[f];
#pragma unroll
    for (uint j = 0; j < RUN; j++) sum[f] += run[j];
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
      realv v[NV];
#pragma unroll
      for (uint c = 0; c < NV; c++) v[c] = VLOAD(c, yp);
#pragma unroll
      for (uint f = 0; f < FEW; f++) {
        const realv xp = (realv)x[x_row[f] + (ulong)p * xs_p];
#pragma unroll
        for (uint c = 0; c < NV; c++) acc[f][c] = fma(xp, v[c], acc[f][c]);
      }
    }
#pragma unroll
    for (uint f = 0; f < FEW; f++) {
      real run[RUN];
#pragma unroll
      for (uint c = 0; c < NV; c++) VSTORE(acc[f][c], c, run);
#pragma unroll
      for (uint j = 0; j < RUN; j++)
        if (f < few && l0 + j >= start) STORE_SUM(f, l0 + j, run[j]);
    }
  }
#endif
}
