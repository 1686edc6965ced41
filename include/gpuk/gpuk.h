/* libgpuk public API: devices, buffers, streams, events and kernels behind one
 * backend-neutral C interface (CPU, OpenCL, CUDA).
 *
 * Conventions
 * - Every function returns a gpuk_status: GPUK_SUCCESS (0) or a negative error.
 *   gpuk_last_error() then holds a message naming the problem (argument, size,
 *   compiler log). The library never exits, aborts or prints.
 * - Handles are opaque and come in create/destroy pairs; whoever creates destroys.
 *   A function that takes a handle borrows it. Destroy functions accept NULL.
 * - Ownership across devices: buffers, streams, events and programs belong to the
 *   device they were created on and may only be used with that device's objects.
 *   Closing a device invalidates its children: they must still be destroyed, and
 *   any other use returns GPUK_ERROR_INVALID_HANDLE.
 * - Thread safety: device discovery, gpuk_device_open/close and handle creation are
 *   thread-safe. Distinct streams may be driven from distinct threads at the same
 *   time. One stream must not be used from two threads at once. Kernels,
 *   element-wise kernels and reductions may be run from several threads at
 *   once, each thread on its own stream.
 * - Asynchrony: operations taking a gpuk_stream are enqueued in order and may run
 *   after the call returns. Host memory passed to an asynchronous read or write
 *   must stay valid (and, for writes, unchanged) until the stream is synchronized
 *   or an event recorded after the operation has completed. Passing stream == NULL
 *   uses the device's default stream and waits for the operation to finish.
 */
#ifndef GPUK_GPUK_H
#define GPUK_GPUK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GPUK_VERSION_MAJOR 0
#define GPUK_VERSION_MINOR 1
#define GPUK_VERSION_PATCH 0
#define GPUK_VERSION_STRING "0.1.0"

#if defined(GPUK_STATIC_DEFINE)
#define GPUK_API
#elif defined(_WIN32)
#ifdef GPUK_BUILDING_LIBRARY
#define GPUK_API __declspec(dllexport)
#else
#define GPUK_API __declspec(dllimport)
#endif
#else
#define GPUK_API __attribute__((visibility("default")))
#endif

/* ---------------------------------------------------------------- status */

/* X(name, value, description): one list, so the enum and gpuk_status_string()
 * cannot drift apart. Codes are grouped by cause. */
#define GPUK_STATUS_MAP(X)                                                     \
  X(SUCCESS, 0, "success")                                                     \
  X(ERROR_INVALID_ARGUMENT, -1, "invalid argument")                            \
  X(ERROR_INVALID_HANDLE, -2, "invalid or closed handle")                      \
  X(ERROR_OUT_OF_RANGE, -3, "size or offset out of range")                     \
  X(ERROR_DEVICE_MISMATCH, -4, "objects belong to different devices")          \
  X(ERROR_NOT_FOUND, -5, "not found")                                          \
  X(ERROR_OUT_OF_MEMORY, -10, "out of memory")                                 \
  X(ERROR_UNSUPPORTED, -20, "unsupported by this device or backend")           \
  X(ERROR_BACKEND_UNAVAILABLE, -21, "backend unavailable")                     \
  X(ERROR_DEVICE, -30, "device or driver failure")                             \
  X(ERROR_LAUNCH, -31, "kernel launch failed")                                 \
  X(ERROR_BUILD, -40, "kernel build failed")                                   \
  X(ERROR_INTERNAL, -50, "internal error")

typedef enum gpuk_status {
#define GPUK_STATUS_ENUM_(name, value, text) GPUK_##name = value,
  GPUK_STATUS_MAP(GPUK_STATUS_ENUM_)
#undef GPUK_STATUS_ENUM_
} gpuk_status;

/* A short fixed description of a status code ("out of memory"). Never NULL. */
GPUK_API const char *gpuk_status_string(gpuk_status status);

/* The status code's symbolic name ("GPUK_ERROR_OUT_OF_MEMORY"). Never NULL. */
GPUK_API const char *gpuk_status_name(gpuk_status status);

/* The detailed message of the last failing call on this thread (which argument,
 * which size, the full compiler log). Empty after a successful call of a function
 * that can fail. The pointer stays valid until the next libgpuk call on this
 * thread. Never NULL. */
GPUK_API const char *gpuk_last_error(void);

/* Library version at run time ("0.1.0"). */
GPUK_API const char *gpuk_version(void);

/* ---------------------------------------------------------------- devices */

typedef enum gpuk_backend {
  GPUK_BACKEND_CPU = 0,
  GPUK_BACKEND_OPENCL = 1,
  GPUK_BACKEND_CUDA = 2,
  GPUK_BACKEND_COUNT = 3
} gpuk_backend;

typedef enum gpuk_device_type {
  GPUK_DEVICE_TYPE_CPU = 0,
  GPUK_DEVICE_TYPE_GPU = 1,
  GPUK_DEVICE_TYPE_ACCELERATOR = 2
} gpuk_device_type;

/* Lower-case backend name: "cpu", "opencl", "cuda"; "unknown" otherwise. */
GPUK_API const char *gpuk_backend_name(gpuk_backend backend);

typedef struct gpuk_backend_info {
  gpuk_backend backend;
  int compiled_in;    /* 1 when the library was built with this backend */
  int available;      /* 1 when it loaded and reported at least one device */
  size_t device_count;
  char reason[256];   /* why it is unavailable; empty when available */
} gpuk_backend_info;

