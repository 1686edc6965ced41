/* GCC vector types and the instruction-set choice shared by the CPU backend's
 * hand-vectorised loops (GEMM micro-kernels, dot). A function is written once
 * as a macro body and instantiated for the baseline target and, under
 * GPUK_TARGET_AVX2 / GPUK_TARGET_AVX512, for those instruction sets;
 * gpuk__cpu_isa() says which set the loops should be laid out for, and
 * gpuk__cpu_runs() whether the machine can run that set's clone (a layout
 * chosen by GPUK_CPU_ISA without the instructions runs its baseline clone). */
#ifndef GPUK_CPU_SIMD_H
#define GPUK_CPU_SIMD_H

/* 1 on x86 (32 or 64-bit), where the AVX2 / AVX-512 clones and intrinsics
 * exist; the one place that asks. */
#if defined(__x86_64__) || defined(__i386__)
#define GPUK_CPU_X86 1
#include <immintrin.h>
#else
#define GPUK_CPU_X86 0
#endif

typedef float v4f __attribute__((vector_size(16)));
typedef double v2d __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));
typedef double v8d __attribute__((vector_size(64)));
/* The same vectors at any element-aligned address. */
typedef float v4f_unaligned __attribute__((vector_size(16), aligned(4), may_alias));
typedef double v2d_unaligned __attribute__((vector_size(16), aligned(8), may_alias));
typedef float v8f_unaligned __attribute__((vector_size(32), aligned(4), may_alias));
typedef double v4d_unaligned __attribute__((vector_size(32), aligned(8), may_alias));
typedef float v16f_unaligned __attribute__((vector_size(64), aligned(4), may_alias));
typedef double v8d_unaligned __attribute__((vector_size(64), aligned(8), may_alias));

typedef enum gpuk__cpu_isa_kind {
  GPUK__CPU_BASELINE, /* what the compiler targets by default */
  GPUK__CPU_AVX2,     /* AVX2 + FMA: 256-bit vectors */
  GPUK__CPU_AVX512    /* AVX-512F: 512-bit vectors */
} gpuk__cpu_isa_kind;

/* No caches of their own: __builtin_cpu_supports reads flags set once by
 * libgcc's constructor, and a lazily filled static was a data race. */
static inline int gpuk__cpu_have_avx2_fma(void) {
#if GPUK_CPU_X86
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

static inline int gpuk__cpu_have_avx512f(void) {
#if GPUK_CPU_X86
  return __builtin_cpu_supports("avx512f") && gpuk__cpu_have_avx2_fma();
#else
  return 0;
#endif
}

/* Whether the machine has the instructions of isa (the baseline always). */
static inline int gpuk__cpu_runs(gpuk__cpu_isa_kind isa) {
  return isa == GPUK__CPU_AVX512 ? gpuk__cpu_have_avx512f()
         : isa == GPUK__CPU_AVX2 ? gpuk__cpu_have_avx2_fma()
                                 : 1;
}

/* GPUK_CPU_ISA (baseline, avx2, avx512) when set, else the widest the
 * machine has. */
gpuk__cpu_isa_kind gpuk__cpu_isa(void);
/* The layout of the blocked GEMM (gemm.c): gpuk__cpu_isa(), except AVX2
 * where GPUK_CPU_ISA is not set and the machine runs AVX-512 in 256-bit
 * halves (AMD Zen 4). */
gpuk__cpu_isa_kind gpuk__cpu_blocked_gemm_isa(void);

#if GPUK_CPU_X86
#define GPUK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define GPUK_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define GPUK_TARGET_AVX2
#define GPUK_TARGET_AVX512
#endif

#endif
