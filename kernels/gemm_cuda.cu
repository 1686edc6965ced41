/* CUDA-only SGEMM C = alpha * op(A) * op(B) + beta * C, row-major, compiled by
 * NVRTC (the portable kernels/gemm.cl stays the reference on every backend).
 *
 * A block of THREADS = MDIMC * NDIMC threads computes an MWG x NWG tile of C;
 * each thread owns a TM x TN sub-tile (TM = MWG / MDIMC, TN = NWG / NDIMC,
 * each 4, 8 or 16) made of 4 x 4 quadrants: rows q * 4*MDIMC + 4*tm and
 * columns q * 4*NDIMC + 4*tn, so that its shared-memory reads are float4 and
 * a warp's reads fall on distinct banks. The K loop is double-buffered: while
 * the block multiplies the KWG-deep slices in one shared-memory buffer, each
 * thread's loads of the next slices are in flight into registers, then stored
 * into the other buffer (one barrier per slice). op(A) is staged k-major
 * (transposed when A is not), padded by 4 so the transposing stores do not
 * collide on banks. 8 x 8 tiles run two blocks of 256 threads per SM (128
 * registers); 16 x 8 and 8 x 16 tiles one block with up to 255 registers,
 * the shape cuBLAS's FFMA kernels take on Hopper.
 *
 * Edges are handled in place: loads outside the matrices read zero, stores
 * outside C are skipped. VEC_A / VEC_B / VEC_C (0/1) allow float4 global
 * accesses: the host sets them only when the leading dimension and offset of
 * that matrix are multiples of 4 (the buffer itself is 256-byte aligned).
 * STAGES >= 3 (sm_80 and later; not yet run on a GPU, default 2) replaces
 * the register-staged double buffer with a cp.async pipeline of STAGES
 * shared-memory buffers: the copies of slice s + STAGES - 1 go straight to
 * shared memory while slice s is multiplied, with no registers or stores of
 * the thread's own (elements of a row of op(A) go one by one, 4 bytes each,
 * since they are stored transposed; float4 runs go 16 bytes at once).
 * Defines: MWG NWG KWG MDIMC NDIMC TRANS_A TRANS_B VEC_A VEC_B VEC_C STAGES
 * (and MIN_BLOCKS, to try other register budgets with
 * scripts/gemm-cuda-probe.sh).
 * Tried on an H100 and left out (no gain at n = 4096): explicitly
 * double-buffered register fragments, storing the next slices earlier in the
 * slice, a 4 x 8 thread patch per warp. */
#ifndef MWG
#define MWG 128
#endif
#ifndef NWG
#define NWG 128
#endif
#ifndef KWG
#define KWG 8
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
#ifndef VEC_A
#define VEC_A 1
#endif
#ifndef VEC_B
#define VEC_B 1
#endif
#ifndef VEC_C
#define VEC_C 1
#endif
#ifndef STAGES
#define STAGES 2
#endif


#define THREADS (MDIMC * NDIMC)
#define TM (MWG / MDIMC) /* results per thread along m */
#define TN (NWG / NDIMC) /* and along n */
/* Registers per thread: 8 x 8 tiles fit in 128 (512 threads per SM), 16 x 8
 * and 8 x 16 tiles need up to 255 (256 threads per SM). */
#define SM_THREADS (TM * TN > 64 ? 256 : 512)
#ifndef MIN_BLOCKS
#define MIN_BLOCKS (THREADS >= SM_THREADS ? 1 : SM_THREADS / THREADS)
#endif
#define PAD 4
#define BUFFERS (STAGES > 2 ? STAGES : 2) /* shared-memory slices of op(A) and op(B) */
#define A_LOADS (MWG * KWG / 4 / THREADS) /* float4 loads per thread per slice */
#define B_LOADS (NWG * KWG / 4 / THREADS)

#if MWG % MDIMC || NWG % NDIMC || TM % 4 || TN % 4 || TM > 16 || TN > 16 || TM * TN > 128 || \
    KWG % 4 || A_LOADS * THREADS * 4 != MWG * KWG || B_LOADS * THREADS * 4 != NWG * KWG
#error "gemm_cuda.cu: needs MWG/MDIMC and NWG/NDIMC in {4, 8, 16} (product <= 128), KWG % 4 == 0, tiles / 4 % threads == 0"
#endif
#if STAGES < 2 || (STAGES > 2 && defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800)
#error "gemm_cuda.cu: STAGES is 2 (register double buffer) or >= 3 (cp.async, sm_80 and later)"
#endif
#if BUFFERS * KWG * (MWG + NWG + 2 * PAD) * 4 > 48 * 1024
#error "gemm_cuda.cu: the shared-memory slices exceed 48 KB (fewer STAGES or a smaller tile)"
#endif

