/* GCC vector types and the run-time AVX2+FMA check shared by the CPU
 * backend's hand-vectorised loops (GEMM micro-kernel, dot). A function is
 * written once as a macro body and instantiated twice: for the baseline
 * target and, under GPUK_TARGET_AVX2, for AVX2+FMA; gpuk__cpu_have_avx2_fma()
 * picks one at run time. */
#ifndef GPUK_CPU_SIMD_H
#define GPUK_CPU_SIMD_H

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));
/* The same vectors at any element-aligned address. */
typedef float v4f_unaligned __attribute__((vector_size(16), aligned(4), may_alias));
typedef float v8f_unaligned __attribute__((vector_size(32), aligned(4), may_alias));
typedef double v4d_unaligned __attribute__((vector_size(32), aligned(8), may_alias));

/* No cache of its own: __builtin_cpu_supports reads flags set once by libgcc's
 * constructor, and a lazily filled static was a data race between threads. */
static inline int gpuk__cpu_have_avx2_fma(void) {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

#if defined(__x86_64__) || defined(__i386__)
#define GPUK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define GPUK_TARGET_AVX2
#endif

#endif
