/* Argument signatures of expression kernels ("float *x, const float *y,
 * float a"): parsing, names, and the check of launch arguments against them. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "handles.h"
#include "signature.h"

static const struct {
  const char *name;
  gpuk_dtype type;
  gpuk_arg_type arg;
  size_t size;
} types[] = {
    {"float", GPUK_FLOAT32, GPUK_ARG_FLOAT, 4}, {"double", GPUK_FLOAT64, GPUK_ARG_DOUBLE, 8},
    {"int", GPUK_INT32, GPUK_ARG_INT32, 4},     {"uint", GPUK_UINT32, GPUK_ARG_UINT32, 4},
    {"long", GPUK_INT64, GPUK_ARG_INT64, 8},    {"ulong", GPUK_UINT64, GPUK_ARG_UINT64, 8},
};
#define NTYPES (sizeof types / sizeof types[0])

size_t gpuk_dtype_size(gpuk_dtype dtype) {
  for (size_t t = 0; t < NTYPES; t++)
    if (types[t].type == dtype) return types[t].size;
  return 0;
}

const char *gpuk__dtype_c_name(gpuk_dtype dtype) {
  for (size_t t = 0; t < NTYPES; t++)
    if (types[t].type == dtype) return types[t].name;
  return "?";
}

static gpuk_arg_type arg_type_of(gpuk_dtype dtype) {
  for (size_t t = 0; t < NTYPES; t++)
    if (types[t].type == dtype) return types[t].arg;
  return GPUK_ARG_BUFFER;
}

/* Words that cannot name an argument or a kernel. */
static const char *const reserved[] = {
    "i",      "float",  "double", "int",      "uint",   "long",   "ulong",   "unsigned",
    "signed", "short",  "char",   "void",     "const",  "if",     "else",    "for",
    "while",  "do",     "return", "break",    "continue", "switch", "case",  "default",
    "goto",   "sizeof", "struct", "union",    "enum",   "typedef", "static", "extern",
    "inline", "restrict", "volatile", "register", "auto", "bool",  "half",   "size_t",
    "kernel", "global", "local",  "constant", "private", "min",   "max",     "mad"};

gpuk_status gpuk__expr_check_name(const char *name, const char *what) {
  size_t n = strlen(name);
  int ok = n > 0 && n < GPUK__EXPR_MAX_NAME && (isalpha((unsigned char)name[0]) || name[0] == '_');
  for (size_t c = 1; ok && c < n; c++) ok = isalnum((unsigned char)name[c]) || name[c] == '_';
  if (!ok)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "%s '%.80s' is not a C identifier of 1 to %d characters", what, name,
                           GPUK__EXPR_MAX_NAME - 1);
  if (strncmp(name, "gpuk_", 5) == 0)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                           "%s '%s': names starting with gpuk_ are reserved for libgpuk", what,
                           name);
  for (size_t r = 0; r < sizeof reserved / sizeof reserved[0]; r++)
    if (strcmp(name, reserved[r]) == 0)
      return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "%s '%s' is a reserved word%s", what,
                             name, strcmp(name, "i") == 0 ? " (i is the index)" : "");
  return GPUK_SUCCESS;
}

/* Splits one argument into words and '*'; returns the number of tokens. */
static size_t tokenize(const char *begin, const char *end, char tokens[][GPUK__EXPR_MAX_NAME + 1],
                       size_t max, int *too_long) {
  size_t count = 0;
  *too_long = 0;
  for (const char *p = begin; p < end;) {
    if (isspace((unsigned char)*p)) {
      p++;
      continue;
    }
    const char *q = p + 1;
    if (isalnum((unsigned char)*p) || *p == '_')
      while (q < end && (isalnum((unsigned char)*q) || *q == '_')) q++;
    if (count == max) return count + 1;
    size_t len = (size_t)(q - p);
    if (len > GPUK__EXPR_MAX_NAME) {
      *too_long = 1;
      len = GPUK__EXPR_MAX_NAME;
    }
    memcpy(tokens[count], p, len);
    tokens[count++][len] = '\0';
    p = q;
  }
  return count;
}

#define ARG_ERROR(fmt, ...)                                                                   \
  gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "arguments: argument %zu ('%.*s'): " fmt, index, \
                  (int)(end - begin), begin, __VA_ARGS__)

