/* Status names and the per-thread error message and build log behind
 * gpuk_last_error() and gpuk_last_build_log(). */
#include "error.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct thread_errors {
  char *message;
  size_t capacity;
  char *build_log;
} thread_errors;

static pthread_key_t errors_key;
static pthread_once_t errors_once = PTHREAD_ONCE_INIT;

static void free_thread_errors(void *p) {
  thread_errors *e = p;
  if (e) {
    free(e->message);
    free(e->build_log);
    free(e);
  }
}

static void make_key(void) { (void)pthread_key_create(&errors_key, free_thread_errors); }

/* Returns this thread's record, or NULL when even that allocation failed. */
static thread_errors *get_errors(void) {
  pthread_once(&errors_once, make_key);
  thread_errors *e = pthread_getspecific(errors_key);
  if (!e) {
    e = calloc(1, sizeof *e);
    if (e && pthread_setspecific(errors_key, e) != 0) {
      free(e);
      e = NULL;
    }
  }
  return e;
}

static int reserve(thread_errors *e, size_t needed) {
  if (needed <= e->capacity) return 1;
  size_t cap = e->capacity ? e->capacity : 256;
  while (cap < needed) cap *= 2;
  char *m = realloc(e->message, cap);
  if (!m) return 0;
  e->message = m;
  e->capacity = cap;
  return 1;
}

gpuk_status gpuk__set_error(gpuk_status status, const char *fmt, ...) {
  thread_errors *e = get_errors();
  if (!e) return status;
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n >= 0 && reserve(e, (size_t)n + 1)) vsnprintf(e->message, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return status;
}

gpuk_status gpuk__prefix_error(gpuk_status status, const char *fmt, ...) {
  thread_errors *e = get_errors();
  if (!e) return status;
  char *old = strdup(e->message ? e->message : "");
  va_list ap;
  va_start(ap, fmt);
  char prefix[512];
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  gpuk__set_error(status, "%s: %s", prefix, old ? old : "");
  free(old);
  return status;
}

void gpuk__append_error(const char *text) {
  thread_errors *e = get_errors();
  if (!e || !text) return;
  size_t have = e->message ? strlen(e->message) : 0;
  if (!reserve(e, have + strlen(text) + 1)) return;
  memcpy(e->message + have, text, strlen(text) + 1);
}

void gpuk__clear_error(void) {
  thread_errors *e = get_errors();
  if (e && e->message) e->message[0] = '\0';
}

void gpuk__set_build_log(char *log) {
  thread_errors *e = get_errors();
  if (!e) {
    free(log);
    return;
  }
  free(e->build_log);
  e->build_log = log;
}

const char *gpuk_last_error(void) {
  thread_errors *e = get_errors();
  return (e && e->message) ? e->message : "";
}

const char *gpuk_last_build_log(void) {
  thread_errors *e = get_errors();
  return (e && e->build_log) ? e->build_log : "";
}

const char *gpuk_status_string(gpuk_status status) {
  switch (status) {
#define GPUK_STATUS_TEXT_(name, value, text) \
  case GPUK_##name: return text;
    GPUK_STATUS_MAP(GPUK_STATUS_TEXT_)
#undef GPUK_STATUS_TEXT_
  }
  return "unknown status";
}

const char *gpuk_status_name(gpuk_status status) {
  switch (status) {
#define GPUK_STATUS_NAME_(name, value, text) \
  case GPUK_##name: return "GPUK_" #name;
    GPUK_STATUS_MAP(GPUK_STATUS_NAME_)
#undef GPUK_STATUS_NAME_
  }
  return "GPUK_UNKNOWN_STATUS";
}

const char *gpuk_version(void) { return GPUK_VERSION_STRING; }
