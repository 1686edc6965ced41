/* Source generation for expression kernels: the portable OpenCL C subset
 * (compiled by OpenCL, and by NVRTC through kernels/cuda_prelude.h) and host C
 * (the CPU backend). The user's text is pasted in as written; the compilers
 * report its errors. Names starting with gpuk_ are the generator's own. This
 * file: the text buffer, the preamble, parameters and element-wise kernels;
 * expr_codegen_reduction.c generates map-reduce kernels. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_codegen.h"

void gpuk__text_add(gpuk__text *t, const char *fmt, ...) {
  if (t->failed) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->data ? t->data + t->len : NULL, t->data ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      t->failed = 1;
      return;
    }
    if (t->data && t->len + (size_t)n < t->cap) {
      t->len += (size_t)n;
      return;
    }
    size_t cap = (t->cap + (size_t)n + 1) * 2;
    char *grown = realloc(t->data, cap);
    if (!grown) {
      t->failed = 1;
      return;
    }
    t->data = grown;
    t->cap = cap;
  }
}

static char *finish(gpuk__text *t) {
  if (t->failed) {
    free(t->data);
    return NULL;
  }
  return t->data;
}

/* Helpers host C needs to read like OpenCL C. */
static const char host_header[] =
    "#define _DEFAULT_SOURCE 1\n"
    "#include <float.h>\n"
    "#include <limits.h>\n"
    "#include <stdint.h>\n"
    "#include <tgmath.h>\n"
    "typedef unsigned int uint;\n"
    "typedef unsigned long ulong;\n"
    "_Static_assert(sizeof(long) == 8, \"long must be 64-bit\");\n"
    "#define mad(a, b, c) ((a) * (b) + (c))\n"
    "#define min(a, b) ((a) < (b) ? (a) : (b))\n"
    "#define max(a, b) ((a) > (b) ? (a) : (b))\n"
    "#define M_PI_F ((float)M_PI)\n"
    "#if defined(__SSE2__)\n"
    "#include <emmintrin.h>\n"
    "/* bytes (a multiple of 16) from src to dst, both 16-byte aligned, around the caches */\n"
    "static inline void gpuk_stream_out(void *dst, const void *src, unsigned long bytes) {\n"
    "  for (unsigned long o = 0; o < bytes; o += 16)\n"
    "    _mm_stream_si128((__m128i *)((char *)dst + o),\n"
    "                     _mm_load_si128((const __m128i *)((const char *)src + o)));\n"
    "}\n"
    "#endif\n";

static void preamble(gpuk__text *t, const gpuk__expr_spec *s, gpuk__expr_target target) {
  if (target == GPUK__TARGET_HOST_C)
    add(t, "%s", host_header);
  else if (gpuk__expr_needs_double(s->sig, s->operation ? GPUK_FLOAT32 : s->out_type))
    add(t, "#ifdef __OPENCL_VERSION__\n#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n#endif\n");
  if (s->preamble) add(t, "/* preamble */\n%s\n/* end of preamble */\n", s->preamble);
}

/* "__kernel void symbol(" and the user's parameters (OpenCL C), each
 * followed by ", ": the caller adds its own parameters and the body. */
void gpuk__expr_kernel_open(gpuk__text *t, const char *symbol, const gpuk__expr_signature *sig) {
  add(t, "__kernel void %s(", symbol);
  for (size_t p = 0; p < sig->count; p++) {
    const gpuk__expr_param *q = &sig->params[p];
    if (q->pointer)
      add(t, "__global %s%s *%s, ", q->is_const ? "const " : "", gpuk__dtype_c_name(q->type),
          q->name);
    else
      add(t, "const %s %s, ", gpuk__dtype_c_name(q->type), q->name);
  }
}

/* The user's parameters as locals unpacked from gpuk_args (host C). */
void gpuk__expr_host_params(gpuk__text *t, const gpuk__expr_signature *sig) {
  for (size_t p = 0; p < sig->count; p++) {
    const gpuk__expr_param *q = &sig->params[p];
    const char *type = gpuk__dtype_c_name(q->type), *c = q->is_const ? "const " : "";
    if (q->pointer)
      add(t, "  %s%s *const %s = (%s%s *)gpuk_args[%zu];\n", c, type, q->name, c, type, p);
    else
      add(t, "  const %s %s = *(const %s *)gpuk_args[%zu];\n", type, q->name, type, p);
  }
  add(t, "  (void)gpuk_args;\n");
}

void gpuk__expr_symbol(const char *name, const char *suffix, char *out) {
  snprintf(out, GPUK__EXPR_SYMBOL_SIZE, "gpuk_k_%s%s", name, suffix);
}

/* N_stream (host C): N, with the outputs the operation only writes computed
 * STREAM_BLOCK elements at a time into buffers on the stack and stored
 * from there around the caches (SSE2 streaming stores), so that a written
 * line is not read first. The plain loop runs the elements before every such
 * output is 64-byte aligned and the last partial block. Where the compiler
 * lacks SSE2, or nothing is write-only, N_stream is N. On the 2-core EPYC a
 * triad in this form moved 29 GB/s against 21 with plain stores, as fast as
 * streaming straight from registers. */
