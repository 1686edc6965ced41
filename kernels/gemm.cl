/* Tiled matrix multiply C = alpha * op(A) * op(B) + beta * C, row-major, for the
 * OpenCL C subset that both GPU backends compile. A work-group of
 * NDIMC x MDIMC work-items (dimension 0 along n) computes an MWG x NWG tile of C;
 * each step stages a KWG-deep slice of op(A) and op(B) in local memory, and each
 * work-item accumulates (MWG/MDIMC) x (NWG/NDIMC) results in registers, strided
 * by MDIMC and NDIMC so that neighbouring work-items touch neighbouring columns.
 * Edges are handled in place: loads outside the matrices read zero and stores
 * outside C are skipped, so any m, n, k work without padding.
 * Defines: MWG NWG KWG MDIMC NDIMC, TRANS_A TRANS_B (0/1), GPUK_DOUBLE. */
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
#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif

#if GPUK_DOUBLE
#ifdef __OPENCL_VERSION__
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
typedef double real;
#else
typedef float real;
#endif

#define MWI (MWG / MDIMC)
#define NWI (NWG / NDIMC)
#define THREADS (MDIMC * NDIMC)
/* One column of padding keeps the transposing tile stores free of bank conflicts. */
#define PAD 1

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
  __local real a_tile[KWG][MWG + PAD];
  __local real b_tile[KWG][NWG + PAD];
  a += a_offset;
  b += b_offset;
  c += c_offset;
  const uint tn = (uint)get_local_id(0), tm = (uint)get_local_id(1);
  const uint tid = tm * NDIMC + tn;
  const uint row0 = (uint)get_group_id(1) * MWG, col0 = (uint)get_group_id(0) * NWG;

  real acc[MWI][NWI];
#pragma unroll
  for (uint wi = 0; wi < MWI; wi++)
#pragma unroll
    for (uint wj = 0; wj < NWI; wj++) acc[wi][wj] = (real)0;

  for (uint p0 = 0; p0 < k; p0 += KWG) {
    /* Stage the slices; consecutive work-items read consecutive addresses of
     * whichever layout the matrix is stored in. */
#pragma unroll
    for (uint e = tid; e < MWG * KWG; e += THREADS) {
#if TRANS_A
      const uint i = e % MWG, p = e / MWG;
#else
      const uint p = e % KWG, i = e / KWG;
#endif
      const uint gi = row0 + i, gp = p0 + p;
      a_tile[p][i] = (gi < m && gp < k) ? A_AT(gi, gp) : (real)0;
    }
#pragma unroll
    for (uint e = tid; e < NWG * KWG; e += THREADS) {
#if TRANS_B
      const uint p = e % KWG, j = e / KWG;
#else
      const uint j = e % NWG, p = e / NWG;
#endif
      const uint gj = col0 + j, gp = p0 + p;
      b_tile[p][j] = (gj < n && gp < k) ? B_AT(gp, gj) : (real)0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);

#pragma unroll
    for (uint p = 0; p < KWG; p++) {
      real a_reg[MWI], b_reg[NWI];
#pragma unroll
      for (uint wi = 0; wi < MWI; wi++) a_reg[wi] = a_tile[p][tm + wi * MDIMC];
#pragma unroll
      for (uint wj = 0; wj < NWI; wj++) b_reg[wj] = b_tile[p][tn + wj * NDIMC];
#pragma unroll
      for (uint wi = 0; wi < MWI; wi++)
#pragma unroll
        for (uint wj = 0; wj < NWI; wj++) acc[wi][wj] = fma(a_reg[wi], b_reg[wj], acc[wi][wj]);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }

#pragma unroll
  for (uint wi = 0; wi < MWI; wi++) {
    const uint gi = row0 + tm + wi * MDIMC;
#pragma unroll
    for (uint wj = 0; wj < NWI; wj++) {
      const uint gj = col0 + tn + wj * NDIMC;
      if (gi < m && gj < n) {
        __global real *out = c + (ulong)gi * ldc + gj;
        /* beta == 0 must not read C: it may hold NaN. */
        *out = beta == (real)0 ? alpha * acc[wi][wj] : alpha * acc[wi][wj] + beta * *out;
      }
    }
  }
}