/* Reports whether a backend is compiled in, loaded and has devices, and if not, why
 * ("not compiled in", "libcuda.so.1 not found", "no OpenCL platforms"). */
GPUK_API gpuk_status gpuk_backend_get_info(gpuk_backend backend, gpuk_backend_info *info);

typedef struct gpuk_device_info {
  char name[256];
  char vendor[128];
  char driver_version[128];
  char selector[64];            /* canonical selector: "cpu", "cuda:0", "opencl:0:1" */
  gpuk_backend backend;
  gpuk_device_type type;
  unsigned compute_units;       /* cores, SMs or OpenCL compute units */
  unsigned clock_mhz;           /* maximum clock; 0 when unknown */
  uint64_t global_mem_bytes;
  uint64_t max_alloc_bytes;     /* largest single buffer */
  uint64_t local_mem_bytes;     /* shared/local memory per work-group */
  uint64_t l2_cache_bytes;      /* 0 when unknown */
  size_t max_work_group_size;   /* threads per block */
  size_t max_work_item_sizes[3];
  int supports_double;
  int compute_capability_major; /* CUDA only, else 0 */
  int compute_capability_minor;
  /* Arithmetic peak in GFLOP/s (fused multiply-add counted as two), derived
   * from what the device reports: CUDA: SMs x FP32 (FP64) lanes per SM of its
   * compute capability x 2 x clock. 0 where the device does not report enough
   * to know (OpenCL and CPU devices give no per-cycle throughput). */
  double peak_gflops_f32;
  double peak_gflops_f64;
  int platform_index;           /* OpenCL platform, CUDA ordinal, 0 for CPU */
  int device_index;             /* index within the platform */
} gpuk_device_info;

/* Number of devices over every available backend, in the order: CUDA, OpenCL
 * GPUs, OpenCL accelerators, the native CPU device, OpenCL CPU devices (the
 * first is the default). Discovery runs once per process. */
GPUK_API gpuk_status gpuk_device_count(size_t *count);

/* Properties of the index-th device (0 <= index < gpuk_device_count()). */
GPUK_API gpuk_status gpuk_device_get_info_by_index(size_t index, gpuk_device_info *info);

typedef struct gpuk_device gpuk_device;

/* Opens a device chosen by a selector string:
 *   "cpu", "cuda", "cuda:N", "opencl", "opencl:P:D", "opencl:gpu", "opencl:cpu",
 *   "gpu" (first GPU of any backend), "default", or a case-insensitive
 *   substring of the device name.
 * NULL or "" reads the GPUK_DEVICE environment variable and, when it is unset,
 * opens the fastest kind present: a CUDA GPU, then an OpenCL GPU, then the
 * native CPU device.
 * An unknown selector returns GPUK_ERROR_NOT_FOUND; a selector naming a backend
 * that is unavailable returns GPUK_ERROR_BACKEND_UNAVAILABLE with the reason.
 * Each call returns a new handle; close it with gpuk_device_close(). */
GPUK_API gpuk_status gpuk_device_open(const char *selector, gpuk_device **device);

/* Closes a device. Its buffers, streams, events and programs become invalid but
 * must still be destroyed. NULL is accepted. */
GPUK_API gpuk_status gpuk_device_close(gpuk_device *device);

GPUK_API gpuk_status gpuk_device_get_info(const gpuk_device *device, gpuk_device_info *info);

/* ---------------------------------------------------------------- host memory */

/* Page-locked ("pinned") host memory where the backend offers it (CUDA), else
 * ordinary 64-byte aligned memory. Transfers from pinned memory are faster and
 * truly asynchronous. Free with gpuk_host_free() on the same device. */
GPUK_API gpuk_status gpuk_host_alloc(gpuk_device *device, size_t size, void **ptr);
GPUK_API gpuk_status gpuk_host_free(gpuk_device *device, void *ptr);

/* ---------------------------------------------------------------- streams */

typedef struct gpuk_stream gpuk_stream;

/* An in-order queue of work on one device. */
GPUK_API gpuk_status gpuk_stream_create(gpuk_device *device, gpuk_stream **stream);
/* Waits for the stream's work, then releases it. NULL is accepted. */
GPUK_API gpuk_status gpuk_stream_destroy(gpuk_stream *stream);
/* Blocks until every operation enqueued so far has completed; reports an
 * asynchronous failure of that work. */
GPUK_API gpuk_status gpuk_stream_synchronize(gpuk_stream *stream);

/* ---------------------------------------------------------------- buffers */

typedef enum gpuk_mem_flags {
  GPUK_MEM_READ_WRITE = 0,
  GPUK_MEM_READ_ONLY = 1,  /* kernels only read it; host writes and copies may fill it */
  GPUK_MEM_WRITE_ONLY = 2  /* kernels only write it; host reads and copies may read it */
} gpuk_mem_flags;

typedef struct gpuk_buffer gpuk_buffer;

/* Allocates size (> 0) bytes of device memory. Contents are undefined. */
GPUK_API gpuk_status gpuk_buffer_create(gpuk_device *device, size_t size, gpuk_mem_flags flags,
                                        gpuk_buffer **buffer);
/* Releases the buffer. The caller must make sure no enqueued work still uses it
 * (synchronize first). NULL is accepted. */
GPUK_API gpuk_status gpuk_buffer_destroy(gpuk_buffer *buffer);
GPUK_API gpuk_status gpuk_buffer_size(const gpuk_buffer *buffer, size_t *size);

