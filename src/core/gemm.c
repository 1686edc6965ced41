/* Public matrix multiply: argument checks (sizes, leading dimensions, buffer
 * extents, aliasing, block-shape rules), then the backend's own GEMM (CPU) or
 * the tiled kernels/gemm.cl (GPUs) or kernels/gemm_cuda.cu (CUDA), or the
 * skinny kernel (gemm_skinny.c). */
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "gemm.h"
#include "handles.h"

/* Index arithmetic in the kernel is 32-bit for speed. */
#define MAX_DIM ((size_t)1 << 31)

/* Checks one stored matrix of rows x cols (as stored) with leading dimension ld
 * at offset in a buffer of elem-byte elements. */
static gpuk_status check_matrix(const char *name, const gpuk_buffer *buf, size_t offset,
                                size_t ld, size_t rows, size_t cols, size_t elem) {
  if (ld < cols)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "ld%s = %zu is smaller than the %zu columns of stored %s", name, ld,
                           cols, name);
  if (ld == 0)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "ld%s = 0: a leading dimension is at least 1, even for an empty %s",
                           name, name);
  if (ld >= MAX_DIM)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "ld%s = %zu is 2^31 or more", name, ld);
  if (rows == 0 || cols == 0) return GPUK_SUCCESS;
  /* Last element: offset + (rows - 1) * ld + cols - 1, computed without overflow. */
  size_t capacity = buf->size / elem;
  if (offset >= capacity || cols > capacity - offset ||
      (rows - 1) > (capacity - offset - cols) / ld)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_RANGE,
                           "%s: %zu x %zu with ld %zu at offset %zu needs more than the buffer's "
                           "%zu elements",
                           name, rows, cols, ld, offset, capacity);
  return GPUK_SUCCESS;
}

/* Element range [first, last] a stored matrix touches, for the aliasing check. */
static int overlaps(const gpuk_buffer *x, size_t xo, size_t xld, size_t xr, size_t xc,
                    const gpuk_buffer *y, size_t yo, size_t yld, size_t yr, size_t yc) {
  if (x != y || !xr || !xc || !yr || !yc) return 0;
  size_t x_end = xo + (xr - 1) * xld + xc, y_end = yo + (yr - 1) * yld + yc;
  return xo < y_end && yo < x_end;
}

/* has_config: g->config is one a kernel will run, or one the caller gave. */
static gpuk_status check_args(const gpuk__gemm_args *g, const gpuk_device *d, int has_config) {
  gpuk_status st = gpuk__gemm_check_dtype(&d->entry.info, g->dtype);
  if (st) return st;
  if ((unsigned)g->trans_a > 1 || (unsigned)g->trans_b > 1)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "trans_%s %d is not a gpuk_transpose",
                           (unsigned)g->trans_a > 1 ? "a" : "b",
                           (int)((unsigned)g->trans_a > 1 ? g->trans_a : g->trans_b));
  if (g->m >= MAX_DIM || g->n >= MAX_DIM || g->k >= MAX_DIM)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "m %zu, n %zu, k %zu: each must be below 2^31", g->m, g->n, g->k);
  size_t elem = g->dtype == GPUK_FLOAT64 ? 8 : 4;
  size_t ar = g->trans_a ? g->k : g->m, ac = g->trans_a ? g->m : g->k;
  size_t br = g->trans_b ? g->n : g->k, bc = g->trans_b ? g->k : g->n;
  st = check_matrix("a", g->a, g->a_offset, g->lda, ar, ac, elem);
  if (!st) st = check_matrix("b", g->b, g->b_offset, g->ldb, br, bc, elem);
  if (!st) st = check_matrix("c", g->c, g->c_offset, g->ldc, g->m, g->n, elem);
  if (st) return st;
  if (overlaps(g->c, g->c_offset, g->ldc, g->m, g->n, g->a, g->a_offset, g->lda, ar, ac))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "c overlaps a in the same buffer");
  if (overlaps(g->c, g->c_offset, g->ldc, g->m, g->n, g->b, g->b_offset, g->ldb, br, bc))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "c overlaps b in the same buffer");
  if (!has_config) return GPUK_SUCCESS;
  st = gpuk__gemm_check_config(&d->entry.info, g->dtype, &g->config);
  if (!st && g->config.kernel == GPUK_GEMM_KERNEL_SKINNY && g->m > GPUK__GEMM_SKINNY_MAX &&
      g->n > GPUK__GEMM_SKINNY_MAX)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "config: GPUK_GEMM_KERNEL_SKINNY takes a C with at most %d rows or "
                           "columns; this one is %zu x %zu",
                           GPUK__GEMM_SKINNY_MAX, g->m, g->n);
  return st;
}

/* Compile options of the chosen kernel for these arguments. Vector accesses
 * along the rows of a matrix need rows that start at multiples of the width
 * (VEC_A, VEC_B, VEC_C): ld and offset both multiples of it. The CUDA kernel's
 * vectors are 16 bytes (float4, double2) along every matrix; the portable
 * kernel's run along A^T (vwm), B and C (vwn). */
