/* The GEMM tuning database on disk: <cache dir>/gemm-tuning.txt, read once per
 * process (again when the cache directory changes), updated by
 * gpuk_gemm_tuning_save with a write to a temporary file and a rename. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "gemm.h"
#include "gemm_tuning_db.h"
#include "handles.h"

enum { PATH_MAX_CHARS = 4200, FILE_MAX_BYTES = 1 << 20 };

static const char file_name[] = "gemm-tuning.txt";

/* The database as last read, and the path it was read from. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static gpuk__tuning_db loaded;
static char loaded_path[PATH_MAX_CHARS];

static int tuning_path(char *path, size_t size) {
  char dir[4096];
  if (gpuk__cache_dir(dir, sizeof dir)) return -1;
  int n = snprintf(path, size, "%s/%s", dir, file_name);
  return (n > 0 && (size_t)n < size) ? 0 : -1;
}

/* tuning_path for the public functions: an error status when there is none. */
static gpuk_status tuning_path_or_error(char *path, size_t size) {
  if (tuning_path(path, size) == 0) return GPUK_SUCCESS;
  return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                         "no cache directory: set GPUK_CACHE_DIR, XDG_CACHE_HOME or HOME");
}

/* Reads path into db (empty when the file is missing, unreadable or larger
 * than FILE_MAX_BYTES: tuning results are an optimisation). */
static void read_db(const char *path, gpuk__tuning_db *db) {
  FILE *f = fopen(path, "rb");
  if (!f) return;
  char *text = malloc(FILE_MAX_BYTES);
  size_t len = text ? fread(text, 1, FILE_MAX_BYTES, f) : 0;
  if (text && len < FILE_MAX_BYTES) gpuk__tuning_db_parse(db, text, len);
  free(text);
  fclose(f);
}

/* Makes `loaded` the database at path; call with lock held. */
static void load_locked(const char *path) {
  if (strcmp(path, loaded_path) == 0) return;
  gpuk__tuning_db_free(&loaded);
  read_db(path, &loaded);
  snprintf(loaded_path, sizeof loaded_path, "%s", path);
}

int gpuk__gemm_tuned_config(const gpuk_device_info *info, gpuk_dtype dtype,
                            gpuk_gemm_config *config) {
  char path[PATH_MAX_CHARS];
  if (tuning_path(path, sizeof path)) return 0;
  pthread_mutex_lock(&lock);
  load_locked(path);
  const gpuk__tuning_entry *e = gpuk__tuning_db_find(&loaded, info->backend, info->name, dtype);
  /* The tuner stores tiled shapes only; a skinny one (a hand-edited line)
   * would refuse most sizes. */
  const int found = e && e->config.kernel != GPUK_GEMM_KERNEL_SKINNY;
  if (found) *config = e->config;
  pthread_mutex_unlock(&lock);
  return found;
}

gpuk_status gpuk_gemm_tuning_path(char *path, size_t size) {
  gpuk__clear_error();
  if (!path) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "path is NULL");
  char full[PATH_MAX_CHARS];
  gpuk_status st = tuning_path_or_error(full, sizeof full);
  if (st) return st;
  if (strlen(full) >= size)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "size %zu is too small for the %zu-byte path",
                           size, strlen(full) + 1);
  memcpy(path, full, strlen(full) + 1);
  return GPUK_SUCCESS;
}

/* Writes db to path through a temporary file and a rename. */
static gpuk_status write_db(const char *path, const gpuk__tuning_db *db) {
  char dir[PATH_MAX_CHARS], tmp[PATH_MAX_CHARS + 32];
  snprintf(dir, sizeof dir, "%s", path);
  *strrchr(dir, '/') = '\0';
  if (gpuk__make_dirs(dir))
    return gpuk__set_error(GPUK_ERROR_INTERNAL, "cannot create the cache directory %s", dir);
  char *text = gpuk__tuning_db_format(db);
  if (!text) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "formatting the tuning database");
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  int ok = f && fputs(text, f) >= 0;
  if (f) ok = (fclose(f) == 0) && ok;
  free(text);
  if (ok && rename(tmp, path) == 0) return GPUK_SUCCESS;
  remove(tmp);
  return gpuk__set_error(GPUK_ERROR_INTERNAL, "cannot write the tuning database %s", path);
}

gpuk_status gpuk_gemm_tuning_save(const gpuk_device *device, gpuk_dtype dtype,
                                  const gpuk_gemm_config *config, double gflops, size_t n) {
  gpuk_status st = gpuk_gemm_config_check(device, dtype, config); /* clears the error */
  if (st) return st;
  const gpuk_device_info *info = &device->entry.info;
  if (info->backend == GPUK_BACKEND_CPU)
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                           "the CPU device's GEMM has no block shape to save");
  if (config->kernel == GPUK_GEMM_KERNEL_SKINNY)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "config: GPUK_GEMM_KERNEL_SKINNY takes few rows or columns only, so it "
                           "cannot be a device's shape for every size");
  if (!gpuk__tuning_name_ok(info->name))
    return gpuk__set_error(GPUK_ERROR_UNSUPPORTED,
                           "device name '%.64s' is empty, too long or has control characters",
                           info->name);
  if (!(gflops >= 0 && gflops < 4294967295.0) || n > 0xffffffffUL)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "gflops %g and n %zu must be >= 0 and below 2^32", gflops, n);
  char path[PATH_MAX_CHARS];
  st = tuning_path_or_error(path, sizeof path);
  if (st) return st;
  gpuk__tuning_entry e = {info->backend, dtype, "", *config, (unsigned long)(gflops + 0.5),
                          (unsigned long)n};
  memcpy(e.device, info->name, strlen(info->name) + 1);
  pthread_mutex_lock(&lock);
  /* Re-read the file: another process may have added entries since. */
  gpuk__tuning_db fresh = {NULL, 0, 0};
  read_db(path, &fresh);
  st = gpuk__tuning_db_put(&fresh, &e)
           ? gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "the tuning database is full or memory ran out")
           : write_db(path, &fresh);
  if (!st) {
    gpuk__tuning_db_free(&loaded);
    loaded = fresh;
    snprintf(loaded_path, sizeof loaded_path, "%s", path);
  } else {
    gpuk__tuning_db_free(&fresh);
  }
  pthread_mutex_unlock(&lock);
  return st;
}
