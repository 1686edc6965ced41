/* BabelStream's vector operations (copy, scale, add, triad, dot) on float, as
 * grid-stride loops with a 64-bit index (and a chunked dot for CPU drivers). GPUK_WG is the work-group size the
 * library launches with; dot reduces each group in local memory and writes one
 * partial sum per group, which the library adds up in double on the host. */
#ifndef GPUK_WG
#define GPUK_WG 256
#endif

__kernel void gpuk_copy(__global const float *restrict a, __global float *restrict c, ulong n) {
  for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) c[i] = a[i];
}

__kernel void gpuk_scale(__global const float *restrict c, __global float *restrict b,
                         float scalar, ulong n) {
  for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) b[i] = scalar * c[i];
}

__kernel void gpuk_add(__global const float *restrict a, __global const float *restrict b,
                       __global float *restrict c, ulong n) {
  for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) c[i] = a[i] + b[i];
}

__kernel void gpuk_triad(__global const float *restrict b, __global const float *restrict c,
                         __global float *restrict a, float scalar, ulong n) {
  for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) a[i] = b[i] + scalar * c[i];
}

__kernel void gpuk_dot(__global const float *restrict a, __global const float *restrict b,
                       __global float *restrict partial, ulong n) {
  __local float scratch[GPUK_WG];
  float sum = 0.0f;
  for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) sum += a[i] * b[i];
  const uint lid = (uint)get_local_id(0);
  scratch[lid] = sum;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint s = GPUK_WG / 2; s > 0; s >>= 1) {
    if (lid < s) scratch[lid] += scratch[lid + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) partial[get_group_id(0)] = scratch[0];
}

/* dot for CPU OpenCL drivers (PoCL): each work-group sums one contiguous chunk
 * of `chunk` elements, its work-items stepping through it GPUK_WG apart, so
 * that the driver's loop over work-items vectorises; far fewer groups than
 * gpuk_dot needs. */
__kernel void gpuk_dot_chunked(__global const float *restrict a, __global const float *restrict b,
                               __global float *restrict partial, ulong n, ulong chunk) {
  __local float scratch[GPUK_WG];
  const ulong start = get_group_id(0) * chunk;
  const ulong end = start + chunk < n ? start + chunk : n;
  const ulong steps = (chunk + GPUK_WG - 1) / GPUK_WG;
  const uint lid = (uint)get_local_id(0);
  float sum = 0.0f;
  for (ulong s = 0; s < steps; s++) {
    const ulong i = start + s * GPUK_WG + lid;
    if (i < end) sum += a[i] * b[i];
  }
  scratch[lid] = sum;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint s = GPUK_WG / 2; s > 0; s >>= 1) {
    if (lid < s) scratch[lid] += scratch[lid + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) partial[get_group_id(0)] = scratch[0];
}

/* Does nothing: measures launch overhead. */
__kernel void gpuk_empty(void) {}