/* Copies size bytes from host memory src into buffer at offset. */
GPUK_API gpuk_status gpuk_buffer_write(gpuk_stream *stream, gpuk_buffer *buffer, size_t offset,
                                       size_t size, const void *src);
/* Copies size bytes at offset from the buffer into host memory dst. */
GPUK_API gpuk_status gpuk_buffer_read(gpuk_stream *stream, const gpuk_buffer *buffer,
                                      size_t offset, size_t size, void *dst);
/* Device-to-device copy between buffers of the same device. Overlapping ranges of
 * one buffer are rejected. */
GPUK_API gpuk_status gpuk_buffer_copy(gpuk_stream *stream, const gpuk_buffer *src,
                                      size_t src_offset, gpuk_buffer *dst, size_t dst_offset,
                                      size_t size);
/* Repeats a pattern of pattern_size bytes (1, 2, 4, 8, 16, 32, 64 or 128) over
 * size bytes at offset; offset and size must be multiples of pattern_size. The
 * pattern is taken before the call returns: it may be reused at once, even
 * when the fill itself runs later on the stream. */
GPUK_API gpuk_status gpuk_buffer_fill(gpuk_stream *stream, gpuk_buffer *buffer, size_t offset,
                                      size_t size, const void *pattern, size_t pattern_size);

/* ---------------------------------------------------------------- events */

typedef struct gpuk_event gpuk_event;

GPUK_API gpuk_status gpuk_event_create(gpuk_device *device, gpuk_event **event);
GPUK_API gpuk_status gpuk_event_destroy(gpuk_event *event);
/* Marks the point after all work enqueued on stream so far. */
GPUK_API gpuk_status gpuk_event_record(gpuk_event *event, gpuk_stream *stream);
/* Blocks the host until the recorded point is reached. */
GPUK_API gpuk_status gpuk_event_synchronize(gpuk_event *event);
/* Makes later work on stream wait for the event (recorded on any stream of the
 * same device) without blocking the host. */
GPUK_API gpuk_status gpuk_stream_wait_event(gpuk_stream *stream, gpuk_event *event);
/* Milliseconds between two recorded, completed events of one device. Waits for
 * end to complete. Timed on the device where the backend allows (CUDA events,
 * OpenCL profiling counters), else on the host's monotonic clock. */
GPUK_API gpuk_status gpuk_event_elapsed_ms(gpuk_event *start, gpuk_event *end, double *ms);

/* ---------------------------------------------------------------- kernels */

typedef enum gpuk_source_language {
  GPUK_SOURCE_OPENCL_C = 0, /* the portable OpenCL C subset; runs on OpenCL and CUDA */
  GPUK_SOURCE_CUDA = 1      /* native CUDA C (kernels declared extern "C" __global__) */
} gpuk_source_language;

typedef struct gpuk_program gpuk_program;
typedef struct gpuk_kernel gpuk_kernel;

/* Compiles source for the device. options are passed to the compiler ("-DN=4",
 * "-cl-fast-relaxed-math"; NVRTC options on CUDA). On a compile error returns
 * GPUK_ERROR_BUILD; the full compiler log is in gpuk_last_error() and
 * gpuk_last_build_log(). Binaries are cached on disk (GPUK_CACHE_DIR,
 * GPUK_NO_CACHE=1 to disable). The CPU device builds no user source
 * (GPUK_ERROR_UNSUPPORTED). */
GPUK_API gpuk_status gpuk_program_build(gpuk_device *device, const char *source,
                                        gpuk_source_language language, const char *options,
                                        gpuk_program **program);
GPUK_API gpuk_status gpuk_program_destroy(gpuk_program *program);

/* The compiler log of the last gpuk_program_build() on this thread, failed or not
 * (warnings included). Never NULL. */
GPUK_API const char *gpuk_last_build_log(void);

/* Looks up a kernel function of a built program. Its parameter list is read from
 * the source so that launches can be checked argument by argument. */
GPUK_API gpuk_status gpuk_kernel_create(gpuk_program *program, const char *name,
                                        gpuk_kernel **kernel);
GPUK_API gpuk_status gpuk_kernel_destroy(gpuk_kernel *kernel);
/* Number of parameters the kernel declares. */
GPUK_API gpuk_status gpuk_kernel_arg_count(const gpuk_kernel *kernel, size_t *count);

typedef enum gpuk_arg_type {
  GPUK_ARG_BUFFER = 0, /* a gpuk_buffer* for a __global pointer parameter */
  GPUK_ARG_INT32,
  GPUK_ARG_UINT32,
  GPUK_ARG_INT64,
  GPUK_ARG_UINT64,
  GPUK_ARG_FLOAT,
  GPUK_ARG_DOUBLE,
  GPUK_ARG_LOCAL /* bytes of __local memory for a __local pointer parameter (OpenCL) */
} gpuk_arg_type;

typedef struct gpuk_arg {
  gpuk_arg_type type;
  union {
    gpuk_buffer *buffer;
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f32;
    double f64;
    size_t local_bytes;
  } value;
} gpuk_arg;

