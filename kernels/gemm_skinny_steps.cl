/* The steps around kernels/gemm_skinny.cl (see there for X, Y, Z and the
 * slices of k). Defines: GPUK_DOUBLE.
 * - gpuk_gemm_skinny_gather_x, before it in the dots form where the few
 *   vectors are not contiguous along k: out[f * k + p] = X(f, p), with X(f, p)
 *   at x[f * xs_f + p * xs_p], over few * k elements (grid-stride, neighbours
 *   along f: X's rows p are its contiguous runs then).
 * - gpuk_gemm_skinny_sum, after it where k was cut into slices:
 *   Z(f, l) = alpha * (the sum over slices s of partials[(s * few + f) * len + l])
 *             + beta * Z(f, l), over few * len elements, grid-stride; Z(f, l)
 *   at z[f * zs_f + l * zs_l]. beta == 0 never reads Z. */
#if GPUK_DOUBLE
#ifdef __OPENCL_VERSION__
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
typedef double real;
#else
typedef float real;
#endif

__kernel void gpuk_gemm_skinny_gather_x(const uint few, const uint k,
                                        __global const real *restrict x, const ulong x_offset,
                                        const uint xs_f, const uint xs_p,
                                        __global real *restrict out, const ulong out_offset) {
  x += x_offset;
  out += out_offset;
  const ulong total = (ulong)few * k;
  for (ulong e = get_global_id(0); e < total; e += get_global_size(0)) {
    const uint p = (uint)(e / few), f = (uint)(e % few);
    out[(ulong)f * k + p] = x[(ulong)f * xs_f + (ulong)p * xs_p];
  }
}

__kernel void gpuk_gemm_skinny_sum(const uint few, const uint len, const uint slices,
                                   const real alpha, const real beta,
                                   __global const real *restrict partials, __global real *z,
                                   const ulong z_offset, const uint zs_f, const uint zs_l) {
  z += z_offset;
  const ulong total = (ulong)few * len;
  for (ulong e = get_global_id(0); e < total; e += get_global_size(0)) {
    real s = (real)0;
    for (uint slice = 0; slice < slices; slice++) s += partials[slice * total + e];
    const uint f = (uint)(e / len), l = (uint)(e % len);
    __global real *zp = z + (ulong)f * zs_f + (ulong)l * zs_l;
    *zp = beta == (real)0 ? alpha * s : alpha * s + beta * *zp;
  }
}
