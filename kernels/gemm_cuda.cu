/* CUDA-only GEMM C = alpha * op(A) * op(B) + beta * C, row-major, float or
 * double (GPUK_DOUBLE=1; not yet run on a GPU), compiled by NVRTC (the
 * portable kernels/gemm.cl stays the reference on every backend).
 *
 * Values move in 16-byte vectors of VW elements (float4, or double2 for
 * double). A block of THREADS = MDIMC * NDIMC threads computes an MWG x NWG
 * tile of C; each thread owns a TM x TN sub-tile (TM = MWG / MDIMC, TN = NWG
 * / NDIMC, each 4, 8 or 16, at most 128 floats or 64 doubles) made of
 * VW x VW quadrants: rows q * VW*MDIMC + VW*tm and columns q * VW*NDIMC +
 * VW*tn, so that its shared-memory reads are 16 bytes wide and a warp's reads
 * fall on distinct banks. The K loop is double-buffered: while the block
 * multiplies the KWG-deep slices in one shared-memory buffer, each thread's
 * loads of the next slices are in flight into registers, then stored into
 * the other buffer (one barrier per slice). op(A) is staged k-major
 * (transposed when A is not), padded by 4 elements so the transposing stores
 * do not collide on banks. Float 8 x 8 tiles run two blocks of 256 threads
 * per SM (128 registers); 16 x 8 and 8 x 16 tiles (and double 8 x 8) one
 * block with up to 255 registers, the shape cuBLAS's FFMA kernels take on
 * Hopper.
 *
 * Edges are handled in place: loads outside the matrices read zero, stores
 * outside C are skipped. VEC_A / VEC_B / VEC_C (0/1) allow 16-byte global
 * accesses: the host sets them only when the leading dimension and offset of
 * that matrix are multiples of VW (the buffer itself is 256-byte aligned).
 * STAGES >= 3 (sm_80 and later; not yet run on a GPU, default 2) replaces
 * the register-staged double buffer with a cp.async pipeline of STAGES
 * shared-memory buffers: the copies of slice s + STAGES - 1 go straight to
 * shared memory while slice s is multiplied, with no registers or stores of
 * the thread's own (elements of a row of op(A) go one by one, since they are
 * stored transposed; vector runs go 16 bytes at once).
 * MMA=1 (double, sm_80 and later; not yet run on a GPU) multiplies the
 * shared slices on the FP64 tensor cores (mma.sync m16n8k8 on sm_90 when
 * KWG % 8 == 0, else m8n8k4; double precision throughout, unlike TF32)
 * instead of the FMA pipes: threads form warps of 8 x 4, each warp computing
 * an 8*TM x 4*TN block of the tile.
 * Defines: GPUK_DOUBLE MWG NWG KWG MDIMC NDIMC TRANS_A TRANS_B VEC_A VEC_B
 * VEC_C STAGES MMA (and MIN_BLOCKS and MMA_K8, to try other register budgets
 * and instructions with scripts/gemm-cuda-probe.sh).
 * Tried on an H100 and left out (no gain at n = 4096 in float): explicitly
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
#ifndef GPUK_DOUBLE
#define GPUK_DOUBLE 0
#endif
#ifndef MMA
#define MMA 0
#endif
/* The tensor-core instruction: m16n8k8 (sm_90 and later, what cuBLAS DGEMM
 * issues there; a quarter as many instructions) when the slice is 8 deep,
 * else m8n8k4 (sm_80 and later). MMA_K8 (0 or 1) overrides the choice. */
#ifndef MMA_K8
#if MMA && KWG % 8 == 0 && defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
#define MMA_K8 1
#else
#define MMA_K8 0
#endif
#endif

#if GPUK_DOUBLE
typedef double real;
typedef double2 realv; /* the 16-byte vector */
#define VW 2           /* elements per vector */
#define WORDS 2        /* 32-bit registers per element */
#else
typedef float real;
typedef float4 realv;
#define VW 4
#define WORDS 1
#endif

#define THREADS (MDIMC * NDIMC)
#define TM (MWG / MDIMC) /* results per thread along m */
#define TN (NWG / NDIMC) /* and along n */
/* Registers per thread: float 8 x 8 tiles fit in 128 (512 threads per SM),
 * float 16 x 8 and 8 x 16 (and double 8 x 8) tiles need up to 255 (256
 * threads per SM). */
