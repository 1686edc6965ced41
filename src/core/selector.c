/* Device selector strings ("cpu", "cuda:1", "opencl:0:1", "opencl:gpu", a name
 * substring) resolved against the registry's ordered device list. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "registry.h"

/* Parses a whole non-negative decimal; returns 0 on anything else. */
static int parse_index(const char *s, size_t len, int *out) {
  if (len == 0 || len > 6) return 0;
  int v = 0;
  for (size_t i = 0; i < len; i++) {
    if (!isdigit((unsigned char)s[i])) return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

static int contains_nocase(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; hay++) {
    size_t i = 0;
    while (i < n && hay[i] &&
           tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
      i++;
    if (i == n) return 1;
  }
  return n == 0;
}

static gpuk_status backend_unavailable(const gpuk__registry *r, gpuk_backend b,
                                       const char *selector) {
  return gpuk__set_error(GPUK_ERROR_BACKEND_UNAVAILABLE,
                         "device selector '%s': the %s backend is unavailable: %s", selector,
                         gpuk_backend_name(b), r->backends[b].reason);
}

/* First device satisfying backend (or -1 for any) and type (or -1 for any). */
static int find_first(const gpuk__registry *r, int backend, int type, size_t *index) {
  for (size_t i = 0; i < r->count; i++) {
    const gpuk_device_info *d = &r->devices[i]->info;
    if ((backend < 0 || (int)d->backend == backend) && (type < 0 || (int)d->type == type)) {
      *index = i;
      return 1;
    }
  }
  return 0;
}

static gpuk_status select_cuda(const gpuk__registry *r, const char *sel, const char *rest,
                               size_t *index) {
  if (!r->backends[GPUK_BACKEND_CUDA].available)
    return backend_unavailable(r, GPUK_BACKEND_CUDA, sel);
  int ordinal = 0;
  if (*rest && !(rest[0] == ':' && parse_index(rest + 1, strlen(rest + 1), &ordinal)))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "device selector '%s': expected 'cuda' or 'cuda:N'", sel);
  for (size_t i = 0; i < r->count; i++) {
    const gpuk_device_info *d = &r->devices[i]->info;
    if (d->backend == GPUK_BACKEND_CUDA && d->platform_index == ordinal) {
      *index = i;
      return GPUK_SUCCESS;
    }
  }
  return gpuk__set_error(GPUK_ERROR_NOT_FOUND, "device selector '%s': there are %zu CUDA device(s)",
                         sel, r->backends[GPUK_BACKEND_CUDA].device_count);
}

static gpuk_status select_opencl(const gpuk__registry *r, const char *sel, const char *rest,
                                 size_t *index) {
  if (!r->backends[GPUK_BACKEND_OPENCL].available)
    return backend_unavailable(r, GPUK_BACKEND_OPENCL, sel);
  if (!*rest) {
    find_first(r, GPUK_BACKEND_OPENCL, -1, index);
    return GPUK_SUCCESS;
  }
  if (rest[0] != ':')
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "device selector '%s': expected opencl, opencl:P:D, opencl:gpu, "
                           "opencl:cpu or opencl:accelerator",
                           sel);
  rest++;
  static const struct {
    const char *word;
    gpuk_device_type type;
  } types[] = {{"gpu", GPUK_DEVICE_TYPE_GPU},
               {"cpu", GPUK_DEVICE_TYPE_CPU},
               {"accelerator", GPUK_DEVICE_TYPE_ACCELERATOR}};
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    if (strcmp(rest, types[t].word) == 0) {
      if (find_first(r, GPUK_BACKEND_OPENCL, (int)types[t].type, index)) return GPUK_SUCCESS;
      return gpuk__set_error(GPUK_ERROR_NOT_FOUND, "device selector '%s': no OpenCL %s device",
                             sel, types[t].word);
    }
  }
  const char *colon = strchr(rest, ':');
  int platform = 0, device = 0;
  if (!colon || !parse_index(rest, (size_t)(colon - rest), &platform) ||
      !parse_index(colon + 1, strlen(colon + 1), &device))
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "device selector '%s': expected opencl:P:D with decimal P and D", sel);
  for (size_t i = 0; i < r->count; i++) {
    const gpuk_device_info *d = &r->devices[i]->info;
    if (d->backend == GPUK_BACKEND_OPENCL && d->platform_index == platform &&
        d->device_index == device) {
      *index = i;
      return GPUK_SUCCESS;
    }
  }
  return gpuk__set_error(GPUK_ERROR_NOT_FOUND,
                         "device selector '%s': no OpenCL device %d on platform %d", sel, device,
                         platform);
}

gpuk_status gpuk__select_device(const gpuk__registry *r, const char *sel, size_t *index) {
  if (!sel || !*sel || strcmp(sel, "default") == 0) {
    if (r->count == 0) return gpuk__set_error(GPUK_ERROR_NOT_FOUND, "no devices found");
    *index = 0;
    return GPUK_SUCCESS;
  }
  if (strcmp(sel, "cpu") == 0) {
    if (find_first(r, GPUK_BACKEND_CPU, -1, index)) return GPUK_SUCCESS;
    return backend_unavailable(r, GPUK_BACKEND_CPU, sel);
  }
  if (strcmp(sel, "gpu") == 0) {
    if (find_first(r, -1, GPUK_DEVICE_TYPE_GPU, index)) return GPUK_SUCCESS;
    return gpuk__set_error(GPUK_ERROR_NOT_FOUND, "device selector 'gpu': no GPU present");
  }
  if (strncmp(sel, "cuda", 4) == 0 && (sel[4] == '\0' || sel[4] == ':'))
    return select_cuda(r, sel, sel + 4, index);
  if (strncmp(sel, "opencl", 6) == 0 && (sel[6] == '\0' || sel[6] == ':'))
    return select_opencl(r, sel, sel + 6, index);
  for (size_t i = 0; i < r->count; i++) {
    if (contains_nocase(r->devices[i]->info.name, sel)) {
      *index = i;
      return GPUK_SUCCESS;
    }
  }
  return gpuk__set_error(GPUK_ERROR_NOT_FOUND,
                         "device selector '%s' matches no device (try gpuk-info for the list)",
                         sel);
}
