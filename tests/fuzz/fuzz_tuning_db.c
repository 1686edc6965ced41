/* Fuzzes the GEMM tuning-database reader: any bytes parse without a crash, a
 * leak or unbounded growth, and what was read formats to text that reads back
 * to the same entries (format, parse, format gives the same text). */
#include <stdlib.h>
#include <string.h>

#include "gemm_tuning_db.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  gpuk__tuning_db db = {NULL, 0, 0};
  if (gpuk__tuning_db_parse(&db, (const char *)data, size) != 0) abort();
  if (db.count > GPUK__TUNING_MAX_ENTRIES) abort();
  for (size_t i = 0; i < db.count; i++) {
    const gpuk__tuning_entry *e = &db.entries[i];
    if (!gpuk__tuning_name_ok(e->device)) abort();
    if (gpuk__tuning_db_find(&db, e->backend, e->device, e->dtype) != e) abort(); /* keys unique */
  }
  char *text = gpuk__tuning_db_format(&db);
  if (!text) abort();
  gpuk__tuning_db again = {NULL, 0, 0};
  if (gpuk__tuning_db_parse(&again, text, strlen(text)) != 0 || again.count != db.count) abort();
  char *text_again = gpuk__tuning_db_format(&again);
  if (!text_again || strcmp(text, text_again) != 0) abort();
  free(text);
  free(text_again);
  gpuk__tuning_db_free(&db);
  gpuk__tuning_db_free(&again);
  return 0;
}
