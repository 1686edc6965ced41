/* Matrix products with at most GPUK__GEMM_SKINNY_MAX rows or columns on the
 * GPU backends (GPUK_GEMM_KERNEL_SKINNY, kernels/gemm_skinny.cl, with the
 * steps of gemm_skinny_steps.cl around it): the few vectors X against the big
 * matrix Y, which is read once, along whichever way it is stored; k is cut
 * into slices across work-groups where the long side alone gives too few
 * groups, the slices' sums meeting in the stream's scratch buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "gemm.h"
#include "handles.h"

/* GPUs: work-items along each row of Y in the dots form (rows of 32
 * neighbouring elements per warp), and the fewest work-items in a group (a
 * warp). */
enum { GPU_WK = 32, GPU_MIN_WG = 32 };
/* Each k slice is at least this deep, so that the partial sums (few * len per
 * slice) stay small against Y's len * k, and at most this many slices. */
enum { MIN_SLICE_K = 256, MAX_SLICES = 1024 };

/* Slices of k: enough groups to fill the device (a few per core on CPU
 * drivers, many per compute unit on GPUs), within the bounds above. */
static size_t choose_slices(const gpuk_device_info *info, size_t groups, size_t k) {
  size_t per_unit = info->type == GPUK_DEVICE_TYPE_CPU ? 4 : 8;
  size_t target = (info->compute_units ? info->compute_units : 1) * per_unit;
  size_t slices = (target + groups - 1) / groups;
  size_t by_depth = k / MIN_SLICE_K;
  if (slices > by_depth) slices = by_depth;
  if (slices > MAX_SLICES) slices = MAX_SLICES;
  return slices ? slices : 1;
}

/* The smallest of 1, 2, 4, 8, 16 at least few. */
static unsigned few_registers(size_t few) {
  unsigned r = 1;
  while (r < few) r *= 2;
  return r;
}

/* How the work-items of a group share Y (the kernel's WG, WK and RUN). GPUs:
 * one element each, neighbours on neighbouring addresses (WK = 32 along a row
 * in the dots form). CPU drivers: a run of RUN elements per work-item (WK =
 * 1), measured with PoCL on a 2-core EPYC (gpuk-bench matmul --device opencl
 * --block skinny), first with scalar runs:
 * - rows form: runs of 32, fewer where the few x RUN sums would pass 512
 *   floats or 128 doubles (256 doubles ran 8-30x slower than 64, while 512
 *   floats were the fastest), and no longer than C's long side;
 * - dots form: one 32-byte vector of sums per few vector (8 floats, 4
 *   doubles): 4096 x 16 x 4096 nn took 18-22 ms with runs of 8, 28-31 with
 *   32; 512 x 8 x 512 0.17-0.22 against 0.97-1.08.
 * With the runs held as vectors (2026-11-25; bench/results/
 * 2026-11-25-epyc-pocl-gemm-skinny-vectors.csv) the dots form ran 2-12x
 * faster (512 x 16 x 512 nn 1.9 -> 0.18-0.20 ms), the rows form 1.0-4.4x;
 * runs of 16 floats in the dots form, and sums capped at 256 floats in the
 * rows form, timed within this machine's noise of the choices above.
 * Groups have GPUK__GEMM_SKINNY_WG work-items, halved while half of them
 * still cover the long side (down to a warp of 32 on GPUs, one work-item on
 * CPU drivers), as each work-item with nothing to do costs a CPU driver a
 * turn of its loop: 8 x 8 x 1000000 tn took 426 ms in groups of 128 runs of
 * 32, 2.0 in one run of 8. */
typedef struct skinny_layout {
  unsigned wg, wk, run;
} skinny_layout;

/* Elements of C's long side one group takes. */
static size_t per_group(const gpuk__gemm_skinny_view *p, skinny_layout s) {
  return p->along_k ? s.wg / s.wk : (size_t)s.wg * s.run;
}

