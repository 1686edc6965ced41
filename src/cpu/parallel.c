/* Fork-join over the machine's cores with a pool of worker threads that
 * persist between calls, instead of a thread per chunk per call: a call's
 * chunks start without pthread_create, and a worker that has just finished
 * waits for the next call by yielding in a loop for up to SPIN_NS before it
 * sleeps, so that back-to-back calls (a loop of GEMMs, vector ops) find it
 * awake. One call at a time uses the pool; a call made while it is busy
 * (from another host thread, or nested) starts threads of its own, as every
 * call did before. GPUK_CPU_THREADS sets the thread count. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"

#define MAX_THREADS 256
#define SPIN_NS 200000 /* how long an idle worker (or a waiting caller) polls before sleeping */

/* The cores online, read once: glibc's sysconf opens and reads a sysfs file
 * on every call (most of the cost of a small GEMM before it was cached). */
static long online_cores;
static pthread_once_t online_cores_once = PTHREAD_ONCE_INIT;
static void count_online_cores(void) { online_cores = sysconf(_SC_NPROCESSORS_ONLN); }
static long cores(void) {
  pthread_once(&online_cores_once, count_online_cores);
  return online_cores;
}

unsigned gpuk__cpu_threads(void) {
  long n = cores();
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

/* Chunk t of n split into `threads` contiguous parts (vec.c's dot mirrors
 * this split). */
static void split(chunk *chunks, size_t threads, size_t n, gpuk__cpu_range_fn fn, void *ctx) {
  size_t per = (n + threads - 1) / threads;
  for (size_t t = 0; t < threads; t++) {
    chunks[t].fn = fn;
    chunks[t].ctx = ctx;
    chunks[t].begin = t * per < n ? t * per : n;
    chunks[t].end = (t + 1) * per < n ? (t + 1) * per : n;
  }
}

/* Without the pool: a thread per chunk but the first, joined at the end. */
static void run_with_new_threads(chunk *chunks, size_t threads) {
  pthread_t ids[MAX_THREADS];
  int started[MAX_THREADS] = {0};
  for (size_t t = 1; t < threads; t++)
    started[t] = pthread_create(&ids[t], NULL, run_chunk, &chunks[t]) == 0;
  run_chunk(&chunks[0]); /* chunk 0 runs here; a thread that fails to start runs here too */
  for (size_t t = 1; t < threads; t++) {
    if (started[t])
      pthread_join(ids[t], NULL);
    else
      run_chunk(&chunks[t]);
  }
}

/* The pool. A call writes its chunks, then publishes a ticket (a new
 * generation number and the chunk count, in one atomic word, so that a worker
 * that wakes late never pairs one call's number with another's count);
 * worker w runs chunk w + 1 when there is one and counts `pending` down, and
 * the last one wakes the caller. */
#define TICKET(generation, count) (((uint64_t)(generation) << 32) | (uint64_t)(count))
#define TICKET_COUNT(ticket) ((size_t)((ticket) & 0xffffffffu))

static struct {
  atomic_flag busy; /* a call owns the pool */
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  size_t workers; /* started so far (only the pool's owner changes it) */
  pthread_t ids[MAX_THREADS];
  uint64_t first_seen[MAX_THREADS]; /* the ticket when worker w started */
  chunk chunks[MAX_THREADS];
  _Atomic uint64_t ticket;
  atomic_size_t pending; /* workers still running a chunk of the current call */
  atomic_int spin;       /* workers + caller <= cores: spinning takes no one's core */
  atomic_int stopping;
} pool = {.busy = ATOMIC_FLAG_INIT,
          .lock = PTHREAD_MUTEX_INITIALIZER,
          .wake = PTHREAD_COND_INITIALIZER,
          .done = PTHREAD_COND_INITIALIZER};

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Spins until done(arg) or SPIN_NS pass (when spinning is allowed), giving
 * the core to any other thread that wants it (another library's spinning
 * workers, or our own caller) between checks. */
static int spin_until(int (*done)(const void *), const void *arg) {
  if (!atomic_load(&pool.spin)) return done(arg);
  const long long until = now_ns() + SPIN_NS;
  for (;;) {
    if (done(arg)) return 1;
    if (now_ns() > until) return 0;
    sched_yield();
  }
}

static int ticket_moved(const void *seen) {
  return atomic_load(&pool.ticket) != *(const uint64_t *)seen;
}

static int all_done(const void *unused) {
  (void)unused;
  return atomic_load(&pool.pending) == 0;
}

static void *worker(void *arg) {
  const size_t w = (size_t)arg;
  uint64_t seen = pool.first_seen[w]; /* not the ticket now: it may be the call that started us */
  for (;;) {
    if (!spin_until(ticket_moved, &seen)) {
      pthread_mutex_lock(&pool.lock);
      while (atomic_load(&pool.ticket) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
      pthread_mutex_unlock(&pool.lock);
    }
    if (atomic_load(&pool.stopping)) return NULL;
    seen = atomic_load(&pool.ticket);
    if (w + 1 >= TICKET_COUNT(seen)) continue; /* no chunk for this worker this time */
    run_chunk(&pool.chunks[w + 1]);
    if (atomic_fetch_sub(&pool.pending, 1) == 1) {
      pthread_mutex_lock(&pool.lock);
      pthread_cond_signal(&pool.done);
      pthread_mutex_unlock(&pool.lock);
    }
  }
}

/* Publishes a ticket for `count` chunks (0: stop) and wakes the workers. */
static void publish(size_t count) {
  pthread_mutex_lock(&pool.lock);
  const uint64_t old = atomic_load(&pool.ticket);
  atomic_store(&pool.ticket, TICKET((old >> 32) + 1, count));
  pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);
}

/* A child of fork() has none of the parent's workers: it starts afresh. */
static void forget_pool_in_child(void) {
  pthread_mutex_init(&pool.lock, NULL);
  pthread_cond_init(&pool.wake, NULL);
  pthread_cond_init(&pool.done, NULL);
  pool.workers = 0;
  atomic_flag_clear(&pool.busy);
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void register_atfork(void) { pthread_atfork(NULL, NULL, forget_pool_in_child); }

/* Starts workers until there are `needed`; returns how many there are. */
static size_t grow_pool(size_t needed) {
  pthread_once(&atfork_once, register_atfork);
  while (pool.workers < needed) {
    pool.first_seen[pool.workers] = atomic_load(&pool.ticket);
    if (pthread_create(&pool.ids[pool.workers], NULL, worker, (void *)pool.workers) != 0) break;
    pool.workers++;
  }
  atomic_store(&pool.spin, (long)pool.workers + 1 <= cores());
  return pool.workers;
}

/* Runs the chunks on the pool (the caller owns it); 0 if it cannot. */
static int run_on_pool(const chunk *chunks, size_t threads) {
  if (grow_pool(threads - 1) < threads - 1) return 0;
  for (size_t t = 0; t < threads; t++) pool.chunks[t] = chunks[t];
  atomic_store(&pool.pending, threads - 1);
  publish(threads);
  run_chunk(&pool.chunks[0]);
  if (!spin_until(all_done, NULL)) {
    pthread_mutex_lock(&pool.lock);
    while (atomic_load(&pool.pending) != 0) pthread_cond_wait(&pool.done, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
  }
  return 1;
}

/* At unload (dlclose, exit) the workers must not outlive the code they run. */
__attribute__((destructor)) static void stop_pool(void) {
  if (atomic_flag_test_and_set(&pool.busy)) return; /* a call still runs: leave it be */
  atomic_store(&pool.stopping, 1);
  publish(0);
  for (size_t w = 0; w < pool.workers; w++) pthread_join(pool.ids[w], NULL);
  pool.workers = 0;
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
  split(chunks, threads, n, fn, ctx);
  if (!atomic_flag_test_and_set(&pool.busy)) {
    const int ran = run_on_pool(chunks, threads);
    atomic_flag_clear(&pool.busy);
    if (ran) return;
  }
  run_with_new_threads(chunks, threads);
}
