/* CPU buffers are aligned host allocations; copies and fills run eagerly,
 * split across cores for large sizes, with streaming stores once they are
 * larger than the last-level cache. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../core/error.h"
#include "cpu.h"
#include "streaming.h"

/* Below this, one thread copies faster than starting more. */
#define PARALLEL_COPY_BYTES ((size_t)4 << 20)

/* Buffers of at least HUGE_PAGE_MIN_BYTES are 2 MiB-aligned and advised to
 * use transparent huge pages (where the kernel gives them only when asked,
 * like Debian's default `madvise`): with 4 KiB pages every 4 KiB of a
 * streamed vector is a TLB miss, and on the 2-core EPYC VM triad, axpy and
 * dot ran 10-25% slower. GPUK_CPU_HUGE_PAGES=0 turns the advice off. */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_PAGE_MIN_BYTES ((size_t)8 << 20)

static int huge_pages_wanted(size_t size) {
  if (size < HUGE_PAGE_MIN_BYTES) return 0;
  const char *env = getenv("GPUK_CPU_HUGE_PAGES"); /* "0" turns the advice off */
  return !(env && strcmp(env, "0") == 0);
}

static gpuk_status buffer_create(gpuk_buffer *b) {
  const int huge = huge_pages_wanted(b->size);
  const size_t align = huge ? HUGE_PAGE : 64;
  size_t rounded = (b->size + align - 1) & ~(align - 1);
  void *p = rounded >= b->size ? aligned_alloc(align, rounded) : NULL;
  if (!p)
    return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate %zu bytes on the CPU device",
                           b->size);
#ifdef MADV_HUGEPAGE
  if (huge) (void)madvise(p, rounded, MADV_HUGEPAGE); /* advice: without it, small pages */
#endif
  b->impl = p;
  return GPUK_SUCCESS;
}

static void buffer_destroy(gpuk_buffer *b) { free(b->impl); }

typedef struct copy_job {
  unsigned char *dst;
  const unsigned char *src;
  int streaming;
} copy_job;

static void copy_range(void *ctx, size_t begin, size_t end) {
  copy_job *j = ctx;
  if (j->streaming)
    gpuk__cpu_copy_streaming(j->dst + begin, j->src + begin, end - begin);
  else
    memcpy(j->dst + begin, j->src + begin, end - begin);
}

void gpuk__cpu_copy(void *dst, const void *src, size_t size) {
  copy_job j = {dst, src, gpuk__cpu_use_streaming(2 * size)};
  gpuk__cpu_parallel_for(size, PARALLEL_COPY_BYTES, copy_range, &j);
}

static gpuk_status buffer_write(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                                const void *src) {
  (void)s;
  gpuk__cpu_copy(gpuk__cpu_ptr(b) + off, src, size);
  return GPUK_SUCCESS;
}

static gpuk_status buffer_read(gpuk_stream *s, const gpuk_buffer *b, size_t off, size_t size,
                               void *dst) {
  (void)s;
  gpuk__cpu_copy(dst, gpuk__cpu_ptr(b) + off, size);
  return GPUK_SUCCESS;
}

static gpuk_status buffer_copy(gpuk_stream *s, const gpuk_buffer *src, size_t src_off,
                               gpuk_buffer *dst, size_t dst_off, size_t size) {
  (void)s;
  gpuk__cpu_copy(gpuk__cpu_ptr(dst) + dst_off, gpuk__cpu_ptr(src) + src_off, size);
  return GPUK_SUCCESS;
}

typedef struct fill_job {
  unsigned char *dst;
  unsigned char tile[2 * GPUK_CPU_FILL_PERIOD];
  int streaming;
} fill_job;

static void fill_range(void *ctx, size_t begin, size_t end) {
  fill_job *j = ctx;
  gpuk__cpu_fill_periodic(j->dst + begin, j->tile, begin % GPUK_CPU_FILL_PERIOD, end - begin,
                          j->streaming);
}

/* The pattern (a power of two of at most GPUK_CPU_FILL_PERIOD bytes, checked)
 * spread over a tile, then 64 bytes of it per store step, across threads:
 * a 4-byte pattern over 128 MiB went from 66-75 ms (a memcpy call per
 * element) to ~6, on the 2-core EPYC. */
static gpuk_status buffer_fill(gpuk_stream *s, gpuk_buffer *b, size_t off, size_t size,
                               const void *pattern, size_t pattern_size) {
  (void)s;
  fill_job j;
  j.dst = gpuk__cpu_ptr(b) + off;
  for (size_t k = 0; k < sizeof j.tile; k++)
    j.tile[k] = ((const unsigned char *)pattern)[k % pattern_size];
  j.streaming = gpuk__cpu_use_streaming(size);
  gpuk__cpu_parallel_for(size, PARALLEL_COPY_BYTES, fill_range, &j);
  return GPUK_SUCCESS;
}

void gpuk__cpu_fill_memory_ops(gpuk_backend_ops *ops) {
  ops->buffer_create = buffer_create;
  ops->buffer_destroy = buffer_destroy;
  ops->buffer_write = buffer_write;
  ops->buffer_read = buffer_read;
  ops->buffer_copy = buffer_copy;
  ops->buffer_fill = buffer_fill;
}
