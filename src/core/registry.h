/* The process-wide list of backends and devices, discovered once. */
#ifndef GPUK_CORE_REGISTRY_H
#define GPUK_CORE_REGISTRY_H

#include "backend.h"

typedef struct gpuk__registry {
  gpuk_backend_info backends[GPUK_BACKEND_COUNT];
  const gpuk_backend_ops *ops[GPUK_BACKEND_COUNT];
  /* Every device, fastest kind first: CUDA, OpenCL GPUs, OpenCL accelerators,
   * the native CPU device, OpenCL CPU devices. */
  size_t count;
  const gpuk__device_entry *devices[GPUK_BACKEND_COUNT * GPUK__MAX_DEVICES_PER_BACKEND];
} gpuk__registry;

/* Runs discovery on first use; never fails (a failing backend is recorded as
 * unavailable with its reason). */
const gpuk__registry *gpuk__registry_get(void);

/* Resolves a selector (see gpuk_device_open) to an index into registry->devices.
 * Pure: no discovery, no environment, so it can be tested and fuzzed alone. */
gpuk_status gpuk__select_device(const gpuk__registry *registry, const char *selector,
                                size_t *index);

#endif
