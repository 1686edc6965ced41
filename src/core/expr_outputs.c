/* Which buffers an element-wise operation only writes: the outputs whose
 * element i the operation assigns, unconditionally, without ever reading
 * them. The CPU backend may compute such outputs into a small buffer and
 * store them around the caches (expr_codegen.c), which only preserves the
 * meaning of the operation when every element of the range is written and
 * nothing reads it back. The scan is of the text, so it errs towards "no":
 * anything it cannot follow (comments, strings, braces, directives, jumps out
 * of the element's code, changes to i) makes no output write-only. */
#include <ctype.h>
#include <string.h>

#include "expr.h"

typedef struct scan {
  const gpuk__expr_signature *sig;
  unsigned char written[GPUK__EXPR_MAX_PARAMS]; /* seen as a statement's `name[i] =` */
  unsigned char other[GPUK__EXPR_MAX_PARAMS];   /* seen anywhere else */
  int gave_up;
} scan;

static int ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static const char *skip_space(const char *p) {
  while (isspace((unsigned char)*p)) p++;
  return p;
}

static int token_is(const char *p, size_t len, const char *word) {
  return strlen(word) == len && memcmp(p, word, len) == 0;
}

/* Words that can leave the element's code before a later statement runs. */
static int is_jump(const char *p, size_t len) {
  static const char *const jumps[] = {"break", "continue", "goto", "return", "longjmp"};
  for (size_t j = 0; j < sizeof jumps / sizeof *jumps; j++)
    if (token_is(p, len, jumps[j])) return 1;
  return 0;
}

/* 1 when p starts an assignment operator or ++ / -- (not ==). */
static int modifies(const char *p) {
  if (p[0] == '=') return p[1] != '=';
  if ((p[0] == '+' && p[1] == '+') || (p[0] == '-' && p[1] == '-')) return 1;
  if (p[0] && strchr("+-*/%&|^", p[0]) && p[1] == '=') return 1;
  return (p[0] == '<' || p[0] == '>') && p[1] == p[0] && p[2] == '=';
}

/* 1 when p (just after a name) reads "[i] =", spaces allowed. */
static int assigns_element_i(const char *p) {
  p = skip_space(p);
  if (*p++ != '[') return 0;
  p = skip_space(p);
  if (*p++ != 'i' || ident_char(*p)) return 0;
  p = skip_space(p);
  if (*p++ != ']') return 0;
  p = skip_space(p);
  return p[0] == '=' && p[1] != '=';
}

static int param_of(const scan *s, const char *p, size_t len) {
  for (size_t q = 0; q < s->sig->count; q++)
    if (token_is(p, len, s->sig->params[q].name)) return (int)q;
  return -1;
}

/* Scans text [p, end). Statements (split at top-level semicolons) start only
 * in the operation, not in the preamble's directives: a name there is a use
 * the scan cannot follow. Gives up where i is declared, has its address taken
 * or is changed (the buffered loop relies on i running through its block). */
static void scan_text(scan *s, const char *p, const char *end, int statements) {
  int depth = 0, at_start = statements;
  int prev_word = 0;       /* the last token was a word: a declaration may follow */
  char prev = ';';         /* the last punctuation token: its character, 'P' for ++ or -- */
  int star_after_word = 0; /* prev is a '*' that followed a word ("float *i") */
  while (p < end && !s->gave_up) {
    const char c = *p;
    if (isspace((unsigned char)c)) {
      p++;
      continue;
    }
    if (ident_start(c)) {
      const char *w = p;
      while (p < end && ident_char(*p)) p++;
      const size_t len = (size_t)(p - w);
      const int q = param_of(s, w, len);
      if (is_jump(w, len)) {
        s->gave_up = 1;
      } else if (token_is(w, len, "i")) {
        if (prev_word || prev == 'P' || prev == '&' || star_after_word || modifies(skip_space(p)))
          s->gave_up = 1;
      } else if (q >= 0) {
        if (at_start && depth == 0 && assigns_element_i(p))
          s->written[q] = 1;
        else
          s->other[q] = 1;
      }
      prev_word = 1;
      prev = 'a';
      star_after_word = 0;
    } else if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)p[1]))) {
      while (p < end && (ident_char(*p) || *p == '.')) p++;
      prev_word = 0;
      prev = '0';
      star_after_word = 0;
    } else {
      if (statements && (strchr("{}#\"'\\", c) || (c == '/' && (p[1] == '*' || p[1] == '/'))))
        s->gave_up = 1; /* blocks, directives, strings, comments: not followed */
      if (c == '(' || c == '[') depth++;
      if ((c == ')' || c == ']') && depth > 0) depth--;
      const int twin = (c == '+' || c == '-') && p + 1 < end && p[1] == c;
      star_after_word = c == '*' && prev_word;
      prev = twin ? 'P' : c;
      prev_word = 0;
      p += twin ? 2 : 1;
      at_start = statements && c == ';' && depth == 0;
      continue;
    }
    at_start = 0;
  }
}

/* The preamble's preprocessor directives (with their continuation lines):
 * a macro can hide a jump or a use of an output from the operation's text. */
static void scan_directives(scan *s, const char *text) {
  const char *line = text;
  while (*line && !s->gave_up) {
    const char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    const int directive = *p == '#';
    const char *end = line;
    for (;;) { /* to the end of the logical line */
      const char *nl = strchr(end, '\n');
      if (!nl) {
        end += strlen(end);
        break;
      }
      const int continued = nl > end && nl[-1] == '\\';
      end = nl + 1;
      if (!continued || !directive) break;
    }
    if (directive) scan_text(s, p + 1, end, 0);
    line = end;
  }
}

size_t gpuk__expr_write_only_outputs(const gpuk__expr_spec *spec, unsigned char *write_only) {
  const gpuk__expr_signature *sig = spec->sig;
  memset(write_only, 0, sig->count);
  if (!spec->operation) return 0;
  scan s;
  memset(&s, 0, sizeof s);
  s.sig = sig;
  scan_text(&s, spec->operation, spec->operation + strlen(spec->operation), 1);
  if (spec->preamble) scan_directives(&s, spec->preamble);
  if (s.gave_up) return 0;
  size_t count = 0;
  for (size_t q = 0; q < sig->count; q++) {
    const gpuk__expr_param *p = &sig->params[q];
    write_only[q] = p->pointer && !p->is_const && s.written[q] && !s.other[q];
    count += write_only[q];
  }
  return count;
}
