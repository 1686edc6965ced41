/* Launch shapes of one-dimensional kernels over n elements (the built-in
 * stream kernels and generated expression kernels). */
#ifndef GPUK_CORE_SHAPE_H
#define GPUK_CORE_SHAPE_H

#include "backend.h"

typedef struct gpuk__launch_shape {
  size_t wg;     /* work-group size: a power of two, also passed as -DGPUK_WG */
  size_t groups; /* number of work-groups (grid-stride beyond that) */
  char options[64]; /* -DGPUK_WG=wg; on CPUs -DGPUK_ONE_PER_ITEM (element-wise)
                       or -DGPUK_CONTIGUOUS (reductions) */
} gpuk__launch_shape;

/* Element-wise kernels: GPUs get enough groups to fill every compute unit many
 * times over, then each work-item strides. CPU OpenCL drivers (PoCL) vectorise
 * across the work-items of a group only when each item does one element
 * without a loop around it, so they get one group per wg elements and
 * -DGPUK_ONE_PER_ITEM, which ends the kernels' grid-stride loops after their
 * first element (`i = stop` in place of `i += get_global_size(0)`; a loop
 * still, for operations that `continue`) in kernels/stream.cl and generated
 * element-wise kernels: a float triad on PoCL moved 35-37 GB/s that way
 * against 26-29 through the grid-stride loop, which ran once per item too
 * (2026-11-25). A kernel built with the option must be launched with
 * this shape: groups * wg >= n. */
gpuk__launch_shape gpuk__stream_shape(const gpuk_device *device, size_t n);

/* The shape generated reductions are built with: the element-wise one's wg,
 * and on CPU devices -DGPUK_CONTIGUOUS (each work-item reduces its own run
 * of the chunk; see expr_codegen.c). */
gpuk__launch_shape gpuk__reduction_shape(const gpuk_device *device);

/* Reductions over contiguous chunks (one per group): a few groups per core on
 * CPU drivers, many per compute unit on GPUs; *chunk is a multiple of wg. */
gpuk__launch_shape gpuk__chunked_shape(const gpuk_device *device, size_t n, size_t *chunk);

#endif
