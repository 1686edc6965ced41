/* Reading and writing the text of the GEMM tuning database (format in
 * gemm_tuning_db.h). */
#include "gemm_tuning_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"

enum { FIELDS = 6, LINE_MAX_CHARS = 1024 };

static const char header[] =
    "# libgpuk GEMM tuning database, written by gpuk_gemm_tuning_save (gpuk-bench matmul --tune).\n"
    "# backend<TAB>device name<TAB>dtype<TAB>block shape<TAB>GFLOP/s<TAB>n\n";

int gpuk__tuning_name_ok(const char *name) {
  size_t len = strlen(name);
  if (len == 0 || len >= GPUK__TUNING_NAME_MAX) return 0;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) return 0;
  return 1;
}

static int backend_from_text(const char *s, gpuk_backend *out) {
  for (int b = 0; b < GPUK_BACKEND_COUNT; b++) {
    if (strcmp(s, gpuk_backend_name((gpuk_backend)b)) == 0) {
      *out = (gpuk_backend)b;
      return 1;
    }
  }
  return 0;
}

static const char *dtype_text(gpuk_dtype dtype) {
  return dtype == GPUK_FLOAT64 ? "float64" : "float32";
}

static int dtype_from_text(const char *s, gpuk_dtype *out) {
  if (strcmp(s, "float32") == 0) *out = GPUK_FLOAT32;
  else if (strcmp(s, "float64") == 0) *out = GPUK_FLOAT64;
  else return 0;
  return 1;
}

/* A decimal integer of 1 to 10 digits filling the whole field, below 2^32
 * (integers only: a locale's decimal comma cannot garble the file). */
static int count_from_text(const char *s, unsigned long *out) {
  unsigned long long v = 0;
  size_t digits = strspn(s, "0123456789");
  if (digits == 0 || digits > 10 || s[digits]) return 0;
  for (size_t i = 0; i < digits; i++) v = v * 10 + (unsigned)(s[i] - '0');
  if (v > 0xffffffffULL) return 0;
  *out = (unsigned long)v;
  return 1;
}

/* Parses one line (no newline, NUL-terminated, modified in place). */
static int parse_line(char *line, gpuk__tuning_entry *e) {
  char *field[FIELDS];
  int n = 0;
  for (char *p = line;; p++) {
    if (n == FIELDS) return 0; /* too many fields */
    field[n++] = p;
    p = strchr(p, '\t');
    if (!p) break;
    *p = '\0';
  }
  if (n != FIELDS || !backend_from_text(field[0], &e->backend) ||
      !gpuk__tuning_name_ok(field[1]) || !dtype_from_text(field[2], &e->dtype) ||
      !gpuk__gemm_config_from_text(field[3], &e->config) ||
      !count_from_text(field[4], &e->gflops) || !count_from_text(field[5], &e->n))
    return 0;
  memcpy(e->device, field[1], strlen(field[1]) + 1);
  return 1;
}

int gpuk__tuning_db_parse(gpuk__tuning_db *db, const char *text, size_t len) {
  char line[LINE_MAX_CHARS + 1];
  size_t at = 0;
  while (at < len) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t line_len = end - at;
    if (line_len <= LINE_MAX_CHARS && line_len > 0 && text[at] != '#' &&
        !memchr(text + at, '\0', line_len)) {
      memcpy(line, text + at, line_len);
      line[line_len] = '\0';
      gpuk__tuning_entry e;
      /* A full database ignores further new keys; only running out of memory fails. */
      if (parse_line(line, &e) && gpuk__tuning_db_put(db, &e) != 0 &&
          db->count < GPUK__TUNING_MAX_ENTRIES)
        return -1;
    }
    at = end + 1;
  }
  return 0;
}

static gpuk__tuning_entry *find(const gpuk__tuning_db *db, gpuk_backend backend,
                                const char *device, gpuk_dtype dtype) {
  for (size_t i = 0; i < db->count; i++) {
    gpuk__tuning_entry *e = &db->entries[i];
    if (e->backend == backend && e->dtype == dtype && strcmp(e->device, device) == 0) return e;
  }
  return NULL;
}

const gpuk__tuning_entry *gpuk__tuning_db_find(const gpuk__tuning_db *db, gpuk_backend backend,
                                               const char *device, gpuk_dtype dtype) {
  return find(db, backend, device, dtype);
}

int gpuk__tuning_db_put(gpuk__tuning_db *db, const gpuk__tuning_entry *e) {
  gpuk__tuning_entry *old = find(db, e->backend, e->device, e->dtype);
  if (old) {
    *old = *e;
    return 0;
  }
  if (db->count >= GPUK__TUNING_MAX_ENTRIES) return -1;
  if (db->count == db->capacity) {
    size_t cap = db->capacity ? 2 * db->capacity : 8;
    gpuk__tuning_entry *grown = realloc(db->entries, cap * sizeof *grown);
    if (!grown) return -1;
    db->entries = grown;
    db->capacity = cap;
  }
  db->entries[db->count++] = *e;
  return 0;
}

char *gpuk__tuning_db_format(const gpuk__tuning_db *db) {
  size_t size = sizeof header + db->count * (GPUK__TUNING_NAME_MAX + 96);
  char *text = malloc(size);
  if (!text) return NULL;
  size_t at = (size_t)snprintf(text, size, "%s", header);
  for (size_t i = 0; i < db->count; i++) {
    const gpuk__tuning_entry *e = &db->entries[i];
    char shape[64];
    gpuk__gemm_config_to_text(&e->config, shape, sizeof shape);
    at += (size_t)snprintf(text + at, size - at, "%s\t%s\t%s\t%s\t%lu\t%lu\n",
                           gpuk_backend_name(e->backend), e->device, dtype_text(e->dtype), shape,
                           e->gflops, e->n);
  }
  return text;
}

void gpuk__tuning_db_free(gpuk__tuning_db *db) {
  free(db->entries);
  *db = (gpuk__tuning_db){NULL, 0, 0};
}