#define SM_THREADS (TM * TN * WORDS > 64 ? 256 : 512)
#ifndef MIN_BLOCKS
#define MIN_BLOCKS (THREADS >= SM_THREADS ? 1 : SM_THREADS / THREADS)
#endif
#define PAD 4
#define BUFFERS (STAGES > 2 ? STAGES : 2) /* shared-memory slices of op(A) and op(B) */
#define A_LOADS (MWG * KWG / VW / THREADS) /* vector loads per thread per slice */
#define B_LOADS (NWG * KWG / VW / THREADS)

#if MWG % MDIMC || NWG % NDIMC || TM % 4 || TN % 4 || TM > 16 || TN > 16 || \
    TM * TN * WORDS > 128 || KWG % 4 || A_LOADS * THREADS * VW != MWG * KWG ||  \
    B_LOADS * THREADS * VW != NWG * KWG
#error "gemm_cuda.cu: needs MWG/MDIMC and NWG/NDIMC in {4, 8, 16} (product <= 128 floats or 64 doubles), KWG % 4 == 0, tiles / VW % threads == 0"
#endif
#if STAGES < 2 || (STAGES > 2 && defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800)
#error "gemm_cuda.cu: STAGES is 2 (register double buffer) or >= 3 (cp.async, sm_80 and later)"
#endif
#if MMA && (!GPUK_DOUBLE || MDIMC % 8 || NDIMC % 4 || \
            (defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800))
#error "gemm_cuda.cu: MMA is for double (FP64 tensor cores, sm_80 and later), with MDIMC % 8 == 0 and NDIMC % 4 == 0 (warps of 8 x 4 threads)"
#endif
#if MMA_K8 && (!MMA || KWG % 8 || (defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 900))
#error "gemm_cuda.cu: MMA_K8 (mma.sync m16n8k8) needs MMA=1, KWG % 8 == 0 and sm_90 or later"
#endif
#if BUFFERS * KWG * (MWG + NWG + 2 * PAD) * 4 * WORDS > 48 * 1024
#error "gemm_cuda.cu: the shared-memory slices exceed 48 KB (fewer STAGES or a smaller tile)"
#endif

typedef unsigned int uint;
typedef unsigned long long u64;

/* The vector type's helpers: its elements one by one, and a vector of
 * elements. */
#if GPUK_DOUBLE
static __device__ __forceinline__ void vector_elements(double2 v, double *e) {
  e[0] = v.x;
  e[1] = v.y;
}
static __device__ __forceinline__ double2 vector_of(const double *e) {
  return make_double2(e[0], e[1]);
}
#else
static __device__ __forceinline__ void vector_elements(float4 v, float *e) {
  e[0] = v.x;
  e[1] = v.y;
  e[2] = v.z;
  e[3] = v.w;
}
static __device__ __forceinline__ float4 vector_of(const float *e) {
  return make_float4(e[0], e[1], e[2], e[3]);
}
#endif

/* A thread's share of a slice comes in pieces of VW consecutive elements of a
 * stored row, which runs along k (A not transposed, B transposed) or along
 * the tile's width w (MWG for op(A), NWG for op(B)). Piece u lies at depth kk
 * and column mm of the k-major shared slice, its elements 1 apart there
 * (rows along w) or a padded row apart (rows along k: the stores
 * transpose). */
struct slot {
  uint kk, mm;
};
#define A_ALONG_K (!TRANS_A)
#define B_ALONG_K (TRANS_B)
#define A_STEP (A_ALONG_K ? MWG + PAD : 1)
#define B_STEP (B_ALONG_K ? NWG + PAD : 1)
static __device__ __forceinline__ slot piece_slot(uint u, uint w, bool along_k) {
  if (along_k) return {(u % (KWG / VW)) * VW, u / (KWG / VW)};
  return {u / (w / VW), (u % (w / VW)) * VW};
}

/* Where piece s of the slice at depth p0 comes from, for a matrix with
 * `extent` rows or columns along w from `origin` (m and row0 for op(A), n
 * and col0 for op(B)), and how many of its VW elements lie inside it (<= 0:
 * none). */
