/* Fuzzes device selector strings against a registry of made-up devices of
 * every backend and type: no crash, and a found index is always valid. */
#include <stdlib.h>
#include <string.h>

#include "registry.h"

static gpuk__registry registry;
static gpuk__device_entry entries[6];

static void add(gpuk_backend b, gpuk_device_type t, const char *name, const char *sel, int p, int d) {
  gpuk__device_entry *e = &entries[registry.count];
  strcpy(e->info.name, name);
  strcpy(e->info.selector, sel);
  e->info.backend = b;
  e->info.type = t;
  e->info.platform_index = p;
  e->info.device_index = d;
  registry.devices[registry.count++] = e;
  registry.backends[b].available = 1;
  registry.backends[b].device_count++;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (registry.count == 0) {
    add(GPUK_BACKEND_CUDA, GPUK_DEVICE_TYPE_GPU, "NVIDIA H100 80GB HBM3", "cuda:0", 0, 0);
    add(GPUK_BACKEND_CUDA, GPUK_DEVICE_TYPE_GPU, "NVIDIA A100", "cuda:1", 1, 0);
    add(GPUK_BACKEND_OPENCL, GPUK_DEVICE_TYPE_GPU, "gfx1100", "opencl:0:0", 0, 0);
    add(GPUK_BACKEND_CPU, GPUK_DEVICE_TYPE_CPU, "AMD EPYC", "cpu", 0, 0);
    add(GPUK_BACKEND_OPENCL, GPUK_DEVICE_TYPE_CPU, "pthread-AMD EPYC", "opencl:1:0", 1, 0);
    strcpy(registry.backends[GPUK_BACKEND_OPENCL].reason, "");
  }
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  size_t index = (size_t)-1;
  if (gpuk__select_device(&registry, text, &index) == GPUK_SUCCESS && index >= registry.count)
    abort();
  free(text);
  return 0;
}
