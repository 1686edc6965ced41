/* The backend ops table every backend fills, and the handle structs the core and
 * the backends share. The core validates every argument before calling an op, so
 * an op may assume valid handles, in-range sizes and matching devices. */
#ifndef GPUK_CORE_BACKEND_H
#define GPUK_CORE_BACKEND_H

#include <stdatomic.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "gpuk/gpuk.h"

#define GPUK__MAX_DEVICES_PER_BACKEND 64

/* A device a backend found during discovery, before anyone opens it. */
typedef struct gpuk__device_entry {
  gpuk_device_info info;
  void *native; /* backend's own identifier (cl_device_id, CUdevice ordinal, ...) */
} gpuk__device_entry;

typedef struct gpuk__device_list {
  size_t count;
  gpuk__device_entry entries[GPUK__MAX_DEVICES_PER_BACKEND];
} gpuk__device_list;

struct gpuk_device {
  unsigned magic;
  const struct gpuk_backend_ops *ops;
  gpuk__device_entry entry; /* copy of the discovery entry */
  void *impl;               /* backend state: context, queues */
  gpuk_stream *default_stream;
  atomic_int refs;          /* 1 for the open handle + 1 per live child */
  atomic_int closed;
  struct gpuk__builtins *builtins; /* built-in kernels compiled so far (builtin.c) */
  struct gpuk__vec_expr *vec_expr; /* built-in ops' expression handles (vec_expr.c) */
};

/* Every child handle starts with this header, so one check serves them all. */
typedef struct gpuk__object {
  unsigned magic;
  gpuk_device *device; /* holds one reference on the device */
} gpuk__object;

struct gpuk_stream {
  gpuk__object obj;
  void *impl;
  /* Device scratch for blocking built-ins (dot partial sums), grown on demand,
   * used under scratch_lock; holds no device reference. */
  pthread_mutex_t scratch_lock;
  struct gpuk_buffer *scratch;
};

struct gpuk_buffer {
  gpuk__object obj;
  size_t size;
  gpuk_mem_flags flags;
  void *impl;
};

struct gpuk_event {
  gpuk__object obj;
  int recorded;
  void *impl;
};

struct gpuk__signature;
struct gpuk__gemm_args;

struct gpuk_program {
  gpuk__object obj;
  char *source; /* kept to read kernel signatures */
  gpuk_source_language language;
  atomic_int refs; /* 1 for the handle + 1 per kernel */
  void *impl;
};

struct gpuk_kernel {
  gpuk__object obj;
  gpuk_program *program; /* borrowed: a kernel keeps its program alive */
  char *name;
  struct gpuk__signature *signature; /* NULL when the source could not be parsed */
  void *impl;
};

/* The ops a backend implements. A NULL member means "not supported": the core
 * answers GPUK_ERROR_UNSUPPORTED. Ops return a status and set the detailed
 * message with gpuk__set_error() on failure. */
