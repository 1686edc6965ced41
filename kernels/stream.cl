/* BabelStream's vector operations (copy, scale, add, triad, dot) on float, as
 * grid-stride loops with a 64-bit index. GPUK_WG is the work-group size the
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

/* Does nothing: measures launch overhead. */
__kernel void gpuk_empty(void) {}
