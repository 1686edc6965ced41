/* Which instruction set the CPU backend's vector loops are laid out for. */
#include "simd.h"

#include <stdlib.h>
#include <string.h>

gpuk__cpu_isa_kind gpuk__cpu_isa(void) {
  const char *env = getenv("GPUK_CPU_ISA"); /* baseline, avx2 or avx512, else ignored */
  if (env && strcmp(env, "baseline") == 0) return GPUK__CPU_BASELINE;
  if (env && strcmp(env, "avx2") == 0) return GPUK__CPU_AVX2;
  if (env && strcmp(env, "avx512") == 0) return GPUK__CPU_AVX512;
  return gpuk__cpu_runs(GPUK__CPU_AVX512) ? GPUK__CPU_AVX512
         : gpuk__cpu_runs(GPUK__CPU_AVX2)  ? GPUK__CPU_AVX2
                                           : GPUK__CPU_BASELINE;
}
