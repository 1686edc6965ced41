/* The generated kernels tests/cuda_emulation runs on the host as the CUDA
 * backend compiles them (the OpenCL C the library generates, after
 * kernels/cuda_prelude.h): X-macro lists read by emit_generated.c, which
 * writes their sources at build time, by generated_variant.cpp, which runs
 * them, and by the test, which checks them against host references written
 * in terms of EmulatedInputs `in` and the index i. */
#ifndef GPUK_EMULATED_GENERATED_SPECS_H
#define GPUK_EMULATED_GENERATED_SPECS_H

/* Every reduction takes these arguments (each uses some), so that one piece
 * of glue launches any of them. */
#define GPUK_EMULATED_REDUCTION_ARGUMENTS \
  "const double *x, const float *w, const int *v, const uint *u, long k"

/* X(name, dtype, type (OpenCL C), neutral, reduce_expr, map_expr, preamble,
 *   host_type, host_neutral, host_map, host_reduce): the host reference
 *   reduces host_map over the range with host_reduce in host_type (double
 *   for floating types, the same integer type otherwise). */
#define GPUK_EMULATED_REDUCTIONS(X)                                                                \
  X(sum_f32, GPUK_FLOAT32, float, "0", "a + b", "w[i]", NULL, double, 0.0, (double)in.w[i], a + b) \
  X(dot_f64, GPUK_FLOAT64, double, "0", "a + b", "x[i] * (double)w[i]", NULL, double, 0.0,         \
    in.x[i] * (double)in.w[i], a + b)                                                              \
  X(max_square_f32, GPUK_FLOAT32, float, "-INFINITY", "fmax(a, b)", "square(w[i])",                \
    "static inline float square(float t) { return t * t; }", double, -HUGE_VAL,                    \
    (double)in.w[i] * in.w[i], a < b ? b : a)                                                      \
  X(max_i32, GPUK_INT32, int, "INT_MIN", "max(a, b)", "v[i]", NULL, int32_t, INT32_MIN, in.v[i],   \
    a < b ? b : a)                                                                                 \
  X(max_u32, GPUK_UINT32, uint, "0", "max(a, b)", "u[i]", NULL, uint32_t, 0u, in.u[i],             \
    a < b ? b : a)                                                                                 \
  X(min_u64, GPUK_UINT64, ulong, "ULONG_MAX", "min(a, b)", "(ulong)u[i] ^ (ulong)i", NULL,         \
    uint64_t, UINT64_MAX, (uint64_t)in.u[i] ^ (uint64_t)i, b < a ? b : a)                          \
  X(scaled_sum_i64, GPUK_INT64, long, "0", "a + b", "(long)v[i] * k", NULL, int64_t, 0,            \
    (int64_t)in.v[i] * in.k, a + b)

/* The element-wise kernel: y = a * w + y over [start, stop). */
#define GPUK_EMULATED_ELEMENTWISE_ARGUMENTS "float *y, const float *w, float a"
#define GPUK_EMULATED_ELEMENTWISE_OPERATION "y[i] = a * w[i] + y[i]"

#endif