/* Parses one argument: [const] type [*] name, with "unsigned int/long" too. */
static gpuk_status parse_one(const char *begin, const char *end, size_t index,
                             gpuk__expr_param *param) {
  char tok[8][GPUK__EXPR_MAX_NAME + 1];
  int too_long;
  size_t n = tokenize(begin, end, tok, 8, &too_long), t = 0;
  if (too_long) return ARG_ERROR("a word is longer than %d characters", GPUK__EXPR_MAX_NAME - 1);
  if (n > 7) return ARG_ERROR("%s", "too many words");
  memset(param, 0, sizeof *param);
  if (t < n && strcmp(tok[t], "const") == 0) param->is_const = 1, t++;
  if (t == n) return ARG_ERROR("%s", "no type");
  char type[2 * GPUK__EXPR_MAX_NAME + 2];
  snprintf(type, sizeof type, "%.64s", tok[t++]);
  if (strcmp(type, "unsigned") == 0) {
    if (t < n && (strcmp(tok[t], "int") == 0 || strcmp(tok[t], "long") == 0))
      snprintf(type, sizeof type, "u%.64s", tok[t++]);
    else
      return ARG_ERROR("%s", "'unsigned' must be followed by int or long");
  }
  size_t k = 0;
  while (k < NTYPES && strcmp(types[k].name, type) != 0) k++;
  if (k == NTYPES)
    return ARG_ERROR("unknown type '%s' (known: float, double, int, uint, long, ulong)", type);
  param->type = types[k].type;
  if (t < n && strcmp(tok[t], "const") == 0) param->is_const = 1, t++;
  if (t < n && strcmp(tok[t], "*") == 0) param->pointer = 1, t++;
  if (t < n && strcmp(tok[t], "*") == 0) return ARG_ERROR("%s", "pointers to pointers are not supported");
  if (t == n) return ARG_ERROR("%s", "no name");
  if (t + 1 != n) return ARG_ERROR("unexpected '%s' after the name", tok[t + 1]);
  if (param->is_const && !param->pointer)
    return ARG_ERROR("%s", "const applies to pointers only (scalars are passed by value)");
  char what[32];
  snprintf(what, sizeof what, "arguments: argument %zu", index);
  gpuk_status st = gpuk__expr_check_name(tok[t], what);
  if (st) return st;
  memcpy(param->name, tok[t], strlen(tok[t]) + 1);
  return GPUK_SUCCESS;
}

gpuk_status gpuk__expr_parse_signature(const char *text, gpuk__expr_signature *sig) {
  sig->count = 0;
  if (!text) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "arguments is NULL");
  const char *p = text;
  while (isspace((unsigned char)*p)) p++;
  if (*p == '\0') return GPUK_SUCCESS; /* no arguments */
  for (size_t index = 1;; index++) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    if (sig->count == GPUK__EXPR_MAX_PARAMS)
      return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "arguments: more than %d arguments",
                             GPUK__EXPR_MAX_PARAMS);
    gpuk__expr_param *param = &sig->params[sig->count];
    gpuk_status st = parse_one(p, end, index, param);
    if (st) return st;
    for (size_t q = 0; q < sig->count; q++)
      if (strcmp(sig->params[q].name, param->name) == 0)
        return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                               "arguments: argument %zu repeats the name '%s'", index, param->name);
    sig->count++;
    if (*end == '\0') return GPUK_SUCCESS;
    p = end + 1;
  }
}

int gpuk__expr_needs_double(const gpuk__expr_signature *sig, gpuk_dtype out_type) {
  int needs = out_type == GPUK_FLOAT64;
  for (size_t p = 0; p < sig->count; p++) needs |= sig->params[p].type == GPUK_FLOAT64;
  return needs;
}

gpuk_status gpuk__expr_check_args(const gpuk__expr_signature *sig, const char *kernel_name,
                                  const gpuk_device *device, size_t stop, size_t nargs,
                                  const gpuk_arg *args) {
  if (nargs != sig->count)
    return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "%s takes %zu arguments; %zu given",
                           kernel_name, sig->count, nargs);
  if (nargs && !args) return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT, "args is NULL");
  for (size_t p = 0; p < nargs; p++) {
    const gpuk__expr_param *param = &sig->params[p];
    const char *type = gpuk__dtype_c_name(param->type);
    if (param->pointer) {
      if (args[p].type != GPUK_ARG_BUFFER)
        return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                               "%s: argument %zu (%s) is declared %s *; a scalar (%s) was given",
                               kernel_name, p + 1, param->name, type,
                               gpuk__arg_type_name(args[p].type));
      const gpuk_buffer *b = args[p].value.buffer;
      gpuk_status st = gpuk__check_object(b, GPUK__MAGIC_BUFFER, param->name);
      if (!st) st = gpuk__check_same_device(device, b, param->name);
      if (st) return st;
      size_t elem = gpuk_dtype_size(param->type);
      if (stop > b->size / elem)
        return gpuk__set_error(GPUK_ERROR_OUT_OF_RANGE,
                               "%s: argument %zu (%s) holds %zu %ss (%zu bytes); the range needs %zu",
                               kernel_name, p + 1, param->name, b->size / elem, type, b->size,
                               stop);
    } else if (args[p].type != arg_type_of(param->type)) {
      return gpuk__set_error(GPUK_ERROR_INVALID_ARGUMENT,
                             "%s: argument %zu (%s) is declared %s; %s was given (pass %s)",
                             kernel_name, p + 1, param->name, type,
                             args[p].type == GPUK_ARG_BUFFER ? "a buffer"
                                                             : gpuk__arg_type_name(args[p].type),
                             gpuk__arg_type_name(arg_type_of(param->type)));
    }
  }
  return GPUK_SUCCESS;
}