static inline gpuk_arg gpuk_arg_buffer(gpuk_buffer *b) { gpuk_arg a; a.type = GPUK_ARG_BUFFER; a.value.buffer = b; return a; }
static inline gpuk_arg gpuk_arg_i32(int32_t v) { gpuk_arg a; a.type = GPUK_ARG_INT32; a.value.i32 = v; return a; }
static inline gpuk_arg gpuk_arg_u32(uint32_t v) { gpuk_arg a; a.type = GPUK_ARG_UINT32; a.value.u32 = v; return a; }
static inline gpuk_arg gpuk_arg_i64(int64_t v) { gpuk_arg a; a.type = GPUK_ARG_INT64; a.value.i64 = v; return a; }
static inline gpuk_arg gpuk_arg_u64(uint64_t v) { gpuk_arg a; a.type = GPUK_ARG_UINT64; a.value.u64 = v; return a; }
static inline gpuk_arg gpuk_arg_f32(float v) { gpuk_arg a; a.type = GPUK_ARG_FLOAT; a.value.f32 = v; return a; }
static inline gpuk_arg gpuk_arg_f64(double v) { gpuk_arg a; a.type = GPUK_ARG_DOUBLE; a.value.f64 = v; return a; }
static inline gpuk_arg gpuk_arg_local(size_t bytes) { gpuk_arg a; a.type = GPUK_ARG_LOCAL; a.value.local_bytes = bytes; return a; }

/* Enqueues a launch over a dims-dimensional (1..3) range of global[d] work-items
 * in work-groups of local[d] (OpenCL semantics: get_global_id(d) < global[d]).
 * local may be NULL to let the library choose; when given, each global[d] must
 * be a multiple of local[d] and the group must fit the device's limits.
 * The arguments are checked against the kernel's parameters before launch. */
GPUK_API gpuk_status gpuk_kernel_launch(gpuk_stream *stream, gpuk_kernel *kernel, unsigned dims,
                                        const size_t *global, const size_t *local, size_t nargs,
                                        const gpuk_arg *args);

/* Compiles source with NVRTC for a CUDA architecture (arch such as "sm_90")
 * without needing a GPU or a driver: a way to check kernels on machines with
 * only the CUDA toolkit. Portable OpenCL C gets the same prelude as on a CUDA
 * device. GPUK_ERROR_BUILD with the log (gpuk_last_build_log()) on failure;
 * GPUK_ERROR_BACKEND_UNAVAILABLE when the CUDA backend is not compiled in or
 * NVRTC cannot be loaded. */
GPUK_API gpuk_status gpuk_cuda_compile_check(const char *source, gpuk_source_language language,
                                             const char *arch, const char *options);

/* Process-wide counters of the compiled-kernel disk cache (GPUK_CACHE_DIR,
 * default $XDG_CACHE_HOME/gpuk or ~/.cache/gpuk; GPUK_NO_CACHE=1 turns it off). */
typedef struct gpuk_cache_stats {
  unsigned long hits;     /* binaries loaded from disk */
  unsigned long misses;   /* lookups with no entry */
  unsigned long corrupt;  /* entries found damaged or foreign, rebuilt */
  unsigned long rejected; /* entries the driver refused to load, rebuilt */
  unsigned long stores;   /* binaries written */
} gpuk_cache_stats;

GPUK_API gpuk_status gpuk_cache_get_stats(gpuk_cache_stats *stats);

/* ---------------------------------------------------------------- built-in vector ops */

/* BabelStream's operations on float vectors of n elements, on any device, enqueued
 * on stream (NULL: default stream, blocking). Buffers must hold n floats.
 *   copy:  c[i] = a[i]
 *   scale: b[i] = scalar * c[i]
 *   add:   c[i] = a[i] + b[i]
 *   triad: a[i] = b[i] + scalar * c[i]
 *   dot:   *result = sum a[i] * b[i]  (blocking: waits for the stream) */
GPUK_API gpuk_status gpuk_vec_copy_f32(gpuk_stream *stream, const gpuk_buffer *a, gpuk_buffer *c,
                                       size_t n);
GPUK_API gpuk_status gpuk_vec_scale_f32(gpuk_stream *stream, const gpuk_buffer *c, gpuk_buffer *b,
                                        float scalar, size_t n);
GPUK_API gpuk_status gpuk_vec_add_f32(gpuk_stream *stream, const gpuk_buffer *a,
                                      const gpuk_buffer *b, gpuk_buffer *c, size_t n);
GPUK_API gpuk_status gpuk_vec_triad_f32(gpuk_stream *stream, const gpuk_buffer *b,
                                        const gpuk_buffer *c, gpuk_buffer *a, float scalar,
                                        size_t n);
GPUK_API gpuk_status gpuk_vec_dot_f32(gpuk_stream *stream, const gpuk_buffer *a,
                                      const gpuk_buffer *b, size_t n, double *result);

/* More float vector operations, built from expression kernels (the same code
 * gpuk_elementwise_create and gpuk_reduction_create generate; each is compiled
 * on a device's first call and kept until the device closes):
 *   axpy:  y[i] = alpha * x[i] + y[i]          (enqueued like the ops above)
 *   sum:   *result = sum x[i]                  (0 for n == 0)
 *   min:   *result = min x[i], max: max x[i]   (NaN elements are skipped, as by
 *          fmin/fmax, so all-NaN input gives +inf / -inf; n == 0 is
 *          GPUK_ERROR_INVALID_ARGUMENT)
 *   norm2: *result = sqrt(sum x[i]^2)          (0 for n == 0)
 * The reductions wait for the stream. sum and norm2 accumulate in double on
 * devices with double support, else in float. norm2 neither overflows nor
 * underflows where the norm itself is in range: when the plain sum of squares
 * is out of the accumulator's range it scales by the largest |x[i]| first (two
 * more passes over x, as BLAS's nrm2 guards against the same). */