typedef unsigned int uint;
typedef unsigned long long u64;

/* A thread's share of a slice comes in pieces of 4 consecutive elements of a
 * stored row, which runs along k (A not transposed, B transposed) or along
 * the tile's width w (MWG for op(A), NWG for op(B)). Piece u lies at depth kk
 * and column mm of the k-major shared slice, its 4 elements 1 float apart
 * there (rows along w) or a padded row apart (rows along k: the stores
 * transpose). */
struct slot {
  uint kk, mm;
};
#define A_ALONG_K (!TRANS_A)
#define B_ALONG_K (TRANS_B)
#define A_STEP (A_ALONG_K ? MWG + PAD : 1)
#define B_STEP (B_ALONG_K ? NWG + PAD : 1)
static __device__ __forceinline__ slot piece_slot(uint u, uint w, bool along_k) {
  if (along_k) return {(u % (KWG / 4)) * 4, u / (KWG / 4)};
  return {u / (w / 4), (u % (w / 4)) * 4};
}

/* Where piece s of the slice at depth p0 comes from, for a matrix with
 * `extent` rows or columns along w from `origin` (m and row0 for op(A), n
 * and col0 for op(B)), and how many of its 4 elements lie inside it (<= 0:
 * none). */
static __device__ __forceinline__ const float *piece_source(slot s, const float *__restrict__ x,
                                                            uint ld, uint extent, uint k,
                                                            uint origin, uint p0, bool along_k,
                                                            int *valid) {
  if (along_k) {
    *valid = origin + s.mm < extent ? (int)k - (int)(p0 + s.kk) : 0;
    return x + (u64)(origin + s.mm) * ld + p0 + s.kk;
  }
  *valid = p0 + s.kk < k ? (int)extent - (int)(origin + s.mm) : 0;
  return x + (u64)(p0 + s.kk) * ld + origin + s.mm;
}

#if STAGES > 2 /* the cp.async pipeline */
#ifndef GPUK_EMULATED_CP_ASYNC /* tests/cuda_emulation defines its own copies */
/* dst[0..n) = src[0..n) when valid, zeros otherwise (n = 4 or 16 bytes; src
 * is then not read), asynchronously until cp_async_wait. */
static __device__ __forceinline__ void cp_async4(float *dst, const float *src, bool valid) {
  const unsigned d = (unsigned)__cvta_generic_to_shared(dst);
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(d), "l"(src),
               "r"(valid ? 4 : 0));
}
static __device__ __forceinline__ void cp_async16(float *dst, const float *src) {
  const unsigned d = (unsigned)__cvta_generic_to_shared(dst);
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(d), "l"(src));
}
static __device__ __forceinline__ void cp_async_commit() {
  asm volatile("cp.async.commit_group;\n");
}
/* Waits until at most `pending` of this thread's committed groups are in flight. */
template <int pending>
static __device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(pending));
}
#endif

/* Four consecutive elements p[0..3] of a row whose valid prefix is `valid`
 * elements long into dst[0], dst[step], dst[2 step], dst[3 step] (zeros
 * beyond), 16 bytes at once when vec, step == 1 and all four are valid. */
static __device__ __forceinline__ void copy4_async(float *dst, uint step, const float *p, int valid,
                                                   bool vec) {
  if (vec && step == 1 && valid >= 4) {
    cp_async16(dst, p);
    return;
  }
#pragma unroll
  for (int j = 0; j < 4; j++) cp_async4(dst + j * step, j < valid ? p + j : p, j < valid);
}

/* Starts copying the slices at depth p0 into shared memory, k-major, as
 * load_slices + store_slices do through registers. */
static __device__ __forceinline__ void copy_slices_async(float (*as)[MWG + PAD],
                                                         float (*bs)[NWG + PAD],
                                                         const float *__restrict__ a,
                                                         const float *__restrict__ b, uint lda,
                                                         uint ldb, uint m, uint n, uint k,
                                                         uint row0, uint col0, uint p0, uint tid) {
#pragma unroll
  for (int l = 0; l < A_LOADS; l++) {
    const slot s = piece_slot(tid + l * THREADS, MWG, A_ALONG_K);
    int valid;
    const float *src = piece_source(s, a, lda, m, k, row0, p0, A_ALONG_K, &valid);
    copy4_async(&as[s.kk][s.mm], A_STEP, src, valid, VEC_A);
  }
#pragma unroll
  for (int l = 0; l < B_LOADS; l++) {
    const slot s = piece_slot(tid + l * THREADS, NWG, B_ALONG_K);
    int valid;
    const float *src = piece_source(s, b, ldb, n, k, col0, p0, B_ALONG_K, &valid);
    copy4_async(&bs[s.kk][s.mm], B_STEP, src, valid, VEC_B);
  }
}
#else /* STAGES == 2: slices through registers */
/* Four consecutive elements p[0..3] of a row whose valid prefix is `valid`
 * elements long (zero beyond), as a float4 load when vec and all four are valid. */
