/* Host C modules for expression kernels: generated C compiled with the host
 * compiler (GPUK_CC, else the one that built libgpuk) into a shared object,
 * stored in the disk cache and loaded with dlopen from an in-memory file
 * (memfd), so nothing is left behind in /tmp. The memfd stays open while the
 * module is loaded: glibc reuses an already loaded object whose path matches,
 * so each live module needs its own /proc/self/fd/N. */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/cache.h"
#include "../core/error.h"
#include "cpu.h"

extern char **environ;

#ifndef GPUK_HOST_CC
#define GPUK_HOST_CC "cc"
#endif

static const char *const cc_flags[] = {"-std=gnu11",       "-O3",          "-march=native",
                                       "-fPIC",            "-shared",      "-fno-math-errno",
                                       "-ffp-contract=fast"};
#define NFLAGS (sizeof cc_flags / sizeof cc_flags[0])

static const char *host_cc(void) {
  const char *cc = getenv("GPUK_CC");
  return cc && *cc ? cc : GPUK_HOST_CC;
}

static int write_all(int fd, const void *data, size_t size) {
  const char *p = data;
  while (size) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    size -= (size_t)n;
  }
  return 0;
}

static int write_file(const char *path, const void *data, size_t size) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  int r = write_all(fd, data, size);
  return close(fd) == 0 ? r : -1;
}

/* Reads a whole file into a malloc'd, NUL-terminated buffer. */
static char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *data = NULL;
  long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1))) {
    if (fread(data, 1, (size_t)n, f) != (size_t)n) {
      free(data);
      data = NULL;
    } else {
      data[n] = '\0';
      *size = (size_t)n;
    }
  }
  fclose(f);
  return data;
}

typedef struct host_module {
  void *handle;
  int fd;
} host_module;

/* Loads a shared object from bytes through an anonymous in-memory file. */
static host_module *load_from_memory(const void *data, size_t size) {
  host_module *m = malloc(sizeof *m);
  if (!m) return NULL;
  m->handle = NULL;
  m->fd = memfd_create("gpuk-host-module", MFD_CLOEXEC);
  if (m->fd >= 0 && write_all(m->fd, data, size) == 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", m->fd);
    m->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  }
  if (!m->handle) {
    if (m->fd >= 0) close(m->fd);
    free(m);
    return NULL;
  }
  return m;
}

/* Runs the compiler on dir/module.c; returns its exit status (-1: did not run). */
static int run_compiler(const char *cc, const char *dir, char *spawn_error, size_t size) {
  char src[4200], out[4200], log[4200];
  snprintf(src, sizeof src, "%s/module.c", dir);
  snprintf(out, sizeof out, "%s/module.so", dir);
  snprintf(log, sizeof log, "%s/log.txt", dir);
  const char *argv[NFLAGS + 8];
  size_t argc = 0;
  argv[argc++] = cc;
  for (size_t f = 0; f < NFLAGS; f++) argv[argc++] = cc_flags[f];
  argv[argc++] = "-o";
  argv[argc++] = out;
  argv[argc++] = src;
  argv[argc++] = "-lm";
  argv[argc] = NULL;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid;
  int err = posix_spawnp(&pid, cc, &actions, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err) {
    snprintf(spawn_error, size, "%s", strerror(err));
    return -1;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      snprintf(spawn_error, size, "waitpid: %s", strerror(errno));
      return -1;
    }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  snprintf(spawn_error, size, "the compiler was killed by signal %d", WTERMSIG(status));
  return -1;
}

static void remove_dir(const char *dir) {
  static const char *const files[] = {"module.c", "module.so", "log.txt"};
  char path[4200];
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[f]);
    unlink(path);
  }
  rmdir(dir);
}

/* Compiles source in a fresh temporary directory and loads the result. */
static gpuk_status compile(const char *source, const char *key, void **module, char **log) {
  const char *cc = host_cc();
  const char *tmp = getenv("TMPDIR");
  char dir[4096], path[4200];
  snprintf(dir, sizeof dir, "%s/gpuk-host-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir))
    return gpuk__set_error(GPUK_ERROR_BUILD, "cannot create a directory for the host compiler: %s",
                           strerror(errno));
  snprintf(path, sizeof path, "%s/module.c", dir);
  gpuk_status st = GPUK_SUCCESS;
  if (write_file(path, source, strlen(source))) {
    st = gpuk__set_error(GPUK_ERROR_BUILD, "cannot write %s: %s", path, strerror(errno));
  } else {
    char spawn_error[256] = "";
    int rc = run_compiler(cc, dir, spawn_error, sizeof spawn_error);
    size_t log_size = 0;
    snprintf(path, sizeof path, "%s/log.txt", dir);
    *log = read_file(path, &log_size);
    if (rc < 0) {
      st = gpuk__set_error(GPUK_ERROR_BUILD,
                           "cannot run the host C compiler '%s' (%s); set GPUK_CC to one", cc,
                           spawn_error);
    } else if (rc != 0) {
      st = gpuk__set_error(GPUK_ERROR_BUILD,
                           "the host C compiler '%s' failed (exit %d); compiler log:\n%s", cc, rc,
                           *log ? *log : "");
    } else {
      size_t size = 0;
      snprintf(path, sizeof path, "%s/module.so", dir);
      char *object = read_file(path, &size);
      if (object && (*module = load_from_memory(object, size))) gpuk__cache_store(key, object, size);
      free(object);
      if (!*module) {
        const char *why = dlerror();
        st = gpuk__set_error(GPUK_ERROR_BUILD, "cannot load the compiled module: %s",
                             why ? why : strerror(errno));
      }
    }
  }
  remove_dir(dir);
  return st;
}

static gpuk_status host_build(gpuk_device *device, const char *source, void **module, char **log) {
  char flags[256] = "";
  for (size_t f = 0; f < NFLAGS; f++) {
    strncat(flags, cc_flags[f], sizeof flags - strlen(flags) - 2);
    strcat(flags, " ");
  }
  const char *parts[] = {"libgpuk " GPUK_VERSION_STRING, "host-c", device->entry.info.name,
                         host_cc(), flags, source};
  char *key = gpuk__cache_join_key(sizeof parts / sizeof parts[0], parts);
  if (!key) return gpuk__set_error(GPUK_ERROR_OUT_OF_MEMORY, "cannot allocate the cache key");
  void *data = NULL;
  size_t size = 0;
  *module = NULL;
  if (gpuk__cache_load(key, &data, &size)) {
    *module = load_from_memory(data, size);
    if (!*module) gpuk__cache_note_rejected();
    free(data);
  }
  gpuk_status st = *module ? GPUK_SUCCESS : compile(source, key, module, log);
  free(key);
  return st;
}

static void *host_symbol(void *module, const char *name) {
  return dlsym(((host_module *)module)->handle, name);
}

static void host_unload(void *module) {
  host_module *m = module;
  dlclose(m->handle);
  close(m->fd);
  free(m);
}

void gpuk__cpu_fill_jit_ops(gpuk_backend_ops *ops) {
  ops->host_build = host_build;
  ops->host_symbol = host_symbol;
  ops->host_unload = host_unload;
}
