/* The on-disk cache of compiled kernels (GPUK_CACHE_DIR, GPUK_NO_CACHE). */
#ifndef GPUK_CORE_CACHE_H
#define GPUK_CORE_CACHE_H

#include <stddef.h>

/* Looks up the binary stored under key (the full text of everything the binary
 * depends on: backend, device, driver and compiler versions, library version,
 * options, source). Returns 1 and a malloc'd copy on a hit; 0 on a miss, when
 * caching is off, or when the entry is damaged (counted as corrupt). */
int gpuk__cache_load(const char *key, void **data, size_t *size);

/* Stores a binary under key: written to a temporary file and renamed, so readers
 * never see half an entry. Failures are ignored: the cache is an optimisation. */
void gpuk__cache_store(const char *key, const void *data, size_t size);

/* Records that a loaded entry was rejected by the driver (and will be rebuilt). */
void gpuk__cache_note_rejected(void);

/* Writes the cache directory (GPUK_CACHE_DIR, else $XDG_CACHE_HOME/gpuk, else
 * $HOME/.cache/gpuk) into buf; returns 0 when there is one. */
int gpuk__cache_dir(char *buf, size_t size);

/* mkdir -p (path is modified while walking, then restored); 0 on success. */
int gpuk__make_dirs(char *path);

/* parts joined into one key, each followed by a separator line. malloc'd;
 * NULL when out of memory. */
char *gpuk__cache_join_key(size_t n, const char *const *parts);

struct gpuk_program;

/* The cache key of a program: library version, backend, device name, driver
 * version, the backend's compiler identity (e.g. NVRTC version and arch), the
 * options and the source. malloc'd; NULL when out of memory. */
char *gpuk__program_cache_key(const struct gpuk_program *program, const char *options,
                              const char *compiler);

#endif
