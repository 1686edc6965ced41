/* A minimal fork-join helper: one pthread per extra core per call. Simple and
 * good enough for bandwidth-bound loops over millions of elements; a persistent
 * pool would cut the ~20 us start cost for small calls. GPUK_CPU_THREADS sets the
 * thread count. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpu.h"

#define MAX_THREADS 256

unsigned gpuk__cpu_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  const char *env = getenv("GPUK_CPU_THREADS"); /* a positive integer, else ignored */
  if (env && *env) {
    char *end;
    long v = strtol(env, &end, 10);
    if (*end == '\0' && v >= 1) n = v;
  }
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
  return (unsigned)n;
}

typedef struct chunk {
  gpuk__cpu_range_fn fn;
  void *ctx;
  size_t begin, end;
} chunk;

static void *run_chunk(void *p) {
  chunk *c = p;
  c->fn(c->ctx, c->begin, c->end);
  return NULL;
}

void gpuk__cpu_parallel_for(size_t n, size_t grain, gpuk__cpu_range_fn fn, void *ctx) {
  if (n == 0) return;
  size_t threads = gpuk__cpu_threads();
  if (grain == 0) grain = 1;
  if (threads > n / grain) threads = n / grain;
  if (threads <= 1) {
    fn(ctx, 0, n);
    return;
  }
  chunk chunks[MAX_THREADS];
  pthread_t ids[MAX_THREADS];
  int started[MAX_THREADS] = {0};
  size_t per = (n + threads - 1) / threads;
  for (size_t t = 0; t < threads; t++) {
    chunks[t].fn = fn;
    chunks[t].ctx = ctx;
    chunks[t].begin = t * per < n ? t * per : n;
    chunks[t].end = (t + 1) * per < n ? (t + 1) * per : n;
  }
  /* Chunk 0 runs here; a thread that fails to start runs here too. */
  for (size_t t = 1; t < threads; t++)
    started[t] = pthread_create(&ids[t], NULL, run_chunk, &chunks[t]) == 0;
  run_chunk(&chunks[0]);
  for (size_t t = 1; t < threads; t++) {
    if (started[t])
      pthread_join(ids[t], NULL);
    else
      run_chunk(&chunks[t]);
  }
}
