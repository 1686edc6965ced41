/* What element-wise and reduction handles share: the parsed signature, the
 * kernel name, and how a generated source becomes runnable code on a device. */
#ifndef GPUK_CORE_EXPR_KERNEL_H
#define GPUK_CORE_EXPR_KERNEL_H

#include "backend.h"
#include "expr.h"

/* Checks device (unless NULL: source only), name and arguments, filling sig.
 * what: "element-wise kernel" etc. */
gpuk_status gpuk__expr_prepare(gpuk_device *device, const char *arguments, const char *name,
                               const char *what, gpuk__expr_signature *sig);

/* 1 when device runs expression kernels as host C (the CPU backend), 0 when
 * as OpenCL C kernels. */
static inline int gpuk__expr_on_host(const gpuk_device *device) {
  return !device->ops->kernel_launch;
}

/* Generates the OpenCL C source of spec into *source (malloc'd). */
gpuk_status gpuk__expr_source(const gpuk__expr_spec *spec, const char *what, char **source);

/* Generates spec for the device and compiles it: GPU backends get the OpenCL C
 * kernels named kernel_names (count of them, built with options), the CPU
 * backend the host module's symbols host_names. A failed build returns
 * GPUK_ERROR_BUILD naming the kernel, with the compiler log in
 * gpuk_last_build_log(). */
gpuk_status gpuk__expr_build(gpuk_device *device, const gpuk__expr_spec *spec, const char *what,
                             const char *options, size_t count, const char *const *kernel_names,
                             gpuk_kernel **kernels, const char *const *host_names,
                             void **host_symbols);

#endif