static void kernel_options(const gpuk__gemm_args *g, char *options, size_t size) {
  const gpuk_gemm_config *c = &g->config;
  const int cuda = gpuk__gemm_is_cuda(c->kernel);
  const int dbl = g->dtype == GPUK_FLOAT64;
  const unsigned vwm = cuda ? gpuk__gemm_cuda_vector(g->dtype) : gpuk__gemm_width(c->vwm);
  const unsigned vwn = cuda ? gpuk__gemm_cuda_vector(g->dtype) : gpuk__gemm_width(c->vwn);
#define ALIGNED_ROWS(x, w) ((g->ld##x % (w) == 0 && g->x##_offset % (w) == 0) ? 1 : 0)
  int n = snprintf(options, size,
                   "-DMWG=%u -DNWG=%u -DKWG=%u -DMDIMC=%u -DNDIMC=%u -DTRANS_A=%d -DTRANS_B=%d "
                   "-DVEC_A=%d -DVEC_B=%d -DVEC_C=%d",
                   c->mwg, c->nwg, c->kwg, c->mdimc, c->ndimc, (int)g->trans_a, (int)g->trans_b,
                   ALIGNED_ROWS(a, vwm), ALIGNED_ROWS(b, vwn), ALIGNED_ROWS(c, vwn));
#undef ALIGNED_ROWS
  if (cuda)
    snprintf(options + n, size - (size_t)n, " -DSTAGES=%u -DGPUK_DOUBLE=%d%s",
             gpuk__gemm_cuda_stages(c->kernel), dbl,
             c->kernel == GPUK_GEMM_KERNEL_CUDA_MMA ? " -DMMA=1" : "");
  else
    snprintf(options + n, size - (size_t)n, " -DVWM=%u -DVWN=%u -DGPUK_DOUBLE=%d", vwm, vwn, dbl);
}

static gpuk_status gemm_with_kernel(gpuk_stream *s, const gpuk__gemm_args *g) {
  gpuk_device *d = s->obj.device;
  if (!d->ops->kernel_launch) return gpuk__unsupported(d, "gemm");
  const gpuk_gemm_config *c = &g->config;
  const int cuda = gpuk__gemm_is_cuda(c->kernel);
  char options[256];
  kernel_options(g, options, sizeof options);
  gpuk_kernel *k;
  gpuk_status st = cuda ? gpuk__builtin_kernel(d, "gemm_cuda.cu", options, "gpuk_gemm_cuda", &k)
                        : gpuk__builtin_kernel(d, "gemm.cl", options, "gpuk_gemm", &k);
  if (st) return st;
  /* Dimension 0 runs along n. The CUDA kernel's block is one-dimensional. */
  size_t local[2] = {cuda ? c->ndimc * c->mdimc : c->ndimc, cuda ? 1 : c->mdimc};
  size_t global[2] = {(g->n + c->nwg - 1) / c->nwg * local[0],
                      (g->m + c->mwg - 1) / c->mwg * local[1]};
  int dbl = g->dtype == GPUK_FLOAT64;
  gpuk_arg args[] = {gpuk_arg_u32((uint32_t)g->m),
                     gpuk_arg_u32((uint32_t)g->n),
                     gpuk_arg_u32((uint32_t)g->k),
                     dbl ? gpuk_arg_f64(g->alpha) : gpuk_arg_f32((float)g->alpha),
                     dbl ? gpuk_arg_f64(g->beta) : gpuk_arg_f32((float)g->beta),
                     gpuk_arg_buffer((gpuk_buffer *)g->a),
                     gpuk_arg_u64(g->a_offset),
                     gpuk_arg_u32((uint32_t)g->lda),
                     gpuk_arg_buffer((gpuk_buffer *)g->b),
                     gpuk_arg_u64(g->b_offset),
                     gpuk_arg_u32((uint32_t)g->ldb),
                     gpuk_arg_buffer(g->c),
                     gpuk_arg_u64(g->c_offset),
                     gpuk_arg_u32((uint32_t)g->ldc)};
  return d->ops->kernel_launch(s, k, 2, global, local, sizeof args / sizeof args[0], args);
}

gpuk_status gpuk_gemm(gpuk_stream *stream, gpuk_dtype dtype, gpuk_transpose trans_a,
                      gpuk_transpose trans_b, size_t m, size_t n, size_t k, double alpha,
                      const gpuk_buffer *a, size_t a_offset, size_t lda, const gpuk_buffer *b,
                      size_t b_offset, size_t ldb, double beta, gpuk_buffer *c, size_t c_offset,
                      size_t ldc, const gpuk_gemm_config *config) {
  gpuk__clear_error();
  gpuk_status st = gpuk__check_object(a, GPUK__MAGIC_BUFFER, "a");
  if (!st) st = gpuk__check_object(b, GPUK__MAGIC_BUFFER, "b");
  if (!st) st = gpuk__check_object(c, GPUK__MAGIC_BUFFER, "c");
  if (!st) st = gpuk__check_same_device(a->obj.device, b, "b");
  if (!st) st = gpuk__check_same_device(a->obj.device, c, "c");
  if (st) return st;
  gpuk_device *d = a->obj.device;
  gpuk_stream *s;
  int blocking;
  st = gpuk__resolve_stream(stream, d, &s, &blocking);
  if (st) return st;
  gpuk__gemm_args g = {dtype, trans_a, trans_b, m, n, k, alpha, beta, a, a_offset, lda,
                       b, b_offset, ldb, c, c_offset, ldc, {0, 0, 0, 0, 0, 0, 0, 0}};
  /* A backend with a GEMM of its own (the CPU's) takes no block shape: one
   * is checked only where the caller gave it. */
  if (config) {
    g.config = *config;
  } else if (!d->ops->gemm) {
    st = gpuk_gemm_choose_config_sized(d, dtype, m, n, &g.config, NULL);
    if (st) return st;
  }
  st = check_args(&g, d, config || !d->ops->gemm);
  if (st || m == 0 || n == 0) return st;
  if (d->ops->gemm) return gpuk__finish(s, blocking, d->ops->gemm(s, &g));
  if (g.config.kernel == GPUK_GEMM_KERNEL_SKINNY)
    return gpuk__finish(s, blocking, gpuk__gemm_skinny(s, &g));
  return gpuk__finish(s, blocking, gemm_with_kernel(s, &g));
}
