/* Per-device store of built-in kernels: a short list searched under a lock, so
 * that a hot path finds its compiled kernel without building anything. */
#include "builtin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

typedef struct builtin_entry {
  char key[256]; /* file|options|name */
  gpuk_program *program;
  gpuk_kernel *kernel;
  struct builtin_entry *next;
} builtin_entry;

struct gpuk__builtins {
  pthread_mutex_t lock;
  builtin_entry *head;
};

static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;

static struct gpuk__builtins *store_of(gpuk_device *device) {
  pthread_mutex_lock(&create_lock);
  if (!device->builtins) {
    struct gpuk__builtins *b = calloc(1, sizeof *b);
    if (b) {
      pthread_mutex_init(&b->lock, NULL);
      device->builtins = b;
    }
  }
  pthread_mutex_unlock(&create_lock);
  return device->builtins;
}

gpuk_status gpuk__builtin_kernel(gpuk_device *device, const char *file, const char *options,
                                 const char *name, gpuk_kernel **kernel) {
  struct gpuk__builtins *store = store_of(device);
  if (!store) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate built-in store");
  char key[256];
  int n = snprintf(key, sizeof key, "%s|%s|%s", file, options, name);
  if (n < 0 || (size_t)n >= sizeof key)
    return gpuk__set_error(GPUK_ERROR_INTERNAL, "built-in kernel key too long: %s", name);
  pthread_mutex_lock(&store->lock);
  gpuk_status st = GPUK_SUCCESS;
  builtin_entry *e = store->head;
  while (e && strcmp(e->key, key) != 0) e = e->next;
  if (!e) {
    const char *source = gpuk__embedded_source(file);
    e = calloc(1, sizeof *e);
    if (!source || !e) {
      st = gpuk__set_error(GPUK_ERROR_INTERNAL, "built-in kernel file %s is missing", file);
    } else {
      memcpy(e->key, key, (size_t)n + 1);
      /* *.cl files are the portable OpenCL C subset; *.cu files are CUDA C. */
      const char *dot = strrchr(file, '.');
      gpuk_source_language language =
          dot && strcmp(dot, ".cu") == 0 ? GPUK_SOURCE_CUDA : GPUK_SOURCE_OPENCL_C;
      st = gpuk_program_build(device, source, language, options, &e->program);
      if (!st) st = gpuk_kernel_create(e->program, name, &e->kernel);
    }
    if (st) {
      char *detail = strdup(gpuk_last_error());
      if (e) gpuk_program_destroy(e->program);
      free(e);
      e = NULL;
      gpuk__set_error(st, "built-in kernel %s in %s (%s) failed: %s", name, file, options,
                      detail ? detail : "");
      free(detail);
    } else {
      e->next = store->head;
      store->head = e;
    }
  }
  if (e) *kernel = e->kernel;
  pthread_mutex_unlock(&store->lock);
  return st;
}

void gpuk__builtins_release(gpuk_device *device) {
  struct gpuk__builtins *store = device->builtins;
  if (!store) return;
  for (builtin_entry *e = store->head, *next; e; e = next) {
    next = e->next;
    gpuk_kernel_destroy(e->kernel);
    gpuk_program_destroy(e->program);
    free(e);
  }
  pthread_mutex_destroy(&store->lock);
  free(store);
  device->builtins = NULL;
}
