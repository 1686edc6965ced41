/* Fuzzes the kernel-cache entry reader: the input is written as the cache file
 * of a fixed key and loaded back; anything but an intact entry must be a miss. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "gpuk/gpuk.h"

static const char *kKey = "fuzz key\n--\nsource\n--\n";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static char dir[64];
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "/tmp/gpuk-fuzz-cache-%ld", (long)getpid());
    setenv("GPUK_CACHE_DIR", dir, 1);
    unsetenv("GPUK_NO_CACHE");
    gpuk__cache_store(kKey, "x", 1); /* creates the directory and names the file */
  }
  /* Find the entry's path by storing once, then overwrite it with the input. */
  char path[256];
  FILE *list = NULL;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "ls %s/*.bin 2>/dev/null", dir);
  static char entry[256];
  if (!entry[0] && (list = popen(cmd, "r"))) {
    if (fgets(entry, sizeof entry, list)) entry[strcspn(entry, "\n")] = '\0';
    pclose(list);
  }
  if (!entry[0]) return 0;
  snprintf(path, sizeof path, "%s", entry);
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  void *blob = NULL;
  size_t blob_size = 0;
  if (gpuk__cache_load(kKey, &blob, &blob_size)) {
    if (blob_size == 0) abort();
    free(blob);
  }
  return 0;
}
