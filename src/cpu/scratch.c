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
  struct scratch *prev, *next; /* in `all` */
} scratch;

/* Every thread's record, linked from a global so that leak checkers see the
 * memory as reachable (they missed it behind pthread_setspecific and in
 * thread-local storage of the pool's workers); the key frees a thread's
 * record when the thread exits. */
static pthread_mutex_t all_lock = PTHREAD_MUTEX_INITIALIZER;
static scratch *all;
static _Thread_local scratch *mine_tls;
static pthread_key_t key;
static int key_ok;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *p) {
  scratch *s = p;
  pthread_mutex_lock(&all_lock);
  if (s->prev)
    s->prev->next = s->next;
  else
    all = s->next;
  if (s->next) s->next->prev = s->prev;
  pthread_mutex_unlock(&all_lock);
  free(s->memory);
  free(s);
  mine_tls = NULL;
}

static void create_key(void) {
  key_ok = pthread_key_create(&key, free_scratch) == 0;
}

/* At unload, threads that outlive the library must not call free_scratch. */
__attribute__((destructor)) static void delete_key(void) {
  if (key_ok) pthread_key_delete(key);
  key_ok = 0;
}

static void *aligned_bytes(size_t bytes) {
  return aligned_alloc(64, (bytes + 63) / 64 * 64);
}

/* The calling thread's record, created on first use; NULL if it cannot be
 * (then nothing is kept). */
static scratch *mine(void) {
  if (mine_tls) return mine_tls;
  pthread_once(&key_once, create_key);
  scratch *s = key_ok ? calloc(1, sizeof *s) : NULL;
  if (!s) return NULL;
  if (pthread_setspecific(key, s) != 0) {
    free(s);
    return NULL;
  }
  pthread_mutex_lock(&all_lock);
  s->next = all;
  if (all) all->prev = s;
  all = s;
  pthread_mutex_unlock(&all_lock);
  return mine_tls = s;
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
  scratch *s = mine_tls;
  if (s && s->in_use && p == s->memory)
    s->in_use = 0;
  else
    free(p);
}
