/* Compiled code kept per device until it closes: the built-in kernels from
 * kernels/ (embedded at build time) and generated expression kernels, each
 * compiled once per device, options and source, then reused. */
#ifndef GPUK_CORE_BUILTIN_H
#define GPUK_CORE_BUILTIN_H

#include "backend.h"
#include "shape.h"

/* The embedded text of kernels/<file> (e.g. "stream.cl"), or NULL. Generated. */
const char *gpuk__embedded_source(const char *file);

/* Returns the kernel `name` of kernels/<file> built with options for device,
 * building it on first use. *.cu files are CUDA C, the rest OpenCL C. The
 * kernel stays owned by the device. */
gpuk_status gpuk__builtin_kernel(gpuk_device *device, const char *file, const char *options,
                                 const char *name, gpuk_kernel **kernel);

/* Launches kernel `name` of kernels/<file> over shape (groups x wg work-items,
 * built with shape->options) on stream: GPUK_ERROR_UNSUPPORTED on a device
 * that launches no kernels. */
gpuk_status gpuk__builtin_launch(gpuk_stream *stream, const char *file, const char *name,
                                 const gpuk__launch_shape *shape, size_t nargs,
                                 const gpuk_arg *args);

/* The same for any source text (generated kernels). */
gpuk_status gpuk__device_kernel(gpuk_device *device, const char *source,
                                gpuk_source_language language, const char *options,
                                const char *name, gpuk_kernel **kernel);

/* A host C module (CPU backend's host_build) for source, built on first use
 * and owned by the device. */
gpuk_status gpuk__device_host_module(gpuk_device *device, const char *source, void **module);

/* Destroys every stored program, kernel and module of the device (at close). */
void gpuk__builtins_release(gpuk_device *device);

#endif
