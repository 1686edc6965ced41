/* Per-device store of compiled code: a short list searched under a lock, so
 * that a hot path finds its compiled kernel without building anything. Entries
 * are matched by a hash first, then by the full key (language, options, name
 * and source text). */
#include "builtin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handles.h"

typedef struct store_entry {
  uint64_t hash;
  char *options, *name; /* name is "" for host modules */
  const char *source;   /* owned by the program, or by `host_source` */
  gpuk_source_language language;
  gpuk_program *program;
  gpuk_kernel *kernel;
  void *host_module;
  char *host_source;
  struct store_entry *next;
} store_entry;

struct gpuk__builtins {
  pthread_mutex_t lock;
  store_entry *head;
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

static uint64_t hash_text(uint64_t h, const char *s) {
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return h * 0x100000001b3ULL; /* separates consecutive strings */
}

static uint64_t key_hash(gpuk_source_language language, const char *options, const char *name,
                         const char *source) {
  uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)language;
  return hash_text(hash_text(hash_text(h, options), name), source);
}

static store_entry *find(struct gpuk__builtins *store, uint64_t hash,
                         gpuk_source_language language, const char *options, const char *name,
                         const char *source) {
  for (store_entry *e = store->head; e; e = e->next)
    if (e->hash == hash && e->language == language && strcmp(e->options, options) == 0 &&
        strcmp(e->name, name) == 0 && strcmp(e->source, source) == 0)
      return e;
  return NULL;
}

/* Frees an entry. The destroy calls clear this thread's error message: when
 * keep is an error, the message is put back. */
static void free_entry(store_entry *e, gpuk_status keep) {
  if (!e) return;
  char *message = keep ? strdup(gpuk_last_error()) : NULL;
  if (e->kernel) gpuk_kernel_destroy(e->kernel);
  if (e->program) gpuk_program_destroy(e->program);
  free(e->options);
  free(e->name);
  free(e->host_source);
  free(e);
  if (message) gpuk__set_error(keep, "%s", message);
  free(message);
}

/* Prefixes the current error message with what was being built. */
static gpuk_status explain(gpuk_status st, const char *what, const char *name, const char *options) {
  char *detail = strdup(gpuk_last_error());
  gpuk__set_error(st, "%s %s (%s) failed: %s", what, name, options, detail ? detail : "");
  free(detail);
  return st;
}

gpuk_status gpuk__device_kernel(gpuk_device *device, const char *source,
                                gpuk_source_language language, const char *options,
                                const char *name, gpuk_kernel **kernel) {
  struct gpuk__builtins *store = store_of(device);
  if (!store) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the kernel store");
  if (!options) options = "";
  const uint64_t hash = key_hash(language, options, name, source);
  pthread_mutex_lock(&store->lock);
  gpuk_status st = GPUK_SUCCESS;
  store_entry *e = find(store, hash, language, options, name, source);
  if (!e) {
    e = calloc(1, sizeof *e);
    if (!e || !(e->options = strdup(options)) || !(e->name = strdup(name))) {
      st = gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a kernel store entry");
    } else {
      e->hash = hash;
      e->language = language;
      st = gpuk_program_build(device, source, language, options, &e->program);
      if (!st) st = gpuk_kernel_create(e->program, name, &e->kernel);
    }
    if (st) {
      free_entry(e, st);
      e = NULL;
    } else {
      e->source = e->program->source;
      e->next = store->head;
      store->head = e;
    }
  }
  if (e) *kernel = e->kernel;
  pthread_mutex_unlock(&store->lock);
  return st;
}

gpuk_status gpuk__builtin_kernel(gpuk_device *device, const char *file, const char *options,
                                 const char *name, gpuk_kernel **kernel) {
  const char *source = gpuk__embedded_source(file);
  if (!source)
    return gpuk__set_error(GPUK_ERROR_INTERNAL, "built-in kernel file %s is missing", file);
  /* *.cl files are the portable OpenCL C subset; *.cu files are CUDA C. */
  const char *dot = strrchr(file, '.');
  gpuk_source_language language =
      dot && strcmp(dot, ".cu") == 0 ? GPUK_SOURCE_CUDA : GPUK_SOURCE_OPENCL_C;
  gpuk_status st = gpuk__device_kernel(device, source, language, options, name, kernel);
  return st ? explain(st, "built-in kernel", name, options ? options : "") : st;
}

gpuk_status gpuk__device_host_module(gpuk_device *device, const char *source, void **module) {
  if (!device->ops->host_build) return gpuk__unsupported(device, "host C modules");
  struct gpuk__builtins *store = store_of(device);
  if (!store) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the kernel store");
  /* Host modules are keyed by source alone: language and options are fixed. */
  const uint64_t hash = key_hash(GPUK_SOURCE_OPENCL_C, "host", "", source);
  pthread_mutex_lock(&store->lock);
  gpuk_status st = GPUK_SUCCESS;
  store_entry *e = find(store, hash, GPUK_SOURCE_OPENCL_C, "host", "", source);
  if (!e) {
    e = calloc(1, sizeof *e);
    if (!e || !(e->options = strdup("host")) || !(e->name = strdup("")) ||
        !(e->host_source = strdup(source))) {
      st = gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a kernel store entry");
    } else {
      char *log = NULL;
      gpuk__set_build_log(NULL);
      st = device->ops->host_build(device, source, &e->host_module, &log);
      gpuk__set_build_log(log);
    }
    if (st) {
      free_entry(e, st);
      e = NULL;
    } else {
      e->hash = hash;
      e->source = e->host_source;
      e->next = store->head;
      store->head = e;
    }
  }
  if (e) *module = e->host_module;
  pthread_mutex_unlock(&store->lock);
  return st;
}

void gpuk__builtins_release(gpuk_device *device) {
  struct gpuk__builtins *store = device->builtins;
  if (!store) return;
  for (store_entry *e = store->head, *next; e; e = next) {
    next = e->next;
    if (e->host_module) device->ops->host_unload(e->host_module);
    free_entry(e, GPUK_SUCCESS);
  }
  pthread_mutex_destroy(&store->lock);
  free(store);
  device->builtins = NULL;
}