static __device__ __forceinline__ float4 load4(const float *__restrict__ p, int valid, bool vec) {
  if (vec && valid >= 4) return __ldg(reinterpret_cast<const float4 *>(p));
  float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
  if (valid > 0) v.x = __ldg(p);
  if (valid > 1) v.y = __ldg(p + 1);
  if (valid > 2) v.z = __ldg(p + 2);
  if (valid > 3) v.w = __ldg(p + 3);
  return v;
}

/* One slice of op(A) (MWG x KWG) or op(B) (KWG x NWG) in flight in registers. */
struct slice_regs {
  float4 a[A_LOADS];
  float4 b[B_LOADS];
};

/* Loads the slices starting at depth p0 into registers. */
static __device__ __forceinline__ void load_slices(slice_regs &r, const float *__restrict__ a,
                                                   const float *__restrict__ b, uint lda, uint ldb,
                                                   uint m, uint n, uint k, uint row0, uint col0,
                                                   uint p0, uint tid) {
#pragma unroll
  for (int l = 0; l < A_LOADS; l++) {
    int valid;
    const slot s = piece_slot(tid + l * THREADS, MWG, A_ALONG_K);
    const float *src = piece_source(s, a, lda, m, k, row0, p0, A_ALONG_K, &valid);
    r.a[l] = load4(src, valid, VEC_A);
  }
#pragma unroll
  for (int l = 0; l < B_LOADS; l++) {
    int valid;
    const slot s = piece_slot(tid + l * THREADS, NWG, B_ALONG_K);
    const float *src = piece_source(s, b, ldb, n, k, col0, p0, B_ALONG_K, &valid);
    r.b[l] = load4(src, valid, VEC_B);
  }
}

/* v into dst[0], dst[step], dst[2 step], dst[3 step] (one float4 store when
 * step is 1). */
static __device__ __forceinline__ void store4_shared(float *dst, uint step, float4 v) {
  if (step == 1) {
    *reinterpret_cast<float4 *>(dst) = v;
    return;
  }
  dst[0] = v.x;
  dst[step] = v.y;
  dst[2 * step] = v.z;
  dst[3 * step] = v.w;
}

/* Stores the registers into shared memory, both slices k-major. */
static __device__ __forceinline__ void store_slices(const slice_regs &r, float (*as)[MWG + PAD],
                                                    float (*bs)[NWG + PAD], uint tid) {
#pragma unroll
  for (int l = 0; l < A_LOADS; l++) {
    const slot s = piece_slot(tid + l * THREADS, MWG, A_ALONG_K);
    store4_shared(&as[s.kk][s.mm], A_STEP, r.a[l]);
  }
#pragma unroll
  for (int l = 0; l < B_LOADS; l++) {
    const slot s = piece_slot(tid + l * THREADS, NWG, B_ALONG_K);
    store4_shared(&bs[s.kk][s.mm], B_STEP, r.b[l]);
  }
}
#endif

/* The fragments of one depth of the shared slices: TM values of op(A) and TN
 * of op(B), as float4 reads (quadrant q of the thread starts at q * 4*MDIMC
 * + 4*tm, resp. q * 4*NDIMC + 4*tn). */
static __device__ __forceinline__ void load_fragments(float *av, float4 *bv, const float *as_row,
                                                      const float *bs_row, uint tm, uint tn) {
#pragma unroll
  for (int q = 0; q < TM / 4; q++) {
    const float4 v = *reinterpret_cast<const float4 *>(as_row + q * 4 * MDIMC + 4 * tm);
    av[4 * q + 0] = v.x;
    av[4 * q + 1] = v.y;
    av[4 * q + 2] = v.z;
    av[4 * q + 3] = v.w;
  }
#pragma unroll
  for (int q = 0; q < TN / 4; q++)
    bv[q] = *reinterpret_cast<const float4 *>(bs_row + q * 4 * NDIMC + 4 * tn);
}

/* acc += the product of the KWG-deep shared slices as (k x MWG) and bs (k x NWG). */
static __device__ __forceinline__ void multiply_slice(float4 (&acc)[TM][TN / 4],
                                                      float (*as)[MWG + PAD],
                                                      float (*bs)[NWG + PAD], uint tm, uint tn) {
#pragma unroll
  for (int p = 0; p < KWG; p++) {
    float av[TM];
    float4 bv[TN / 4];
    load_fragments(av, bv, as[p], bs[p], tm, tn);
#pragma unroll
    for (int i = 0; i < TM; i++)
#pragma unroll
      for (int j = 0; j < TN / 4; j++) {
        acc[i][j].x = fmaf(av[i], bv[j].x, acc[i][j].x);
        acc[i][j].y = fmaf(av[i], bv[j].y, acc[i][j].y);
        acc[i][j].z = fmaf(av[i], bv[j].z, acc[i][j].z);
        acc[i][j].w = fmaf(av[i], bv[j].w, acc[i][j].w);
      }
  }
}