#define STREAM_BLOCK 64
static void stream_entry_is_plain(gpuk__text *t, const char *symbol) {
  add(t,
      "void %s_stream(void *const *gpuk_args, uint64_t gpuk_start, uint64_t gpuk_stop) {\n"
      "  %s(gpuk_args, gpuk_start, gpuk_stop);\n"
      "}\n",
      symbol, symbol);
}

static void host_streaming_elementwise(gpuk__text *t, const gpuk__expr_spec *s,
                                       const char *symbol) {
  const unsigned char *out = s->write_only;
  const gpuk__expr_signature *sig = s->sig;
  int outputs = 0;
  for (size_t p = 0; out && p < sig->count; p++) outputs |= out[p];
  if (!outputs) {
    stream_entry_is_plain(t, symbol);
    return;
  }
  add(t,
      "#if defined(__SSE2__)\n"
      "void %s_stream(void *const *gpuk_args, uint64_t gpuk_start, uint64_t gpuk_stop) {\n",
      symbol);
  gpuk__expr_host_params(t, sig);
  add(t,
      "  enum { gpuk_block = %d };\n"
      "  ulong gpuk_i0 = gpuk_start;\n"
      "  for (; gpuk_i0 < gpuk_stop && ((0",
      STREAM_BLOCK);
  for (size_t p = 0; p < sig->count; p++)
    if (out[p]) add(t, " | (uintptr_t)(%s + gpuk_i0)", sig->params[p].name);
  add(t, ") & 63); gpuk_i0++) {\n    ulong i = gpuk_i0;\n%s;\n  }\n", s->operation);
  add(t, "  for (; gpuk_stop - gpuk_i0 >= gpuk_block; gpuk_i0 += gpuk_block) {\n");
  for (size_t p = 0; p < sig->count; p++)
    if (out[p])
      add(t, "    %s gpuk_out%zu[gpuk_block] __attribute__((aligned(64)));\n",
          gpuk__dtype_c_name(sig->params[p].type), p);
  add(t, "    {\n");
  for (size_t p = 0; p < sig->count; p++)
    if (out[p])
      add(t, "      %s *const %s = gpuk_out%zu - gpuk_i0;\n",
          gpuk__dtype_c_name(sig->params[p].type), sig->params[p].name, p);
  add(t, "      for (ulong i = gpuk_i0; i < gpuk_i0 + gpuk_block; i++) {\n%s;\n      }\n    }\n",
      s->operation);
  for (size_t p = 0; p < sig->count; p++)
    if (out[p])
      add(t, "    gpuk_stream_out(%s + gpuk_i0, gpuk_out%zu, sizeof gpuk_out%zu);\n",
          sig->params[p].name, p, p);
  add(t,
      "  }\n"
      "  for (ulong i = gpuk_i0; i < gpuk_stop; i++) {\n%s;\n  }\n"
      "  _mm_sfence();\n"
      "}\n"
      "#else\n",
      s->operation);
  stream_entry_is_plain(t, symbol);
  add(t, "#endif\n");
}

/* The element-wise kernel: a grid-stride loop (OpenCL C; one element per
 * work-item when built with -DGPUK_ONE_PER_ITEM, see shape.h), or N and
 * N_stream over [gpuk_start, gpuk_stop) (host C). */
static void elementwise(gpuk__text *t, const gpuk__expr_spec *s, gpuk__expr_target target) {
  char symbol[GPUK__EXPR_SYMBOL_SIZE];
  gpuk__expr_symbol(s->name, "", symbol);
  if (target == GPUK__TARGET_OPENCL_C) {
    gpuk__expr_kernel_open(t, symbol, s->sig);
    add(t,
        "const ulong gpuk_start, const ulong gpuk_stop) {\n"
        "#ifdef GPUK_ONE_PER_ITEM\n"
        "  for (ulong i = gpuk_start + get_global_id(0); i < gpuk_stop; i = gpuk_stop) {\n"
        "#else\n"
        "  for (ulong i = gpuk_start + get_global_id(0); i < gpuk_stop; i += get_global_size(0)) {\n"
        "#endif\n"
        "%s;\n"
        "  }\n"
        "}\n",
        s->operation);
    return;
  }
  add(t, "void %s(void *const *gpuk_args, uint64_t gpuk_start, uint64_t gpuk_stop) {\n", symbol);
  gpuk__expr_host_params(t, s->sig);
  add(t, "  for (ulong i = gpuk_start; i < gpuk_stop; i++) {\n%s;\n  }\n}\n", s->operation);
  host_streaming_elementwise(t, s, symbol);
}

char *gpuk__expr_generate(const gpuk__expr_spec *s, gpuk__expr_target target) {
  gpuk__text t = {0};
  preamble(&t, s, target);
  if (s->operation)
    elementwise(&t, s, target);
  else
    gpuk__expr_generate_reduction(&t, s, target);
  return finish(&t);
}
