/* BabelStream's vector operations (copy, scale, add, triad) on float, as
 * grid-stride loops with a 64-bit index, or one element per work-item where
 * the library builds them with -DGPUK_ONE_PER_ITEM (CPU drivers, see
 * src/core/shape.h). GPUK_WG is the work-group size the library launches
 * with. The dot is a generated reduction (src/core/vec_expr.c): the
 * hand-written one here was slower on every device measured. */
#ifndef GPUK_WG
#define GPUK_WG 256
#endif

/* FOR_EACH(i, n) statement: runs statement for the work-item's indices i < n. */
#ifdef GPUK_ONE_PER_ITEM
#define FOR_EACH(i, n) for (ulong i = get_global_id(0); i < (n); i = (n))
#else
#define FOR_EACH(i, n) for (ulong i = get_global_id(0); i < (n); i += get_global_size(0))
#endif

__kernel void gpuk_copy(__global const float *restrict a, __global float *restrict c, ulong n) {
  FOR_EACH(i, n) c[i] = a[i];
}

__kernel void gpuk_scale(__global const float *restrict c, __global float *restrict b,
                         float scalar, ulong n) {
  FOR_EACH(i, n) b[i] = scalar * c[i];
}

__kernel void gpuk_add(__global const float *restrict a, __global const float *restrict b,
                       __global float *restrict c, ulong n) {
  FOR_EACH(i, n) c[i] = a[i] + b[i];
}

__kernel void gpuk_triad(__global const float *restrict b, __global const float *restrict c,
                         __global float *restrict a, float scalar, ulong n) {
  FOR_EACH(i, n) a[i] = b[i] + scalar * c[i];
}

/* gpuk_buffer_copy and gpuk_buffer_fill on CPU drivers (src/opencl/memory.c):
 * n 4-byte words from word src_first of src to word dst_first of dst, and n
 * words from word first of dst set to value. */
__kernel void gpuk_copy_words(__global const uint *restrict src, ulong src_first,
                              __global uint *restrict dst, ulong dst_first, ulong n) {
  FOR_EACH(i, n) dst[dst_first + i] = src[src_first + i];
}

__kernel void gpuk_fill_words(__global uint *restrict dst, ulong first, ulong n, uint value) {
  FOR_EACH(i, n) dst[first + i] = value;
}

/* Does nothing: measures launch overhead. */
__kernel void gpuk_empty(void) {}
