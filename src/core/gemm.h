/* Validated arguments of one matrix multiply, as the core hands them to a
 * backend's gemm op. */
#ifndef GPUK_CORE_GEMM_H
#define GPUK_CORE_GEMM_H

#include "gpuk/gpuk.h"

typedef struct gpuk__gemm_args {
  gpuk_dtype dtype;
  gpuk_transpose trans_a, trans_b;
  size_t m, n, k;
  double alpha, beta;
  const gpuk_buffer *a;
  size_t a_offset, lda; /* elements */
  const gpuk_buffer *b;
  size_t b_offset, ldb;
  gpuk_buffer *c;
  size_t c_offset, ldc;
  gpuk_gemm_config config; /* checked; GPU kernels only (all 0 for a backend's own GEMM) */
} gpuk__gemm_args;

/* OpenCL on a CPU (PoCL and friends): its own table shapes, tuning grid and
 * fitting to small sizes. */
static inline int gpuk__gemm_opencl_cpu(const gpuk_device_info *info) {
  return info->backend == GPUK_BACKEND_OPENCL && info->type == GPUK_DEVICE_TYPE_CPU;
}

/* Whether kernel is a gpuk_gemm_kernel at all. */
static inline int gpuk__gemm_kernel_known(gpuk_gemm_kernel kernel) {
  return (unsigned)kernel <= GPUK_GEMM_KERNEL_SKINNY;
}

/* The most rows or columns GPUK_GEMM_KERNEL_SKINNY takes (its registers per
 * work-item). */
enum { GPUK__GEMM_SKINNY_MAX = 16 };
/* Its most work-items per group (kernels/gemm_skinny.cl's WG; fewer where
 * C's long side needs fewer). */
enum { GPUK__GEMM_SKINNY_WG = 128 };

/* The config of GPUK_GEMM_KERNEL_SKINNY: no block shape. */
static inline gpuk_gemm_config gpuk__gemm_skinny_config(void) {
  gpuk_gemm_config c = {0, 0, 0, 0, 0, GPUK_GEMM_KERNEL_SKINNY, 0, 0};
  return c;
}

/* Whether a kernel is kernels/gemm_cuda.cu (any way of feeding it or
 * multiplying). */
static inline int gpuk__gemm_is_cuda(gpuk_gemm_kernel kernel) {
  return kernel == GPUK_GEMM_KERNEL_CUDA || kernel == GPUK_GEMM_KERNEL_CUDA_ASYNC ||
         kernel == GPUK_GEMM_KERNEL_CUDA_MMA;
}

/* Shared-memory slices of each tile the CUDA kernel cycles through
 * (kernels/gemm_cuda.cu's STAGES). */
static inline unsigned gpuk__gemm_cuda_stages(gpuk_gemm_kernel kernel) {
  return kernel == GPUK_GEMM_KERNEL_CUDA_ASYNC ? 3 : 2;
}

/* Elements in one of kernels/gemm_cuda.cu's 16-byte vectors (its VW). */
static inline unsigned gpuk__gemm_cuda_vector(gpuk_dtype dtype) {
  return dtype == GPUK_FLOAT64 ? 2 : 4;
}

/* A vector width of a config: 0 (a zero-initialised field) means 1. */
static inline unsigned gpuk__gemm_width(unsigned width) { return width ? width : 1; }

/* The block-shape rules of config's kernel on a device (gemm_config.c); sets
 * the error naming the failing rule. */
gpuk_status gpuk__gemm_check_config(const gpuk_device_info *info, gpuk_dtype dtype,
                                    const gpuk_gemm_config *config);

/* GPUK_FLOAT32 or GPUK_FLOAT64, and (info not NULL) one the device runs. */
gpuk_status gpuk__gemm_check_dtype(const gpuk_device_info *info, gpuk_dtype dtype);

/* A product with few rows or columns as both skinny paths (the CPU backend's
 * and GPUK_GEMM_KERNEL_SKINNY) state it: C's element (f, l), f < few along
 * its short side and l < len along its long one, is alpha times the sum over
 * p < k of small(f, p) * big(l, p), plus beta times its old value. Offsets
 * and strides in elements. */
typedef struct gpuk__gemm_skinny_view {
  size_t few, len;
  /* small(f, p) at small[small_offset + f * small_f + p * small_p] */
  const gpuk_buffer *small;
  size_t small_offset, small_f, small_p;
  /* big(l, p) at big[big_offset + l * big_ld + p] where along_k (its rows
   * run along k: the dots form), else at big[big_offset + p * big_ld + l]
   * (the rows form) */
  const gpuk_buffer *big;
  size_t big_offset, big_ld;
  int along_k;
  /* C(f, l) at c[c_offset + f * c_f + l * c_l] */
  size_t c_f, c_l;
} gpuk__gemm_skinny_view;

/* gemm_skinny_view.c: g with few = m (few_rows: small = op(A), big = op(B)^T)
 * or few = n (small = op(B)^T, big = op(A)). */
gpuk__gemm_skinny_view gpuk__gemm_skinny_view_of(const gpuk__gemm_args *g, int few_rows);

/* Whether v's few vectors must first be gathered to run contiguously along
 * k: the dots form reads them along k, and they run another way (a column
 * of B, a transposed row of A). */
static inline int gpuk__gemm_skinny_gathers_small(const gpuk__gemm_skinny_view *v) {
  return v->along_k && v->small_p != 1;
}

/* gemm_skinny.c: g (validated; m or n at most GPUK__GEMM_SKINNY_MAX) through
 * GPUK_GEMM_KERNEL_SKINNY on stream. */
gpuk_status gpuk__gemm_skinny(gpuk_stream *stream, const gpuk__gemm_args *g);
/* The most local memory it takes (the config rules check it). */
size_t gpuk__gemm_skinny_local_bytes(gpuk_dtype dtype);

/* gemm_tuning.c: the tuning database's shape for this device and dtype; 1 when
 * there is one (not yet checked against the rules; never the skinny kernel),
 * else 0. */
int gpuk__gemm_tuned_config(const gpuk_device_info *info, gpuk_dtype dtype,
                            gpuk_gemm_config *config);

/* gemm_config_text.c: "[cuda:|cuda-async:|cuda-mma:]MWGxNWGxKWG/MDIMCxNDIMC[/VWMxVWN]"
 * (fields of 1 to 4 digits) or "skinny" into a config, 1 on success, 0 (config untouched)
 * otherwise; and back, returning snprintf's count (-1 for a kernel that is not
 * a gpuk_gemm_kernel). Neither sets the error. */
int gpuk__gemm_config_from_text(const char *text, gpuk_gemm_config *config);
int gpuk__gemm_config_to_text(const gpuk_gemm_config *config, char *text, size_t size);

#endif