GPUK_API gpuk_status gpuk_vec_axpy_f32(gpuk_stream *stream, const gpuk_buffer *x, gpuk_buffer *y,
                                       float alpha, size_t n);
GPUK_API gpuk_status gpuk_vec_sum_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                                      double *result);
GPUK_API gpuk_status gpuk_vec_min_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                                      double *result);
GPUK_API gpuk_status gpuk_vec_max_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                                      double *result);
GPUK_API gpuk_status gpuk_vec_norm2_f32(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                                        double *result);

/* The same operations on double vectors of n elements (buffers must hold n
 * doubles), all generated from expressions; a device without double support
 * returns GPUK_ERROR_UNSUPPORTED. Sums accumulate in double. The dot's vectors
 * are named x and y in error messages. */
GPUK_API gpuk_status gpuk_vec_copy_f64(gpuk_stream *stream, const gpuk_buffer *a, gpuk_buffer *c,
                                       size_t n);
GPUK_API gpuk_status gpuk_vec_scale_f64(gpuk_stream *stream, const gpuk_buffer *c, gpuk_buffer *b,
                                        double scalar, size_t n);
GPUK_API gpuk_status gpuk_vec_add_f64(gpuk_stream *stream, const gpuk_buffer *a,
                                      const gpuk_buffer *b, gpuk_buffer *c, size_t n);
GPUK_API gpuk_status gpuk_vec_triad_f64(gpuk_stream *stream, const gpuk_buffer *b,
                                        const gpuk_buffer *c, gpuk_buffer *a, double scalar,
                                        size_t n);
GPUK_API gpuk_status gpuk_vec_axpy_f64(gpuk_stream *stream, const gpuk_buffer *x, gpuk_buffer *y,
                                       double alpha, size_t n);
GPUK_API gpuk_status gpuk_vec_dot_f64(gpuk_stream *stream, const gpuk_buffer *x,
                                      const gpuk_buffer *y, size_t n, double *result);
GPUK_API gpuk_status gpuk_vec_sum_f64(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                                      double *result);
GPUK_API gpuk_status gpuk_vec_min_f64(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                                      double *result);
GPUK_API gpuk_status gpuk_vec_max_f64(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                                      double *result);
GPUK_API gpuk_status gpuk_vec_norm2_f64(gpuk_stream *stream, const gpuk_buffer *x, size_t n,
                                        double *result);

/* ---------------------------------------------------------------- element types */

/* Element types. In expression kernels their names are float, double, int,
 * uint, long and ulong (long is 64-bit on every backend). */
typedef enum gpuk_dtype {
  GPUK_FLOAT32 = 0,
  GPUK_FLOAT64 = 1, /* needs a device with supports_double */
  GPUK_INT32 = 2,
  GPUK_UINT32 = 3,
  GPUK_INT64 = 4,
  GPUK_UINT64 = 5
} gpuk_dtype;

/* Bytes of one element; 0 for a value that is not a gpuk_dtype. */
GPUK_API size_t gpuk_dtype_size(gpuk_dtype dtype);

/* ---------------------------------------------------------------- kernels from expressions */

/* Element-wise kernels in the manner of PyOpenCL's ElementwiseKernel, on every
 * backend: OpenCL and CUDA compile generated OpenCL C, the CPU backend
 * generated C (with the host C compiler recorded at build time; GPUK_CC
 * overrides), loaded with dlopen and run across threads. Generated code is
 * cached per device in memory and on disk.
 *
 * arguments: "float *x, const float *y, float a": pointers are buffers (const
 *   ones are read only), the rest scalars; types float, double, int, uint,
 *   long, ulong; names must not start with gpuk_ and must not be i.
 * operation: C statements per index i (64-bit): "y[i] = a * x[i] + y[i]".
 *   OpenCL C built-ins that C also has work everywhere (sqrt, exp, fmax, fabs,
 *   ...), plus mad, min and max.
 * name: a C identifier. preamble: helper functions and defines, or NULL.
 * A syntax error returns GPUK_ERROR_BUILD with the compiler's log
 * (gpuk_last_build_log()). The kernel belongs to device.
 * On the CPU backend a buffer that the operation only assigns at element i,
 * in a statement of its own ("a[i] = b[i] + s * c[i]"), never reading it, is
 * written around the caches once a run's data outgrow the last-level cache
 * (about 1.4x faster for a triad); outputs written under a condition, or read
 * back, are stored as usual. */
typedef struct gpuk_elementwise gpuk_elementwise;
GPUK_API gpuk_status gpuk_elementwise_create(gpuk_device *device, const char *arguments,
                                             const char *operation, const char *name,
                                             const char *preamble, gpuk_elementwise **kernel);
/* Runs the operation for every i in [start, stop) on stream (NULL: default
 * stream, blocking). args follow the signature: gpuk_arg_buffer for pointers,
 * the scalar of exactly the declared type otherwise (gpuk_arg_f32 for float,
 * gpuk_arg_i64 for long...). Every buffer must hold stop elements. */
GPUK_API gpuk_status gpuk_elementwise_run(gpuk_stream *stream, gpuk_elementwise *kernel,
                                          size_t start, size_t stop, size_t nargs,
                                          const gpuk_arg *args);
