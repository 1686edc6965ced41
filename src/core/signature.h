/* Kernel parameter lists read from source, and the check of launch arguments
 * against them. */
#ifndef GPUK_CORE_SIGNATURE_H
#define GPUK_CORE_SIGNATURE_H

#include <stddef.h>

#include "gpuk/gpuk.h"

typedef enum gpuk__param_kind {
  GPUK__PARAM_BUFFER, /* __global / __constant pointer, or any pointer in CUDA C */
  GPUK__PARAM_LOCAL,  /* __local pointer */
  GPUK__PARAM_SCALAR, /* a by-value scalar of a type gpuk_arg can pass */
  GPUK__PARAM_OTHER   /* a by-value type gpuk_arg cannot pass (short, float4, struct) */
} gpuk__param_kind;

typedef struct gpuk__param {
  gpuk__param_kind kind;
  gpuk_arg_type scalar; /* for GPUK__PARAM_SCALAR */
  char name[64];
  char type[64]; /* the declared type, for messages */
} gpuk__param;

typedef struct gpuk__signature {
  size_t count;
  gpuk__param *params;
} gpuk__signature;

/* Finds kernel `name` in source (OpenCL C `__kernel`/`kernel`, or CUDA
 * `__global__`) and parses its parameters. Returns NULL when the declaration
 * cannot be found (e.g. built by macros) or memory runs out. */
gpuk__signature *gpuk__signature_parse(const char *source, const char *name);
void gpuk__signature_free(gpuk__signature *sig);

/* Checks nargs/args against sig (kernel_name for messages). Buffer arguments are
 * checked to be live handles of device. */
gpuk_status gpuk__signature_check(const gpuk__signature *sig, const char *kernel_name,
                                  const gpuk_device *device, size_t nargs, const gpuk_arg *args);

/* "GPUK_ARG_FLOAT" etc. */
const char *gpuk__arg_type_name(gpuk_arg_type type);

#endif
