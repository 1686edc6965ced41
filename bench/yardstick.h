/* Vendor libraries gpuk-bench compares against, each optional: cuBLAS on CUDA
 * devices (opened at run time), CLBlast on OpenCL devices and OpenBLAS on the
 * CPU (linked when found). */
#ifndef GPUK_BENCH_YARDSTICK_H
#define GPUK_BENCH_YARDSTICK_H

#include "bench.h"

/* Times C = op(A) op(B) (row-major, the shape and transposes of o, elements
 * of dtype float or double, A and B given on the host, packed as
 * bench_gemm_lda/ldb say) with the device's vendor library (sgemm or dgemm);
 * fills *stats, leaves the last run's C in c (m x n elements on the host; its
 * contents on entry are what the vendor's C starts from, so poison it) and
 * returns 0, or returns 1 with *name = NULL when there is none for this
 * device. *name names it. */
int yardstick_gemm(const gpuk_device_info *info, gpuk_dtype dtype, const void *a, const void *b,
                   void *c, const bench_options *o, bench_stats *stats, const char **name);

#endif
