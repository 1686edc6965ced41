/* The GEMM tuning database: the block shape `gpuk-bench matmul --tune` found
 * fastest per backend, device name and type, as a text file in the user's cache
 * directory. One line per entry, tab-separated:
 *   backend  device-name  dtype  block-shape  GFLOP/s  n
 * e.g. "opencl\tcpu-zen2-AMD EPYC 7B12\tfloat32\t64x32x16/8x8\t41\t1024"
 * (GFLOP/s and n are integers).
 * Lines starting with '#' and blank lines are comments; a line that does not
 * parse is skipped (never an error); a later line replaces an earlier one for
 * the same key. Parsing and formatting are pure, for the fuzzer. */
#ifndef GPUK_CORE_GEMM_TUNING_DB_H
#define GPUK_CORE_GEMM_TUNING_DB_H

#include "gpuk/gpuk.h"

enum { GPUK__TUNING_NAME_MAX = 256, GPUK__TUNING_MAX_ENTRIES = 1024 };

typedef struct gpuk__tuning_entry {
  gpuk_backend backend;
  gpuk_dtype dtype; /* GPUK_FLOAT32 or GPUK_FLOAT64 */
  char device[GPUK__TUNING_NAME_MAX];
  gpuk_gemm_config config;
  unsigned long gflops; /* what the tuning run measured (at size n), for people */
  unsigned long n;      /* reading the file; both below 2^32 */
} gpuk__tuning_entry;

typedef struct gpuk__tuning_db {
  gpuk__tuning_entry *entries;
  size_t count, capacity;
} gpuk__tuning_db;

/* Adds the entries of text[0, len) to db. Returns 0, or -1 when out of memory
 * (db keeps what it had). */
int gpuk__tuning_db_parse(gpuk__tuning_db *db, const char *text, size_t len);

/* Replaces the entry with e's key or appends e (up to GPUK__TUNING_MAX_ENTRIES).
 * Returns 0, or -1 when out of memory or full. */
int gpuk__tuning_db_put(gpuk__tuning_db *db, const gpuk__tuning_entry *e);

/* The entry for this key, or NULL. */
const gpuk__tuning_entry *gpuk__tuning_db_find(const gpuk__tuning_db *db, gpuk_backend backend,
                                               const char *device, gpuk_dtype dtype);

/* The whole database as text (with a header comment), malloc'd; NULL when out
 * of memory. Parsing it gives the same entries. */
char *gpuk__tuning_db_format(const gpuk__tuning_db *db);

/* A device name can be stored when it is non-empty, shorter than
 * GPUK__TUNING_NAME_MAX and free of tabs, newlines and other control bytes. */
int gpuk__tuning_name_ok(const char *name);

void gpuk__tuning_db_free(gpuk__tuning_db *db);

#endif