static skinny_layout choose_layout(const gpuk_device_info *info, const gpuk__gemm_skinny_view *p,
                                   gpuk_dtype dtype) {
  skinny_layout s = {GPUK__GEMM_SKINNY_WG, p->along_k ? GPU_WK : 1, 1};
  /* GPUK_GEMM_SKINNY_LAYOUT (gpu or cpu, else ignored) overrides the device
   * type: the tests run the GPUs' layout on CPU drivers through it. */
  const char *env = getenv("GPUK_GEMM_SKINNY_LAYOUT");
  int cpu = info->type == GPUK_DEVICE_TYPE_CPU;
  if (env && strcmp(env, "gpu") == 0) cpu = 0;
  if (env && strcmp(env, "cpu") == 0) cpu = 1;
  unsigned min_wg = GPU_MIN_WG;
  if (cpu) {
    s.wk = 1;
    if (p->along_k) {
      s.run = dtype == GPUK_FLOAT64 ? 4 : 8;
    } else {
      const unsigned max_sums = dtype == GPUK_FLOAT64 ? 128 : 512;
      s.run = 32;
      while (s.run > 1 && few_registers(p->few) * s.run > max_sums) s.run /= 2;
      while (s.run > 1 && s.run > p->len) s.run /= 2;
    }
    min_wg = 1;
  }
  skinny_layout half = s;
  half.wg /= 2;
  while (half.wg >= min_wg && half.wg >= s.wk && per_group(p, half) >= p->len) {
    s = half;
    half.wg /= 2;
  }
  return s;
}

/* Launches kernel `name` of gemm_skinny_steps.cl over n elements (grid-stride). */
static gpuk_status launch_step(gpuk_stream *s, const char *name, size_t n, gpuk_dtype dtype,
                               size_t nargs, const gpuk_arg *args) {
  gpuk__launch_shape shape = gpuk__stream_shape(s->obj.device, n);
  snprintf(shape.options, sizeof shape.options, "-DGPUK_DOUBLE=%d", dtype == GPUK_FLOAT64);
  return gpuk__builtin_launch(s, "gemm_skinny_steps.cl", name, &shape, nargs, args);
}

/* Launches both kernels; partials is the scratch buffer (slices > 1) or C.
 * The kernel's X is p's small, its Y big and its Z C. */
static gpuk_status launch(gpuk_stream *s, const gpuk__gemm_args *g, const gpuk__gemm_skinny_view *p,
                          skinny_layout layout, size_t groups, size_t slices, size_t kc,
                          gpuk_buffer *partials) {
  gpuk_device *d = s->obj.device;
  const int dbl = g->dtype == GPUK_FLOAT64;
  char options[128];
  snprintf(options, sizeof options, "-DFEW=%u -DDOTS=%d -DWG=%d -DWK=%u -DRUN=%u -DGPUK_DOUBLE=%d",
           few_registers(p->few), p->along_k, layout.wg, layout.wk, layout.run, dbl);
  gpuk_kernel *kernel;
  gpuk_status st = gpuk__builtin_kernel(d, "gemm_skinny.cl", options, "gpuk_gemm_skinny", &kernel);
  if (st) return st;
  const gpuk_arg alpha = dbl ? gpuk_arg_f64(g->alpha) : gpuk_arg_f32((float)g->alpha);
  const gpuk_arg beta = dbl ? gpuk_arg_f64(g->beta) : gpuk_arg_f32((float)g->beta);
  gpuk_arg args[] = {gpuk_arg_u32((uint32_t)p->few),
                     gpuk_arg_u32((uint32_t)p->len),
                     gpuk_arg_u32((uint32_t)g->k),
                     gpuk_arg_u32((uint32_t)kc),
                     alpha,
                     beta,
                     gpuk_arg_buffer((gpuk_buffer *)p->small),
                     gpuk_arg_u64(p->small_offset),
                     gpuk_arg_u32((uint32_t)p->small_f),
                     gpuk_arg_u32((uint32_t)p->small_p),
                     gpuk_arg_buffer((gpuk_buffer *)p->big),
                     gpuk_arg_u64(p->big_offset),
                     gpuk_arg_u32((uint32_t)p->big_ld),
                     gpuk_arg_buffer(g->c),
                     gpuk_arg_u64(g->c_offset),
                     gpuk_arg_u32((uint32_t)p->c_f),
                     gpuk_arg_u32((uint32_t)p->c_l),
                     gpuk_arg_buffer(partials)};
  size_t local[2] = {layout.wg, 1}, global[2] = {groups * layout.wg, slices};
  st = d->ops->kernel_launch(s, kernel, 2, global, local, sizeof args / sizeof args[0], args);
  if (st || slices == 1) return st;
  gpuk_arg sum_args[] = {gpuk_arg_u32((uint32_t)p->few),
                         gpuk_arg_u32((uint32_t)p->len),
                         gpuk_arg_u32((uint32_t)slices),
                         alpha,
                         beta,
                         gpuk_arg_buffer(partials),
                         gpuk_arg_buffer(g->c),
                         gpuk_arg_u64(g->c_offset),
                         gpuk_arg_u32((uint32_t)p->c_f),
                         gpuk_arg_u32((uint32_t)p->c_l)};
  return launch_step(s, "gpuk_gemm_skinny_sum", p->few * p->len, g->dtype,
                     sizeof sum_args / sizeof sum_args[0], sum_args);
}

