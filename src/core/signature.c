/* Reads a kernel's parameter list from its source so that launches can be
 * checked argument by argument before they reach the driver. */
#include "signature.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "handles.h"

const char *gpuk__arg_type_name(gpuk_arg_type type) {
  switch (type) {
    case GPUK_ARG_BUFFER: return "GPUK_ARG_BUFFER";
    case GPUK_ARG_INT32: return "GPUK_ARG_INT32";
    case GPUK_ARG_UINT32: return "GPUK_ARG_UINT32";
    case GPUK_ARG_INT64: return "GPUK_ARG_INT64";
    case GPUK_ARG_UINT64: return "GPUK_ARG_UINT64";
    case GPUK_ARG_FLOAT: return "GPUK_ARG_FLOAT";
    case GPUK_ARG_DOUBLE: return "GPUK_ARG_DOUBLE";
    case GPUK_ARG_LOCAL: return "GPUK_ARG_LOCAL";
  }
  return "an unknown gpuk_arg_type";
}

/* Copy of src with comments replaced by spaces (string literals do not occur in
 * kernel signatures, so they need no special care). */
static char *strip_comments(const char *src) {
  size_t n = strlen(src);
  char *out = malloc(n + 1);
  if (!out) return NULL;
  size_t i = 0;
  while (i < n) {
    if (src[i] == '/' && src[i + 1] == '*') {
      const char *end = strstr(src + i + 2, "*/");
      size_t stop = end ? (size_t)(end - src) + 2 : n;
      while (i < stop) out[i++] = ' ';
    } else if (src[i] == '/' && src[i + 1] == '/') {
      while (i < n && src[i] != '\n') out[i++] = ' ';
    } else {
      out[i] = src[i];
      i++;
    }
  }
  out[n] = '\0';
  return out;
}

