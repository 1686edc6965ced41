/* Tiled matrix multiply C = alpha * op(A) * op(B) + beta * C, row-major, for the
 * OpenCL C subset that both GPU backends compile. A work-group of
 * NDIMC x MDIMC work-items (dimension 0 along n) computes an MWG x NWG tile of C;
 * each step stages a KWG-deep slice of op(A) and op(B) in local memory, and each
 * work-item accumulates (MWG/MDIMC) x (NWG/NDIMC) results in registers.
 * A work-item's rows come in groups of VWM adjacent rows, the groups strided by
 * MDIMC * VWM; its columns likewise (VWN, NDIMC), so that neighbouring
 * work-items touch neighbouring columns and every group is read from local
 * memory as one vector. Where a matrix is stored contiguously along a vector
 * (B and C along n, A^T along m) and the host says its rows are aligned
 * (VEC_A, VEC_B, VEC_C), global loads and stores are vectors too.
 * Edges are handled in place: loads outside the matrices read zero and stores
 * outside C are skipped, so any m, n, k work without padding.
 * Defines: MWG NWG KWG MDIMC NDIMC, VWM VWN (1, 2, 4, 8 or 16; at most 16 bytes
 * under CUDA, 64 in OpenCL),
 * TRANS_A TRANS_B (0/1), VEC_A VEC_B VEC_C (0/1: ld and offset multiples of the
 * vector width), GPUK_DOUBLE. */
#ifndef MWG
#define MWG 64
#endif
#ifndef NWG
#define NWG 64
#endif
#ifndef KWG
#define KWG 16
#endif
#ifndef MDIMC
#define MDIMC 16
#endif
#ifndef NDIMC
#define NDIMC 16
#endif
#ifndef VWM
#define VWM 1
#endif
#ifndef VWN
#define VWN 1
#endif
#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif
#ifndef VEC_A
#define VEC_A 0
#endif
#ifndef VEC_B
#define VEC_B 0
#endif
#ifndef VEC_C
#define VEC_C 0
#endif

#if GPUK_DOUBLE
#ifdef __OPENCL_VERSION__
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
typedef double real;
typedef double2 real2;
#ifdef __OPENCL_VERSION__
typedef double4 real4;
typedef double8 real8;
#endif
#else
typedef float real;
typedef float2 real2;
typedef float4 real4;
#ifdef __OPENCL_VERSION__
typedef float8 real8;
typedef float16 real16;
#endif
#endif
typedef real real1;

/* OpenCL C has arithmetic on vectors: there a work-item's results along n are
 * vectors of VWN (acc[wi][gj]), which PoCL turns into SIMD instructions (with
 * scalars it vectorised across work-items instead and reached half the speed
 * or less; see gemm_table.c). CUDA's vector types have no arithmetic, so
 * there they are scalars (acc[wi][gj * VWN + v]); the two hold the same
 * results. */
#ifdef __OPENCL_VERSION__
#define VECTOR_ACC 1
#else
#define VECTOR_ACC 0
#endif

/* Vectors of width 1, 2, 4, 8 or 16 (the last two, and 4 doubles, in OpenCL
 * only) through one set of names: realW, VLOADW(i, p) (the i-th W-element
 * vector at p), VSTOREW(x, i, p), ELEMW(vec, v) (element v, a compile-time
 * constant after unrolling). */
#define VLOAD1(i, p) ((p)[i])
#define VLOAD2(i, p) vload2(i, p)
#define VLOAD4(i, p) vload4(i, p)
#define VSTORE1(x, i, p) ((p)[i] = (x))
#define VSTORE2(x, i, p) vstore2(x, i, p)
#define VSTORE4(x, i, p) vstore4(x, i, p)
#define ELEM1(vec, v) (vec)
#define ELEM2(vec, v) ((v) == 0 ? (vec).x : (vec).y)
#define ELEM4(vec, v) ((v) == 0 ? (vec).x : (v) == 1 ? (vec).y : (v) == 2 ? (vec).z : (vec).w)
#define VLOAD8(i, p) vload8(i, p)
#define VSTORE8(x, i, p) vstore8(x, i, p)
#define VLOAD16(i, p) vload16(i, p)
#define VSTORE16(x, i, p) vstore16(x, i, p)
#define ELEM8(vec, v) ((v) < 4 ? ELEM4((vec).lo, (v)) : ELEM4((vec).hi, (v) - 4))
#define ELEM16(vec, v) ((v) < 8 ? ELEM8((vec).lo, (v)) : ELEM8((vec).hi, (v) - 8))
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define realM CAT(real, VWM)
#define realN CAT(real, VWN)
#define VLOAD_M CAT(VLOAD, VWM)
#define VLOAD_N CAT(VLOAD, VWN)
#define VSTORE_M CAT(VSTORE, VWM)
#define VSTORE_N CAT(VSTORE, VWN)
#define ELEM_M CAT(ELEM, VWM)
#define ELEM_N CAT(ELEM, VWN)

