/* CPU streams execute every operation eagerly on the calling thread, which gives
 * in-order semantics for free; events are host timestamps taken at record. */
#include <stdlib.h>
#include <time.h>

#include "../core/error.h"
#include "cpu.h"

static gpuk_status stream_create(gpuk_stream *s) {
  s->impl = NULL;
  return GPUK_SUCCESS;
}

static void stream_destroy(gpuk_stream *s) { (void)s; }

static gpuk_status stream_synchronize(gpuk_stream *s) {
  (void)s;
  return GPUK_SUCCESS;
}

typedef struct cpu_event {
  struct timespec when;
} cpu_event;

static gpuk_status event_create(gpuk_event *e) {
  e->impl = calloc(1, sizeof(cpu_event));
  return e->impl ? GPUK_SUCCESS
                 : gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a CPU event");
}

static void event_destroy(gpuk_event *e) { free(e->impl); }

static gpuk_status event_record(gpuk_event *e, gpuk_stream *s) {
  (void)s;
  clock_gettime(CLOCK_MONOTONIC, &((cpu_event *)e->impl)->when);
  return GPUK_SUCCESS;
}

static gpuk_status event_synchronize(gpuk_event *e) {
  (void)e;
  return GPUK_SUCCESS;
}

static gpuk_status stream_wait_event(gpuk_stream *s, gpuk_event *e) {
  (void)s;
  (void)e;
  return GPUK_SUCCESS;
}

static gpuk_status event_elapsed_ms(gpuk_event *start, gpuk_event *end, double *ms) {
  const struct timespec *a = &((cpu_event *)start->impl)->when;
  const struct timespec *b = &((cpu_event *)end->impl)->when;
  *ms = (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) * 1e-6;
  return GPUK_SUCCESS;
}

void gpuk__cpu_fill_stream_ops(gpuk_backend_ops *ops) {
  ops->stream_create = stream_create;
  ops->stream_destroy = stream_destroy;
  ops->stream_synchronize = stream_synchronize;
  ops->event_create = event_create;
  ops->event_destroy = event_destroy;
  ops->event_record = event_record;
  ops->event_synchronize = event_synchronize;
  ops->stream_wait_event = stream_wait_event;
  ops->event_elapsed_ms = event_elapsed_ms;
}
