/* Fuzzes the kernel parameter-list reader: the first line of the input is the
 * kernel name, the rest the source; a parsed signature is then checked against
 * scalar arguments whose types come from the input. */
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "signature.h"

/* Buffers never reach these: the fuzzer passes scalars and local sizes only. */
gpuk_status gpuk__check_object(const void *handle, unsigned magic, const char *arg) {
  (void)handle, (void)magic, (void)arg;
  return GPUK_ERROR_INVALID_HANDLE;
}
gpuk_status gpuk__check_same_device(const gpuk_device *expected, const void *handle,
                                    const char *arg) {
  (void)expected, (void)handle, (void)arg;
  return GPUK_ERROR_DEVICE_MISMATCH;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  char *newline = strchr(text, '\n');
  if (newline && newline != text) {
    *newline = '\0';
    gpuk__signature *sig = gpuk__signature_parse(newline + 1, text);
    if (sig) {
      gpuk_arg args[16];
      size_t n = sig->count < 16 ? sig->count : 16;
      for (size_t i = 0; i < n; i++) {
        args[i].type = (gpuk_arg_type)(1 + (unsigned char)text[i % (strlen(text) + 1)] % 7);
        args[i].value.u64 = 1;
      }
      gpuk__signature_check(sig, text, NULL, n, args);
      gpuk__signature_free(sig);
    }
  }
  free(text);
  return 0;
}
