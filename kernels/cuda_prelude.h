/* Prepended by the CUDA backend to portable OpenCL C sources before NVRTC
 * compiles them: maps the OpenCL C subset libgpuk's kernels use onto CUDA
 * (modelled on CLBlast's opencl_to_cuda.h). Kernels must use statically sized
 * __local arrays (__local pointer parameters have no CUDA equivalent) and the
 * double-underscore qualifiers: the bare ones (kernel, global, constant) would
 * break CUDA's own __global__ and __constant__, which expand to attributes
 * with those names. */
#define __kernel extern "C" __global__
#define __global
#define __local __shared__
#define __constant const
#define __private
#define restrict __restrict__
#define CLK_LOCAL_MEM_FENCE 1
#define CLK_GLOBAL_MEM_FENCE 2
#define barrier(flags) __syncthreads()
#define mem_fence(flags) __threadfence_block()

/* The prelude's functions: unused ones must not fill a kernel's compiler log
 * with "declared but never referenced" warnings (NVRTC's #177) about lines
 * the user never wrote. */
#define GPUK_PRELUDE_FN static __device__ __forceinline__ __attribute__((unused))

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long long ulong;
typedef unsigned long long gpuk_size_t;
#define size_t gpuk_size_t

GPUK_PRELUDE_FN size_t get_local_id(uint d) {
  return d == 0 ? threadIdx.x : d == 1 ? threadIdx.y : d == 2 ? threadIdx.z : 0;
}
GPUK_PRELUDE_FN size_t get_group_id(uint d) {
  return d == 0 ? blockIdx.x : d == 1 ? blockIdx.y : d == 2 ? blockIdx.z : 0;
}
GPUK_PRELUDE_FN size_t get_local_size(uint d) {
  return d == 0 ? blockDim.x : d == 1 ? blockDim.y : d == 2 ? blockDim.z : 1;
}
GPUK_PRELUDE_FN size_t get_num_groups(uint d) {
  return d == 0 ? gridDim.x : d == 1 ? gridDim.y : d == 2 ? gridDim.z : 1;
}
GPUK_PRELUDE_FN size_t get_global_id(uint d) {
  return get_group_id(d) * get_local_size(d) + get_local_id(d);
}
GPUK_PRELUDE_FN size_t get_global_size(uint d) {
  return get_num_groups(d) * get_local_size(d);
}
/* OpenCL C's vloadN/vstoreN for the widths the portable kernels use. Unlike
 * OpenCL's, they need p + i * N aligned to the vector's size. */
#define GPUK_VECTOR_ACCESS(T, N)                           \
  GPUK_PRELUDE_FN T##N vload##N(size_t i, const T *p) {    \
    return reinterpret_cast<const T##N *>(p)[i];           \
  }                                                        \
  GPUK_PRELUDE_FN void vstore##N(T##N x, size_t i, T *p) { \
    reinterpret_cast<T##N *>(p)[i] = x;                    \
  }
GPUK_VECTOR_ACCESS(float, 2)
GPUK_VECTOR_ACCESS(float, 4)
GPUK_VECTOR_ACCESS(double, 2)
#undef GPUK_VECTOR_ACCESS

GPUK_PRELUDE_FN float mad(float a, float b, float c) { return fmaf(a, b, c); }
GPUK_PRELUDE_FN double mad(double a, double b, double c) { return fma(a, b, c); }

/* OpenCL C's constants (NVRTC has no <math.h>, <float.h> or <limits.h>). */
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif
#ifndef NAN
#define NAN __int_as_float(0x7fffffff)
#endif
#define M_PI_F 3.14159265358979323846f
#define M_PI 3.14159265358979323846
#define FLT_MAX 3.402823466e+38f
#define FLT_MIN 1.175494351e-38f
#define FLT_EPSILON 1.192092896e-07f
#define DBL_MAX 1.7976931348623158e+308
#define DBL_MIN 2.2250738585072014e-308
#define DBL_EPSILON 2.2204460492503131e-16
#define INT_MAX 2147483647
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX 0xffffffffu
#define LONG_MAX 0x7fffffffffffffffLL
#define LONG_MIN (-LONG_MAX - 1)
#define ULONG_MAX 0xffffffffffffffffULL
