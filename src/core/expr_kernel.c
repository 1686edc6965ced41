#include "expr_kernel.h"

#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "handles.h"

gpuk_status gpuk__expr_prepare(gpuk_device *device, const char *arguments, const char *name,
                               const char *what, gpuk__expr_signature *sig) {
  if (device) {
    gpuk_status st = gpuk__check_device(device, "device");
    if (st) return st;
    if (!device->ops->kernel_launch && !device->ops->host_build)
      return gpuk__unsupported(device, what);
  }
  if (!name) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "name is NULL");
  gpuk_status st = gpuk__expr_check_name(name, "name");
  return st ? st : gpuk__expr_parse_signature(arguments, sig);
}

gpuk_status gpuk__expr_source(const gpuk__expr_spec *spec, const char *what, char **source) {
  if (!source) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "source (output) is NULL");
  *source = gpuk__expr_generate(spec, GPUK__TARGET_OPENCL_C);
  return *source ? GPUK_SUCCESS
                 : gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot generate %s", what);
}

gpuk_status gpuk__expr_build(gpuk_device *device, const gpuk__expr_spec *spec, const char *what,
                             const char *options, size_t count, const char *const *kernel_names,
                             gpuk_kernel **kernels, const char *const *host_names,
                             void **host_symbols) {
  if (gpuk__expr_needs_double(spec->sig, spec->operation ? GPUK_FLOAT32 : spec->out_type) &&
      !device->entry.info.supports_double)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED, "%s '%s' uses double; %s has no double support",
                           what, spec->name, device->entry.info.name);
  const int host = gpuk__expr_on_host(device);
  char *source = gpuk__expr_generate(spec, host ? GPUK__TARGET_HOST_C : GPUK__TARGET_OPENCL_C);
  if (!source) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot generate %s", what);
  gpuk_status st = GPUK_SUCCESS;
  if (host) {
    void *module = NULL;
    st = gpuk__device_host_module(device, source, &module);
    for (size_t k = 0; !st && k < count; k++)
      if (!(host_symbols[k] = device->ops->host_symbol(module, host_names[k])))
        st = gpuk__set_error(GPUK_ERROR_INTERNAL, "the compiled module lacks %s", host_names[k]);
  } else {
    for (size_t k = 0; !st && k < count; k++)
      st = gpuk__device_kernel(device, source, GPUK_SOURCE_OPENCL_C, options, kernel_names[k],
                               &kernels[k]);
  }
  free(source);
  return st ? gpuk__prefix_error(st, "%s '%s'", what, spec->name) : st;
}
