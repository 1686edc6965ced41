/* The CPU backend's path for skinny matrix products (gemm_skinny.c): C with
 * at most GPUK_CPU_SKINNY_MAX rows or columns and at least
 * GPUK_CPU_SKINNY_MIN_LEN of the other, or fewer with a long k, where it
 * beats the blocked path (see gpuk__cpu_gemm_is_skinny). */
#ifndef GPUK_CPU_GEMM_SKINNY_H
#define GPUK_CPU_GEMM_SKINNY_H

#include "../core/gemm.h"
#include "simd.h"

enum { GPUK_CPU_SKINNY_MAX = 16, GPUK_CPU_SKINNY_MIN_LEN = 64 };

/* Whether g (validated, k > 0 included) takes the skinny path. */
int gpuk__cpu_gemm_is_skinny(const gpuk__gemm_args *g);

/* C = alpha * op(A) op(B) + beta * C for a g that is skinny, laid out for isa
 * (its clone for those instructions when fast). */
gpuk_status gpuk__cpu_gemm_skinny(const gpuk__gemm_args *g, gpuk__cpu_isa_kind isa, int fast);

#endif