typedef struct gpuk_backend_ops {
  gpuk_backend backend;
  const char *name;

  /* Finds the backend's devices. Called once per process under the registry
   * lock. On failure (library missing, no platform) returns an error and writes
   * the human-readable reason. */
  gpuk_status (*enumerate)(gpuk__device_list *list, char *reason, size_t reason_size);

  /* Creates device->impl for device->entry (contexts, queues). */
  gpuk_status (*device_open)(gpuk_device *device);
  /* Releases device->impl once the last child is gone. */
  void (*device_close)(gpuk_device *device);

  /* Host memory for fast transfers (pinned on CUDA). NULL: the core uses
   * aligned malloc. */
  gpuk_status (*host_alloc)(gpuk_device *device, size_t size, void **ptr);
  void (*host_free)(gpuk_device *device, void *ptr);

  gpuk_status (*buffer_create)(gpuk_buffer *buffer);
  void (*buffer_destroy)(gpuk_buffer *buffer);

  gpuk_status (*stream_create)(gpuk_stream *stream);
  /* Waits for the stream's work and releases it. */
  void (*stream_destroy)(gpuk_stream *stream);
  gpuk_status (*stream_synchronize)(gpuk_stream *stream);

  gpuk_status (*buffer_write)(gpuk_stream *stream, gpuk_buffer *buffer, size_t offset,
                              size_t size, const void *src);
  gpuk_status (*buffer_read)(gpuk_stream *stream, const gpuk_buffer *buffer, size_t offset,
                             size_t size, void *dst);
  gpuk_status (*buffer_copy)(gpuk_stream *stream, const gpuk_buffer *src, size_t src_offset,
                             gpuk_buffer *dst, size_t dst_offset, size_t size);
  /* pattern_size is a power of two <= 128; offset and size are multiples of it. */
  gpuk_status (*buffer_fill)(gpuk_stream *stream, gpuk_buffer *buffer, size_t offset,
                             size_t size, const void *pattern, size_t pattern_size);

  gpuk_status (*event_create)(gpuk_event *event);
  void (*event_destroy)(gpuk_event *event);
  gpuk_status (*event_record)(gpuk_event *event, gpuk_stream *stream);
  gpuk_status (*event_synchronize)(gpuk_event *event);
  gpuk_status (*stream_wait_event)(gpuk_stream *stream, gpuk_event *event);
  gpuk_status (*event_elapsed_ms)(gpuk_event *start, gpuk_event *end, double *ms);

  /* Compiles program->source (with the disk cache, see cache.h). *log receives a
   * malloc'd compiler log (may be NULL); the core owns it afterwards. */
  gpuk_status (*program_build)(gpuk_program *program, const char *options, char **log);
  void (*program_destroy)(gpuk_program *program);
  gpuk_status (*kernel_create)(gpuk_kernel *kernel);
  void (*kernel_destroy)(gpuk_kernel *kernel);
  /* dims 1..3; local is never NULL (the core picks one when the caller did not);
   * args match the kernel's signature when it is known. */
  gpuk_status (*kernel_launch)(gpuk_stream *stream, gpuk_kernel *kernel, unsigned dims,
                               const size_t *global, const size_t *local, size_t nargs,
                               const gpuk_arg *args);

  /* Compiles source for a target ("sm_90") without a device, to check it.
   * *log receives a malloc'd compiler log (may be NULL). CUDA only. */
  gpuk_status (*compile_check)(const char *source, gpuk_source_language language,
                               const char *target, const char *options, char **log);

  /* Host C modules for expression kernels (expr.h), CPU backend: compiles C
   * source into a loaded module (with the disk cache); *log as for
   * program_build. host_symbol returns an entry point or NULL. */
  gpuk_status (*host_build)(gpuk_device *device, const char *source, void **module, char **log);
  void *(*host_symbol)(void *module, const char *name);
  void (*host_unload)(void *module);
  /* Run a host entry point over [start, stop) across the device's threads,
   * args matching the expression's signature (checked). host_reduce combines
   * the threads' results with combine and writes one result_size value. */
  gpuk_status (*host_elementwise)(gpuk_stream *stream, const gpuk__host_elementwise *kernel,
                                  size_t nargs, const gpuk_arg *args, uint64_t start,
                                  uint64_t stop);
  gpuk_status (*host_reduce)(gpuk_stream *stream, gpuk__host_reduce_fn fn,
                             gpuk__host_combine_fn combine, size_t result_size, size_t nargs,
                             const gpuk_arg *args, uint64_t start, uint64_t stop, void *result);

  /* Matrix multiply with validated arguments (gemm.h). NULL: the core runs
   * kernels/gemm.cl through kernel_launch. */
  gpuk_status (*gemm)(gpuk_stream *stream, const struct gpuk__gemm_args *args);

  /* Built-in BabelStream vector ops (see gpuk_vec_* in gpuk.h). Sizes checked. */
  gpuk_status (*vec_copy_f32)(gpuk_stream *s, const gpuk_buffer *a, gpuk_buffer *c, size_t n);
  gpuk_status (*vec_scale_f32)(gpuk_stream *s, const gpuk_buffer *c, gpuk_buffer *b,
                               float scalar, size_t n);
  gpuk_status (*vec_add_f32)(gpuk_stream *s, const gpuk_buffer *a, const gpuk_buffer *b,
                             gpuk_buffer *c, size_t n);
  gpuk_status (*vec_triad_f32)(gpuk_stream *s, const gpuk_buffer *b, const gpuk_buffer *c,
                               gpuk_buffer *a, float scalar, size_t n);
  gpuk_status (*vec_dot_f32)(gpuk_stream *s, const gpuk_buffer *a, const gpuk_buffer *b,
                             size_t n, double *result);
} gpuk_backend_ops;

/* Defines `getter`, returning a table that `fill` fills on first use. The
 * registry calls getters only from its pthread_once, so no lock is needed. */
#define GPUK__DEFINE_OPS_GETTER(getter, fill) \
  const gpuk_backend_ops *getter(void) {       \
    static gpuk_backend_ops ops;               \
    if (!ops.name) fill(&ops);                 \
    return &ops;                               \
  }

/* Each backend's table, or NULL when not compiled in (registry.c lists them). */
const gpuk_backend_ops *gpuk__cpu_ops(void);
const gpuk_backend_ops *gpuk__opencl_ops(void);
const gpuk_backend_ops *gpuk__cuda_ops(void);

#endif
