/* The CPU device: discovery of the host processor's properties. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu.h"

/* Copies the value of the first "key : value" line of /proc/cpuinfo. */
static int cpuinfo_field(const char *key, char *out, size_t size) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return 0;
  char line[512];
  int found = 0;
  size_t kl = strlen(key);
  while (!found && fgets(line, sizeof line, f)) {
    if (strncmp(line, key, kl) != 0) continue;
    char *colon = strchr(line, ':');
    if (!colon) continue;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    v[strcspn(v, "\n")] = '\0';
    snprintf(out, size, "%s", v);
    found = 1;
  }
  fclose(f);
  return found;
}

static unsigned clock_mhz(void) {
  FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "r");
  unsigned long khz = 0;
  if (f) {
    if (fscanf(f, "%lu", &khz) != 1) khz = 0;
    fclose(f);
  }
  if (khz) return (unsigned)(khz / 1000);
  char mhz[64];
  return cpuinfo_field("cpu MHz", mhz, sizeof mhz) ? (unsigned)atof(mhz) : 0;
}

static long sysconf_or(int name, long fallback) {
  long v = sysconf(name);
  return v > 0 ? v : fallback;
}

gpuk_status gpuk__cpu_enumerate(gpuk__device_list *list, char *reason, size_t reason_size) {
  (void)reason;
  (void)reason_size;
  gpuk__device_entry *e = &list->entries[0];
  memset(e, 0, sizeof *e);
  gpuk_device_info *info = &e->info;
  if (!cpuinfo_field("model name", info->name, sizeof info->name))
    snprintf(info->name, sizeof info->name, "host CPU");
  if (!cpuinfo_field("vendor_id", info->vendor, sizeof info->vendor))
    snprintf(info->vendor, sizeof info->vendor, "unknown");
  snprintf(info->driver_version, sizeof info->driver_version, "libgpuk %s", GPUK_VERSION_STRING);
  snprintf(info->selector, sizeof info->selector, "cpu");
  info->backend = GPUK_BACKEND_CPU;
  info->type = GPUK_DEVICE_TYPE_CPU;
  info->compute_units = gpuk__cpu_threads();
  info->clock_mhz = clock_mhz();
  info->global_mem_bytes =
      (uint64_t)sysconf_or(_SC_PHYS_PAGES, 0) * (uint64_t)sysconf_or(_SC_PAGESIZE, 4096);
  info->max_alloc_bytes = info->global_mem_bytes;
#ifdef _SC_LEVEL1_DCACHE_SIZE
  info->local_mem_bytes = (uint64_t)sysconf_or(_SC_LEVEL1_DCACHE_SIZE, 32768);
  info->l2_cache_bytes = (uint64_t)sysconf_or(_SC_LEVEL2_CACHE_SIZE, 0);
#else
  info->local_mem_bytes = 32768;
#endif
  info->max_work_group_size = 1024;
  info->max_work_item_sizes[0] = info->max_work_item_sizes[1] = info->max_work_item_sizes[2] = 1024;
  info->supports_double = 1;
  list->count = 1;
  return GPUK_SUCCESS;
}
