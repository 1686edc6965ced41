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
  gpuk_gemm_config config; /* checked; GPU kernels only */
} gpuk__gemm_args;

#endif
