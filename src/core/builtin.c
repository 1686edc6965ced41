/* Per-device store of compiled code: a short list searched under a lock, so
 * that a hot path finds its compiled kernel without building anything. Entries
 * are matched by a hash first, then by the full key: language, options, name
 * and the source's identity (the file name of an embedded kernel, so that the
 * built-in vector ops' launches do not hash kilobytes; the text itself for
 * generated code). */
#include "builtin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handles.h"

typedef struct store_entry {
  uint64_t hash;
  char *options, *name, *identity; /* name is "" for host modules */
  gpuk_source_language language;
  gpuk_program *program;
  gpuk_kernel *kernel;
  void *host_module;
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
                         const char *identity) {
  uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)language;
  return hash_text(hash_text(hash_text(h, options), name), identity);
}

static store_entry *find(struct gpuk__builtins *store, uint64_t hash,
                         gpuk_source_language language, const char *options, const char *name,
                         const char *identity) {
  for (store_entry *e = store->head; e; e = e->next)
    if (e->hash == hash && e->language == language && strcmp(e->options, options) == 0 &&
        strcmp(e->name, name) == 0 && strcmp(e->identity, identity) == 0)
      return e;
  return NULL;
}

/* Frees an entry. The destroy calls clear this thread's error message: when
 * keep is an error, the message is put back. */
static void free_entry(gpuk_device *device, store_entry *e, gpuk_status keep) {
  if (!e) return;
  char *message = keep ? strdup(gpuk_last_error()) : NULL;
  if (e->host_module) device->ops->host_unload(e->host_module);
  if (e->kernel) gpuk_kernel_destroy(e->kernel);
  if (e->program) gpuk_program_destroy(e->program);
  free(e->options);
  free(e->name);
  free(e->identity);
  free(e);
  if (message) gpuk__set_error(keep, "%s", message);
  free(message);
}

/* Builds what an entry holds (a program and kernel, or a host module). */
typedef gpuk_status (*build_fn)(gpuk_device *device, store_entry *e, const char *source);

static gpuk_status build_kernel(gpuk_device *device, store_entry *e, const char *source) {
  gpuk_status st = gpuk_program_build(device, source, e->language, e->options, &e->program);
  return st ? st : gpuk_kernel_create(e->program, e->name, &e->kernel);
}

static gpuk_status build_host_module(gpuk_device *device, store_entry *e, const char *source) {
  char *log = NULL;
  gpuk__set_build_log(NULL);
  gpuk_status st = device->ops->host_build(device, source, &e->host_module, &log);
  gpuk__set_build_log(log);
  return st;
}

/* Finds the entry for (language, options, name, identity) or builds it from
 * source, under the store's lock. */
static gpuk_status find_or_build(gpuk_device *device, gpuk_source_language language,
                                 const char *options, const char *name, const char *identity,
                                 const char *source, build_fn build, store_entry **out) {
  struct gpuk__builtins *store = store_of(device);
  if (!store) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the kernel store");
  const uint64_t hash = key_hash(language, options, name, identity);
  pthread_mutex_lock(&store->lock);
  gpuk_status st = GPUK_SUCCESS;
  store_entry *e = find(store, hash, language, options, name, identity);
  if (!e) {
    e = calloc(1, sizeof *e);
    if (!e || !(e->options = strdup(options)) || !(e->name = strdup(name)) ||
        !(e->identity = strdup(identity))) {
      st = gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate a kernel store entry");
    } else {
      e->hash = hash;
      e->language = language;
      st = build(device, e, source);
    }
    if (st) {
      free_entry(device, e, st);
      e = NULL;
    } else {
      e->next = store->head;
      store->head = e;
    }
  }
  *out = e;
  pthread_mutex_unlock(&store->lock);
  return st;
}

static gpuk_status kernel_for(gpuk_device *device, const char *identity, const char *source,
                              gpuk_source_language language, const char *options,
                              const char *name, gpuk_kernel **kernel) {
  store_entry *e = NULL;
  gpuk_status st = find_or_build(device, language, options ? options : "", name, identity,
                                 source, build_kernel, &e);
  if (!st) *kernel = e->kernel;
  return st;
}

gpuk_status gpuk__device_kernel(gpuk_device *device, const char *source,
                                gpuk_source_language language, const char *options,
                                const char *name, gpuk_kernel **kernel) {
  return kernel_for(device, source, source, language, options, name, kernel);
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
  char identity[128];
  snprintf(identity, sizeof identity, "kernels/%s", file);
  /* Our own kernels are built with -w (OpenCL's and NVRTC's "no warnings"):
   * PoCL prints its code generator's warnings (a "loop not unrolled" on some
   * GEMM shapes) to stderr at the first launch, and the library must not. */
  char quiet[512];
  if ((size_t)snprintf(quiet, sizeof quiet, "-w %s", options ? options : "") >= sizeof quiet)
    return gpuk__set_error(GPUK_ERROR_INTERNAL, "options of built-in kernel %s are too long", name);
  gpuk_status st = kernel_for(device, identity, source, language, quiet, name, kernel);
  return st ? gpuk__prefix_error(st, "built-in kernel %s (%s) failed", name, options ? options : "")
            : st;
}

gpuk_status gpuk__builtin_launch(gpuk_stream *stream, const char *file, const char *name,
                                 const gpuk__launch_shape *shape, size_t nargs,
                                 const gpuk_arg *args) {
  gpuk_device *d = stream->obj.device;
  if (!d->ops->kernel_launch) return gpuk__unsupported(d, name);
  gpuk_kernel *k;
  gpuk_status st = gpuk__builtin_kernel(d, file, shape->options, name, &k);
  if (st) return st;
  const size_t global = shape->groups * shape->wg;
  return d->ops->kernel_launch(stream, k, 1, &global, &shape->wg, nargs, args);
}

gpuk_status gpuk__device_host_module(gpuk_device *device, const char *source, void **module) {
  if (!device->ops->host_build) return gpuk__unsupported(device, "host C modules");
  /* Host modules are keyed by source alone: language and options are fixed. */
  store_entry *e = NULL;
  gpuk_status st = find_or_build(device, GPUK_SOURCE_OPENCL_C, "host", "", source, source,
                                 build_host_module, &e);
  if (!st) *module = e->host_module;
  return st;
}

void gpuk__builtins_release(gpuk_device *device) {
  struct gpuk__builtins *store = device->builtins;
  if (!store) return;
  for (store_entry *e = store->head, *next; e; e = next) {
    next = e->next;
    free_entry(device, e, GPUK_SUCCESS);
  }
  pthread_mutex_destroy(&store->lock);
  free(store);
  device->builtins = NULL;
}
