/* Kernels generated from expressions (gpuk_elementwise_*, gpuk_reduction_*):
 * the argument-signature parser, the argument check, the code generator for
 * both targets (the portable OpenCL C subset and host C), and the entry points
 * a host module (CPU backend) exports. */
#ifndef GPUK_CORE_EXPR_H
#define GPUK_CORE_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "gpuk/gpuk.h"

#define GPUK__EXPR_MAX_PARAMS 32
#define GPUK__EXPR_MAX_NAME 64

typedef struct gpuk__expr_param {
  gpuk_dtype type;
  int pointer;  /* a buffer of type elements */
  int is_const; /* const pointer: read only */
  char name[GPUK__EXPR_MAX_NAME];
} gpuk__expr_param;

typedef struct gpuk__expr_signature {
  size_t count;
  gpuk__expr_param params[GPUK__EXPR_MAX_PARAMS];
} gpuk__expr_signature;

/* Parses "float *x, const float *y, float a" into sig. On error returns
 * GPUK_ERROR_INVALID_ARGUMENT with a message naming the argument and why. */
gpuk_status gpuk__expr_parse_signature(const char *text, gpuk__expr_signature *sig);

/* Checks that name is a C identifier that libgpuk may use as a kernel name. */
gpuk_status gpuk__expr_check_name(const char *name, const char *what);

/* The expression type name of a dtype ("float", "ulong"...). */
const char *gpuk__dtype_c_name(gpuk_dtype type);

/* 1 when the signature or out_type needs double support. */
int gpuk__expr_needs_double(const gpuk__expr_signature *sig, gpuk_dtype out_type);

/* Checks launch arguments against sig: count, buffer or scalar, exact scalar
 * type, buffers live on device and holding at least stop elements. */
gpuk_status gpuk__expr_check_args(const gpuk__expr_signature *sig, const char *kernel_name,
                                  const gpuk_device *device, size_t stop, size_t nargs,
                                  const gpuk_arg *args);

typedef enum gpuk__expr_target {
  GPUK__TARGET_OPENCL_C, /* OpenCL and CUDA (through the prelude) */
  GPUK__TARGET_HOST_C    /* the CPU backend's host compiler */
} gpuk__expr_target;

/* What to generate: an element-wise kernel (map_expr, neutral and reduce_expr
 * NULL) or a reduction (operation NULL). */
typedef struct gpuk__expr_spec {
  const gpuk__expr_signature *sig;
  const char *name;
  const char *preamble; /* may be NULL */
  const char *operation;
  gpuk_dtype out_type;
  const char *neutral, *reduce_expr, *map_expr;
  /* Host C element-wise: the outputs N_stream buffers and streams, one flag
   * per parameter (gpuk__expr_write_only_outputs), or NULL for none. */
  const unsigned char *write_only;
} gpuk__expr_spec;

/* The generated entry point for kernel name and suffix ("", "_stage1",
 * "_reduce"...): "gpuk_k_<name><suffix>", so that no user name collides with
 * an OpenCL built-in (normalize, mix) or a C library function (exp). */
#define GPUK__EXPR_SYMBOL_SIZE (GPUK__EXPR_MAX_NAME + 16)
void gpuk__expr_symbol(const char *name, const char *suffix, char *out);

/* malloc'd source for target; NULL when out of memory. OpenCL C reductions
 * need -DGPUK_WG=<power of two work-group size>. Entry points, with N the
 * symbol of the name (gpuk__expr_symbol):
 * - OpenCL C element-wise: N(args..., ulong gpuk_start, ulong gpuk_stop)
 * - OpenCL C reduction: N_stage1(args..., ulong gpuk_start, ulong gpuk_stop,
 *   __global out *gpuk_partials) and N_stage2(__global const out *gpuk_partials,
 *   ulong gpuk_count, __global out *gpuk_result, ulong gpuk_index)
 * - host C: the gpuk__host_* functions below, named N and N_stream (element-wise;
 *   N_stream writes spec->write_only's outputs around the caches where the
 *   host compiler has SSE2, else it is N), N_reduce and N_combine (reductions). */
char *gpuk__expr_generate(const gpuk__expr_spec *spec, gpuk__expr_target target);

/* Sets write_only[p] (one per parameter) for the buffers that the
 * element-wise spec only assigns at element i, in every run of the operation,
 * and never reads or passes on (expr_outputs.c); returns how many. 0 for
 * reductions, and wherever the operation's text is beyond the scan. */
size_t gpuk__expr_write_only_outputs(const gpuk__expr_spec *spec, unsigned char *write_only);

/* Host entry points. args[p] points at parameter p's value: the element data
 * for a buffer, the scalar itself otherwise. */
typedef void (*gpuk__host_elementwise_fn)(void *const *args, uint64_t start, uint64_t stop);
/* An element-wise kernel on the CPU backend: the entry points N and N_stream,
 * and the bytes of buffer data one element reads or writes. stream is NULL
 * for a run where a write-only output shares its buffer with another
 * argument (its elements would land after the other's reads). */
typedef struct gpuk__host_elementwise {
  gpuk__host_elementwise_fn plain, stream;
  size_t bytes_per_element;
} gpuk__host_elementwise;
/* Writes reduce over [start, stop) (neutral when empty) to *result. */
typedef void (*gpuk__host_reduce_fn)(void *const *args, uint64_t start, uint64_t stop,
                                     void *result);
/* *acc = reduce(*acc, *value). */
typedef void (*gpuk__host_combine_fn)(void *acc, const void *value);

#endif
