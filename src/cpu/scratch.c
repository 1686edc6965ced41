/* Per-thread scratch memory kept between calls (see scratch.h). */
#include "scratch.h"

#include <pthread.h>
#include <stdlib.h>

/* The most a thread keeps: the packing buffers of GEMMs up to about n = 512
 * in float (larger GEMMs amortise an allocation many times over). */
#define SCRATCH_KEEP_BYTES ((size_t)1 << 20)

typedef struct scratch {
  void *memory;
  size_t bytes;
  int in_use;
} scratch;

static pthread_key_t key;
static int key_ok;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *p) {
  scratch *s = p;
  free(s->memory);
  free(s);
}

static void create_key(void) { key_ok = pthread_key_create(&key, free_scratch) == 0; }

/* At unload, threads that outlive the library must not call free_scratch. */
__attribute__((destructor)) static void delete_key(void) {
  if (key_ok) pthread_key_delete(key);
  key_ok = 0;
}

static void *aligned_bytes(size_t bytes) { return aligned_alloc(64, (bytes + 63) / 64 * 64); }

/* The calling thread's record, created on first use; NULL if it cannot be. */
static scratch *mine(void) {
  pthread_once(&key_once, create_key);
  if (!key_ok) return NULL;
  scratch *s = pthread_getspecific(key);
  if (s) return s;
  s = calloc(1, sizeof *s);
  if (s && pthread_setspecific(key, s) != 0) {
    free(s);
    s = NULL;
  }
  return s;
}

void *gpuk__cpu_scratch_get(size_t bytes) {
  scratch *s = bytes <= SCRATCH_KEEP_BYTES ? mine() : NULL;
  if (!s || s->in_use) return aligned_bytes(bytes);
  if (s->bytes < bytes) {
    free(s->memory);
    s->memory = aligned_bytes(bytes);
    s->bytes = s->memory ? bytes : 0;
  }
  if (!s->memory) return NULL;
  s->in_use = 1;
  return s->memory;
}

void gpuk__cpu_scratch_put(void *p) {
  scratch *s = key_ok ? pthread_getspecific(key) : NULL;
  if (s && s->in_use && p == s->memory)
    s->in_use = 0;
  else
    free(p);
}