/* Writes 4 results of one row of C at column gj (valid: columns left in the row). */
static __device__ __forceinline__ void store4(float *__restrict__ out, int valid, float4 acc,
                                              float alpha, float beta) {
  const float v[4] = {acc.x, acc.y, acc.z, acc.w};
  if (VEC_C && valid >= 4) {
    float4 r = make_float4(alpha * v[0], alpha * v[1], alpha * v[2], alpha * v[3]);
    if (beta != 0.f) { /* beta == 0 must not read C: it may hold NaN */
      const float4 old = *reinterpret_cast<const float4 *>(out);
      r.x += beta * old.x;
      r.y += beta * old.y;
      r.z += beta * old.z;
      r.w += beta * old.w;
    }
    *reinterpret_cast<float4 *>(out) = r;
    return;
  }
#pragma unroll
  for (int j = 0; j < 4; j++)
    if (j < valid) out[j] = beta == 0.f ? alpha * v[j] : alpha * v[j] + beta * out[j];
}

extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
    gpuk_gemm_cuda(const uint m, const uint n, const uint k, const float alpha, const float beta,
                   const float *__restrict__ a, const u64 a_offset, const uint lda,
                   const float *__restrict__ b, const u64 b_offset, const uint ldb,
                   float *__restrict__ c, const u64 c_offset, const uint ldc) {
  __shared__ __align__(16) float as[BUFFERS][KWG][MWG + PAD];
  __shared__ __align__(16) float bs[BUFFERS][KWG][NWG + PAD];
  a += a_offset;
  b += b_offset;
  c += c_offset;
  const uint tid = threadIdx.x;
  const uint tn = tid % NDIMC, tm = tid / NDIMC;
  const uint row0 = blockIdx.y * MWG, col0 = blockIdx.x * NWG;

  float4 acc[TM][TN / 4];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN / 4; j++) acc[i][j] = make_float4(0.f, 0.f, 0.f, 0.f);

  const uint slices = (k + KWG - 1) / KWG;
#if STAGES > 2
  /* Slice s lives in buffer s % STAGES. Every thread commits one group of
   * copies per slice (empty past the last), so waiting until STAGES - 2
   * groups are pending means slice s has landed; the barrier after the wait
   * also tells every thread that all of slice s - 1's readers are done with
   * the buffer the next copies overwrite. */
#pragma unroll
  for (uint s = 0; s < STAGES - 1; s++) {
    if (s < slices)
      copy_slices_async(as[s], bs[s], a, b, lda, ldb, m, n, k, row0, col0, s * KWG, tid);
    cp_async_commit();
  }
  for (uint s = 0; s < slices; s++) {
    cp_async_wait<STAGES - 2>();
    __syncthreads();
    const uint next = s + STAGES - 1;
    if (next < slices)
      copy_slices_async(as[next % STAGES], bs[next % STAGES], a, b, lda, ldb, m, n, k, row0, col0,
                        next * KWG, tid);
    cp_async_commit();
    multiply_slice(acc, as[s % STAGES], bs[s % STAGES], tm, tn);
  }
#else
  slice_regs r;
  load_slices(r, a, b, lda, ldb, m, n, k, row0, col0, 0, tid);
  store_slices(r, as[0], bs[0], tid);
  __syncthreads();

  for (uint s = 0; s < slices; s++) {
    const uint cur = s & 1;
    const bool more = s + 1 < slices;
    if (more) load_slices(r, a, b, lda, ldb, m, n, k, row0, col0, (s + 1) * KWG, tid);
    multiply_slice(acc, as[cur], bs[cur], tm, tn);
    if (more) store_slices(r, as[cur ^ 1], bs[cur ^ 1], tid);
    __syncthreads();
  }
#endif

#pragma unroll
  for (int i = 0; i < TM; i++) {
    const uint gi = row0 + (i / 4) * 4 * MDIMC + 4 * tm + i % 4;
    if (gi >= m) continue;
#pragma unroll
    for (int j = 0; j < TN / 4; j++) {
      const uint gj = col0 + j * 4 * NDIMC + 4 * tn;
      store4(c + (u64)gi * ldc + gj, (int)n - (int)gj, acc[i][j], alpha, beta);
    }
  }
}