static int is_ident(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* True when the declaration text before pos (back to the previous ';', '}' or
 * '#' line) marks a kernel entry point. */
static int declared_as_kernel(const char *text, size_t pos) {
  size_t start = pos;
  while (start > 0 && text[start - 1] != ';' && text[start - 1] != '}' && text[start - 1] != '{')
    start--;
  static const char *marks[] = {"__kernel", "kernel", "__global__"};
  for (size_t m = 0; m < 3; m++) {
    size_t len = strlen(marks[m]);
    for (size_t i = start; i + len <= pos; i++) {
      if (strncmp(text + i, marks[m], len) == 0 && (i == 0 || !is_ident(text[i - 1])) &&
          !is_ident(text[i + len]))
        return 1;
    }
  }
  return 0;
}

static const struct {
  const char *words; /* the base type after qualifiers are removed */
  gpuk_arg_type type;
} scalar_types[] = {
    {"int", GPUK_ARG_INT32},           {"signed int", GPUK_ARG_INT32},
    {"int32_t", GPUK_ARG_INT32},       {"unsigned int", GPUK_ARG_UINT32},
    {"unsigned", GPUK_ARG_UINT32},     {"uint", GPUK_ARG_UINT32},
    {"uint32_t", GPUK_ARG_UINT32},     {"long", GPUK_ARG_INT64},
    {"long long", GPUK_ARG_INT64},     {"int64_t", GPUK_ARG_INT64},
    {"long int", GPUK_ARG_INT64},      {"unsigned long", GPUK_ARG_UINT64},
    {"ulong", GPUK_ARG_UINT64},        {"unsigned long long", GPUK_ARG_UINT64},
    {"uint64_t", GPUK_ARG_UINT64},     {"size_t", GPUK_ARG_UINT64},
    {"float", GPUK_ARG_FLOAT},         {"double", GPUK_ARG_DOUBLE},
};

static int is_qualifier(const char *w) {
  static const char *q[] = {"const",    "__const",    "restrict", "__restrict", "__restrict__",
                            "volatile", "__private",  "private",  "__global",   "global",
                            "__constant", "constant", "__local",  "local",      "__read_only",
                            "__write_only", "read_only", "write_only"};
  for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
    if (strcmp(w, q[i]) == 0) return 1;
  return 0;
}

/* Parses one parameter declaration of len bytes. */
static int parse_param(const char *text, size_t len, gpuk__param *p) {
  char buf[256];
  if (len >= sizeof buf) return 0;
  memcpy(buf, text, len);
  buf[len] = '\0';
  memset(p, 0, sizeof *p);
  int pointer = strchr(buf, '*') != NULL || strchr(buf, '[') != NULL;
  int local = 0;
  char words[16][64];
  size_t nwords = 0;
  for (char *s = buf; *s;) {
    if (!is_ident(*s)) {
      s++;
      continue;
    }
    char *w = s;
    while (is_ident(*s)) s++;
    size_t wl = (size_t)(s - w);
    if (nwords == 16 || wl >= 64) return 0;
    memcpy(words[nwords], w, wl);
    words[nwords][wl] = '\0';
    nwords++;
  }
  if (nwords < 2) return 0;
  snprintf(p->name, sizeof p->name, "%s", words[nwords - 1]);
  size_t tl = 0;
  for (size_t i = 0; i + 1 < nwords; i++) {
    if (strcmp(words[i], "__local") == 0 || strcmp(words[i], "local") == 0) local = 1;
    if (is_qualifier(words[i])) continue;
    int n = snprintf(p->type + tl, sizeof p->type - tl, "%s%s", tl ? " " : "", words[i]);
    if (n < 0 || (size_t)n >= sizeof p->type - tl) return 0;
    tl += (size_t)n;
  }
  if (pointer) {
    p->kind = local ? GPUK__PARAM_LOCAL : GPUK__PARAM_BUFFER;
    size_t l = strlen(p->type);
    if (l + 2 < sizeof p->type) memcpy(p->type + l, " *", 3);
    return 1;
  }
  p->kind = GPUK__PARAM_OTHER;
  for (size_t i = 0; i < sizeof scalar_types / sizeof scalar_types[0]; i++) {
    if (strcmp(p->type, scalar_types[i].words) == 0) {
      p->kind = GPUK__PARAM_SCALAR;
      p->scalar = scalar_types[i].type;
    }
  }
  return 1;
}

static gpuk__signature *parse_list(const char *open) {
  gpuk__signature *sig = calloc(1, sizeof *sig);
  if (!sig) return NULL;
  const char *p = open + 1;
  int depth = 0;
  const char *item = p;
  size_t cap = 0;
  for (;; p++) {
    if (*p == '\0') break;
    if (*p == '(' || *p == '[') depth++;
    if ((*p == ')' || *p == ']') && depth > 0) {
      depth--;
      continue;
    }
    if ((*p == ',' && depth == 0) || (*p == ')' && depth == 0)) {
      const char *b = item, *e = p;
      while (b < e && isspace((unsigned char)*b)) b++;
      while (e > b && isspace((unsigned char)e[-1])) e--;
      int is_void = (size_t)(e - b) == 4 && strncmp(b, "void", 4) == 0;
      if (e > b && !(is_void && *p == ')' && sig->count == 0)) {
        if (sig->count == cap) {
          cap = cap ? cap * 2 : 8;
          gpuk__param *np = realloc(sig->params, cap * sizeof *np);
          if (!np) break;
          sig->params = np;
        }
        if (!parse_param(b, (size_t)(e - b), &sig->params[sig->count])) break;
        sig->count++;
      }
      if (*p == ')') return sig;
      item = p + 1;
    }
  }
  gpuk__signature_free(sig);
  return NULL;
}

gpuk__signature *gpuk__signature_parse(const char *source, const char *name) {
  char *text = strip_comments(source);
  if (!text) return NULL;
  size_t nl = strlen(name);
  gpuk__signature *sig = NULL;
  for (const char *p = strstr(text, name); p && !sig; p = strstr(p + 1, name)) {
    size_t pos = (size_t)(p - text);
    if ((pos > 0 && is_ident(text[pos - 1])) || is_ident(p[nl])) continue;
    const char *q = p + nl;
    while (isspace((unsigned char)*q)) q++;
    if (*q != '(' || !declared_as_kernel(text, pos)) continue;
    sig = parse_list(q);
  }
  free(text);
  return sig;
}

void gpuk__signature_free(gpuk__signature *sig) {
  if (!sig) return;
  free(sig->params);
  free(sig);
}

static const char *kind_wanted(const gpuk__param *p) {
  switch (p->kind) {
    case GPUK__PARAM_BUFFER: return "GPUK_ARG_BUFFER";
    case GPUK__PARAM_LOCAL: return "GPUK_ARG_LOCAL";
    case GPUK__PARAM_SCALAR: return gpuk__arg_type_name(p->scalar);
    default: return "a type gpuk_arg cannot pass";
  }
}

gpuk_status gpuk__signature_check(const gpuk__signature *sig, const char *kernel_name,
                                  const gpuk_device *device, size_t nargs, const gpuk_arg *args) {
  if (nargs && !args)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "args is NULL but nargs is %zu", nargs);
  if (sig && nargs != sig->count)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "kernel '%s' takes %zu argument(s), %zu given", kernel_name,
                           sig->count, nargs);
  for (size_t i = 0; i < nargs; i++) {
    const gpuk_arg *a = &args[i];
    if ((unsigned)a->type > GPUK_ARG_LOCAL)
      return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                             "kernel '%s' argument %zu: type %d is not a gpuk_arg_type",
                             kernel_name, i, (int)a->type);
    if (a->type == GPUK_ARG_BUFFER) {
      char what[96];
      snprintf(what, sizeof what, "kernel '%s' argument %zu", kernel_name, i);
      gpuk_status st = gpuk__check_object(a->value.buffer, GPUK__MAGIC_BUFFER, what);
      if (!st) st = gpuk__check_same_device(device, a->value.buffer, what);
      if (st) return st;
    }
    if (a->type == GPUK_ARG_LOCAL && a->value.local_bytes == 0)
      return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                             "kernel '%s' argument %zu: local memory size is 0", kernel_name, i);
    if (!sig) continue;
    const gpuk__param *p = &sig->params[i];
    int ok = (p->kind == GPUK__PARAM_BUFFER && a->type == GPUK_ARG_BUFFER) ||
             (p->kind == GPUK__PARAM_LOCAL && a->type == GPUK_ARG_LOCAL) ||
             (p->kind == GPUK__PARAM_SCALAR && a->type == p->scalar);
    if (!ok)
      return gpuk__set_error(p->kind == GPUK__PARAM_OTHER ? GPUK_ERROR_UNSUPPORTED
                                                          : GPUK_ERROR_INVALID_ARGUMENT,
                             "kernel '%s' argument %zu ('%s', declared %s) needs %s, got %s",
                             kernel_name, i, p->name, p->type, kind_wanted(p),
                             gpuk__arg_type_name(a->type));
  }
  return GPUK_SUCCESS;
}