#define MWI (MWG / MDIMC)
#define NWI (NWG / NDIMC)
#define THREADS (MDIMC * NDIMC)
/* Local rows padded by one vector: aligned vectors, and no bank conflicts on
 * the transposing tile stores. */
#define PADM VWM
#define PADN VWN

/* op(A)(i, p) and op(B)(p, j) of the row-major stored matrices. */
#if TRANS_A
#define A_AT(i, p) a[(ulong)(p) * lda + (i)]
#else
#define A_AT(i, p) a[(ulong)(i) * lda + (p)]
#endif
#if TRANS_B
#define B_AT(p, j) b[(ulong)(j) * ldb + (p)]
#else
#define B_AT(p, j) b[(ulong)(p) * ldb + (j)]
#endif

__kernel void gpuk_gemm(const uint m, const uint n, const uint k, const real alpha,
                        const real beta, __global const real *restrict a, const ulong a_offset,
                        const uint lda, __global const real *restrict b, const ulong b_offset,
                        const uint ldb, __global real *c, const ulong c_offset, const uint ldc) {
  __local real a_tile[KWG][MWG + PADM] __attribute__((aligned(16)));
  __local real b_tile[KWG][NWG + PADN] __attribute__((aligned(16)));
  a += a_offset;
  b += b_offset;
  c += c_offset;
  const uint tn = (uint)get_local_id(0), tm = (uint)get_local_id(1);
  const uint tid = tm * NDIMC + tn;
  const uint row0 = (uint)get_group_id(1) * MWG, col0 = (uint)get_group_id(0) * NWG;

#if VECTOR_ACC
  realN acc[MWI][NWI / VWN];
#pragma unroll
  for (uint wi = 0; wi < MWI; wi++)
#pragma unroll
    for (uint wj = 0; wj < NWI / VWN; wj++) acc[wi][wj] = (realN)0;
#define ACC(wi, gj, v) ELEM_N(acc[wi][gj], v)
#else
  real acc[MWI][NWI];
#pragma unroll
  for (uint wi = 0; wi < MWI; wi++)
#pragma unroll
    for (uint wj = 0; wj < NWI; wj++) acc[wi][wj] = (real)0;
#define ACC(wi, gj, v) acc[wi][(gj) * VWN + (v)]
#endif

  for (uint p0 = 0; p0 < k; p0 += KWG) {
    /* Stage the slices; consecutive work-items read consecutive addresses of
     * whichever layout the matrix is stored in, a vector each where that
     * layout runs along the tile's vectors. */
#if TRANS_A
#pragma unroll
    for (uint e = tid; e < MWG / VWM * KWG; e += THREADS) {
      const uint i = e % (MWG / VWM) * VWM, p = e / (MWG / VWM);
      const uint gi = row0 + i, gp = p0 + p;
#if VEC_A && VWM > 1
      if (gp < k && gi + VWM <= m) {
        VSTORE_M(VLOAD_M(0, &A_AT(gi, gp)), 0, &a_tile[p][i]);
        continue;
      }
#endif
      /* Edges only (here and for B below): not unrolled, which takes a
       * quarter to a third off PoCL's compile time with 64-byte vectors
       * (same speed). */
#pragma unroll 1
      for (uint v = 0; v < VWM; v++)
        a_tile[p][i + v] = (gi + v < m && gp < k) ? A_AT(gi + v, gp) : (real)0;
    }
#else
#pragma unroll
    for (uint e = tid; e < MWG * KWG; e += THREADS) {
      const uint p = e % KWG, i = e / KWG;
      const uint gi = row0 + i, gp = p0 + p;
      a_tile[p][i] = (gi < m && gp < k) ? A_AT(gi, gp) : (real)0;
    }
#endif
#if TRANS_B
#pragma unroll
    for (uint e = tid; e < NWG * KWG; e += THREADS) {
      const uint p = e % KWG, j = e / KWG;
      const uint gj = col0 + j, gp = p0 + p;
      b_tile[p][j] = (gj < n && gp < k) ? B_AT(gp, gj) : (real)0;
    }
#else
#pragma unroll
    for (uint e = tid; e < NWG / VWN * KWG; e += THREADS) {
      const uint j = e % (NWG / VWN) * VWN, p = e / (NWG / VWN);
      const uint gj = col0 + j, gp = p0 + p;
#if VEC_B && VWN > 1
      if (gp < k && gj + VWN <= n) {
        VSTORE_N(VLOAD_N(0, &B_AT(gp, gj)), 0, &b_tile[p][j]);
        continue;
      }
#endif
#pragma unroll 1
      for (uint v = 0; v < VWN; v++)
        b_tile[p][j + v] = (gj + v < n && gp < k) ? B_AT(gp, gj + v) : (real)0;
    }
#endif
    barrier(CLK_LOCAL_MEM_FENCE);

#pragma unroll
    for (uint p = 0; p < KWG; p++) {
      real a_reg[MWI];
#pragma unroll
      for (uint gi = 0; gi < MWI / VWM; gi++) {
        const realM x = VLOAD_M(gi * MDIMC + tm, &a_tile[p][0]);
#pragma unroll
        for (uint v = 0; v < VWM; v++) a_reg[gi * VWM + v] = ELEM_M(x, v);
      }
#if VECTOR_ACC
      realN b_vec[NWI / VWN];
#pragma unroll
      for (uint gj = 0; gj < NWI / VWN; gj++) b_vec[gj] = VLOAD_N(gj * NDIMC + tn, &b_tile[p][0]);
#pragma unroll
      for (uint wi = 0; wi < MWI; wi++)
#pragma unroll
        for (uint gj = 0; gj < NWI / VWN; gj++)
          acc[wi][gj] = fma((realN)a_reg[wi], b_vec[gj], acc[wi][gj]);
#else
      real b_reg[NWI];
#pragma unroll
      for (uint gj = 0; gj < NWI / VWN; gj++) {
        const realN x = VLOAD_N(gj * NDIMC + tn, &b_tile[p][0]);
#pragma unroll
        for (uint v = 0; v < VWN; v++) b_reg[gj * VWN + v] = ELEM_N(x, v);
      }
#pragma unroll
      for (uint wi = 0; wi < MWI; wi++)
#pragma unroll
        for (uint wj = 0; wj < NWI; wj++) acc[wi][wj] = fma(a_reg[wi], b_reg[wj], acc[wi][wj]);
#endif
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  /* A barrier every work-group reaches, even with k = 0: without it PoCL 3.1
   * (pthread device) ran the stores below twice for work-item 0 when the group
   * was one work-item wide (NDIMC = 1) and k = 0 skipped the loop's barriers,
   * so beta scaled those rows twice (its work-item loops peel work-item 0 to
   * decide a loop with barriers, cf. pocl/pocl pull requests 1607 and 2182). */
  barrier(CLK_LOCAL_MEM_FENCE);

  /* beta == 0 must not read C: it may hold NaN. */
#pragma unroll
  for (uint wi = 0; wi < MWI; wi++) {
    const uint gi = row0 + (wi / VWM * MDIMC + tm) * VWM + wi % VWM;
    if (gi >= m) continue;
    __global real *row = c + (ulong)gi * ldc;
#pragma unroll
    for (uint gj = 0; gj < NWI / VWN; gj++) {
      const uint j = col0 + (gj * NDIMC + tn) * VWN;
#if VEC_C && VWN > 1 && VECTOR_ACC
      if (j + VWN <= n) {
        const realN r = alpha * acc[wi][gj];
        VSTORE_N(beta == (real)0 ? r : r + beta * VLOAD_N(0, row + j), 0, row + j);
        continue;
      }
#elif VEC_C && VWN > 1
      if (j + VWN <= n) {
        realN x;
        if (beta != (real)0) x = VLOAD_N(0, row + j);
#define GPUK_C_ELEM(v, field)                                                           \
  if ((v) < VWN)                                                                      \
    x.field = beta == (real)0 ? alpha * ACC(wi, gj, v)                                \
                              : alpha * ACC(wi, gj, v) + beta * x.field;
        GPUK_C_ELEM(0, x)
        GPUK_C_ELEM(1, y)
#if VWN == 4
        GPUK_C_ELEM(2, z)
        GPUK_C_ELEM(3, w)
#endif
#undef GPUK_C_ELEM
        VSTORE_N(x, 0, row + j);
        continue;
      }
#endif
      /* Unrolled only where acc is an array of scalars, which an index not
       * known when compiling would move out of registers (CUDA). */
#if VECTOR_ACC
#pragma unroll 1
#else
#pragma unroll
#endif
      for (uint v = 0; v < VWN; v++) {
        if (j + v < n) {
          const real r = alpha * ACC(wi, gj, v);
          row[j + v] = beta == (real)0 ? r : r + beta * row[j + v];
        }
      }
    }
  }
}
