/* The text form of a GEMM block shape,
 * "[cuda:|cuda-async:|cuda-mma:]MWGxNWGxKWG/MDIMCxNDIMC[/VWMxVWN]" or "skinny", shared by
 * gpuk-bench --block, the tuning database and users. Kept free of handles
 * so that the tuning database's fuzzer links it alone. */
#include <stdio.h>
#include <string.h>

#include "gemm.h"

/* The kernel's prefix, by gpuk_gemm_kernel (the skinny kernel's text is its
 * name alone). */
static const char *const prefixes[] = {"", "cuda:", "cuda-async:", "cuda-mma:"};
_Static_assert(sizeof prefixes / sizeof prefixes[0] == GPUK_GEMM_KERNEL_CUDA_MMA + 1,
               "one prefix per gpuk_gemm_kernel");

/* Reads one decimal field of 1 to 4 digits followed by sep ('\0': the end). */
static int parse_field(const char **p, char sep, unsigned *out) {
  unsigned v = 0;
  int digits = 0;
  for (; **p >= '0' && **p <= '9'; (*p)++) {
    if (++digits > 4) return 0;
    v = v * 10 + (unsigned)(**p - '0');
  }
  if (digits == 0 || **p != sep) return 0;
  if (sep) (*p)++;
  *out = v;
  return 1;
}

static const char skinny[] = "skinny";

int gpuk__gemm_config_from_text(const char *text, gpuk_gemm_config *config) {
  if (strcmp(text, skinny) == 0) {
    *config = gpuk__gemm_skinny_config();
    return 1;
  }
  gpuk_gemm_config c = {0, 0, 0, 0, 0, GPUK_GEMM_KERNEL_PORTABLE, 1, 1};
  const char *p = text;
  for (unsigned k = 1; k < sizeof prefixes / sizeof prefixes[0]; k++)
    if (strncmp(p, prefixes[k], strlen(prefixes[k])) == 0) {
      c.kernel = (gpuk_gemm_kernel)k;
      p += strlen(prefixes[k]);
      break;
    }
  if (!parse_field(&p, 'x', &c.mwg) || !parse_field(&p, 'x', &c.nwg) ||
      !parse_field(&p, '/', &c.kwg) || !parse_field(&p, 'x', &c.mdimc))
    return 0;
  /* ndimc ends the text, or the vector widths follow. */
  const char *widths = strchr(p, '/');
  if (widths ? !parse_field(&p, '/', &c.ndimc) || !parse_field(&p, 'x', &c.vwm) ||
                   !parse_field(&p, '\0', &c.vwn)
             : !parse_field(&p, '\0', &c.ndimc))
    return 0;
  *config = c;
  return 1;
}

int gpuk__gemm_config_to_text(const gpuk_gemm_config *c, char *text, size_t size) {
  const unsigned vwm = gpuk__gemm_width(c->vwm), vwn = gpuk__gemm_width(c->vwn);
  if (!gpuk__gemm_kernel_known(c->kernel)) return -1;
  if (c->kernel == GPUK_GEMM_KERNEL_SKINNY) return snprintf(text, size, "%s", skinny);
  const char *prefix = prefixes[c->kernel];
  if (vwm == 1 && vwn == 1)
    return snprintf(text, size, "%s%ux%ux%u/%ux%u", prefix, c->mwg, c->nwg, c->kwg, c->mdimc,
                    c->ndimc);
  return snprintf(text, size, "%s%ux%ux%u/%ux%u/%ux%u", prefix, c->mwg, c->nwg, c->kwg, c->mdimc,
                  c->ndimc, vwm, vwn);
}
