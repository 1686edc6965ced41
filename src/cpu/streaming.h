/* Streaming ("non-temporal") stores for the CPU backend's copies and vector
 * ops: once an operation's data outgrow the last-level cache, writing its
 * output around the caches saves the read of every destination line that a
 * plain store first makes (and the eviction of the inputs). Where the machine
 * has no such stores (non-x86 builds), the plain loops run. */
#ifndef GPUK_CPU_STREAMING_H
#define GPUK_CPU_STREAMING_H

#include <stddef.h>
#include <stdint.h>

#include "simd.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define GPUK_CPU_HAVE_STREAMING 1
#else
#define GPUK_CPU_HAVE_STREAMING 0
#endif

/* Whether an operation that reads and writes `bytes` in all should store
 * around the caches: from GPUK_CPU_STREAMING_BYTES bytes when that is set (0:
 * never), else from the size of the last-level cache. */
int gpuk__cpu_use_streaming(size_t bytes);

/* memcpy with streaming stores (plain memcpy without them). */
void gpuk__cpu_copy_streaming(void *dst, const void *src, size_t size);

/* Fills: a pattern of a power-of-two size up to GPUK_CPU_FILL_PERIOD bytes,
 * laid out as a tile of twice that period (byte k = pattern[k % size]), so
 * that the 64 bytes from any phase of it are contiguous. */
#define GPUK_CPU_FILL_PERIOD 128
/* Writes size bytes at dst, byte j being tile[(phase + j) % GPUK_CPU_FILL_PERIOD],
 * with streaming stores when streaming (and the machine has them). */
void gpuk__cpu_fill_periodic(void *dst, const unsigned char tile[2 * GPUK_CPU_FILL_PERIOD],
                             size_t phase, size_t size, int streaming);

/* Whether p is where a streaming store of 4 floats may go (16-byte aligned). */
static inline int gpuk__cpu_stream_aligned(const float *p) { return ((uintptr_t)p & 15) == 0; }

/* Stores v at p (16-byte aligned) around the caches. */
static inline void gpuk__cpu_stream4(float *p, v4f v) {
#if GPUK_CPU_HAVE_STREAMING
  _mm_stream_ps(p, (__m128)v);
#else
  *(v4f *)(void *)p = v;
#endif
}

/* Orders a thread's streaming stores before whatever it does next (they are
 * weakly ordered): call once at the end of a range of them. */
static inline void gpuk__cpu_stream_fence(void) {
#if GPUK_CPU_HAVE_STREAMING
  _mm_sfence();
#endif
}

#endif
