/* Built-in kernels from kernels/ (*.cl files), embedded at build time and compiled lazily,
 * once per device and option string, then reused. */
#ifndef GPUK_CORE_BUILTIN_H
#define GPUK_CORE_BUILTIN_H

#include "backend.h"

/* The embedded text of kernels/<file> (e.g. "stream.cl"), or NULL. Generated. */
const char *gpuk__embedded_source(const char *file);

/* Returns the kernel `name` of kernels/<file> built with options for device,
 * building it on first use. The kernel stays owned by the device. */
gpuk_status gpuk__builtin_kernel(gpuk_device *device, const char *file, const char *options,
                                 const char *name, gpuk_kernel **kernel);

/* Destroys every built-in program and kernel of the device (at close). */
void gpuk__builtins_release(gpuk_device *device);

#endif