GPUK_API gpuk_status gpuk_elementwise_destroy(gpuk_elementwise *kernel);

/* Map-reduce kernels in the manner of PyOpenCL's ReductionKernel: the result
 * is reduce(... reduce(neutral, map(start)) ..., map(stop - 1)) in an
 * unspecified order, so reduce_expr must be associative and commutative.
 * out_type: the result's type. neutral: an expression ("0", "-INFINITY").
 * reduce_expr: an expression in a and b ("a + b", "fmax(a, b)").
 * map_expr: an expression in i ("x[i] * y[i]"); NULL means the first pointer
 * argument's element i. arguments, name, preamble: as for element-wise. */
typedef struct gpuk_reduction gpuk_reduction;
GPUK_API gpuk_status gpuk_reduction_create(gpuk_device *device, gpuk_dtype out_type,
                                           const char *neutral, const char *reduce_expr,
                                           const char *map_expr, const char *arguments,
                                           const char *name, const char *preamble,
                                           gpuk_reduction **reduction);
/* Reduces [start, stop) and writes the result (one out_type value) to
 * host_result; waits for the stream. An empty range gives neutral. */
GPUK_API gpuk_status gpuk_reduction_run(gpuk_stream *stream, gpuk_reduction *reduction,
                                        size_t start, size_t stop, size_t nargs,
                                        const gpuk_arg *args, void *host_result);
/* As gpuk_reduction_run, but leaves the result in element `index` (of
 * out_type) of a buffer on the same device, asynchronously on stream. */
GPUK_API gpuk_status gpuk_reduction_run_to_buffer(gpuk_stream *stream, gpuk_reduction *reduction,
                                                  size_t start, size_t stop, size_t nargs,
                                                  const gpuk_arg *args, gpuk_buffer *result,
                                                  size_t index);
GPUK_API gpuk_status gpuk_reduction_destroy(gpuk_reduction *reduction);

/* The OpenCL C source the OpenCL and CUDA backends compile for these
 * arguments (checked as by the create functions), to read or to pass to
 * gpuk_cuda_compile_check(); reductions need -DGPUK_WG=<power of two>. Entry
 * points are named gpuk_k_<name> (reductions: _stage1 and _stage2).
 * An element-wise kernel takes the user's arguments, then (ulong start, ulong
 * stop), and runs a grid-stride loop over [start, stop), or with
 * -DGPUK_ONE_PER_ITEM (what the library uses on CPU devices, launching at
 * least stop - start work-items) one index per work-item.
 * Reduction stage 1 takes the user's arguments, then (ulong start, ulong
 * stop, ulong chunk, out_type *partials): group g reduces [start + g*chunk,
 * start + (g+1)*chunk) clipped to stop into partials[g], work-items GPUK_WG
 * apart, or with -DGPUK_CONTIGUOUS (what the library uses on CPU devices)
 * each work-item a contiguous run. Stage 2, one group of GPUK_WG, takes
 * (const out_type *partials, ulong count, out_type *result, ulong index).
 * *source is malloc'd: release it with free(). */
GPUK_API gpuk_status gpuk_elementwise_source(const char *arguments, const char *operation,
                                             const char *name, const char *preamble,
                                             char **source);
GPUK_API gpuk_status gpuk_reduction_source(gpuk_dtype out_type, const char *neutral,
                                           const char *reduce_expr, const char *map_expr,
                                           const char *arguments, const char *name,
                                           const char *preamble, char **source);

/* ---------------------------------------------------------------- matrix multiply */

typedef enum gpuk_transpose { GPUK_NO_TRANS = 0, GPUK_TRANS = 1 } gpuk_transpose;

/* Which GEMM kernel a block shape is for. */
typedef enum gpuk_gemm_kernel {
  /* kernels/gemm.cl: portable, every GPU backend, float and double. */
  GPUK_GEMM_KERNEL_PORTABLE = 0,
  /* kernels/gemm_cuda.cu: CUDA devices, float and double; 16-byte
   * shared-memory reads (float4, double2), a register tile of up to 16 x 8
   * (or 8 x 16) floats or 8 x 8 doubles per thread and a double-buffered K
   * loop. */
  GPUK_GEMM_KERNEL_CUDA = 1,
  /* The same kernel fed by a three-stage cp.async pipeline: slices go from
   * global to shared memory without passing through registers (compute
   * capability 8.0 and later). Not yet measured against GPUK_GEMM_KERNEL_CUDA,
   * so no table picks it; the tuner tries it. */
  GPUK_GEMM_KERNEL_CUDA_ASYNC = 2,
  /* The same kernel multiplying on the FP64 tensor cores (mma.sync, double
   * precision throughout): double only, compute capability 8.0 and later;
   * threads form warps of 8 x 4. Not yet measured, so no table picks it; the
   * tuner tries it. */
  GPUK_GEMM_KERNEL_CUDA_MMA = 3,
  /* kernels/gemm_skinny.cl: every GPU backend, float and double, for C with
   * at most 16 rows or columns (a matrix times a few vectors). The big
   * operand is read once, by neighbouring work-items along whichever way it
   * is stored; k is cut into slices across work-groups (summed by a second
   * kernel) where C's long side alone gives too few. It takes no block
   * shape: every other field of its config is 0 (text "skinny").
   * gpuk_gemm_choose_config_sized picks it on OpenCL CPU devices; on GPUs
   * it is not yet measured, so only a caller's config picks it there. */
  GPUK_GEMM_KERNEL_SKINNY = 4
} gpuk_gemm_kernel;