static __device__ __forceinline__ const real *piece_source(slot s, const real *__restrict__ x,
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
/* *dst = *src when valid, zero otherwise (src is then not read), and 16
 * bytes dst[0..16) = src[0..16), asynchronously until cp_async_wait. */
static __device__ __forceinline__ void cp_async_element(real *dst, const real *src, bool valid) {
  const unsigned d = (unsigned)__cvta_generic_to_shared(dst);
  asm volatile("cp.async.ca.shared.global [%0], [%1], %2, %3;\n" ::"r"(d), "l"(src),
               "n"((int)sizeof(real)), "r"(valid ? (int)sizeof(real) : 0));
}
static __device__ __forceinline__ void cp_async16(real *dst, const real *src) {
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

/* VW consecutive elements p[0..VW) of a row whose valid prefix is `valid`
 * elements long into dst[0], dst[step], dst[2 step], ... (zeros beyond), 16
 * bytes at once when vec, step == 1 and all are valid. */
static __device__ __forceinline__ void copy_piece_async(real *dst, uint step, const real *p,
                                                        int valid, bool vec) {
  if (vec && step == 1 && valid >= VW) {
    cp_async16(dst, p);
    return;
  }
#pragma unroll
  for (int j = 0; j < VW; j++) cp_async_element(dst + j * step, j < valid ? p + j : p, j < valid);
}

/* Starts copying the slices at depth p0 into shared memory, k-major, as
 * load_slices + store_slices do through registers. */
static __device__ __forceinline__ void copy_slices_async(real (*as)[MWG + PAD],
                                                         real (*bs)[NWG + PAD],
                                                         const real *__restrict__ a,
                                                         const real *__restrict__ b, uint lda,
                                                         uint ldb, uint m, uint n, uint k,
                                                         uint row0, uint col0, uint p0, uint tid) {
#pragma unroll
  for (int l = 0; l < A_LOADS; l++) {
    const slot s = piece_slot(tid + l * THREADS, MWG, A_ALONG_K);
    int valid;
    const real *src = piece_source(s, a, lda, m, k, row0, p0, A_ALONG_K, &valid);
    copy_piece_async(&as[s.kk][s.mm], A_STEP, src, valid, VEC_A);
  }
#pragma unroll
  for (int l = 0; l < B_LOADS; l++) {
    const slot s = piece_slot(tid + l * THREADS, NWG, B_ALONG_K);
    int valid;
    const real *src = piece_source(s, b, ldb, n, k, col0, p0, B_ALONG_K, &valid);
    copy_piece_async(&bs[s.kk][s.mm], B_STEP, src, valid, VEC_B);
  }
}
#else /* STAGES == 2: slices through registers */
/* p[0..valid) and zeros beyond, element by element. */
#if GPUK_DOUBLE
static __device__ __forceinline__ double2 partial_vector(const double *__restrict__ p, int valid) {
  double2 v = make_double2(0., 0.);
  if (valid > 0) v.x = __ldg(p);
  if (valid > 1) v.y = __ldg(p + 1);
  return v;
}
#else
static __device__ __forceinline__ float4 partial_vector(const float *__restrict__ p, int valid) {
  float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
  if (valid > 0) v.x = __ldg(p);
  if (valid > 1) v.y = __ldg(p + 1);
  if (valid > 2) v.z = __ldg(p + 2);
  if (valid > 3) v.w = __ldg(p + 3);
  return v;
}
#endif

/* VW consecutive elements p[0..VW) of a row whose valid prefix is `valid`
 * elements long (zero beyond), as one 16-byte load when vec and all are valid. */
static __device__ __forceinline__ realv load_piece(const real *__restrict__ p, int valid,
                                                   bool vec) {
  if (vec && valid >= VW) return __ldg(reinterpret_cast<const realv *>(p));
  return partial_vector(p, valid);
}

/* One slice of op(A) (MWG x KWG) or op(B) (KWG x NWG) in flight in registers. */
struct slice_regs {
  realv a[A_LOADS];
  realv b[B_LOADS];
};

/* Loads the slices starting at depth p0 into registers. */
static __device__ __forceinline__ void load_slices(slice_regs &r, const real *__restrict__ a,
                                                   const real *__restrict__ b, uint lda, uint ldb,
                                                   uint m, uint n, uint k, uint row0, uint col0,
                                                   uint p0, uint tid) {
#pragma unroll
  for (int l = 0; l < A_LOADS; l++) {
    int valid;
    const slot s = piece_slot(tid + l * THREADS, MWG, A_ALONG_K);
    const real *src = piece_source(s, a, lda, m, k, row0, p0, A_ALONG_K, &valid);
    r.a[l] = load_piece(src, valid, VEC_A);
  }
#pragma unroll
  for (int l = 0; l < B_LOADS; l++) {
    int valid;
    const slot s = piece_slot(tid + l * THREADS, NWG, B_ALONG_K);
    const real *src = piece_source(s, b, ldb, n, k, col0, p0, B_ALONG_K, &valid);
    r.b[l] = load_piece(src, valid, VEC_B);
  }
}

/* v into dst[0], dst[step], dst[2 step], ... (one 16-byte store when step is 1). */
static __device__ __forceinline__ void store_piece_shared(real *dst, uint step, realv v) {
  if (step == 1) {
    *reinterpret_cast<realv *>(dst) = v;
    return;
  }
  real e[VW];
  vector_elements(v, e);
#pragma unroll
  for (int j = 0; j < VW; j++) dst[j * step] = e[j];
}

/* Stores the registers into shared memory, both slices k-major. */
static __device__ __forceinline__ void store_slices(const slice_regs &r, real (*as)[MWG + PAD],
                                                    real (*bs)[NWG + PAD], uint tid) {
#pragma unroll
  for (int l = 0; l < A_LOADS; l++) {
    const slot s = piece_slot(tid + l * THREADS, MWG, A_ALONG_K);
    store_piece_shared(&as[s.kk][s.mm], A_STEP, r.a[l]);
  }
#pragma unroll
  for (int l = 0; l < B_LOADS; l++) {
    const slot s = piece_slot(tid + l * THREADS, NWG, B_ALONG_K);
    store_piece_shared(&bs[s.kk][s.mm], B_STEP, r.b[l]);
  }
}
#endif

/* Each way of multiplying (MMA or FFMA) says where a thread's work lies (a
 * place, from thread_place), where its results acc[i][j] go in the tile
 * (result_row, result_col) and how it multiplies slices (multiply_slice). */
#if MMA
/* Warps of 8 x 4 threads in a (MDIMC / 8) x (NDIMC / 4) grid: the warp at
 * (wm, wn) computes the 8*TM x 4*TN results from row wm * 8*TM and column
 * wn * 4*TN of the tile as TM x TN/2 tiles of 8 x 8, each 4 deep per
 * mma.sync.m8n8k4 (FP64 tensor cores): lane l brings A[l/4][l%4] of each
 * 8 x 4 fragment and B[l%4][l/4] of each 4 x 8 one, and holds
 * C[l/4][2(l%4) + {0, 1}] of each 8 x 8 tile (acc[i][j], a double2). With
 * MMA_K8 the same values go to m16n8k8, two 8 x 8 tiles (acc[i][j] and
 * acc[i + 1][j], i even) and two 4-deep steps at once. */
struct place {
  uint a, b;     /* the columns of its first fragment values in the slices */
  uint depth;    /* its depth within each 4-deep step */
  uint row, col; /* where its result acc[0][0] lies in the tile */
};
static __device__ __forceinline__ place thread_place(uint tid) {
  const uint lane = tid % 32, warp = tid / 32;
  const uint row = (warp / (NDIMC / 4)) * 8 * TM, col = (warp % (NDIMC / 4)) * 4 * TN;
  return {row + lane / 4, col + lane / 4, lane % 4, row + lane / 4, col + 2 * (lane % 4)};
}
static __device__ __forceinline__ uint result_row(place t, int i) { return t.row + 8 * i; }
static __device__ __forceinline__ uint result_col(place t, int j) { return t.col + 8 * j; }

#ifndef GPUK_EMULATED_MMA /* tests/cuda_emulation defines its own */
#if MMA_K8
/* The 16 x 8 tile of C in two 8 x 8 halves (top: the lane's values of rows
 * 0-7, bottom: rows 8-15) += the 16 x 8 by 8 x 8 product of the warp's
 * fragments: a0 and a1 are the 8 x 4 fragments of rows 0-7 and 8-15 at
 * depths 0-3, a2 and a3 at depths 4-7; b0 and b1 the 4 x 8 ones of B. */
static __device__ __forceinline__ void mma_m16n8k8(double2 &top, double2 &bottom, double a0,
                                                   double a1, double a2, double a3, double b0,
                                                   double b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+d"(top.x), "+d"(top.y), "+d"(bottom.x), "+d"(bottom.y)
      : "d"(a0), "d"(a1), "d"(a2), "d"(a3), "d"(b0), "d"(b1));
}
#else
/* c += the 8 x 4 by 4 x 8 product of the warp's fragments a and b. */
static __device__ __forceinline__ void mma_m8n8k4(double2 &c, double a, double b) {
  asm volatile("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0,%1}, {%2}, {%3}, {%0,%1};\n"
               : "+d"(c.x), "+d"(c.y)
               : "d"(a), "d"(b));
}
#endif
#endif

/* The warp's fragments at one depth of the shared slices: the thread's TM
 * values of op(A) (rows 8 apart) and TN / 2 of op(B) (columns 8 apart). */
static __device__ __forceinline__ void load_mma_fragments(real *af, real *bf, const real *as_row,
                                                          const real *bs_row, place t) {
#pragma unroll
  for (int i = 0; i < TM; i++) af[i] = as_row[t.a + 8 * i];
#pragma unroll
  for (int j = 0; j < TN / 2; j++) bf[j] = bs_row[t.b + 8 * j];
}

/* acc += the product of the KWG-deep shared slices as (k x MWG) and bs (k x NWG). */
static __device__ __forceinline__ void multiply_slice(realv (&acc)[TM][TN / VW],
                                                      real (*as)[MWG + PAD],
                                                      real (*bs)[NWG + PAD], place t) {
#if MMA_K8
  /* Each 16 x 8 tile is the 8 x 8 tiles acc[i][j] and acc[i + 1][j], its A
   * fragments those of m8n8k4 at depths p and p + 4. */
#pragma unroll
  for (int p = 0; p < KWG; p += 8) {
    real a0[TM], b0[TN / 2], a4[TM], b4[TN / 2];
    load_mma_fragments(a0, b0, as[p + t.depth], bs[p + t.depth], t);
    load_mma_fragments(a4, b4, as[p + 4 + t.depth], bs[p + 4 + t.depth], t);
#pragma unroll
    for (int i = 0; i < TM; i += 2)
#pragma unroll
      for (int j = 0; j < TN / 2; j++)
        mma_m16n8k8(acc[i][j], acc[i + 1][j], a0[i], a0[i + 1], a4[i], a4[i + 1], b0[j], b4[j]);
  }
#else
#pragma unroll
  for (int p = 0; p < KWG; p += 4) {
    real af[TM], bf[TN / 2];
    load_mma_fragments(af, bf, as[p + t.depth], bs[p + t.depth], t);
#pragma unroll
    for (int i = 0; i < TM; i++)
#pragma unroll
      for (int j = 0; j < TN / 2; j++) mma_m8n8k4(acc[i][j], af[i], bf[j]);
  }
#endif
}
#else
/* Thread (tm, tn) = (tid / NDIMC, tid % NDIMC) owns VW x VW quadrants of
 * results: quadrant (q, r) at row q * VW*MDIMC + VW*tm and column
 * r * VW*NDIMC + VW*tn of the tile. */
struct place {
  uint tm, tn;
};
static __device__ __forceinline__ place thread_place(uint tid) {
  return {tid / NDIMC, tid % NDIMC};
}
static __device__ __forceinline__ uint result_row(place t, int i) {
  return (i / VW) * VW * MDIMC + VW * t.tm + i % VW;
}
static __device__ __forceinline__ uint result_col(place t, int j) {
  return j * VW * NDIMC + VW * t.tn;
}

/* acc += a * b, element by element. */
#if GPUK_DOUBLE
static __device__ __forceinline__ void fma_vector(double2 &acc, double a, double2 b) {
  acc.x = fma(a, b.x, acc.x);
  acc.y = fma(a, b.y, acc.y);
}
#else
static __device__ __forceinline__ void fma_vector(float4 &acc, float a, float4 b) {
  acc.x = fmaf(a, b.x, acc.x);
  acc.y = fmaf(a, b.y, acc.y);
  acc.z = fmaf(a, b.z, acc.z);
  acc.w = fmaf(a, b.w, acc.w);
}
#endif

/* The fragments of one depth of the shared slices: TM values of op(A) and TN
 * of op(B), as 16-byte reads of the thread's quadrants. */
static __device__ __forceinline__ void load_fragments(real *av, realv *bv, const real *as_row,
                                                      const real *bs_row, place t) {
#pragma unroll
  for (int q = 0; q < TM / VW; q++)
    vector_elements(*reinterpret_cast<const realv *>(as_row + q * VW * MDIMC + VW * t.tm),
                    av + VW * q);
#pragma unroll
  for (int q = 0; q < TN / VW; q++)
    bv[q] = *reinterpret_cast<const realv *>(bs_row + q * VW * NDIMC + VW * t.tn);
}

/* acc += the product of the KWG-deep shared slices as (k x MWG) and bs (k x NWG). */
static __device__ __forceinline__ void multiply_slice(realv (&acc)[TM][TN / VW],
                                                      real (*as)[MWG + PAD],
                                                      real (*bs)[NWG + PAD], place t) {
#pragma unroll
  for (int p = 0; p < KWG; p++) {
    real av[TM];
    realv bv[TN / VW];
    load_fragments(av, bv, as[p], bs[p], t);
#pragma unroll
    for (int i = 0; i < TM; i++)
#pragma unroll
      for (int j = 0; j < TN / VW; j++) fma_vector(acc[i][j], av[i], bv[j]);
  }
}
#endif

/* Writes VW results of one row of C at column gj (valid: columns left in the row). */
static __device__ __forceinline__ void store_results(real *__restrict__ out, int valid, realv acc,
                                                     real alpha, real beta) {
  real v[VW];
  vector_elements(acc, v);
  if (VEC_C && valid >= VW) {
    real r[VW];
#pragma unroll
    for (int j = 0; j < VW; j++) r[j] = alpha * v[j];
    if (beta != (real)0) { /* beta == 0 must not read C: it may hold NaN */
      real old[VW];
      vector_elements(*reinterpret_cast<const realv *>(out), old);
#pragma unroll
      for (int j = 0; j < VW; j++) r[j] += beta * old[j];
    }
    *reinterpret_cast<realv *>(out) = vector_of(r);
    return;
  }
#pragma unroll
  for (int j = 0; j < VW; j++)
    if (j < valid) out[j] = beta == (real)0 ? alpha * v[j] : alpha * v[j] + beta * out[j];
}

extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
    gpuk_gemm_cuda(const uint m, const uint n, const uint k, const real alpha, const real beta,
                   const real *__restrict__ a, const u64 a_offset, const uint lda,
                   const real *__restrict__ b, const u64 b_offset, const uint ldb,
                   real *__restrict__ c, const u64 c_offset, const uint ldc) {
  __shared__ __align__(16) real as[BUFFERS][KWG][MWG + PAD];
  __shared__ __align__(16) real bs[BUFFERS][KWG][NWG + PAD];
  a += a_offset;
  b += b_offset;
  c += c_offset;
  const uint tid = threadIdx.x;
  const place t = thread_place(tid);
  const uint row0 = blockIdx.y * MWG, col0 = blockIdx.x * NWG;

  realv acc[TM][TN / VW];
  const real zero[VW] = {};
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN / VW; j++) acc[i][j] = vector_of(zero);

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
    multiply_slice(acc, as[s % STAGES], bs[s % STAGES], t);
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
    multiply_slice(acc, as[cur], bs[cur], t);
    if (more) store_slices(r, as[cur ^ 1], bs[cur ^ 1], tid);
    __syncthreads();
  }
#endif

#pragma unroll
  for (int i = 0; i < TM; i++) {
    const uint gi = row0 + result_row(t, i);
    if (gi >= m) continue;
#pragma unroll
    for (int j = 0; j < TN / VW; j++) {
      const uint gj = col0 + result_col(t, j);
      store_results(c + (u64)gi * ldc + gj, (int)n - (int)gj, acc[i][j], alpha, beta);
    }
  }
}
