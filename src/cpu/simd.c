/* Which instruction set the CPU backend's vector loops are laid out for. */
#include "simd.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if GPUK_CPU_X86
#include <cpuid.h>
#endif

/* Whether the machine splits each 512-bit operation into two 256-bit halves:
 * AMD's Zen 4 (family 19h, whose only parts with AVX-512 are Zen 4). Read
 * once: CPUID leaves a virtual machine for the hypervisor. */
static int avx512_in_halves;
static pthread_once_t avx512_in_halves_once = PTHREAD_ONCE_INIT;
static void find_avx512_in_halves(void) {
#if GPUK_CPU_X86
  unsigned a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return;
  const int amd = b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163; /* AuthenticAMD */
  if (!amd || !__get_cpuid(1, &a, &b, &c, &d)) return;
  unsigned family = (a >> 8) & 0xf;
  if (family == 0xf) family += (a >> 20) & 0xff;
  avx512_in_halves = family == 0x19;
#endif
}

/* GPUK_CPU_ISA's choice, or -1 where it makes none. */
static int requested_isa(void) {
  const char *env = getenv("GPUK_CPU_ISA"); /* baseline, avx2 or avx512, else ignored */
  if (env && strcmp(env, "baseline") == 0) return GPUK__CPU_BASELINE;
  if (env && strcmp(env, "avx2") == 0) return GPUK__CPU_AVX2;
  if (env && strcmp(env, "avx512") == 0) return GPUK__CPU_AVX512;
  return -1;
}

static gpuk__cpu_isa_kind widest(void) {
  if (gpuk__cpu_runs(GPUK__CPU_AVX512)) return GPUK__CPU_AVX512;
  return gpuk__cpu_runs(GPUK__CPU_AVX2) ? GPUK__CPU_AVX2 : GPUK__CPU_BASELINE;
}

gpuk__cpu_isa_kind gpuk__cpu_isa(void) {
  const int requested = requested_isa();
  return requested >= 0 ? (gpuk__cpu_isa_kind)requested : widest();
}

/* Where 512-bit operations run in halves they do no more work per cycle than
 * 256-bit ones, and the 12 x 32 float micro-tile (its 32 KB sliver of packed
 * B as big as the L1 cache) ran slower than the 6 x 16 one: 2-core AVX-512
 * EPYC, gpuk-bench matmul --device cpu --sizes 1024,2048, three rounds
 * alternating through GPUK_CPU_ISA: n = 2048 186-192 GFLOP/s against 202-212
 * (double 93 against 103), n = 1024 171-188 against 173-198 (double 88
 * against 94-97). The skinny path keeps AVX-512 there: with AVX2 8 x 8 x
 * 1000000 took 8-12% longer, 3 x 5 x 20000 18% (two rounds). */
gpuk__cpu_isa_kind gpuk__cpu_blocked_gemm_isa(void) {
  const int requested = requested_isa();
  if (requested >= 0) return (gpuk__cpu_isa_kind)requested;
  const gpuk__cpu_isa_kind isa = widest();
  if (isa != GPUK__CPU_AVX512) return isa;
  pthread_once(&avx512_in_halves_once, find_avx512_in_halves);
  return avx512_in_halves ? GPUK__CPU_AVX2 : isa;
}
