/* Writes the sources of the kernels in generated_specs.h, as the library
 * generates them for the OpenCL and CUDA backends, into the file named by its
 * argument: each in a C++ namespace gpuk_emu_<name> of its own, for
 * generated_variant.cpp to include. Run at build time. */
#include <gpuk/gpuk.h>
#include <stdio.h>
#include <stdlib.h>

#include "generated_specs.h"

/* Writes source (and frees it) wrapped in its namespace; 0 on success. */
static int emit(FILE *f, const char *name, gpuk_status st, char *source) {
  if (st != GPUK_SUCCESS) {
    fprintf(stderr, "emit_generated: %s: %s\n", name, gpuk_last_error());
    return 1;
  }
  fprintf(f, "namespace gpuk_emu_%s {\n%s}  // namespace gpuk_emu_%s\n\n", name, source, name);
  free(source);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: emit_generated OUTPUT\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "w");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  int failed = 0;
  char *source = NULL;
  gpuk_status st;
#define EMIT_REDUCTION(name, dtype, type, neutral, reduce, map, preamble, ...)               \
  st = gpuk_reduction_source(dtype, neutral, reduce, map, GPUK_EMULATED_REDUCTION_ARGUMENTS, \
                             #name, preamble, &source);                                      \
  failed |= emit(f, #name, st, source);
  GPUK_EMULATED_REDUCTIONS(EMIT_REDUCTION)
  st = gpuk_elementwise_source(GPUK_EMULATED_ELEMENTWISE_ARGUMENTS,
                               GPUK_EMULATED_ELEMENTWISE_OPERATION, "axpy", NULL, &source);
  failed |= emit(f, "axpy", st, source);
  if (fclose(f) != 0) failed = 1;
  if (failed) remove(argv[1]);
  return failed;
}
