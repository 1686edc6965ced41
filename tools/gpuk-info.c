/* gpuk-info: lists libgpuk's backends (and why one is unavailable) and every
 * device with its properties, as a table or as JSON (--json). */
#include <gpuk/gpuk.h>
#include <stdio.h>
#include <string.h>

static const char *type_name(gpuk_device_type t) {
  switch (t) {
    case GPUK_DEVICE_TYPE_GPU: return "gpu";
    case GPUK_DEVICE_TYPE_CPU: return "cpu";
    default: return "accelerator";
  }
}

/* Prints s as a JSON string literal. */
static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static double mib(uint64_t bytes) { return (double)bytes / (1024.0 * 1024.0); }

static int print_table(size_t count) {
  printf("libgpuk %s\n\nBackends\n", gpuk_version());
  printf("  %-8s %-10s %-7s %s\n", "backend", "status", "devices", "reason");
  for (int b = 0; b < GPUK_BACKEND_COUNT; b++) {
    gpuk_backend_info bi;
    gpuk_backend_get_info((gpuk_backend)b, &bi);
    printf("  %-8s %-10s %-7zu %s\n", gpuk_backend_name(bi.backend),
           bi.available ? "available" : "missing", bi.device_count, bi.reason);
  }
  printf("\nDevices (first is the default; GPUK_DEVICE or a selector picks another)\n");
  printf("  %-12s %-4s %-40s %5s %6s %10s %8s %6s %4s %4s %9s %s\n", "selector", "type", "name",
         "CUs", "MHz", "mem MiB", "local KiB", "maxWG", "fp64", "cc", "peak GF/s", "driver");
  for (size_t i = 0; i < count; i++) {
    gpuk_device_info d;
    if (gpuk_device_get_info_by_index(i, &d) != GPUK_SUCCESS) return 1;
    char cc[16] = "-";
    if (d.backend == GPUK_BACKEND_CUDA)
      snprintf(cc, sizeof cc, "%d.%d", d.compute_capability_major, d.compute_capability_minor);
    char peak[16] = "-"; /* single precision, where the device reports enough */
    if (d.peak_gflops_f32 > 0) snprintf(peak, sizeof peak, "%.0f", d.peak_gflops_f32);
    printf("  %-12s %-4s %-40.40s %5u %6u %10.0f %8.0f %6zu %4s %4s %9s %s\n", d.selector,
           type_name(d.type), d.name, d.compute_units, d.clock_mhz, mib(d.global_mem_bytes),
           (double)d.local_mem_bytes / 1024.0, d.max_work_group_size,
           d.supports_double ? "yes" : "no", cc, peak, d.driver_version);
  }
  return 0;
}

static int print_json(size_t count) {
  printf("{\n  \"version\": ");
  json_string(gpuk_version());
  printf(",\n  \"backends\": [\n");
  for (int b = 0; b < GPUK_BACKEND_COUNT; b++) {
    gpuk_backend_info bi;
    gpuk_backend_get_info((gpuk_backend)b, &bi);
    printf("    {\"name\": ");
    json_string(gpuk_backend_name(bi.backend));
    printf(", \"compiled_in\": %s, \"available\": %s, \"devices\": %zu, \"reason\": ",
           bi.compiled_in ? "true" : "false", bi.available ? "true" : "false", bi.device_count);
    json_string(bi.reason);
    printf("}%s\n", b + 1 < GPUK_BACKEND_COUNT ? "," : "");
  }
  printf("  ],\n  \"devices\": [\n");
  for (size_t i = 0; i < count; i++) {
    gpuk_device_info d;
    if (gpuk_device_get_info_by_index(i, &d) != GPUK_SUCCESS) return 1;
    printf("    {\"selector\": ");
    json_string(d.selector);
    printf(", \"backend\": ");
    json_string(gpuk_backend_name(d.backend));
    printf(", \"type\": ");
    json_string(type_name(d.type));
    printf(", \"name\": ");
    json_string(d.name);
    printf(", \"vendor\": ");
    json_string(d.vendor);
    printf(", \"driver_version\": ");
    json_string(d.driver_version);
    printf(",\n     \"compute_units\": %u, \"clock_mhz\": %u, \"global_mem_bytes\": %llu, "
           "\"local_mem_bytes\": %llu, \"l2_cache_bytes\": %llu, \"max_work_group_size\": %zu, "
           "\"supports_double\": %s, \"compute_capability\": \"%d.%d\", "
           "\"peak_gflops_f32\": %.0f, \"peak_gflops_f64\": %.0f}%s\n",
           d.compute_units, d.clock_mhz, (unsigned long long)d.global_mem_bytes,
           (unsigned long long)d.local_mem_bytes, (unsigned long long)d.l2_cache_bytes,
           d.max_work_group_size, d.supports_double ? "true" : "false",
           d.compute_capability_major, d.compute_capability_minor, d.peak_gflops_f32,
           d.peak_gflops_f64, i + 1 < count ? "," : "");
  }
  printf("  ]\n}\n");
  return 0;
}

int main(int argc, char **argv) {
  int json = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = 1;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: gpuk-info [--json]\n"
             "Lists libgpuk's backends, why any is unavailable, and every device.\n");
      return 0;
    } else {
      fprintf(stderr, "gpuk-info: unknown option '%s'\nusage: gpuk-info [--json]\n", argv[i]);
      return 2;
    }
  }
  size_t count = 0;
  if (gpuk_device_count(&count) != GPUK_SUCCESS) {
    fprintf(stderr, "gpuk-info: %s\n", gpuk_last_error());
    return 1;
  }
  return json ? print_json(count) : print_table(count);
}
