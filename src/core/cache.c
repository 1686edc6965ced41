/* Compiled-kernel cache on disk: one file per key, named by a 128-bit hash of
 * the key, holding the full key (to rule out collisions), the binary and its
 * checksum. A damaged or foreign entry is a miss, never an error. */
#include "cache.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "error.h"

static const char file_magic[8] = {'G', 'P', 'U', 'K', 'C', 'C', '0', '1'};

static atomic_ulong stat_hits, stat_misses, stat_corrupt, stat_stores, stat_rejected;
static atomic_ulong stores_begun; /* names each store's temporary file within the process */

static uint64_t fnv1a(const void *data, size_t n, uint64_t h) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static int cache_disabled(void) {
  const char *v = getenv("GPUK_NO_CACHE");
  return v && *v && strcmp(v, "0") != 0;
}

int gpuk__make_dirs(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    int r = mkdir(path, 0755);
    *p = '/';
    if (r != 0 && errno != EEXIST) return -1;
  }
  return (mkdir(path, 0755) == 0 || errno == EEXIST) ? 0 : -1;
}

int gpuk__cache_dir(char *buf, size_t size) {
  const char *dir = getenv("GPUK_CACHE_DIR");
  int n;
  if (dir && *dir) {
    n = snprintf(buf, size, "%s", dir);
  } else if ((dir = getenv("XDG_CACHE_HOME")) && *dir) {
    n = snprintf(buf, size, "%s/gpuk", dir);
  } else if ((dir = getenv("HOME")) && *dir) {
    n = snprintf(buf, size, "%s/.cache/gpuk", dir);
  } else {
    return -1;
  }
  return (n > 0 && (size_t)n < size) ? 0 : -1;
}

static int entry_path(const char *key, char *buf, size_t size) {
  char dir[4096];
  if (gpuk__cache_dir(dir, sizeof dir)) return -1;
  size_t kl = strlen(key);
  uint64_t h1 = fnv1a(key, kl, 0xcbf29ce484222325ULL);
  uint64_t h2 = fnv1a(key, kl, 0x84222325cbf29ce4ULL ^ kl);
  int n = snprintf(buf, size, "%s/%016llx%016llx.bin", dir, (unsigned long long)h1,
                   (unsigned long long)h2);
  return (n > 0 && (size_t)n < size) ? 0 : -1;
}

int gpuk__cache_load(const char *key, void **data, size_t *size) {
  char path[4200];
  if (cache_disabled() || entry_path(key, path, sizeof path)) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    atomic_fetch_add(&stat_misses, 1);
    return 0;
  }
  /* The header's lengths are checked against the file's real size before any
   * allocation, so a damaged entry cannot ask for gigabytes. */
  long file_size = -1;
  if (fseek(f, 0, SEEK_END) == 0) file_size = ftell(f);
  rewind(f);
  char magic[8];
  uint64_t key_len = 0, data_len = 0, sum = 0;
  char *stored_key = NULL;
  void *blob = NULL;
  int ok = fread(magic, 1, 8, f) == 8 && memcmp(magic, file_magic, 8) == 0 &&
           fread(&key_len, sizeof key_len, 1, f) == 1 && key_len == strlen(key) &&
           (stored_key = malloc(key_len + 1)) != NULL &&
           fread(stored_key, 1, key_len, f) == key_len && memcmp(stored_key, key, key_len) == 0 &&
           fread(&data_len, sizeof data_len, 1, f) == 1 && fread(&sum, sizeof sum, 1, f) == 1 &&
           data_len > 0 && file_size > 0 &&
           (uint64_t)file_size > 8 + 3 * sizeof(uint64_t) + key_len &&
           data_len == (uint64_t)file_size - 8 - 3 * sizeof(uint64_t) - key_len &&
           (blob = malloc(data_len)) != NULL && fread(blob, 1, data_len, f) == data_len &&
           fgetc(f) == EOF && fnv1a(blob, data_len, 0xcbf29ce484222325ULL) == sum;
  fclose(f);
  free(stored_key);
  if (!ok) {
    free(blob);
    atomic_fetch_add(&stat_corrupt, 1);
    return 0;
  }
  atomic_fetch_add(&stat_hits, 1);
  *data = blob;
  *size = (size_t)data_len;
  return 1;
}

void gpuk__cache_store(const char *key, const void *data, size_t size) {
  char path[4200], tmp[4300], dir[4096];
  if (cache_disabled() || entry_path(key, path, sizeof path) || gpuk__cache_dir(dir, sizeof dir))
    return;
  if (gpuk__make_dirs(dir)) return;
  /* One temporary file per store, not per process: two threads storing the same
   * key (two identical devices) would otherwise write one file at once, and the
   * first rename could publish it half-written by the second. */
  snprintf(tmp, sizeof tmp, "%s.%ld.%lu.tmp", path, (long)getpid(),
           atomic_fetch_add(&stores_begun, 1));
  FILE *f = fopen(tmp, "wb");
  if (!f) return;
  uint64_t key_len = strlen(key), data_len = size;
  uint64_t sum = fnv1a(data, size, 0xcbf29ce484222325ULL);
  int ok = fwrite(file_magic, 1, 8, f) == 8 && fwrite(&key_len, sizeof key_len, 1, f) == 1 &&
           fwrite(key, 1, key_len, f) == key_len &&
           fwrite(&data_len, sizeof data_len, 1, f) == 1 && fwrite(&sum, sizeof sum, 1, f) == 1 &&
           fwrite(data, 1, size, f) == size;
  ok = (fclose(f) == 0) && ok;
  if (ok && rename(tmp, path) == 0) {
    atomic_fetch_add(&stat_stores, 1);
    return;
  }
  remove(tmp);
}

void gpuk__cache_note_rejected(void) { atomic_fetch_add(&stat_rejected, 1); }

char *gpuk__cache_join_key(size_t n, const char *const *parts) {
  size_t total = 1;
  for (size_t i = 0; i < n; i++) total += strlen(parts[i] ? parts[i] : "") + 4;
  char *key = malloc(total);
  if (!key) return NULL;
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    const char *p = parts[i] ? parts[i] : "";
    size_t l = strlen(p);
    memcpy(key + at, p, l);
    at += l;
    memcpy(key + at, "\n--\n", 4);
    at += 4;
  }
  key[at] = '\0';
  return key;
}

char *gpuk__program_cache_key(const gpuk_program *p, const char *options,
                              const char *compiler) {
  const gpuk_device_info *info = &p->obj.device->entry.info;
  const char *parts[] = {"libgpuk " GPUK_VERSION_STRING,
                         gpuk_backend_name(info->backend),
                         info->name,
                         info->driver_version,
                         compiler,
                         p->language == GPUK_SOURCE_CUDA ? "cuda" : "opencl-c",
                         options,
                         p->source};
  return gpuk__cache_join_key(sizeof parts / sizeof parts[0], parts);
}

gpuk_status gpuk_cache_get_stats(gpuk_cache_stats *stats) {
  gpuk__clear_error();
  if (!stats) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "stats is NULL");
  stats->hits = atomic_load(&stat_hits);
  stats->misses = atomic_load(&stat_misses);
  stats->corrupt = atomic_load(&stat_corrupt);
  stats->stores = atomic_load(&stat_stores);
  stats->rejected = atomic_load(&stat_rejected);
  return GPUK_SUCCESS;
}