/* Copies the few vectors into scratch from element offset on, contiguous
 * along k, and points p at the copy. */
static gpuk_status gather_x(gpuk_stream *s, const gpuk__gemm_args *g, gpuk__gemm_skinny_view *p,
                            gpuk_buffer *scratch, size_t offset) {
  gpuk_arg args[] = {gpuk_arg_u32((uint32_t)p->few),
                     gpuk_arg_u32((uint32_t)g->k),
                     gpuk_arg_buffer((gpuk_buffer *)p->small),
                     gpuk_arg_u64(p->small_offset),
                     gpuk_arg_u32((uint32_t)p->small_f),
                     gpuk_arg_u32((uint32_t)p->small_p),
                     gpuk_arg_buffer(scratch),
                     gpuk_arg_u64(offset)};
  gpuk_status st = launch_step(s, "gpuk_gemm_skinny_gather_x", p->few * g->k, g->dtype,
                               sizeof args / sizeof args[0], args);
  p->small = scratch;
  p->small_offset = offset;
  p->small_f = g->k;
  p->small_p = 1;
  return st;
}

gpuk_status gpuk__gemm_skinny(gpuk_stream *s, const gpuk__gemm_args *g) {
  gpuk_device *d = s->obj.device;
  if (!d->ops->kernel_launch) return gpuk__unsupported(d, "gemm");
  gpuk__gemm_skinny_view p = gpuk__gemm_skinny_view_of(g, g->m <= g->n);
  const size_t elem = g->dtype == GPUK_FLOAT64 ? 8 : 4;
  const skinny_layout layout = choose_layout(&d->entry.info, &p, g->dtype);
  const size_t groups = (p.len + per_group(&p, layout) - 1) / per_group(&p, layout);
  const size_t slices = choose_slices(&d->entry.info, groups, g->k);
  const size_t kc = (g->k + slices - 1) / slices;
  /* The scratch buffer holds the slices' partial sums, then (dots form, the
   * few vectors strided along k) their copy, which the loads along k of
   * every row of Y then find contiguous. */
  const size_t partials = slices > 1 ? slices * p.few * p.len : 0;
  const size_t x_copy = gpuk__gemm_skinny_gathers_small(&p) ? p.few * g->k : 0;
  if (!partials && !x_copy) return launch(s, g, &p, layout, groups, 1, kc, g->c);
  pthread_mutex_lock(&s->scratch_lock);
  gpuk_buffer *scratch = NULL;
  gpuk_status st = gpuk__stream_scratch(s, (partials + x_copy) * elem, &scratch);
  if (!st && x_copy) st = gather_x(s, g, &p, scratch, partials);
  if (!st) st = launch(s, g, &p, layout, groups, slices, kc, partials ? scratch : g->c);
  pthread_mutex_unlock(&s->scratch_lock);
  return st;
}

size_t gpuk__gemm_skinny_local_bytes(gpuk_dtype dtype) {
  /* The dots form's sums on GPUs: FEW x WL rows of WK + 1. */
  const size_t rows = GPUK__GEMM_SKINNY_MAX * (GPUK__GEMM_SKINNY_WG / GPU_WK);
  return rows * (GPU_WK + 1) * (dtype == GPUK_FLOAT64 ? 8 : 4);
}