/* Block shape of a GEMM kernel (CLBlast's names). A work-group of
 * mdimc x ndimc work-items computes an mwg x nwg tile of C, stepping through k
 * in slices of kwg held in local memory; each work-item holds (mwg/mdimc) x
 * (nwg/ndimc) results in registers. The portable kernel's vector widths vwm
 * and vwn (1, 2, 4, 8 or 16; 0 means 1; at most 16 bytes on CUDA devices, 4
 * floats or 2 doubles, and 64 bytes on the others, 16 floats or 8 doubles)
 * group a work-item's rows and columns into vectors read from local memory at
 * once, and vectorise the global loads and stores that run along them (B and
 * C along n, a transposed A along m; where ld and offset are multiples of the
 * width). Compiled as OpenCL C, a work-item also keeps its results along n as
 * vectors of vwn, which CPU drivers (PoCL) turn into SIMD instructions.
 * Rules, checked before compiling:
 * - both kernels: mdimc * ndimc <= min(1024, the device's work-group limit),
 *   and the tiles fit in local memory;
 * - PORTABLE: mwg % (mdimc * vwm) == 0, nwg % (ndimc * vwn) == 0,
 *   (mwg * kwg / vwm) % (mdimc * ndimc) == 0, (nwg * kwg / vwn) % (mdimc * ndimc) == 0;
 * - CUDA: mwg / mdimc and nwg / ndimc each 4, 8 or 16 (exact), their product
 *   <= 128 for float and <= 64 for double, kwg % 4 == 0, vwm and vwn 0 or 1
 *   (its vectors are fixed: 16 bytes, v = 4 floats or 2 doubles),
 *   (mwg * kwg / v) % (mdimc * ndimc) == 0, (nwg * kwg / v) % (mdimc * ndimc) == 0;
 * - CUDA_ASYNC: the CUDA rules, compute capability >= 8.0, and three slices
 *   (not two) of each tile in 48 KiB;
 * - CUDA_MMA: the CUDA rules, double only, compute capability >= 8.0,
 *   mdimc % 8 == 0 and ndimc % 4 == 0;
 * - SKINNY: every field 0 (vwm and vwn 0 or 1), work-groups of 128 and 17
 *   KiB of local memory on the device; gpuk_gemm also needs m or n <= 16.
 * The CPU backend ignores it. A zero-initialised kernel field means PORTABLE. */
typedef struct gpuk_gemm_config {
  unsigned mwg, nwg, kwg, mdimc, ndimc;
  gpuk_gemm_kernel kernel;
  unsigned vwm, vwn;
} gpuk_gemm_config;

/* The block shape the library uses on this device when none is given, and
 * where it came from, in this order: the user's tuning database (a shape
 * gpuk_gemm_tuning_save stored for this backend, device name and dtype), the
 * library's table by device name, the table by vendor or device type, a
 * fallback every GPU runs. A stored or table shape that breaks the rules on
 * the device is skipped. The CPU device ignores block shapes. */
typedef enum gpuk_gemm_config_origin {
  GPUK_GEMM_ORIGIN_TUNED = 0,
  GPUK_GEMM_ORIGIN_DEVICE_TABLE = 1,
  GPUK_GEMM_ORIGIN_VENDOR_TABLE = 2,
  GPUK_GEMM_ORIGIN_FALLBACK = 3,
  GPUK_GEMM_ORIGIN_FITTED = 4 /* one of the above, narrowed to a small m or n */
} gpuk_gemm_config_origin;

/* origin may be NULL. The shape for large matrices; see
 * gpuk_gemm_choose_config_sized for the one a given size gets. */
GPUK_API gpuk_status gpuk_gemm_choose_config(const gpuk_device *device, gpuk_dtype dtype,
                                             gpuk_gemm_config *config,
                                             gpuk_gemm_config_origin *origin);
/* The block shape gpuk_gemm uses for an m x n result when given none:
 * gpuk_gemm_choose_config's, except on OpenCL CPU devices (PoCL), where
 * (origin GPUK_GEMM_ORIGIN_FITTED) a C with at most 16 rows or columns gets
 * GPUK_GEMM_KERNEL_SKINNY, and otherwise a portable-kernel tile at least
 * four times as tall as m (or as wide as n) is cut to a quarter of that side
 * (a half where a quarter breaks a rule), one at least twice as tall (wide)
 * to a half, with its work-items along it: padding would be half its work
 * or more. origin may be NULL. */
GPUK_API gpuk_status gpuk_gemm_choose_config_sized(const gpuk_device *device, gpuk_dtype dtype,
                                                   size_t m, size_t n, gpuk_gemm_config *config,
                                                   gpuk_gemm_config_origin *origin);
/* gpuk_gemm_choose_config without the origin. */
GPUK_API gpuk_status gpuk_gemm_default_config(const gpuk_device *device, gpuk_dtype dtype,
                                              gpuk_gemm_config *config);
/* "tuned", "device table", "vendor table", "fallback", "fitted to size"; never
 * NULL. */
GPUK_API const char *gpuk_gemm_config_origin_name(gpuk_gemm_config_origin origin);

/* Checks config against its kernel's rules on device for dtype, without
 * compiling anything; the error names the failing rule. */
GPUK_API gpuk_status gpuk_gemm_config_check(const gpuk_device *device, gpuk_dtype dtype,
                                            const gpuk_gemm_config *config);

