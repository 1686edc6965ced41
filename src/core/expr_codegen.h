/* Shared by the expression code generators (expr_codegen.c: the text buffer,
 * the preamble, parameters and element-wise kernels; expr_codegen_reduction.c:
 * map-reduce kernels). Internal to them. */
#ifndef GPUK_CORE_EXPR_CODEGEN_H
#define GPUK_CORE_EXPR_CODEGEN_H

#include "expr.h"

/* Source text being generated. On allocation failure `failed` is set and
 * later additions do nothing. */
typedef struct gpuk__text {
  char *data;
  size_t len, cap;
  int failed;
} gpuk__text;

/* Appends printf-style text to t. */
void gpuk__text_add(gpuk__text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define add gpuk__text_add /* short: the generators call it on almost every line */

/* Opens an OpenCL C kernel: "__kernel void symbol(" and the user's
 * parameters, each followed by ", "; the caller adds the rest. */
void gpuk__expr_kernel_open(gpuk__text *t, const char *symbol, const gpuk__expr_signature *sig);

/* The user's parameters as host C locals unpacked from gpuk_args. */
void gpuk__expr_host_params(gpuk__text *t, const gpuk__expr_signature *sig);

/* The map-reduce kernels of spec (operation NULL) for target, after the
 * preamble. */
void gpuk__expr_generate_reduction(gpuk__text *t, const gpuk__expr_spec *s,
                                   gpuk__expr_target target);

#endif
