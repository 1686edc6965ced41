/* When to store around the caches, and a copy that does (see streaming.h). */
#include "streaming.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Used when neither sysfs nor sysconf knows the last-level cache. */
#define DEFAULT_LAST_LEVEL_CACHE ((size_t)32 << 20)

/* Reads "32768K"-style sizes (K, M or G suffix, or bytes). */
static size_t parse_size(const char *text) {
  char *end;
  unsigned long long v = strtoull(text, &end, 10);
  if (end == text) return 0;
  if (*end == 'K') v <<= 10;
  if (*end == 'M') v <<= 20;
  if (*end == 'G') v <<= 30;
  return (size_t)v;
}

static int read_line(const char *path, char *out, size_t size) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  const int ok = fgets(out, (int)size, f) != NULL;
  fclose(f);
  return ok;
}

/* The data or unified cache of the highest level that cpu0 reports in sysfs
 * (the cache its core shares: sysconf reports the whole package's L3 on some
 * machines, e.g. 256 MB for an EPYC whose cores share 32 MB). */
static size_t sysfs_last_level_cache(void) {
  size_t best = 0;
  int best_level = 0;
  for (int index = 0; index < 16; index++) {
    char path[96], level[32], type[32], size[32];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", index);
    if (!read_line(path, level, sizeof level)) break;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", index);
    if (read_line(path, type, sizeof type) && strncmp(type, "Instruction", 11) == 0) continue;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
    if (!read_line(path, size, sizeof size)) continue;
    const int l = atoi(level);
    const size_t bytes = parse_size(size);
    if (l > best_level && bytes > 0) {
      best_level = l;
      best = bytes;
    }
  }
  return best;
}

static size_t last_level_cache;
static pthread_once_t last_level_cache_once = PTHREAD_ONCE_INIT;

static void find_last_level_cache(void) {
  size_t bytes = sysfs_last_level_cache();
#ifdef _SC_LEVEL3_CACHE_SIZE
  if (!bytes && sysconf(_SC_LEVEL3_CACHE_SIZE) > 0) bytes = (size_t)sysconf(_SC_LEVEL3_CACHE_SIZE);
  if (!bytes && sysconf(_SC_LEVEL2_CACHE_SIZE) > 0) bytes = (size_t)sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
  last_level_cache = bytes ? bytes : DEFAULT_LAST_LEVEL_CACHE;
}

int gpuk__cpu_use_streaming(size_t bytes) {
  if (!GPUK_CPU_HAVE_STREAMING) return 0;
  const char *env = getenv("GPUK_CPU_STREAMING_BYTES"); /* a non-negative integer, else ignored */
  if (env && *env) {
    char *end;
    const unsigned long long v = strtoull(env, &end, 10);
    if (*end == '\0' && env[0] != '-') return v > 0 && bytes >= v;
  }
  pthread_once(&last_level_cache_once, find_last_level_cache);
  return bytes >= last_level_cache;
}

#if GPUK_CPU_HAVE_STREAMING
/* 64 bytes from s to d (16-byte aligned) around the caches: a cache line per
 * step, 4 loads, then 4 stores. */
static inline void stream_64(unsigned char *d, const unsigned char *s) {
  const __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)s);
  const __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
  const __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(s + 32));
  const __m128i v3 = _mm_loadu_si128((const __m128i *)(const void *)(s + 48));
  _mm_stream_si128((__m128i *)(void *)d, v0);
  _mm_stream_si128((__m128i *)(void *)(d + 16), v1);
  _mm_stream_si128((__m128i *)(void *)(d + 32), v2);
  _mm_stream_si128((__m128i *)(void *)(d + 48), v3);
}
#endif

void gpuk__cpu_copy_streaming(void *dst, const void *src, size_t size) {
#if GPUK_CPU_HAVE_STREAMING
  unsigned char *d = dst;
  const unsigned char *s = src;
  const size_t head = (16 - ((uintptr_t)d & 15)) & 15;
  if (size < head + 64) {
    memcpy(d, s, size);
    return;
  }
  memcpy(d, s, head);
  size_t i = head;
  for (; size - i >= 64; i += 64) stream_64(d + i, s + i);
  memcpy(d + i, s + i, size - i);
  _mm_sfence();
#else
  memcpy(dst, src, size);
#endif
}

void gpuk__cpu_fill_periodic(void *dst, const unsigned char tile[2 * GPUK_CPU_FILL_PERIOD],
                             size_t phase, size_t size, int streaming) {
  unsigned char *d = dst;
  size_t i = 0;
#if GPUK_CPU_HAVE_STREAMING
  if (streaming) {
    for (; i < size && ((uintptr_t)(d + i) & 15); i++)
      d[i] = tile[(phase + i) % GPUK_CPU_FILL_PERIOD];
    for (; size - i >= 64; i += 64) stream_64(d + i, tile + (phase + i) % GPUK_CPU_FILL_PERIOD);
  }
#else
  (void)streaming;
#endif
  for (; size - i >= 64; i += 64) memcpy(d + i, tile + (phase + i) % GPUK_CPU_FILL_PERIOD, 64);
  for (; i < size; i++) d[i] = tile[(phase + i) % GPUK_CPU_FILL_PERIOD];
  gpuk__cpu_stream_fence();
}