/* Text form of a block shape: "MWGxNWGxKWG/MDIMCxNDIMC[/VWMxVWN]" for the
 * portable kernel, "cuda:MWGx..." for the CUDA kernel, "cuda-async:MWGx..."
 * for its cp.async form, "cuda-mma:MWGx..." for its tensor-core form, numbers
 * of 1 to 4 digits ("64x64x8/16x16", "64x128x16/8x8/4x4"), and "skinny" for
 * GPUK_GEMM_KERNEL_SKINNY (whose fields are all 0); formatting writes the vector widths
 * only when one is above 1. Parsing checks the syntax only (see
 * gpuk_gemm_config_check). Formatting needs size > the text's length (48 bytes
 * always suffice). */
GPUK_API gpuk_status gpuk_gemm_config_parse(const char *text, gpuk_gemm_config *config);
GPUK_API gpuk_status gpuk_gemm_config_format(const gpuk_gemm_config *config, char *text,
                                             size_t size);

/* Called by the tuner after each shape: index counts from 1 to total; status is
 * GPUK_SUCCESS when the shape ran and matched the reference (gflops > 0), else
 * it and message say why the shape was rejected (message is "" on success). */
typedef void (*gpuk_gemm_tune_progress_fn)(void *user, unsigned index, unsigned total,
                                           const gpuk_gemm_config *config, gpuk_status status,
                                           const char *message, double gflops);

typedef struct gpuk_gemm_tune_options {
  size_t n;             /* square size timed; 0: 1024 (at most 16384) */
  unsigned max_shapes;  /* 0: every legal shape of the search space; else the
                         * current default plus an even sample, max_shapes in all */
  unsigned repeat;      /* timed runs per shape, median taken; 0: 3 (at most 64) */
  gpuk_gemm_tune_progress_fn progress; /* may be NULL */
  void *user;
} gpuk_gemm_tune_options;

typedef struct gpuk_gemm_tune_result {
  gpuk_gemm_config best;     /* the fastest shape that matched the reference */
  double best_gflops;
  gpuk_gemm_config baseline; /* the shape gpuk_gemm_default_config gave before */
  double baseline_gflops;    /* 0 when the baseline was rejected */
  unsigned tried, rejected;  /* rejected: failed to build, run, or verify */
} gpuk_gemm_tune_result;

/* Searches block shapes for C = A * B (no transposes, n x n, dtype) on device:
 * mwg, nwg in {32, 64, 128}, kwg in {8, 16, 32}, mdimc, ndimc in {8, 16, 32}
 * with mdimc * ndimc <= 256 for the portable kernel, plus the CUDA kernel's
 * shapes on CUDA devices (float), the current default always first;
 * each legal one built, warmed up, timed with events, and its result checked
 * against float64 dot products of sampled elements. Blocks until done (minutes
 * for the full space: every shape is a separate kernel build). Fails only when
 * no shape ran correctly, with the first failure's message. The CPU device has
 * nothing to tune (GPUK_ERROR_UNSUPPORTED). Nothing is saved. */
GPUK_API gpuk_status gpuk_gemm_tune(gpuk_device *device, gpuk_dtype dtype,
                                    const gpuk_gemm_tune_options *options,
                                    gpuk_gemm_tune_result *result);

/* Stores config as the tuned shape of this device (backend and name) and dtype
 * in the tuning database, <cache dir>/gemm-tuning.txt (the cache directory of
 * compiled kernels: GPUK_CACHE_DIR, else $XDG_CACHE_HOME/gpuk, else
 * $HOME/.cache/gpuk), replacing an earlier entry; gflops and n are recorded
 * for people reading the file. Later gpuk_gemm_default_config calls in any
 * process find it. The file is read once per process and cache directory.
 * GPUK_GEMM_KERNEL_SKINNY is refused (it takes skinny products only), and
 * skipped where a hand-edited file holds it. */
GPUK_API gpuk_status gpuk_gemm_tuning_save(const gpuk_device *device, gpuk_dtype dtype,
                                           const gpuk_gemm_config *config, double gflops,
                                           size_t n);

/* The tuning database's path, into path[size]. */
GPUK_API gpuk_status gpuk_gemm_tuning_path(char *path, size_t size);

/* C = alpha * op(A) * op(B) + beta * C with row-major matrices: op(A) is m x k,
 * op(B) is k x n, C is m x n. Element (i, j) of a row-major matrix X with
 * leading dimension ldx lives at X[offset + i * ldx + j]; offsets and leading
 * dimensions count elements. A transposed A is stored k x m (lda >= m), etc.
 * beta == 0 ignores what C held (NaN included). C must not overlap A or B.
 * Enqueued on stream (NULL: default stream, blocking). config NULL: the
 * device's default block shape. GPUK_FLOAT64 needs a device with double
 * support. */
GPUK_API gpuk_status gpuk_gemm(gpuk_stream *stream, gpuk_dtype dtype, gpuk_transpose trans_a,
                               gpuk_transpose trans_b, size_t m, size_t n, size_t k, double alpha,
                               const gpuk_buffer *a, size_t a_offset, size_t lda,
                               const gpuk_buffer *b, size_t b_offset, size_t ldb, double beta,
                               gpuk_buffer *c, size_t c_offset, size_t ldc,
                               const gpuk_gemm_config *config);

#ifdef __cplusplus
}
#endif

#endif /* GPUK_GPUK_H */
