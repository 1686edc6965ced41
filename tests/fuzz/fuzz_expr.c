/* Fuzzes expression kernels' text handling: the input's lines are the
 * argument signature, the kernel name, and the operation / map expression.
 * A signature that parses is checked against scalar arguments typed by the
 * input, the operation is scanned for write-only outputs, and source is
 * generated for both targets, element-wise and reduction (default map
 * included). Nothing is compiled. */
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "handles.h"

/* Buffers never reach these: the fuzzer passes scalars only. */
gpuk_status gpuk__check_object(const void *handle, unsigned magic, const char *arg) {
  (void)handle, (void)magic, (void)arg;
  return GPUK_ERROR_INVALID_HANDLE;
}
gpuk_status gpuk__check_same_device(const gpuk_device *expected, const void *handle,
                                    const char *arg) {
  (void)expected, (void)handle, (void)arg;
  return GPUK_ERROR_DEVICE_MISMATCH;
}

/* Splits off the next line (NUL-terminating it); "" once the text runs out. */
static char *next_line(char **cursor) {
  char *line = *cursor, *newline = strchr(line, '\n');
  if (newline) {
    *newline = '\0';
    *cursor = newline + 1;
  } else {
    *cursor = line + strlen(line);
  }
  return line;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  char *cursor = text;
  const char *arguments = next_line(&cursor), *name = next_line(&cursor);
  const char *expression = next_line(&cursor);
  gpuk__expr_signature sig;
  if (gpuk__expr_parse_signature(arguments, &sig) == GPUK_SUCCESS &&
      gpuk__expr_check_name(name, "name") == GPUK_SUCCESS) {
    gpuk_arg args[GPUK__EXPR_MAX_PARAMS];
    for (size_t i = 0; i < sig.count; i++) {
      args[i].type = (gpuk_arg_type)(1 + (unsigned char)arguments[i % (strlen(arguments) + 1)] % 6);
      args[i].value.u64 = 1;
    }
    gpuk__expr_check_args(&sig, name, NULL, 10, sig.count, args);
    for (int target = 0; target < 2; target++) {
      unsigned char write_only[GPUK__EXPR_MAX_PARAMS];
      gpuk__expr_spec elementwise = {&sig, name, cursor, expression, GPUK_FLOAT32, NULL, NULL, NULL,
                                     write_only};
      gpuk__expr_write_only_outputs(&elementwise, write_only);
      gpuk__expr_spec reduction = {&sig,        name, cursor, NULL, (gpuk_dtype)(size % 6),
                                   "0",         "a + b",
                                   *expression ? expression : NULL,
                                   NULL};
      free(gpuk__expr_generate(&elementwise, (gpuk__expr_target)target));
      int has_pointer = 0;
      for (size_t i = 0; i < sig.count; i++) has_pointer |= sig.params[i].pointer;
      if (reduction.map_expr || has_pointer)
        free(gpuk__expr_generate(&reduction, (gpuk__expr_target)target));
    }
  }
  free(text);
  return 0;
}
